"""Waiting for something another thread or process does, without guessing a sleep: check a
condition until it holds or a deadline passes (what qtbot.waitUntil does for Qt tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def wait_for(condition: Callable[[], object], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what or condition}")
        pause.wait(0.02)
