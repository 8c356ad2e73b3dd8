"""Start-up of the real program (``python -m console --screenshot``), wall time from spawn.

Prints: time to first paint, to services ready, to the first collection finished, and to the
screenshot, for a first start (demo county of 20,000 meters generated) and a second start
(the county exists), plus the peak RSS of the process.

    python3 packaging/dev.py bench -k startup
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

MARKS = {  # what the console logs at each step
    "first paint": re.compile(r"first paint"),
    "services ready": re.compile(r"console ready"),
    "first collection done": re.compile(r"collection run \d+ finished"),
    "screenshot saved": re.compile(r"screenshot of panorama saved"),
}


def _start(tmp: Path, label: str) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(tmp / var.lower())
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "--screenshot", str(tmp / f"{label}.png")],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: dict[str, float] = {}
    assert proc.stderr is not None
    for line in proc.stderr:
        for name, needle in MARKS.items():
            if needle.search(line) and name not in seen:
                seen[name] = time.monotonic() - started
    assert proc.wait(timeout=600) == 0
    seen["exit"] = time.monotonic() - started
    return seen


def test_startup_figures(tmp_path: Path) -> None:
    rows = {
        "first start (generates the demo county)": _start(tmp_path, "first"),
        "second start (county exists)": _start(tmp_path, "second"),
    }
    rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("\n\nstart-up of smc (seconds from spawn, demo profile: 20,000 meters)")
    print(f"{'':44}" + "".join(f"{name:>22}" for name in (*MARKS, "exit")))
    for label, seen in rows.items():
        print(
            f"{label:44}"
            + "".join(f"{seen.get(name, float('nan')):>22.2f}" for name in (*MARKS, "exit"))
        )
    print(f"peak RSS of the console process: {rss_mib:.0f} MiB\n")
    for seen in rows.values():
        assert set(MARKS) <= set(seen)
        assert seen["first paint"] < seen["services ready"] or seen["first paint"] < 5
