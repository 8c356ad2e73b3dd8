"""What the collection feature offers: plain data in, plain data out, no Qt.

``CollectionCommands`` is what its service part does for windows (the front end's state, the
schedule, 点抄 through the front end or a meter's own link); ``CollectionConsole`` is what the
采集监控 view receives: the same commands plus the queries a window runs on the database itself
(the device tree, the KPIs, who drags the rate down), the jobs, and the live frames. Every
method may block and is called from a worker thread, never the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from console.core.jobs import JobState
from console.kpi.collection import Grade
from db.models import Level
from db.queries.collection_kpi import Drag, SuccessRate
from db.scope import Scope
from drivers.link.traffic import Traffic

TRAFFIC_STREAM = "collection.traffic"  # live frames on the concentrators' links


@dataclass(frozen=True, slots=True)
class TreeNode:
    kind: Level  # county, station, area, concentrator or meter
    id: int
    name: str
    has_children: bool
    online: bool | None = None  # concentrators: front-end link state; None for others
    last_read_at: datetime | None = None  # meters: the latest attempt; concentrators: heartbeat
    last_read_ok: bool | None = None  # meters: whether the latest attempt succeeded
    failed: int = 0  # meters under it without today's freeze (the tree's red figure)
    detail: str = ""  # meters: address and model; concentrators: district-terminal, remote

    @property
    def scope(self) -> Scope:
        return Scope(self.kind, self.id)


@dataclass(frozen=True, slots=True)
class KpiSummary:
    """The scope's collection for ``day``, with its figures computed by ``console.kpi``."""

    day: date
    rate: SuccessRate  # read and expected
    rate_pct: Decimal | None  # 采集成功率, 0.01 % half-up
    target_pct: Decimal  # the target in force for the scope (99.97)
    alarm_pct: Decimal  # below it the rate is bad (98)
    grade: Grade | None  # None when no meter is due
    short: int  # meters missing to reach the target as shown
    concentrators_online: int
    concentrators_total: int
    meters_failing: int  # without a valid freeze for ``day``


@dataclass(frozen=True, slots=True)
class DragRow:
    """A concentrator or meter costing the rate, with what it costs (``console.kpi``);
    ``at_least``: its failing run was traced back as far as the look-back goes, so it has
    failed at least ``drag.days_failing`` days."""

    drag: Drag
    cost_hundredths: Decimal
    at_least: bool = False


class ListenProblem(StrEnum):
    """Why the front end does not listen, for a window to word it."""

    PORT_BUSY = "port_busy"  # another program has the port
    PERMISSION = "permission"  # this user may not open it (a port below 1024)
    ADDRESS = "address"  # this computer has no such address
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class FrontEndStatus:
    """Whether the concentrator front end listens, where (``address``; ``wanted``: the
    address it was asked to listen on), and why not (``problem``; ``error``: the system's
    own words, for the log)."""

    enabled: bool
    address: tuple[str, int] | None
    error: str | None = None
    problem: ListenProblem | None = None
    wanted: str = ""


class ReadPath(StrEnum):
    CONCENTRATOR = "concentrator"  # AFN 0C F129 + F25 from the concentrator
    FORWARD = "forward"  # AFN 10 F1: a DL/T 645 read forwarded to the meter
    DIRECT = "direct"  # the meter's own link (RS-485 / optical / converter)


@dataclass(frozen=True, slots=True)
class ReadValue:
    """One value of a 点抄. ``key`` names the quantity (a concentrator item such as
    ``forward_active_kwh``, or the meter protocol's item, e.g. DL/T 645 ``00010000``),
    ``part`` which one of several (``total``, ``T1``..``T4``, ``A``..``C``, or ""); ``name``
    and ``name_zh`` are the standard's names of a meter protocol's item, where it has them."""

    key: str
    part: str
    value: str
    unit: str = ""
    name: str = ""
    name_zh: str = ""


@dataclass(frozen=True, slots=True)
class OnDemandResult:
    """点抄: one meter read now, with every frame that crossed the link for it. A failure has
    its ``result`` (``db.models.AttemptResult``) and the driver's ``error`` text."""

    meter_id: int
    meter_name: str
    path: ReadPath
    ok: bool
    values: list[ReadValue] = field(default_factory=list)
    frames: list[Traffic] = field(default_factory=list)
    result: str = "ok"
    error: str | None = None
    duration_ms: int = 0


class CollectionCommands(Protocol):
    """What the collection's service part does for windows (over the channel or in-process)."""

    def frontend(self) -> FrontEndStatus: ...

    def schedule(self) -> dict[str, object]:
        """The jobs' schedule: the ``[schedule]`` keys and their values."""
        ...

    def set_schedule(self, values: dict[str, object]) -> None:
        """Change the schedule now and in the configuration file (audited); ``ValueError``
        naming the key and what was expected when a value is not allowed (nothing changes)."""
        ...

    def read_meter(self, meter_id: int, path: ReadPath) -> OnDemandResult: ...

    def read_area(self, area_id: int) -> list[OnDemandResult]: ...


class CollectionConsole(CollectionCommands, Protocol):
    """What the 采集监控 view receives."""

    def today(self) -> date: ...

    def children(self, node: TreeNode | None, day: date) -> list[TreeNode]:
        """The tree's children of ``node`` (``None``: the top: counties)."""
        ...

    def kpis(self, day: date, scope: Scope) -> KpiSummary: ...

    def trend(
        self, last_day: date, scope: Scope, days: int = 30
    ) -> list[tuple[date, SuccessRate, Decimal | None]]:
        """(day, counts, rate %) from the first day anything was collected."""
        ...

    def drags(self, day: date, scope: Scope) -> tuple[list[DragRow], list[DragRow]]:
        """Who drags the rate down: (concentrators, meters), costliest first."""
        ...

    def failed_meters(self, day: date, drag: Drag) -> list[DragRow]:
        """Drill-down: the failing meters behind one concentrator (or the meter itself)."""
        ...

    def jobs(self) -> list[JobState]: ...

    def run_job(self, job_id: str) -> None: ...

    def cancel_job(self, job_id: str) -> None: ...

    def describe_frame(self, raw: bytes) -> dict[str, object]:
        """The ``smc decode`` report of one frame (any protocol)."""
        ...

    def listen_traffic(self, listener: Callable[[list[Traffic], int], None]) -> Callable[[], None]:
        """Live frames in batches (``listener(frames, dropped)``) until the returned function
        is called."""
        ...
