"""Meter archive imports: references (台区, 户号, 表箱, 集中器) resolve or are reported, addresses
stay unique per link, a meter moving to another 台区 is an update, re-imports change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.archive.validate import Problem
from db.models import Meter, MeterBox

HEADER = [
    "表计资产号",
    "通信地址",
    "规约",
    "通道",
    "台区编号",
    "户号",
    "表计类型",
    "CT变比",
    "PT变比",
    "相数",
    "型号",
    "厂家",
    "安装日期",
    "表箱编号",
    "集中器资产号",
]
LINK1 = "loop://demo/TQ0001"
LINK2 = "serial:///dev/ttyUSB1?baud=2400&parity=E"
GOOD = [
    HEADER,
    [
        "M001",
        "1",
        "dlt645-2007",
        LINK1,
        "TQ0001",
        "C001",
        "用户表",
        "",
        "",
        "单相",
        "DDZY71",
        "华立",
        "2019-08-20",
        "BX-NEW",
        "CJQ0001",
    ],
    [
        "M002",
        "000000000002",
        "DL/T 645-2007",
        LINK1,
        "TQ0001",
        "C002",
        "customer",
        "150/5",
        "1",
        "三相",
        "DTZY71",
        "威胜",
        "",
        "BX-NEW",
        "",
    ],
    [
        "M003",
        "310000000003",
        "dlt698.45",
        LINK2,
        "TQ0002",
        "",
        "考核表",
        "40",
        "10000/100",
        "3",
        "",
        "",
        "",
        "BX-OLD",
        "",
    ],
]
Snapshot = Callable[[type], list[tuple[Any, ...]]]


@pytest.fixture
def with_customers(org: Any, files: Any, run_import: Any) -> None:
    rows = [["户号", "户名", "用电地址", "用电类别"]] + [
        [f"C00{i}", f"户{i}", "某村", "居民"] for i in range(1, 5)
    ]
    assert run_import("customers", files.csv("c.csv", rows)).complete


def meters(session_factory: sessionmaker[Session]) -> dict[str, Meter]:
    with session_factory() as session:
        return {m.asset_no: m for m in session.scalars(select(Meter))}


@pytest.mark.usefixtures("with_customers")
@pytest.mark.parametrize("excel", [False, True])
def test_a_good_file_stores_meters_with_their_references(
    org: Any, files: Any, run_import: Any, session_factory: sessionmaker[Session], excel: bool
) -> None:
    path = files.xlsx("m.xlsx", GOOD) if excel else files.csv("m.csv", GOOD, "gbk")
    result = run_import("meters", path)
    assert result.problems == ()
    assert (result.counts.new, result.counts.boxes_created) == (3, 1)
    stored = meters(session_factory)
    m1, m2, m3 = stored["M001"], stored["M002"], stored["M003"]
    assert (m1.comm_address, m1.protocol, m1.link_url, m1.role) == (
        "000000000001",
        "dlt645-2007",
        LINK1,
        "customer",
    )
    assert (m1.ct_ratio, m1.pt_ratio, m1.phases, m1.status) == (1, 1, 1, "active")
    assert (m1.transformer_area_id, m1.concentrator_id) == (
        org.area_ids["TQ0001"],
        org.concentrator_id,
    )
    assert m1.meter_box_id == m2.meter_box_id != org.box_id
    assert (m2.ct_ratio, m2.phases, m2.protocol) == (30, 3, "dlt645-2007")
    assert (m3.role, m3.customer_id, m3.ct_ratio, m3.pt_ratio, m3.meter_box_id) == (
        "summary",
        None,
        40,
        100,
        org.box_id,
    )
    with session_factory() as session:
        box = session.scalars(select(MeterBox).where(MeterBox.code == "BX-NEW")).one()
        assert box.transformer_area_id == org.area_ids["TQ0001"]


@pytest.mark.usefixtures("with_customers")
def test_bad_rows_and_unknown_references_are_reported(
    org: Any, files: Any, run_import: Any, snapshot: Snapshot
) -> None:
    before = snapshot(Meter)
    path = files.csv(
        "bad.csv",
        [
            HEADER,
            [
                "M001",
                "12x",
                "dlt645",
                "ftp://x",
                "TQ9999",
                "C999",
                "用户表",
                "0",
                "",
                "2",
                "",
                "",
                "",
                "",
                "CJQ9999",
            ],
            [
                "M002",
                "2",
                "dlt645-2007",
                LINK1,
                "TQ0001",
                "",
                "用户表",
                "",
                "",
                "",
                "",
                "",
                "",
                "BX-OLD",
                "",
            ],
            [
                "M003",
                "3",
                "dlt645-2007",
                LINK2,
                "TQ0002",
                "C003",
                "考核表",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "CJQ0001",
            ],
            [
                "M004",
                "2",
                "dlt645-2007",
                LINK1,
                "TQ0001",
                "C004",
                "用户表",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "M003",
                "5",
                "dlt645-2007",
                LINK1,
                "TQ0001",
                "C003",
                "用户表",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ],
    )
    result = run_import("meters", path)
    assert result.counts is None
    assert list(result.problems) == [
        Problem(2, "通信地址", "'12x': expected up to 12 digits (e.g. 000000000001)"),
        Problem(
            2,
            "规约",
            "'dlt645': unknown value (expected dlt645-2007, dlt645-1997, iec62056-21, dlt698.45 (or DL/T 645-2007 ...))",
        ),
        Problem(
            2, "通道", "'ftp://x': unknown link scheme ftp:// (expected serial://, tcp://, loop://)"
        ),
        Problem(2, "CT变比", "'0': must be 1 or more"),
        Problem(2, "相数", "'2': unknown value (expected 1/单相/single, 3/三相/three)"),
        Problem(2, "台区编号", "unknown 台区 TQ9999 (not in the database)"),
        Problem(2, "户号", "unknown customer C999 (import the customers first)"),
        Problem(2, "集中器资产号", "unknown concentrator CJQ9999 (not in the database)"),
        Problem(3, "户号", "missing: a customer meter (用户表) bills a customer"),
        Problem(3, "通信地址", "通信地址 000000000002 on loop://demo/TQ0001 repeated on row 5"),
        Problem(3, "表箱编号", "表箱 BX-OLD is in 台区 TQ0002, not TQ0001"),
        Problem(4, "户号", "a summary meter (考核表) bills no customer: leave empty"),
        Problem(4, "表计资产号", "表计资产号 M003 repeated on row 6"),
        Problem(4, "集中器资产号", "concentrator CJQ0001 serves 台区 TQ0001, not TQ0002"),
        Problem(
            5, "通信地址", "duplicate 通信地址 000000000002 on loop://demo/TQ0001 (also on row 3)"
        ),
        Problem(6, "表计资产号", "duplicate 表计资产号 M003 (also on row 4)"),
    ]
    assert snapshot(Meter) == before


@pytest.mark.usefixtures("with_customers")
def test_an_address_another_meter_holds_in_the_database_is_refused_unless_it_moves(
    files: Any, run_import: Any, session_factory: sessionmaker[Session]
) -> None:
    run_import("meters", files.csv("m.csv", GOOD))
    clash = [HEADER, ["M009", "1", "dlt645-2007", LINK1, "TQ0001", "C004", "用户表", *[""] * 8]]
    result = run_import("meters", files.csv("clash.csv", clash))
    assert [str(p) for p in result.problems] == [
        "row 2, 通信地址: 000000000001 on loop://demo/TQ0001 is already meter M001's (in the database)"
    ]
    # M001 moves to another address in the same file: M009 may take its old one.
    moving = [*clash, ["M001", "7", "dlt645-2007", LINK1, "TQ0001", "C001", "用户表", *[""] * 8]]
    result = run_import("meters", files.csv("move.csv", moving))
    assert result.problems == ()
    assert (result.counts.new, result.counts.updated) == (1, 1)
    assert meters(session_factory)["M009"].comm_address == "000000000001"


@pytest.mark.usefixtures("with_customers")
def test_moving_to_another_area_is_an_update_and_reimport_changes_nothing(
    org: Any,
    files: Any,
    run_import: Any,
    session_factory: sessionmaker[Session],
    snapshot: Snapshot,
) -> None:
    path = files.csv("m.csv", GOOD)
    run_import("meters", path)
    stored = snapshot(Meter)
    again = run_import("meters", path)
    assert (
        again.counts.new,
        again.counts.updated,
        again.counts.unchanged,
        again.counts.boxes_created,
    ) == (0, 0, 3, 0)
    assert snapshot(Meter) == stored
    moved = [HEADER[:7], ["M002", "2", "dlt645-2007", LINK2, "TQ0002", "C002", "用户表"]]
    result = run_import("meters", files.csv("moved.csv", moved))
    assert (result.counts.updated, result.counts.unchanged) == (1, 0)
    m2 = meters(session_factory)["M002"]
    assert (m2.transformer_area_id, m2.link_url) == (org.area_ids["TQ0002"], LINK2)
    assert (m2.ct_ratio, m2.phases, m2.model) == (
        30,
        3,
        "DTZY71",
    )  # columns the file lacks are kept
    assert len(snapshot(Meter)) == 3


@pytest.mark.usefixtures("with_customers")
def test_skip_invalid_creates_only_the_boxes_of_stored_meters(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], tmp_path: Any
) -> None:
    bad = [
        "M005",
        "5",
        "dlt645-2007",
        LINK1,
        "TQ0001",
        "C999",
        "用户表",
        "",
        "",
        "",
        "",
        "",
        "",
        "BX-BAD",
        "",
    ]
    path = files.csv("m.csv", [*GOOD, bad])
    result = run_import("meters", path, skip_invalid=True, report=tmp_path / "r.csv")
    assert (result.counts.new, result.rejected_rows, result.counts.boxes_created) == (3, 1, 1)
    with session_factory() as session:
        assert set(session.scalars(select(MeterBox.code))) == {"BX-OLD", "BX-NEW"}


@pytest.mark.usefixtures("with_customers")
def test_two_meters_can_swap_addresses_in_one_file(
    files: Any, run_import: Any, session_factory: sessionmaker[Session]
) -> None:
    run_import("meters", files.csv("m.csv", GOOD))
    swapped = [GOOD[0], [GOOD[1][0], "2", *GOOD[1][2:]], [GOOD[2][0], "1", *GOOD[2][2:]]]
    result = run_import("meters", files.csv("swap.csv", swapped))
    assert (result.problems, result.counts.updated) == ((), 2)
    stored = meters(session_factory)
    assert (stored["M001"].comm_address, stored["M002"].comm_address) == (
        "000000000002",
        "000000000001",
    )
