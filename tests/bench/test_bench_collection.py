"""The demo county's collection path in-process, no GUI: generation, collection runs, panorama.

Prints the time to generate the demo profile (20,000 meters, 2 days of history), the first
collection run (energy, summary-meter power and today's freeze for every meter), a repeat run
(no freezes left to fetch), meters per second through codec + loop link + bus + ingest, and the
panorama snapshot query time.

    python3 packaging/dev.py bench -k collection
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from console.collection.service import CollectionOptions, CollectionService
from console.core.clock import FixedClock
from console.demo.fleet import start_demo_fleet
from console.demo.generator import generate_demo_county
from console.demo.profiles import PROFILES
from console.monitoring.panorama import PanoramaService
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import upgrade


def test_collection_figures(tmp_path: Path) -> None:
    engine = create_db_engine(sqlite_url(tmp_path / "bench.db"))
    upgrade(engine)
    sf = make_session_factory(engine)
    clock = FixedClock(datetime(2026, 11, 21, 10, 7, 30))
    t0 = time.perf_counter()
    county = generate_demo_county(
        sf,
        profile=PROFILES["demo"],
        seed=20261121,
        now=clock.now(),
        history_days=2,
        dead_meter_ratio=0.001,
    )
    generate_s = time.perf_counter() - t0
    fleet = start_demo_fleet(sf, clock.now)
    assert fleet is not None
    try:
        service = CollectionService(
            sf, clock, CollectionOptions(workers=4, timeout_s=1.0, retries=1)
        )
        t0 = time.perf_counter()
        first = service.run("bench")
        first_s = time.perf_counter() - t0
        clock.advance(timedelta(minutes=5))
        t0 = time.perf_counter()
        second = service.run("bench")
        second_s = time.perf_counter() - t0
        panorama = PanoramaService(sf, clock)
        panorama.snapshot(None)  # warm
        t0 = time.perf_counter()
        for _ in range(5):
            snap = panorama.snapshot(None)
        snapshot_ms = (time.perf_counter() - t0) / 5 * 1000
    finally:
        fleet.stop()
        engine.dispose()
    dead = first.failed
    print("\n\ndemo county collection (in-process, loop:// links, 4 buses in parallel)")
    print(
        f"  generate {county.meters:,} meters, {county.freezes:,} freezes, "
        f"{county.curve_points:,} curve points: {generate_s:.1f} s"
    )
    print(
        f"  first run (with freezes): {first_s:.1f} s, {first.ok:,} ok, {dead} dead meters "
        f"(each costs 2 x 1 s timeouts), {first.ok / first_s:,.0f} meters/s"
    )
    print(f"  repeat run:               {second_s:.1f} s, {second.ok / second_s:,.0f} meters/s")
    print(
        f"  panorama snapshot (county): {snapshot_ms:.0f} ms; read {snap.meters_read:,} of "
        f"{snap.meters_expected:,}\n"
    )
    assert first.ok + first.failed == county.meters
    assert snap.meters_read == first.ok
