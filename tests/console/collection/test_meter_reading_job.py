"""The meters on their own links as a job of the job host: it runs once at start on a worker
thread and reports progress, a cancel lets every bus finish the meter it is reading and read no
other, a run that fails is recorded as failed with its message and the job stays scheduled."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from console.collection.jobs import METER_READING, meter_reading_job
from console.collection.service import CollectionOptions, CollectionService, CollectionSummary
from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.config import CollectionSettings
from console.core.jobs import JobFinished, JobHost, JobProgress, JobStarted, LastRun
from db.models import CollectionRun, Meter, RunStatus
from db.queries import job_runs
from db.queries.collection import read_targets
from drivers.emulator.fleet import LoopFleet
from drivers.link import Transport, open_link

WAIT_S = 30.0
HOURLY = CollectionSettings(interval_s=3600)
FAST = CollectionOptions(timeout_s=0.25, retries=0)


class Recorder:
    """The job's events on the bus, in order; ``wait()`` until it has finished."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[object] = []
        self.done = threading.Event()
        bus.subscribe((JobStarted, JobProgress, JobFinished), self._on)

    def _on(self, event: JobStarted | JobProgress | JobFinished) -> None:
        if event.job_id != METER_READING:
            return
        self.events.append(event)
        if isinstance(event, JobFinished):
            self.done.set()

    def wait(self) -> LastRun:
        assert self.done.wait(WAIT_S), "the meter reading did not finish"
        last = self.events[-1]
        assert isinstance(last, JobFinished)
        return last.last


@pytest.fixture
def bus() -> Iterator[EventBus]:
    b = EventBus()
    b.start()
    yield b
    b.stop()


@pytest.fixture
def host(
    engine: Engine, session_factory: sessionmaker[Session], bus: EventBus, clock: FixedClock
) -> Iterator[JobHost]:
    h = JobHost(engine, session_factory, bus, clock)
    yield h
    h.shutdown()


class ThreadNoting(CollectionService):
    """Notes the thread each run runs on."""

    threads: list[threading.Thread]

    def run(self, trigger: str = "scheduled", **kwargs: object) -> CollectionSummary:
        self.threads.append(threading.current_thread())
        return super().run(trigger, **kwargs)  # type: ignore[arg-type]


def test_it_runs_once_at_start_on_a_worker_thread_and_reports_progress(
    fleet: LoopFleet,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    bus: EventBus,
    host: JobHost,
) -> None:
    reader = ThreadNoting(session_factory, clock, FAST)
    reader.threads = []
    recorder = Recorder(bus)
    host.add(meter_reading_job(HOURLY, reader))
    host.start()
    last = recorder.wait()

    assert bus.flush()
    assert recorder.events[0] == JobStarted(METER_READING, "startup")
    assert any(isinstance(e, JobProgress) for e in recorder.events)
    assert last.trigger == "startup" and last.status == RunStatus.FINISHED
    assert last.planned == last.ok + last.failed > 0
    assert [t is threading.main_thread() for t in reader.threads] == [False]
    with session_factory() as s:
        run = s.scalars(select(CollectionRun)).one()
        recorded = job_runs.latest(s, [METER_READING])[METER_READING]
    assert (run.trigger, run.meters_planned, run.meters_ok, run.meters_failed) == (
        "startup",
        last.planned,
        last.ok,
        last.failed,
    )
    assert (recorded.status, recorded.ok, recorded.failed) == ("finished", last.ok, last.failed)
    next_run = host.next_run_at(METER_READING)
    assert next_run is not None
    assert timedelta(minutes=59) < next_run - datetime.now() <= timedelta(hours=1)


class Gate:
    """Holds every link at its first write (each bus is then reading its first meter) until
    ``release`` is set; counts the links that got there."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.held = 0
        self._cond = threading.Condition()

    def open(self, url: str) -> Transport:
        return _GatedLink(open_link(url), self)

    def arrive(self) -> None:
        with self._cond:
            self.held += 1
            self._cond.notify_all()
        assert self.release.wait(WAIT_S)

    def wait_for(self, links: int) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.held >= links, WAIT_S)


class _GatedLink:
    """A link that waits at its gate before its first write."""

    def __init__(self, inner: Transport, gate: Gate) -> None:
        self._inner = inner
        self._gate = gate
        self._first = True

    @property
    def url(self) -> str:
        return self._inner.url

    def open(self) -> None:
        self._inner.open()

    def close(self) -> None:
        self._inner.close()

    def write(self, data: bytes) -> None:
        if self._first:
            self._first = False
            self._gate.arrive()
        self._inner.write(data)

    def read(self, max_bytes: int, deadline: float) -> bytes:
        return self._inner.read(max_bytes, deadline)

    def set_baudrate(self, baudrate: int) -> None:
        self._inner.set_baudrate(baudrate)


def test_cancel_lets_each_bus_finish_the_meter_it_is_reading_and_read_no_other(
    fleet: LoopFleet,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    bus: EventBus,
    host: JobHost,
) -> None:
    with session_factory() as s:
        targets = read_targets(s, clock.now().date())
    links = len({t.link_url for t in targets})
    assert len(targets) > links > 1  # several buses, several meters on each
    gate = Gate()
    reader = CollectionService(
        session_factory,
        clock,
        CollectionOptions(workers=links, timeout_s=0.25, retries=0),
        link_opener=gate.open,
    )
    recorder = Recorder(bus)
    host.add(meter_reading_job(HOURLY, reader))
    host.start()
    assert gate.wait_for(links), f"{gate.held} of {links} buses started reading"

    host.cancel(METER_READING)
    gate.release.set()
    last = recorder.wait()

    assert last.status == RunStatus.CANCELLED
    assert last.planned == len(targets)
    assert last.ok + last.failed == links  # the meter each bus was reading, and no other
    with session_factory() as s:
        touched = s.scalar(select(func.count()).where(Meter.last_read_at == clock.now()))
        run = s.scalars(select(CollectionRun)).one()
    assert touched == links
    assert (run.status, run.meters_ok + run.meters_failed) == ("cancelled", links)


def test_a_failing_run_is_recorded_as_failed_and_the_job_stays_scheduled(
    session_factory: sessionmaker[Session], clock: FixedClock, bus: EventBus, host: JobHost
) -> None:
    class Broken(CollectionService):
        def run(self, trigger: str = "scheduled", **_kwargs: object) -> CollectionSummary:
            raise RuntimeError("disk full")

    recorder = Recorder(bus)
    host.add(meter_reading_job(HOURLY, Broken(session_factory, clock)))
    host.start()
    last = recorder.wait()

    assert last.status == RunStatus.FAILED
    assert last.message == "RuntimeError: disk full"
    with session_factory() as s:
        recorded = job_runs.latest(s, [METER_READING])[METER_READING]
    assert (recorded.status, recorded.message) == ("failed", "RuntimeError: disk full")
    assert host.next_run_at(METER_READING) is not None


@pytest.mark.parametrize("interval", [10, 300])
def test_the_job_runs_every_interval_and_a_late_run_is_due_for_one_interval(
    session_factory: sessionmaker[Session], clock: FixedClock, interval: int
) -> None:
    spec = meter_reading_job(
        CollectionSettings(interval_s=interval), CollectionService(session_factory, clock)
    )
    assert spec.id == METER_READING and spec.feature == "collection"
    assert isinstance(spec.trigger, IntervalTrigger)
    assert spec.trigger.interval == timedelta(seconds=interval)
    assert spec.misfire_grace_s == interval  # a run missed by more is simply the next one
    assert spec.run_at_start is not None and spec.run_at_start(clock.now())
