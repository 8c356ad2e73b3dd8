"""The one job host: jobs run on its pool and say so on the bus, every run is recorded, the
stored jobs follow the registered ones without losing a due run."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime

import pytest
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.jobs import (
    JobFinished,
    JobHost,
    JobProgress,
    JobRun,
    JobSpec,
    JobStarted,
    Outcome,
)
from db.models import JobRun as JobRunRow
from db.models import RunStatus
from db.queries import job_runs

HOURLY = IntervalTrigger(hours=1)


@pytest.fixture
def bus() -> Iterator[EventBus]:
    b = EventBus()
    b.start()
    yield b
    b.stop()


def _host(engine: Engine, sf: sessionmaker[Session], bus: EventBus, clock: FixedClock) -> JobHost:
    return JobHost(engine, sf, bus, clock)


class _Finished:
    """The JobFinished events seen so far; ``wait(n)`` until there are ``n``."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[JobFinished] = []
        self._cond = threading.Condition()
        bus.subscribe(JobFinished, self._on)

    def _on(self, event: JobFinished) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait(self, n: int = 1, timeout: float = 10.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.events) >= n, timeout)


def test_a_job_runs_reports_progress_and_is_recorded(
    engine: Engine, session_factory: sessionmaker[Session], bus: EventBus, clock: FixedClock
) -> None:
    events: list[object] = []
    bus.subscribe((JobStarted, JobProgress), events.append)
    finished = _Finished(bus)

    def read(run: JobRun) -> Outcome:
        for i in range(1, 4):
            run.progress(i, 3)
        return Outcome(planned=3, ok=2, failed=1)

    host = _host(engine, session_factory, bus, clock)
    host.add(JobSpec("read", "collection", "Read", HOURLY, read, schedule="hourly"))
    host.start()
    try:
        host.run_now("read")
        assert finished.wait(1)
        assert bus.flush()
        assert events[0] == JobStarted("read", "manual")
        assert JobProgress("read", 3, 3) in events
        last = finished.events[0].last
        assert (last.status, last.planned, last.ok, last.failed) == ("finished", 3, 2, 1)
        assert last.trigger == "manual" and last.started_at == clock.now()
        (state,) = host.states()
        assert state.id == "read" and state.feature == "collection" and not state.running
        assert state.last == last
        assert state.next_run_at is not None
        with session_factory() as s:
            rows = s.scalars(select(JobRunRow)).all()
        assert [(r.job_id, r.status, r.ok) for r in rows] == [("read", "finished", 2)]
    finally:
        host.shutdown()


def test_a_failing_job_and_a_cancelled_one_say_so(
    engine: Engine, session_factory: sessionmaker[Session], bus: EventBus, clock: FixedClock
) -> None:
    finished = _Finished(bus)
    entered = threading.Event()

    def broken(_run: JobRun) -> Outcome:
        raise RuntimeError("the front end is not running")

    def long(run: JobRun) -> Outcome:
        entered.set()
        run.cancel.wait(10)
        return Outcome(planned=10, ok=4)

    host = _host(engine, session_factory, bus, clock)
    host.add(JobSpec("broken", "x", "Broken", HOURLY, broken))
    host.add(JobSpec("long", "x", "Long", HOURLY, long))
    host.start()
    try:
        host.run_now("broken")
        host.run_now("long")
        assert entered.wait(10)
        assert [s.running for s in host.states() if s.id == "long"] == [True]
        host.cancel("long")
        assert finished.wait(2)
        by_id = {f.job_id: f.last for f in finished.events}
        assert by_id["broken"].status == RunStatus.FAILED
        assert "RuntimeError: the front end is not running" in by_id["broken"].message
        assert (by_id["long"].status, by_id["long"].ok) == (RunStatus.CANCELLED, 4)
        with pytest.raises(KeyError, match="unknown job 'nothing'"):
            host.run_now("nothing")
    finally:
        host.shutdown()


def test_the_stored_jobs_follow_the_registered_ones_and_keep_their_due_runs(
    engine: Engine, session_factory: sessionmaker[Session], bus: EventBus, clock: FixedClock
) -> None:
    def nothing(_run: JobRun) -> None:
        return None

    first = _host(engine, session_factory, bus, clock)
    first.add(JobSpec("keep", "x", "Keep", CronTrigger(hour=0, minute=10), nothing))
    first.add(JobSpec("drop", "x", "Drop", HOURLY, nothing))
    first.add(JobSpec("change", "x", "Change", CronTrigger(hour=2), nothing))
    first.start()
    keep_next = first.next_run_at("keep")
    first.shutdown()

    second = _host(engine, session_factory, bus, clock)
    second.add(JobSpec("keep", "x", "Keep", CronTrigger(hour=0, minute=10), nothing))
    second.add(JobSpec("change", "x", "Change", CronTrigger(hour=3), nothing))
    second.add(JobSpec("new", "x", "New", HOURLY, nothing))
    second.start()
    try:
        assert {s.id for s in second.states()} == {"keep", "change", "new"}
        assert second.next_run_at("drop") is None
        assert second.next_run_at("keep") == keep_next
        change_next = second.next_run_at("change")
        assert change_next is not None and change_next.hour == 3
    finally:
        second.shutdown()


def test_a_job_due_at_start_runs_once_and_runs_left_open_are_closed(
    engine: Engine, session_factory: sessionmaker[Session], bus: EventBus, clock: FixedClock
) -> None:
    with session_factory.begin() as s:
        job_runs.start(s, "stale", "scheduled", datetime(2026, 11, 20, 3, 0))
    finished = _Finished(bus)
    host = _host(engine, session_factory, bus, clock)
    host.add(
        JobSpec(
            "freeze",
            "collection",
            "Freeze",
            CronTrigger(hour=0, minute=10),
            lambda _run: Outcome(ok=1),
            run_at_start=lambda now: now.hour >= 0,
        )
    )
    host.start()
    try:
        assert finished.wait(1)
        assert finished.events[0].last.trigger == "startup"
        with session_factory() as s:
            stale = job_runs.latest(s, ["stale"])["stale"]
        assert stale.status == RunStatus.FAILED and stale.message == job_runs.ABANDONED
        with pytest.raises(RuntimeError, match="already running"):
            _host(engine, session_factory, bus, clock).start()
    finally:
        host.shutdown()


def test_run_now_during_a_run_runs_once_more_after_it_and_keeps_its_reason(
    engine: Engine, session_factory: sessionmaker[Session], bus: EventBus, clock: FixedClock
) -> None:
    finished = _Finished(bus)
    entered, release = threading.Event(), threading.Event()
    triggers: list[str] = []

    def long(run: JobRun) -> Outcome:
        triggers.append(run.trigger)
        if len(triggers) == 1:
            entered.set()
            release.wait(10)
        return Outcome(ok=1)

    host = _host(engine, session_factory, bus, clock)
    host.add(JobSpec("long", "x", "Long", HOURLY, long))
    host.start()
    try:
        host.run_now("long", trigger="startup")
        assert entered.wait(10)
        host.run_now("long")  # asked for while it runs: not lost, not overlapping
        host.run_now("long")  # asked twice: still once more
        release.set()
        assert finished.wait(2)
        assert triggers == ["startup", "manual"]
        assert [f.last.trigger for f in finished.events] == ["startup", "manual"]
        assert not host._triggers  # nothing left for the next scheduled run to inherit
    finally:
        host.shutdown()


def test_stopping_while_a_run_asked_again_ends_returns_and_starts_nothing(
    engine: Engine, session_factory: sessionmaker[Session], bus: EventBus, clock: FixedClock
) -> None:
    """The run's end asks for the run asked for meanwhile while the host shuts down: the
    scheduler's shutdown waits for that run holding its job-store lock, so asking the
    scheduler then would hang both (seen as a hung test run)."""
    entered = threading.Event()
    triggers: list[str] = []

    def long(run: JobRun) -> Outcome:
        triggers.append(run.trigger)
        entered.set()
        assert run.cancel.wait(10)  # shutdown cancels it ...
        deadline = time.monotonic() + 10
        while host._scheduler.state != STATE_STOPPED and time.monotonic() < deadline:
            run.cancel.wait(0.005)  # ... and ends when the scheduler waits for this run
        return Outcome(ok=1)

    host = _host(engine, session_factory, bus, clock)
    host.add(JobSpec("long", "x", "Long", HOURLY, long))
    host.start()
    host.run_now("long")
    assert entered.wait(10)
    host.run_now("long")  # to run once more when this run ends
    stopper = threading.Thread(target=host.shutdown)
    stopper.start()
    stopper.join(20)
    assert not stopper.is_alive(), "shutdown hung"
    assert triggers == ["manual"]  # the run asked for meanwhile is not started on the way out
    host.run_now("long")  # a stopped host starts nothing ...
    assert host.execute("long") is None  # ... nor runs one the scheduler fired just before
    assert triggers == ["manual"]
