"""Runs the collection on an interval in a worker thread (APScheduler 3) and reports events.

Listeners get plain event objects from the worker thread; the Qt layer turns them into queued
signals. ``max_instances=1`` and coalescing mean a slow run is never overlapped or stacked.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from console.collection.service import CollectionService, CollectionSummary

log = logging.getLogger(__name__)

JOB_ID = "collection"


@dataclass(frozen=True, slots=True)
class RunStarted:
    trigger: str


@dataclass(frozen=True, slots=True)
class RunProgress:
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class RunFinished:
    summary: CollectionSummary


@dataclass(frozen=True, slots=True)
class RunFailed:
    message: str


CollectionEvent = RunStarted | RunProgress | RunFinished | RunFailed
Listener = Callable[[CollectionEvent], None]


class CollectionScheduler:
    def __init__(self, service: CollectionService, *, interval_s: int) -> None:
        self.service = service
        self.interval_s = interval_s
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": interval_s},
        )
        self._listeners: list[Listener] = []
        self._cancel = threading.Event()
        self._busy = threading.Event()
        self._next_trigger = "startup"
        self.last_summary: CollectionSummary | None = None

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @property
    def running(self) -> bool:
        return self._busy.is_set()

    @property
    def next_run_time(self) -> datetime | None:
        job = self._scheduler.get_job(JOB_ID)
        return job.next_run_time if job is not None else None

    def start(self, *, run_now: bool = True) -> None:
        kwargs = {"next_run_time": datetime.now().astimezone()} if run_now else {}
        self._scheduler.add_job(
            self._job,
            IntervalTrigger(seconds=self.interval_s),
            id=JOB_ID,
            replace_existing=True,
            **kwargs,
        )
        self._scheduler.start()
        log.info("collection scheduled every %d s", self.interval_s)

    def run_now(self, trigger: str = "manual") -> None:
        """Ask for a run as soon as the current one (if any) has finished."""
        self._next_trigger = trigger
        self._scheduler.modify_job(JOB_ID, next_run_time=datetime.now().astimezone())

    def shutdown(self) -> None:
        """Cancel a run in progress (it stops after the meter being read) and wait for it."""
        self._cancel.set()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def _emit(self, event: CollectionEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("collection listener failed on %r", event)

    def _job(self) -> None:
        trigger, self._next_trigger = self._next_trigger, "scheduled"
        self._busy.set()
        self._emit(RunStarted(trigger))
        try:
            summary = self.service.run(
                trigger, cancel=self._cancel, progress=lambda d, t: self._emit(RunProgress(d, t))
            )
        except Exception as err:
            log.exception("collection run failed")
            self._busy.clear()
            self._emit(RunFailed(f"{type(err).__name__}: {err}"))
            return
        self.last_summary = summary
        self._busy.clear()
        self._emit(RunFinished(summary))
