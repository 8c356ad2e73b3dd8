"""The organisation scope a query is limited to: a whole county or one supply station."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from db.models import Feeder, Meter, MeterStatus, SupplyStation, TransformerArea


@dataclass(frozen=True, slots=True)
class OrgScope:
    """``station_id``: one 供电所; ``county_id``: one county; neither: everything."""

    county_id: int | None = None
    station_id: int | None = None


def scoped_meter_ids(scope: OrgScope, *, role: str | None = None) -> Select[int]:
    """Active meters within ``scope`` (optionally only one role), as a sub-select of ids."""
    q = (
        select(Meter.id)
        .join(TransformerArea, TransformerArea.id == Meter.transformer_area_id)
        .join(Feeder, Feeder.id == TransformerArea.feeder_id)
        .where(Meter.status == MeterStatus.ACTIVE.value)
    )
    if role is not None:
        q = q.where(Meter.role == role)
    if scope.station_id is not None:
        q = q.where(Feeder.supply_station_id == scope.station_id)
    elif scope.county_id is not None:
        q = q.join(SupplyStation, SupplyStation.id == Feeder.supply_station_id).where(
            SupplyStation.county_id == scope.county_id
        )
    return q
