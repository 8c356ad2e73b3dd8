"""``smc --screenshot``: the real program starts on a fresh machine state, creates the demo
county, collects, and saves a picture of the window with the collected data in it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from console.ui import theme

SMALL_COUNTY = (
    '[demo]\nprofile = "small"\n[collection]\ninterval_s = 3600\ntimeout_s = 0.5\n'
    '[frontend]\nhost = "127.0.0.1"\nport = 0\n'  # never the real port 9001
)


def _run_screenshot(tmp_path: Path, *flags: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    config = tmp_path / "smc.toml"
    config.write_text(SMALL_COUNTY, encoding="utf-8")
    png = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(tmp_path / var.lower())  # a user who has never run the console
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "console",
            "--config",
            str(config),
            *flags,
            "--screenshot",
            str(png),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result, png


def _pixels_of(image: QImage, colour: str, tolerance: int = 40) -> int:
    """How many pixels are close to ``colour`` (anti-aliasing blends the curve's edges)."""
    target = QColor(colour)
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - target.red())
                + abs(c.green() - target.green())
                + abs(c.blue() - target.blue())
            ) <= tolerance:
                count += 1
    return count


@pytest.mark.slow
@pytest.mark.parametrize(
    ("flags", "palette"), [((), theme.LIGHT), (("--lang", "en_US", "--theme", "dark"), theme.DARK)]
)
def test_screenshot_of_the_panorama_with_collected_data(
    tmp_path: Path, flags: tuple[str, ...], palette: theme.Palette
) -> None:
    started = datetime.now()
    result, png = _run_screenshot(tmp_path, *flags)
    assert result.returncode == 0, result.stderr[-3000:]
    image = QImage(str(png))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1440, 900)
    # The demo county was created in the fresh data directory and collected before the grab.
    assert (tmp_path / "xdg_data_home" / "smc" / "smc.db").exists()
    # The window started the service for this database, which read the meters first.
    assert "service ready at 127.0.0.1:" in result.stderr
    service_log = (tmp_path / "xdg_state_home" / "smc" / "log" / "service.log").read_text()
    # The meters' reading at start (its run number depends on the freeze pass beside it).
    assert re.search(r"collection run \d+ finished", service_log), service_log + result.stderr
    assert "screenshot of panorama saved" in result.stderr
    # Today's load curve (drawn from collected and generated readings) is on the picture; in
    # the first hour of a day it has a few quarter hours at most, and yesterday's is the one.
    if started.hour == 0 or datetime.now().hour == 0:
        assert _pixels_of(image, palette.curve_yesterday) > 1_000
    else:
        assert _pixels_of(image, palette.curve_today) > 150
    assert _pixels_of(image, palette.window) > 10_000  # the themed background, not a blank grab


def test_screenshot_of_another_view(tmp_path: Path) -> None:
    result, png = _run_screenshot(tmp_path, "--view", "admin")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "screenshot of admin saved" in result.stderr
    assert QImage(str(png)).width() == 1440


def test_screenshot_fails_loudly_when_the_console_cannot_start(tmp_path: Path) -> None:
    db = tmp_path / "locked"
    db.mkdir()  # a directory where the database file should be: SQLite cannot open it
    result, png = _run_screenshot(tmp_path, "--db", f"sqlite:///{db}")
    assert result.returncode == 1
    assert "start-up failed" in result.stderr
    assert not png.exists()
