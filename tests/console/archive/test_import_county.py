"""A county built from archive files alone (org, concentrators, customers, meters; no demo) has
the topology the console's queries walk: the device tree, scopes, the collection targets (own
links for the pass, measurement points behind concentrators), and a clear refusal to read a
concentrator-only meter on a link it does not have."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import ReadPath
from console.collection.reads import OnDemandReader
from console.core.clock import FixedClock
from db.models import County, Level, Meter
from db.queries import devices, panorama
from db.queries.collection import concentrator_targets, read_targets
from db.queries.topology import org_units
from db.scope import Scope

DAY = date(2026, 11, 21)
ORG = [
    [
        "市公司",
        "县公司",
        "供电所",
        "变电站",
        "线路",
        "台区编号",
        "台区名称",
        "额定容量(kVA)",
        "台区类别",
    ],
    [
        "江川供电公司",
        "青山县",
        "城关供电所",
        "110kV 青山变",
        "10kV 人民线",
        "TQ01",
        "人民1#",
        "400",
        "城区",
    ],
    ["", "青山县", "城关供电所", "110kV 青山变", "10kV 人民线", "TQ02", "人民2#", "630", "城区"],
    ["", "青山县", "东岭供电所", "35kV 东岭变", "10kV 柳溪线", "TQ03", "柳溪村", "200", "农村"],
]
CONCENTRATORS = [
    ["集中器资产号", "台区编号", "行政区划码", "终端地址"],
    ["J01", "TQ01", "3301", "1"],
    ["J02", "TQ02", "3301", "2"],
    ["J03", "TQ03", "3301", "3"],
]
CUSTOMERS = [["户号", "户名", "用电地址", "用电类别"]] + [
    [f"C{i}", f"户{i}", "某村", "居民"] for i in range(1, 7)
]
METERS = [
    ["表计资产号", "通信地址", "规约", "通道", "台区编号", "户号", "表计类型", "集中器资产号"],
    ["S01", "101", "dlt645-2007", "", "TQ01", "", "考核表", "J01"],
    ["M1", "1", "dlt645-2007", "", "TQ01", "C1", "用户表", "J01"],
    ["M2", "2", "dlt645-2007", "", "TQ01", "C2", "用户表", "J01"],
    ["S02", "102", "dlt645-2007", "", "TQ02", "", "考核表", "J02"],
    ["M3", "3", "dlt645-2007", "", "TQ02", "C3", "用户表", "J02"],
    ["S03", "103", "dlt645-2007", "loop://t/TQ03", "TQ03", "", "考核表", ""],
    ["M4", "4", "dlt645-2007", "loop://t/TQ03", "TQ03", "C4", "用户表", ""],
    ["M5", "5", "dlt645-2007", "", "TQ03", "C5", "用户表", "J03"],
    ["M6", "6", "dlt645-2007", "loop://t/TQ03", "TQ03", "C6", "用户表", "J03"],
]


def test_a_county_imported_from_files_has_the_topology_the_queries_expect(
    files: Any, run_import: Any, session_factory: sessionmaker[Session]
) -> None:
    for kind, rows in (
        ("org", ORG),
        ("concentrators", CONCENTRATORS),
        ("customers", CUSTOMERS),
        ("meters", METERS),
    ):
        result = run_import(kind, files.csv(f"{kind}.csv", rows))
        assert result.problems == (), kind
        assert result.complete, kind

    with session_factory() as s:
        county = s.scalars(select(County)).one()
        units = org_units(s)
        assert [(u.level, u.name) for u in units] == [
            (Level.COUNTY, "青山县"),
            (Level.STATION, "城关供电所"),
            (Level.STATION, "东岭供电所"),
        ]
        [tree_county] = devices.counties(s)
        assert (tree_county.name, tree_county.children) == ("青山县", 2)
        by_station = {
            st.name: [(a.detail, a.children) for a in devices.areas(s, st.id)]
            for st in devices.stations(s, county.id)
        }
        assert by_station == {
            "城关供电所": [("TQ01", 1), ("TQ02", 1)],
            "东岭供电所": [("TQ03", 1)],
        }
        meter_ids = {m.asset_no: m.id for m in s.scalars(select(Meter))}
        assert panorama.meters_expected(s, Scope.of(Level.COUNTY, county.id)) == 9
        town = units[1].id
        assert panorama.meters_expected(s, Scope.of(Level.STATION, town)) == 5

        # The concentrator passes read every meter behind a concentrator, summary meter at Pn 1.
        hubs = {t.asset_no: [(p.meter_id, p.pn) for p in t.points] for t in concentrator_targets(s)}
        assert hubs == {
            "J01": [(meter_ids["S01"], 1), (meter_ids["M1"], 2), (meter_ids["M2"], 3)],
            "J02": [(meter_ids["S02"], 1), (meter_ids["M3"], 2)],
            "J03": [(meter_ids["M5"], 1), (meter_ids["M6"], 2)],
        }
        # The own-link pass reads only meters that have a link.
        own = [t.meter_id for t in read_targets(s, DAY)]
        assert sorted(own) == sorted(meter_ids[n] for n in ("S03", "M4", "M6"))
        assert own[0] == meter_ids["S03"]  # summary first on its link

    reader = OnDemandReader(session_factory, FixedClock(datetime(2026, 11, 21, 10)), None)
    result = reader.read_meter(meter_ids["M1"], ReadPath.DIRECT)
    assert not result.ok
    assert result.error == "meter M1 has no link of its own: read it through its concentrator"
