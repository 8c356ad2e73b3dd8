"""The panorama's figures for one organisation scope, read in one transaction.

Everything comes from stored readings through ``db.queries.panorama``; this module only picks
the days, converts units and bundles the result for the UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from console.core.clock import Clock
from db.models import MeterRole
from db.queries import panorama as q
from db.queries import rollups as rq
from db.queries.panorama import CurvePoint as LoadPoint  # one 15-minute point of a load curve
from db.queries.scope import OrgScope
from db.queries.topology import OrgUnitRow as OrgUnit  # a county or supply station
from db.queries.topology import org_units

CURRENT_LOAD_WINDOW = timedelta(minutes=30)
SUCCESS_TARGET_PCT = Decimal("99.97")  # DESIGN.md §6: collection success target


@dataclass(frozen=True, slots=True)
class PanoramaSnapshot:
    unit: OrgUnit | None
    as_of: datetime
    day: date
    sales_wh: int
    sales_meters: int
    load_w: int | None
    load_meters: int
    load_slot: datetime | None
    summary_meters: int
    meters_read: int
    meters_expected: int
    today: tuple[LoadPoint, ...]
    yesterday: tuple[LoadPoint, ...]

    @property
    def sales_kwh(self) -> Decimal:
        return Decimal(self.sales_wh) / 1000

    @property
    def load_kw(self) -> Decimal | None:
        return None if self.load_w is None else Decimal(self.load_w) / 1000

    @property
    def success_rate_pct(self) -> Decimal | None:
        """采集成功率 to 0.01 %, ``None`` when no meter is expected."""
        if not self.meters_expected:
            return None
        rate = Decimal(self.meters_read) * 100 / Decimal(self.meters_expected)
        return rate.quantize(Decimal("0.01"))


def _points(curve: list[tuple[datetime, int, int]]) -> tuple[LoadPoint, ...]:
    return tuple(LoadPoint(slot, power, meters) for slot, power, meters in curve)


class PanoramaService:
    def __init__(self, session_factory: sessionmaker[Session], clock: Clock) -> None:
        self._sf = session_factory
        self._clock = clock

    def org_units(self) -> list[OrgUnit]:
        with self._sf() as session:
            return org_units(session)

    def snapshot(self, unit: OrgUnit | None = None) -> PanoramaSnapshot:
        now = self._clock.now()
        day = now.date()
        scope = unit.scope() if unit is not None else OrgScope()
        with self._sf() as session, session.begin():
            # Today's sales so far come from today's register readings (no rollup can know
            # them before tomorrow's freeze); everything else is read from the rollups.
            sales = q.sales_so_far(session, day, scope)
            load = rq.latest_load(session, scope, now, CURRENT_LOAD_WINDOW)
            summary_meters = q.meters_expected_role(session, scope, MeterRole.SUMMARY.value)
            kpis = rq.day_kpis(session, scope, day)
            today = _points(rq.load_curve(session, scope, day))
            yesterday = _points(rq.load_curve(session, scope, day - timedelta(days=1)))
            return PanoramaSnapshot(
                unit=unit,
                as_of=now,
                day=day,
                sales_wh=sales.energy_wh,
                sales_meters=sales.meters,
                load_w=None if load is None else load[1],
                load_meters=0 if load is None else load[2],
                load_slot=None if load is None else load[0],
                summary_meters=summary_meters,
                meters_read=kpis.meters_read,
                meters_expected=kpis.meters_expected or q.meters_expected(session, scope),
                today=today,
                yesterday=yesterday,
            )
