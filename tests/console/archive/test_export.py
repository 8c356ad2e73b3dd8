"""``smc db export``: the canonical spellings (read back exactly by the import), the file
formats, a scoped export, and the refusals that leave no file behind."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console import __main__ as cli
from console.archive import values as v
from console.archive.export import (
    EVENT_KIND_NAMES,
    ExportError,
    export_kind,
    fixed,
    kwh,
)
from console.archive.schema import EVENT_KINDS
from console.demo.generator import DemoCounty
from db.models import EventKind, SupplyStation


@pytest.mark.parametrize(
    ("wh", "text"),
    [(0, "0.00"), (1_234_560, "1234.56"), (1_234_567, "1234.567"), (5, "0.005"), (None, "")],
)
def test_energy_is_written_as_kwh_the_import_reads_back_exactly(wh: int | None, text: str) -> None:
    assert kwh(wh) == text
    if wh is not None:
        assert v.kwh_as_wh(text) == wh


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(2281, 1, "228.1"), (-1234, 3, "-1.234"), (935, 3, "0.935"), (-5, 3, "-0.005"), (7, 0, "7")],
)
def test_fixed_point_values(value: int, decimals: int, text: str) -> None:
    assert fixed(value, decimals) == text


def test_every_event_kind_has_a_chinese_name_the_import_knows() -> None:
    for kind in EventKind:
        name = EVENT_KIND_NAMES[kind.value]
        assert not name.isascii()
        assert EVENT_KINDS[name] == kind.value


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_an_operator_of_one_station_exports_only_its_station(
    small_county: DemoCounty, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    everything, one = tmp_path / "all.csv", tmp_path / "one.csv"
    with session_factory() as session:
        assert export_kind(session, "meters", everything) == small_county.meters
        all_rows = _read(everything)[1:]
        export_kind(session, "org", tmp_path / "org.csv")
        station_of_area = {r[5]: r[2] for r in _read(tmp_path / "org.csv")[1:]}
        stations = sorted(set(station_of_area.values()))
        first = session.scalar(select(SupplyStation).where(SupplyStation.name == stations[0]))
        assert first is not None
        count = export_kind(session, "meters", one, stations={first.id})
    mine = _read(one)[1:]
    assert count == len(mine)
    assert 0 < len(mine) < len(all_rows)
    assert {station_of_area[r[4]] for r in mine} == {stations[0]}
    assert mine == [r for r in all_rows if station_of_area[r[4]] == stations[0]]


def test_a_bad_name_or_an_unwritable_folder_is_refused_and_leaves_no_file(
    small_county: DemoCounty, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with session_factory() as session:
        with pytest.raises(ExportError, match=r"must end in \.csv or \.xlsx"):
            export_kind(session, "org", tmp_path / "org.txt")
        folder = tmp_path / "org.csv"
        folder.mkdir()
        with pytest.raises(ExportError, match="is a folder"):
            export_kind(session, "org", folder)
        a_file = tmp_path / "notes.txt"
        a_file.write_text("not a folder")
        with pytest.raises(ExportError, match="cannot write in"):
            export_kind(session, "org", a_file / "org.csv")
        with pytest.raises(ExportError, match="more rows than an Excel sheet"):
            export_kind(session, "meters", tmp_path / "m.xlsx", excel_rows=10)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("test.db")) == [
        "notes.txt",
        "org.csv",
    ]
    assert list(folder.iterdir()) == []


def test_the_command_names_what_is_wrong(
    small_county: DemoCounty, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = f"sqlite:///{tmp_path / 'nothing.db'}"
    assert cli.main(["db", "export", "org", "--out", str(tmp_path / "o.csv"), "--db", missing]) == 1
    assert "there is no database file at" in capsys.readouterr().err
    assert not (tmp_path / "nothing.db").exists()
    assert cli.main(["db", "export", "org", "--out", str(tmp_path / "o.ods"), "--db", db_url]) == 1
    assert "must end in .csv or .xlsx" in capsys.readouterr().err
    assert cli.main(["db", "export", "org", "--out", str(tmp_path / "o.csv"), "--db", db_url]) == 0
    assert f"o.csv: org, {small_county.areas} rows" in capsys.readouterr().out
