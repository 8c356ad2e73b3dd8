"""A damaged database at start-up: the window says so and offers restoring the newest backup
(with its date), opening another file, or quitting; each way out works."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.app.database import prepare_database
from console.core.clock import FixedClock
from console.core.config import (
    BackupSettings,
    CollectionSettings,
    DatabaseSettings,
    DemoSettings,
    Settings,
)
from console.ui.application import ConsoleSession
from console.ui.recovery import CorruptDatabaseDialog
from console.ui.settings_store import SettingsStore
from db.backup import DAILY, backup_to_directory
from db.engine import sqlite_url

TIMEOUT_MS = 30_000
TAKEN = datetime(2026, 11, 20, 2, 30)


def settings_for(db: Path, backups: Path) -> Settings:
    return Settings(
        database=DatabaseSettings(url=sqlite_url(db)),
        demo=DemoSettings(enabled=False),
        collection=CollectionSettings(enabled=False),
        backup=BackupSettings(dir=str(backups)),
    )


def rows(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT key, value FROM app_setting").fetchall())
    finally:
        conn.close()


@pytest.fixture
def damaged(tmp_path: Path, clock: FixedClock) -> Callable[[bool], Settings]:
    """A console database with data, optionally a daily backup of it, then damaged."""

    def make(with_backup: bool) -> Settings:
        db, backups = tmp_path / "console.db", tmp_path / "backups"
        settings = settings_for(db, backups)
        prepare_database(settings, clock=clock).engine.dispose()
        conn = sqlite3.connect(db)
        conn.executemany(
            "INSERT INTO app_setting (key, value) VALUES (?, ?)",
            [(f"key{i:05d}", "v" * 200) for i in range(3000)],
        )
        conn.commit()
        conn.close()
        if with_backup:
            backup_to_directory(db, backups, kind=DAILY, now=TAKEN)
        data = bytearray(db.read_bytes())
        data[len(data) // 2 : len(data) // 2 + 8192] = b"\xab" * 8192
        db.write_bytes(bytes(data))
        return settings

    return make


@pytest.fixture
def start(
    themed_app: QApplication, clock: FixedClock, store: SettingsStore
) -> Iterator[Callable[[Settings], ConsoleSession]]:
    sessions: list[ConsoleSession] = []

    def make(settings: Settings) -> ConsoleSession:
        session = ConsoleSession(settings, clock=clock, store=store)
        session.offer_recovery = True
        sessions.append(session)
        session.start()
        return session

    yield make
    for session in sessions:
        session.window.close()
        session.shutdown()
        session.window.deleteLater()
        session.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def offered(qtbot: QtBot, session: ConsoleSession) -> CorruptDatabaseDialog:
    qtbot.waitUntil(lambda: session.recovery_dialog is not None, timeout=TIMEOUT_MS)
    dialog = session.recovery_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_restoring_the_newest_backup_starts_the_console(
    qtbot: QtBot, damaged: Callable[[bool], Settings], start: Callable[..., ConsoleSession]
) -> None:
    settings = damaged(True)
    session = start(settings)
    dialog = offered(qtbot, session)
    db = Path(settings.database.url.removeprefix("sqlite:///"))
    assert str(db) in dialog.text()
    assert "2026-11-20 02:30" in dialog.informativeText()
    assert dialog.restore_button is not None
    assert "2026-11-20 02:30" in dialog.restore_button.text()
    assert dialog.detailedText()  # SQLite's own findings

    with qtbot.waitSignal(session.ready, timeout=TIMEOUT_MS):
        dialog.restore_button.click()

    assert session.context is not None
    assert len(rows(db)) == 3000
    backups = Path(settings.backup.dir)
    assert len(list(backups.glob("console-before-restore-*.db"))) == 1  # the damaged one, kept


def test_opening_another_database_starts_on_it(
    qtbot: QtBot,
    damaged: Callable[[bool], Settings],
    start: Callable[..., ConsoleSession],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = start(damaged(False))
    dialog = offered(qtbot, session)
    assert dialog.restore_button is None  # no backup: no restore offered
    other = tmp_path / "other.db"
    monkeypatch.setattr(session, "ask_for_database_file", lambda _start: other)

    with qtbot.waitSignal(session.ready, timeout=TIMEOUT_MS) as ready:
        dialog.open_button.click()

    assert ready.args[0].database.url == sqlite_url(other)
    assert other.exists()


def test_cancelling_the_file_dialog_offers_the_choice_again_and_quit_gives_up(
    qtbot: QtBot,
    damaged: Callable[[bool], Settings],
    start: Callable[..., ConsoleSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = start(damaged(True))
    first = offered(qtbot, session)
    monkeypatch.setattr(session, "ask_for_database_file", lambda _start: None)
    first.open_button.click()
    second = offered(qtbot, session)
    assert second is not first

    with qtbot.waitSignal(session.gave_up, timeout=TIMEOUT_MS):
        second.quit_button.click()
    assert session.context is None


def test_without_recovery_a_damaged_database_is_a_plain_failure(
    qtbot: QtBot,
    damaged: Callable[[bool], Settings],
    themed_app: QApplication,
    store: SettingsStore,
) -> None:
    settings = damaged(True)
    session = ConsoleSession(settings, store=store)  # as --screenshot runs it: exit 1
    with qtbot.waitSignal(session.failed, timeout=TIMEOUT_MS) as failed:
        session.start()
    assert "damaged" in failed.args[0]
    assert session.recovery_dialog is None
    session.window.close()
    session.shutdown()
    session.window.deleteLater()
    session.deleteLater()
