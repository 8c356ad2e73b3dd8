"""Fixtures for widget tests: a themed QApplication and a console session on a temp database."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QTranslator
from PySide6.QtWidgets import QApplication

from console.core import i18n
from console.core.clock import FixedClock
from console.core.config import (
    CollectionSettings,
    DatabaseSettings,
    DemoSettings,
    FrontEndSettings,
    ServiceSettings,
    Settings,
)
from console.core.paths import resource
from console.ui import theme
from console.ui.settings_store import SettingsStore
from db.engine import sqlite_url

if TYPE_CHECKING:  # imported where used: the window is being rewritten, views are tested alone
    from console.ui.application import ConsoleSession


@pytest.fixture
def themed_app(qapp: QApplication) -> QApplication:
    theme.apply(qapp, "light")
    return qapp


@pytest.fixture
def zh(qapp: QApplication) -> Iterator[None]:
    """The shipped zh_CN catalogue installed for the test, the domain's words in Chinese too
    (as the window's install_translators does; the autouse fixture turns them back)."""
    translator = QTranslator()
    assert translator.load(str(resource("translations", "smc_zh_CN.qm")))
    QCoreApplication.installTranslator(translator)
    i18n.set_language("zh_CN")
    yield
    QCoreApplication.removeTranslator(translator)


@pytest.fixture
def store(tmp_path: Path) -> SettingsStore:
    return SettingsStore(QSettings(str(tmp_path / "qsettings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def make_session(
    themed_app: QApplication, tmp_path: Path, clock: FixedClock, store: SettingsStore
) -> Iterator[Callable[..., ConsoleSession]]:
    from console.ui.application import ConsoleSession

    sessions: list[ConsoleSession] = []

    def make(
        *, demo: bool = True, collection: bool = True, db: Path | None = None
    ) -> ConsoleSession:
        settings = Settings(
            database=DatabaseSettings(url=sqlite_url(db or tmp_path / "console.db")),
            demo=DemoSettings(
                enabled=demo, profile="small", dead_meter_ratio=0.05, seed=99, accounts=False
            ),
            # Generous for an in-process emulator, so a loaded 2-core CI box cannot time it out.
            collection=CollectionSettings(
                enabled=collection, interval_s=3600, timeout_s=0.5, retries=0
            ),
            # Any free loopback port: tests never take the real front end's port 9001.
            frontend=FrontEndSettings(host="127.0.0.1", port=0, timeout_s=2.0),
            # The fixed clock keeps the service parts in the window's process anyway.
            service=ServiceSettings(separate_process=False),
        )
        session = ConsoleSession(settings, clock=clock, store=store)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.window.close()
        session.shutdown()
        # Delete the C++ objects now, on the GUI thread. Otherwise a failed test's traceback
        # keeps the wrappers in reference cycles, and the cyclic GC may free them later on
        # whichever thread allocates next (an emulator or scheduler thread): Qt widgets must
        # never be destroyed off the GUI thread.
        session.window.deleteLater()
        session.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
