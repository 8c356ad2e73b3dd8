"""Org archive import: the large county's 3,100 台区 (150 feeders, 30 supply stations, 10
substations) from a GBK CSV into an empty SQLite database, through ``smc db import org`` (the
command a user runs: upgrade, read, check, store, commit), then the same file again (every row
matched and unchanged), then as .xlsx. Target: < 5 s for the first import. Then a concentrator
per 台区 and 100,000 meters behind them without links of their own (numbered Pn on import),
for the cost of the concentrator path of the meters import.

    python3 packaging/dev.py bench -k import_org
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from console import __main__ as cli
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.models import Feeder, Meter, SupplyStation, TransformerArea

AREAS = 3_100
METERS = 100_000
FEEDERS = 150
STATIONS = 30
SUBSTATIONS = 10
CLASSES = ("城区", "农村", "边远")
HEADER = ["县公司", "供电所", "变电站", "线路", "台区编号", "台区名称", "额定容量(kVA)", "台区类别"]
HEADER += ["经度", "纬度"]


def _rows() -> list[list[str]]:
    rows = [["市公司", *HEADER]]
    for i in range(AREAS):
        feeder = i % FEEDERS
        station = feeder % STATIONS
        rows.append(
            [
                "江川供电公司",
                "青山县供电公司",
                f"第{station + 1}供电所",
                f"35kV 第{feeder % SUBSTATIONS + 1}变",
                f"10kV {station + 1}所{feeder + 1}线",
                f"TQ{i + 1:05d}",
                f"{feeder + 1}线{i + 1}#台区",
                str((100, 200, 315, 400, 630)[i % 5]),
                CLASSES[i % 3],
                f"{114.2 + (i % 97) * 0.005:.6f}",
                f"{36.4 + (i % 89) * 0.005:.6f}",
            ]
        )
    return rows


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def _devices(root: Path) -> tuple[Path, Path]:
    hubs = [["集中器资产号", "台区编号", "行政区划码", "终端地址"]]
    hubs += [[f"J{i + 1:05d}", f"TQ{i + 1:05d}", "3301", str(i + 1)] for i in range(AREAS)]
    meters = [
        ["表计资产号", "通信地址", "规约", "通道", "台区编号", "户号", "表计类型", "集中器资产号"]
    ]
    for i in range(METERS):
        area = i % AREAS + 1
        meters.append(
            [
                f"M{i + 1:07d}",
                str(i + 1),
                "dlt645-2007",
                "",
                f"TQ{area:05d}",
                "",
                "考核表",
                f"J{area:05d}",
            ]
        )
    return _write(root / "集中器.csv", hubs), _write(root / "计量.csv", meters)


def _timed(argv: list[str]) -> float:
    started = time.perf_counter()
    status = cli.main(argv)
    seconds = time.perf_counter() - started
    assert status == 0
    return seconds


def test_import_org_figures(tmp_path: Path) -> None:
    rows = _rows()
    source = tmp_path / "台区档案.csv"
    with source.open("w", encoding="gbk", newline="") as stream:
        csv.writer(stream).writerows(rows)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook = tmp_path / "台区档案.xlsx"
    book.save(workbook)

    url = sqlite_url(tmp_path / "org.db")
    first = _timed(["db", "import", "org", str(source), "--db", url])
    again = _timed(["db", "import", "org", str(source), "--db", url])
    excel = _timed(["db", "import", "org", str(workbook), "--db", url])

    hubs, meters = _devices(tmp_path)
    hub_seconds = _timed(["db", "import", "concentrators", str(hubs), "--db", url])
    meter_seconds = _timed(["db", "import", "meters", str(meters), "--db", url])

    engine = create_db_engine(url)
    try:
        with make_session_factory(engine)() as s:
            counts = [
                s.scalar(select(func.count()).select_from(model)) or 0
                for model in (SupplyStation, Feeder, TransformerArea)
            ]
            numbered = s.scalar(select(func.count()).where(Meter.point_no.is_not(None))) or 0
    finally:
        engine.dispose()
    assert counts == [STATIONS, FEEDERS, AREAS]  # matched by name and code, never duplicated
    assert numbered == METERS
    print(f"\n\nsmc db import org, {AREAS:,} 台区 ({FEEDERS} feeders, {STATIONS} stations), SQLite")
    print(f"  first import (GBK CSV, all new):  {first:6.2f} s   target < 5 s")
    print(f"  same file again (all unchanged): {again:6.2f} s")
    print(f"  as .xlsx (all unchanged):        {excel:6.2f} s")
    print(f"  then {AREAS:,} concentrators:       {hub_seconds:6.2f} s")
    print(f"  then {METERS:,} meters behind them (no link, Pn numbered): {meter_seconds:6.2f} s")
