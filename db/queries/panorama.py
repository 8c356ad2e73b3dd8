"""Figures behind the panorama's KPI tiles and load curve, computed in SQL from stored readings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from db.models import DailyFreeze, IntervalReading, MeterRole, RegisterReading
from db.queries.scope import OrgScope, scoped_meter_ids


@dataclass(frozen=True, slots=True)
class SalesRow:
    energy_wh: int
    meters: int  # customer meters with both a freeze and a register reading for the day


@dataclass(frozen=True, slots=True)
class CurvePoint:
    slot_start: datetime
    power_w: int
    meters: int


@dataclass(frozen=True, slots=True)
class LoadRow:
    power_w: int
    meters: int
    latest_slot: datetime | None


def meters_expected(session: Session, scope: OrgScope) -> int:
    """Active meters that should be read (the denominator of 采集成功率)."""
    sub = scoped_meter_ids(scope).subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


def meters_expected_role(session: Session, scope: OrgScope, role: str) -> int:
    sub = scoped_meter_ids(scope, role=role).subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


def meters_with_freeze(session: Session, day: date, scope: OrgScope) -> int:
    """Meters with a valid daily-freeze read for ``day`` (the numerator of 采集成功率)."""
    ids = scoped_meter_ids(scope)
    return (
        session.scalar(
            select(func.count())
            .select_from(DailyFreeze)
            .where(DailyFreeze.day == day, DailyFreeze.meter_id.in_(ids))
        )
        or 0
    )


def sales_so_far(session: Session, day: date, scope: OrgScope) -> SalesRow:
    """Energy sold on ``day`` up to the latest reads: sum over customer meters of
    (latest register reading − the register frozen at 00:00)."""
    ids = scoped_meter_ids(scope, role=MeterRole.CUSTOMER.value)
    delta = RegisterReading.forward_active_wh - DailyFreeze.forward_active_wh
    row = session.execute(
        select(func.coalesce(func.sum(delta), 0), func.count())
        .select_from(RegisterReading)
        .join(
            DailyFreeze,
            and_(
                DailyFreeze.meter_id == RegisterReading.meter_id,
                DailyFreeze.day == RegisterReading.day,
            ),
        )
        .where(RegisterReading.day == day, RegisterReading.meter_id.in_(ids), delta >= 0)
    ).one()
    return SalesRow(int(row[0]), int(row[1]))


def load_curve(session: Session, day: date, scope: OrgScope) -> list[CurvePoint]:
    """Quarter-hour supply load of the scope: the sum of its 台区 summary meters' power."""
    ids = scoped_meter_ids(scope, role=MeterRole.SUMMARY.value)
    start = datetime.combine(day, time.min)
    rows = session.execute(
        select(IntervalReading.slot_start, func.sum(IntervalReading.active_power_w), func.count())
        .where(
            IntervalReading.slot_start >= start,
            IntervalReading.slot_start < start + timedelta(days=1),
            IntervalReading.meter_id.in_(ids),
        )
        .group_by(IntervalReading.slot_start)
        .order_by(IntervalReading.slot_start)
    )
    return [CurvePoint(r[0], int(r[1]), int(r[2])) for r in rows]


def current_load(session: Session, now: datetime, scope: OrgScope, window: timedelta) -> LoadRow:
    """Sum of each summary meter's latest power within ``window`` before ``now``."""
    ids = scoped_meter_ids(scope, role=MeterRole.SUMMARY.value)
    latest = (
        select(IntervalReading.meter_id, func.max(IntervalReading.slot_start).label("slot"))
        .where(
            IntervalReading.slot_start > now - window,
            IntervalReading.slot_start <= now,
            IntervalReading.meter_id.in_(ids),
        )
        .group_by(IntervalReading.meter_id)
        .subquery()
    )
    row = session.execute(
        select(
            func.coalesce(func.sum(IntervalReading.active_power_w), 0),
            func.count(),
            func.max(IntervalReading.slot_start),
        ).join(
            latest,
            and_(
                IntervalReading.meter_id == latest.c.meter_id,
                IntervalReading.slot_start == latest.c.slot,
            ),
        )
    ).one()
    return LoadRow(int(row[0]), int(row[1]), row[2])
