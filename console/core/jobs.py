"""The one job host: every scheduled job of the service process (collection passes, backups,
rule evaluations) on one APScheduler 3 scheduler, kept in the database, listed in one place.

Features register ``JobSpec``s; the host owns the scheduler, the job store (table
``scheduled_job``: a restart neither loses a due run nor adds a second copy; ``max_instances=1``
and coalescing mean a slow run is never overlapped or stacked), each run's record (table
``job_run``) and the events that tell windows about it (``JobStarted``, ``JobProgress``,
``JobFinished``). At start the stored jobs are compared with the registered ones and only
changed ones are rescheduled, so a restart does not push a due run to tomorrow.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.core import audit_trail
from console.core.bus import EventBus
from console.core.clock import Clock
from console.core.permissions import authorize
from console.core.roles import Permission
from db.models import RunStatus
from db.queries import job_runs

log = logging.getLogger(__name__)

JOB_TABLE = "scheduled_job"
PROGRESS_EVERY_S = 0.5  # JobProgress events at most this often per job
WORKERS = 6

_active: JobHost | None = None


def run_job(job_id: str) -> None:
    """The job store's entry point (jobs are stored by reference to a module function)."""
    host = _active
    if host is None:
        log.warning("job %s fired with no job host running", job_id)
        return
    host.execute(job_id)


# ---------------------------------------------------------------------------- what a job is
@dataclass(frozen=True, slots=True)
class Outcome:
    """How one run ended; ``message`` is for the log and the tooltip (an error, a path)."""

    status: RunStatus = RunStatus.FINISHED
    planned: int = 0
    ok: int = 0
    failed: int = 0
    message: str = ""


class JobRun:
    """Handed to a job's function: why it runs, whether to stop, where to report progress."""

    def __init__(self, host: JobHost, job_id: str, trigger: str) -> None:
        self.job_id = job_id
        self.trigger = trigger
        self.cancel = threading.Event()
        self.done = 0
        self.total = 0
        self._host = host
        self._reported = 0.0

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if now - self._reported >= PROGRESS_EVERY_S or done >= total:
            self._reported = now
            self._host.bus.publish(JobProgress(self.job_id, done, total))


JobFunction = Callable[[JobRun], Outcome | None]


@dataclass(frozen=True)
class JobSpec:
    """A job a feature registers. ``name`` and ``schedule`` are English (logs); the UI words
    them from ``id`` and ``params``. ``run_at_start(now)``: run once at once when the host
    starts (a workstation switched on after the job was due)."""

    id: str
    feature: str
    name: str
    trigger: BaseTrigger
    run: JobFunction
    schedule: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    misfire_grace_s: int = 3600
    run_at_start: Callable[[datetime], bool] | None = None


@dataclass(frozen=True, slots=True)
class LastRun:
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    planned: int
    ok: int
    failed: int
    message: str


@dataclass(frozen=True, slots=True)
class JobState:
    id: str
    feature: str
    name: str
    schedule: str
    params: dict[str, str]
    next_run_at: datetime | None
    running: bool
    done: int
    total: int
    last: LastRun | None


@dataclass(frozen=True, slots=True)
class JobStarted:
    job_id: str
    trigger: str


@dataclass(frozen=True, slots=True)
class JobProgress:
    job_id: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class JobFinished:
    job_id: str
    last: LastRun


@dataclass(frozen=True, slots=True)
class JobsChanged:
    """Jobs were added, removed or rescheduled."""

    job_ids: tuple[str, ...]


# ---------------------------------------------------------------------------- the host
class JobHost:
    """One scheduler for the whole service process. ``persist=False`` keeps the jobs in
    memory (tests; a read-only database)."""

    def __init__(
        self,
        engine: Engine,
        session_factory: sessionmaker[Session],
        bus: EventBus,
        clock: Clock,
        *,
        persist: bool = True,
    ) -> None:
        self.bus = bus
        self._sf = session_factory
        self._clock = clock
        store = (
            SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE) if persist else MemoryJobStore()
        )
        self._scheduler = BackgroundScheduler(
            jobstores={"default": store},
            executors={"default": ThreadPoolExecutor(max_workers=WORKERS)},
            job_defaults={"coalesce": True, "max_instances": 1},
        )
        self._specs: dict[str, JobSpec] = {}
        self._live: dict[str, JobRun] = {}
        self._triggers: dict[str, str] = {}  # why the next run of a job runs (run_now)
        self._again: dict[str, str] = {}  # asked for while a run was in progress
        self._lock = threading.Lock()
        self._stopping = False  # set under _lock: no run is asked of the scheduler any more
        self.started = False

    # ------------------------------------------------------------------ registration
    def add(self, spec: JobSpec) -> None:
        """Register ``spec`` (before or after ``start``); a job of the same id is replaced, and
        rescheduled only if its trigger changed."""
        with self._lock:
            self._specs[spec.id] = spec
        if self.started:
            self._apply(spec)
            self.bus.publish(JobsChanged((spec.id,)))

    def remove(self, job_id: str) -> None:
        with self._lock:
            self._specs.pop(job_id, None)
        if self.started and self._scheduler.get_job(job_id) is not None:
            self._scheduler.remove_job(job_id)
            self.bus.publish(JobsChanged((job_id,)))

    def _apply(self, spec: JobSpec) -> None:
        job = self._scheduler.get_job(spec.id)
        if job is None:
            self._scheduler.add_job(
                run_job,
                spec.trigger,
                args=[spec.id],
                id=spec.id,
                name=spec.name,
                misfire_grace_time=spec.misfire_grace_s,
            )
        elif str(job.trigger) != str(spec.trigger):
            job.reschedule(spec.trigger)
            log.info("job %s rescheduled: %s", spec.id, spec.schedule)

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        global _active  # noqa: PLW0603  (the job store calls a module function)
        if _active is not None and _active is not self:
            raise RuntimeError("a job host is already running in this process")
        _active = self
        with self._lock:
            self._stopping = False
        with self._sf.begin() as session:
            abandoned = job_runs.abandon_running(session, self._clock.now())
        if abandoned:
            log.warning("%d job run(s) were left unfinished by the last session", abandoned)
        self._scheduler.start(paused=True)
        with self._lock:
            specs = list(self._specs.values())
        for job in self._scheduler.get_jobs():
            if job.id not in self._specs:
                job.remove()  # a job no feature registers any more
        for spec in specs:
            self._apply(spec)
        self._scheduler.resume()
        self.started = True
        now = self._clock.now()
        for spec in specs:
            if spec.run_at_start is not None and spec.run_at_start(now):
                self.run_now(spec.id, trigger="startup")
        log.info("job host: %d jobs (%s)", len(specs), ", ".join(s.id for s in specs))

    def shutdown(self) -> None:
        """Cancel running jobs, wait for them, keep the stored jobs (and their due runs)."""
        global _active  # noqa: PLW0603
        with self._lock:
            # A run ending now must not ask the scheduler for another (run_now holds this
            # lock while it does): the scheduler's shutdown holds its job-store lock while it
            # waits for that very run, so the two would wait for each other.
            self._stopping = True
            self._again.clear()
            for live in self._live.values():
                live.cancel.set()
        if self._scheduler.running:
            # APScheduler 3 looks for due jobs once more after shutdown() and, its executor
            # gone, drops them (next_run_time moves on: a due run would be lost). Detached
            # from the job store first, it finds none; the jobs stay stored.
            self._scheduler.pause()
            self._scheduler.remove_jobstore("default", shutdown=True)
            self._scheduler.shutdown(wait=True)
        self.started = False
        if _active is self:
            _active = None

    # ------------------------------------------------------------------ control
    def run_now(self, job_id: str, *, trigger: str = "manual") -> None:
        """Run ``job_id`` now, or, if a run of it is in progress, once more when it ends."""
        if job_id not in self._specs:
            raise KeyError(f"unknown job {job_id!r} (known: {', '.join(self._specs)})")
        with self._lock:
            if self._stopping:
                log.info("job %s not run: the job host is stopping", job_id)
                return
            if job_id in self._live:
                self._again[job_id] = trigger
                return
            self._triggers[job_id] = trigger
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

    def next_run_at(self, job_id: str) -> datetime | None:
        job = self._scheduler.get_job(job_id) if self._scheduler.running else None
        if job is None or job.next_run_time is None:
            return None
        at: datetime = job.next_run_time
        return at.astimezone().replace(tzinfo=None)

    def states(self, feature: str | None = None) -> list[JobState]:
        with self._lock:
            specs = [s for s in self._specs.values() if feature in (None, s.feature)]
            live = dict(self._live)
        with self._sf() as session:
            last = job_runs.latest(session, [s.id for s in specs])
        return [
            JobState(
                spec.id,
                spec.feature,
                spec.name,
                spec.schedule,
                dict(spec.params),
                self.next_run_at(spec.id),
                spec.id in live,
                live[spec.id].done if spec.id in live else 0,
                live[spec.id].total if spec.id in live else 0,
                _last(last.get(spec.id)),
            )
            for spec in specs
        ]

    # ------------------------------------------------------------------ running (pool threads)
    def execute(self, job_id: str) -> Outcome | None:
        spec = self._specs.get(job_id)
        if spec is None:
            log.warning("job %s fired but no feature registers it any more", job_id)
            return None
        run = JobRun(self, job_id, self._triggers.pop(job_id, "scheduled"))
        with self._lock:
            if self._stopping:  # fired just before the shutdown: it would not be cancelled
                log.info("job %s not run: the job host is stopping", job_id)
                return None
            if job_id in self._live:
                log.info("job %s is already running; this run is skipped", job_id)
                return None
            self._live[job_id] = run
        started = self._clock.now()
        with self._sf.begin() as session:
            run_id = job_runs.start(session, job_id, run.trigger, started)
        self.bus.publish(JobStarted(job_id, run.trigger))
        try:
            outcome = spec.run(run) or Outcome()
        except Exception as err:
            log.exception("job %s failed", job_id)
            outcome = Outcome(RunStatus.FAILED, message=f"{type(err).__name__}: {err}")
        if run.cancel.is_set() and outcome.status is RunStatus.FINISHED:
            outcome = Outcome(
                RunStatus.CANCELLED, outcome.planned, outcome.ok, outcome.failed, outcome.message
            )
        finished = self._clock.now()
        try:
            with self._sf.begin() as session:
                job_runs.finish(
                    session,
                    run_id,
                    finished_at=finished,
                    status=outcome.status,
                    planned=outcome.planned,
                    ok=outcome.ok,
                    failed=outcome.failed,
                    message=outcome.message,
                )
        except Exception:
            log.exception("cannot record the end of job %s", job_id)
        finally:
            with self._lock:
                self._live.pop(job_id, None)
                again = self._again.pop(job_id, None)
        last = LastRun(
            run.trigger,
            started,
            finished,
            outcome.status.value,
            outcome.planned,
            outcome.ok,
            outcome.failed,
            outcome.message,
        )
        log.info(
            "job %s %s (%s): %d planned, %d ok, %d failed in %.1f s",
            job_id, outcome.status.value, run.trigger, outcome.planned, outcome.ok,
            outcome.failed, (finished - started).total_seconds(),
        )  # fmt: skip
        self.bus.publish(JobFinished(job_id, last))
        if again is not None and self.started:
            self.run_now(job_id, trigger=again)
        return outcome


def _last(row: job_runs.JobRunRow | None) -> LastRun | None:
    if row is None:
        return None
    return LastRun(
        row.trigger,
        row.started_at,
        row.finished_at,
        row.status,
        row.planned,
        row.ok,
        row.failed,
        row.message or "",
    )


# ---------------------------------------------------------------------------- what windows may do
class JobsApi(Protocol):
    """The jobs as windows see them (``infra.service("jobs", JobsApi)``)."""

    def states(self, feature: str | None = None) -> list[JobState]: ...

    def run_now(self, job_id: str) -> None: ...

    def cancel(self, job_id: str) -> None: ...


class JobCommands:
    """``JobsApi`` over the host; running a job now and cancelling a run are audited with the
    operator who asked."""

    def __init__(self, host: JobHost, session_factory: sessionmaker[Session], clock: Clock) -> None:
        self._host = host
        self._sf = session_factory
        self._clock = clock

    def states(self, feature: str | None = None) -> list[JobState]:
        return self._host.states(feature)

    def run_now(self, job_id: str) -> None:
        self._authorize(f"run the job {job_id}")
        self._host.run_now(job_id, trigger="manual")
        self._audit("job.run_now", job_id)

    def cancel(self, job_id: str) -> None:
        self._authorize(f"cancel the job {job_id}")
        states = {s.id: s for s in self._host.states()}
        if job_id not in states:
            raise KeyError(f"unknown job {job_id!r}")
        if states[job_id].running:
            self._host.cancel(job_id)
            self._audit("job.cancel", job_id)

    def _authorize(self, what: str) -> None:
        with self._sf() as session:
            authorize(session, Permission.RUN_JOBS, what)

    def _audit(self, action: str, job_id: str) -> None:
        with self._sf.begin() as session:
            audit_trail.record(
                session,
                action=action,
                object_kind="job",
                object_id=job_id,
                before=None,
                after=None,
                at=self._clock.now(),
            )
