"""Concentrator archive imports: the Q/GDW 1376.1 address (行政区划码 + 终端地址) is checked and
kept unique, the 台区 must exist, concentrators are upserted by 资产号."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.archive.validate import Problem
from db.models import Concentrator, Meter, MeterRole, TransformerArea

HEADER = ["集中器资产号", "台区编号", "行政区划码", "终端地址", "通道", "型号", "厂家", "安装日期"]
GOOD = [
    HEADER,
    ["CJQ0002", "TQ0002", "3301", "2", "", "DJGZ23", "青山电气", "2019-08-10"],
    ["CJQ0003", "TQ0002", "3301", "0x0011", "tcp://10.0.0.3:9001", "DJGZ22", "", ""],
    ["CJQ0004", "TQ0001", "3302", "65535", "", "", "", "2020/1/2"],
]
Snapshot = Callable[[type], list[tuple[Any, ...]]]


def stored(session_factory: sessionmaker[Session]) -> dict[str, tuple[Any, ...]]:
    with session_factory() as session:
        return {
            c.asset_no: (
                c.transformer_area_id,
                c.district_code,
                c.terminal_address,
                c.link_url,
                c.model,
                c.manufacturer,
                c.install_date,
                c.status,
                c.online,
            )
            for c in session.scalars(select(Concentrator))
        }


@pytest.mark.parametrize("excel", [False, True])
def test_a_good_file_stores_concentrators_with_their_address(
    org: Any, files: Any, run_import: Any, session_factory: sessionmaker[Session], excel: bool
) -> None:
    path = files.xlsx("c.xlsx", GOOD) if excel else files.csv("c.csv", GOOD, "gbk")
    result = run_import("concentrators", path)
    assert result.problems == ()
    assert result.counts.new == 3
    tq1, tq2 = org.area_ids["TQ0001"], org.area_ids["TQ0002"]
    got = stored(session_factory)
    assert got["CJQ0002"] == (
        tq2, "3301", 2, None, "DJGZ23", "青山电气", date(2019, 8, 10), "active", False
    )  # fmt: skip
    assert got["CJQ0003"] == (
        tq2, "3301", 17, "tcp://10.0.0.3:9001", "DJGZ22", None, None, "active", False
    )  # fmt: skip
    assert got["CJQ0004"][:3] == (tq1, "3302", 65535)
    assert got["CJQ0004"][6] == date(2020, 1, 2)
    assert got["CJQ0001"][:3] == (tq1, "3301", 1)  # the fixture's, untouched


def test_a_reimport_changes_nothing_and_english_headers_update(
    org: Any,
    files: Any,
    run_import: Any,
    session_factory: sessionmaker[Session],
    snapshot: Snapshot,
) -> None:
    assert run_import("concentrators", files.csv("c.csv", GOOD)).complete
    before = snapshot(Concentrator)
    again = run_import("concentrators", files.csv("c.csv", GOOD))
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    assert snapshot(Concentrator) == before
    english = [
        ["asset_no", "area_code", "district_code", "terminal_address", "model"],
        ["CJQ0002", "TQ0002", "3301", "0002H", "DJGZ23-II"],
        ["CJQ0004", "TQ0001", "3302", "65535", ""],
    ]
    result = run_import("concentrators", files.csv("en.csv", english))
    assert (result.counts.updated, result.counts.unchanged) == (1, 1)
    got = stored(session_factory)
    assert got["CJQ0002"][4:6] == ("DJGZ23-II", "青山电气")  # no 厂家 column: kept
    assert got["CJQ0004"][4] is None


def test_bad_rows_name_their_problem_and_nothing_is_stored(
    org: Any, files: Any, run_import: Any, snapshot: Snapshot
) -> None:
    before = snapshot(Concentrator)
    bad = [
        HEADER,
        ["CJQ0010", "TQ0001", "33A1", "5", "", "", "", ""],
        ["CJQ0011", "TQ0001", "3301", "0", "", "", "", ""],
        ["CJQ0012", "TQ0001", "3301", "70000", "", "", "", ""],
        ["CJQ0013", "TQ9999", "3301", "6", "", "", "", ""],
        ["CJQ0014", "TQ0001", "3301", "1", "", "", "", ""],
        ["CJQ0015", "TQ0002", "3301", "7", "", "", "", ""],
        ["CJQ0016", "TQ0002", "3301", "7", "", "", "", ""],
        ["CJQ0017", "TQ0002", "3301", "8", "http://x", "", "", "2027-01-01"],
        ["CJQ0018", "TQ0002", "3301", "9", "", "", "", ""],
        ["CJQ0018", "TQ0002", "3301", "10", "", "", "", ""],
    ]
    result = run_import("concentrators", files.csv("bad.csv", bad))
    assert result.counts is None
    reasons = {(p.row, p.column): p.reason for p in result.problems}
    assert reasons == {
        (2, "行政区划码"): "'33A1': expected 4 digits (行政区划码, e.g. 3301)",
        (3, "终端地址"): "'0': must be between 1 and 65535",
        (4, "终端地址"): "'70000': must be between 1 and 65535",
        (5, "台区编号"): "unknown 台区 TQ9999 (import the org file first)",
        (6, "终端地址"): "3301-00001 is concentrator CJQ0001's in the database (give that one "
        "its new address first, in a file of its own)",
        (7, "终端地址"): "address 3301-00007 repeated on row 8",
        (8, "终端地址"): "duplicate address 3301-00007 (also on row 7)",
        (9, "通道"): reasons[(9, "通道")],
        (9, "安装日期"): "2027-01-01 is in the future",
        (10, "集中器资产号"): "集中器资产号 CJQ0018 repeated on row 11",
        (11, "集中器资产号"): "duplicate 集中器资产号 CJQ0018 (also on row 10)",
    }
    assert "unknown link scheme http://" in reasons[(9, "通道")]
    assert result.rejected_rows == 10
    assert snapshot(Concentrator) == before


def test_skip_invalid_stores_the_valid_rows(
    org: Any, files: Any, run_import: Any, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [*GOOD, ["CJQ0009", "TQ0001", "3301", "abc", "", "", "", ""]]
    report = tmp_path / "r.csv"
    result = run_import("concentrators", files.csv("c.csv", rows), skip_invalid=True, report=report)
    assert (result.counts.new, result.rejected_rows, result.report_rows) == (3, 1, 1)
    assert "CJQ0009" not in stored(session_factory)
    assert "终端地址: 'abc': expected a number 1-65535" in report.read_text(encoding="utf-8-sig")


def test_a_concentrator_cannot_leave_its_meters_in_the_old_area(
    org: Any, files: Any, run_import: Any, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session, session.begin():
        session.add(
            Meter(
                asset_no="M1",
                comm_address="000000000001",
                protocol="dlt645-2007",
                link_url=None,
                transformer_area_id=org.area_ids["TQ0001"],
                concentrator_id=org.concentrator_id,
                role=MeterRole.SUMMARY.value,
            )
        )
    move = [HEADER[:4], ["CJQ0001", "TQ0002", "3301", "1"]]
    result = run_import("concentrators", files.csv("m.csv", move))
    assert result.problems == (
        Problem(
            2,
            "台区编号",
            "1 meters behind concentrator CJQ0001 are in another 台区 than TQ0002: move them "
            "with a meters import first",
        ),
    )
    stay = [HEADER[:4], ["CJQ0001", "TQ0001", "3301", "3"]]  # a new address is fine
    assert run_import("concentrators", files.csv("s.csv", stay)).counts.updated == 1


def test_excel_number_cells_are_read_as_the_address_and_kva_they_show(
    files: Any, run_import: Any, session_factory: sessionmaker[Session]
) -> None:
    org = [
        [
            "市公司",
            "县公司",
            "供电所",
            "线路",
            "台区编号",
            "台区名称",
            "额定容量(kVA)",
            "台区类别",
            "经度",
            "纬度",
        ],
        [
            "江川供电公司",
            "青山县",
            "城关供电所",
            "10kV 人民线",
            101,
            "甲",
            400.0,
            "城区",
            119.4126,
            29.8769,
        ],
    ]
    assert run_import("org", files.xlsx("org.xlsx", org)).complete
    hubs = [HEADER[:4], ["CJQ0101", 101, 3301, 17.0]]
    assert run_import("concentrators", files.xlsx("c.xlsx", hubs)).complete
    with session_factory() as session:
        hub = session.scalars(select(Concentrator)).one()
        area = session.get_one(TransformerArea, hub.transformer_area_id)
    assert (hub.district_code, hub.terminal_address) == ("3301", 17)
    assert (area.code, area.rated_kva, area.longitude, area.latitude) == (
        "101",
        400,
        119.4126,
        29.8769,
    )
