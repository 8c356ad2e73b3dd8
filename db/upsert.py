"""Bulk INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL, the one write path of ingest
and rollups.

On SQLite the statement goes straight to the driver's ``executemany`` with dates and times
converted once per distinct value into the text SQLAlchemy itself stores (a per-row trip through
SQLAlchemy's parameter processing costs more than the insert), the rows in key order and
streamed from their columns (``_in_key_order``, ``_sqlite_parameters``); PostgreSQL goes through
SQLAlchemy's ``insert().on_conflict_do_update`` and psycopg's batched execution. Either way it
runs inside the caller's transaction.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Date, DateTime, Table, exc
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from db.errors import IngestError

Converter = Callable[[Any], Any]

ONE_NUMBER_BELOW = 2**62  # key ranks whose product stays below fit one int64 per row


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
    given = rows if isinstance(rows, Sequence) else list(rows)
    if not given:
        return 0
    widths = set(map(len, given))
    if widths != {len(columns)}:
        raise IngestError(
            f"storing {len(given)} rows into {table.name} failed: rows of "
            f"{' or '.join(map(str, sorted(widths)))} values given for its {len(columns)} "
            f"columns {', '.join(columns)}"
        )
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return _upsert_sqlite(connection, table, columns, given, keys, newer_column=newer_column)
    if dialect == "postgresql":
        return _upsert_postgresql(
            connection, table, columns, given, keys, newer_column=newer_column
        )
    raise NotImplementedError(f"upsert is not implemented for {dialect}")  # pragma: no cover


def _upsert_sqlite(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    keys: Sequence[str],
    *,
    newer_column: str | None,
) -> int:
    prepared = _in_key_order(rows, [columns.index(k) for k in keys])
    # The driver's own connection: its executemany takes any iterable of rows.
    driver = cast(sqlite3.Connection, connection.connection.driver_connection)
    cursor = driver.cursor()
    try:
        cursor.executemany(
            _sqlite_sql(table, columns, keys, newer_column),
            _sqlite_parameters(_sqlite_converters(table, columns), prepared),
        )
    except sqlite3.DatabaseError as err:
        raise IngestError(f"storing {len(prepared)} rows into {table.name} failed: {err}") from err
    finally:
        cursor.close()
    return len(prepared)


def _in_key_order(rows: Sequence[Sequence[Any]], key_at: Sequence[int]) -> Sequence[Sequence[Any]]:
    """``rows`` sorted by their conflict key, stably (of rows with the same key the last still
    wins). A batch in key order fills each leaf of the key's index in one visit, where the
    order of arrival (a county's meters slot after slot) touches a leaf per meter and slot and
    spills the page cache: a third of the insert's time. Keys that do not compare (a NULL in
    a unique constraint's column) leave the rows in the order given."""
    if len(rows) < 2 or not key_at:
        return rows
    # Each key column as the rank of its value among the column's distinct values.
    codes: list[npt.NDArray[np.int64]] = []
    distinct: list[int] = []
    for i in key_at:
        column = list(map(itemgetter(i), rows))
        try:
            rank = {v: k for k, v in enumerate(sorted(set(column)))}
        except TypeError:
            return rows
        codes.append(np.fromiter(map(rank.__getitem__, column), np.int64, len(rows)))
        distinct.append(len(rank))
    if math.prod(distinct) < ONE_NUMBER_BELOW:  # one number per key: a single argsort
        combined = codes[0]
        for code, count in zip(codes[1:], distinct[1:], strict=True):
            combined = combined * count + code
        order = np.argsort(combined, kind="stable")
    else:
        order = np.lexsort(codes[::-1])  # lexsort sorts by its last array first
    if (order[1:] > order[:-1]).all():
        return rows
    return list(map(rows.__getitem__, order.tolist()))


def _sqlite_parameters(
    converters: Sequence[Converter | None], rows: Sequence[Sequence[Any]]
) -> Iterable[Sequence[Any]]:
    """The rows with their dates and times as text, streamed: each distinct value is formatted
    once (a day's curves share 96 slot times) and mapped over its column in C loops, and the
    rows are zipped from the columns as the driver steps through them. Nothing per row
    outlives its step (zip hands the driver one reused tuple), so a large batch allocates no
    objects for the garbage collector to count, and no full collection walks the caller's
    heap in the middle of an ingest."""
    if all(convert is None for convert in converters):
        return rows
    streams: list[Iterable[Any]] = []
    for i, convert in enumerate(converters):
        values: Iterable[Any] = map(itemgetter(i), rows)
        if convert is not None:
            text_of = {v: None if v is None else convert(v) for v in set(map(itemgetter(i), rows))}
            values = map(text_of.__getitem__, values)
        streams.append(values)
    return zip(*streams, strict=True)


def _upsert_postgresql(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    keys: Sequence[str],
    *,
    newer_column: str | None,
) -> int:
    params = [dict(zip(columns, row, strict=True)) for row in rows]
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
