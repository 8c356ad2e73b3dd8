"""Meter events (掉电, 开盖, 断相 ...) from a file: parsed, checked against the file and the
database, and stored through ``db.ingest.upsert_meter_events``, the path events read from
meters and concentrators take (so the change events that rules and views follow are the same).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from itertools import pairwise
from typing import NamedTuple

from sqlalchemy.orm import Session

from console.archive import values as v
from console.archive.schema import (
    EVENT_KIND_NAMES,
    EVENT_KINDS,
    EVENT_KINDS_TEXT,
    ColumnMap,
    spoken,
)
from console.archive.store import StoreCounts, batches
from console.archive.validate import (
    Problem,
    RowCells,
    duplicate_problems,
    unknown_meter_problems,
)
from console.core.i18n import translate
from db.ingest import EventRow, upsert_meter_events
from db.queries import archive_measurements as q

_KIND = v.choice(EVENT_KINDS, EVENT_KINDS_TEXT)


class EventRecord(NamedTuple):
    """A row whose meter, kind and start could be read; an incomplete one (other cells bad)
    takes part in the duplicate and unknown-meter checks only."""

    row: int
    asset_no: str
    kind: str  # db.models.EventKind
    started_at: datetime
    ended_at: datetime | None  # None: still going on
    complete: bool


class ResolvedEvent(NamedTuple):
    row: int
    event: EventRow
    stored: q.StoredEvent | None


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M:%S}"


def parse_row(cells: RowCells, today: date) -> EventRecord | None:
    asset_no = cells.need("asset_no", v.code)
    kind = cells.need("kind", _KIND)
    start = cells.need("start", v.moment)
    end = cells.get("end", v.moment)
    for key, at in (("start", start), ("end", end)):
        if at is not None and at.date() > today:
            cells.problem(
                key, translate("Archive", "{date} is in the future").format(date=_when(at))
            )
    if start is not None and end is not None and end < start:
        reason = translate("Archive", "{end} is before the start {start}")
        cells.problem("end", reason.format(end=_when(end), start=_when(start)))
    if asset_no is None or kind is None or start is None:
        return None
    return EventRecord(cells.number, asset_no, kind, start, end, cells.ok)


def _overlaps(records: Sequence[EventRecord], columns: ColumnMap) -> list[Problem]:
    """Two events of one kind on one meter in the file that overlap in time: a meter records
    the next one only after the last has ended."""
    by_key: dict[tuple[str, str], list[EventRecord]] = {}
    for r in records:
        by_key.setdefault((r.asset_no, r.kind), []).append(r)
    problems: list[Problem] = []
    for same in by_key.values():
        for before, after in pairwise(sorted(same, key=lambda r: r.started_at)):
            if before.started_at == after.started_at:
                continue  # a duplicate, reported as such
            if before.ended_at is None or before.ended_at > after.started_at:
                kind = spoken(EVENT_KIND_NAMES, before.kind)
                if before.ended_at is None:
                    reason = translate(
                        "Archive",
                        "{kind} of {asset_no} has no end, after the next one started ({start}, "
                        "row {row})",
                    ).format(kind=kind, asset_no=before.asset_no, start=_when(after.started_at),
                             row=after.row)  # fmt: skip
                else:
                    reason = translate(
                        "Archive",
                        "{kind} of {asset_no} ends {end}, after the next one started ({start}, "
                        "row {row})",
                    ).format(kind=kind, asset_no=before.asset_no, end=_when(before.ended_at),
                             start=_when(after.started_at), row=after.row)  # fmt: skip
                problems.append(Problem(before.row, columns.name("end"), reason))
    return problems


def check(
    session: Session, records: Sequence[EventRecord], columns: ColumnMap
) -> tuple[list[ResolvedEvent], list[Problem]]:
    """Repeated (资产号, 类型, 发生时间), overlapping events of a kind, unknown meters."""
    problems = duplicate_problems(
        records,
        lambda r: (r.asset_no, r.kind, r.started_at),
        lambda r: r.row,
        columns.name("start"),
        lambda r: translate("Archive", "{kind} of {asset_no} at {start}").format(
            kind=spoken(EVENT_KIND_NAMES, r.kind), asset_no=r.asset_no, start=_when(r.started_at)
        ),
    )
    problems += _overlaps(records, columns)
    meters = q.meter_phases(session, {r.asset_no for r in records})
    problems += unknown_meter_problems(records, meters, columns)
    bad = {p.row for p in problems}
    known = [r for r in records if r.complete and r.row not in bad]
    if not known:
        return [], problems
    stored = q.stored_events(
        session,
        {meters[r.asset_no].id for r in known},
        min(r.started_at for r in known),
        max(r.started_at for r in known),
    )
    resolved: list[ResolvedEvent] = []
    for r in known:
        meter_id = meters[r.asset_no].id
        old = stored.get((meter_id, r.kind, r.started_at))
        if old is None:  # read, at the earliest, when the file says it ended (or began)
            read = r.ended_at or r.started_at
            event = EventRow(meter_id, r.kind, r.started_at, r.ended_at, None, read)
        else:  # the stored time: at least as new, so the upsert takes the file's end
            # An empty end never erases a stored one: an event that has ended stays ended.
            end = r.ended_at or old.ended_at
            event = EventRow(meter_id, r.kind, r.started_at, end, old.detail, old.collected_at)
        resolved.append(ResolvedEvent(r.row, event, old))
    return resolved, problems


def store(session: Session, events: Sequence[ResolvedEvent], columns: ColumnMap) -> StoreCounts:
    """Upsert the events that are new or whose end differs from the stored one."""
    changed = [e.event for e in events if e.stored is None or e.event[3:] != e.stored]
    new = sum(1 for e in events if e.stored is None)
    for batch in batches(changed):
        upsert_meter_events(session, batch)
    return StoreCounts(new=new, updated=len(changed) - new, unchanged=len(events) - len(changed))
