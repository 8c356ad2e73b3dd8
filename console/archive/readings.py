"""Daily freezes (日冻结) from a file: parsed (kWh → exact Wh), checked against each meter's
neighbouring freezes in the file and the database (registers never decrease), and stored through
``db.ingest.upsert_daily_freezes``, which keeps the rollups current.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise

from sqlalchemy.orm import Session

from console.archive import values as v
from console.archive.schema import ColumnMap
from console.archive.store import StoreCounts, batches, differs
from console.archive.validate import (
    Problem,
    RowCells,
    duplicate_problems,
    unknown_meter_problems,
)
from console.core.i18n import translate
from db.ingest import FreezeRow, upsert_daily_freezes
from db.queries import archive as q

# File column → register field (of FreezeRow and StoredFreeze), total first.
REGISTERS = {
    "forward_active_kwh": "forward_active_wh",
    "forward_sharp_kwh": "forward_sharp_wh",
    "forward_peak_kwh": "forward_peak_wh",
    "forward_flat_kwh": "forward_flat_wh",
    "forward_valley_kwh": "forward_valley_wh",
    "reverse_active_kwh": "reverse_active_wh",
}
TARIFFS = ("forward_sharp_kwh", "forward_peak_kwh", "forward_flat_kwh", "forward_valley_kwh")
# Each register is rounded to 0.01 kWh, so the tariff registers may exceed the total by that
# much each. They may fall short of it: a meter can have more than four tariff periods.
ROUNDING_WH = 10


@dataclass(frozen=True, slots=True)
class ReadingRecord:
    """A row whose meter and day could be read; an incomplete one (other cells bad) takes part
    in the duplicate and unknown-meter checks only."""

    row: int
    asset_no: str
    day: date
    registers: dict[str, int | None]  # by REGISTERS field; None: empty cell or no such column
    collected_at: datetime | None
    complete: bool


@dataclass(frozen=True, slots=True)
class ResolvedReading:
    row: int
    freeze: FreezeRow
    stored: q.StoredFreeze | None  # the same meter and day as stored now


def kwh(wh: int) -> str:
    return str((Decimal(wh) / 1000).quantize(Decimal("0.01")))


def parse_row(cells: RowCells, today: date) -> ReadingRecord | None:
    asset_no = cells.need("asset_no", v.code)
    day = cells.need("day", v.day)
    registers = {
        field: (cells.need if key == "forward_active_kwh" else cells.get)(key, v.kwh_as_wh)
        for key, field in REGISTERS.items()
    }
    collected_at = cells.get("collected_at", v.moment)
    if day is not None and day > today:
        cells.problem("day", translate("Archive", "{date} is in the future").format(date=day))
    if day is not None and collected_at is not None and collected_at.date() < day:
        reason = translate(
            "Archive", "{time} is before the freeze itself (00:00 of {date})"
        ).format(time=collected_at, date=day)
        cells.problem("collected_at", reason)
    total = registers["forward_active_wh"]
    tariffs = [registers[REGISTERS[key]] for key in TARIFFS]
    present = [wh for wh in tariffs if wh is not None]
    if total is not None and present and sum(present) > total + ROUNDING_WH * len(present):
        reason = translate(
            "Archive", "the tariff registers add up to {sum} kWh, more than the total {total} kWh"
        ).format(sum=kwh(sum(present)), total=kwh(total))
        cells.problem("forward_active_kwh", reason)
    if asset_no is None or day is None:
        return None
    return ReadingRecord(cells.number, asset_no, day, registers, collected_at, cells.ok)


def _merge_stored(
    record: ReadingRecord, meter_id: int, stored: q.StoredFreeze | None, columns: ColumnMap
) -> FreezeRow:
    """The freeze to store: the file's registers, and for a column the file does not have the
    stored value (a file without 尖峰平谷 does not erase them)."""
    registers: dict[str, int | None] = {}
    for key, field in REGISTERS.items():
        if columns.has(key) or stored is None:
            registers[field] = record.registers[field]
        else:
            registers[field] = getattr(stored, field)
    collected_at = record.collected_at
    if collected_at is None:
        collected_at = (
            stored.collected_at if stored else datetime.combine(record.day, datetime.min.time())
        )
    total = registers.pop("forward_active_wh")
    assert total is not None  # a required column
    return FreezeRow(
        meter_id=meter_id,
        day=record.day,
        forward_active_wh=total,
        collected_at=collected_at,
        **registers,
    )


def _decreases(
    sequence: list[tuple[date, ResolvedReading | q.StoredFreeze]], columns: ColumnMap
) -> list[Problem]:
    """A register lower than on an earlier day: blamed on the later freeze when it is from the
    file, else on the earlier one (a file freeze above a stored later one)."""
    problems: list[Problem] = []
    fields = [(key, field) for key, field in REGISTERS.items() if columns.has(key)]
    for (prev_day, prev), (day, cur) in pairwise(sequence):
        for key, field in fields:
            before = getattr(prev.freeze if isinstance(prev, ResolvedReading) else prev, field)
            after = getattr(cur.freeze if isinstance(cur, ResolvedReading) else cur, field)
            if before is None or after is None or after >= before:
                continue
            if isinstance(cur, ResolvedReading):
                if isinstance(prev, ResolvedReading):
                    where = translate("Archive", "row {row}").format(row=prev.row)
                else:
                    where = translate("Archive", "stored")
                reason = translate(
                    "Archive", "{after} kWh is less than {before} kWh of {date} ({where})"
                ).format(after=kwh(after), before=kwh(before), date=prev_day, where=where)
                problems.append(Problem(cur.row, columns.name(key), reason))
            elif isinstance(prev, ResolvedReading):
                reason = translate(
                    "Archive", "{before} kWh is more than the stored {after} kWh of {date}"
                ).format(before=kwh(before), after=kwh(after), date=day)
                problems.append(Problem(prev.row, columns.name(key), reason))
    return problems


def check(
    session: Session, records: Sequence[ReadingRecord], columns: ColumnMap
) -> tuple[list[ResolvedReading], list[Problem]]:
    """Duplicate (资产号, 日期), unknown meters, and registers that decrease from one freeze to
    the next (the file's freezes and the stored ones together)."""
    problems = duplicate_problems(
        records,
        lambda r: (r.asset_no, r.day),
        lambda r: r.row,
        columns.name("day"),
        lambda r: translate("Archive", "freeze of {asset_no} on {date}").format(
            asset_no=r.asset_no, date=r.day
        ),
    )
    repeated = {p.row for p in problems}
    meters = q.meter_ids(session, (r.asset_no for r in records))
    known = [r for r in records if r.asset_no in meters and r.row not in repeated and r.complete]
    problems += unknown_meter_problems(records, meters, columns)
    if not known:
        return [], problems
    stored = q.freezes_around(
        session,
        {meters[r.asset_no] for r in known},
        min(r.day for r in known),
        max(r.day for r in known),
    )
    by_meter: dict[int, dict[date, ResolvedReading | q.StoredFreeze]] = {
        meter_id: {f.day: f for f in freezes} for meter_id, freezes in stored.items()
    }
    resolved: list[ResolvedReading] = []
    for r in known:
        meter_id = meters[r.asset_no]
        days = by_meter.setdefault(meter_id, {})
        same_day = days.get(r.day)
        assert not isinstance(same_day, ResolvedReading)  # duplicates were left out
        reading = ResolvedReading(r.row, _merge_stored(r, meter_id, same_day, columns), same_day)
        days[r.day] = reading
        resolved.append(reading)
    for days in by_meter.values():
        problems += _decreases(sorted(days.items(), key=lambda item: item[0]), columns)
    return resolved, problems


def store(session: Session, readings: Sequence[ResolvedReading], columns: ColumnMap) -> StoreCounts:
    """Upsert the freezes that are new or differ from the stored ones, in batches."""
    changed = [
        r.freeze
        for r in readings
        if r.stored is None or differs(r.freeze, r.stored, q.FREEZE_FIELDS)
    ]
    new = sum(1 for r in readings if r.stored is None)
    for batch in batches(changed):
        upsert_daily_freezes(session, batch)
    updated = len(changed) - new
    return StoreCounts(new=new, updated=updated, unchanged=len(readings) - len(changed))
