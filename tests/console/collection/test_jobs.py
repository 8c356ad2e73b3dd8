"""The concentrator jobs on the one job host: when the freeze passes run and the catch-up at
start, a pass gets its run's trigger, cancel and progress and never overlaps itself, a run
missed while the service was down fires once at start. The host's own guarantees (stored
jobs, run records, events) are tests/console/core/test_jobs.py's; the service part's
(schedule changes, thresholds) test_service_part.py's."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.collection.jobs import (
    CLOCK,
    CURVES,
    DAILY_FREEZE,
    EVENTS,
    concentrator_jobs,
    freeze_times,
)
from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.config import ScheduleSettings
from console.core.jobs import JobHost, JobProgress
from tests.console.collection.fakes import WAIT_S, FakeCollector, Finished

BEFORE_THE_FIRST_PASS = datetime(2026, 11, 21, 0, 5)  # freeze_start is 00:10 by default


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
