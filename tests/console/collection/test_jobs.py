"""The concentrator jobs live in the database's job store: a restart neither loses a due run nor
duplicates a job, and a changed schedule reschedules only what changed."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from console.collection.concentrators import GdwOptions, PassSummary
from console.collection.frontend import FrontEndService
from console.collection.jobs import JOB_TABLE, ConcentratorJobs, freeze_times
from console.collection.monitor import CollectionMonitor
from console.core.clock import FixedClock
from console.core.config import FrontEndSettings, ScheduleSettings, load_settings
from db.models import CollectionTask, RunStatus


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


class FakeCollector:
    """Records which passes ran; a pass can be held open to test cancel and overlap."""

    def __init__(self, sf: sessionmaker[Session]) -> None:
        self._sf = sf
        self.calls: list[str] = []
        self.hold = threading.Event()
        self.hold.set()
        self.cancelled: list[str] = []
        self.options = GdwOptions()

    def _run(self, task: str, cancel: threading.Event | None) -> PassSummary:
        self.calls.append(task)
        while not self.hold.wait(0.01):
            if cancel is not None and cancel.is_set():
                self.cancelled.append(task)
                break
        now = datetime.now()
        return PassSummary(
            CollectionTask(task), None, date.today(), now, now, RunStatus.FINISHED, 0, 0, 0, 0
        )

    def collect_freezes(self, **kw: object) -> PassSummary:
        return self._run("daily_freeze", kw.get("cancel"))  # type: ignore[arg-type]

    def collect_curves(self, **kw: object) -> PassSummary:
        return self._run("curve", kw.get("cancel"))  # type: ignore[arg-type]

    def poll_events(self, **kw: object) -> PassSummary:
        return self._run("events", kw.get("cancel"))  # type: ignore[arg-type]

    def check_clocks(self, **kw: object) -> PassSummary:
        return self._run("clock", kw.get("cancel"))  # type: ignore[arg-type]


@pytest.fixture
def collector(session_factory: sessionmaker[Session]) -> FakeCollector:
    return FakeCollector(session_factory)


@pytest.fixture
def jobs_factory(
    engine: Engine, collector: FakeCollector
) -> Iterator[Callable[..., ConcentratorJobs]]:
    started: list[ConcentratorJobs] = []

    def make(schedule: ScheduleSettings, *, catch_up: bool = False) -> ConcentratorJobs:
        jobs = ConcentratorJobs(collector, engine, schedule, catch_up=catch_up)  # type: ignore[arg-type]
        jobs.start()
        started.append(jobs)
        return jobs

    yield make
    for jobs in started:
        jobs.shutdown()


def _stored(engine: Engine) -> dict[str, float]:
    with engine.connect() as c:
        return dict(c.execute(text(f"SELECT id, next_run_time FROM {JOB_TABLE}")).all())


def test_freeze_passes_run_from_the_start_every_retry_interval_until_the_cutoff() -> None:
    schedule = ScheduleSettings(freeze_start="00:10", freeze_retry_min=30, freeze_cutoff="02:00")
    assert freeze_times(schedule) == [dtime(0, 10), dtime(0, 40), dtime(1, 10), dtime(1, 40)]
    late = ScheduleSettings(freeze_start="23:30", freeze_retry_min=60, freeze_cutoff="01:00")
    assert freeze_times(late) == [dtime(23, 30), dtime(0, 30)]  # past midnight


def test_a_restart_keeps_the_jobs_and_their_next_runs(
    engine: Engine, jobs_factory: Callable[..., ConcentratorJobs]
) -> None:
    schedule = ScheduleSettings()
    first = jobs_factory(schedule)
    before = _stored(engine)
    assert set(before) == {"daily_freeze", "curves", "events", "clock"}
    first.shutdown()
    jobs_factory(schedule)  # the same schedule: nothing rescheduled, nothing added
    assert _stored(engine) == before


def test_a_changed_schedule_reschedules_only_that_job_and_drops_disabled_ones(
    engine: Engine, jobs_factory: Callable[..., ConcentratorJobs]
) -> None:
    first = jobs_factory(ScheduleSettings())
    before = _stored(engine)
    first.shutdown()
    jobs_factory(ScheduleSettings(clock_check="03:30", curves=False))
    after = _stored(engine)
    assert set(after) == {"daily_freeze", "events", "clock"}
    assert after["daily_freeze"] == before["daily_freeze"]
    assert after["events"] == before["events"]
    assert after["clock"] != before["clock"]


def test_a_run_missed_while_the_console_was_down_fires_once_at_start(
    engine: Engine,
    collector: FakeCollector,
    jobs_factory: Callable[..., ConcentratorJobs],
) -> None:
    first = jobs_factory(ScheduleSettings())
    first._scheduler.pause()  # the console stops just as the clock check comes due
    missed = datetime.now().astimezone() - timedelta(minutes=20)
    first._scheduler.modify_job("clock", next_run_time=missed)
    first.shutdown()
    assert collector.calls == []
    jobs_factory(ScheduleSettings())
    _wait(lambda: "clock" in collector.calls)
    assert collector.calls.count("clock") == 1
    assert _stored(engine)["clock"] > time.time()  # and the next one is in the future


def test_run_now_runs_a_job_and_cancel_stops_it(
    collector: FakeCollector, jobs_factory: Callable[..., ConcentratorJobs]
) -> None:
    jobs = jobs_factory(dataclasses.replace(ScheduleSettings(), curves=False))
    collector.hold.clear()
    jobs.run_now("daily_freeze")
    _wait(lambda: any(s.id == "daily_freeze" and s.running for s in jobs.states()))
    jobs.run_now("daily_freeze")  # while it runs: no second, overlapping pass
    jobs.cancel("daily_freeze")
    _wait(lambda: collector.cancelled == ["daily_freeze"])
    _wait(lambda: not any(s.running for s in jobs.states()))
    assert collector.calls.count("daily_freeze") <= 2
    with pytest.raises(KeyError):
        jobs.run_now("nonsense")


def test_started_after_the_first_pass_was_due_it_reads_todays_freezes_at_once(
    collector: FakeCollector, jobs_factory: Callable[..., ConcentratorJobs]
) -> None:
    jobs_factory(ScheduleSettings(freeze_start="00:00", freeze_cutoff="00:30"), catch_up=True)
    _wait(lambda: "daily_freeze" in collector.calls)
    assert collector.calls.count("daily_freeze") == 1


def test_the_schedule_edited_in_the_ui_is_saved_to_the_file_and_applied(  # noqa: PLR0917
    tmp_path: Path,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    collector: FakeCollector,
    jobs_factory: Callable[..., ConcentratorJobs],
) -> None:
    config = tmp_path / "smc.toml"
    config.write_text('# mine\n[schedule]\n# when\nfreeze_start = "00:10"\n', encoding="utf-8")
    jobs = jobs_factory(ScheduleSettings())
    frontend = FrontEndService(session_factory, FrontEndSettings(port=0), clock)
    monitor = CollectionMonitor(session_factory, clock, frontend, jobs, config_path=config)
    values = {**monitor.schedule(), "curves": False, "events_every_min": 10, "clock_drift_s": 60}

    monitor.set_schedule(values)

    assert load_settings(config).schedule == ScheduleSettings(**values)  # type: ignore[arg-type]
    assert "# mine" in config.read_text(encoding="utf-8")  # the user's comments stay
    assert set(_stored(engine)) == {"daily_freeze", "events", "clock"}
    assert collector.options.clock_drift_s == 60
    before = config.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="freeze_start"):
        monitor.set_schedule({**values, "freeze_start": "25:00"})
    assert config.read_text(encoding="utf-8") == before
