"""Panorama figures read from the rollup tables (never from raw readings, but for the one 台区
curve, which is an index range of its summary meter's points).

A scope is everything (the sum of the counties), a county, a supply station or a 台区: the
levels the rollups are kept at. Rates and verdicts are ``console.kpi``'s, not computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    ROLLUP_LEVELS,
    County,
    Feeder,
    IntervalReading,
    Level,
    Meter,
    MeterRole,
    RollupCurve,
    RollupDay,
    SupplyStation,
    TransformerArea,
)
from db.scope import Scope


@dataclass(frozen=True, slots=True)
class DayKpis:
    """One scope's day: sales, supply and line loss (over computable 台区), collection, load."""

    day: date
    sales_wh: int
    supply_wh: int | None
    loss_sales_wh: int | None
    meters_expected: int
    meters_read: int
    areas: int
    areas_computable: int
    load_max_w: int | None
    load_max_at: datetime | None


@dataclass(frozen=True, slots=True)
class AreaLoss:
    """One 台区's line-loss inputs of a day: supply (its summary meter) and the sales that
    count for line loss (``loss_sales_wh`` None: 不可算, a meter's read is missing)."""

    area_id: int
    code: str
    name: str
    station_id: int
    station: str
    supply_wh: int | None
    sales_wh: int
    loss_sales_wh: int | None


def _units(session: Session, scope: Scope) -> tuple[str, list[int]]:
    if scope.level is None:
        return Level.COUNTY.value, list(session.scalars(select(County.id)))
    if scope.level not in ROLLUP_LEVELS or scope.id is None:
        raise ValueError(f"rollups are kept per county, station and 台区, not per {scope.level}")
    return scope.level.value, [scope.id]


def day_kpis(session: Session, scope: Scope, day: date) -> DayKpis:
    level, units = _units(session, scope)
    rows = list(
        session.scalars(
            select(RollupDay).where(
                RollupDay.level == level, RollupDay.unit_id.in_(units), RollupDay.day == day
            )
        )
    )
    supplies = [r.supply_wh for r in rows if r.supply_wh is not None]
    losses = [r.loss_sales_wh for r in rows if r.loss_sales_wh is not None]
    peak = None
    if len(units) == 1 and rows:
        peak = (rows[0].load_max_w, rows[0].load_max_at)
    elif rows:  # several counties: the peak of their summed curve
        curve = load_curve(session, scope, day)
        best = max(curve, key=lambda p: p[1], default=None)
        peak = (best[1], best[0]) if best is not None else None
    return DayKpis(
        day=day,
        sales_wh=sum(r.sales_wh for r in rows),
        supply_wh=sum(supplies) if supplies else None,
        loss_sales_wh=sum(losses) if losses else None,
        meters_expected=sum(r.meters_expected for r in rows),
        meters_read=sum(r.meters_read for r in rows),
        areas=sum(r.areas for r in rows),
        areas_computable=sum(r.areas_computable for r in rows),
        load_max_w=None if peak is None else peak[0],
        load_max_at=None if peak is None else peak[1],
    )


def load_points(
    session: Session, scope: Scope, start: datetime, end: datetime
) -> list[tuple[datetime, int, int]]:
    """(slot start, W, summary meters reporting) of each quarter hour in [start, end) with
    data, oldest first."""
    level, units = _units(session, scope)
    rows = session.execute(
        select(RollupCurve.slot_start, func.sum(RollupCurve.power_w), func.sum(RollupCurve.meters))
        .where(
            RollupCurve.level == level,
            RollupCurve.unit_id.in_(units),
            RollupCurve.slot_start >= start,
            RollupCurve.slot_start < end,
        )
        .group_by(RollupCurve.slot_start)
        .order_by(RollupCurve.slot_start)
    )
    return [(slot, int(power), int(meters)) for slot, power, meters in rows]


def load_curve(session: Session, scope: Scope, day: date) -> list[tuple[datetime, int, int]]:
    """(slot start, W, summary meters reporting) of each quarter hour of ``day`` with data."""
    start = datetime.combine(day, time.min)
    return load_points(session, scope, start, start + timedelta(days=1))


def area_losses(session: Session, scope: Scope, day: date) -> list[AreaLoss]:
    """Every 台区 of the scope with a rollup row for ``day``: its line-loss inputs."""
    q = (
        select(
            RollupDay.unit_id,
            TransformerArea.code,
            TransformerArea.name,
            SupplyStation.id,
            SupplyStation.name,
            RollupDay.supply_wh,
            RollupDay.sales_wh,
            RollupDay.loss_sales_wh,
        )
        .join(TransformerArea, TransformerArea.id == RollupDay.unit_id)
        .join(Feeder, Feeder.id == TransformerArea.feeder_id)
        .join(SupplyStation, SupplyStation.id == Feeder.supply_station_id)
        .where(RollupDay.level == Level.AREA.value, RollupDay.day == day)
    )
    if scope.level is Level.STATION:
        q = q.where(Feeder.supply_station_id == scope.id)
    elif scope.level is Level.COUNTY:
        q = q.where(SupplyStation.county_id == scope.id)
    elif scope.level is Level.AREA:
        q = q.where(RollupDay.unit_id == scope.id)
    elif scope.level is not None:
        raise ValueError(f"line losses are ranked per county, station or 台区, not {scope.level}")
    return [AreaLoss(*row) for row in session.execute(q)]


def area_curve(
    session: Session, area_id: int, first: date, days: int
) -> list[tuple[datetime, int]]:
    """The 台区 summary meter's quarter-hour power over ``days`` days from ``first``."""
    start = datetime.combine(first, time.min)
    summary = select(Meter.id).where(
        Meter.transformer_area_id == area_id, Meter.role == MeterRole.SUMMARY.value
    )
    rows = session.execute(
        select(IntervalReading.slot_start, IntervalReading.active_power_w)
        .where(
            IntervalReading.meter_id.in_(summary),
            IntervalReading.slot_start >= start,
            IntervalReading.slot_start < start + timedelta(days=days),
        )
        .order_by(IntervalReading.slot_start)
    )
    return [(slot, int(power)) for slot, power in rows]
