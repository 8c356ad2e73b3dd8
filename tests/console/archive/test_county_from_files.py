"""A county set up only from archive files: the small demo county exported kind by kind
(``smc db export``), imported in template order into an empty database, collects over the
emulator, shows the same panorama as the original, and exports to the same files again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from console import __main__ as cli
from console.archive.export import header
from console.archive.schema import KINDS
from console.collection.service import CollectionOptions, CollectionService
from console.core.clock import FixedClock
from console.core.thresholds import ThresholdBook
from console.demo.generator import DemoCounty
from console.monitoring.panorama import PanoramaService
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import upgrade
from db.models import Meter, RunStatus
from db.queries.settings import demo_info
from db.scope import EVERYTHING

FAST = CollectionOptions(workers=3, timeout_s=0.25, retries=1)


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[tuple[str, sessionmaker[Session]]]:
    url = sqlite_url(tmp_path / "imported.db")
    engine: Engine = create_db_engine(url)
    upgrade(engine)
    yield url, make_session_factory(engine)
    engine.dispose()


def _export(db_url: str, kind: str, out: Path) -> int:
    return cli.main(["db", "export", kind, "--out", str(out), "--db", db_url])


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig") as stream:
        return sum(1 for _ in stream) - 1


@pytest.mark.usefixtures("fleet")  # the emulated meters on their loop:// links
def test_a_county_from_exported_files_collects_shows_its_panorama_and_round_trips(
    small_county: DemoCounty,
    db_url: str,
    session_factory: sessionmaker[Session],
    empty_db: tuple[str, sessionmaker[Session]],
    *,
    clock: FixedClock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for kind in KINDS:
        assert _export(db_url, kind, first / f"{kind}.csv") == 0, capsys.readouterr()
    counts = {kind: _rows(first / f"{kind}.csv") for kind in KINDS}
    assert counts["org"] == small_county.areas
    assert counts["customers"] == small_county.customers
    assert counts["meters"] == small_county.meters
    assert counts["readings"] == small_county.freezes
    assert counts["curves"] == small_county.curve_points
    assert all(counts[k] > 0 for k in ("concentrators", "tariffs"))

    new_url, new_sf = empty_db
    for kind in KINDS:
        if counts[kind]:
            argv = ["db", "import", kind, str(first / f"{kind}.csv"), "--db", new_url]
            assert cli.main(argv) == 0, capsys.readouterr()
    for kind in KINDS:
        assert _export(new_url, kind, second / f"{kind}.csv") == 0
        same = (first / f"{kind}.csv").read_bytes() == (second / f"{kind}.csv").read_bytes()
        assert same, f"{kind}: the second export differs from the first"

    with new_sf() as s:
        assert demo_info(s) is None  # no demo: a county of its own
        meters = s.scalar(select(func.count()).select_from(Meter))
    assert meters == small_county.meters

    # The panorama of the days before: the same curve and the same line loss per 台区.
    book = ThresholdBook(session_factory, None)
    yesterday = clock.now().date() - timedelta(days=1)
    old = PanoramaService(session_factory, clock, book)
    new = PanoramaService(new_sf, clock, ThresholdBook(new_sf, None))
    old_curve = [(p.slot_start, p.power_w) for p in old.snapshot().yesterday]
    assert old_curve
    assert [(p.slot_start, p.power_w) for p in new.snapshot().yesterday] == old_curve

    def ranking(service: PanoramaService) -> list[tuple[object, ...]]:
        # The line loss of a day needs the freezes at both its ends: the day before yesterday.
        rows = service.line_loss_ranking(EVERYTHING, yesterday - timedelta(days=1))
        return [(r.code, r.station, r.supply_wh, r.sales_wh, r.loss_pct) for r in rows]

    assert ranking(new) == ranking(old)
    assert any(row[2] for row in ranking(new))

    # The emulator answers the imported meters on the links the files gave them.
    summary = CollectionService(new_sf, clock, FAST).run("test")
    assert summary.status is RunStatus.FINISHED
    assert summary.planned == small_county.meters
    assert summary.ok > 0.9 * small_county.meters


def test_an_xlsx_export_holds_the_same_cells_and_imports_unchanged(
    small_county: DemoCounty,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for kind in ("meters", "readings"):
        csv_path, xlsx_path = tmp_path / f"{kind}.csv", tmp_path / f"{kind}.xlsx"
        assert _export(db_url, kind, csv_path) == 0
        assert _export(db_url, kind, xlsx_path) == 0
        book = load_workbook(xlsx_path, read_only=True)
        sheet = book.worksheets[0]
        cells = [
            tuple("" if c is None else c for c in row) for row in sheet.iter_rows(values_only=True)
        ]
        book.close()
        assert cells[0] == header(kind)
        assert len(cells) - 1 == _rows(csv_path)
        capsys.readouterr()
        assert cli.main(["db", "import", kind, str(xlsx_path), "--db", db_url]) == 0
        out = capsys.readouterr().out
        assert f"stored: {len(cells) - 1} (0 new, 0 updated, {len(cells) - 1} unchanged)" in out
