"""Tariff imports that must be refused, each problem named with its row, column and reason:
bad cells, lines that do not fit their tariff's type, 峰谷 hours that leave a gap or overlap,
阶梯 tiers out of order, duplicates, disagreeing rows, schedules valid at once, and changes the
stored customers and prices forbid. Nothing is stored, and a schedule is never stored in part."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from console.archive.schema import HeaderError
from console.archive.validate import ROW, Problem
from db.models import Customer, Tariff, TariffPrice, TouPeriod
from tests.console.archive.test_import_tariffs import GOOD, HEADER

MODELS = (Tariff, TariffPrice, TouPeriod)


def tou(
    *lines: tuple[str, str], code: str = "GS-FG", valid_from: str = "2025-01-01"
) -> list[list[str]]:
    return [
        [code, "峰谷", "分时", "一般工商业", valid_from, "", period, hours, "", "", "0.5"]
        for period, hours in lines
    ]


def tiered(*lines: tuple[str, str], code: str = "JM-JT") -> list[list[str]]:
    return [
        [code, "阶梯", "阶梯", "居民", "2025-01-01", "", "全天", "", tier, limit, "0.5"]
        for tier, limit in lines
    ]


def together(code: str, valid_from: str = "2025-01-01") -> str:
    return f"the prices of 电价 {code} from {valid_from} are stored together"


def refused(files: Any, run_import: Any, snapshot: Any, rows: list[list[str]]) -> list[Problem]:
    """Import ``rows`` (after a good file): nothing may change; the problems."""
    run_import("tariffs", files.csv("good.csv", GOOD))
    before = [snapshot(model) for model in MODELS]
    result = run_import("tariffs", files.csv("bad.csv", [HEADER, *rows]))
    assert result.counts is None
    assert [snapshot(model) for model in MODELS] == before
    return list(result.problems)


def test_bad_cells_are_named(files: Any, run_import: Any, snapshot: Any) -> None:
    rows = [
        ["X1", "甲", "两部制", "居民", "2025-01-01", "", "", "", "", "", "0.5"],
        ["X2", "乙", "单一制", "居民", "2025-01-01", "", "", "", "", "", "-0.1"],
        ["X3", "丙", "单一制", "居民", "2025-01-01", "", "", "", "", "", "0.123456"],
        ["X4", "丁", "单一制", "居民", "2025-01-01", "", "", "", "", "", "538"],
        ["X5", "戊", "单一制", "居民", "2025-01-01", "2025-01-01", "", "", "", "", "0.5"],
        ["X6", "己", "单一制", "居民", "", "", "午", "", "", "", ""],
        ["X7", "庚", "分时", "居民", "2025-01-01", "", "峰", "8-11", "", "", "0.5"],
        ["X8", "辛", "分时", "居民", "2025-01-01", "", "峰", "08:00-24:30", "", "", "0.5"],
        ["X9", "壬", "阶梯", "居民", "2025-01-01", "", "", "", "4", "2760.5", "0.5"],
    ]
    problems = refused(files, run_import, snapshot, rows)
    assert [p for p in problems if p.row != 2] == [
        Problem(3, "电价(元/kWh)", "'-0.1': must not be negative"),
        Problem(4, "电价(元/kWh)", "'0.123456': more than 5 decimals"),
        Problem(5, "电价(元/kWh)", "'538': 100 元/kWh or more: is it in 分 or per MWh?"),
        Problem(
            6,
            "失效日期",
            "2025-01-01 is not after 生效日期 2025-01-01 (失效日期 is the first day the price no "
            "longer applies)",
        ),
        Problem(7, "生效日期", "missing required value"),
        Problem(7, "时段", "'午': unknown value (expected 全天/all, 尖 (尖峰)/sharp, 峰 (高峰)/peak, "
                "平 (平段)/flat, 谷 (低谷)/valley)"),
        Problem(7, "电价(元/kWh)", "missing required value"),
        Problem(8, "时间段", "'8-11': '8-11' is not a time window: expected e.g. 08:00-11:00;18:00-21:00"),
        Problem(9, "时间段", "'08:00-24:30': no such time in '08:00-24:30'"),
        Problem(10, "阶梯档", "'4': expected 0 (not tiered) or a tier 1 to 3"),
        Problem(10, "档上限(kWh)", "'2760.5': expected whole kWh a year, 1 to 999999999"),
    ]  # fmt: skip
    assert problems[0].row == 2 and problems[0].column == "电价类型"
    assert problems[0].reason.startswith("'两部制': unknown value (expected 单一制/flat,")


def test_lines_must_fit_their_tariff_type(files: Any, run_import: Any, snapshot: Any) -> None:
    rows = [
        ["F1", "单一", "单一制", "农业", "2025-01-01", "", "峰", "08:00-11:00", "2", "100", "0.5"],
        [
            "T1",
            "分时",
            "分时",
            "大工业",
            "2025-01-01",
            "",
            "全天",
            "00:00-24:00",
            "1",
            "100",
            "0.5",
        ],
        ["J1", "阶梯", "阶梯", "居民", "2025-01-01", "", "谷", "00:00-24:00", "0", "", "0.5"],
    ]
    assert refused(files, run_import, snapshot, rows) == [
        Problem(2, "时段", "a 单一制 tariff has one period, 全天"),
        Problem(2, "阶梯档", "only a 阶梯 tariff has tiers, this is 单一制"),
        Problem(2, "档上限(kWh)", "only the tiers of a 阶梯 tariff have a limit"),
        Problem(2, "时间段", "only a 分时 tariff has 时间段"),
        Problem(3, "时段", "a 分时 tariff prices 尖, 峰, 平 or 谷, not 全天"),
        Problem(3, "阶梯档", "only a 阶梯 tariff has tiers, this is 分时"),
        Problem(3, "档上限(kWh)", "only the tiers of a 阶梯 tariff have a limit"),
        Problem(4, "时段", "a 阶梯 tariff has one period, 全天"),
        Problem(4, "阶梯档", "a 阶梯 tariff's lines are tiers 1 to 3"),
        Problem(4, "时间段", "only a 分时 tariff has 时间段"),
    ]


def test_the_hours_of_a_tou_schedule_cover_the_day_exactly_once(
    files: Any, run_import: Any, snapshot: Any
) -> None:
    whole = "the 时间段 of a 分时 tariff cover the whole day exactly once"
    rows = [
        *tou(("峰", "08:00-12:00"), ("平", "11:00-18:00"), ("谷", "00:00-07:00;18:00-23:30")),
        *tou(("尖", ""), ("峰", ""), code="DG-FG"),
    ]
    assert refused(files, run_import, snapshot, rows) == [
        Problem(2, "时间段", f"nothing covers 07:00-08:00: {whole}"),
        Problem(2, "时间段", "11:00-12:00 is also in 11:00-18:00 of row 3"),
        Problem(3, "时间段", "11:00-12:00 is also in 08:00-12:00 of row 2"),
        Problem(4, "时间段", f"nothing covers 07:00-08:00: {whole}"),
        Problem(4, "时间段", f"nothing covers 23:30-24:00: {whole}"),
        Problem(5, "时间段", "a 分时 tariff needs 时间段 that cover the whole day (00:00-24:00)"),
        Problem(6, "时间段", "a 分时 tariff needs 时间段 that cover the whole day (00:00-24:00)"),
    ]


def test_tiers_are_consecutive_with_rising_limits_and_an_open_last(
    files: Any, run_import: Any, snapshot: Any
) -> None:
    rows = [
        *tiered(("1", "2760"), ("3", "4800")),
        *tiered(("1", "4800"), ("2", "2760"), ("3", "9000"), code="JM-2"),
        *tiered(("1", ""), ("2", ""), code="JM-3"),
    ]
    assert refused(files, run_import, snapshot, rows) == [
        Problem(2, "阶梯档", "tier 2 is missing: tiers are 1 to 3 without a gap"),
        Problem(3, "阶梯档", "tier 2 is missing: tiers are 1 to 3 without a gap"),
        Problem(3, "档上限(kWh)", "the last tier (3) is open: no 档上限"),
        # The rows of a schedule are stored together: the valid tier 1 of JM-2 is refused too.
        Problem(4, ROW, f"{together('JM-2')}: rows 5, 6 are invalid"),
        Problem(5, "档上限(kWh)", "2760 kWh is not above tier 1's 4800 kWh (row 4)"),
        Problem(6, "档上限(kWh)", "the last tier (3) is open: no 档上限"),
        Problem(7, "档上限(kWh)", "tier 1 needs a 档上限 (only the last tier, 2, is open)"),
        Problem(8, ROW, f"{together('JM-3')}: row 7 is invalid"),
    ]


def test_duplicates_and_disagreeing_rows_reject_every_row_concerned(
    files: Any, run_import: Any, snapshot: Any
) -> None:
    rows = [
        ["NY", "农业生产电价", "单一制", "农业", "2025-01-01", "", "全天", "", "", "", "0.509"],
        ["NY", "农业生产电价", "flat", "农业", "2025/01/01", "", "all", "", "0", "", "0.51"],
        ["NX", "农业", "单一制", "农业", "2025-01-01", "2026-01-01", "", "", "", "", "0.5"],
        ["NX", "农业电价", "阶梯", "居民", "2026-01-01", "", "", "", "", "", "0.5"],
        *tou(("峰", "00:00-12:00")),
        ["GS-FG", "峰谷", "分时", "一般工商业", "2025-01-01", "2027-01-01", "谷", "12:00-24:00", "", "", "0.3"],
    ]  # fmt: skip
    problems = refused(files, run_import, snapshot, rows)
    assert problems == [
        Problem(2, "时段", "全天 of 电价 NY from 2025-01-01 repeated on row 3"),
        Problem(3, "时段", "duplicate 全天 of 电价 NY from 2025-01-01 (also on row 2)"),
        Problem(4, "电价名称", "电价 NX is 农业 here, not 农业电价 as on row 5"),
        Problem(4, "电价类型", "电价 NX is 单一制 here, not 阶梯 as on row 5"),
        Problem(4, "用电类别", "电价 NX is 农业 here, not 居民 as on row 5"),
        Problem(5, "阶梯档", "a 阶梯 tariff's lines are tiers 1 to 3"),  # as the row says 阶梯
        Problem(5, "电价名称", "电价 NX is 农业电价 here, not 农业 as on row 4"),
        Problem(5, "电价类型", "电价 NX is 阶梯 here, not 单一制 as on row 4"),
        Problem(5, "用电类别", "电价 NX is 居民 here, not 农业 as on row 4"),
        Problem(6, "失效日期", "the prices of 电价 GS-FG from 2025-01-01 have 失效日期 (empty) "
                "here, not 2027-01-01 as on row 7"),
        Problem(7, "失效日期", "the prices of 电价 GS-FG from 2025-01-01 have 失效日期 2027-01-01 "
                "here, not (empty) as on row 6"),
    ]  # fmt: skip


def test_schedules_of_one_tariff_may_not_be_valid_at_the_same_time(
    files: Any, run_import: Any, snapshot: Any, session_factory: sessionmaker[Session]
) -> None:
    new_ny = ["NY", "农业生产电价", "单一制", "农业", "2025-07-01", "", "全天", "", "", "", "0.52"]
    assert refused(
        files,
        run_import,
        snapshot,
        [
            new_ny,
            *tou(("峰", "00:00-12:00"), ("谷", "12:00-24:00")),
            *tou(("峰", "00:00-10:00"), ("谷", "10:00-24:00"), valid_from="2026-01-01"),
        ],
    ) == [
        Problem(
            2,
            "生效日期",
            "the stored prices of 电价 NY from 2025-01-01 run without 失效日期: add them to this "
            "file with 失效日期 2025-07-01",
        ),
        *(
            Problem(
                row,
                "失效日期",
                "the prices from 2025-01-01 must end by 2026-01-01, when the prices from "
                "2026-01-01 start (失效日期 2026-01-01)",
            )
            for row in (3, 4)
        ),
    ]
    # The old prices closed in the same file: three schedules of NY.
    old_ny = ["NY", "农业生产电价", "单一制", "农业", "2025-01-01", "2025-07-01", "", "", "", "", "0.509"]  # fmt: skip
    result = run_import("tariffs", files.csv("ny.csv", [HEADER, old_ny, new_ny]))
    assert (result.problems, result.counts.updated, result.counts.new) == ((), 1, 1)
    with session_factory() as session:
        ny = session.query(Tariff).filter_by(code="NY").one()
        ends = session.query(TariffPrice.valid_from, TariffPrice.valid_to).filter_by(
            tariff_id=ny.id
        )
        assert sorted(ends) == [
            (date(2024, 7, 1), date(2025, 1, 1)),
            (date(2025, 1, 1), date(2025, 7, 1)),
            (date(2025, 7, 1), None),
        ]


def test_a_tariff_keeps_the_class_of_its_customers_and_the_type_of_its_other_prices(
    files: Any, run_import: Any, snapshot: Any, session_factory: sessionmaker[Session]
) -> None:
    run_import("tariffs", files.csv("good.csv", GOOD))
    with session_factory() as session, session.begin():
        gs = session.query(Tariff).filter_by(code="GS-FG").one()
        session.add_all(
            Customer(number=f"C{i}", name="店", address="街", customer_class="commercial",
                     tariff_id=gs.id)
            for i in range(2)
        )  # fmt: skip
    rows = [
        [*r[:3], "大工业", *r[4:]] for r in GOOD if r[0] == "GS-FG"
    ] + [  # NY as 阶梯 from 2025-01-01, its flat price from 2024-07-01 still stored
        ["NY", "农业生产电价", "阶梯", "农业", "2025-01-01", "", "", "", "1", "", "0.5"],
    ]
    problems = refused(files, run_import, snapshot, rows)
    assert problems == [
        *(
            Problem(row, "用电类别", "电价 GS-FG is the tariff of 2 一般工商业 customers: give "
                    "them another first")
            for row in (2, 3, 4)
        ),
        Problem(5, "电价类型", "电价 NY is stored as 单一制 with prices from 2024-07-01 that this "
                "file does not replace: a tariff keeps its type (replace those prices too, or "
                "give the new one another 电价代码)"),
    ]  # fmt: skip
    # A tariff no customer has may change its class.
    dg = [[*r[:3], "一般工商业", *r[4:]] for r in GOOD if r[0] == "DG-FG"]
    result = run_import("tariffs", files.csv("dg.csv", [HEADER, *dg]))
    assert (result.problems, result.counts.updated) == ((), 3)


def test_skip_invalid_stores_the_valid_schedules_and_reports_every_row_of_the_others(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [
        HEADER,
        *tou(("峰", "00:00-12:00"), ("谷", "12:00-23:00")),  # 23:00-24:00 uncovered
        ["NY", "农业生产电价", "单一制", "农业", "2025-01-01", "", "全天", "", "", "", "0.509"],
    ]
    report = tmp_path / "rejected.csv"
    result = run_import("tariffs", files.csv("t.csv", rows), skip_invalid=True, report=report)
    assert (result.rejected_rows, result.counts.new, result.report_rows) == (2, 1, 2)
    with session_factory() as session:
        assert [t.code for t in session.query(Tariff)] == ["NY"]
        assert session.query(TariffPrice).count() == 1
        assert session.query(TouPeriod).count() == 0
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].endswith(
        ",2,the prices of 电价 GS-FG from 2025-01-01 are stored together: row 3 is invalid"
    )
    assert lines[2].endswith(
        ",3,时间段: nothing covers 23:00-24:00: the 时间段 of a 分时 tariff cover the whole day "
        "exactly once"
    )


@pytest.mark.parametrize("column", ["电价代码", "生效日期", "电价(元/kWh)"])
def test_a_file_without_a_required_column_is_refused(
    files: Any, run_import: Any, column: str
) -> None:
    header = [name for name in HEADER if name != column]
    with pytest.raises(HeaderError, match=re.escape(f"missing required columns: {column}")):
        run_import("tariffs", files.csv("t.csv", [header]))
