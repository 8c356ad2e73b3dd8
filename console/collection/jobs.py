"""The concentrator jobs on APScheduler 3, kept in the database's job store.

Jobs: ``daily_freeze`` (a first pass after midnight, then re-tries of what is still missing
every N minutes until a cut-off: each pass reads only meters without a stored freeze),
``curves`` (every quarter-hour), ``events`` (every few minutes) and ``clock`` (daily). The job
store is a table in the console's database, so a restart neither loses a due run (a run missed
while the console was down fires once on start, within the grace time) nor duplicates one (job
ids are fixed; ``max_instances=1`` and coalescing mean a slow pass is never overlapped or
stacked). At start the stored jobs are compared with the configured schedule and only changed
ones are rescheduled, so a restart does not push a due run to tomorrow.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from console.collection.api import JobState
from console.collection.concentrators import ConcentratorCollector, PassSummary
from console.core.config import ScheduleSettings
from db.queries.collection import RunRow, latest_runs_by_task

log = logging.getLogger(__name__)

JOB_TABLE = "scheduled_job"
GRACE_S = 3600  # a run missed by less than this (console down, machine asleep) still runs
JOB_NAMES = {
    "daily_freeze": "Daily freeze",
    "curves": "15-minute curves",
    "events": "Event polling",
    "clock": "Clock check",
}
# What each job's runs are called in collection_run.trigger ("<task>:<trigger>").
_TASKS = {"daily_freeze": "daily_freeze", "curves": "curve", "events": "events", "clock": "clock"}

_active: ConcentratorJobs | None = None


def run_job(job_id: str) -> None:
    """The job store's entry point (a module-level function: jobs are stored by reference)."""
    if _active is None:
        log.warning("job %s fired with no collection running", job_id)
        return
    _active.execute(job_id)


def _hm(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def freeze_times(schedule: ScheduleSettings) -> list[time]:
    """The first pass and every re-try before the cut-off."""
    start = datetime.combine(datetime.min.date(), _hm(schedule.freeze_start))
    cutoff = datetime.combine(datetime.min.date(), _hm(schedule.freeze_cutoff))
    if cutoff <= start:
        cutoff += timedelta(days=1)
    times: list[time] = []
    at = start
    while at < cutoff and len(times) < 96:
        times.append(at.time())
        at += timedelta(minutes=schedule.freeze_retry_min)
    return times


def schedule_params(schedule: ScheduleSettings) -> dict[str, dict[str, str]]:
    """Each job's schedule settings, for a UI that words them in its own language."""
    return {
        "daily_freeze": {
            "start": schedule.freeze_start,
            "retry_min": str(schedule.freeze_retry_min),
            "cutoff": schedule.freeze_cutoff,
        },
        "curves": {"every_min": "15"},
        "events": {"every_min": str(schedule.events_every_min)},
        "clock": {"at": schedule.clock_check, "drift_s": str(schedule.clock_drift_s)},
    }


def triggers(schedule: ScheduleSettings) -> dict[str, tuple[BaseTrigger, str]]:
    """Each job's trigger and a readable description of it."""
    times = freeze_times(schedule)
    out: dict[str, tuple[BaseTrigger, str]] = {
        "daily_freeze": (
            OrTrigger([CronTrigger(hour=t.hour, minute=t.minute) for t in times]),
            f"daily {schedule.freeze_start}, re-tries every {schedule.freeze_retry_min} min "
            f"until {schedule.freeze_cutoff}",
        ),
        "events": (
            IntervalTrigger(minutes=schedule.events_every_min),
            f"every {schedule.events_every_min} min",
        ),
        "clock": (
            CronTrigger(
                hour=_hm(schedule.clock_check).hour, minute=_hm(schedule.clock_check).minute
            ),
            f"daily {schedule.clock_check}, sets clocks off by more than "
            f"{schedule.clock_drift_s} s",
        ),
    }
    if schedule.curves:
        out["curves"] = (CronTrigger(minute="2,17,32,47"), "every 15 min (2 min after the slot)")
    return out


@dataclass(slots=True)
class _Live:
    cancel: threading.Event
    done: int = 0
    total: int = 0


class ConcentratorJobs:
    def __init__(
        self,
        collector: ConcentratorCollector,
        engine: Engine,
        schedule: ScheduleSettings,
        *,
        on_finished: Callable[[str, PassSummary], None] | None = None,
        catch_up: bool = True,
    ) -> None:
        self.collector = collector
        self.catch_up = catch_up
        self.schedule = schedule
        self.on_finished = on_finished
        self._engine = engine
        self._scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE)},
            executors={"default": ThreadPoolExecutor(max_workers=4)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": GRACE_S},
        )
        self._live: dict[str, _Live] = {}
        self._lock = threading.Lock()
        self._descriptions: dict[str, str] = {}

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        global _active  # noqa: PLW0603  (the job store calls a module function)
        _active = self
        self._scheduler.start(paused=True)
        self.apply(self.schedule)
        self._scheduler.resume()
        if self.catch_up and datetime.now().time() >= _hm(self.schedule.freeze_start):
            # Started after today's first pass was due (a workstation switched on in the
            # morning): read today's missing freezes now; the meters keep them for 62 days.
            self.run_now("daily_freeze")

    def apply(self, schedule: ScheduleSettings) -> None:
        """Bring the stored jobs in line with ``schedule``: add missing ones, reschedule
        changed ones, leave unchanged ones (and their due runs) alone, remove dropped ones."""
        self.schedule = schedule
        wanted = triggers(schedule)
        self._descriptions = {job_id: text for job_id, (_t, text) in wanted.items()}
        for job in self._scheduler.get_jobs():
            if job.id not in wanted:
                job.remove()
        for job_id, (trigger, _text) in wanted.items():
            job = self._scheduler.get_job(job_id)
            if job is None:
                self._scheduler.add_job(
                    run_job, trigger, args=[job_id], id=job_id, name=JOB_NAMES[job_id]
                )
            elif str(job.trigger) != str(trigger):
                job.reschedule(trigger)
                log.info("job %s rescheduled: %s", job_id, self._descriptions[job_id])

    def shutdown(self) -> None:
        global _active  # noqa: PLW0603
        with self._lock:
            for live in self._live.values():
                live.cancel.set()
        if self._scheduler.running:
            # APScheduler 3 looks for due jobs once more after shutdown() and, its executor
            # gone, drops them (next_run_time moves on: a due run would be lost). Detached
            # from the job store first, it finds none; the jobs stay stored.
            self._scheduler.pause()
            self._scheduler.remove_jobstore("default", shutdown=True)
            self._scheduler.shutdown(wait=True)
        if _active is self:
            _active = None

    # ------------------------------------------------------------------ control
    def run_now(self, job_id: str) -> None:
        """Run ``job_id`` as soon as a pass of it that is running has finished."""
        if job_id not in JOB_NAMES:
            raise KeyError(f"unknown job {job_id!r} (known: {', '.join(JOB_NAMES)})")
        job = self._scheduler.get_job(job_id)
        if job is None:
            self._scheduler.add_job(run_job, args=[job_id], id=f"{job_id}:now")
        else:
            job.modify(next_run_time=datetime.now().astimezone())

    def cancel(self, job_id: str) -> None:
        with self._lock:
            live = self._live.get(job_id)
        if live is not None:
            live.cancel.set()

    def states(self) -> list[JobState]:
        with self.collector._sf() as session:
            runs = latest_runs_by_task(session)
        params = schedule_params(self.schedule)
        out = []
        for job_id, name in JOB_NAMES.items():
            job = self._scheduler.get_job(job_id)
            if job is None and job_id not in self._descriptions:
                continue
            with self._lock:
                live = self._live.get(job_id)
            run = runs.get(_TASKS[job_id])
            out.append(
                JobState(
                    job_id,
                    name,
                    self._descriptions.get(job_id, ""),
                    job.next_run_time.replace(tzinfo=None) if job and job.next_run_time else None,
                    run.started_at if run else None,
                    _describe(run),
                    live is not None,
                    live.done if live else 0,
                    live.total if live else 0,
                    params.get(job_id, {}),
                    run.status if run else None,
                    run.meters_ok if run else 0,
                    run.meters_failed if run else 0,
                    (run.finished_at - run.started_at).total_seconds()
                    if run and run.finished_at
                    else 0.0,
                )
            )
        return out

    # ------------------------------------------------------------------ running (job threads)
    def execute(self, job_id: str) -> PassSummary | None:
        live = _Live(threading.Event())
        with self._lock:
            if job_id in self._live:
                log.info("job %s is already running; this run is skipped", job_id)
                return None
            self._live[job_id] = live

        def progress(done: int, total: int) -> None:
            live.done, live.total = done, total

        collector = self.collector
        try:
            if job_id == "daily_freeze":
                summary = collector.collect_freezes(cancel=live.cancel, progress=progress)
            elif job_id == "curves":
                summary = collector.collect_curves(cancel=live.cancel, progress=progress)
            elif job_id == "events":
                summary = collector.poll_events(cancel=live.cancel, progress=progress)
            elif job_id == "clock":
                summary = collector.check_clocks(cancel=live.cancel, progress=progress)
            else:
                raise KeyError(job_id)
        except Exception:
            log.exception("job %s failed", job_id)
            return None
        finally:
            with self._lock:
                self._live.pop(job_id, None)
        if self.on_finished is not None:
            self.on_finished(job_id, summary)
        return summary


def _describe(run: RunRow | None) -> str | None:
    if run is None:
        return None
    if run.finished_at is None:
        return f"running since {run.started_at:%H:%M:%S}"
    seconds = (run.finished_at - run.started_at).total_seconds()
    text = f"{run.status}: {run.meters_ok:,} ok, {run.meters_failed:,} failed in {seconds:.0f} s"
    return text + (f" ({run.error})" if run.error else "")
