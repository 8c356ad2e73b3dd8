"""GUI-thread responsiveness of the console with the demo county (20,000 meters).

A QTimer fires every 10 ms on the GUI thread; the longest gap between two firings, minus the
10 ms, is the longest stall a dispatcher could feel. Two phases are measured separately:
start-up (first paint, progress dialog, demo-county generation, first collection) and steady
state (a manual collection run of every meter with the panorama refreshing after it).

    python3 packaging/dev.py bench -k gui
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.collection.jobs import METER_READING
from console.core.config import CollectionSettings, DatabaseSettings, DemoSettings, Settings
from console.core.jobs import JobFinished
from console.ui import theme
from console.ui.application import ConsoleSession
from console.ui.settings_store import SettingsStore
from db.engine import sqlite_url


class StallProbe:
    def __init__(self, interval_ms: int = 10) -> None:
        self.interval = interval_ms / 1000
        self.gaps: list[float] = []
        self._last = time.monotonic()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.monotonic()
        self.gaps.append(now - self._last - self.interval)
        self._last = now

    def start(self) -> None:
        self.gaps.clear()
        self._last = time.monotonic()
        self.timer.start()

    def report(self, label: str, seconds: float) -> str:
        self.timer.stop()
        gaps = sorted(self.gaps)
        worst, p99 = gaps[-1] * 1000, gaps[int(len(gaps) * 0.99)] * 1000
        over = sum(1 for g in gaps if g > 0.05)
        return (
            f"  {label:52} {seconds:6.1f} s  ticks {len(gaps):5,}  longest {worst:5.0f} ms  "
            f"p99 {p99:4.0f} ms  >50 ms: {over}"
        )


def test_gui_stalls(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> None:
    theme.apply(qapp, "light")
    settings = Settings(
        database=DatabaseSettings(url=sqlite_url(tmp_path / "gui.db")),
        demo=DemoSettings(profile="demo", accounts=False),
        collection=CollectionSettings(interval_s=3600),
    )
    store = SettingsStore(QSettings(str(tmp_path / "q.ini"), QSettings.Format.IniFormat))
    # The system clock: the service then runs in its own process, as a dispatcher's does
    # (a test's fixed clock keeps it in this one).
    session = ConsoleSession(settings, store=store)
    probe = StallProbe()
    lines = []
    try:
        probe.start()
        started = time.monotonic()
        with qtbot.waitSignal(session.window.settled, timeout=300_000):
            session.start()  # ready once the units are listed and the first reading is over
        with qtbot.waitSignal(session.window.view("panorama").loaded, timeout=60_000):
            session.window.view("panorama").refresh()
        lines.append(probe.report("start-up to collected panorama", time.monotonic() - started))
        ctx = session.context
        assert ctx is not None
        view = session.window.view("panorama")
        finished = threading.Event()
        ctx.bus.subscribe(
            JobFinished, lambda e: e.job_id == METER_READING and finished.set(), name="bench"
        )
        probe.start()
        started = time.monotonic()
        ctx.jobs.run_now(METER_READING)  # in the service's process; the window hears it end
        qtbot.waitUntil(finished.is_set, timeout=300_000)
        with qtbot.waitSignal(view.loaded, timeout=60_000):
            pass
        lines.append(
            probe.report("steady state: one collection run + refresh", time.monotonic() - started)
        )
    finally:
        session.window.close()
        session.shutdown()
    print("\n\nGUI thread stalls (10 ms timer probe), demo county of 20,000 meters:")
    print("\n".join(lines) + "\n")
    assert len(lines) == 2
