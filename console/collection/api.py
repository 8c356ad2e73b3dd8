"""What the 采集监控 view asks of collection: plain data in, plain data out, no Qt.

``CollectionConsole`` is the contract between the view and ``console.collection.monitor``; every
method may block (queries, device I/O) and is called from a worker thread, never the GUI thread.
Live frames arrive through ``add_traffic_listener`` on the front end's thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from db.queries.collection_kpi import Drag, KpiLevel, SuccessRate
from drivers.link.traffic import Traffic

Scope = tuple[KpiLevel, int] | None  # None: the whole database (county)


class NodeKind(StrEnum):
    COUNTY = "county"
    STATION = "station"
    AREA = "area"
    CONCENTRATOR = "concentrator"
    METER = "meter"


@dataclass(frozen=True, slots=True)
class TreeNode:
    kind: NodeKind
    id: int
    name: str
    has_children: bool
    online: bool | None = None  # concentrators: front-end link state; None for others
    last_read_at: datetime | None = None  # meters: the latest attempt; concentrators: heartbeat
    last_read_ok: bool | None = None  # meters: whether the latest attempt succeeded
    failed: int = 0  # meters under it without today's freeze (the tree's red figure)
    detail: str = ""  # meters: address and model; concentrators: district-terminal, remote


@dataclass(frozen=True, slots=True)
class KpiSummary:
    day: date
    rate: SuccessRate  # the scope's collection success for ``day``
    target_pct: Decimal  # DESIGN.md §6: 99.97
    concentrators_online: int
    concentrators_total: int
    meters_failing: int  # without a valid freeze for ``day``


@dataclass(frozen=True, slots=True)
class JobState:
    id: str  # "daily_freeze", "curves", "events", "clock"
    name: str  # English; the view translates by id
    schedule: str  # human-readable: "daily 00:10, retries every 30 min until 08:00"
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_result: str | None  # "265,011 ok, 12 failed in 3 min 10 s"
    running: bool = False
    done: int = 0
    total: int = 0
    # The same, structured, for a translated UI: the schedule's settings ("start", "retry_min",
    # "cutoff", "every_min", "at", "drift_s") and the last pass (status, ok, failed, seconds).
    params: dict[str, str] = field(default_factory=dict)
    last_status: str | None = None
    last_ok: int = 0
    last_failed: int = 0
    last_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class ReadValue:
    name: str  # English name as the standard prints it
    value: str
    unit: str = ""


@dataclass(frozen=True, slots=True)
class OnDemandResult:
    """点抄: one meter read now, with every frame that crossed the link for it."""

    meter_id: int
    meter_name: str
    path: str  # "concentrator (AFN 0C)", "transparent forward (AFN 10)", "direct (DL/T 645)"
    ok: bool
    values: list[ReadValue] = field(default_factory=list)
    frames: list[Traffic] = field(default_factory=list)
    error: str | None = None
    duration_ms: int = 0


class ReadPath(StrEnum):
    CONCENTRATOR = "concentrator"  # AFN 0C F129 + F25 from the concentrator
    FORWARD = "forward"  # AFN 10 F1: a DL/T 645 read forwarded to the meter
    DIRECT = "direct"  # the meter's own link (RS-485 / optical / converter)


class CollectionConsole(Protocol):
    def children(self, node: TreeNode | None, day: date) -> list[TreeNode]:
        """The tree's children of ``node`` (``None``: the top: counties)."""
        ...

    def kpis(self, day: date, scope: Scope) -> KpiSummary: ...

    def trend(
        self, last_day: date, scope: Scope, days: int = 30
    ) -> list[tuple[date, SuccessRate]]: ...

    def drags(self, day: date, scope: Scope) -> tuple[list[Drag], list[Drag]]:
        """Who drags the rate down: (concentrators, meters), costliest first."""
        ...

    def failed_meters(self, day: date, drag: Drag) -> list[Drag]:
        """Drill-down: the failing meters behind one concentrator (or the meter itself)."""
        ...

    def jobs(self) -> list[JobState]: ...

    def schedule(self) -> dict[str, object]:
        """The jobs' schedule: the ``[schedule]`` keys and their values."""
        ...

    def set_schedule(self, values: dict[str, object]) -> None:
        """Change the schedule now and in the configuration file; raises ``ValueError``
        naming the key and what was expected when a value is not allowed (nothing changes)."""
        ...

    def run_job(self, job_id: str) -> None:
        """Start the job now (returns at once; progress shows in ``jobs``)."""
        ...

    def cancel_job(self, job_id: str) -> None: ...

    def read_meter(self, meter_id: int, path: ReadPath) -> OnDemandResult: ...

    def read_area(self, area_id: int) -> list[OnDemandResult]: ...

    def describe_frame(self, raw: bytes) -> dict[str, object]:
        """The ``smc decode`` report of one frame (any protocol)."""
        ...

    def add_traffic_listener(self, listener: Callable[[Traffic], None]) -> None: ...

    def remove_traffic_listener(self, listener: Callable[[Traffic], None]) -> None: ...

    def today(self) -> date: ...
