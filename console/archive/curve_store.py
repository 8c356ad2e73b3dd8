"""Curve points of an import checked against the file and the database (repeated points,
unknown meters, phases a single-phase meter lacks) and stored through
``db.ingest.upsert_interval_readings``, the path collected curves take (so the load rollups and
the change events follow).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple

import numpy as np
from sqlalchemy.orm import Session

from console.archive.curves import MEASURES, OPTIONAL, PHASE_BC, SLOT, CurveRecord
from console.archive.schema import ColumnMap
from console.archive.store import StoreCounts
from console.archive.validate import Problem, duplicate_problems, unknown_meter_problems
from console.core.i18n import translate
from db.ingest import IntervalRow, upsert_interval_readings
from db.queries import archive_measurements as q

# A batch of whole days: batches then cover disjoint spans, so new slots take the rollups'
# append path (figures from the batch itself) instead of re-reading the stored points.
STORE_BATCH = 200_000


class ResolvedCurve(NamedTuple):
    row: int
    point: IntervalRow
    stored: q.StoredPoint | None  # the same meter and slot as stored now


def _phase_problems(
    records: Sequence[CurveRecord], meters: dict[str, q.MeterPhases], columns: ColumnMap
) -> list[Problem]:
    """Phases B and C on a single-phase meter: a file of another meter, or columns shifted."""
    single = {asset_no for asset_no, meter in meters.items() if meter.phases == 1}
    if not single or not any(columns.has(key) for key in PHASE_BC):
        return []
    fields = [(key, CurveRecord._fields.index(MEASURES[key][0])) for key in PHASE_BC]
    problems: list[Problem] = []
    for r in records:
        if r.asset_no not in single:
            continue
        for key, at in fields:
            if r[at] is not None:
                reason = translate(
                    "Archive", "meter {asset_no} is single-phase: leave phases B and C empty"
                ).format(asset_no=r.asset_no)
                problems.append(Problem(r.row, columns.name(key), reason))
    return problems


_ROW, _ASSET, _SLOT, _COMPLETE = 0, 1, 2, 11  # CurveRecord's fields by position


def check(
    session: Session, records: Sequence[CurveRecord], columns: ColumnMap
) -> tuple[list[ResolvedCurve], list[Problem]]:
    """Repeated (资产号, 时间), unknown meters and phases a single-phase meter lacks; each
    good row becomes the point to store, with the stored values of columns the file lacks.
    (A file has millions of rows: each pass over them is a C loop where it can be.)"""
    problems: list[Problem] = []
    assets = list(map(itemgetter(_ASSET), records))
    slots = list(map(itemgetter(_SLOT), records))
    if _any_repeated(assets, slots):
        problems += duplicate_problems(
            records,
            itemgetter(_ASSET, _SLOT),
            itemgetter(_ROW),
            columns.name("time"),
            lambda r: translate("Archive", "point of {asset_no} at {time}").format(
                asset_no=r.asset_no, time=f"{r.slot_start:%Y-%m-%d %H:%M}"
            ),
        )
    meters = q.meter_phases(session, set(assets))
    if not meters.keys() >= set(assets):
        problems += unknown_meter_problems(records, meters, columns)
    problems += _phase_problems(records, meters, columns)
    known: Sequence[CurveRecord] = records
    if problems or not all(map(itemgetter(_COMPLETE), records)):
        bad = {p.row for p in problems}
        known = [r for r in records if r.complete and r.row not in bad]
    if not known:
        return [], problems
    ids = {asset_no: meter.id for asset_no, meter in meters.items()}
    slots = list(map(itemgetter(_SLOT), known))
    stored = q.stored_points(
        session, {ids[a] for a in set(assets) if a in ids}, min(slots), max(slots)
    )
    # A new point's read time is its slot's end: the earliest it could have been read.
    ends = {slot: slot + SLOT for slot in set(slots)}
    new = tuple.__new__  # millions of rows: the named tuples' own __new__ costs a call each
    if not stored:  # the usual case of an import: every point new, made column by column
        fields = (
            map(ids.__getitem__, map(itemgetter(_ASSET), known)),
            slots,
            map(itemgetter(3), known),
            repeat(None),
            map(ends.__getitem__, slots),
            *(map(itemgetter(at), known) for at in range(4, 11)),
        )
        points = map(new, repeat(IntervalRow), zip(*fields, strict=False))
        rows = map(itemgetter(_ROW), known)
        return list(map(new, repeat(ResolvedCurve), zip(rows, points, repeat(None)))), problems
    resolved: list[ResolvedCurve] = []
    for r in known:
        meter_id = ids[r.asset_no]
        old = stored.get((meter_id, r.slot_start))
        if old is None:
            values = (meter_id, r.slot_start, r[3], None, ends[r.slot_start], *r[4:11])
            resolved.append(new(ResolvedCurve, (r.row, new(IntervalRow, values), old)))
        else:
            resolved.append(new(ResolvedCurve, (r.row, _merged(r, meter_id, old, columns), old)))
    return resolved, problems


def _any_repeated(assets: Sequence[str], slots: Sequence[datetime]) -> bool:
    """Whether any (meter, slot) occurs twice: each pair as one number, sorted by numpy (a
    set of a million key tuples costs four times as much)."""
    if not assets:
        return False
    meter_no = {a: k for k, a in enumerate(set(assets))}
    slot_no = {s: k for k, s in enumerate(set(slots))}
    keys = np.fromiter(map(meter_no.__getitem__, assets), np.int64, len(assets)) * len(slot_no)
    keys += np.fromiter(map(slot_no.__getitem__, slots), np.int64, len(slots))
    keys.sort()
    return bool((keys[1:] == keys[:-1]).any())


def _merged(r: CurveRecord, meter_id: int, old: q.StoredPoint, columns: ColumnMap) -> IntervalRow:
    """The point to store over a stored one: a column the file lacks keeps the stored value,
    and the meter's register (never in a file) stays."""
    values = list(r[4:11])
    for at, key in enumerate(OPTIONAL):
        if not columns.has(key):
            values[at] = getattr(old, MEASURES[key][0])
    # The stored read time: at least as new as the stored point, so the upsert takes it.
    return IntervalRow._make(
        (meter_id, r.slot_start, r[3], old.forward_active_wh, old.read_at, *values)
    )


def _day_batches(points: Sequence[IntervalRow]) -> Iterable[Sequence[IntervalRow]]:
    """The points by day, in batches of whole days and at least ``STORE_BATCH`` points, each
    day in the file's order (usually a meter's points together: the upsert's key order)."""
    if not points:
        return
    day_of = {slot: slot.date() for slot in set(map(itemgetter(1), points))}
    days = sorted(set(day_of.values()))
    day_no = {day: k for k, day in enumerate(days)}
    of_point = np.fromiter(
        map(day_no.__getitem__, map(day_of.__getitem__, map(itemgetter(1), points))),
        np.int64,
        len(points),
    )
    if not (of_point[1:] >= of_point[:-1]).all():  # a stable sort keeps the file's order
        points = list(map(points.__getitem__, np.argsort(of_point, kind="stable").tolist()))
    start = end = 0
    for count in np.bincount(of_point).tolist():
        end += count
        if end - start >= STORE_BATCH:
            yield points[start:end]
            start = end
    if end > start:
        yield points[start:end]


def store(session: Session, curves: Sequence[ResolvedCurve], columns: ColumnMap) -> StoreCounts:
    """Upsert the points that are new or differ from the stored ones."""
    if any(map(itemgetter(2), curves)):
        changed = [c.point for c in curves if c.stored is None or c.point[2:] != c.stored]
        new = sum(1 for c in curves if c.stored is None)
    else:  # every point new (a stored point is a non-empty tuple)
        changed, new = list(map(itemgetter(1), curves)), len(curves)
    for batch in _day_batches(changed):
        upsert_interval_readings(session, batch)
    return StoreCounts(new=new, updated=len(changed) - new, unchanged=len(curves) - len(changed))
