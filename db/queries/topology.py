"""The organisation tree as plain rows, for scope pickers and drill-down."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import County, Meter, MeterStatus, SupplyStation
from db.queries.scope import OrgScope


@dataclass(frozen=True, slots=True)
class OrgUnitRow:
    """A county or supply station, as offered in scope pickers."""

    kind: str  # "county" | "station"
    id: int
    name: str
    parent_id: int | None

    def scope(self) -> OrgScope:
        if self.kind == "station":
            return OrgScope(station_id=self.id)
        return OrgScope(county_id=self.id)


def org_units(session: Session) -> list[OrgUnitRow]:
    """Counties followed by their supply stations, in code order."""
    rows: list[OrgUnitRow] = []
    for county in session.scalars(select(County).order_by(County.code)):
        rows.append(OrgUnitRow("county", county.id, county.name, None))
        stations = session.scalars(
            select(SupplyStation)
            .where(SupplyStation.county_id == county.id)
            .order_by(SupplyStation.code)
        )
        rows.extend(OrgUnitRow("station", s.id, s.name, county.id) for s in stations)
    return rows


def active_meter_count(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Meter).where(Meter.status == MeterStatus.ACTIVE.value)
        )
        or 0
    )
