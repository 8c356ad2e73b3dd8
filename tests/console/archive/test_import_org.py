"""Org (台区) archive imports: an empty database gets its company, county, stations, substations
and feeders from the file; units are matched by name within the county, 台区 by code; bad rows
name their problem and store nothing (or only the valid rows with skip_invalid)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.archive.validate import Problem
from db.models import Company, County, Feeder, Substation, SupplyStation, TransformerArea
from db.queries.archive_org import UNKNOWN_VOLTAGE_KV, UNNAMED_SUBSTATION

HEADER = ["市公司", "县公司", "供电所", "变电站", "线路", "台区编号", "台区名称", "额定容量(kVA)"]
HEADER += ["台区类别", "经度", "纬度"]
GOOD = [
    HEADER,
    [
        "江川供电公司",
        "青山县",
        "城关供电所",
        "110kV 青山变",
        "10kV 人民线",
        "TQ0001",
        "人民1#",
        "400",
        "城区",
        "119.4126",
        "29.8769",
    ],
    [
        "",
        "青山县",
        "城关供电所",
        "110kV 青山变",
        "10kV 人民线",
        "TQ0002",
        "人民2#",
        "630",
        "urban",
        "",
        "",
    ],
    ["", "青山县", "东岭供电所", "", "10kV 柳溪线", "TQ0003", "柳溪村3#", "200", "农村", "", ""],
    ["", "青山县", "东岭供电所", "", "10kV 柳溪线", "TQ0004", "高坪村1#", "100", "边远", "", ""],
]
Snapshot = Callable[[type], list[tuple[Any, ...]]]
TREE = (Company, County, SupplyStation, Substation, Feeder, TransformerArea)


def tree(session_factory: sessionmaker[Session]) -> dict[str, tuple[Any, ...]]:
    """台区 code → (county, station, substation, feeder, name, kVA, class, lon, lat)."""
    with session_factory() as session:
        stmt = (
            select(
                TransformerArea.code,
                County.name,
                SupplyStation.name,
                Substation.name,
                Feeder.name,
                TransformerArea.name,
                TransformerArea.rated_kva,
                TransformerArea.area_class,
                TransformerArea.longitude,
                TransformerArea.latitude,
            )
            .join(Feeder, Feeder.id == TransformerArea.feeder_id)
            .join(SupplyStation, SupplyStation.id == Feeder.supply_station_id)
            .join(Substation, Substation.id == Feeder.substation_id)
            .join(County, County.id == SupplyStation.county_id)
        )
        return {r[0]: tuple(r[1:]) for r in session.execute(stmt)}


def count(session_factory: sessionmaker[Session], model: type) -> int:
    with session_factory() as session:
        return len(session.scalars(select(model)).all())


@pytest.mark.parametrize("excel", [False, True])
def test_an_empty_database_gets_the_whole_tree_from_the_file(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], excel: bool
) -> None:
    path = files.xlsx("org.xlsx", GOOD) if excel else files.csv("org.csv", GOOD, "gbk")
    result = run_import("org", path)
    assert result.problems == ()
    assert result.counts.new == 4
    assert dict(result.counts.created) == {
        "市公司": 1,
        "县公司": 1,
        "供电所": 2,
        "变电站": 2,  # 110kV 青山变 and the county's 未指定变电站 for 柳溪线
        "线路": 2,
    }
    assert tree(session_factory) == {
        "TQ0001": (
            "青山县",
            "城关供电所",
            "110kV 青山变",
            "10kV 人民线",
            "人民1#",
            400,
            "urban",
            119.4126,
            29.8769,
        ),
        "TQ0002": (
            "青山县",
            "城关供电所",
            "110kV 青山变",
            "10kV 人民线",
            "人民2#",
            630,
            "urban",
            None,
            None,
        ),
        "TQ0003": (
            "青山县",
            "东岭供电所",
            UNNAMED_SUBSTATION,
            "10kV 柳溪线",
            "柳溪村3#",
            200,
            "rural",
            None,
            None,
        ),
        "TQ0004": (
            "青山县",
            "东岭供电所",
            UNNAMED_SUBSTATION,
            "10kV 柳溪线",
            "高坪村1#",
            100,
            "remote",
            None,
            None,
        ),
    }
    with session_factory() as session:
        assert session.scalars(select(Company.name)).all() == ["江川供电公司"]
        voltages = set(session.scalars(select(Substation.voltage_kv)))
        assert voltages == {UNKNOWN_VOLTAGE_KV}
        codes = sorted(session.scalars(select(Feeder.code)))
        assert codes == ["F001", "F002"]


def test_a_second_file_matches_units_by_name_and_updates_areas_by_code(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], snapshot: Snapshot
) -> None:
    assert run_import("org", files.csv("org.csv", GOOD)).complete
    before = {model: snapshot(model) for model in TREE}
    again = run_import("org", files.csv("org.csv", GOOD))
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 0, 4)
    assert again.counts.created == ()
    assert {model: snapshot(model) for model in TREE} == before

    # English headers, no county column (the database has one county): TQ0003 moves to a new
    # feeder of 东岭, TQ0002 is renamed, TQ0005 is new; 柳溪线 now names its substation.
    english = [
        [
            "station_name",
            "substation_name",
            "feeder_name",
            "area_code",
            "area_name",
            "rated_kva",
            "area_class",
        ],
        ["城关供电所", "", "10kV 人民线", "TQ0002", "人民路2#", "630", "城区"],
        ["东岭供电所", "35kV 东岭变", "10kV 柳溪线", "TQ0004", "高坪村1#", "100", "边远"],
        ["东岭供电所", "", "10kV 东岭新线", "TQ0003", "柳溪村3#", "200", "农村"],
        ["东岭供电所", "", "10kV 东岭新线", "TQ0005", "新村1#", "315", "rural"],
    ]
    result = run_import("org", files.csv("org-en.csv", english))
    assert result.problems == ()
    assert (result.counts.new, result.counts.updated, result.counts.unchanged) == (1, 2, 1)
    assert dict(result.counts.created) == {"变电站": 1, "线路": 1}
    areas = tree(session_factory)
    assert areas["TQ0002"][4] == "人民路2#"
    assert areas["TQ0002"][7:] == (None, None)  # no coordinate columns: the stored ones stay
    assert areas["TQ0001"][7:] == (119.4126, 29.8769)
    assert areas["TQ0003"][1:4] == ("东岭供电所", UNNAMED_SUBSTATION, "10kV 东岭新线")
    assert areas["TQ0004"][2:4] == ("35kV 东岭变", "10kV 柳溪线")  # the feeder's substation
    assert count(session_factory, County) == 1
    assert count(session_factory, SupplyStation) == 2
    assert count(session_factory, Feeder) == 3


def test_bad_rows_are_reported_with_their_row_and_nothing_is_stored(
    files: Any, run_import: Any, snapshot: Snapshot
) -> None:
    assert run_import("org", files.csv("org.csv", GOOD)).complete
    before = {model: snapshot(model) for model in TREE}
    bad = [
        HEADER,
        ["", "青山县", "城关供电所", "", "10kV 人民线", "TQ0101", "甲", "0", "城区", "", ""],
        ["", "青山县", "城关供电所", "", "10kV 人民线", "TQ0102", "乙", "400", "郊区", "", ""],
        ["", "青山县", "", "", "10kV 人民线", "TQ0103", "丙", "400kVA", "城区", "119.5", ""],
        ["", "青山县", "东岭供电所", "", "10kV 人民线", "TQ0104", "丁", "400", "城区", "", ""],
        ["", "青山县", "城关供电所", "", "10kV 新线", "TQ0105", "戊", "400", "城区", "", ""],
        ["", "青山县", "城关供电所", "", "10kV 新线", "TQ0105", "戊", "400", "城区", "", ""],
        ["", "红河县", "城关供电所", "", "10kV 红线", "TQ0106", "己", "400", "城区", "1", "2"],
        ["", "青山县", "城关供电所", "变A", "10kV 新线2", "TQ0107", "庚", "400", "城区", "", ""],
        ["", "青山县", "东岭供电所", "变B", "10kV 新线2", "TQ0108", "辛", "400", "城区", "", ""],
        ["", "青山县", "城关供电所", "", "10kV 人民线", "TQ0109", "壬", "400", "城区", "119.5", ""],
    ]
    result = run_import("org", files.csv("bad.csv", bad))
    assert result.counts is None
    assert set(result.problems) == {
        Problem(2, "额定容量(kVA)", "'0': must be between 1 and 100000 kVA"),
        Problem(
            3, "台区类别", "'郊区': unknown value (expected 城区/urban, 农村/rural, 边远/remote)"
        ),
        Problem(4, "供电所", "missing required value"),
        Problem(4, "额定容量(kVA)", "'400kVA': expected a whole number of kVA (e.g. 400)"),
        Problem(
            5,
            "线路",
            "线路 10kV 人民线 belongs to 供电所 城关供电所 in the database, not 东岭供电所",
        ),
        Problem(
            5,
            "线路",
            "线路 10kV 人民线 is under 供电所 东岭供电所 here, not 城关供电所 as on row 2",
        ),
        Problem(
            2,
            "线路",
            "线路 10kV 人民线 is under 供电所 城关供电所 here, not 东岭供电所 as on row 5",
        ),
        Problem(6, "台区编号", "台区编号 TQ0105 repeated on row 7"),
        Problem(7, "台区编号", "duplicate 台区编号 TQ0105 (also on row 6)"),
        Problem(9, "变电站", "线路 10kV 新线2 is fed by 变电站 变A here, not 变B as on row 10"),
        Problem(10, "变电站", "线路 10kV 新线2 is fed by 变电站 变B here, not 变A as on row 9"),
        Problem(
            9,
            "线路",
            "线路 10kV 新线2 is under 供电所 城关供电所 here, not 东岭供电所 as on row 10",
        ),
        Problem(
            10,
            "线路",
            "线路 10kV 新线2 is under 供电所 东岭供电所 here, not 城关供电所 as on row 9",
        ),
        Problem(11, "纬度", "longitude and latitude go together: give both or neither"),
    }
    # Row 8 is valid (a new county under the only company) but is not stored either.
    assert result.rejected_rows == 9
    assert {model: snapshot(model) for model in TREE} == before


def test_skip_invalid_stores_the_valid_rows_and_reports_the_rest(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [
        *GOOD,
        ["", "青山县", "城关供电所", "", "10kV 人民线", "TQ0005", "", "400", "城区", "", ""],
    ]
    report = tmp_path / "org.rejected.csv"
    result = run_import("org", files.csv("org.csv", rows), skip_invalid=True, report=report)
    assert (result.counts.new, result.rejected_rows) == (4, 1)
    assert set(tree(session_factory)) == {"TQ0001", "TQ0002", "TQ0003", "TQ0004"}
    with report.open(encoding="utf-8-sig", newline="") as stream:
        reported = list(csv.reader(stream))
    assert reported[0][-2:] == ["rejected_row", "reason"]
    assert reported[1][5] == "TQ0005"
    assert reported[1][-2:] == ["6", "台区名称: missing required value"]


def test_the_county_is_named_when_the_database_cannot_tell(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], snapshot: Snapshot
) -> None:
    no_county = [["供电所", "线路", "台区编号", "台区名称", "额定容量(kVA)", "台区类别"]]
    no_county.append(["城关供电所", "10kV 人民线", "TQ0001", "甲", "400", "城区"])
    result = run_import("org", files.csv("a.csv", no_county))
    assert result.problems == (
        Problem(2, "县公司", "the database has no county yet: name it in 县公司 (county_name)"),
    )
    with_county = [["县公司", *no_county[0]], ["青山县", *no_county[1]]]
    result = run_import("org", files.csv("b.csv", with_county))
    assert result.problems == (
        Problem(
            2,
            "县公司",
            "county 青山县 is not in the database and would be created: name its 市公司 "
            "(company_name), the database has none",
        ),
    )
    assert snapshot(County) == []
    assert run_import("org", files.csv("c.csv", GOOD)).complete  # 江川供电公司, 青山县
    with session_factory() as session, session.begin():
        session.add(Company(code="C09", name="另一公司"))
    other = [["县公司", *no_county[0]], ["红河县", *no_county[1]]]
    other[1][3] = "TQ0009"
    result = run_import("org", files.csv("d.csv", other))
    assert "the database has several" in result.problems[0].reason
    second = [["市公司", *other[0]], ["另一公司", *other[1]]]
    assert run_import("org", files.csv("e.csv", second)).complete
    result = run_import("org", files.csv("f.csv", no_county))
    assert result.problems == (
        Problem(
            2,
            "县公司",
            "the database has several counties (红河县, 青山县): say which in 县公司 (county_name)",
        ),
    )
    by_code = [["县公司", *no_county[0]], ["K02", "城关供电所", "10kV 人民线", "TQ0010", "乙"]]
    by_code[1] += ["400", "城区"]
    assert run_import("org", files.csv("g.csv", by_code)).complete
    areas = tree(session_factory)
    assert (areas["TQ0009"][0], areas["TQ0010"][0]) == ("红河县", "红河县")
    with session_factory() as session:
        red = session.scalars(select(County).where(County.name == "红河县")).one()
        assert session.get_one(Company, red.company_id).name == "另一公司"
