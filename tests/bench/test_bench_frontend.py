"""Daily-freeze collection of the large county through concentrators over TCP loopback.

1. The whole county: 3,100 emulated concentrators (``smc emulator --from-db``, another process
   on the same 2-core machine) dial in to a console process that runs the front end and one
   daily-freeze pass of all 265,000 meters. Prints the pass's wall time (target < 5 min), the
   console process's peak RSS (target < 1 GB) and the emulator's.
2. The same with 500 ms of round-trip latency on every concentrator: prints the pass's wall
   time, the slowest concentrator's own time (the sum of its requests, from their first frame
   out), the sum over all concentrators, and the ratios: governed by the slowest and by the
   requests in flight at once (``max_in_flight`` / 0.5 s a second at most), not by the sum.
3. The same as 1 with the emulator starved of CPU: it is stopped (SIGSTOP) for 1 s in every
   1.5 s throughout the pass, as if another process took the machine. Whatever the rest of the
   machine does, it gets at most a third of the time, and its stops look like a link that
   stalls. The pass must slow down, not fail meters: > 99 % read. Prints the wall time, the
   requests re-sent, answered late, given up (timeouts), and the meters asked again at the end.

The same pass as the console runs it, by ``smc service`` with a window attached, and the
window's GUI stalls: ``test_bench_service.py``.

The county is generated once (``large-county``, 1 day of history) into ``SMC_COLLECT_DB``
(default: the user cache directory); each run first deletes the day's freezes.

    python3 packaging/dev.py bench -k frontend
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

DB = Path(os.environ.get("SMC_COLLECT_DB", str(paths.user_cache_dir() / "large-county-1d.db")))

CONSOLE = textwrap.dedent(
    """
    import dataclasses, json, os, resource, signal, subprocess, sys, threading, time
    from datetime import date, timedelta
    from sqlalchemy import text
    from console.collection.concentrators import ConcentratorCollector, GdwOptions
    from console.collection.frontend import FrontEndService
    from console.core.clock import SystemClock
    from console.core.config import FrontEndSettings
    from db.engine import create_db_engine, make_session_factory, sqlite_url
    from db.migrate import upgrade

    db, latency_ms, stop_s, run_s = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:5])
    engine = create_db_engine(sqlite_url(db))
    upgrade(engine)
    sf = make_session_factory(engine)
    clock = SystemClock()
    day = clock.now().date()
    with sf.begin() as s:
        s.execute(text("DELETE FROM daily_freeze WHERE day = :d"), {"d": day})
    service = FrontEndService(sf, FrontEndSettings(host="127.0.0.1", port=0), clock)
    host, port = service.start()
    emulator = subprocess.Popen(
        [sys.executable, "-m", "console", "emulator", "--from-db", "--db", sqlite_url(db),
         "--connect", f"tcp://127.0.0.1:{port}", "--latency", str(latency_ms),
         "--heartbeat", "60"],
        stdout=subprocess.DEVNULL,
    )
    with sf() as s:
        expected = s.execute(text("SELECT COUNT(*) FROM concentrator")).scalar_one()
    t0 = time.monotonic()
    while sum(st.online for st in service.front.states()) < expected:
        if time.monotonic() - t0 > 300 or emulator.poll() is not None:
            raise SystemExit("the concentrators did not all log in")
        time.sleep(0.2)
    login_s = time.monotonic() - t0
    collector = ConcentratorCollector(sf, service.front, clock, GdwOptions())
    done = threading.Event()

    def starve():  # the emulator stopped stop_s in every stop_s + run_s, for the whole pass
        while not done.is_set():
            os.kill(emulator.pid, signal.SIGSTOP)
            done.wait(stop_s)
            os.kill(emulator.pid, signal.SIGCONT)
            done.wait(run_s)

    def cpu_s():  # (this process, the emulator): CPU seconds so far, a figure load shifts less
        with open(f"/proc/{emulator.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        own = os.times()
        return own.user + own.system, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    starver = threading.Thread(target=starve, daemon=True)
    cpu0 = cpu_s()
    t0 = time.monotonic()
    if stop_s:
        starver.start()
    try:
        summary = collector.collect_freezes(day, trigger="bench")
    finally:
        done.set()
        if stop_s:
            starver.join()
        os.kill(emulator.pid, signal.SIGCONT)
    wall_s = time.monotonic() - t0
    cpu = [after - before for after, before in zip(cpu_s(), cpu0)]
    with sf() as s:
        per = s.execute(text(
            "SELECT concentrator_id, SUM(duration_ms) FROM (SELECT DISTINCT concentrator_id, "
            "started_at, duration_ms FROM collection_attempt WHERE run_id = :r) "
            "GROUP BY concentrator_id"), {"r": summary.run_id}).all()
    emulator_rss = 0
    try:
        for line in open(f"/proc/{emulator.pid}/status"):
            if line.startswith("VmHWM"):
                emulator_rss = int(line.split()[1]) / 1024
    except OSError:
        pass
    emulator.terminate()
    emulator.wait(30)
    service.stop()
    slowest = max(ms for _c, ms in per) / 1000
    total = sum(ms for _c, ms in per) / 1000
    print(json.dumps({
        "latency_ms": latency_ms, "concentrators": expected, "login_s": login_s,
        "planned": summary.planned, "ok": summary.ok, "failed": summary.failed,
        "results": summary.results, "wall_s": wall_s, "slowest_concentrator_s": slowest,
        "sum_over_concentrators_s": total, "console_cpu_s": cpu[0], "emulator_cpu_s": cpu[1],
        "console_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "emulator_peak_rss_mib": emulator_rss, "retried_at_end": summary.retried,
        "front_end": dataclasses.asdict(service.front.stats),
        "max_in_flight": service.front.options.max_in_flight,
        "load_average": os.getloadavg(),
    }))
    """
)


def _ensure_db() -> None:
    if DB.exists():
        return
    DB.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "console", "db", "demo", "--profile", "large-county",
         "--days", "1", "--db", f"sqlite:///{DB}"],
        check=True,
    )  # fmt: skip
    print(f"\ngenerated {DB} in {time.perf_counter() - t0:.0f} s")


def _pass(latency_ms: int, stop_s: float = 0.0, run_s: float = 0.0) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    print(f"\nload average before: {os.getloadavg()}")
    out = subprocess.run(
        [sys.executable, "-c", CONSOLE, str(DB), str(latency_ms), str(stop_s), str(run_s)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise AssertionError(f"console side failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_daily_freeze_of_the_large_county_over_tcp() -> None:
    _ensure_db()
    fig = _pass(0)
    print(f"\n1. daily freeze, {fig['concentrators']} concentrators, {fig['planned']} meters:")
    print(json.dumps(fig, indent=2))
    assert fig["ok"] > 0.99 * fig["planned"]  # type: ignore[operator]
    print(
        f"   wall {fig['wall_s']:.1f} s (target < 300 s), console peak RSS "
        f"{fig['console_peak_rss_mib']:.0f} MiB (target < 1024), emulator "
        f"{fig['emulator_peak_rss_mib']:.0f} MiB; logins took {fig['login_s']:.1f} s"
    )


def test_with_500_ms_latency_the_pass_is_governed_by_the_slowest_concentrator() -> None:
    _ensure_db()
    fig = _pass(500)
    print("\n2. the same pass with 500 ms round trips:")
    print(json.dumps(fig, indent=2))
    wall, slowest, total = (
        fig["wall_s"],
        fig["slowest_concentrator_s"],
        fig["sum_over_concentrators_s"],
    )
    assert isinstance(wall, float) and isinstance(slowest, float) and isinstance(total, float)
    print(
        f"   wall {wall:.1f} s; slowest concentrator {slowest:.1f} s; sum {total:.0f} s; "
        f"wall/slowest {wall / slowest:.2f}, wall/sum {wall / total:.4f}"
    )


def test_with_the_emulator_starved_of_cpu_the_pass_slows_down_and_reads_the_meters() -> None:
    _ensure_db()
    fig = _pass(0, stop_s=1.0, run_s=0.5)
    print("\n3. the same pass, the emulator stopped 1 s in every 1.5 s:")
    print(json.dumps(fig, indent=2))
    stats = fig["front_end"]
    assert isinstance(stats, dict)
    print(
        f"   wall {fig['wall_s']:.1f} s; {fig['ok']:,} ok, {fig['failed']:,} failed "
        f"{fig['results']}; requests {stats['requests']:,}, re-sent {stats['resent']:,}, "
        f"answered late {stats['late_answers']:,}, given up (timeouts) {stats['given_up']:,}; "
        f"meters asked again at the end {fig['retried_at_end']:,}"
    )
    assert fig["ok"] > 0.99 * fig["planned"]  # type: ignore[operator]
