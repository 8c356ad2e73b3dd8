"""Bulk, idempotent ingest of collected readings.

Every function upserts: storing the same rows twice leaves the same table. Each call runs inside
the caller's transaction, so a batch is all-or-nothing. Works on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import DailyFreeze, IntervalReading, Meter, RegisterReading


@dataclass(frozen=True, slots=True)
class FreezeRow:
    meter_id: int
    day: date
    forward_active_wh: int
    collected_at: datetime


@dataclass(frozen=True, slots=True)
class RegisterRow:
    meter_id: int
    day: date
    forward_active_wh: int
    read_at: datetime


@dataclass(frozen=True, slots=True)
class IntervalRow:
    meter_id: int
    slot_start: datetime
    active_power_w: int
    forward_active_wh: int | None
    read_at: datetime


@dataclass(frozen=True, slots=True)
class MeterReadState:
    meter_id: int
    read_at: datetime
    ok: bool
    error: str | None


def _upsert(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    *,
    newer_column: str | None = None,
) -> int:
    """INSERT ... ON CONFLICT (keys) DO UPDATE; with ``newer_column`` an existing row is only
    replaced by one at least as new (late-arriving older reads never overwrite newer ones)."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        stmt = sqlite.insert(table)
    elif dialect == "postgresql":
        stmt = postgresql.insert(table)  # type: ignore[assignment]
    else:  # pragma: no cover - we support exactly these two
        raise NotImplementedError(f"upsert is not implemented for {dialect}")
    updates = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    where = None
    if newer_column is not None:
        where = stmt.excluded[newer_column] >= table.c[newer_column]
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=updates, where=where)
    session.execute(stmt, list(rows))
    return len(rows)


def _dicts(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows as parameter dicts (not ``asdict``, which deep-copies every value)."""
    out: list[dict[str, Any]] = []
    names: tuple[str, ...] = ()
    for row in rows:
        if not names:
            names = tuple(f.name for f in fields(row))
        out.append({name: getattr(row, name) for name in names})
    return out


def upsert_daily_freezes(session: Session, rows: Sequence[FreezeRow]) -> int:
    table = DailyFreeze.__table__
    return _upsert(session, table, _dicts(rows), ("meter_id", "day"))  # type: ignore[arg-type]


def upsert_register_readings(session: Session, rows: Sequence[RegisterRow]) -> int:
    table = RegisterReading.__table__
    return _upsert(session, table, _dicts(rows), ("meter_id", "day"), newer_column="read_at")  # type: ignore[arg-type]


def upsert_interval_readings(session: Session, rows: Sequence[IntervalRow]) -> int:
    table = IntervalReading.__table__
    return _upsert(session, table, _dicts(rows), ("meter_id", "slot_start"), newer_column="read_at")  # type: ignore[arg-type]


def update_meter_states(session: Session, rows: Sequence[MeterReadState]) -> int:
    """Record each meter's latest read attempt (time, success, error)."""
    if not rows:
        return 0
    # Declarative models type ``__table__`` as FromClause; a mapped class's is always a Table.
    table = cast(Table, Meter.__table__)
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
    return len(rows)
