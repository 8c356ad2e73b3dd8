"""用户管理 on the real accounts API: an administrator sees every account with its role and
stations in Chinese, adds one scoped to a supply station, disables and enables it, resets its
password; another role is told only administrators manage users."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.service import Accounts
from console.core import operator
from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.roles import Role
from console.demo.generator import DemoCounty
from console.ui.kit.events import QtEvents
from console.ui.kit.tasks import TaskRunner
from console.ui.kit.view import ViewKit
from console.ui.views.accounts.view import AccountsView

PW = "Guanli2026x"
TIMEOUT = 10_000


@pytest.fixture
def accounts(
    session_factory: sessionmaker[Session], clock: FixedClock, small_county: DemoCounty
) -> Accounts:
    api = Accounts(session_factory, clock)
    api.add_user(None, "admin", name="管理员", role=Role.ADMINISTRATOR, stations=[], password=PW)
    return api


def _view(qtbot: QtBot, api: Accounts) -> AccountsView:
    bus = EventBus()
    view = AccountsView(api, ViewKit(QtEvents(bus), TaskRunner(), lambda: None, lambda _d: None))  # type: ignore[arg-type,return-value]
    qtbot.addWidget(view)
    view.resize(1100, 600)
    view.show()
    qtbot.waitUntil(lambda: view.is_ready, timeout=TIMEOUT)
    return view


def _ok(dialog: QDialogButtonBox) -> None:
    dialog.button(QDialogButtonBox.StandardButton.Ok).click()


def test_an_administrator_manages_the_users(
    qtbot: QtBot, zh: None, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(operator, "_default", accounts.sign_in("admin", PW, "ws"))
    view = _view(qtbot, accounts)
    assert view.model.rowCount() == 1
    assert [view.model.text(0, c) for c in (0, 2, 3, 4)] == ["admin", "管理员", "全县", "正常"]
    view.add_button.click()
    dialog = view.add_dialog
    dialog.login.setText("zhang")
    dialog.name.setText("张调度")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.DISPATCHER))
    assert dialog.role.currentText() == "调度员"
    dialog.stations.item(0).setCheckState(Qt.CheckState.Checked)
    station = dialog.stations.item(0).text()
    dialog.password.setText("Diaodu2026x")
    dialog.repeat.setText("Diaodu2026x")
    _ok(dialog.buttons)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=TIMEOUT)
    assert [view.model.text(1, c) for c in (0, 2, 3)] == ["zhang", "调度员", station]
    view.table.selectRow(1)
    assert view.toggle_button.text() == "停用"
    view.toggle_button.click()
    qtbot.waitUntil(lambda: view.model.text(1, 4) == "已停用", timeout=TIMEOUT)
    view.table.selectRow(1)
    assert view.toggle_button.text() == "启用"
    view.reset_button.click()
    reset = view.reset_dialog
    reset.password.setText("Temp2026abc")
    reset.repeat.setText("Temp2026abc")
    _ok(reset.buttons)
    qtbot.waitUntil(lambda: not reset.isVisible(), timeout=TIMEOUT)
    assert next(
        u for u in accounts.users(operator.current()) if u.login == "zhang"
    ).must_change_password


def test_another_role_is_told_only_administrators_manage_users(
    qtbot: QtBot, zh: None, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(operator, "_default", operator.Operator("li", "李", Role.SUPERVISOR))
    view = _view(qtbot, accounts)
    assert view.model.rowCount() == 0
    assert view.note.text() == "只有管理员可以管理用户，请以管理员身份登录。"
    assert not view.add_button.isEnabled()
