"""The one scope type: what part of the organisation a figure, a query, an alarm or a user's
rights cover — everything, or one county, supply station, feeder, 台区, concentrator, meter or
customer — and the meters it holds, as SQL conditions.

``Level`` is also what the database stores wherever a row names a kind of unit (the rollups'
level, an alarm's object, an outage's scope), spelled the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select

from db.models import Feeder, Level, Meter, MeterStatus, SupplyStation, TransformerArea

# The levels of the organisation tree, from the top.
ORG_LEVELS = (Level.COUNTY, Level.STATION, Level.FEEDER, Level.AREA)


@dataclass(frozen=True, slots=True)
class Scope:
    """``level`` and ``id`` name one unit; both ``None``: everything in the database."""

    level: Level | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if (self.level is None) != (self.id is None):
            raise ValueError(f"a scope names a level and an id, or neither: {self}")
        if self.level is not None:
            object.__setattr__(self, "level", Level(self.level))

    @property
    def everything(self) -> bool:
        return self.level is None

    @classmethod
    def of(cls, level: Level | str, unit_id: int) -> Scope:
        return cls(Level(level), unit_id)

    def __str__(self) -> str:
        return "everything" if self.level is None else f"{self.level.value} {self.id}"


EVERYTHING = Scope()


def meters_in(scope: Scope) -> list[ColumnElement[bool]]:
    """Conditions on ``Meter`` that keep the meters of ``scope`` (none for everything)."""
    if scope.level is None:
        return []
    level, unit = scope.level, scope.id
    if level is Level.METER:
        return [Meter.id == unit]
    if level is Level.CUSTOMER:
        return [Meter.customer_id == unit]
    if level is Level.AREA:
        return [Meter.transformer_area_id == unit]
    if level is Level.CONCENTRATOR:
        return [Meter.concentrator_id == unit]
    areas = select(TransformerArea.id)
    if level is Level.FEEDER:
        areas = areas.where(TransformerArea.feeder_id == unit)
    else:
        areas = areas.join(Feeder, Feeder.id == TransformerArea.feeder_id)
        if level is Level.STATION:
            areas = areas.where(Feeder.supply_station_id == unit)
        else:
            areas = areas.join(SupplyStation, SupplyStation.id == Feeder.supply_station_id).where(
                SupplyStation.county_id == unit
            )
    return [Meter.transformer_area_id.in_(areas)]


def active_meter_ids(scope: Scope, *, role: str | None = None) -> Select[int]:
    """Active meters of ``scope`` (optionally of one role), as a sub-select of ids."""
    q = select(Meter.id).where(Meter.status == MeterStatus.ACTIVE.value, *meters_in(scope))
    if role is not None:
        q = q.where(Meter.role == role)
    return q
