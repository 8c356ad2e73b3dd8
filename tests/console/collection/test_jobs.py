"""The collection's jobs on the one job host: when the freeze passes run and the catch-up at
start, a pass gets its run's trigger, cancel and progress and never overlaps itself, a run
missed while the service was down fires once at start, the clock check uses the clock.drift_s
threshold in force, and a schedule changed through the service's commands is written to the
file, rescheduled on the host (only what changed) and audited. The host's own guarantees
(stored jobs, run records, events) are tests/console/core/test_jobs.py's."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import pytest
from sqlalchemy import Engine, String, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from console.app.database import Database
from console.app.service import ServiceProcess
from console.collection import feature as collection
from console.collection.api import CollectionCommands
from console.collection.concentrators import GdwOptions, PassSummary
from console.collection.jobs import (
    CLOCK,
    CURVES,
    DAILY_FREEZE,
    EVENTS,
    METER_READING,
    concentrator_jobs,
    freeze_times,
)
from console.core import operator, thresholds
from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.config import (
    DatabaseSettings,
    DemoSettings,
    FrontEndSettings,
    ScheduleSettings,
    load_settings,
)
from console.core.features import LocalServices
from console.core.jobs import JobFinished, JobHost, JobProgress, LastRun
from db import audit
from db.models import AuditEntry, CollectionTask, RunStatus

WAIT_S = 10.0
BEFORE_THE_FIRST_PASS = datetime(2026, 11, 21, 0, 5)  # freeze_start is 00:10 by default


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


@pytest.fixture
def bus() -> Iterator[EventBus]:
    b = EventBus()
    b.start()
    yield b
    b.stop()


@pytest.fixture
def hosts(
    engine: Engine, session_factory: sessionmaker[Session], bus: EventBus
) -> Iterator[Callable[[FixedClock, FakeCollector, ScheduleSettings], JobHost]]:
    """Job hosts on the test database carrying the concentrator jobs, stopped afterwards."""
    made: list[JobHost] = []

    def make(clock: FixedClock, fake: FakeCollector, schedule: ScheduleSettings) -> JobHost:
        host = JobHost(engine, session_factory, bus, clock)
        for spec in concentrator_jobs(schedule, fake, lambda: 300.0):  # type: ignore[arg-type]
            host.add(spec)
        host.start()
        made.append(host)
        return host

    yield make
    for host in made:
        host.shutdown()


def _local(hour: int, minute: int, day: date = date(2026, 11, 21)) -> datetime:
    return datetime.combine(day, dtime(hour, minute)).astimezone()


# ---------------------------------------------------------------------------- the schedule
def test_freeze_passes_run_from_the_start_every_retry_interval_until_the_cutoff() -> None:
    schedule = ScheduleSettings(freeze_start="00:10", freeze_retry_min=30, freeze_cutoff="02:00")
    assert freeze_times(schedule) == [dtime(0, 10), dtime(0, 40), dtime(1, 10), dtime(1, 40)]
    late = ScheduleSettings(freeze_start="23:30", freeze_retry_min=60, freeze_cutoff="01:00")
    assert freeze_times(late) == [dtime(23, 30), dtime(0, 30)]  # past midnight

    specs = {s.id: s for s in concentrator_jobs(schedule, FakeCollector(), lambda: 300.0)}  # type: ignore[arg-type]
    freeze = specs[DAILY_FREEZE].trigger
    assert freeze.get_next_fire_time(None, _local(0, 11)) == _local(0, 40)
    assert freeze.get_next_fire_time(None, _local(1, 41)) == _local(0, 10, date(2026, 11, 22))
    assert specs[CLOCK].trigger.get_next_fire_time(None, _local(2, 1)) == _local(
        2, 0, date(2026, 11, 22)
    )
    assert set(specs) == {DAILY_FREEZE, CURVES, EVENTS, CLOCK}
    no_curves = concentrator_jobs(
        dataclasses.replace(schedule, curves=False),
        FakeCollector(),  # type: ignore[arg-type]
        lambda: 300.0,
    )
    assert {s.id for s in no_curves} == {DAILY_FREEZE, EVENTS, CLOCK}


def test_only_the_daily_freeze_catches_up_at_start_and_only_once_its_first_pass_was_due() -> None:
    specs = {s.id: s for s in concentrator_jobs(ScheduleSettings(), FakeCollector(), lambda: 300.0)}  # type: ignore[arg-type]
    due = specs[DAILY_FREEZE].run_at_start
    assert due is not None
    assert not due(datetime(2026, 11, 21, 0, 9, 59))  # the first pass will come at 00:10
    assert due(datetime(2026, 11, 21, 0, 10))
    assert due(datetime(2026, 11, 21, 10, 7, 30))  # a workstation switched on in the morning
    assert due(datetime(2026, 11, 21, 23, 59))
    assert all(specs[j].run_at_start is None for j in (CURVES, EVENTS, CLOCK))


# ---------------------------------------------------------------------------- on the host
def test_a_pass_gets_its_runs_trigger_progress_and_cancel_and_never_overlaps_itself(
    bus: EventBus,
    session_factory: sessionmaker[Session],
    hosts: Callable[[FixedClock, FakeCollector, ScheduleSettings], JobHost],
) -> None:
    fake = FakeCollector()
    fake.hold = True
    progress: list[JobProgress] = []
    bus.subscribe(JobProgress, progress.append)
    finished = Finished(bus)
    host = hosts(FixedClock(BEFORE_THE_FIRST_PASS), fake, ScheduleSettings(curves=False))

    host.run_now(DAILY_FREEZE)
    assert fake.entered.wait(WAIT_S)
    host.run_now(DAILY_FREEZE)  # asked again while it runs: no second pass beside it
    (state,) = [s for s in host.states() if s.id == DAILY_FREEZE]
    assert state.running
    host.cancel(DAILY_FREEZE)
    last = finished.wait(DAILY_FREEZE)

    assert fake.calls[0] == ("daily_freeze", "manual")
    assert fake.cancelled == ["daily_freeze"]  # the pass itself saw the cancel
    assert fake.most_at_once == 1
    assert (last.status, last.planned, last.ok, last.failed) == ("cancelled", 2, 1, 1)
    assert bus.flush()
    assert JobProgress(DAILY_FREEZE, 1, 2) in progress


def test_a_run_missed_while_the_service_was_down_fires_once_at_start(
    bus: EventBus, hosts: Callable[[FixedClock, FakeCollector, ScheduleSettings], JobHost]
) -> None:
    clock = FixedClock(BEFORE_THE_FIRST_PASS)
    schedule = ScheduleSettings(curves=False)
    first_fake = FakeCollector()
    first = hosts(clock, first_fake, schedule)
    first._scheduler.pause()  # the service stops just as the clock check comes due
    missed = datetime.now().astimezone() - timedelta(minutes=20)
    first._scheduler.modify_job(CLOCK, next_run_time=missed)
    first.shutdown()
    assert first_fake.calls == []

    finished = Finished(bus)
    fake = FakeCollector()
    second = hosts(clock, fake, schedule)
    last = finished.wait(CLOCK)

    assert last.trigger == "scheduled"
    assert fake.calls == [("clock", "scheduled")]
    next_run = second.next_run_at(CLOCK)
    assert next_run is not None and next_run > datetime.now()
    assert (next_run.hour, next_run.minute) == (2, 0)


# ---------------------------------------------------------------------------- the service
@dataclasses.dataclass
class Service:
    process: ServiceProcess
    fake: FakeCollector
    finished: Finished
    config: Path

    @property
    def host(self) -> JobHost:
        return self.process.jobs

    @property
    def commands(self) -> CollectionCommands:
        services = LocalServices(self.process.exposed)
        return services.commands(collection.NAME, CollectionCommands)  # type: ignore[type-abstract]


@pytest.fixture
def service(
    tmp_path: Path,
    db_url: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> Iterator[Service]:
    """The service process with the collection feature, its concentrator passes made by a
    ``FakeCollector``, started at 10:07 (after the first freeze pass was due)."""
    config = tmp_path / "smc.toml"
    config.write_text('# mine\n[schedule]\n# when\nfreeze_start = "00:10"\n', encoding="utf-8")
    settings = dataclasses.replace(
        load_settings(config),
        database=DatabaseSettings(url=db_url),
        demo=DemoSettings(enabled=False),
        frontend=FrontEndSettings(host="127.0.0.1", port=0),
    )
    process = ServiceProcess(
        settings,
        Database(db_url, engine, session_factory, None),
        clock,
        features=[collection.FEATURE],
    )
    part = dict(process.host.parts)[collection.NAME]
    assert isinstance(part, collection.CollectionServicePart)
    fake = FakeCollector()
    part.collector = fake  # type: ignore[assignment]
    part.reschedule(settings.schedule)
    finished = Finished(process.bus)
    process.start()
    try:
        finished.wait(METER_READING)  # both start-up runs are over before a test begins
        finished.wait(DAILY_FREEZE)
        yield Service(process, fake, finished, config)
    finally:
        process.stop()


def test_the_service_reads_todays_missing_freezes_once_at_start(service: Service) -> None:
    (last,) = service.finished.of(DAILY_FREEZE)
    assert last.trigger == "startup"
    assert service.fake.calls == [("daily_freeze", "startup")]  # no other pass at start
    assert {s.id for s in service.host.states(collection.NAME)} == {
        METER_READING,
        DAILY_FREEZE,
        CURVES,
        EVENTS,
        CLOCK,
    }


def test_the_clock_check_sets_clocks_off_by_more_than_the_threshold_in_force(
    service: Service, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    service.host.run_now(CLOCK)
    service.finished.wait(CLOCK, 1)
    with session_factory.begin() as s:
        thresholds.save(
            s,
            {("clock.drift_s", None): "60"},
            at=clock.now(),
            by="os:li",
            comment="GPRS clocks drift",
            expected_version=None,
        )
    assert service.process.bus.flush()  # the book has heard of the new version
    service.host.run_now(CLOCK)
    service.finished.wait(CLOCK, 2)

    assert service.fake.drifts == [300.0, 60.0]
    assert service.fake.options.clock_drift_s == 60.0


def _audit(sf: sessionmaker[Session]) -> list[AuditEntry]:
    with sf() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == "schedule.change")).all()
        )


def test_a_schedule_change_is_saved_to_the_file_rescheduled_and_audited(
    service: Service, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    host, commands = service.host, service.commands
    before = commands.schedule()
    freeze_next = host.next_run_at(DAILY_FREEZE)
    events_next = host.next_run_at(EVENTS)
    values = {**before, "curves": False, "clock_check": "03:30"}

    with operator.acting_as(operator.Operator("os:li", "李")):
        commands.set_schedule(values)

    assert load_settings(service.config).schedule == ScheduleSettings(**values)  # type: ignore[arg-type]
    text = service.config.read_text(encoding="utf-8")
    assert "# mine" in text and "# when" in text  # the user's comments stay
    assert commands.schedule() == values
    assert {s.id for s in host.states(collection.NAME)} == {
        METER_READING,
        DAILY_FREEZE,
        EVENTS,
        CLOCK,
    }
    assert host.next_run_at(CURVES) is None
    clock_next = host.next_run_at(CLOCK)
    assert clock_next is not None and (clock_next.hour, clock_next.minute) == (3, 30)
    # Unchanged jobs are not rescheduled (an interval job would start counting again).
    assert host.next_run_at(EVENTS) == events_next
    assert host.next_run_at(DAILY_FREEZE) == freeze_next
    (entry,) = _audit(session_factory)
    assert (entry.actor, entry.object_kind, entry.at) == ("os:li", "config", clock.now())
    # The entry fits its columns on PostgreSQL too, however long the file's path.
    assert len(str(service.config)) > 64
    column = AuditEntry.__table__.c.object_id.type
    assert isinstance(column, String) and column.length is not None
    assert len(entry.object_id) <= column.length
    assert json.loads(entry.before or "") == before
    assert json.loads(entry.after or "") == values


@pytest.mark.parametrize(
    ("key", "value"),
    [("freeze_start", "25:00"), ("events_every_min", 0), ("clock_drift_s", 60), ("curves", "no")],
)
def test_a_bad_schedule_value_names_the_key_and_changes_nothing(
    service: Service, session_factory: sessionmaker[Session], key: str, value: object
) -> None:
    host, commands = service.host, service.commands
    before = commands.schedule()
    text = service.config.read_text(encoding="utf-8")
    jobs = {s.id: host.next_run_at(s.id) for s in host.states(collection.NAME)}

    with pytest.raises(ValueError, match=key):
        commands.set_schedule({**before, key: value})

    assert service.config.read_text(encoding="utf-8") == text
    assert commands.schedule() == before
    assert {s.id: host.next_run_at(s.id) for s in host.states(collection.NAME)} == jobs
    assert _audit(session_factory) == []


def test_a_schedule_change_that_cannot_be_audited_changes_nothing(
    service: Service, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    host, commands = service.host, service.commands
    before = commands.schedule()
    text = service.config.read_text(encoding="utf-8")
    jobs = {s.id: host.next_run_at(s.id) for s in host.states(collection.NAME)}

    def refused(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT INTO audit_entry", {}, Exception("database is locked"))

    monkeypatch.setattr(audit, "record", refused)
    with pytest.raises(OperationalError):
        commands.set_schedule({**before, "curves": False, "clock_check": "03:30"})

    assert service.config.read_text(encoding="utf-8") == text
    assert commands.schedule() == before
    assert {s.id: host.next_run_at(s.id) for s in host.states(collection.NAME)} == jobs
