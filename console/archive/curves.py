"""Quarter-hour load curves (96 points a day) from a file: parsed into the units the database
keeps and checked for plausibility (``console.archive.curve_store`` checks them against the
file and the database and stores them).

A curve file is large (a county's summary meters over a month are millions of rows), so
``parse_rows`` reads a row that is all good in one tight step and hands any other row to
``parse_row``, the cell-by-cell parser whose problems name the column and reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from console.archive import values as v
from console.archive.reader import RowBlock, SourceRow, clean_cell
from console.archive.schema import ColumnMap
from console.archive.validate import Problem, RowCells
from console.core.i18n import translate

SLOT = timedelta(minutes=15)
# Rows whose values are checked and scaled in one numpy step: few enough that their cells are
# still in the CPU cache then (a million rows read and parsed: 7.0 s in chunks of 65,536, 4.8 s
# in chunks of 256).
CHUNK_ROWS = 256

# File column → (IntervalRow field, stored units per file unit, plausible range, unit). The
# ranges are wide on purpose: they catch a column mix-up or a unit error (V as 0.1 V), not a
# real reading. Voltage is what the meter measures (the secondary side behind a PT).
MEASURES = {
    "active_power_kw": ("active_power_w", 1000, -100_000, 100_000, " kW"),
    "voltage_a_v": ("voltage_a_dv", 10, 0, 500, " V"),
    "voltage_b_v": ("voltage_b_dv", 10, 0, 500, " V"),
    "voltage_c_v": ("voltage_c_dv", 10, 0, 500, " V"),
    "current_a_a": ("current_a_ma", 1000, -10_000, 10_000, " A"),
    "current_b_a": ("current_b_ma", 1000, -10_000, 10_000, " A"),
    "current_c_a": ("current_c_ma", 1000, -10_000, 10_000, " A"),
    "power_factor": ("power_factor_milli", 1000, -1, 1, ""),
}
OPTIONAL = tuple(MEASURES)[1:]
PHASE_BC = ("voltage_b_v", "voltage_c_v", "current_b_a", "current_c_a")
_PARSE = {key: v.scaled(scale, lo, hi, unit) for key, (_f, scale, lo, hi, unit) in MEASURES.items()}


class CurveRecord(NamedTuple):
    """A row whose meter and time could be read; an incomplete one (other cells bad) takes
    part in the duplicate and unknown-meter checks only. Values in stored units."""

    row: int
    asset_no: str
    slot_start: datetime
    active_power_w: int | None
    voltage_a_dv: int | None
    voltage_b_dv: int | None
    voltage_c_dv: int | None
    current_a_ma: int | None
    current_b_ma: int | None
    current_c_ma: int | None
    power_factor_milli: int | None
    complete: bool


def slot_time(raw: str) -> datetime:
    """A curve point's time: on a quarter hour (the start of its 15-minute slot)."""
    at = v.moment(raw)
    if at.minute % 15 or at.second:
        raise v.CellError(
            translate(
                "Archive", "not on a quarter hour (curve points are at :00, :15, :30 and :45)"
            )
        )
    return at


def parse_row(cells: RowCells, today: date) -> CurveRecord | None:
    asset_no = cells.need("asset_no", v.code)
    slot = cells.need("time", slot_time)
    power = cells.need("active_power_kw", _PARSE["active_power_kw"])
    optional = [cells.get(key, _PARSE[key]) for key in OPTIONAL]
    if slot is not None and slot.date() > today:
        cells.problem("time", translate("Archive", "{date} is in the future").format(date=slot))
    if asset_no is None or slot is None:
        return None
    return CurveRecord._make((cells.number, asset_no, slot, power, *optional, cells.ok))


def _good_slot(raw: str, today: date) -> datetime | None:
    try:
        slot = slot_time(raw)
    except v.CellError:
        return None
    return None if slot.date() > today else slot


def _good_code(raw: str) -> bool:
    try:
        v.code(raw)
    except v.CellError:
        return False
    return bool(raw)  # an empty one is a missing value


class _Waiting:
    """Rows of a file in order, those with every value filled waiting to have their numbers
    checked and scaled together (numpy: a float comparison and a round are a C loop over the
    chunk, not a call per cell)."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.lows = np.array([MEASURES[key][2] for key in keys], dtype=np.float64)
        self.highs = np.array([MEASURES[key][3] for key in keys], dtype=np.float64)
        self.scales = np.array([MEASURES[key][1] for key in keys], dtype=np.float64)
        self.entries: list[CurveRecord | None] = []  # None: the next row of ``rows``
        self.rows: list[tuple[SourceRow, str, datetime]] = []
        self.numbers: list[float] = []  # the rows' values, one row after the other

    def flush(
        self, records: list[CurveRecord], slow: Callable[[SourceRow], CurveRecord | None]
    ) -> None:
        ok: list[bool] = []
        measured: list[list[int]] = []
        if self.rows:
            found = np.array(self.numbers, dtype=np.float64).reshape(len(self.rows), -1)
            within = (found >= self.lows) & (found <= self.highs)
            good: npt.NDArray[np.bool_] = np.all(within, axis=1)
            # rint rounds half to even, as round() does: the same as the cell-by-cell path.
            scaled = np.rint(np.where(good[:, None], found, 0.0) * self.scales)
            ok, measured = good.tolist(), scaled.astype(np.int64).tolist()
        new = tuple.__new__
        if all(ok) and len(ok) == len(self.entries):  # the usual chunk: every row good
            records.extend(
                new(CurveRecord, (row.number, asset_no, slot, *values, True))
                for (row, asset_no, slot), values in zip(self.rows, measured, strict=True)
            )
            self.entries, self.rows, self.numbers = [], [], []
            return
        k = 0
        for entry in self.entries:
            if entry is not None:
                records.append(entry)
                continue
            row, asset_no, slot = self.rows[k]
            if ok[k]:
                records.append(new(CurveRecord, (row.number, asset_no, slot, *measured[k], True)))
            else:
                record = slow(row)
                if record is not None:
                    records.append(record)
            k += 1
        self.entries, self.rows, self.numbers = [], [], []


def parse_rows(
    rows: Iterable[SourceRow | RowBlock], columns: ColumnMap, today: date
) -> tuple[list[CurveRecord], list[Problem], int]:
    """Every row parsed: the fast way when all its cells are good (a block of a CSV file
    whose rows all are: column by column), else by ``parse_row`` (which then says what is
    wrong). Returns the records, the problems and the rows read."""
    parser = _FastParser(columns, today)
    count = 0
    for in_blocks, items in groupby(rows, lambda item: isinstance(item, RowBlock)):
        if not in_blocks:
            count += parser.run(cast(Iterable[SourceRow], items))
            continue
        for block in cast(Iterable[RowBlock], items):
            taken = parser.take_columns(block)
            count += parser.run(block.rows()) if taken is None else taken
    return parser.records, parser.problems, count


class _FastParser:
    """The state of ``parse_rows``: the meters and times already judged (a day's 96 times
    repeat on every meter), the records and problems so far, the rows waiting for numpy."""

    def __init__(self, columns: ColumnMap, today: date) -> None:
        self.columns = columns
        self.today = today
        self.keys = [key for key in MEASURES if columns.has(key)]
        self.places = [tuple(MEASURES).index(key) for key in self.keys]
        self.known_codes: dict[str, bool] = {}
        self.good_slots: dict[str, datetime | None] = {}
        self.records: list[CurveRecord] = []
        self.problems: list[Problem] = []
        self.waiting = _Waiting(self.keys)
        # By the cell as read (before trimming): the meter's code or time, None if not good.
        self.raw_codes: dict[str, str | None] = {}
        self.raw_slots: dict[str, datetime | None] = {}
        self.bounds = np.array(
            [[MEASURES[k][2] for k in MEASURES], [MEASURES[k][3] for k in MEASURES],
             [MEASURES[k][1] for k in MEASURES]],
            dtype=np.float64,
        )  # fmt: skip

    def slot_of(self, asset_no: str, raw_time: str) -> datetime:
        """The slot of a row whose meter and time are good (remembered), else ValueError."""
        if asset_no not in self.known_codes:
            self.known_codes[asset_no] = _good_code(asset_no)
        if raw_time not in self.good_slots:
            self.good_slots[raw_time] = _good_slot(raw_time, self.today)
        slot = self.good_slots[raw_time]
        if slot is None or not self.known_codes[asset_no]:
            raise ValueError("not a good meter or time")
        return slot

    def slow(self, row: SourceRow) -> CurveRecord | None:
        cells = RowCells(row, self.columns)
        record = parse_row(cells, self.today)
        self.problems.extend(cells.problems)
        return record

    def with_empty_cells(
        self, row: SourceRow, asset_no: str, slot: datetime, raw: Any
    ) -> CurveRecord:
        cells = raw if len(self.keys) > 1 else (raw,)  # itemgetter of one gives the cell
        measured = _with_empty_cells(cells, self.places, MEASURES)
        return tuple.__new__(CurveRecord, (row.number, asset_no, slot, *measured, True))

    def take_columns(self, block: RowBlock) -> int | None:
        """The records of a block whose rows all have the same cells, a good meter and time
        and every value given and good (or a column empty in every row): made column by
        column, the numbers of each column converted in one step. Returns the rows taken,
        or ``None`` (nothing taken) when any row is not like that."""
        records = block.records
        width = len(records[0])
        if width < self.columns.width or any(len(r) != width for r in records):
            return None
        cells = list(zip(*records, strict=True))
        if any(any(column) for column in cells[self.columns.width :]):
            return None  # values without a header: each such row says so
        codes = _judged(cells[self.columns.index["asset_no"]], self.raw_codes, _clean_code)
        slots = _judged(cells[self.columns.index["time"]], self.raw_slots, self.clean_slot)
        if codes is None or slots is None:
            return None
        given = [
            (place, cells[self.columns.index[key]])
            for place, key in zip(self.places, self.keys, strict=True)
        ]
        filled = [(place, column) for place, column in given if any(column)]
        if not filled or filled[0][0] != 0:
            return None  # no power in a row
        try:
            found = np.array([column for _place, column in filled], dtype=np.float64)
        except ValueError:
            return None  # an empty cell beside filled ones, or not a number
        at = [place for place, _column in filled]
        lows, highs, scales = (self.bounds[k][at, None] for k in range(3))
        if not ((found >= lows) & (found <= highs)).all():
            return None
        # rint rounds half to even, as round() does: the same as the cell-by-cell path.
        scaled = np.rint(found * scales).astype(np.int64).tolist()
        measured: list[Iterable[int | None]] = [repeat(None)] * len(MEASURES)
        for place, values in zip(at, scaled, strict=True):
            measured[place] = values
        numbers = range(block.first, block.first + len(records))
        self.records.extend(
            map(
                tuple.__new__,
                repeat(CurveRecord),
                zip(numbers, codes, slots, *measured, repeat(True)),
            )
        )
        return len(records)

    def clean_slot(self, raw: str) -> datetime | None:
        return _good_slot(clean_cell(raw), self.today)

    def run(self, rows: Iterable[SourceRow]) -> int:
        width = self.columns.width
        at_asset, at_time = self.columns.index["asset_no"], self.columns.index["time"]
        values_of = itemgetter(*(self.columns.index[key] for key in self.keys))
        every = len(self.keys) == len(MEASURES)
        known_codes, good_slots, waiting = self.known_codes, self.good_slots, self.waiting
        entries, waiting_rows, numbers = waiting.entries, waiting.rows, waiting.numbers
        count = 0
        for row in rows:
            count += 1
            cells = row.cells
            try:
                if len(cells) > width and any(cells[width:]):
                    raise ValueError("values without a header")
                asset_no = cells[at_asset]
                slot = good_slots.get(cells[at_time])
                if slot is None or not known_codes.get(asset_no):
                    slot = self.slot_of(asset_no, cells[at_time])
                raw = values_of(cells)
                if not every or "" in raw:
                    entries.append(self.with_empty_cells(row, asset_no, slot, raw))
                    continue
                done = len(numbers)
                try:
                    numbers.extend(map(float, raw))
                except ValueError:
                    del numbers[done:]
                    raise
                waiting_rows.append((row, asset_no, slot))
                entries.append(None)
                if len(waiting_rows) == CHUNK_ROWS:
                    waiting.flush(self.records, self.slow)
                    entries, waiting_rows, numbers = waiting.entries, waiting.rows, waiting.numbers
            except (ValueError, IndexError):
                record = self.slow(row)
                if record is not None:
                    entries.append(record)
        waiting.flush(self.records, self.slow)
        return count


def _clean_code(raw: str) -> str | None:
    code = clean_cell(raw)
    return code if _good_code(code) else None


def _judged(
    column: Sequence[str], known: dict[str, Any], judge: Callable[[str], Any]
) -> list[Any] | None:
    """``judge`` of each cell of ``column`` (each distinct one judged once and remembered in
    ``known``), or ``None`` when it judged any of them not good (``None``)."""
    for raw in set(column).difference(known):
        known[raw] = judge(raw)
    values = list(map(known.__getitem__, column))
    return None if None in values else values


def _with_empty_cells(
    raw: Sequence[str], places: Sequence[int], measures: dict[str, tuple[str, int, int, int, str]]
) -> list[int | None]:
    """The measured values of a row with empty cells or absent columns (None there), or a
    ``ValueError`` for a bad one; ``raw`` holds the cells of the columns at ``places``."""
    out: list[int | None] = [None] * len(measures)
    ranges = list(measures.values())
    for place, cell in zip(places, raw, strict=True):
        if cell:
            _field, scale, lo, hi, _unit = ranges[place]
            value = float(cell)
            if not lo <= value <= hi:
                raise ValueError("out of range")
            out[place] = round(value * scale)
    if out[0] is None:
        raise ValueError("no power")
    return out
