"""What to read and how runs went: the collection job's queries and run records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from db import changes
from db.models import (
    CollectionRun,
    Concentrator,
    DailyFreeze,
    DeviceStatus,
    Meter,
    MeterRole,
    MeterStatus,
    RunStatus,
)
from db.upsert import table_of


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
    """Every active meter with a link of its own, grouped by link (summary meters first on
    each link); a meter without one is read through its concentrator only."""
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
        .where(Meter.status == MeterStatus.ACTIVE.value, Meter.link_url.is_not(None))
        .order_by(Meter.link_url, Meter.role.desc(), Meter.id)
    )
    # ``or ""`` only for the type: meters without a link are filtered out above.
    return [ReadTarget(r[0], r[1], r[2], r[3] or "", r[4], r[5], bool(r[6])) for r in rows]


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
    """The newest run of the direct (meter-by-meter) collection; the concentrator passes'
    runs (trigger ``task:trigger``) are ``latest_runs_by_task``'s."""
    q = (
        select(CollectionRun)
        .where(CollectionRun.trigger.not_like("%:%"))
        .order_by(CollectionRun.started_at.desc(), CollectionRun.id.desc())
    )
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


@dataclass(frozen=True, slots=True)
class PointTarget:
    """A meter as its concentrator knows it: measurement point ``pn``."""

    meter_id: int
    pn: int
    comm_address: str
    ct_ratio: int
    role: str


@dataclass(frozen=True, slots=True)
class ConcentratorTarget:
    id: int
    asset_no: str
    district_code: str
    terminal_address: int
    link_url: str | None  # None: it dials in to the front end
    points: tuple[PointTarget, ...]


def concentrator_targets(
    session: Session,
    *,
    missing_freeze_on: date | None = None,
    curve_meters: bool = False,
    concentrator_ids: Sequence[int] | None = None,
) -> list[ConcentratorTarget]:
    """Active concentrators and the active meters behind them (with a measurement point).

    ``missing_freeze_on``: only meters installed by that day without a stored freeze for it
    (what a daily-freeze pass still has to read); ``curve_meters``: only 台区 summary meters and
    CT-connected (large) customers, whose curves are kept."""
    q = (
        select(
            Concentrator.id,
            Concentrator.asset_no,
            Concentrator.district_code,
            Concentrator.terminal_address,
            Concentrator.link_url,
            Meter.id,
            Meter.point_no,
            Meter.comm_address,
            Meter.ct_ratio,
            Meter.role,
        )
        .join(Meter, Meter.concentrator_id == Concentrator.id)
        .where(
            Concentrator.status == DeviceStatus.ACTIVE.value,
            Meter.status == MeterStatus.ACTIVE.value,
            Meter.point_no.is_not(None),
        )
        .order_by(Concentrator.id, Meter.point_no)
    )
    if missing_freeze_on is not None:
        stored = select(DailyFreeze.meter_id).where(
            DailyFreeze.day == missing_freeze_on, DailyFreeze.meter_id == Meter.id
        )
        q = q.where(
            ~stored.exists(),
            or_(Meter.install_date.is_(None), Meter.install_date <= missing_freeze_on),
        )
    if curve_meters:
        q = q.where(or_(Meter.role == MeterRole.SUMMARY.value, Meter.ct_ratio > 1))
    if concentrator_ids is not None:
        q = q.where(Concentrator.id.in_(concentrator_ids))
    out: list[ConcentratorTarget] = []
    for cid, rows in groupby(session.execute(q), key=lambda r: r[0]):
        members = list(rows)
        first = members[0]
        out.append(
            ConcentratorTarget(
                cid,
                first[1],
                first[2],
                first[3],
                first[4],
                tuple(PointTarget(r[5], r[6] or 0, r[7], r[8], r[9]) for r in members),
            )
        )
    return out


def all_concentrators(session: Session) -> list[ConcentratorTarget]:
    """Every active concentrator, without its meters (clock checks, event polls)."""
    rows = session.execute(
        select(
            Concentrator.id,
            Concentrator.asset_no,
            Concentrator.district_code,
            Concentrator.terminal_address,
            Concentrator.link_url,
        )
        .where(Concentrator.status == DeviceStatus.ACTIVE.value)
        .order_by(Concentrator.id)
    )
    return [ConcentratorTarget(r[0], r[1], r[2], r[3], r[4], ()) for r in rows]


@dataclass(frozen=True, slots=True)
class LinkState:
    concentrator: tuple[str, int]  # (district code, terminal address)
    online: bool
    at: datetime | None  # the heartbeat (login) time; None keeps the last one (offline)
    remote: str | None


def update_concentrator_links(session: Session, states: Sequence[LinkState]) -> int:
    """Record concentrators' online state, last heartbeat and remote address (the newest of
    each in ``states`` wins)."""
    latest: dict[tuple[str, int], LinkState] = {}
    for s in states:  # the last state wins; the heartbeat and address before it stay if it has none
        before = latest.get(s.concentrator)
        latest[s.concentrator] = (
            s
            if before is None
            else LinkState(s.concentrator, s.online, s.at or before.at, s.remote or before.remote)
        )
    if not latest:
        return 0
    table = table_of(Concentrator)
    stmt = (
        update(table)
        .where(
            table.c.district_code == bindparam("b_district"),
            table.c.terminal_address == bindparam("b_terminal"),
        )
        .values(
            online=bindparam("b_online"),
            last_heartbeat_at=func.coalesce(bindparam("b_at"), table.c.last_heartbeat_at),
            remote_address=bindparam("b_remote"),
        )
    )
    session.connection().execute(
        stmt,
        [
            {
                "b_district": s.concentrator[0],
                "b_terminal": s.concentrator[1],
                "b_online": s.online,
                "b_at": s.at,
                "b_remote": s.remote,
            }
            for s in latest.values()
        ],
    )
    online = tuple(f"{d}-{t:05d}" for (d, t), s in latest.items() if s.online)
    offline = tuple(f"{d}-{t:05d}" for (d, t), s in latest.items() if not s.online)
    changes.record(session, changes.LinkStatesStored(online, offline, len(latest)))
    return len(latest)


def latest_runs_by_task(session: Session) -> dict[str, RunRow]:
    """The newest run of each concentrator task (runs whose trigger is ``task:trigger``)."""
    newest = (
        select(CollectionRun.id)
        .where(CollectionRun.trigger.like("%:%"))
        .order_by(CollectionRun.started_at.desc(), CollectionRun.id.desc())
        .limit(200)
    )
    out: dict[str, RunRow] = {}
    for run in session.scalars(select(CollectionRun).where(CollectionRun.id.in_(newest))):
        task = run.trigger.split(":", 1)[0]
        best = out.get(task)
        if best is None or (run.started_at, run.id) > (best.started_at, best.id):
            out[task] = _row(run)
    return out
