"""Curve imports: 15-minute points in the stored units, quarter hours and plausible values only
(each problem with its row and column), phases B and C empty on single-phase meters, stored
through the ingest path (rollups and change events follow), and idempotent re-imports."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.archive import curves
from console.archive.reader import SourceRow
from console.archive.schema import match_columns
from console.archive.validate import Problem, RowCells
from db import changes, rollups
from db.ingest import IntervalRow, upsert_interval_readings
from db.models import IntervalReading, RollupCurve, RollupDay, RollupMonth
from tests.console.archive.conftest import TODAY
from tests.console.archive.test_import_readings import meter_id

HEADER = [
    "表计资产号",
    "数据时间",
    "有功功率(kW)",
    "A相电压(V)",
    "B相电压(V)",
    "C相电压(V)",
    "A相电流(A)",
    "B相电流(A)",
    "C相电流(A)",
    "功率因数",
]
GOOD = [
    HEADER,
    ["M003", "2026-11-20 00:00", "18.524", "228.1", "227.6", "229.0", "27.150", "26.880", "28.020", "0.935"],
    ["M003", "2026-11-20 00:15", "-1.5", "228.4", "227.9", "229.2", "2.31", "2.1", "2.24", "-0.5"],
    ["M001", "2026-11-20 00:00", "0.412", "224.7", "", "", "1.930", "", "", "0.951"],
    ["M001", "2026-11-20 00:15:00", "1,200.5", "224.9", "", "", "1.82", "", "", ""],
]  # fmt: skip
Snapshot = Callable[[type], list[tuple[Any, ...]]]


@pytest.fixture
def meters(org: Any, files: Any, run_import: Any) -> None:
    """M001: a single-phase customer meter; M003: the three-phase summary meter of TQ0001."""
    customers = [["户号", "户名", "用电地址", "用电类别"], ["C001", "户1", "某村", "居民"]]
    assert run_import("customers", files.csv("c.csv", customers)).complete
    rows = [
        ["表计资产号", "通信地址", "规约", "通道", "台区编号", "户号", "表计类型", "相数"],
        ["M001", "1", "dlt645-2007", "loop://demo/TQ0001", "TQ0001", "C001", "用户表", "单相"],
        ["M003", "3", "dlt645-2007", "loop://demo/TQ0001", "TQ0001", "", "考核表", "三相"],
    ]
    assert run_import("meters", files.csv("m.csv", rows)).complete


def points(session_factory: sessionmaker[Session]) -> dict[tuple[int, datetime], IntervalReading]:
    with session_factory() as session:
        return {(p.meter_id, p.slot_start): p for p in session.scalars(select(IntervalReading))}


@pytest.mark.usefixtures("meters")
@pytest.mark.parametrize("excel", [False, True])
def test_points_are_stored_in_the_database_units(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], excel: bool
) -> None:
    if excel:  # numbers as Excel numbers, times as Excel date-times
        rows = [HEADER] + [
            [
                r[0],
                datetime.fromisoformat(r[1]),
                *(float(x.replace(",", "")) if x else None for x in r[2:]),
            ]
            for r in GOOD[1:]
        ]
        path = files.xlsx("c.xlsx", rows)
    else:
        path = files.csv("c.csv", GOOD, "gbk")
    result = run_import("curves", path)
    assert result.problems == ()
    assert (result.counts.new, result.counts.updated, result.rows_read) == (4, 0, 4)
    stored = points(session_factory)
    m1, m3 = meter_id(session_factory, "M001"), meter_id(session_factory, "M003")
    first = stored[(m3, datetime(2026, 11, 20))]
    assert (first.active_power_w, first.voltage_a_dv, first.voltage_b_dv, first.voltage_c_dv) == (
        18_524,
        2_281,
        2_276,
        2_290,
    )
    assert (first.current_a_ma, first.current_b_ma, first.current_c_ma) == (27_150, 26_880, 28_020)
    assert (first.power_factor_milli, first.forward_active_wh) == (935, None)
    assert first.read_at == datetime(2026, 11, 20, 0, 15)  # the slot's end
    back = stored[(m3, datetime(2026, 11, 20, 0, 15))]
    assert (back.active_power_w, back.power_factor_milli) == (-1_500, -500)
    single = stored[(m1, datetime(2026, 11, 20, 0, 15))]
    assert (single.active_power_w, single.voltage_a_dv, single.current_a_ma) == (
        1_200_500,
        2_249,
        1_820,
    )
    assert (single.voltage_b_dv, single.current_c_ma, single.power_factor_milli) == (
        None,
        None,
        None,
    )


@pytest.mark.usefixtures("meters")
def test_bad_rows_are_named_with_row_column_and_reason_and_nothing_is_stored(
    files: Any, run_import: Any, snapshot: Snapshot
) -> None:
    run_import("curves", files.csv("c.csv", GOOD))
    before = snapshot(IntervalReading)
    bad = [
        HEADER,
        ["M003", "2026-11-20 00:10", "1", "", "", "", "", "", "", ""],
        ["M003", "2026-11-20 00:30:30", "1", "", "", "", "", "", "", ""],
        ["M003", "2026-11-20 00:45", "1", "2281", "", "", "", "", "", ""],
        ["M003", "2026-11-20 01:00", "", "", "", "", "", "", "", "1.2"],
        ["M001", "2026-11-20 01:00", "0.5", "220", "221", "", "", "", "", ""],
        ["M009", "2026-11-20 01:00", "0.5", "", "", "", "", "", "", ""],
        ["M003", "2026-11-22 00:00", "abc", "", "", "", "", "", "", ""],
        ["M003", "2026-11-20 01:15", "2", "", "", "", "-1", "", "", ""],
        ["M003", "2026-11-20 01:15", "2", "", "", "", "", "", "", ""],
        ["M003", "2026-11-20 01:30", "nan", "", "", "", "", "", "", ""],
        ["M003", "2026-11-20 01:45", "1", "", "", "", "", "", "", "", "x"],
    ]
    result = run_import("curves", files.csv("bad.csv", bad))
    assert result.counts is None and result.rejected_rows == 11
    quarter = "not on a quarter hour (curve points are at :00, :15, :30 and :45)"
    assert list(result.problems) == [
        Problem(2, "数据时间", f"'2026-11-20 00:10': {quarter}"),
        Problem(3, "数据时间", f"'2026-11-20 00:30:30': {quarter}"),
        Problem(4, "A相电压(V)", "'2281': must be between 0 and 500 V"),
        Problem(5, "有功功率(kW)", "missing required value"),
        Problem(5, "功率因数", "'1.2': must be between -1 and 1"),
        Problem(6, "B相电压(V)", "meter M001 is single-phase: leave phases B and C empty"),
        Problem(7, "表计资产号", "unknown meter M009 (import the meters first)"),
        Problem(8, "有功功率(kW)", "'abc': not a number"),
        Problem(8, "数据时间", "2026-11-22 00:00:00 is in the future"),
        Problem(9, "数据时间", "point of M003 at 2026-11-20 01:15 repeated on row 10"),
        Problem(10, "数据时间", "duplicate point of M003 at 2026-11-20 01:15 (also on row 9)"),
        Problem(11, "有功功率(kW)", "'nan': not a number"),
        Problem(12, "(row)", "values in column(s) 11, which have no header"),
    ]
    assert snapshot(IntervalReading) == before


@pytest.mark.usefixtures("meters")
def test_skip_invalid_stores_the_good_points_and_reports_the_others(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [*GOOD, ["M003", "2026-11-20 00:20", "1", "", "", "", "", "", "", ""]]
    report = tmp_path / "c.rejected.csv"
    result = run_import("curves", files.csv("c.csv", rows), skip_invalid=True, report=report)
    assert (result.counts.new, result.rejected_rows, result.report_rows) == (4, 1, 1)
    assert len(points(session_factory)) == 4
    with report.open(encoding="utf-8-sig", newline="") as stream:
        written = list(csv.reader(stream))
    assert written[0] == [*HEADER, "rejected_row", "reason"]
    assert written[1][:2] == ["M003", "2026-11-20 00:20"]
    assert written[1][-2] == "6" and written[1][-1].startswith(
        "数据时间: '2026-11-20 00:20': not on"
    )


@pytest.mark.usefixtures("meters")
def test_reimport_changes_nothing_and_a_corrected_value_updates_one_point(
    files: Any, run_import: Any, snapshot: Snapshot
) -> None:
    path = files.csv("c.csv", GOOD)
    run_import("curves", path)
    stored = snapshot(IntervalReading)
    again = run_import("curves", path)
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 0, 4)
    assert snapshot(IntervalReading) == stored
    corrected = [HEADER, [*GOOD[1][:3], "230.0", *GOOD[1][4:]]]
    result = run_import("curves", files.csv("fix.csv", corrected))
    assert (result.counts.new, result.counts.updated) == (0, 1)
    after = snapshot(IntervalReading)
    assert len(after) == 4 and after != stored


@pytest.mark.usefixtures("meters")
def test_english_headers_and_a_file_without_some_columns_keep_the_stored_values(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], snapshot: Snapshot
) -> None:
    m3 = meter_id(session_factory, "M003")
    slot = datetime(2026, 11, 20, 0, 0)
    collected = IntervalRow(m3, slot, 9_000, 123_456_000, datetime(2026, 11, 20, 0, 16), 2_300)
    with session_factory() as session, session.begin():
        upsert_interval_readings(session, [collected])
    english = [
        ["asset_no", "time", "active_power_kw", "Ia"],
        ["M003", "2026-11-20T00:00", "18.5", "27"],
        ["M003", "2026/11/20 00:15", "18", ""],
    ]
    result = run_import("curves", files.csv("en.csv", english))
    assert (result.problems, result.counts.new, result.counts.updated) == ((), 1, 1)
    stored = points(session_factory)
    point = stored[(m3, slot)]
    # The file had no voltage column and no register: the collected values stay.
    assert (point.active_power_w, point.current_a_ma, point.voltage_a_dv) == (18_500, 27_000, 2_300)
    assert (point.forward_active_wh, point.read_at) == (123_456_000, datetime(2026, 11, 20, 0, 16))
    assert stored[(m3, datetime(2026, 11, 20, 0, 15))].voltage_a_dv is None
    # Slots that held a collected point: the rollups are refreshed from the stored points.
    imported = [snapshot(model) for model in (RollupCurve, RollupDay, RollupMonth)]
    assert {r[3] for r in imported[0] if r[2] == slot} == {18_500}
    with session_factory() as session, session.begin():
        rollups.recompute_all(session)
    assert [snapshot(model) for model in (RollupCurve, RollupDay, RollupMonth)] == imported


@pytest.mark.usefixtures("meters")
def test_an_import_publishes_its_change_after_commit_and_the_rollups_follow(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], snapshot: Snapshot
) -> None:
    published: list[changes.Change] = []
    disconnect = changes.on_commit(session_factory, lambda found, _token: published.extend(found))
    try:
        result = run_import("curves", files.csv("bad.csv", [*GOOD, ["M009", *GOOD[1][1:]]]))
        assert result.counts is None and published == []  # nothing stored, nothing said
        run_import("curves", files.csv("c.csv", GOOD))
    finally:
        disconnect()
    m1, m3 = meter_id(session_factory, "M001"), meter_id(session_factory, "M003")
    assert published == [
        changes.CurvesStored(
            datetime(2026, 11, 20, 0, 0), datetime(2026, 11, 20, 0, 15), 4, tuple(sorted((m1, m3)))
        )
    ]
    imported = [snapshot(model) for model in (RollupCurve, RollupDay, RollupMonth)]
    curve = {(r[0], r[2]): r[3] for r in imported[0]}  # level, slot → power (summary meter only)
    assert curve[("station", datetime(2026, 11, 20, 0, 0))] == 18_524
    assert curve[("county", datetime(2026, 11, 20, 0, 15))] == -1_500
    with session_factory() as session, session.begin():
        rollups.recompute_all(session)
    assert [snapshot(model) for model in (RollupCurve, RollupDay, RollupMonth)] == imported


def test_the_fast_parser_agrees_with_the_cell_by_cell_one() -> None:
    columns = match_columns("curves", HEADER)
    rows = [SourceRow(n, tuple(cells)) for n, cells in enumerate(GOOD[1:], start=2)]
    rows.append(SourceRow(6, ("M003", "2026-11-20 00:30", "1e1", "0", "", "500", "", "", "", "1")))
    fast, problems, count = curves.parse_rows(rows, columns, TODAY)
    slow = [curves.parse_row(RowCells(row, columns), TODAY) for row in rows]
    assert (problems, count) == ([], 5)
    assert fast == slow
    assert fast[-1].active_power_w == 10_000 and fast[-1].voltage_c_dv == 5_000


def test_rows_waiting_for_numpy_keep_their_order_across_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(curves, "CHUNK_ROWS", 2)
    columns = match_columns("curves", HEADER)
    filled = ["228", "229", "230", "1", "2", "3", "0.9"]
    cells = [
        ["M003", "2026-11-20 00:00", "1", *filled],
        ["M003", "2026-11-20 00:15", "1", "600", *filled[1:]],  # out of range: numpy says so
        ["M001", "2026-11-20 00:15", "1", "220", "", "", "1", "", "", ""],  # empty cells
        ["M003", "2026-11-20 00:30", "x", *filled],  # not a number: at once
        ["M003", "2026-11-20 00:45", "2", *filled],
        ["M003", "2026-11-20 01:00", "3", *filled[:-1], "-1.5"],
        ["M003", "2026-11-20 01:15", "4", *filled],
        ["", "2026-11-20 01:30", "4", *filled],  # no meter
        ["M 3", "2026-11-20 01:30", "4", *filled],
    ]
    rows = [SourceRow(n, tuple(c)) for n, c in enumerate(cells, start=2)]
    fast, problems, count = curves.parse_rows(rows, columns, TODAY)
    slow_cells = [RowCells(row, columns) for row in rows]
    slow = [curves.parse_row(c, TODAY) for c in slow_cells]
    assert count == 9 and [r.row for r in fast] == [2, 3, 4, 5, 6, 7, 8]
    assert fast == [r for r in slow if r is not None]
    assert sorted(problems) == sorted(p for c in slow_cells for p in c.problems)
    assert [(p.row, p.reason) for p in sorted(problems) if p.row > 8] == [
        (9, "missing required value"),
        (10, "'M 3': must not contain spaces"),
    ]
    assert [p.row for p in sorted(problems)] == [3, 5, 7, 9, 10]


def test_values_are_rounded_to_the_stored_unit_like_collection() -> None:
    columns = match_columns("curves", ["资产号", "时间", "有功功率", "Ua", "Ia", "功率因数"])
    row = SourceRow(2, ("M003", "2026-11-20", "1.23456", "220.04", "0.0005", "0.9385"))
    (record,), problems, _n = curves.parse_rows([row], columns, date(2026, 11, 21))
    assert problems == []
    # 0.0005 A is 0.5 mA: half to even, as round() does in collection.
    assert (record.active_power_w, record.voltage_a_dv, record.current_a_ma) == (1_235, 2_200, 0)
    assert record.power_factor_milli == 938
