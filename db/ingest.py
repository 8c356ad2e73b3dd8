"""Bulk, idempotent ingest of collected data, and the rollups it keeps current.

Every function upserts: storing the same rows twice leaves the same tables. Each call runs inside
the caller's transaction, so a batch is all-or-nothing; the rollups of the keys a batch touched
are refreshed in the same transaction (``db.rollups``). Works on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import bindparam, text, update
from sqlalchemy.orm import Session

from db import changes, rollups
from db.models import (
    CollectionAttempt,
    DailyFreeze,
    IntervalReading,
    Meter,
    MeterEvent,
    RegisterReading,
)
from db.upsert import table_of, upsert_rows


class FreezeRow(NamedTuple):
    """A daily freeze (primary Wh); tariff and reverse registers where the meter keeps them."""

    meter_id: int
    day: date
    forward_active_wh: int
    collected_at: datetime
    forward_sharp_wh: int | None = None
    forward_peak_wh: int | None = None
    forward_flat_wh: int | None = None
    forward_valley_wh: int | None = None
    reverse_active_wh: int | None = None


class RegisterRow(NamedTuple):
    meter_id: int
    day: date
    forward_active_wh: int
    read_at: datetime


class IntervalRow(NamedTuple):
    """A quarter-hour curve point: W, 0.1 V, mA and thousandths, per phase where known."""

    meter_id: int
    slot_start: datetime
    active_power_w: int
    forward_active_wh: int | None
    read_at: datetime
    voltage_a_dv: int | None = None
    voltage_b_dv: int | None = None
    voltage_c_dv: int | None = None
    current_a_ma: int | None = None
    current_b_ma: int | None = None
    current_c_ma: int | None = None
    power_factor_milli: int | None = None


class EventRow(NamedTuple):
    meter_id: int
    kind: str  # db.models.EventKind
    started_at: datetime
    ended_at: datetime | None
    detail: str | None
    collected_at: datetime


class AttemptRow(NamedTuple):
    link_url: str
    target_address: str
    task: str  # db.models.CollectionTask
    started_at: datetime
    duration_ms: int
    result: str  # db.models.AttemptResult
    error: str | None
    meter_id: int | None = None
    concentrator_id: int | None = None
    run_id: int | None = None
    clock_drift_s: int | None = None  # the clock check's finding (terminal minus console)


class MeterReadState(NamedTuple):
    meter_id: int
    read_at: datetime
    ok: bool
    error: str | None


def upsert_daily_freezes(
    session: Session, rows: Sequence[FreezeRow], *, refresh: bool = True
) -> int:
    """Store freezes (a re-read replaces the row) and refresh the rollups of D−1 and D.

    A bulk load may pass ``refresh=False`` and call ``db.rollups.rebuild`` for its days once
    at the end, in the same transaction."""
    count = upsert_rows(
        session, table_of(DailyFreeze), FreezeRow._fields, rows, ("meter_id", "day")
    )
    if count:
        changes.record(session, changes.freezes((r.day for r in rows), (r.meter_id for r in rows)))
    if count and refresh:
        rollups.refresh_after_freezes(session, {(r.meter_id, r.day) for r in rows})
    return count


def upsert_register_readings(session: Session, rows: Sequence[RegisterRow]) -> int:
    """Keep the newest register reading of each meter and day (an older re-read is ignored)."""
    count = upsert_rows(
        session,
        table_of(RegisterReading),
        RegisterRow._fields,
        rows,
        ("meter_id", "day"),
        newer_column="read_at",
    )
    if count:
        days = tuple(sorted({r.day for r in rows}))
        changes.record(session, changes.RegistersStored(days, len(rows)))
    return count


# A batch is a county's quarter hours: C loops over it, not a generator step per point.
_SLOT_START, _METER_ID = attrgetter("slot_start"), attrgetter("meter_id")


def upsert_interval_readings(
    session: Session, rows: Sequence[IntervalRow], *, refresh: bool = True
) -> int:
    """Store curve points (newest read wins) and refresh the load rollups of their slots
    (``refresh=False``: see ``upsert_daily_freezes``). Points for slots that held none yet,
    the usual case of collection and bulk loads, update the rollups from the batch alone."""
    appended = refresh and rollups.curve_slots_are_new(session, map(_SLOT_START, rows))
    count = upsert_rows(
        session,
        table_of(IntervalReading),
        IntervalRow._fields,
        rows,
        ("meter_id", "slot_start"),
        newer_column="read_at",
    )
    if count:
        changes.record(session, changes.curves(map(_SLOT_START, rows), map(_METER_ID, rows)))
    if count and appended:
        rollups.merge_appended_curves(session, rows)
    elif count and refresh:
        rollups.refresh_after_curves(session, {(r.meter_id, r.slot_start) for r in rows})
    return count


def upsert_meter_events(session: Session, rows: Sequence[EventRow]) -> int:
    """Store event records; a re-read of an event that has since ended fills in its end."""
    count = upsert_rows(
        session,
        table_of(MeterEvent),
        EventRow._fields,
        rows,
        ("meter_id", "kind", "started_at"),
        newer_column="collected_at",
    )
    if count:
        changes.record(
            session, changes.meter_events((r.meter_id, r.kind, r.started_at) for r in rows)
        )
    return count


def record_attempts(session: Session, rows: Sequence[AttemptRow]) -> int:
    """Store collection attempts; the same attempt stored twice stays one row."""
    count = upsert_rows(
        session,
        table_of(CollectionAttempt),
        AttemptRow._fields,
        rows,
        ("link_url", "target_address", "task", "started_at"),
    )
    if count:
        ok = sum(1 for r in rows if r.result == "ok")
        concentrators = {r.concentrator_id for r in rows if r.concentrator_id is not None}
        changes.record(
            session,
            changes.AttemptsStored(
                tuple(sorted({r.task for r in rows})),
                ok,
                len(rows) - ok,
                tuple(sorted(concentrators)) if len(concentrators) <= changes.ID_LIST_MAX else None,
            ),
        )
    return count


def update_meter_states(session: Session, rows: Sequence[MeterReadState]) -> int:
    """Record each meter's latest read attempt (time, success, error)."""
    if not rows:
        return 0
    table = table_of(Meter)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            last_read_at=bindparam("b_read_at"),
            last_read_ok=bindparam("b_ok"),
            last_error=bindparam("b_error"),
        )
    )
    params = [
        {"b_id": r.meter_id, "b_read_at": r.read_at, "b_ok": r.ok, "b_error": r.error} for r in rows
    ]
    session.connection().execute(stmt, params)
    ok = sum(1 for r in rows if r.ok)
    changes.record(session, changes.AttemptsStored(("register",), ok, len(rows) - ok, None))
    return len(rows)


_NUMBER_NEW_POINTS = text(
    """
    UPDATE meter SET point_no = numbered.pn
    FROM (
        SELECT m.id,
               COALESCE((SELECT MAX(x.point_no) FROM meter x
                         WHERE x.concentrator_id = m.concentrator_id), 0)
               + ROW_NUMBER() OVER (
                   PARTITION BY m.concentrator_id
                   ORDER BY CASE WHEN m.role = 'summary' THEN 0 ELSE 1 END, m.id
               ) AS pn
        FROM meter m
        WHERE m.concentrator_id IS NOT NULL AND m.point_no IS NULL
    ) AS numbered
    WHERE meter.id = numbered.id
    """
)


def number_points(session: Session) -> int:
    """Give every meter behind a concentrator that has no measurement point number (Pn) the
    next free ones of its concentrator (the summary meter first, then by id)."""
    return session.execute(_NUMBER_NEW_POINTS).rowcount or 0  # type: ignore[attr-defined]
