"""采集监控's API in a window: the queries it runs on the database itself, and the commands,
jobs and live frames of the collection's service part (in this process or over the channel)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from console.collection.api import (
    TRAFFIC_STREAM,
    CollectionCommands,
    DragRow,
    FrontEndStatus,
    KpiSummary,
    OnDemandResult,
    ReadPath,
    TreeNode,
)
from console.collection.jobs import FEATURE
from console.collection.queries import CollectionQueries
from console.core.features import ServiceAccess
from console.core.jobs import JobsApi, JobState
from db.queries.collection_kpi import Drag, SuccessRate
from db.scope import Scope
from drivers.describe import describe
from drivers.link.traffic import Traffic


class WindowCollection:
    """``CollectionConsole``: queries here, commands there."""

    def __init__(
        self,
        queries: CollectionQueries,
        commands: CollectionCommands,
        jobs: JobsApi,
        services: ServiceAccess,
    ) -> None:
        self._queries = queries
        self._commands = commands
        self._jobs = jobs
        self._services = services

    # -- the database
    def today(self) -> date:
        return self._queries.today()

    def children(self, node: TreeNode | None, day: date) -> list[TreeNode]:
        return self._queries.children(node, day)

    def kpis(self, day: date, scope: Scope) -> KpiSummary:
        return self._queries.kpis(day, scope)

    def trend(
        self, last_day: date, scope: Scope, days: int = 30
    ) -> list[tuple[date, SuccessRate, Decimal | None]]:
        return self._queries.trend(last_day, scope, days)

    def drags(self, day: date, scope: Scope) -> tuple[list[DragRow], list[DragRow]]:
        return self._queries.drags(day, scope)

    def failed_meters(self, day: date, drag: Drag) -> list[DragRow]:
        return self._queries.failed_meters(day, drag)

    # -- the service part
    def frontend(self) -> FrontEndStatus:
        return self._commands.frontend()

    def schedule(self) -> dict[str, object]:
        return self._commands.schedule()

    def set_schedule(self, values: dict[str, object]) -> None:
        self._commands.set_schedule(values)

    def read_meter(self, meter_id: int, path: ReadPath) -> OnDemandResult:
        return self._commands.read_meter(meter_id, path)

    def read_area(self, area_id: int) -> list[OnDemandResult]:
        return self._commands.read_area(area_id)

    def jobs(self) -> list[JobState]:
        return self._jobs.states(FEATURE)

    def run_job(self, job_id: str) -> None:
        self._jobs.run_now(job_id)

    def cancel_job(self, job_id: str) -> None:
        self._jobs.cancel(job_id)

    # -- frames
    def describe_frame(self, raw: bytes) -> dict[str, object]:
        return describe(raw)

    def listen_traffic(self, listener: Callable[[list[Traffic], int], None]) -> Callable[[], None]:
        return self._services.stream(TRAFFIC_STREAM, listener)
