"""Stand-ins for the collection's jobs tests: a concentrator collector that records its
passes, and the job host's ``JobFinished`` events to wait on."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from console.collection.concentrators import GdwOptions, PassSummary
from console.core.bus import EventBus
from console.core.jobs import JobFinished, LastRun
from db.models import CollectionTask, RunStatus

WAIT_S = 10.0


class FakeCollector:
    """Stands in for ``ConcentratorCollector``: records each pass (task, trigger) and the clock
    drift in force when the clock check ran; with ``hold`` a pass stays open until its run is
    cancelled."""

    def __init__(self) -> None:
        self.options = GdwOptions()
        self.calls: list[tuple[str, str]] = []
        self.drifts: list[float] = []
        self.cancelled: list[str] = []
        self.hold = False
        self.entered = threading.Event()
        self.most_at_once = 0
        self._running = 0
        self._lock = threading.Lock()

    def _pass(
        self,
        task: str,
        trigger: str,
        cancel: threading.Event,
        progress: Callable[[int, int], None],
    ) -> PassSummary:
        with self._lock:
            self.calls.append((task, trigger))
            self._running += 1
            self.most_at_once = max(self.most_at_once, self._running)
        try:
            progress(1, 2)
            if self.hold:
                self.entered.set()
                if cancel.wait(WAIT_S):
                    self.cancelled.append(task)
        finally:
            with self._lock:
                self._running -= 1
        status = RunStatus.CANCELLED if cancel.is_set() else RunStatus.FINISHED
        at = datetime(2026, 11, 21, 0, 10)
        return PassSummary(CollectionTask(task), None, at.date(), at, at, status, 2, 1, 1, 1)

    def collect_freezes(self, **kw: object) -> PassSummary:
        return self._pass("daily_freeze", **kw)  # type: ignore[arg-type]

    def collect_curves(self, **kw: object) -> PassSummary:
        return self._pass("curve", **kw)  # type: ignore[arg-type]

    def poll_events(self, **kw: object) -> PassSummary:
        return self._pass("events", **kw)  # type: ignore[arg-type]

    def check_clocks(self, **kw: object) -> PassSummary:
        self.drifts.append(self.options.clock_drift_s)
        return self._pass("clock", **kw)  # type: ignore[arg-type]


class Finished:
    """The ``JobFinished`` events of a bus; ``wait(job_id, n)`` until ``job_id`` has ``n``."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[JobFinished] = []
        self._cond = threading.Condition()
        bus.subscribe(JobFinished, self._on)

    def _on(self, event: JobFinished) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def of(self, job_id: str) -> list[LastRun]:
        with self._cond:
            return [e.last for e in self.events if e.job_id == job_id]

    def wait(self, job_id: str, n: int = 1) -> LastRun:
        with self._cond:
            ok = self._cond.wait_for(lambda: len(self.of(job_id)) >= n, WAIT_S)
        assert ok, f"{job_id} did not finish {n} time(s) in {WAIT_S} s"
        return self.of(job_id)[n - 1]
