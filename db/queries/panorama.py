"""The panorama's figures that the rollups do not hold: meters expected per scope and today's
sales so far, computed in SQL from stored readings (the rest is ``db.queries.rollups``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from db.models import DailyFreeze, MeterRole, RegisterReading
from db.scope import Scope, active_meter_ids


@dataclass(frozen=True, slots=True)
class SalesRow:
    energy_wh: int
    meters: int  # customer meters with both a freeze and a register reading for the day


@dataclass(frozen=True, slots=True)
class CurvePoint:
    slot_start: datetime
    power_w: int
    meters: int


def meters_expected(session: Session, scope: Scope) -> int:
    """Active meters that should be read (the denominator of 采集成功率)."""
    sub = active_meter_ids(scope).subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


def meters_expected_role(session: Session, scope: Scope, role: str) -> int:
    sub = active_meter_ids(scope, role=role).subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


def sales_so_far(session: Session, day: date, scope: Scope) -> SalesRow:
    """Energy sold on ``day`` up to the latest reads: sum over customer meters of
    (latest register reading − the register frozen at 00:00)."""
    ids = active_meter_ids(scope, role=MeterRole.CUSTOMER.value)
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
