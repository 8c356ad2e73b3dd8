"""Smoke test of the frozen bundle: ``smc --version``; ``smc decode`` of a frame of every
protocol; on POSIX ``smc emulator --pty`` read by ``smc read``; then ``smc --screenshot`` of
the panorama on a fresh user directory (demo county generated, collected, grabbed); then
``smc service`` on that county, the service process a window starts or attaches to: it must
say ``ready HOST PORT``, take a connection there and stop cleanly. Standard library only.

    python packaging/smoke.py dist/smc WORKDIR
"""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

# One frame per protocol: its registry entry and decoder must be in the bundle.
FRAMES = {
    "dlt645-2007": "FE FE 68 01 00 00 00 00 00 68 91 08 33 33 34 33 89 67 45 33 9F 16",
    "dlt698.45": "68 21 00 C3 05 33 09 20 39 00 00 00 4A 55 85 01 25 40 01 02 00 01 09 06 00 00 "
    "39 20 09 33 00 00 B2 D8 16",
    "iec62056-21": b"/?12345678!\r\n".hex(),
}
SMALL_COUNTY = (
    '[demo]\nprofile = "small"\n[collection]\ninterval_s = 3600\ntimeout_s = 0.5\n'
    '[frontend]\nhost = "127.0.0.1"\nport = 0\n'  # never the real port 9001
)


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
    for name, frame in FRAMES.items():
        decoded = subprocess.run(
            [str(exe), "decode", *frame.split()],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        if decoded.returncode != 0 or f'"protocol": "{name}"' not in decoded.stdout:
            print(f"smoke: decode of a {name} frame failed: {decoded.stdout}", file=sys.stderr)
            return 1
    if os.name == "posix" and not read_emulated_meter(exe, env):
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
    if "service ready at" not in shot.stderr:
        print("smoke: the window did not start its service", file=sys.stderr)
        return 1
    if not png.exists() or png.stat().st_size < 20_000:
        print(f"smoke: no usable screenshot at {png}", file=sys.stderr)
        return 1
    width, height = png_size(png)
    # The window started the service in a process of its own; it logs to service.log.
    service_log = "".join(p.read_text("utf-8") for p in work.rglob("service.log"))
    if "job meter_reading finished" not in service_log and os.name != "nt":
        print("smoke: the bundle did not collect before the screenshot", file=sys.stderr)
        return 1
    if "front end: concentrators dial in to" not in service_log and os.name != "nt":
        print("smoke: the bundle's front end did not listen", file=sys.stderr)
        return 1
    if not run_service(exe, env, config):
        return 1
    print(
        f"smoke: {version.stdout.strip()}; screenshot {width}x{height}, "
        f"{png.stat().st_size // 1024} KiB in {elapsed:.1f} s -> ok"
    )
    return 0


def run_service(exe: Path, env: dict[str, str], config: Path) -> bool:
    """The frozen ``smc service`` on the county just made: ready, reachable, stopped cleanly."""
    service = subprocess.Popen(
        [str(exe), "service", "--config", str(config)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert service.stdout is not None
        line = service.stdout.readline().split()
        if len(line) != 3 or line[0] != "ready":
            service.kill()
            _, err = service.communicate(timeout=30)
            print(f"smoke: smc service did not start: {line} {err[-3000:]}", file=sys.stderr)
            return False
        with socket.create_connection((line[1], int(line[2])), timeout=30):
            pass  # it listens for windows
    finally:
        if service.poll() is None:
            service.terminate()
        _, err = service.communicate(timeout=120)
    clean = os.name == "nt" or (service.returncode == 0 and "service stopped" in err)
    if not clean:  # (Windows' terminate is a kill: no clean stop to see there)
        print(
            f"smoke: smc service did not stop cleanly ({service.returncode}): {err[-3000:]}",
            file=sys.stderr,
        )
        return False
    return True


def read_emulated_meter(exe: Path, env: dict[str, str]) -> bool:
    """The frozen emulator on a pty, read by the frozen reader."""
    emulator = subprocess.Popen(
        [str(exe), "emulator", "--pty", "--meters", "2", "--duration", "120"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert emulator.stdout is not None
        url = emulator.stdout.readline().strip()
        read = subprocess.run(
            [str(exe), "read", "--link", url, "--address", "000000000002", "--item", "00010000"],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
    finally:
        emulator.terminate()
        emulator.communicate(timeout=30)
    if read.returncode != 0 or '"unit": "kWh"' not in read.stdout:
        print(f"smoke: smc read of the emulator at {url!r} failed: {read.stdout}", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
