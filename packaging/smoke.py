"""Smoke test of the frozen bundle: ``smc --version``, then ``smc --screenshot`` of the panorama
on a fresh user directory (demo county generated, collected, grabbed). Standard library only.

    python packaging/smoke.py dist/smc WORKDIR
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
from pathlib import Path

SMALL_COUNTY = '[demo]\nprofile = "small"\n[collection]\ninterval_s = 3600\ntimeout_s = 0.5\n'


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise SystemExit(f"smoke: {path} is not a PNG")
    return struct.unpack(">II", data[16:24])


def main(bundle: Path, work: Path) -> int:
    exe = bundle / ("smc.exe" if os.name == "nt" else "smc")
    if not exe.exists():
        print(f"smoke: {exe} does not exist", file=sys.stderr)
        return 1
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(work / var.lower())
    version = subprocess.run(
        [str(exe), "--version"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if version.returncode != 0 or not version.stdout.startswith("smc "):
        print(
            f"smoke: --version failed ({version.returncode}): {version.stderr[-2000:]}",
            file=sys.stderr,
        )
        return 1
    config = work / "smc.toml"
    config.write_text(SMALL_COUNTY, encoding="utf-8")
    png = work / "bundle-panorama.png"
    started = time.monotonic()
    shot = subprocess.run(
        [str(exe), "--config", str(config), "--screenshot", str(png)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    elapsed = time.monotonic() - started
    if shot.returncode != 0:
        print(
            f"smoke: --screenshot exited {shot.returncode}:\n{shot.stderr[-4000:]}", file=sys.stderr
        )
        return 1
    if not png.exists() or png.stat().st_size < 20_000:
        print(f"smoke: no usable screenshot at {png}", file=sys.stderr)
        return 1
    width, height = png_size(png)
    if "collection run 1 finished" not in shot.stderr:
        print("smoke: the bundle did not collect before the screenshot", file=sys.stderr)
        return 1
    print(
        f"smoke: {version.stdout.strip()}; screenshot {width}x{height}, "
        f"{png.stat().st_size // 1024} KiB in {elapsed:.1f} s -> ok"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
