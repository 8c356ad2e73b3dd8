"""The organisation tree as plain rows, for scope pickers and drill-down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Concentrator,
    County,
    Feeder,
    Level,
    Meter,
    MeterStatus,
    SupplyStation,
    TransformerArea,
)
from db.scope import Scope


@dataclass(frozen=True, slots=True)
class OrgUnitRow:
    """A county or supply station, as offered in scope pickers."""

    level: Level
    id: int
    name: str
    parent_id: int | None

    @property
    def scope(self) -> Scope:
        return Scope(self.level, self.id)


def org_units(session: Session) -> list[OrgUnitRow]:
    """Counties followed by their supply stations, in code order."""
    rows: list[OrgUnitRow] = []
    for county in session.scalars(select(County).order_by(County.code)):
        rows.append(OrgUnitRow(Level.COUNTY, county.id, county.name, None))
        stations = session.scalars(
            select(SupplyStation)
            .where(SupplyStation.county_id == county.id)
            .order_by(SupplyStation.code)
        )
        rows.extend(OrgUnitRow(Level.STATION, s.id, s.name, county.id) for s in stations)
    return rows


def active_meter_count(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Meter).where(Meter.status == MeterStatus.ACTIVE.value)
        )
        or 0
    )


def station_of(session: Session, scope: Scope) -> int | None:
    """The supply station a scope lies in (its thresholds apply); ``None`` for a county or
    everything, whose county-wide thresholds apply."""
    level, unit = scope.level, scope.id
    if level is None or level is Level.COUNTY:
        return None
    if level is Level.STATION:
        return unit
    area: Any
    if level is Level.FEEDER:
        return session.scalar(select(Feeder.supply_station_id).where(Feeder.id == unit))
    if level is Level.AREA:
        area = unit
    elif level is Level.CONCENTRATOR:
        area = select(Concentrator.transformer_area_id).where(Concentrator.id == unit)
    elif level is Level.METER:
        area = select(Meter.transformer_area_id).where(Meter.id == unit)
    else:  # a customer: the 台区 of its meters
        area = select(Meter.transformer_area_id).where(Meter.customer_id == unit).limit(1)
    return session.scalar(
        select(Feeder.supply_station_id)
        .join(TransformerArea, TransformerArea.feeder_id == Feeder.id)
        .where(TransformerArea.id == (area if isinstance(area, int) else area.scalar_subquery()))
    )
