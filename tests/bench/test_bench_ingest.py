"""Ingest: 1,000,000 quarter-hour curve rows through ``db.ingest.upsert_interval_readings``
(upsert + load rollups) versus raw ``sqlite3.executemany`` of the same rows into an equivalent
table (the same DDL, indexes and foreign key) in the same database, one run, the sides taking
each batch in turn. Target: ours ≥ 0.9 of raw. ``SMC_INGEST_ROWS`` changes the row count.

Ours stores each batch in key order (``db.upsert``), which by itself makes SQLite's part a
third cheaper; so a second reference, raw ``executemany`` of each batch already sorted by key
(the sort not timed), shows what our layers cost over SQLite. Both raw sides still pass each
datetime through sqlite3's default adapter (a Python call per value, a fifth of raw's time),
which ours replaces by one conversion per distinct value.

    python3 packaging/dev.py bench -k ingest
"""

from __future__ import annotations

import gc
import os
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.ingest import IntervalRow, upsert_interval_readings
from db.migrate import upgrade
from db.models import (
    Company,
    County,
    Feeder,
    Meter,
    RollupCurve,
    RollupDay,
    Substation,
    SupplyStation,
    TransformerArea,
)

ROWS = int(os.environ.get("SMC_INGEST_ROWS", "1000000"))
METERS = 3_100  # the large county's 台区 summary meters
BATCH = 3_100 * 32  # eight hours of the county's curves per transaction (a day's catch-up read)
START = datetime(2026, 8, 1)


def summary_meters(sf) -> list[int]:  # type: ignore[no-untyped-def]
    """The large county's 3,100 台区 with a three-phase summary meter each (asset numbers
    33300 + the id), on an empty database; the meter ids."""
    with sf.begin() as s:
        s.execute(insert(Company), [{"id": 1, "code": "C", "name": "市公司"}])
        s.execute(insert(County), [{"id": 1, "company_id": 1, "code": "K", "name": "县"}])
        s.execute(
            insert(SupplyStation),
            [{"id": i, "county_id": 1, "code": f"S{i}", "name": f"所{i}"} for i in range(1, 31)],
        )
        s.execute(
            insert(Substation),
            [{"id": 1, "county_id": 1, "code": "B1", "name": "站", "voltage_kv": 35}],
        )
        s.execute(
            insert(Feeder),
            [
                {
                    "id": i,
                    "substation_id": 1,
                    "supply_station_id": (i - 1) % 30 + 1,
                    "code": f"F{i}",
                    "name": f"线{i}",
                }
                for i in range(1, 151)
            ],
        )
        s.execute(
            insert(TransformerArea),
            [
                {
                    "id": i,
                    "feeder_id": (i - 1) % 150 + 1,
                    "code": f"T{i}",
                    "name": f"台区{i}",
                    "rated_kva": 400,
                    "area_class": "rural",
                }
                for i in range(1, METERS + 1)
            ],
        )
        s.execute(
            insert(Meter),
            [
                {
                    "id": i,
                    "asset_no": f"33300{i:08d}",
                    "comm_address": f"{i:012d}",
                    "protocol": "dlt645-2007",
                    "link_url": f"loop://b/{i}",
                    "transformer_area_id": i,
                    "role": "summary",
                    "ct_ratio": 80,
                    "phases": 3,
                    "status": "active",
                }
                for i in range(1, METERS + 1)
            ],
        )
    return list(range(1, METERS + 1))


def _rows(meters: list[int]) -> list[IntervalRow]:
    rows: list[IntervalRow] = []
    slot = START
    while len(rows) < ROWS:
        read_at = slot + timedelta(minutes=15, seconds=20)
        for m in meters:
            rows.append(
                IntervalRow(
                    m,
                    slot,
                    20_000 + (m * 37 + slot.hour * 101) % 90_000,
                    None,
                    read_at,
                    2_301,
                    2_298,
                    2_305,
                    41_000,
                    39_500,
                    40_200,
                    930,
                )
            )
            if len(rows) == ROWS:
                break
        slot += timedelta(minutes=15)
    return rows


def test_ingest_figures(tmp_path: Path) -> None:
    path = tmp_path / "ingest.db"
    engine = create_db_engine(sqlite_url(path))
    upgrade(engine)
    sf = make_session_factory(engine)
    rows = _rows(summary_meters(sf))
    # The raw baseline: the same table definition under another name, the same indexes.
    with engine.begin() as conn:
        ddl = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'interval_reading'")
        ).scalar_one()
        conn.execute(
            text(
                ddl.replace('"interval_reading"', "raw_reading").replace(
                    "interval_reading", "raw_reading", 1
                )
            )
        )
        conn.execute(text("CREATE INDEX ix_raw_reading_slot_start ON raw_reading (slot_start)"))
        conn.execute(text(ddl.replace("interval_reading", "sorted_reading")))
        conn.execute(
            text("CREATE INDEX ix_sorted_reading_slot_start ON sorted_reading (slot_start)")
        )
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("PRAGMA foreign_keys=ON")
    columns = IntervalRow._fields
    sql = (
        f"INSERT INTO raw_reading ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    )

    batches = [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]
    in_key_order = [sorted(b, key=lambda r: (r.meter_id, r.slot_start)) for b in batches]

    sorted_sql = sql.replace("raw_reading", "sorted_reading")

    # Batch by batch, each side in turn: on a shared machine the load changes within a run,
    # and interleaved the sides see the same load, where one after the other each saw its
    # own. Nothing is left for the garbage collector before the first batch: the million rows
    # just built would make the first side that allocates pay a full collection of them.
    raw_s = ours_s = sorted_s = 0.0
    gc.collect()
    for batch, ordered in zip(batches, in_key_order, strict=True):
        t0 = time.perf_counter()
        with raw:
            raw.executemany(sql, batch)
        t1 = time.perf_counter()
        with sf.begin() as session:
            upsert_interval_readings(session, batch)
        t2 = time.perf_counter()
        with raw:
            raw.executemany(sorted_sql, ordered)
        t3 = time.perf_counter()
        raw_s, ours_s, sorted_s = raw_s + t1 - t0, ours_s + t2 - t1, sorted_s + t3 - t2
    raw.close()

    with sf() as session:
        stored = session.execute(text("SELECT count(*) FROM interval_reading")).scalar_one()
        raw_count = session.execute(text("SELECT count(*) FROM raw_reading")).scalar_one()
        sorted_count = session.execute(text("SELECT count(*) FROM sorted_reading")).scalar_one()
        curves = session.execute(text("SELECT count(*) FROM rollup_curve")).scalar_one()
        days = session.query(RollupDay).count()
        assert session.query(RollupCurve).count() == curves
    engine.dispose()
    ratio = raw_s / ours_s
    print(f"\n\ningest of {ROWS:,} curve rows, {BATCH:,} rows per transaction, SQLite WAL")
    print(f"  raw sqlite3.executemany: {raw_s:.2f} s, {ROWS / raw_s:,.0f} rows/s")
    print(f"  ours (upsert + rollups): {ours_s:.2f} s, {ROWS / ours_s:,.0f} rows/s")
    print(
        f"  ours / raw speed: {ratio:.2f} (target 0.90); rollup rows: {curves:,} curve, {days:,} day"
    )
    print(f"  raw, batches in key order: {sorted_s:.2f} s, {ROWS / sorted_s:,.0f} rows/s")
    print(f"  ours / raw in key order: {sorted_s / ours_s:.2f} (reference: our layers' cost)\n")
    assert stored == raw_count == sorted_count == ROWS
    assert curves > 0 and days > 0
