"""Panorama figures read from the rollup tables (never from raw readings, but for the one 台区
curve, which is an index range of its summary meter's points).

A scope is a county, a supply station or everything (the sum of the counties).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    County,
    Feeder,
    IntervalReading,
    Meter,
    MeterRole,
    RollupCurve,
    RollupDay,
    RollupLevel,
    SupplyStation,
    TransformerArea,
)
from db.queries.scope import OrgScope

HIGH_LOSS_PCT = Decimal("6")  # DESIGN.md §6: 合格 0–6 %, 高损 > 6 %, 负损 < −1 %
NEGATIVE_LOSS_PCT = Decimal("-1")


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

    @property
    def line_loss_pct(self) -> Decimal | None:
        if not self.supply_wh or self.loss_sales_wh is None:
            return None
        rate = Decimal(self.supply_wh - self.loss_sales_wh) * 100 / Decimal(self.supply_wh)
        return rate.quantize(Decimal("0.01"))

    @property
    def success_pct(self) -> Decimal | None:
        if not self.meters_expected:
            return None
        rate = Decimal(self.meters_read) * 100 / Decimal(self.meters_expected)
        return rate.quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class AreaLoss:
    """One 台区 in the line-loss ranking; ``verdict`` is 'high', 'negative', 'ok' or
    'incomputable' (不可算: a meter's read is missing)."""

    area_id: int
    code: str
    name: str
    station: str
    supply_wh: int | None
    sales_wh: int
    loss_pct: Decimal | None
    verdict: str


def _units(session: Session, scope: OrgScope) -> tuple[str, list[int]]:
    if scope.station_id is not None:
        return RollupLevel.STATION.value, [scope.station_id]
    if scope.county_id is not None:
        return RollupLevel.COUNTY.value, [scope.county_id]
    return RollupLevel.COUNTY.value, list(session.scalars(select(County.id)))


def day_kpis(session: Session, scope: OrgScope, day: date) -> DayKpis:
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


def load_curve(session: Session, scope: OrgScope, day: date) -> list[tuple[datetime, int, int]]:
    """(slot start, W, summary meters reporting) of each quarter hour of ``day`` with data."""
    level, units = _units(session, scope)
    start = datetime.combine(day, time.min)
    rows = session.execute(
        select(RollupCurve.slot_start, func.sum(RollupCurve.power_w), func.sum(RollupCurve.meters))
        .where(
            RollupCurve.level == level,
            RollupCurve.unit_id.in_(units),
            RollupCurve.slot_start >= start,
            RollupCurve.slot_start < start + timedelta(days=1),
        )
        .group_by(RollupCurve.slot_start)
        .order_by(RollupCurve.slot_start)
    )
    return [(slot, int(power), int(meters)) for slot, power, meters in rows]


def latest_load(
    session: Session, scope: OrgScope, now: datetime, window: timedelta
) -> tuple[datetime, int, int] | None:
    """The newest slot within ``window`` before ``now``: (slot start, W, meters reporting)."""
    level, units = _units(session, scope)
    slot = session.scalar(
        select(func.max(RollupCurve.slot_start)).where(
            RollupCurve.level == level,
            RollupCurve.unit_id.in_(units),
            RollupCurve.slot_start > now - window,
            RollupCurve.slot_start <= now,
        )
    )
    if slot is None:
        return None
    power, meters = session.execute(
        select(func.sum(RollupCurve.power_w), func.sum(RollupCurve.meters)).where(
            RollupCurve.level == level,
            RollupCurve.unit_id.in_(units),
            RollupCurve.slot_start == slot,
        )
    ).one()
    return slot, int(power), int(meters)


def _verdict(pct: Decimal | None) -> str:
    if pct is None:
        return "incomputable"
    if pct > HIGH_LOSS_PCT:
        return "high"
    if pct < NEGATIVE_LOSS_PCT:
        return "negative"
    return "ok"


def line_loss_ranking(
    session: Session, scope: OrgScope, day: date, *, limit: int | None = None
) -> list[AreaLoss]:
    """台区 of the scope by line loss of ``day``, worst first; incomputable ones last."""
    q = (
        select(
            RollupDay.unit_id,
            TransformerArea.code,
            TransformerArea.name,
            SupplyStation.name,
            RollupDay.supply_wh,
            RollupDay.sales_wh,
            RollupDay.loss_sales_wh,
        )
        .join(TransformerArea, TransformerArea.id == RollupDay.unit_id)
        .join(Feeder, Feeder.id == TransformerArea.feeder_id)
        .join(SupplyStation, SupplyStation.id == Feeder.supply_station_id)
        .where(RollupDay.level == RollupLevel.AREA.value, RollupDay.day == day)
    )
    if scope.station_id is not None:
        q = q.where(Feeder.supply_station_id == scope.station_id)
    elif scope.county_id is not None:
        q = q.where(SupplyStation.county_id == scope.county_id)
    out: list[AreaLoss] = []
    for area_id, code, name, station, supply, sales, loss_sales in session.execute(q):
        pct = None
        if supply and loss_sales is not None:
            pct = (Decimal(supply - loss_sales) * 100 / Decimal(supply)).quantize(Decimal("0.01"))
        out.append(AreaLoss(area_id, code, name, station, supply, sales, pct, _verdict(pct)))
    out.sort(key=lambda a: (a.loss_pct is None, -(a.loss_pct or 0), a.code))
    return out if limit is None else out[:limit]


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
