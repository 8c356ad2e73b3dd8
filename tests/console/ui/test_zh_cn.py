"""A zh_CN run of the whole window: every view (and the frame around them, the message
monitor dock, the administration tabs) shows no English a Chinese user would read."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from console.ui.application import ConsoleSession
from console.ui.views.registry import VIEW_KEYS
from tests.console.ui.english import english_leaks, english_words, zh_cn_ui

BOOT_TIMEOUT_MS = 60_000


def test_every_view_of_the_real_window_speaks_chinese(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], tmp_path: Path
) -> None:
    with zh_cn_ui(tmp_path):
        session = make_session()
        window = session.window
        with qtbot.waitSignal(window.settled, timeout=BOOT_TIMEOUT_MS):
            session.start()
        for key in VIEW_KEYS:
            window.switch_to(key)
            view = window.view(key)
            qtbot.waitUntil(lambda v=view: v.is_ready, timeout=BOOT_TIMEOUT_MS)
        collection = window.view("collection")
        collection.monitor_button.click()  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: collection.monitor.model.rowCount() > 0, timeout=BOOT_TIMEOUT_MS)  # type: ignore[attr-defined]
        admin = window.view("admin")
        qtbot.waitUntil(
            lambda: bool(admin.jobs.rows and admin.thresholds.grid.rowCount()),
            timeout=BOOT_TIMEOUT_MS,
        )  # type: ignore[attr-defined]
        # Names people and machines carry are data, not language.
        allow = (getpass.getuser(), socket.gethostname(), "os")
        leaks = english_leaks(window, allow=allow)
        assert not leaks, "\n".join(leaks)
        window.switch_to("panorama")
        assert english_words(window.status.collection.text(), allow) == []


def test_the_check_sees_an_english_string_in_the_window(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], tmp_path: Path
) -> None:
    """Without the catalogue the same window is English, and the check says where."""
    session = make_session(demo=False, collection=False)
    leaks = english_leaks(session.window)
    assert any("NavList" in leak or "Panorama" in leak for leak in leaks)
