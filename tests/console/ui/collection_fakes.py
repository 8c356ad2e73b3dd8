"""A fake ``CollectionConsole`` for the 采集监控 view's tests and screenshots: plain Python,
deterministic data built from plain values, every call recorded with its thread; frames are
real Q/GDW 1376.1 and DL/T 645 bytes, decoded by the real ``smc decode``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from console.collection.api import (
    DragRow,
    FrontEndStatus,
    KpiSummary,
    ListenProblem,
    OnDemandResult,
    ReadPath,
    ReadValue,
    TreeNode,
)
from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.jobs import JobStarted, JobState, LastRun
from console.core.scope import Level, Scope
from console.kpi import collection as kpi
from db.queries.collection_kpi import Drag, Reason, SuccessRate
from drivers.describe import describe
from drivers.link.traffic import Direction, Traffic

NOW = datetime(2026, 11, 21, 10, 7, 30)
DAY = NOW.date()
TARGET, ALARM = Decimal("99.97"), Decimal(98)
LISTENING = FrontEndStatus(True, ("0.0.0.0", 9001))
PORT_BUSY = FrontEndStatus(
    True,
    None,
    "front end cannot listen on 0.0.0.0:9001: Address already in use",
    ListenProblem.PORT_BUSY,
    "0.0.0.0:9001",
)

# Real frames: AFN 02 F1 login, AFN 0D F161 request (p1..p8) and reply (p1), AFN 10 F1 with a
# forwarded DL/T 645 reply, and a login whose end byte is wrong.
FRAMES = {
    "login": "683200320068C90133341200027000000100B616",
    "request": "6892009200684b01330100000d61ff010114201126201126201126201126201126201126201126"
    "201126bb16",
    "reply": "68ba00ba00688801330100000d610101011420112612002111260400563412000000000300000000"
    "0400000000030000563402003916",
    "forward": "688e008e00688801330100001062000001000214006801000000000068910833333433896745339f"
    "169a16",
    "broken": "683200320068C90133341200027000000100B617",
}


def node(kind: Level, id: int, name: str, **kw: object) -> TreeNode:
    return TreeNode(kind, id, name, kind is not Level.METER, **kw)  # type: ignore[arg-type]


COUNTY = node(Level.COUNTY, 1, "演示县", failed=7)
STATIONS = [node(Level.STATION, 10, "城关供电所", failed=7), node(Level.STATION, 11, "河口供电所")]
AREAS = [
    node(Level.AREA, 100, "城关1号台区", failed=5),
    node(Level.AREA, 101, "城关2号台区", failed=2),
]
CONCENTRATORS = [
    node(Level.CONCENTRATOR, 1000, "集中器 3301-00001", online=True,
         last_read_at=NOW - timedelta(minutes=3)),
    node(Level.CONCENTRATOR, 1001, "集中器 3301-00002", online=False, failed=5,
         last_read_at=datetime(2026, 11, 20, 22, 15), detail="3301-00002 · 10.0.0.2:5100"),
]  # fmt: skip
METERS = [
    node(Level.METER, 10000, "表 000000010001", last_read_at=NOW, last_read_ok=True),
    node(Level.METER, 10001, "表 000000010002", last_read_at=NOW, last_read_ok=False),
]
TREE: dict[tuple[str, int] | None, list[TreeNode]] = {
    None: [COUNTY],
    ("county", 1): STATIONS,
    ("station", 10): AREAS,
    ("station", 11): [],
    ("area", 100): CONCENTRATORS,
    ("area", 101): [],
    ("concentrator", 1000): [],
    ("concentrator", 1001): METERS,
}


def drag(kind: str, id: int, name: str, area: str, failed: int, *, reason: Reason | None,
         since: date, days: int, expected: int = 20_000) -> DragRow:  # fmt: skip
    d = Drag(kind, id, name, area, failed, expected, reason, since, days)
    return DragRow(d, kpi.cost_hundredths(failed, expected), at_least=days >= 90)


CONCENTRATOR_DRAGS = [
    drag("concentrator", 1001, "集中器 3301-00002", "城关1号台区", 5,
         reason=Reason("offline", 5), since=date(2026, 11, 19), days=3),
    drag("concentrator", 1003, "集中器 3301-00004", "城关2号台区", 2,
         reason=Reason("timeout", 2), since=date(2026, 8, 23), days=90),
]  # fmt: skip
METER_DRAGS = [
    drag("meter", 10001, "表 000000010002", "城关1号台区", 1,
         reason=Reason("rejected", 1, "terminal 3301-00002 denied AFN 0DH"), since=DAY, days=1),
    drag("meter", 10007, "表 000000010008", "城关2号台区", 1, reason=None,
         since=date(2026, 11, 20), days=2),
]  # fmt: skip
FAILED_BEHIND_1001 = [
    drag("meter", 10001 + i, f"表 00000001000{i + 2}", "城关1号台区", 1,
         reason=Reason("no_data" if i == 4 else "offline", 1), since=DAY, days=1)
    for i in range(5)
]  # fmt: skip
SCHEDULE: dict[str, object] = {
    "freeze_start": "00:10", "freeze_retry_min": 30, "freeze_cutoff": "08:00", "curves": True,
    "events_every_min": 5, "clock_check": "02:00",
}  # fmt: skip


def _job(job_id: str, params: dict[str, str], **kw: object) -> JobState:
    values: dict[str, object] = {
        "id": job_id, "feature": "collection", "name": job_id, "schedule": "", "params": params,
        "next_run_at": datetime(2026, 11, 22, 0, 10), "running": False, "done": 0, "total": 0,
        "last": LastRun("scheduled", datetime(2026, 11, 21, 0, 10), datetime(2026, 11, 21, 0, 13),
                        "finished", 20_000, 19_990, 10, ""),
    }  # fmt: skip
    values.update(kw)
    return JobState(**values)  # type: ignore[arg-type]


class FakeCollection:
    """``CollectionConsole`` over the data above."""

    def __init__(self, clock: FixedClock, bus: EventBus | None = None) -> None:
        self.clock, self.bus = clock, bus
        self.calls: list[tuple[object, ...]] = []
        self.threads: set[int] = set()
        self.expected, self.read = 20_000, 19_990
        self.frontend_status = LISTENING
        self.fail_figures: BaseException | None = None
        self.fail_reads: BaseException | None = None
        self.listeners: list[Callable[[list[Traffic], int], None]] = []
        self.hold_reads = threading.Event()
        self.hold_reads.set()
        self.schedule_values = dict(SCHEDULE)
        self.job_states = {
            "daily_freeze": _job("daily_freeze", {"start": "00:10", "retry_min": "30",
                                                  "cutoff": "08:00"}),
            "curves": _job("curves", {"every_min": "15"}, running=True, done=120, total=250),
        }  # fmt: skip

    def _record(self, *call: object) -> None:
        self.threads.add(threading.get_ident())
        self.calls.append(call)

    def named(self, name: str) -> list[tuple[object, ...]]:
        return [c for c in self.calls if c[0] == name]

    # -- the database
    def today(self) -> date:
        self._record("today")
        return self.clock.now().date()

    def children(self, parent: TreeNode | None, day: date) -> list[TreeNode]:
        key = None if parent is None else (parent.kind.value, parent.id)
        self._record("children", key, day)
        return TREE[key]

    def kpis(self, day: date, scope: Scope) -> KpiSummary:
        self._record("kpis", day, scope)
        if self.fail_figures is not None:
            raise self.fail_figures
        rate = SuccessRate("", "", self.expected, self.read)
        pct = kpi.success_rate_pct(rate.read, rate.expected)
        return KpiSummary(
            day, rate, pct, TARGET, ALARM, None if pct is None else kpi.grade(pct, TARGET, ALARM),
            kpi.meters_short(rate.read, rate.expected, TARGET), 3, 4, rate.failed,
        )  # fmt: skip

    def trend(
        self, last_day: date, scope: Scope, days: int = 30
    ) -> list[tuple[date, SuccessRate, Decimal | None]]:
        self._record("trend", last_day, scope, days)
        unread = [2, 4, 3, 8, 5, 1, 6, 700]  # 99.99 % .. 96.50 %: every grade
        out = []
        for i in range(days):
            rate = SuccessRate("", "", 20_000, 20_000 - unread[i % len(unread)])
            day = last_day - timedelta(days=days - 1 - i)
            out.append((day, rate, kpi.success_rate_pct(rate.read, rate.expected)))
        return out

    def drags(self, day: date, scope: Scope) -> tuple[list[DragRow], list[DragRow]]:
        self._record("drags", day, scope)
        return CONCENTRATOR_DRAGS, METER_DRAGS

    def failed_meters(self, day: date, drag: Drag) -> list[DragRow]:
        self._record("failed_meters", day, drag.id)
        return FAILED_BEHIND_1001

    # -- jobs
    def jobs(self) -> list[JobState]:
        self._record("jobs")
        return list(self.job_states.values())

    def run_job(self, job_id: str) -> None:
        self._record("run_job", job_id)
        job = self.job_states[job_id]
        self.job_states[job_id] = _job(job_id, job.params, running=True, done=0, total=20_000)
        if self.bus is not None:
            self.bus.publish(JobStarted(job_id, "manual"))

    def cancel_job(self, job_id: str) -> None:
        self._record("cancel_job", job_id)

    # -- the service part
    def frontend(self) -> FrontEndStatus:
        self._record("frontend")
        return self.frontend_status

    def schedule(self) -> dict[str, object]:
        self._record("schedule")
        return dict(self.schedule_values)

    def set_schedule(self, values: dict[str, object]) -> None:
        self._record("set_schedule", values)
        if values["freeze_cutoff"] == values["freeze_start"]:
            raise ValueError("[schedule] freeze_cutoff: must differ from freeze_start")
        self.schedule_values = dict(values)

    def read_meter(self, meter_id: int, path: ReadPath) -> OnDemandResult:
        self._record("read_meter", meter_id, path)
        assert self.hold_reads.wait(10)
        if self.fail_reads is not None:
            raise self.fail_reads
        frames = _frames()
        values = [
            ReadValue("00010000", "", "1234.56", "kWh", "forward active energy total",
                      "正向有功总电能"),
            ReadValue("02010100", "", "229.8", "V", "phase A voltage", "A相电压"),
        ]  # fmt: skip
        return OnDemandResult(meter_id, f"表 {meter_id}", path, True, values, frames,
                              duration_ms=840)  # fmt: skip

    def read_area(self, area_id: int) -> list[OnDemandResult]:
        self._record("read_area", area_id)
        return [
            OnDemandResult(
                10000, "表 000000010001", ReadPath.CONCENTRATOR, True,
                [ReadValue("forward_active_kwh", "total", "1.00", "kWh",
                           "Forward active energy (total)"),
                 ReadValue("forward_active_kwh", "T1", "0.25", "kWh", "Forward active energy (T1)"),
                 ReadValue("voltage_v", "A", "229.8", "V", "Voltage (A)"),
                 ReadValue("read_at", "", "2026-11-21T10:05:00", "", "Read at")],
                _frames(), duration_ms=1_240,
            ),
            OnDemandResult(10001, "表 000000010002", ReadPath.CONCENTRATOR, False,
                           result="timeout", error="no answer in 15 s", duration_ms=45_000),
        ]  # fmt: skip

    # -- frames
    def describe_frame(self, raw: bytes) -> dict[str, object]:
        self._record("describe_frame", raw)
        return describe(raw)

    def listen_traffic(self, listener: Callable[[list[Traffic], int], None]) -> Callable[[], None]:
        self._record("listen_traffic")
        self.listeners.append(listener)

        def stop() -> None:
            self._record("stop_traffic")
            self.listeners.remove(listener)

        return stop

    def send(self, frames: list[Traffic], dropped: int = 0) -> None:
        """Frames from the front end's thread (another thread, as in the service)."""
        thread = threading.Thread(
            target=lambda: [listener(frames, dropped) for listener in list(self.listeners)]
        )
        thread.start()
        thread.join()


def _frames() -> list[Traffic]:
    return [
        Traffic(NOW, "3301-00002", Direction.DOWN, bytes.fromhex(FRAMES["request"]), "x"),
        Traffic(NOW + timedelta(milliseconds=840), "3301-00002", Direction.UP,
                bytes.fromhex(FRAMES["forward"]), "x"),
    ]  # fmt: skip


def traffic(name: str, i: int = 0, terminal: str = "3301-00001", up: bool = True) -> Traffic:
    return Traffic(NOW + timedelta(milliseconds=i), terminal, Direction.UP if up else Direction.DOWN,
                   bytes.fromhex(FRAMES[name]), "10.0.0.1:5100")  # fmt: skip
