"""One import of one file: read and match the header, parse every row, check the rows against
the file and the database, then store all of them, or (``skip_invalid``) only the valid ones.

Everything runs in the caller's session and transaction: the caller commits, so a file is
stored whole or not at all. Nothing is written while rows are being checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from console.archive import (
    concentrators,
    curve_store,
    curves,
    customers,
    events,
    meters,
    org,
    readings,
)
from console.archive.reader import RowBlock, SourceRow, TableFile
from console.archive.report import write_report
from console.archive.schema import KINDS, ColumnMap, HeaderError, match_columns
from console.archive.store import StoreCounts
from console.archive.validate import Problem, RowCells
from console.core.memory import postponed_full_collections

Parsed = tuple[list[Any], list[Problem], int]  # records, problems, rows read
RowsParser = Callable[[Iterable[SourceRow], ColumnMap, date], Parsed]
# All rows at once, a CSV file's in blocks (``TableFile.blocks``): for a kind whose files are
# large (curves).
BlocksParser = Callable[[Iterable[SourceRow | RowBlock], ColumnMap, date], Parsed]


@dataclass(frozen=True, slots=True)
class KindHandler:
    parse_row: Callable[[RowCells, date], Any]
    check: Callable[[Session, Sequence[Any], ColumnMap], tuple[list[Any], list[Problem]]]
    store: Callable[[Session, Sequence[Any], ColumnMap], StoreCounts]
    parse_rows: BlocksParser | None = None


HANDLERS = {
    "org": KindHandler(org.parse_row, org.check, org.store),
    "concentrators": KindHandler(concentrators.parse_row, concentrators.check, concentrators.store),
    "customers": KindHandler(customers.parse_row, customers.check, customers.store),
    "meters": KindHandler(meters.parse_row, meters.check, meters.store),
    "readings": KindHandler(readings.parse_row, readings.check, readings.store),
    "curves": KindHandler(
        curves.parse_row, curve_store.check, curve_store.store, curves.parse_rows
    ),
    "events": KindHandler(events.parse_row, events.check, events.store),
}
assert tuple(HANDLERS) == KINDS


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: str
    source: str  # how the file was read: "CSV, GBK/GB18030", "Excel, sheet 档案"
    columns: int  # known columns found in the header
    rows_read: int
    problems: tuple[Problem, ...]  # sorted by row
    rejected_rows: int
    counts: StoreCounts | None  # None: nothing was stored
    report: Path | None = None
    report_rows: int = 0

    @property
    def complete(self) -> bool:
        """Every row read was stored."""
        return self.counts is not None and self.rejected_rows == 0


def _each_row(parse_row: Callable[[RowCells, date], Any]) -> RowsParser:
    def parse(rows: Iterable[SourceRow], columns: ColumnMap, today: date) -> Parsed:
        problems: list[Problem] = []
        records: list[Any] = []
        count = 0
        for row in rows:
            count += 1
            cells = RowCells(row, columns)
            record = parse_row(cells, today)
            problems += cells.problems
            if record is not None:
                records.append(record)
        return records, problems, count

    return parse


def import_file(
    session: Session,
    kind: str,
    table: TableFile,
    *,
    today: date,
    skip_invalid: bool = False,
    report: Path | None = None,
) -> ImportResult:
    """Check ``table`` as a ``kind`` file and store it in ``session``'s transaction.

    Raises ``HeaderError`` (nothing read) for unknown or missing columns and ``ImportFileError``
    for an unreadable file. Invalid rows store nothing unless ``skip_invalid``; ``report``
    receives the rejected rows and their reasons whenever there are any."""
    handler = HANDLERS[kind]
    if not table.headers:
        raise HeaderError("the file is empty: no header row")
    columns = match_columns(kind, table.headers)
    # Millions of rows of a curve file are millions of live tuples: full collections would
    # walk them all again and again (a third of the import's time), and find no cycle.
    with postponed_full_collections():
        if handler.parse_rows is not None:
            records, problems, rows_read = handler.parse_rows(table.blocks(), columns, today)
        else:
            parse = _each_row(handler.parse_row)
            records, problems, rows_read = parse(table.rows(), columns, today)
        resolved, more = handler.check(session, records, columns)
        del records  # what is still needed is in resolved
        problems = sorted(problems + more, key=lambda p: p.row)  # stable: file column order
        rejected = {p.row for p in problems}
        counts = None
        if not rejected or skip_invalid:
            valid = [r for r in resolved if r.row not in rejected] if rejected else resolved
            counts = handler.store(session, valid, columns)
    report_rows = 0
    if report is not None and rejected:
        report_rows = write_report(table, problems, report)
    return ImportResult(
        kind=kind,
        source=table.format,
        columns=len(columns.index),
        rows_read=rows_read,
        problems=tuple(problems),
        rejected_rows=len(rejected),
        counts=counts,
        report=report if report is not None and rejected else None,
        report_rows=report_rows,
    )
