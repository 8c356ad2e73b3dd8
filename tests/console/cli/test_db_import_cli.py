"""``smc db import``: the summary, the printed errors (at most 20), the report file, and the
exit codes (0 all stored, 1 invalid rows or header, 2 usage) as a user running it sees them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from console import __main__ as cli
from db.models import (
    AreaClass,
    Company,
    County,
    Customer,
    DailyFreeze,
    Feeder,
    IntervalReading,
    Meter,
    MeterEvent,
    Substation,
    SupplyStation,
    TransformerArea,
)

CUSTOMERS = [["户号", "户名", "用电地址", "用电类别"]] + [
    [f"C{i:03d}", f"户{i}", "某村", "居民"] for i in range(1, 4)
]
METERS = [
    ["表计资产号", "通信地址", "规约", "通道", "台区编号", "户号", "表计类型"],
    ["M001", "1", "dlt645-2007", "loop://t/TQ0001", "TQ0001", "C001", "用户表"],
    ["M002", "2", "dlt645-2007", "loop://t/TQ0001", "TQ0001", "C002", "用户表"],
]
READINGS = [
    ["表计资产号", "冻结日期", "正向有功总(kWh)"],
    ["M001", "2026-11-19", "100.00"],
    ["M001", "2026-11-20", "110.50"],
    ["M002", "2026-11-20", "7.25"],
]


@pytest.fixture
def area(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    with session_factory() as s, s.begin():
        company = Company(code="C01", name="公司")
        s.add(company)
        s.flush()
        county = County(company_id=company.id, code="K01", name="县")
        s.add(county)
        s.flush()
        station = SupplyStation(county_id=county.id, code="S01", name="所")
        sub = Substation(county_id=county.id, code="B01", name="变", voltage_kv=35)
        s.add_all([station, sub])
        s.flush()
        feeder = Feeder(substation_id=sub.id, supply_station_id=station.id, code="F01", name="线")
        s.add(feeder)
        s.flush()
        s.add(
            TransformerArea(
                feeder_id=feeder.id,
                code="TQ0001",
                name="台区",
                rated_kva=400,
                area_class=AreaClass.RURAL.value,
            )
        )


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def smc_import(db_url: str, *argv: str | Path) -> int:
    return cli.main(["db", "import", *(str(a) for a in argv), "--db", db_url])


def count(session_factory: sessionmaker[Session], model: type) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.usefixtures("area")
def test_a_good_chain_of_imports_exits_0_and_reimports_change_nothing(
    db_url: str,
    tmp_path: Path,
    session_factory: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = {
        "customers": write(tmp_path / "c.csv", CUSTOMERS, "gbk"),
        "meters": write(tmp_path / "m.csv", METERS, "utf-8-sig"),
        "readings": write(tmp_path / "r.csv", READINGS),
    }
    for kind, path in files.items():
        assert smc_import(db_url, kind, path) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "c.csv: customers, CSV, GBK/GB18030, 4 columns" in out
    assert "stored: 3 (3 new, 0 updated, 0 unchanged)" in out
    assert "m.csv: meters, CSV, UTF-8 with BOM, 7 columns" in out
    with session_factory() as session:
        freezes = sorted(
            tuple(r)
            for r in session.execute(
                select(DailyFreeze.meter_id, DailyFreeze.day, DailyFreeze.forward_active_wh)
            )
        )
    assert [wh for _, _, wh in freezes] == [100_000, 110_500, 7_250]
    for kind, path in files.items():
        assert smc_import(db_url, kind, path) == 0
    out = capsys.readouterr().out
    assert out.count("(0 new, 0 updated, ") == 3
    assert "stored: 3 (0 new, 0 updated, 3 unchanged)" in out
    with session_factory() as session:
        again = sorted(
            tuple(r)
            for r in session.execute(
                select(DailyFreeze.meter_id, DailyFreeze.day, DailyFreeze.forward_active_wh)
            )
        )
    assert again == freezes
    assert (count(session_factory, Customer), count(session_factory, Meter)) == (3, 2)


@pytest.mark.usefixtures("area")
def test_invalid_rows_print_20_errors_store_nothing_and_exit_1(
    db_url: str,
    tmp_path: Path,
    session_factory: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = [CUSTOMERS[0]] + [[f"X{i:03d}", f"户{i}", "某村", "工业"] for i in range(25)]
    path = write(tmp_path / "bad.csv", [*rows, ["OK1", "好", "村", "居民"]])
    assert smc_import(db_url, "customers", path) == 1
    out = capsys.readouterr().out
    assert "  row 2, 用电类别: '工业': unknown value" in out
    assert "  row 21, 用电类别" in out and "row 22," not in out
    assert "  ... and 5 more" in out
    assert (
        "nothing stored: 25 of 26 rows are invalid; fix them, or store the 1 valid rows with --skip-invalid"
        in out
    )
    assert count(session_factory, Customer) == 0
    assert not (tmp_path / "bad.rejected.csv").exists()
    report = tmp_path / "errors.csv"
    assert smc_import(db_url, "customers", path, "--report", report) == 1
    assert "report: " in capsys.readouterr().out
    with report.open(encoding="utf-8-sig", newline="") as stream:
        assert len(list(csv.reader(stream))) == 26  # the header and the 25 invalid rows
    assert count(session_factory, Customer) == 0


@pytest.mark.usefixtures("area")
def test_skip_invalid_stores_the_valid_rows_and_writes_the_report_next_to_the_file(
    db_url: str,
    tmp_path: Path,
    session_factory: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write(tmp_path / "mixed.csv", [*CUSTOMERS, ["C009", "", "村", "居民"]])
    assert smc_import(db_url, "customers", path, "--skip-invalid") == 1
    out = capsys.readouterr().out
    assert "stored: 3 (3 new, 0 updated, 0 unchanged)" in out
    assert "rejected: 1" in out
    report = tmp_path / "mixed.rejected.csv"
    assert f"report: {report} (1 rows with their reasons)" in out
    with report.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.reader(stream))[1] == [
            "C009",
            "",
            "村",
            "居民",
            "5",
            "户名: missing required value",
        ]
    assert count(session_factory, Customer) == 3


@pytest.mark.usefixtures("area")
def test_curves_and_events_import_after_the_meters_and_again_without_changes(
    db_url: str,
    tmp_path: Path,
    session_factory: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert smc_import(db_url, "customers", write(tmp_path / "c.csv", CUSTOMERS)) == 0
    assert smc_import(db_url, "meters", write(tmp_path / "m.csv", METERS)) == 0
    curves = write(
        tmp_path / "curves.csv",
        [
            ["表计资产号", "数据时间", "有功功率(kW)", "A相电压(V)", "A相电流(A)"],
            ["M001", "2026-11-20 00:00", "0.41", "224.7", "1.93"],
            ["M002", "2026-11-20 00:15", "0.39", "224.9", "1.82"],
            ["M002", "2026-11-20 00:20", "0.39", "224.9", "1.82"],
        ],
        "gbk",
    )
    events = write(
        tmp_path / "events.csv",
        [
            ["表计资产号", "事件类型", "发生时间", "结束时间"],
            ["M001", "掉电", "2026-11-18 21:07", ""],
        ],
    )
    capsys.readouterr()
    assert smc_import(db_url, "curves", curves) == 1
    out = capsys.readouterr().out
    assert "curves.csv: curves, CSV, GBK/GB18030, 5 columns" in out
    assert "  row 4, 数据时间: '2026-11-20 00:20': not on a quarter hour" in out
    assert count(session_factory, IntervalReading) == 0
    assert smc_import(db_url, "curves", curves, "--skip-invalid") == 1
    assert "stored: 2 (2 new, 0 updated, 0 unchanged)" in capsys.readouterr().out
    assert (tmp_path / "curves.rejected.csv").exists()
    for _ in range(2):
        assert smc_import(db_url, "events", events) == 0
    out = capsys.readouterr().out
    assert "stored: 1 (1 new, 0 updated, 0 unchanged)" in out
    assert "stored: 1 (0 new, 0 updated, 1 unchanged)" in out
    assert (count(session_factory, IntervalReading), count(session_factory, MeterEvent)) == (2, 1)


@pytest.mark.usefixtures("area")
def test_a_header_that_does_not_fit_exits_1_naming_the_columns(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "h.csv", [["户号", "名称"], ["1", "x"]])
    assert smc_import(db_url, "customers", path) == 1
    err = capsys.readouterr().err
    assert "unknown column '名称' (column 2)" in err
    assert "missing required columns: 户名 (customer_name)" in err
    assert "nothing was stored" in err


def test_usage_errors_exit_2(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert smc_import(db_url, "customers", tmp_path / "missing.csv") == 2
    assert "missing.csv: no such file" in capsys.readouterr().err
    garbled = tmp_path / "garbled.csv"
    garbled.write_bytes(b"\xe6\x88\xb7\xe5\x8f\xb7\n\xff\xff\n")
    assert smc_import(db_url, "customers", garbled) == 2
    assert "not UTF-8 (byte 0xFF at offset 7)" in capsys.readouterr().err
    assert (
        smc_import(db_url, "customers", write(tmp_path / "c.csv", CUSTOMERS), "--sheet", "x") == 2
    )
    assert "not an Excel workbook" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        smc_import(db_url, "bills", tmp_path / "c.csv")
    assert caught.value.code == 2
    assert "invalid choice: 'bills'" in capsys.readouterr().err
