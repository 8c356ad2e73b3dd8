"""Curve import: a CSV of 1,000,000 quarter-hour points of the large county's 3,100 台区 summary
meters (three-phase, every column filled) through ``smc db import curves`` as a user runs it:
read, parse, check against the database, store through ``db.ingest`` with the load rollups.
Target: ≥ 100,000 rows/s on SQLite. Then the same file again (every row unchanged), and, to
show where the time goes, the reading and the parsing alone and the same points stored through
``upsert_interval_readings`` alone (the floor). ``SMC_IMPORT_ROWS`` changes the count.

    python3 packaging/dev.py bench -k import_curves
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import os
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from test_bench_ingest import METERS, summary_meters

from console import __main__ as cli
from console.archive import curve_store, curves
from console.archive.reader import TableFile
from console.archive.schema import COLUMNS, match_columns
from console.core.memory import postponed_full_collections
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.ingest import IntervalRow, upsert_interval_readings
from db.migrate import upgrade
from db.models import IntervalReading, RollupCurve

ROWS = int(os.environ.get("SMC_IMPORT_ROWS", "1000000"))
START = datetime(2026, 8, 1)


def _write_file(path: Path) -> None:
    """A day at a time, each meter's 96 points together, as 采集系统 exports are laid out."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream)
        out.writerow([c.zh for c in COLUMNS["curves"]])
        written = 0
        day = START
        while written < ROWS:
            times = [
                (day + timedelta(minutes=15 * k)).strftime("%Y-%m-%d %H:%M") for k in range(96)
            ]
            for m in range(1, METERS + 1):
                for k, at in enumerate(times):
                    kw = 40 + (m * 37 + k * 101) % 260 + (m % 7) / 8
                    out.writerow(
                        [
                            f"33300{m:08d}",
                            at,
                            f"{kw:.3f}",
                            f"{228 + (m + k) % 9 / 10:.1f}",
                            f"{227 + (m + k) % 7 / 10:.1f}",
                            f"{229 + (m + k) % 5 / 10:.1f}",
                            f"{kw / 0.66:.3f}",
                            f"{kw / 0.67:.3f}",
                            f"{kw / 0.65:.3f}",
                            "0.93" if k % 3 else "0.951",
                        ]
                    )
                    written += 1
                    if written == ROWS:
                        return
            day += timedelta(days=1)


def _smc_import(url: str, path: Path) -> tuple[int, str, float]:
    printed = io.StringIO()
    gc.collect()
    started = time.perf_counter()
    with contextlib.redirect_stdout(printed):
        code = cli.main(["db", "import", "curves", str(path), "--db", url])
    return code, printed.getvalue(), time.perf_counter() - started


def _ingest_alone(tmp_path: Path, records: list[curves.CurveRecord]) -> float:
    """The same points stored straight through ``upsert_interval_readings`` (in the import's
    day batches) into a fresh database: the ingest path's share, the floor of the import."""
    url = sqlite_url(tmp_path / "ingest.db")
    engine = create_db_engine(url)
    upgrade(engine)
    sf = make_session_factory(engine)
    summary_meters(sf)
    ids = {f"33300{m:08d}": m for m in range(1, METERS + 1)}
    points = [
        IntervalRow(ids[r.asset_no], r.slot_start, r[3] or 0, None, r.slot_start, *r[4:11])
        for r in records
    ]
    gc.collect()
    started = time.perf_counter()
    with sf.begin() as session:
        for batch in curve_store._day_batches(points):
            upsert_interval_readings(session, batch)
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def test_curve_import_figures(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "import.db")
    engine = create_db_engine(url)
    upgrade(engine)
    sf = make_session_factory(engine)
    summary_meters(sf)
    path = tmp_path / "curves.csv"
    _write_file(path)
    mib = path.stat().st_size / 2**20

    code, out, first_s = _smc_import(url, path)
    assert code == 0, out
    assert f"stored: {ROWS} ({ROWS} new, 0 updated, 0 unchanged)" in out, out
    with sf() as session:
        stored = session.scalar(select(func.count()).select_from(IntervalReading))
        rollup = session.scalar(select(func.count()).select_from(RollupCurve))
    assert stored == ROWS and (rollup or 0) > 0

    code, out, again_s = _smc_import(url, path)
    assert code == 0, out
    assert f"stored: {ROWS} (0 new, 0 updated, {ROWS} unchanged)" in out, out
    engine.dispose()

    table = TableFile(path)
    columns = match_columns("curves", table.headers)
    gc.collect()
    with postponed_full_collections():
        t0 = time.perf_counter()
        read = sum(1 for _ in table.rows())
        t1 = time.perf_counter()
        records, problems, parsed = curves.parse_rows(table.blocks(), columns, date(2026, 11, 21))
        t2 = time.perf_counter()
        assert read == parsed == len(records) == ROWS and not problems
        ingest_s = _ingest_alone(tmp_path, records)

    print(f"\n\nsmc db import curves: {ROWS:,} rows ({mib:.0f} MiB CSV), {METERS:,} meters, SQLite")
    print(f"  import, new points:   {first_s:.2f} s, {ROWS / first_s:,.0f} rows/s (target 100,000)")
    print(f"  again, all unchanged: {again_s:.2f} s, {ROWS / again_s:,.0f} rows/s")
    print(f"  reading the CSV: {t1 - t0:.2f} s; parsing: {t2 - t1:.2f} s")
    print(
        f"  the same points through upsert_interval_readings alone: {ingest_s:.2f} s, "
        f"{ROWS / ingest_s:,.0f} rows/s (the import's floor: {ingest_s / first_s:.0%} of it)\n"
    )
