"""Generating the demo county with 60 days of history, as ``smc db demo --profile demo --days
60`` does (a new process, so its peak RSS is its own). Target: under 60 s on the 2-core
reference machine. Prints the time, the database size and the peak RSS.

    python3 packaging/dev.py bench -k generate
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = """
import resource, sys
from console.__main__ import main
code = main(sys.argv[1:])
print("peak_rss_kib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def test_generate_the_demo_county_with_60_days(tmp_path: Path) -> None:
    db = tmp_path / "demo60.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "db", "demo", "--profile", "demo", "--days", "60",
         "--db", f"sqlite:///{db}"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    rss = int(re.search(r"peak_rss_kib (\d+)", done.stderr).group(1))  # type: ignore[union-attr]
    size = sum(p.stat().st_size for p in tmp_path.glob("demo60.db*")) / 2**20
    print(f"\n\n{done.stdout.strip()}")
    print(
        f"  wall {seconds:.1f} s (target 60 s), database {size:.0f} MiB, peak RSS {rss / 1024:.0f} MiB\n"
    )
    assert "20,000 meters" in done.stdout
