"""What to read and how runs went: the collection job's queries and run records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CollectionRun, DailyFreeze, Meter, MeterStatus, RunStatus


@dataclass(frozen=True, slots=True)
class ReadTarget:
    meter_id: int
    comm_address: str
    protocol: str
    link_url: str
    role: str
    ct_ratio: int
    has_freeze: bool  # the freeze for the planning day is already stored


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    meters_planned: int
    meters_ok: int
    meters_failed: int
    error: str | None


def read_targets(session: Session, day: date) -> list[ReadTarget]:
    """Every active meter, grouped by link (summary meters first on each link)."""
    frozen = select(DailyFreeze.meter_id).where(DailyFreeze.day == day).subquery()
    rows = session.execute(
        select(
            Meter.id,
            Meter.comm_address,
            Meter.protocol,
            Meter.link_url,
            Meter.role,
            Meter.ct_ratio,
            frozen.c.meter_id.is_not(None),
        )
        .outerjoin(frozen, frozen.c.meter_id == Meter.id)
        .where(Meter.status == MeterStatus.ACTIVE.value)
        .order_by(Meter.link_url, Meter.role.desc(), Meter.id)
    )
    return [ReadTarget(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in rows]


def start_run(session: Session, trigger: str, started_at: datetime, planned: int) -> int:
    run = CollectionRun(
        trigger=trigger,
        started_at=started_at,
        status=RunStatus.RUNNING.value,
        meters_planned=planned,
        meters_ok=0,
        meters_failed=0,
    )
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    *,
    finished_at: datetime,
    status: RunStatus,
    meters_ok: int,
    meters_failed: int,
    error: str | None = None,
) -> None:
    run = session.get_one(CollectionRun, run_id)
    run.finished_at = finished_at
    run.status = status.value
    run.meters_ok = meters_ok
    run.meters_failed = meters_failed
    run.error = error


def _row(run: CollectionRun) -> RunRow:
    return RunRow(
        run.id,
        run.trigger,
        run.started_at,
        run.finished_at,
        run.status,
        run.meters_planned,
        run.meters_ok,
        run.meters_failed,
        run.error,
    )


def latest_run(session: Session, *, finished_only: bool = False) -> RunRow | None:
    q = select(CollectionRun).order_by(CollectionRun.started_at.desc(), CollectionRun.id.desc())
    if finished_only:
        q = q.where(CollectionRun.status != RunStatus.RUNNING.value)
    run = session.scalars(q.limit(1)).first()
    return _row(run) if run else None


def abandon_running(session: Session, now: datetime) -> int:
    """Mark runs left 'running' by a killed process as failed; returns how many."""
    runs = session.scalars(
        select(CollectionRun).where(CollectionRun.status == RunStatus.RUNNING.value)
    )
    count = 0
    for run in runs:
        run.status = RunStatus.FAILED.value
        run.finished_at = now
        run.error = "the program stopped before this run finished"
        count += 1
    return count
