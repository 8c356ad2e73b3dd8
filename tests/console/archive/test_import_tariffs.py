"""Tariff imports: a good file in every encoding, Excel and English headers stores the tariffs,
price lines and 峰谷 windows it says; re-imports change nothing; a changed schedule replaces the
stored one; the demo's tariffs are expressible exactly; export → import → export is stable."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.archive import tariffs
from console.archive.export import export_kind
from console.archive.importer import import_file
from console.archive.reader import TableFile
from console.archive.schema import COLUMNS
from console.archive.tariff_schedule import price_text
from console.demo.extras import TARIFFS, TOU_HOURS, add_tariffs
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import upgrade
from db.models import Tariff, TariffPrice, TouPeriod
from tests.console.archive.conftest import TODAY

TEMPLATES = Path(__file__).resolve().parents[3] / "resources" / "templates"
HEADER = [c.zh for c in COLUMNS["tariffs"]]
GOOD = [
    HEADER,
    ["JM-JT", "居民生活阶梯电价", "阶梯", "居民", "2025-01-01", "", "全天", "", "1", "2760", "0.5380"],
    ["JM-JT", "居民生活阶梯电价", "阶梯", "居民", "2025-01-01", "", "", "", "第2档", "4800", "0.588"],
    ["JM-JT", "居民生活阶梯电价", "tiered", "residential", "2025/1/1", "", "all", "", "3", "", "0.838"],
    ["GS-FG", "工商业峰谷", "峰谷", "一般工商业", "2025-01-01", "", "峰", "08:00-11:00；18:00-23:00", "", "", "1.0823"],
    ["GS-FG", "工商业峰谷", "峰谷", "一般工商业", "2025-01-01", "", "平", "7:00-8:00, 11:00-18:00", "0", "", "0.6715"],
    ["GS-FG", "工商业峰谷", "峰谷", "一般工商业", "2025-01-01", "", "谷", "23:00-07:00", "", "", "0.3306"],
    ["DG-FG", "大工业峰谷", "分时", "大工业", "2025-01-01", "", "尖", "", "", "", "1.215"],
    ["DG-FG", "大工业峰谷", "分时", "大工业", "2025-01-01", "", "峰", "00:00-12:00", "", "", "0.9986"],
    ["DG-FG", "大工业峰谷", "分时", "大工业", "2025-01-01", "", "谷", "12:00-24:00", "", "", "0.31"],
    ["NY", "农业生产电价", "单一制", "农业", "2024-07-01", "2025-01-01", "全天", "", "", "", "0.499"],
    ["NY", "农业生产电价", "单一制", "农业", "2025-01-01", "", "", "", "", "", "0.509"],
]  # fmt: skip
ENGLISH = [c.key for c in COLUMNS["tariffs"]]
D = date(2025, 1, 1)
# (code, valid_from, valid_to, period, tier, limit, price) of GOOD, and its windows.
GOOD_PRICES = {
    ("JM-JT", D, None, "all", 1, 2760, Decimal("0.538")),
    ("JM-JT", D, None, "all", 2, 4800, Decimal("0.588")),
    ("JM-JT", D, None, "all", 3, None, Decimal("0.838")),
    ("GS-FG", D, None, "peak", 0, None, Decimal("1.0823")),
    ("GS-FG", D, None, "flat", 0, None, Decimal("0.6715")),
    ("GS-FG", D, None, "valley", 0, None, Decimal("0.3306")),
    ("DG-FG", D, None, "sharp", 0, None, Decimal("1.215")),
    ("DG-FG", D, None, "peak", 0, None, Decimal("0.9986")),
    ("DG-FG", D, None, "valley", 0, None, Decimal("0.31")),
    ("NY", date(2024, 7, 1), D, "all", 0, None, Decimal("0.499")),
    ("NY", D, None, "all", 0, None, Decimal("0.509")),
}
GOOD_WINDOWS = {
    ("GS-FG", D, 480, 660, "peak"),
    ("GS-FG", D, 1080, 1380, "peak"),
    ("GS-FG", D, 420, 480, "flat"),
    ("GS-FG", D, 660, 1080, "flat"),
    ("GS-FG", D, 0, 420, "valley"),  # 23:00-07:00 runs past midnight: two windows
    ("GS-FG", D, 1380, 1440, "valley"),
    ("DG-FG", D, 0, 720, "peak"),
    ("DG-FG", D, 720, 1440, "valley"),
}


def stored(session_factory: sessionmaker[Session]) -> tuple[set[Any], set[Any], set[Any]]:
    """(tariffs, price lines, windows) by 电价代码, without ids."""
    with session_factory() as session:
        codes = {t.id: t.code for t in session.scalars(select(Tariff))}
        heads = {
            (t.code, t.name, t.kind, t.customer_class) for t in session.scalars(select(Tariff))
        }
        prices = {
            (codes[p.tariff_id], p.valid_from, p.valid_to, p.period, p.tier, p.tier_limit_kwh,
             p.price_yuan_per_kwh)
            for p in session.scalars(select(TariffPrice))
        }  # fmt: skip
        windows = {
            (codes[w.tariff_id], w.valid_from, w.start_minute, w.end_minute, w.period)
            for w in session.scalars(select(TouPeriod))
        }
    return heads, prices, windows


def excel_cells(row: list[str]) -> list[object]:
    """A row as Excel types it: dates as dates, numbers as numbers."""
    out: list[object] = list(row)
    for i in (4, 5):
        if row[i]:
            out[i] = datetime.strptime(row[i].replace("/", "-"), "%Y-%m-%d")
    for i in (8, 9):
        if row[i].isdigit():
            out[i] = int(row[i])
    out[10] = float(row[10])
    return out


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "xlsx", "english"])
def test_a_good_file_stores_the_tariffs_their_lines_and_windows(
    files: Any,
    run_import: Any,
    session_factory: sessionmaker[Session],
    encoding: str,
) -> None:
    if encoding == "xlsx":
        path = files.xlsx("t.xlsx", [HEADER] + [excel_cells(r) for r in GOOD[1:]])
    elif encoding == "english":
        path = files.csv("t.csv", [ENGLISH, *GOOD[1:]])
    else:
        path = files.csv("t.csv", GOOD, encoding)
    result = run_import("tariffs", path)
    assert result.problems == ()
    assert (result.rows_read, result.counts.new, result.counts.updated) == (11, 11, 0)
    heads, prices, windows = stored(session_factory)
    assert heads == {
        ("JM-JT", "居民生活阶梯电价", "tiered", "residential"),
        ("GS-FG", "工商业峰谷", "tou", "commercial"),
        ("DG-FG", "大工业峰谷", "tou", "industrial"),
        ("NY", "农业生产电价", "flat", "agricultural"),
    }
    assert prices == GOOD_PRICES
    assert windows == GOOD_WINDOWS


def test_a_reimport_changes_nothing_and_a_changed_schedule_replaces_the_stored_one(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], snapshot: Any
) -> None:
    run_import("tariffs", files.csv("t.csv", GOOD))
    before = [snapshot(model) for model in (Tariff, TariffPrice, TouPeriod)]
    again = run_import("tariffs", files.csv("again.csv", GOOD))
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 0, 11)
    assert again.counts.removed == ()
    assert [snapshot(model) for model in (Tariff, TariffPrice, TouPeriod)] == before  # same ids

    # DG-FG from 2025-01-01 without 尖, 峰 moved, a new 平; GS-FG renamed; the rest left out.
    changed = [
        HEADER,
        ["DG-FG", "大工业峰谷", "分时", "大工业", "2025-01-01", "", "峰", "00:00-10:00", "", "", "0.9986"],
        ["DG-FG", "大工业峰谷", "分时", "大工业", "2025-01-01", "", "平", "10:00-12:00", "", "", "0.6"],
        ["DG-FG", "大工业峰谷", "分时", "大工业", "2025-01-01", "", "谷", "12:00-24:00", "", "", "0.31"],
        ["GS-FG", "一般工商业峰谷电价", "分时", "一般工商业", "2025-01-01", "", "谷", "23:00-07:00", "", "", "0.3306"],
        ["GS-FG", "一般工商业峰谷电价", "分时", "一般工商业", "2025-01-01", "", "峰", "08:00-11:00;18:00-23:00", "", "", "1.0823"],
        ["GS-FG", "一般工商业峰谷电价", "分时", "一般工商业", "2025-01-01", "", "平", "07:00-08:00;11:00-18:00", "", "", "0.6715"],
    ]  # fmt: skip
    result = run_import("tariffs", files.csv("changed.csv", changed))
    assert result.problems == ()
    counts = result.counts
    # 峰 (windows) and the three renamed GS-FG lines updated, 平 new, 谷 unchanged, 尖 removed.
    assert (counts.new, counts.updated, counts.unchanged) == (1, 4, 1)
    assert counts.removed == (("电价明细 (price lines)", 1),)
    heads, prices, windows = stored(session_factory)
    assert ("GS-FG", "一般工商业峰谷电价", "tou", "commercial") in heads
    dg = {p for p in prices if p[0] == "DG-FG"}
    assert dg == {
        ("DG-FG", D, None, "peak", 0, None, Decimal("0.9986")),
        ("DG-FG", D, None, "flat", 0, None, Decimal("0.6")),
        ("DG-FG", D, None, "valley", 0, None, Decimal("0.31")),
    }
    assert {w for w in windows if w[0] == "DG-FG"} == {
        ("DG-FG", D, 0, 600, "peak"),
        ("DG-FG", D, 600, 720, "flat"),
        ("DG-FG", D, 720, 1440, "valley"),
    }
    assert {p for p in prices if p[0] != "DG-FG"} == {p for p in GOOD_PRICES if p[0] != "DG-FG"}
    assert {w for w in windows if w[0] != "DG-FG"} == {w for w in GOOD_WINDOWS if w[0] != "DG-FG"}


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def demo_rows(valid_from: date) -> list[list[str]]:
    """The demo's tariffs (console.demo.extras) written as a 营销 tariff table."""
    rows = [HEADER]
    for code, name, kind, cls, lines in TARIFFS:
        for period, tier, limit, price in lines:
            hours = ";".join(
                f"{_clock(a)}-{_clock(b)}" for a, b, p in TOU_HOURS if p == period and kind == "tou"
            )
            cells = [code, name, kind, cls, valid_from.isoformat(), "", period, hours]
            rows.append([*cells, str(tier), "" if limit is None else str(limit), price])
    return rows


def test_the_demo_tariffs_import_to_exactly_what_the_demo_stores(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    result = run_import("tariffs", files.csv("demo.csv", demo_rows(D)))
    assert result.problems == ()
    assert result.counts.new == sum(len(t[4]) for t in TARIFFS)
    demo = make_session_factory(fresh_database(tmp_path / "demo.db"))
    with demo() as session, session.begin():
        add_tariffs(session, D)
    imported, expected = stored(session_factory), stored(demo)
    assert imported == expected
    assert len(expected[2]) == 2 * len(TOU_HOURS)  # both 峰谷 tariffs have every window


def fresh_database(path: Path) -> Any:
    engine = create_db_engine(sqlite_url(path))
    upgrade(engine)
    return engine


def exported(session_factory: sessionmaker[Session]) -> list[tuple[str, ...]]:
    with session_factory() as session:
        return list(tariffs.export_rows(session))


def write_csv(path: Path, rows: Iterator[tuple[str, ...]] | list[tuple[str, ...]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_export_then_import_into_an_empty_database_exports_the_same_rows(
    run_import: Any, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    assert run_import("tariffs", TEMPLATES / "tariffs.csv").problems == ()
    first = exported(session_factory)
    with (TEMPLATES / "tariffs.csv").open(encoding="utf-8-sig", newline="") as stream:
        assert len(first) == len(list(csv.reader(stream))) - 1
    # Sorted by 电价代码, 生效日期, period and tier; canonical text.
    assert [r[0] for r in first] == sorted(r[0] for r in first)
    assert first[0] == ("DG-FG", "大工业峰谷电价", "分时", "大工业", "2025-01-01", "", "尖", "", "", "", "1.215")  # fmt: skip
    assert first[3] == (
        "DG-FG", "大工业峰谷电价", "分时", "大工业", "2025-01-01", "", "谷",
        "00:00-07:00;23:00-24:00", "", "", "0.3105",
    )  # fmt: skip
    assert ("JM-JT", "居民生活阶梯电价", "阶梯", "居民", "2025-01-01", "", "全天", "", "1", "2760", "0.538") in first  # fmt: skip
    assert ("NY", "农业生产电价", "单一制", "农业", "2024-07-01", "2025-01-01", "全天", "", "", "", "0.499") in first  # fmt: skip

    second_db = make_session_factory(fresh_database(tmp_path / "second.db"))
    with second_db() as session, session.begin():
        path = write_csv(tmp_path / "export.csv", first)
        result = import_file(session, "tariffs", TableFile(path), today=TODAY)
    assert (result.problems, result.counts.new) == ((), len(first))
    assert exported(second_db) == first


@pytest.mark.parametrize(
    ("price", "text"),
    [("1.00000", "1.00"), ("0.5", "0.50"), ("0.53800", "0.538"), ("10", "10.00"), ("0", "0.00"),
     ("0.12345", "0.12345")],
)  # fmt: skip
def test_an_exported_price_has_no_trailing_noise_but_two_decimals(price: str, text: str) -> None:
    assert price_text(Decimal(price)) == text


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_smc_db_export_writes_the_tariffs_an_import_reads_back_the_same(
    run_import: Any, session_factory: sessionmaker[Session], tmp_path: Path, suffix: str
) -> None:
    assert run_import("tariffs", TEMPLATES / "tariffs.csv").problems == ()
    path = tmp_path / f"tariffs{suffix}"
    with session_factory() as session:
        assert export_kind(session, "tariffs", path) == 12
    other = make_session_factory(fresh_database(tmp_path / "other.db"))
    with other() as session, session.begin():
        result = import_file(session, "tariffs", TableFile(path), today=TODAY)
    assert (result.problems, result.counts.new) == ((), 12)
    assert exported(other) == exported(session_factory)
