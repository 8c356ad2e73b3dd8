"""The panorama's figures for one organisation scope, read in one transaction.

Everything comes from stored readings through ``db.queries``; the rates and grades are
``console.kpi``'s against the thresholds in force for the scope. The current load is the last
**complete** quarter hour: a slot into which fewer 台区 summary meters have reported than
usually do is still coming in (a collection pass is filling it) and is shown as such, never
as a fall in the county's load; a slot an hour past its end is as complete as it will get.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from console.core.clock import Clock
from console.core.permissions import require_scope
from console.core.thresholds import ThresholdBook
from console.kpi import collection as collection_kpi
from console.kpi import line_loss as loss_kpi
from db.models import MeterRole
from db.queries import panorama as q
from db.queries import rollups as rq
from db.queries.collection_kpi import success_trend
from db.queries.topology import OrgUnitRow, station_of
from db.scope import EVERYTHING, Scope

SLOT = timedelta(minutes=15)
# The curve pass re-reads the last hour of every summary meter: a slot an hour past its end
# gets nothing more, complete or not.
SETTLED_AFTER = timedelta(hours=1)
USUAL_WINDOW = timedelta(hours=24)  # "as many as usually report": the most in this window
# 实时负荷 is the newest complete quarter hour if it ended within this; an older one is not
# "current" (collection is down): the tile then says when the last complete one was.
CURRENT_WITHIN = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class LoadPoint:
    """One quarter hour of the scope's supply load: the sum of the summary meters that have
    reported in it (``meters`` of the ``expected`` that usually do)."""

    slot_start: datetime
    power_w: int
    meters: int
    expected: int
    settled: bool  # an hour past its end: nothing more will come

    @property
    def complete(self) -> bool:
        return self.settled or self.meters >= self.expected


def load_points(
    rows: Sequence[tuple[datetime, int, int]], expected: int, now: datetime
) -> list[LoadPoint]:
    return [
        LoadPoint(slot, power, meters, expected, slot + SLOT + SETTLED_AFTER <= now)
        for slot, power, meters in rows
    ]


def current_load(points: Sequence[LoadPoint]) -> tuple[LoadPoint | None, LoadPoint | None]:
    """(the newest complete slot, a newer slot still coming in, if any)."""
    shown = next((p for p in reversed(points) if p.complete), None)
    newest = points[-1] if points else None
    incoming = newest if newest is not None and newest is not shown else None
    return shown, incoming


@dataclass(frozen=True, slots=True)
class PanoramaSnapshot:
    unit: OrgUnitRow | None
    as_of: datetime
    day: date
    sales_wh: int
    sales_meters: int
    load: LoadPoint | None  # the newest complete quarter hour, if it is current
    incoming: LoadPoint | None  # a newer one still coming in
    last_complete: LoadPoint | None  # the newest complete one of the last 24 h, however old
    summary_meters: int
    meters_read: int
    meters_expected: int
    success_pct: Decimal | None
    success_grade: collection_kpi.Grade | None
    target_pct: Decimal
    today: tuple[LoadPoint, ...]
    yesterday: tuple[LoadPoint, ...]

    @property
    def sales_kwh(self) -> Decimal:
        return Decimal(self.sales_wh) / 1000


@dataclass(frozen=True, slots=True)
class AreaLossRow:
    """One 台区 in the line-loss ranking, judged against its station's limits."""

    area_id: int
    code: str
    name: str
    station: str
    supply_wh: int | None
    sales_wh: int
    loss_pct: Decimal | None
    verdict: loss_kpi.LossVerdict


class PanoramaService:
    def __init__(
        self, session_factory: sessionmaker[Session], clock: Clock, thresholds: ThresholdBook
    ) -> None:
        self._sf = session_factory
        self._clock = clock
        self._thresholds = thresholds

    def snapshot(self, unit: OrgUnitRow | None = None) -> PanoramaSnapshot:
        now = self._clock.now()
        day = now.date()
        scope = unit.scope if unit is not None else EVERYTHING
        with self._sf() as session, session.begin():
            require_scope(session, scope)
            # Today's sales so far come from today's register readings (no rollup can know
            # them before tomorrow's freeze); everything else is read from the rollups.
            sales = q.sales_so_far(session, day, scope)
            recent = rq.load_points(session, scope, now - USUAL_WINDOW, now + SLOT)
            expected = max((meters for _s, _w, meters in recent), default=0)
            summary_meters = q.meters_expected_role(session, scope, MeterRole.SUMMARY.value)
            # The rate 采集监控 shows, from the same query: the rollups leave out a 台区 that
            # read nothing on the day, whose meters are due all the same.
            ((_day, collected),) = success_trend(session, day, 1, within=scope)
            today = load_points(rq.load_curve(session, scope, day), expected, now)
            yesterday = load_points(
                rq.load_curve(session, scope, day - timedelta(days=1)), expected, now
            )
            station = station_of(session, scope)
        shown, incoming = current_load(load_points(recent, expected, now))
        thresholds = self._thresholds.current()
        target = thresholds.get("collection.target_pct", station)
        pct = collection_kpi.success_rate_pct(collected.read, collected.expected)
        return PanoramaSnapshot(
            unit=unit,
            as_of=now,
            day=day,
            sales_wh=sales.energy_wh,
            sales_meters=sales.meters,
            load=shown
            if shown is not None and shown.slot_start + SLOT + CURRENT_WITHIN > now
            else None,
            incoming=incoming,
            last_complete=shown,
            summary_meters=summary_meters,
            meters_read=collected.read,
            meters_expected=collected.expected,
            success_pct=pct,
            success_grade=None
            if pct is None
            else collection_kpi.grade(pct, target, thresholds.get("collection.alarm_pct", station)),
            target_pct=target,
            today=tuple(today),
            yesterday=tuple(yesterday),
        )

    def line_loss_ranking(
        self, scope: Scope, day: date, *, limit: int | None = None
    ) -> list[AreaLossRow]:
        """台区 of the scope by line loss of ``day``, worst first, each judged against its
        supply station's limits; incomputable ones last."""
        with self._sf() as session:
            losses = rq.area_losses(session, scope, day)
        thresholds = self._thresholds.current()
        out = []
        for a in losses:
            pct = loss_kpi.line_loss_pct(a.supply_wh, a.loss_sales_wh)
            verdict = loss_kpi.verdict(
                pct,
                thresholds.get("line_loss.high_pct", a.station_id),
                thresholds.get("line_loss.negative_pct", a.station_id),
            )
            out.append(
                AreaLossRow(a.area_id, a.code, a.name, a.station, a.supply_wh, a.sales_wh, pct,
                            verdict)
            )  # fmt: skip
        out.sort(key=lambda r: (r.loss_pct is None, -(r.loss_pct or 0), r.code))
        return out if limit is None else out[:limit]
