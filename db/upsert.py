"""Bulk INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL, the one write path of ingest
and rollups.

On SQLite the statement goes straight to the driver's ``executemany`` with dates and times
converted once per distinct value into the text SQLAlchemy itself stores (a per-row trip through
SQLAlchemy's parameter processing costs more than the insert); PostgreSQL goes through
SQLAlchemy's ``insert().on_conflict_do_update`` and psycopg's batched execution. Either way it
runs inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Date, DateTime, Table, exc
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from db.errors import IngestError

Converter = Callable[[Any], Any]


def table_of(model: type) -> Table:
    """A mapped class's table (declarative typing says FromClause; a mapped class's is a Table)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def _sqlite_datetime(value: datetime) -> str:
    # SQLAlchemy's SQLite DateTime storage format: rows written here compare and read back
    # exactly like rows written through the ORM.
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
    )


def _sqlite_date(value: date) -> str:
    return value.isoformat()


def _sqlite_converters(table: Table, columns: Sequence[str]) -> list[Converter | None]:
    out: list[Converter | None] = []
    for name in columns:
        col_type = table.c[name].type
        if isinstance(col_type, DateTime):
            out.append(_sqlite_datetime)
        elif isinstance(col_type, Date):
            out.append(_sqlite_date)
        else:
            out.append(None)
    return out


def _sqlite_sql(
    table: Table, columns: Sequence[str], keys: Sequence[str], newer_column: str | None
) -> str:
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    updates = [c for c in columns if c not in keys]
    conflict = ", ".join(keys)
    if not updates:
        return (
            f"INSERT INTO {table.name} ({names}) VALUES ({marks}) "
            f"ON CONFLICT ({conflict}) DO NOTHING"
        )
    sets = ", ".join(f"{c} = excluded.{c}" for c in updates)
    sql = (
        f"INSERT INTO {table.name} ({names}) VALUES ({marks}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}"
    )
    if newer_column is not None:
        sql += f" WHERE excluded.{newer_column} >= {table.name}.{newer_column}"
    return sql


def upsert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    keys: Sequence[str],
    *,
    newer_column: str | None = None,
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) or update the row with the same ``keys``.

    With ``newer_column`` an existing row is only replaced by one at least as new, so a late
    re-read of old data never overwrites a newer read. Returns the number of rows given."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return _upsert_sqlite(connection, table, columns, rows, keys, newer_column=newer_column)
    if dialect == "postgresql":
        return _upsert_postgresql(connection, table, columns, rows, keys, newer_column=newer_column)
    raise NotImplementedError(f"upsert is not implemented for {dialect}")  # pragma: no cover


def _upsert_sqlite(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    keys: Sequence[str],
    *,
    newer_column: str | None,
) -> int:
    prepared = rows if isinstance(rows, list) else list(rows)
    if not prepared:
        return 0
    pairs = [(i, c) for i, c in enumerate(_sqlite_converters(table, columns)) if c is not None]
    if pairs:
        # Column-wise, in C loops: each distinct date or time is formatted once (a day's
        # curves share 96 slot times), then mapped over its column and the rows rebuilt.
        by_column: list[Sequence[Any]] = list(zip(*prepared, strict=True))
        for i, convert in pairs:
            text_of = {v: None if v is None else convert(v) for v in set(by_column[i])}
            by_column[i] = list(map(text_of.__getitem__, by_column[i]))
        prepared = list(zip(*by_column, strict=True))
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None  # an open session connection always has one
    cursor = dbapi.cursor()
    try:
        cursor.executemany(_sqlite_sql(table, columns, keys, newer_column), prepared)
    except sqlite3.DatabaseError as err:
        raise IngestError(f"storing {len(prepared)} rows into {table.name} failed: {err}") from err
    finally:
        cursor.close()
    return len(prepared)


def _upsert_postgresql(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    keys: Sequence[str],
    *,
    newer_column: str | None,
) -> int:
    params = [dict(zip(columns, row, strict=True)) for row in rows]
    if not params:
        return 0
    stmt = postgresql.insert(table)
    updates = {c: stmt.excluded[c] for c in columns if c not in keys}
    if updates:
        where = None
        if newer_column is not None:
            where = stmt.excluded[newer_column] >= table.c[newer_column]
        final = stmt.on_conflict_do_update(index_elements=list(keys), set_=updates, where=where)
    else:
        final = stmt.on_conflict_do_nothing(index_elements=list(keys))
    try:
        connection.execute(final, params)
    except (exc.IntegrityError, exc.DataError) as err:
        raise IngestError(
            f"storing {len(params)} rows into {table.name} failed: {err.orig}"
        ) from err
    return len(params)
