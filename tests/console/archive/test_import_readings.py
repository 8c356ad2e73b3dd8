"""Daily-freeze imports: kWh become exact Wh, registers may not decrease from one freeze to the
next (in the file or against the database), unknown meters are reported, and importing the same
file again leaves the same daily_freeze rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.archive.validate import Problem
from db.models import DailyFreeze

HEADER = [
    "表计资产号",
    "冻结日期",
    "正向有功总(kWh)",
    "尖",
    "峰",
    "平",
    "谷",
    "反向有功总(kWh)",
    "抄读时间",
]
GOOD = [
    HEADER,
    [
        "M001",
        "2026-11-19",
        "1234.56",
        "0",
        "456.78",
        "400.00",
        "377.78",
        "0.00",
        "2026-11-19 00:15:08",
    ],
    ["M001", "2026-11-20", "1241.2", "0", "459.90", "402.50", "378.80", "0", "2026-11-20 00:15:11"],
    ["M003", "2026-11-20", "8702.75", "121.05", "3030.10", "2915.50", "2636.10", "", ""],
]
Snapshot = Callable[[type], list[tuple[Any, ...]]]


@pytest.fixture
def meters(org: Any, files: Any, run_import: Any) -> None:
    customers = [["户号", "户名", "用电地址", "用电类别"], ["C001", "户1", "某村", "居民"]]
    assert run_import("customers", files.csv("c.csv", customers)).complete
    rows = [
        ["表计资产号", "通信地址", "规约", "通道", "台区编号", "户号", "表计类型"],
        ["M001", "1", "dlt645-2007", "loop://demo/TQ0001", "TQ0001", "C001", "用户表"],
        ["M003", "3", "dlt645-2007", "loop://demo/TQ0001", "TQ0001", "", "考核表"],
    ]
    assert run_import("meters", files.csv("m.csv", rows)).complete


def freezes(session_factory: sessionmaker[Session]) -> dict[tuple[int, date], DailyFreeze]:
    with session_factory() as session:
        return {(f.meter_id, f.day): f for f in session.scalars(select(DailyFreeze))}


def meter_id(session_factory: sessionmaker[Session], asset_no: str) -> int:
    from db.queries.archive import meter_ids

    with session_factory() as session:
        return meter_ids(session, [asset_no])[asset_no]


@pytest.mark.usefixtures("meters")
@pytest.mark.parametrize("excel", [False, True])
def test_readings_are_stored_as_exact_wh(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], excel: bool
) -> None:
    if excel:  # numbers as Excel numbers, dates as Excel dates
        rows = [HEADER] + [
            [r[0], date.fromisoformat(r[1]), *(float(x) if x else None for x in r[2:8]), r[8]]
            for r in GOOD[1:]
        ]
        path = files.xlsx("r.xlsx", rows)
    else:
        path = files.csv("r.csv", GOOD, "gbk")
    result = run_import("readings", path)
    assert result.problems == ()
    assert (result.counts.new, result.counts.updated) == (3, 0)
    stored = freezes(session_factory)
    m1, m3 = meter_id(session_factory, "M001"), meter_id(session_factory, "M003")
    first = stored[(m1, date(2026, 11, 19))]
    assert (first.forward_active_wh, first.forward_sharp_wh, first.forward_peak_wh) == (
        1_234_560,
        0,
        456_780,
    )
    assert (first.forward_flat_wh, first.forward_valley_wh, first.reverse_active_wh) == (
        400_000,
        377_780,
        0,
    )
    assert first.collected_at == datetime(2026, 11, 19, 0, 15, 8)
    assert stored[(m1, date(2026, 11, 20))].forward_active_wh == 1_241_200
    summary = stored[(m3, date(2026, 11, 20))]
    assert (summary.forward_active_wh, summary.forward_sharp_wh) == (8_702_750, 121_050)
    assert summary.reverse_active_wh is None
    assert summary.collected_at == datetime(2026, 11, 20)  # no 抄读时间: 00:00 of the day


@pytest.mark.usefixtures("meters")
def test_reimport_leaves_the_same_daily_freeze_rows(
    files: Any, run_import: Any, snapshot: Snapshot
) -> None:
    path = files.csv("r.csv", GOOD)
    run_import("readings", path)
    stored = snapshot(DailyFreeze)
    assert len(stored) == 3
    again = run_import("readings", path)
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    assert snapshot(DailyFreeze) == stored
    corrected = [HEADER, [*GOOD[2][:2], "1241.30", *GOOD[2][3:]]]
    result = run_import("readings", files.csv("fix.csv", corrected))
    assert (result.counts.updated, len(snapshot(DailyFreeze))) == (1, 3)


@pytest.mark.usefixtures("meters")
def test_bad_rows_are_reported_and_nothing_is_stored(
    files: Any, run_import: Any, snapshot: Snapshot
) -> None:
    run_import("readings", files.csv("r.csv", GOOD))
    before = snapshot(DailyFreeze)
    path = files.csv(
        "bad.csv",
        [
            HEADER,
            ["M001", "2026-11-18", "1300.00", "", "", "", "", "", ""],  # above the stored 11-19
            [
                "M001",
                "2026-11-21",
                "1240.00",
                "",
                "450.00",
                "",
                "",
                "",
                "",
            ],  # below the stored 11-20
            ["M009", "2026-11-21", "1.00", "", "", "", "", "", ""],
            ["M003", "2026-11-21", "8800.0001", "", "", "", "", "", "2026-11-20 23:59:00"],
            ["M003", "2026-11-22", "9000", "", "", "", "", "", ""],
            ["M003", "2026-11-21", "8800.00", "200", "3100", "3000", "2600", "", ""],
            ["M003", "11/21/2026", "", "", "", "", "", "", ""],
        ],
    )
    result = run_import("readings", path)
    assert result.counts is None
    assert list(result.problems) == [
        Problem(
            2, "正向有功总(kWh)", "1300.00 kWh is more than the stored 1234.56 kWh of 2026-11-19"
        ),
        Problem(
            3, "正向有功总(kWh)", "1240.00 kWh is less than 1241.20 kWh of 2026-11-20 (stored)"
        ),
        Problem(3, "峰", "450.00 kWh is less than 459.90 kWh of 2026-11-20 (stored)"),
        Problem(4, "表计资产号", "unknown meter M009 (import the meters first)"),
        Problem(5, "正向有功总(kWh)", "'8800.0001': more than 3 decimals"),
        Problem(
            5, "抄读时间", "2026-11-20 23:59:00 is before the freeze itself (00:00 of 2026-11-21)"
        ),
        Problem(5, "冻结日期", "freeze of M003 on 2026-11-21 repeated on row 7"),
        Problem(6, "冻结日期", "2026-11-22 is in the future"),
        Problem(
            7,
            "正向有功总(kWh)",
            "the tariff registers add up to 8900.00 kWh, more than the total 8800.00 kWh",
        ),
        Problem(7, "冻结日期", "duplicate freeze of M003 on 2026-11-21 (also on row 5)"),
        Problem(8, "冻结日期", "'11/21/2026': expected a date like 2026-11-21"),
        Problem(8, "正向有功总(kWh)", "missing required value"),
    ]
    assert snapshot(DailyFreeze) == before


@pytest.mark.usefixtures("meters")
def test_a_decrease_between_two_rows_of_the_file_blames_the_later_day(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], tmp_path: Any
) -> None:
    path = files.csv(
        "r.csv",
        [
            ["表计资产号", "冻结日期", "正向有功总(kWh)"],
            ["M001", "2026-11-20", "100.00"],
            ["M001", "2026-11-18", "90.00"],
            ["M001", "2026-11-19", "80.00"],  # lower than the 18th (row 3), which is the day before
        ],
    )
    result = run_import("readings", path, skip_invalid=True, report=tmp_path / "rep.csv")
    assert [str(p) for p in result.problems] == [
        "row 4, 正向有功总(kWh): 80.00 kWh is less than 90.00 kWh of 2026-11-18 (row 3)"
    ]
    assert (result.counts.new, result.rejected_rows) == (2, 1)
    m1 = meter_id(session_factory, "M001")
    assert sorted(day for _, day in freezes(session_factory)) == [
        date(2026, 11, 18),
        date(2026, 11, 20),
    ]
    assert freezes(session_factory)[(m1, date(2026, 11, 18))].forward_active_wh == 90_000


@pytest.mark.usefixtures("meters")
def test_columns_the_file_lacks_keep_the_stored_registers_and_time(
    files: Any, run_import: Any, session_factory: sessionmaker[Session]
) -> None:
    run_import("readings", files.csv("r.csv", GOOD))
    totals_only = [
        ["资产号", "日期", "正向有功总"],
        ["M001", "2026-11-20", "1241.25"],
        ["M001", "2026-11-21", "1250"],
    ]
    result = run_import("readings", files.csv("t.csv", totals_only))
    assert (result.problems, result.counts.new, result.counts.updated) == ((), 1, 1)
    m1 = meter_id(session_factory, "M001")
    stored = freezes(session_factory)
    updated, new = stored[(m1, date(2026, 11, 20))], stored[(m1, date(2026, 11, 21))]
    assert (updated.forward_active_wh, updated.forward_peak_wh) == (1_241_250, 459_900)
    assert updated.collected_at == datetime(2026, 11, 20, 0, 15, 11)
    assert (new.forward_active_wh, new.forward_peak_wh, new.collected_at) == (
        1_250_000,
        None,
        datetime(2026, 11, 21),
    )
