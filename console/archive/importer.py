"""One import of one file: read and match the header, parse every row, check the rows against
the file and the database, then store all of them, or (``skip_invalid``) only the valid ones.

Everything runs in the caller's session and transaction: the caller commits, so a file is
stored whole or not at all. Nothing is written while rows are being checked. A ``progress``
callback hears each phase and, while reading, the rows read so far; what it raises (a cancel)
ends the import, and the caller's rollback then leaves nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import chain, islice
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
    tariffs,
)
from console.archive.reader import RowBlock, SourceRow, TableFile
from console.archive.report import write_report
from console.archive.schema import KINDS, ColumnMap, HeaderError, match_columns
from console.archive.store import StoreCounts
from console.archive.validate import Problem, RowCells
from console.core.i18n import translate
from console.core.memory import postponed_full_collections
from db import changes

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
    "tariffs": KindHandler(tariffs.parse_row, tariffs.check, tariffs.store),
    "customers": KindHandler(customers.parse_row, customers.check, customers.store),
    "meters": KindHandler(meters.parse_row, meters.check, meters.store),
    "readings": KindHandler(readings.parse_row, readings.check, readings.store),
    "curves": KindHandler(
        curves.parse_row, curve_store.check, curve_store.store, curves.parse_rows
    ),
    "events": KindHandler(events.parse_row, events.check, events.store),
}
assert tuple(HANDLERS) == KINDS
# Kinds that change the archive itself (trees, scope lists); the others are measurements,
# whose ingest path says what it stored.
ARCHIVE_KINDS = frozenset({"org", "concentrators", "customers", "meters"})
PROGRESS_ROWS = 50_000  # rows read between two progress reports
_CHUNK_ROWS = 1_000  # rows counted at a time


class ImportPhase(StrEnum):
    READING = "reading"  # parsing the rows (reported every PROGRESS_ROWS rows)
    CHECKING = "checking"  # against the file and the database
    STORING = "storing"
    REPORTING = "reporting"  # writing the rejected-rows report
    COMMITTING = "committing"  # the caller's last step (import_file never reports it)


Progress = Callable[[ImportPhase, int], None]  # (phase, rows read so far)


class NoRowsError(HeaderError):
    """The file has a header but no rows: nothing to store, which is said, not 'stored 0'."""


class ImportCancelledError(Exception):
    """For a ``progress`` callback to raise when the user cancels (nothing is stored)."""


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
    progress: Progress | None = None,
) -> ImportResult:
    """Check ``table`` as a ``kind`` file and store it in ``session``'s transaction.

    Raises ``HeaderError`` (nothing read) for unknown or missing columns, ``NoRowsError`` for a
    header without rows and ``ImportFileError`` for an unreadable file. Invalid rows store
    nothing unless ``skip_invalid``; ``report`` receives the rejected rows and their reasons
    whenever there are any."""
    handler = HANDLERS[kind]
    if not table.headers:
        raise HeaderError(translate("Archive", "the file is empty: no header row"))
    columns = match_columns(kind, table.headers)
    tell = progress or _silent
    tell(ImportPhase.READING, 0)
    # Millions of rows of a curve file are millions of live tuples: full collections would
    # walk them all again and again (a third of the import's time), and find no cycle.
    with postponed_full_collections():
        if handler.parse_rows is not None:
            blocks = table.blocks()
            source = blocks if progress is None else _counted_blocks(blocks, progress)
            records, problems, rows_read = handler.parse_rows(source, columns, today)
        else:
            rows = table.rows() if progress is None else _counted(table.rows(), progress)
            records, problems, rows_read = _each_row(handler.parse_row)(rows, columns, today)
        if rows_read == 0:
            raise NoRowsError(translate("Archive", "the file has a header but no rows"))
        tell(ImportPhase.CHECKING, rows_read)
        resolved, more = handler.check(session, records, columns)
        del records  # what is still needed is in resolved
        problems = sorted(problems + more, key=lambda p: p.row)  # stable: file column order
        rejected = {p.row for p in problems}
        counts = None
        if not rejected or skip_invalid:
            tell(ImportPhase.STORING, rows_read)
            valid = [r for r in resolved if r.row not in rejected] if rejected else resolved
            counts = handler.store(session, valid, columns)
            _record_change(session, kind, counts)
    report_rows = 0
    if report is not None and rejected:
        tell(ImportPhase.REPORTING, rows_read)
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


def _silent(_phase: ImportPhase, _rows: int) -> None:
    pass


def _counted(rows: Iterator[SourceRow], progress: Progress) -> Iterator[SourceRow]:
    """``rows``, with ``progress(READING, n)`` after every ``PROGRESS_ROWS`` and at the end.
    The rows pass in small lists through C iterators (no Python step per row); small, because
    a list of ``PROGRESS_ROWS`` rows keeps 50,000 rows' cells alive that are otherwise freed,
    and their memory reused while still in the cache, one by one."""

    def chunks() -> Iterator[list[SourceRow]]:
        read = reported = 0
        while chunk := list(islice(rows, _CHUNK_ROWS)):
            yield chunk
            read += len(chunk)
            if read - reported >= PROGRESS_ROWS:
                progress(ImportPhase.READING, read)
                reported = read
        if read != reported:
            progress(ImportPhase.READING, read)

    return chain.from_iterable(chunks())


def _counted_blocks(
    items: Iterator[SourceRow | RowBlock], progress: Progress
) -> Iterator[SourceRow | RowBlock]:
    """``items`` of ``TableFile.blocks``, with ``progress(READING, n)`` as ``_counted`` gives
    it (a block counts its records: a blank line among them too)."""
    read = reported = 0
    for item in items:
        yield item
        read += len(item.records) if isinstance(item, RowBlock) else 1
        if read - reported >= PROGRESS_ROWS:
            progress(ImportPhase.READING, read)
            reported = read
    if read != reported:
        progress(ImportPhase.READING, read)


def _record_change(session: Session, kind: str, counts: StoreCounts) -> None:
    """Trees and scope lists read the archive again once the import commits."""
    changed = counts.new + counts.updated + sum(n for _what, n in counts.created)
    if kind in ARCHIVE_KINDS and changed:
        changes.record(session, changes.ArchiveChanged((kind,), changed))
