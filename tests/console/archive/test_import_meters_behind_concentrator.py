"""Meters read only through their concentrator: an empty 通道 is accepted when the meter names a
concentrator (and stored as no link), each gets a measurement point (Pn) under it, and a meter
moved to another concentrator gets a free Pn there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.archive.validate import Problem
from db.models import Concentrator, Meter

HEADER = ["表计资产号", "通信地址", "规约", "通道", "台区编号", "户号", "表计类型", "集中器资产号"]
LINK = "loop://demo/TQ0001"


def points(session_factory: sessionmaker[Session]) -> dict[str, tuple[Any, ...]]:
    with session_factory() as session:
        rows = session.execute(
            select(Meter.asset_no, Meter.link_url, Concentrator.asset_no, Meter.point_no).outerjoin(
                Concentrator, Concentrator.id == Meter.concentrator_id
            )
        )
        return {r[0]: tuple(r[1:]) for r in rows}


def add_second_concentrator(session_factory: sessionmaker[Session], area_id: int) -> None:
    with session_factory() as session, session.begin():
        session.add(
            Concentrator(
                transformer_area_id=area_id, asset_no="CJQ0009", district_code="3301",
                terminal_address=9,
            )
        )  # fmt: skip


def test_an_empty_link_is_accepted_behind_a_concentrator_and_numbered(
    org: Any, files: Any, run_import: Any, session_factory: sessionmaker[Session]
) -> None:
    rows = [
        HEADER,
        ["M1", "11", "dlt645-2007", "", "TQ0001", "", "考核表", "CJQ0001"],
        ["M2", "12", "dlt645-2007", "", "TQ0001", "", "考核表", "CJQ0001"],
        ["M3", "13", "dlt645-2007", LINK, "TQ0001", "", "考核表", "CJQ0001"],
        ["M4", "14", "dlt645-2007", LINK, "TQ0002", "", "考核表", ""],
    ]
    result = run_import("meters", files.csv("m.csv", rows, "gbk"))
    assert result.problems == ()
    assert points(session_factory) == {
        "M1": (None, "CJQ0001", 1),
        "M2": (None, "CJQ0001", 2),
        "M3": (LINK, "CJQ0001", 3),
        "M4": (LINK, None, None),
    }
    again = run_import("meters", files.csv("m.csv", rows))
    assert (again.counts.updated, again.counts.unchanged) == (0, 4)
    assert points(session_factory)["M2"] == (None, "CJQ0001", 2)

    add_second_concentrator(session_factory, org.area_ids["TQ0001"])
    moved = [HEADER, ["M1", "11", "dlt645-2007", "", "TQ0001", "", "考核表", "CJQ0009"]]
    assert run_import("meters", files.csv("moved.csv", moved)).counts.updated == 1
    after = points(session_factory)
    assert after["M1"] == (None, "CJQ0009", 1)
    assert after["M2"] == (None, "CJQ0001", 2)  # the others keep their points
    # Back again: Pn 1 is free under CJQ0001 but a new meter takes the next after the highest.
    back = [HEADER, ["M1", "11", "dlt645-2007", "", "TQ0001", "", "考核表", "CJQ0001"]]
    assert run_import("meters", files.csv("back.csv", back)).counts.updated == 1
    assert points(session_factory)["M1"] == (None, "CJQ0001", 4)


def test_an_empty_link_without_a_concentrator_and_repeated_addresses_are_rejected(
    org: Any, files: Any, run_import: Any, snapshot: Any
) -> None:
    before = snapshot(Meter)
    rows = [
        HEADER,
        ["M1", "11", "dlt645-2007", "", "TQ0002", "", "考核表", ""],
        ["M2", "12", "dlt645-2007", "", "TQ0001", "", "考核表", "CJQ0001"],
        ["M3", "12", "dlt645-2007", "", "TQ0001", "", "考核表", "CJQ0001"],
    ]
    result = run_import("meters", files.csv("m.csv", rows))
    assert result.counts is None
    assert set(result.problems) == {
        Problem(2, "通道", "missing: a meter without a 集中器资产号 needs a link of its own"),
        Problem(3, "通信地址", "通信地址 000000000012 on 集中器 CJQ0001 repeated on row 4"),
        Problem(4, "通信地址", "duplicate 通信地址 000000000012 on 集中器 CJQ0001 (also on row 3)"),
    }
    assert snapshot(Meter) == before
