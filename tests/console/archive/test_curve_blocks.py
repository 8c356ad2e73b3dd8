"""A curve file read in blocks (``TableFile.blocks``) and parsed column by column gives the
same rows, records and problems as the file read row by row and parsed cell by cell: quotes,
blanks, a BOM, ``="..."`` cells, other date spellings, bad numbers, empty phases B and C, rows
without a value, values without a header, every block size."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest

from console.archive import curves
from console.archive.reader import RowBlock, SourceRow, TableFile, clean_cell
from console.archive.schema import match_columns
from console.archive.validate import RowCells
from tests.console.archive.conftest import TODAY
from tests.console.archive.test_import_curves import HEADER

FILLED = ["228.1", "227.6", "229.0", "27.150", "26.880", "28.020", "0.935"]
SINGLE = ["224.7", "", "", "1.930", "", "", "0.951"]
PLAIN = [  # rows the columnar path takes: every one good
    ["M003", "2026-11-20 00:00", "18.524", *FILLED],
    ["M003", "2026-11-20 00:15", "-1.5", *FILLED],
    ["M003", "2026-11-20 00:30", "1e1", "0", "500", "229", "-10000", "0", "0", "-1"],
    ["M003", "2026-11-20 00:45", "0.0005", *FILLED],
]
TRICKY = [
    ["M001", "2026-11-20 00:00", "0.412", *SINGLE],  # phases B and C empty
    ['="M001"', "2026/11/20 00:15", "1.5", *SINGLE],
    ["M003", "2026-11-20T01:00", "2", *FILLED],
    ["M003", "20261120 01:15:00", "2", *FILLED],
    ["M003", "2026年11月20日 01:30", "2", *FILLED],
    [" M003 ", " 2026-11-20 01:45 ", " 3 ", *FILLED],
    ["M003", "2026-11-20 02:00", "1,200.5", *FILLED],  # quoted by the csv writer
    ["M003", "2026-11-20 02:15", "abc", *FILLED],
    ["M003", "2026-11-20 02:30", "nan", *FILLED],
    ["M003", "2026-11-20 02:45", "1", "2281", *FILLED[1:]],
    ["M003", "2026-11-20 03:00", "", *FILLED],
    ["M003", "2026-11-20 03:15", "1", "", *FILLED[1:]],
    ["M003", "2026-11-20 03:20", "1", *FILLED],
    ["M003", "2026-11-22 00:00", "1", *FILLED],  # in the future
    ["M 3", "2026-11-20 03:30", "1", *FILLED],
    ["", "2026-11-20 03:45", "1", *FILLED],
    ["", "", "", "", "", "", "", "", "", ""],  # no value: skipped, numbered
    [],  # a blank line
    ["M003", "2026-11-20 04:00", "1", *FILLED, "x"],  # a value without a header
    ["M003", "2026-11-20 04:15", "1", *FILLED, ""],
    ["M003", "2026-11-20 04:30", "1"],  # short
    ["M003", "2026-11-20 04:45", "\u3000 2\u3000", *FILLED],
    ["M003", "2026-11-20 05:00", "1", *FILLED[:-1], "1_0"],
    ["M003", "2026-11-20 05:15", "1", *FILLED[:-1], '="0.9"'],
    ["M003", "2026-11-20 05:30", "2", *FILLED[:-1], "0.9\n"],  # a line break in a cell
    ["M003", "2026-11-20 05:45", "1", *FILLED[:-1], "\ufeff0.9"],
]


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows([HEADER, *rows])
    return path


def reference_rows(path: Path, encoding: str) -> list[SourceRow]:
    """What ``TableFile.rows`` gave before blocks: each record cleaned cell by cell."""
    with path.open(encoding=encoding, newline="") as stream:
        records = list(csv.reader(stream))
    cells = [tuple(map(clean_cell, record)) for record in records[1:]]
    return [SourceRow(n, c) for n, c in enumerate(cells, start=2) if any(c)]


def cell_by_cell(rows: list[SourceRow]) -> tuple[list[curves.CurveRecord], list[object]]:
    columns = match_columns("curves", HEADER)
    cells = [RowCells(row, columns) for row in rows]
    records = [curves.parse_row(c, TODAY) for c in cells]
    return [r for r in records if r is not None], [p for c in cells for p in c.problems]


@pytest.mark.parametrize("block_rows", [1, 2, 3, 1024])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_blocks_give_the_rows_and_the_records_of_the_cell_by_cell_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_rows: int, encoding: str
) -> None:
    monkeypatch.setattr("console.archive.reader.BLOCK_ROWS", block_rows)
    for name, body in [("plain", PLAIN * 3), ("tricky", [*PLAIN, *TRICKY, *PLAIN, *PLAIN])]:
        path = write(tmp_path / f"{name}.csv", body, encoding)
        table = TableFile(path)
        expected_rows = reference_rows(path, table.encoding)
        assert list(table.rows()) == expected_rows
        blocks = list(table.blocks())
        assert blocks and all(isinstance(b, RowBlock) for b in blocks)
        assert [row for b in blocks if isinstance(b, RowBlock) for row in b.rows()] == expected_rows

        records, problems, count = curves.parse_rows(blocks, table_columns(table), TODAY)
        slow_records, slow_problems = cell_by_cell(expected_rows)
        assert count == len(expected_rows)
        assert records == slow_records
        assert sorted(problems) == sorted(slow_problems)  # type: ignore[type-var]
        assert (problems == []) == (name == "plain")


def table_columns(table: TableFile):  # type: ignore[no-untyped-def]
    return match_columns("curves", table.headers)


def test_a_block_is_taken_column_by_column_only_when_every_row_is_good(tmp_path: Path) -> None:
    columns = match_columns("curves", HEADER)
    plain = RowBlock(2, [list(r) for r in PLAIN])
    parser = curves._FastParser(columns, TODAY)
    assert parser.take_columns(plain) == len(PLAIN)
    assert parser.records == cell_by_cell(list(plain.rows()))[0]
    assert parser.records[2].active_power_w == 10_000 and parser.records[2].voltage_b_dv == 5_000
    assert parser.records[3].active_power_w == 0  # 0.5 W: half to even, as round() does
    taken = []
    for tricky in TRICKY:
        block = RowBlock(2, [list(PLAIN[0]), list(tricky)])
        parser = curves._FastParser(columns, TODAY)
        records, problems = cell_by_cell(list(block.rows()))
        if parser.take_columns(block) is None:
            assert parser.records == []  # nothing taken from a block it refused
        else:
            assert (parser.records, problems) == (records, [])
            taken.append(tricky[:3])
    assert taken == [  # good, and in one step with the row above
        ["M003", "2026-11-20T01:00", "2"],
        ["M003", "20261120 01:15:00", "2"],
        ["M003", "2026年11月20日 01:30", "2"],
        [" M003 ", " 2026-11-20 01:45 ", " 3 "],
        ["M003", "2026-11-20 04:45", "\u3000 2\u3000"],
        ["M003", "2026-11-20 05:30", "2"],
    ]


def test_a_single_phase_block_leaves_phases_b_and_c_empty(tmp_path: Path) -> None:
    rows = [["M001", f"2026-11-20 0{h}:00", "0.5", *SINGLE] for h in range(4)]
    columns = match_columns("curves", HEADER)
    parser = curves._FastParser(columns, TODAY)
    assert parser.take_columns(RowBlock(2, rows)) == 4
    first = parser.records[0]
    assert (first.slot_start, first.voltage_a_dv, first.voltage_b_dv) == (
        datetime(2026, 11, 20),
        2_247,
        None,
    )
    assert (first.current_c_ma, first.power_factor_milli, first.complete) == (None, 951, True)
