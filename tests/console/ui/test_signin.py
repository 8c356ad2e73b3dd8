"""Signing in at the window: a new database's first start creates its administrator; a database
with users asks for a login (a wrong password said in zh_CN, the window attached only after a
right one); the signed-in operator is who the audit log names; closing the dialog quits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from console.accounts.service import Accounts
from console.core import operator
from console.core.clock import FixedClock
from console.core.roles import Role
from console.ui.application import ConsoleSession
from console.ui.signin import FirstAdministratorDialog, SignInDialog
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import upgrade
from tests.console.audit_rows import audit_rows

TIMEOUT = 60_000
ADMIN_PW = "Guanli2026x"


@pytest.fixture(autouse=True)
def _process_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sign-in sets the process's operator: put it back for the tests that follow."""
    monkeypatch.setattr(operator, "_default", operator.current())


def _ok(dialog: SignInDialog | FirstAdministratorDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def _audit(db: Path) -> list[tuple[str, str, str]]:
    return [(r.actor, r.action, r.object_id) for r in audit_rows(sqlite_url(db))]


def _dialog(qtbot: QtBot, session: ConsoleSession) -> SignInDialog | FirstAdministratorDialog:
    qtbot.waitUntil(lambda: session.sign_in_dialog is not None, timeout=TIMEOUT)
    dialog = session.sign_in_dialog
    assert dialog is not None and dialog.isVisible()
    assert session.context is not None and not session.window.is_attached
    return dialog


def test_the_first_start_of_a_new_database_creates_its_administrator(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], tmp_path: Path
) -> None:
    session = make_session(demo=False, collection=False)
    session.ask_sign_in = True
    session.start()
    dialog = _dialog(qtbot, session)
    assert isinstance(dialog, FirstAdministratorDialog)
    dialog.password.setText(ADMIN_PW)
    dialog.repeat.setText(ADMIN_PW + "!")
    _ok(dialog)
    assert dialog.message.text() == "The two passwords differ."
    dialog.repeat.setText(ADMIN_PW)
    dialog.name.setText("管理员")
    with qtbot.waitSignal(session.ready, timeout=TIMEOUT):
        _ok(dialog)
    assert session.signed_in is not None and session.signed_in.role is Role.ADMINISTRATOR
    assert session.window.top_bar.operator.text() == "管理员 · Administrator"  # English run
    assert operator.current().login == "admin"
    assert _audit(tmp_path / "console.db") == [
        ("setup", "user.add", "admin"), ("admin", "signin", "admin"),
    ]  # fmt: skip
    session.shutdown()
    assert _audit(tmp_path / "console.db")[-1] == ("admin", "signout", "admin")


def test_a_database_with_users_asks_who_signs_in(
    qtbot: QtBot,
    make_session: Callable[..., ConsoleSession],
    tmp_path: Path,
    clock: FixedClock,
) -> None:
    db = tmp_path / "console.db"
    engine = create_db_engine(sqlite_url(db))
    upgrade(engine)
    Accounts(make_session_factory(engine), clock).add_user(
        None, "admin", name="管理员", role=Role.ADMINISTRATOR, stations=[], password=ADMIN_PW
    )
    engine.dispose()
    session = make_session(demo=True, collection=False, db=db)  # users: even the demo asks
    session.ask_sign_in = True
    quit_chosen: list[bool] = []
    session.quit_chosen.connect(lambda: quit_chosen.append(True))
    session.start()
    dialog = _dialog(qtbot, session)
    assert isinstance(dialog, SignInDialog)
    dialog.login.setText("admin")
    dialog.password.setText("wrong-2026")
    _ok(dialog)
    qtbot.waitUntil(dialog.message.isVisible, timeout=TIMEOUT)
    assert dialog.message.text() == "Wrong login name or password."
    assert not session.window.is_attached  # nothing shown before a right password
    dialog.password.setText(ADMIN_PW)
    with qtbot.waitSignal(session.ready, timeout=TIMEOUT):
        _ok(dialog)
    assert operator.current().login == "admin" and not quit_chosen
    actions = [a for _actor, a, _who in _audit(db)]
    assert actions == ["user.add", "signin.failed", "signin"]


def test_closing_the_sign_in_quits(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession]
) -> None:
    session = make_session(demo=False, collection=False)
    session.ask_sign_in = True
    session.start()
    dialog = _dialog(qtbot, session)
    with qtbot.waitSignal(session.quit_chosen, timeout=TIMEOUT):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert session.signed_in is None and not session.window.is_attached
    assert all(isinstance(w, QLineEdit) for w in (dialog.login, dialog.password))


def test_a_window_left_alone_locks_until_its_operator_signs_in_again(
    qtbot: QtBot,
    make_session: Callable[..., ConsoleSession],
    tmp_path: Path,
) -> None:
    session = make_session(demo=False, collection=False)
    session.ask_sign_in = True
    session.idle_lock_ms = 200  # instead of [ui] idle_lock_min
    session.start()
    first = _dialog(qtbot, session)
    assert isinstance(first, FirstAdministratorDialog)
    first.password.setText(ADMIN_PW)
    first.repeat.setText(ADMIN_PW)
    with qtbot.waitSignal(session.ready, timeout=TIMEOUT):
        _ok(first)
    central = session.window.centralWidget()
    qtbot.waitUntil(lambda: session.sign_in_dialog is not first, timeout=TIMEOUT)
    lock = session.sign_in_dialog
    assert isinstance(lock, SignInDialog) and lock.isVisible()
    assert central is not None and central.isHidden()  # nothing to read over a shoulder
    assert lock.login.text() == "admin" and lock.login.isReadOnly()
    lock.password.setText("wrong-2026")
    _ok(lock)
    qtbot.waitUntil(lock.message.isVisible, timeout=TIMEOUT)
    assert central.isHidden()
    lock.password.setText(ADMIN_PW)
    _ok(lock)
    qtbot.waitUntil(lambda: not central.isHidden(), timeout=TIMEOUT)
    actions = [a for _actor, a, _who in _audit(tmp_path / "console.db")]
    assert actions == ["user.add", "signin", "signin.failed", "signin"]
