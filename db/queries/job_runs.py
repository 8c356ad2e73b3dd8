"""The record of scheduled job runs (table ``job_run``): started, finished, the newest per job."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import JobRun, RunStatus

ABANDONED = "the program stopped before this run finished"


@dataclass(frozen=True, slots=True)
class JobRunRow:
    job_id: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    planned: int
    ok: int
    failed: int
    message: str | None


def start(session: Session, job_id: str, trigger: str, started_at: datetime) -> int:
    run = JobRun(
        job_id=job_id,
        trigger=trigger,
        started_at=started_at,
        status=RunStatus.RUNNING.value,
        planned=0,
        ok=0,
        failed=0,
    )
    session.add(run)
    session.flush()
    return run.id


def finish(
    session: Session,
    run_id: int,
    *,
    finished_at: datetime,
    status: RunStatus,
    planned: int,
    ok: int,
    failed: int,
    message: str,
) -> None:
    run = session.get_one(JobRun, run_id)
    run.finished_at = finished_at
    run.status = status.value
    run.planned, run.ok, run.failed = planned, ok, failed
    run.message = message or None


def abandon_running(session: Session, now: datetime) -> int:
    """Mark runs a killed process left 'running' as failed; returns how many."""
    result = session.execute(
        update(JobRun)
        .where(JobRun.status == RunStatus.RUNNING.value)
        .values(status=RunStatus.FAILED.value, finished_at=now, message=ABANDONED)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def latest(session: Session, job_ids: Sequence[str]) -> dict[str, JobRunRow]:
    """The newest run of each of ``job_ids`` that has one."""
    if not job_ids:
        return {}
    newest = (
        select(JobRun.job_id, func.max(JobRun.id).label("id"))
        .where(JobRun.job_id.in_(job_ids))
        .group_by(JobRun.job_id)
        .subquery()
    )
    rows = session.scalars(select(JobRun).join(newest, newest.c.id == JobRun.id))
    return {
        r.job_id: JobRunRow(
            r.job_id,
            r.trigger,
            r.started_at,
            r.finished_at,
            r.status,
            r.planned,
            r.ok,
            r.failed,
            r.message,
        )
        for r in rows
    }
