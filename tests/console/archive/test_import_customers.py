"""Customer archive imports: every encoding and Excel store the same customers; bad rows are
reported by row, column and reason; a file is stored whole or not at all (or, with
``skip_invalid``, its valid rows plus a report); re-imports are idempotent and count updates."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.archive.schema import HeaderError
from console.archive.validate import Problem
from db.models import Customer

HEADER = [
    "户号",
    "户名",
    "用电地址",
    "用电类别",
    "联系电话",
    "台区编号",
    "电价代码",
    "重要客户",
    "保供",
    "经度",
    "纬度",
    "立户日期",
]
GOOD = [
    HEADER,
    [
        "3100019001",
        "张建国",
        "青山镇人民路18号",
        "居民",
        "13812345678",
        "TQ0001",
        "JM-01",
        "否",
        "否",
        "119.412345",
        "29.876543",
        "2015-06-01",
    ],
    [
        "3100019002",
        "青山镇卫生院",
        "青山镇人民路40号",
        "一般工商业",
        "0571-88881234",
        "TQ0001",
        "SY-01",
        "是",
        "是",
        "",
        "",
        "",
    ],
    [
        "0003100019",
        "李秀英",
        "青山镇东村5号",
        "residential",
        "",
        "",
        "",
        "",
        "Y",
        "",
        "",
        "2020/1/5",
    ],
]
Snapshot = Callable[[type], list[tuple[Any, ...]]]


def customers(session_factory: sessionmaker[Session]) -> dict[str, Customer]:
    with session_factory() as session:
        return {c.number: c for c in session.scalars(select(Customer))}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "xlsx"])
def test_a_good_file_in_any_encoding_or_excel_stores_the_customers(
    org: Any,
    files: Any,
    run_import: Any,
    session_factory: sessionmaker[Session],
    encoding: str,
) -> None:
    if encoding == "xlsx":
        path = files.xlsx("book.xlsx", GOOD)
    else:
        path = files.csv(f"{encoding}.csv", GOOD, encoding)
    result = run_import("customers", path)
    assert result.problems == ()
    assert result.complete
    assert (result.rows_read, result.counts.new, result.counts.updated) == (3, 3, 0)
    stored = customers(session_factory)
    assert set(stored) == {"3100019001", "3100019002", "0003100019"}  # leading zeros kept
    first, clinic, third = stored["3100019001"], stored["3100019002"], stored["0003100019"]
    assert (first.name, first.address, first.customer_class) == (
        "张建国",
        "青山镇人民路18号",
        "residential",
    )
    assert (first.longitude, first.latitude, first.opened_on) == (
        119.412345,
        29.876543,
        date(2015, 6, 1),
    )
    assert first.tariff_id == org.tariff_ids["JM-01"]
    assert (clinic.customer_class, clinic.important, clinic.vulnerable) == (
        "commercial",
        True,
        True,
    )
    assert clinic.phone == "0571-88881234"
    assert (third.phone, third.important, third.vulnerable, third.opened_on) == (
        None,
        False,
        True,
        date(2020, 1, 5),
    )


def test_bad_rows_are_reported_with_row_column_and_reason(
    org: Any, files: Any, run_import: Any, snapshot: Snapshot
) -> None:
    before = snapshot(Customer)
    path = files.csv(
        "bad.csv",
        [
            HEADER,
            ["3100019001", "张建国", "地址", "居民", "", "", "", "", "", "", "", ""],
            ["3100019002", "", "地址", "工业", "abc", "TQ9999", "", "也许", "", "200", "30", ""],
            ["3100019003", "王五", "地址", "大工业", "", "", "JM-01", "", "", "", "", "2030-01-01"],
            ["3100019001", "张建国", "地址", "居民", "", "", "XX-99", "", "", "120", "", ""],
        ],
    )
    result = run_import("customers", path)
    assert result.counts is None
    assert list(result.problems) == [
        Problem(2, "户号", "户号 3100019001 repeated on row 5"),
        Problem(3, "户名", "missing required value"),
        Problem(
            3,
            "用电类别",
            "'工业': unknown value (expected 居民/residential, 一般工商业/commercial, 大工业/industrial, 农业/agricultural)",
        ),
        Problem(3, "联系电话", "'abc': expected a phone number (digits, spaces, + - and brackets)"),
        Problem(3, "重要客户", "'也许': expected 是/否 (yes/no, 1/0)"),
        Problem(3, "经度", "'200': must be between -180 and 180 degrees"),
        Problem(3, "台区编号", "unknown 台区 TQ9999 (not in the database)"),
        Problem(4, "立户日期", "2030-01-01 is in the future"),
        Problem(
            4, "电价代码", "tariff JM-01 is for residential customers, this customer is industrial"
        ),
        Problem(5, "纬度", "longitude and latitude go together: give both or neither"),
        Problem(5, "户号", "duplicate 户号 3100019001 (also on row 2)"),
        Problem(5, "电价代码", "unknown tariff XX-99 (not in the database)"),
    ]
    assert result.rejected_rows == 4
    assert snapshot(Customer) == before


def test_a_bad_last_row_stores_nothing(
    org: Any, files: Any, run_import: Any, snapshot: Snapshot
) -> None:
    run_import("customers", files.csv("first.csv", GOOD[:2]))
    before = snapshot(Customer)
    changed = [GOOD[1][:3] + ["一般工商业"] + GOOD[1][4:6] + [""] * 6]
    path = files.csv("f.csv", [HEADER, *changed, GOOD[2], [*GOOD[3][:3], "", *GOOD[3][4:]]])
    result = run_import("customers", path)
    assert result.counts is None
    assert [(p.row, p.column) for p in result.problems] == [(4, "用电类别")]
    assert snapshot(Customer) == before


def test_skip_invalid_stores_the_good_rows_and_reports_the_rest(
    org: Any, files: Any, run_import: Any, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    bad = ["3100019004", "赵六", "地址", "商业", "", "", "", "", "", "", "", ""]
    path = files.csv("mixed.csv", [HEADER, GOOD[1], bad, GOOD[2]], "gbk")
    report = tmp_path / "out" / "mixed.rejected.csv"
    result = run_import("customers", path, skip_invalid=True, report=report)
    assert (result.counts.new, result.rejected_rows, result.report_rows) == (2, 1, 1)
    assert not result.complete
    assert set(customers(session_factory)) == {"3100019001", "3100019002"}
    assert report.read_bytes().startswith(b"\xef\xbb\xbf")
    with report.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == [*HEADER, "rejected_row", "reason"]
    assert rows[1] == [
        *bad,
        "3",
        "用电类别: '商业': unknown value (expected 居民/residential, 一般工商业/commercial, 大工业/industrial, 农业/agricultural)",
    ]
    # The report, corrected, imports as it is.
    rows[1][3] = "一般工商业"
    fixed = files.csv("fixed.csv", rows, "utf-8-sig")
    again = run_import("customers", fixed)
    assert (again.problems, again.counts.new) == ((), 1)


def test_reimport_is_idempotent_and_changes_count_as_updates(
    org: Any,
    files: Any,
    run_import: Any,
    session_factory: sessionmaker[Session],
    snapshot: Snapshot,
) -> None:
    path = files.csv("c.csv", GOOD)
    run_import("customers", path)
    stored = snapshot(Customer)
    again = run_import("customers", path)
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    assert snapshot(Customer) == stored
    moved = [HEADER, [*GOOD[1][:3], "农业", *GOOD[1][4:6], "", *GOOD[1][7:]], GOOD[2]]
    result = run_import("customers", files.csv("d.csv", moved))
    assert (result.counts.new, result.counts.updated, result.counts.unchanged) == (0, 1, 1)
    assert customers(session_factory)["3100019001"].customer_class == "agricultural"
    assert len(snapshot(Customer)) == 3


def test_a_column_the_file_lacks_keeps_stored_values_an_empty_cell_clears(
    org: Any, files: Any, run_import: Any, session_factory: sessionmaker[Session]
) -> None:
    run_import("customers", files.csv("c.csv", GOOD[:2]))
    phones = files.csv(
        "p.csv",
        [
            ["customer_number", "customer_name", "address", "customer_class", "phone"],
            ["3100019001", "张建国", "青山镇人民路18号", "居民", "13900000000"],
        ],
    )
    assert run_import("customers", phones).counts.updated == 1
    first = customers(session_factory)["3100019001"]
    assert (first.phone, first.longitude, first.tariff_id) == (
        "13900000000",
        119.412345,
        org.tariff_ids["JM-01"],
    )
    cleared = files.csv("e.csv", [[*HEADER[:5], "经度", "纬度"], [*GOOD[1][:4], "", "", ""]])
    assert run_import("customers", cleared).counts.updated == 1
    first = customers(session_factory)["3100019001"]
    assert (first.phone, first.longitude, first.latitude) == (None, None, None)
    assert first.tariff_id == org.tariff_ids["JM-01"]


def test_unknown_and_missing_columns_stop_before_any_row(
    org: Any, files: Any, run_import: Any
) -> None:
    path = files.csv("h.csv", [["户号", "户名", "客户等级"], ["1", "x", "A"]])
    with pytest.raises(
        HeaderError,
        match=r"unknown column '客户等级' .*missing required columns: 用电地址 \(address\), 用电类别",
    ):
        run_import("customers", path)
    with pytest.raises(HeaderError, match="empty"):
        run_import("customers", files.csv("empty.csv", []))
