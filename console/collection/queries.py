"""采集监控's questions to the database, answered in the window's own process: the device tree,
the scope's KPIs against the thresholds in force, the trend, and who drags the rate down.

Link states come from the database too (the front end stores them every couple of seconds),
so a window attached to a service on another machine sees the same tree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import DragRow, KpiSummary, TreeNode
from console.core import operator
from console.core.clock import Clock
from console.core.permissions import require_scope
from console.core.thresholds import ThresholdBook
from console.kpi import collection as kpi
from db.models import Level
from db.queries import devices
from db.queries.collection_kpi import (
    LOOKBACK_DAYS,
    Drag,
    SuccessRate,
    drag_ranking,
    failed_meters,
    success_rates,
    success_trend,
)
from db.queries.devices import DeviceRow
from db.queries.topology import station_of
from db.scope import EVERYTHING, Scope

_CHILD_KIND: dict[Level | None, Level] = {
    None: Level.COUNTY,
    Level.COUNTY: Level.STATION,
    Level.STATION: Level.AREA,
    Level.AREA: Level.CONCENTRATOR,
    Level.CONCENTRATOR: Level.METER,
}
_RATE_LEVELS = (Level.COUNTY, Level.STATION, Level.AREA, Level.CONCENTRATOR)


class CollectionQueries:
    def __init__(
        self, session_factory: sessionmaker[Session], clock: Clock, thresholds: ThresholdBook
    ) -> None:
        self._sf = session_factory
        self._clock = clock
        self._thresholds = thresholds

    def today(self) -> date:
        return self._clock.now().date()

    # ------------------------------------------------------------------ the tree
    def children(self, node: TreeNode | None, day: date) -> list[TreeNode]:
        kind = _CHILD_KIND.get(node.kind if node is not None else None)
        if kind is None:
            return []
        mine = operator.current().stations  # None: the whole county
        with self._sf() as session:
            if node is not None:
                require_scope(session, node.scope)
            if node is None and mine is not None:  # a station's operator: their stations
                kind = Level.STATION
                rows = [r for c in devices.counties(session)
                        for r in devices.stations(session, c.id) if r.id in mine]  # fmt: skip
            elif node is None:
                rows = devices.counties(session)
            elif node.kind is Level.COUNTY:
                rows = devices.stations(session, node.id)
            elif node.kind is Level.STATION:
                rows = devices.areas(session, node.id)
            elif node.kind is Level.AREA:
                rows = devices.concentrators(session, node.id)
            else:
                rows = devices.meters(session, node.id)
            failed = self._failed(session, kind, node, day)
        return [_node(kind, r, failed.get(str(r.id), 0)) for r in rows]

    @staticmethod
    def _failed(
        session: Session, kind: Level, parent: TreeNode | None, day: date
    ) -> dict[str, int]:
        if kind not in _RATE_LEVELS:
            return {}
        within = parent.scope if parent is not None else EVERYTHING
        return {r.key: r.failed for r in success_rates(session, day, kind, within=within)}

    # ------------------------------------------------------------------ the figures
    def kpis(self, day: date, scope: Scope) -> KpiSummary:
        """The scope's rate for ``day`` against its thresholds, and its concentrators online
        (in a station or 台区 scope: those with meters expected there)."""
        with self._sf() as session:
            require_scope(session, scope)
            trend = success_trend(session, day, 1, within=scope)
            rate = trend[-1][1] if trend else SuccessRate("", "", 0, 0)
            ids = None
            if not scope.everything:
                ids = {
                    int(r.key)
                    for r in success_rates(session, day, Level.CONCENTRATOR, within=scope)
                    if r.key
                }
            online, total = devices.concentrators_online(session, ids)
            station = station_of(session, scope)
        thresholds = self._thresholds.current()
        target = thresholds.get("collection.target_pct", station)
        alarm = thresholds.get("collection.alarm_pct", station)
        pct = kpi.success_rate_pct(rate.read, rate.expected)
        return KpiSummary(
            day=day,
            rate=rate,
            rate_pct=pct,
            target_pct=target,
            alarm_pct=alarm,
            grade=None if pct is None else kpi.grade(pct, target, alarm),
            short=kpi.meters_short(rate.read, rate.expected, target),
            concentrators_online=online,
            concentrators_total=total,
            meters_failing=rate.failed,
        )

    def trend(
        self, last_day: date, scope: Scope, days: int = 30
    ) -> list[tuple[date, SuccessRate, Decimal | None]]:
        """The daily rates, from the first day anything was collected: the days before the
        database holds any freeze are not 0 %, they are before collection began."""
        with self._sf() as session:
            require_scope(session, scope)
            rates = success_trend(session, last_day, days, within=scope)
            # Where collection began is the county's affair: a scope that read nothing from
            # the start is failing, not new.
            overall = rates if scope.everything else success_trend(session, last_day, days)
        first = next((i for i, (_d, r) in enumerate(overall) if r.read > 0), len(rates))
        return [(d, r, kpi.success_rate_pct(r.read, r.expected)) for d, r in rates[first:]]

    def drags(self, day: date, scope: Scope) -> tuple[list[DragRow], list[DragRow]]:
        with self._sf() as session:
            require_scope(session, scope)
            concentrators, meters = drag_ranking(session, day, within=scope)
        return _rows(concentrators), _rows(meters)

    def failed_meters(self, day: date, drag: Drag) -> list[DragRow]:
        if drag.kind != "concentrator":
            return _rows([drag])
        with self._sf() as session:
            return _rows(failed_meters(session, day, concentrator_id=drag.id))


def _rows(drags: list[Drag]) -> list[DragRow]:
    return [
        DragRow(d, kpi.cost_hundredths(d.failed, d.scope_expected), d.days_failing >= LOOKBACK_DAYS)
        for d in drags
    ]


def _node(kind: Level, row: DeviceRow, failed: int) -> TreeNode:
    return TreeNode(
        kind, row.id, row.name, row.children > 0, row.online, row.last_at, row.last_ok,
        failed, row.detail,
    )  # fmt: skip
