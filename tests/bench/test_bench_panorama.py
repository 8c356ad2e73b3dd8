"""Panorama queries on the large-county profile (265 k meters, 3,100 台区, 400 days of daily
freezes, 90 days of 台区 curves): county KPIs for a day, the 台区 line-loss ranking, and one
台区's curve for 3 days beside the same days last year. Targets: each under 200 ms warm and
under 1 s cold. Also reports the database size, and the peak RSS of the querying process.

The county is generated once into ``SMC_LARGE_DB`` (default: the user cache directory,
``large-county.db``) by ``smc db demo --profile large-county --days 400``, which reports its
generation time; the benchmark reuses it afterwards. Cold = a new process and connection
(SQLite's page cache empty; the OS file cache is dropped too when this runs as root and the
kernel allows it).

    python3 packaging/dev.py bench -k panorama
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from console.core import paths
from db.engine import create_db_engine, sqlite_url
from db.migrate import upgrade

DB = Path(os.environ.get("SMC_LARGE_DB", str(paths.user_cache_dir() / "large-county.db")))

QUERIES = textwrap.dedent(
    """
    import json, resource, statistics, sys, time
    from datetime import timedelta
    from sqlalchemy import func, select
    from db.engine import create_db_engine, make_session_factory, sqlite_url
    from db.models import County, RollupDay, TransformerArea
    from console.core.clock import SystemClock
    from console.core.thresholds import ThresholdBook
    from console.kpi.line_loss import line_loss_pct
    from console.monitoring.panorama import PanoramaService
    from db.models import Level
    from db.queries import rollups as rq
    from db.scope import Scope

    engine = create_db_engine(sqlite_url(sys.argv[1]))
    sf = make_session_factory(engine)
    repeats = int(sys.argv[2])
    with sf() as s:  # what to ask for: the last full day, the county, a mid-list 台区
        county = s.scalar(select(County.id))
        day = s.scalar(select(func.max(RollupDay.day)).where(RollupDay.supply_wh.is_not(None)))
        area = s.scalar(select(TransformerArea.id).order_by(TransformerArea.id).offset(1500))
    scope = Scope(Level.COUNTY, county)
    first = day - timedelta(days=2)
    panorama = PanoramaService(sf, SystemClock(), ThresholdBook(sf, None))

    def kpis(s):
        return rq.day_kpis(s, scope, day)

    def ranking(s):  # the panorama's own: the query and each 台区 judged by its station's limits
        return panorama.line_loss_ranking(scope, day)

    def curve(s):
        return rq.area_curve(s, area, first, 3), rq.area_curve(s, area, first.replace(year=first.year - 1), 3)

    out = {}
    for name, query in (("kpis", kpis), ("ranking", ranking), ("curve", curve)):
        times = []
        for _ in range(repeats):
            with sf() as s:
                t0 = time.perf_counter()
                result = query(s)
                times.append((time.perf_counter() - t0) * 1000)
        out[name] = {"first_ms": times[0], "median_ms": statistics.median(times)}
    with sf() as s:
        k = kpis(s)
        r = ranking(s)
        c = curve(s)
    out["facts"] = {
        "day": day.isoformat(), "meters_expected": k.meters_expected, "meters_read": k.meters_read,
        "line_loss_pct": str(line_loss_pct(k.supply_wh, k.loss_sales_wh)), "areas": len(r),
        "high": sum(a.verdict == "high" for a in r), "negative": sum(a.verdict == "negative" for a in r),
        "incomputable": sum(a.verdict == "incomputable" for a in r),
        "curve_points": len(c[0]), "last_year_points": len(c[1]),
    }
    out["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
    """
)


def _drop_os_cache() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def _run(repeats: int) -> dict[str, dict[str, float]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", QUERIES, str(DB), str(repeats)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_panorama_queries_on_the_large_county() -> None:
    if not DB.exists():
        DB.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "console", "db", "demo", "--profile", "large-county",
             "--days", "400", "--db", f"sqlite:///{DB}"],
            check=True,
        )  # fmt: skip
        print(f"\ngenerated {DB} in {time.perf_counter() - t0:.0f} s")
    engine = create_db_engine(sqlite_url(DB))  # a county made by an older schema: upgrade first
    t0 = time.perf_counter()
    upgraded = upgrade(engine)
    upgrade_s = time.perf_counter() - t0
    engine.dispose()
    if upgraded.from_revision != upgraded.to_revision:
        print(f"\nupgraded {upgraded.from_revision} -> {upgraded.to_revision} in {upgrade_s:.1f} s")
    size_gib = sum(p.stat().st_size for p in DB.parent.glob(DB.name + "*")) / 2**30
    dropped = _drop_os_cache()
    cold = _run(1)
    warm = _run(20)
    print(f"\n\npanorama queries on the large county ({DB}, {size_gib:.1f} GiB on disk)")
    print(
        f"  cold = new process and connection; OS file cache {'dropped' if dropped else 'warm (could not drop it)'}"
    )
    for name, label in (("kpis", "county KPIs for a day"), ("ranking", "台区 line-loss ranking"),
                        ("curve", "one 台区, 3 days + last year")):  # fmt: skip
        print(
            f"  {label:<30} cold {cold[name]['first_ms']:7.1f} ms   warm {warm[name]['median_ms']:6.1f} ms (median of 20)"
        )
    print(f"  facts: {warm['facts']}")
    print(f"  peak RSS of the querying process: {warm['rss_mib']:.0f} MiB\n")
    assert warm["facts"]["areas"] == 3_100
    assert warm["facts"]["curve_points"] == 288
