"""The collection scheduler: runs on a worker thread, reports events, never overlaps runs."""

from __future__ import annotations

import threading

import pytest

from console.collection.scheduler import (
    CollectionEvent,
    CollectionScheduler,
    RunFailed,
    RunFinished,
    RunProgress,
    RunStarted,
)
from console.collection.service import CollectionOptions, CollectionService
from console.core.clock import FixedClock
from drivers.emulator.fleet import LoopFleet

WAIT_S = 30


class Recorder:
    def __init__(self, until: type) -> None:
        self.events: list[CollectionEvent] = []
        self.threads: set[str] = set()
        self.done = threading.Event()
        self._until = until

    def __call__(self, event: CollectionEvent) -> None:
        self.events.append(event)
        self.threads.add(threading.current_thread().name)
        if isinstance(event, self._until):
            self.done.set()


def test_start_runs_once_at_once_and_reports_on_a_worker_thread(
    fleet: LoopFleet,
    session_factory,
    clock: FixedClock,
) -> None:
    service = CollectionService(
        session_factory, clock, CollectionOptions(timeout_s=0.25, retries=0)
    )
    scheduler = CollectionScheduler(service, interval_s=3600)
    recorder = Recorder(until=RunFinished)
    scheduler.add_listener(recorder)
    try:
        scheduler.start(run_now=True)
        assert recorder.done.wait(WAIT_S), "the start-up run did not finish"
    finally:
        scheduler.shutdown()
    kinds = [type(e) for e in recorder.events]
    assert kinds[0] is RunStarted
    assert kinds[-1] is RunFinished
    assert RunProgress in kinds
    started = recorder.events[0]
    assert isinstance(started, RunStarted) and started.trigger == "startup"
    finished = recorder.events[-1]
    assert isinstance(finished, RunFinished)
    assert finished.summary.planned == finished.summary.ok + finished.summary.failed
    assert scheduler.last_summary == finished.summary
    assert threading.main_thread().name not in recorder.threads
    assert not scheduler.running


def test_a_failing_run_is_reported_and_the_scheduler_survives(
    session_factory, clock: FixedClock
) -> None:
    class Broken(CollectionService):
        def run(self, trigger: str = "scheduled", **_kwargs: object):  # type: ignore[override]
            raise RuntimeError("disk full")

    scheduler = CollectionScheduler(Broken(session_factory, clock), interval_s=3600)
    recorder = Recorder(until=RunFailed)
    scheduler.add_listener(recorder)
    try:
        scheduler.start(run_now=True)
        assert recorder.done.wait(WAIT_S)
        assert scheduler.next_run_time is not None  # the job is still scheduled
    finally:
        scheduler.shutdown()
    failed = recorder.events[-1]
    assert isinstance(failed, RunFailed)
    assert "disk full" in failed.message


def test_a_broken_listener_does_not_stop_the_others(
    fleet: LoopFleet, session_factory, clock: FixedClock
) -> None:
    service = CollectionService(
        session_factory, clock, CollectionOptions(timeout_s=0.25, retries=0)
    )
    scheduler = CollectionScheduler(service, interval_s=3600)

    def broken(_event: CollectionEvent) -> None:
        raise ValueError("listener bug")

    recorder = Recorder(until=RunFinished)
    scheduler.add_listener(broken)
    scheduler.add_listener(recorder)
    try:
        scheduler.start(run_now=True)
        assert recorder.done.wait(WAIT_S)
    finally:
        scheduler.shutdown()
    assert isinstance(recorder.events[-1], RunFinished)


def test_run_now_triggers_a_manual_run(
    fleet: LoopFleet, session_factory, clock: FixedClock
) -> None:
    service = CollectionService(
        session_factory, clock, CollectionOptions(timeout_s=0.25, retries=0)
    )
    scheduler = CollectionScheduler(service, interval_s=3600)
    manual = threading.Event()
    scheduler.add_listener(
        lambda e: manual.set() if isinstance(e, RunStarted) and e.trigger == "manual" else None
    )
    try:
        scheduler.start(run_now=False)
        scheduler.run_now()
        assert manual.wait(WAIT_S)
    finally:
        scheduler.shutdown()


@pytest.mark.parametrize("interval", [10, 300])
def test_the_job_never_overlaps_itself(session_factory, clock: FixedClock, interval: int) -> None:
    scheduler = CollectionScheduler(CollectionService(session_factory, clock), interval_s=interval)
    try:
        scheduler.start(run_now=False)
        job = scheduler._scheduler.get_job("collection")
        assert job.max_instances == 1
        assert job.coalesce is True
        assert job.trigger.interval.total_seconds() == interval
    finally:
        scheduler.shutdown()
