"""用户管理: the operators' accounts — who they are, their role and supply stations, whether
they may sign in — with adding, disabling, enabling and a password reset for administrators
(the accounts API checks; another role is told so)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.accounts.api import LOGIN, AccountsApi, UserInfo
from console.core import operator
from console.core.operator import NotPermittedError
from console.core.roles import Role
from console.ui.kit.panels import label, named
from console.ui.kit.tables import RowsModel, table_view
from console.ui.kit.view import BaseView, ViewKit
from console.ui.roles import ROLES, role_name
from console.ui.signin import AccountDialog

log = logging.getLogger(__name__)


class AccountsView(BaseView):
    def __init__(self, api: AccountsApi, kit: ViewKit, parent: QWidget | None = None) -> None:
        super().__init__("accounts", kit, parent)
        self._api = api
        self.stations: list[tuple[str, str]] = []
        self.model = RowsModel(
            [self.tr("Login"), self.tr("Name"), self.tr("Role"), self.tr("Supply stations"),
             self.tr("State"), self.tr("Last sign-in")],
        )  # fmt: skip
        self.table = table_view(self.model, stretch=3)
        self.note = label("", "EmptyNote", wrap=True)
        self.add_button = QPushButton(self.tr("Add user…"))
        self.toggle_button = QPushButton(self.tr("Disable"))
        self.reset_button = QPushButton(self.tr("Reset password…"))
        self.add_button.clicked.connect(self._ask_add)
        self.toggle_button.clicked.connect(self._toggle)
        self.reset_button.clicked.connect(self._ask_reset)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selected_changed())
        buttons = QHBoxLayout()
        for button in (self.add_button, self.toggle_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(named(QLabel(self.tr("Users")), "ViewTitle"))
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self._selected_changed()
        self.refresh()

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        assert self.tasks is not None
        api = self._api

        def load() -> tuple[list[UserInfo], list[tuple[str, str]]]:
            return api.users(operator.current()), api.stations()

        self.tasks.run("users", load, self._show, self._failed)

    def _show(self, loaded: tuple[list[UserInfo], list[tuple[str, str]]]) -> None:
        users, self.stations = loaded
        names = dict(self.stations)
        self.model.set_rows(
            [
                [u.login, u.name, self.role_name(u.role),
                 "、".join(names.get(c, c) for c in u.stations) or self.tr("Whole county"),
                 self._state(u),
                 f"{u.last_signin_at:%Y-%m-%d %H:%M}" if u.last_signin_at else "—"]
                for u in users
            ],
            payloads=users,
        )  # fmt: skip
        self.note.setText(self.tr("{n} users").format(n=len(users)))
        self.add_button.setEnabled(True)
        self._selected_changed()
        self._mark_loaded()

    def _failed(self, err: BaseException) -> None:
        self.model.set_rows([])
        if isinstance(err, NotPermittedError):
            self.note.setText(self.tr("Only administrators manage the users: sign in as one."))
        else:
            log.error("cannot read the users: %s", err)
            self.note.setText(self.tr("Cannot read the users: {error}").format(error=err))
        self.add_button.setEnabled(False)
        self._selected_changed()
        self._mark_loaded()

    def role_name(self, role: Role) -> str:
        return role_name(role)

    def _state(self, user: UserInfo) -> str:
        if not user.active:
            return self.tr("Disabled")
        if user.locked_until is not None:
            return self.tr("Locked until {time}").format(time=f"{user.locked_until:%H:%M}")
        return self.tr("Active")

    # ------------------------------------------------------------------ actions
    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        payload = self.model.payload(rows[0].row()) if rows else None
        return payload if isinstance(payload, UserInfo) else None

    def _selected_changed(self) -> None:
        user = self.selected()
        self.toggle_button.setEnabled(user is not None)
        self.reset_button.setEnabled(user is not None)
        self.toggle_button.setText(
            self.tr("Enable") if user is not None and not user.active else self.tr("Disable")
        )

    def _act(self, fn: Callable[[], Any]) -> None:
        assert self.tasks is not None
        self.tasks.run("act", fn, lambda _r: self.refresh(), self._act_failed)

    def _act_failed(self, err: BaseException) -> None:
        if isinstance(err, NotPermittedError):
            self.note.setText(self.tr("Only administrators manage the users: sign in as one."))
        else:
            self.note.setText(self.tr("Not done: {reason}").format(reason=err))

    def _toggle(self) -> None:
        user = self.selected()
        if user is not None:
            api, by = self._api, operator.current()
            self._act(lambda: api.set_active(by, user.login, not user.active))

    def _ask_add(self) -> None:
        assert self.kit is not None
        self.add_dialog = AddUserDialog(self._api, self.kit, self.stations, self)
        self.add_dialog.accepted.connect(self.refresh)
        self.add_dialog.open()

    def _ask_reset(self) -> None:
        user = self.selected()
        if user is None or self.kit is None:
            return
        self.reset_dialog = ResetPasswordDialog(self._api, self.kit, user.login, self)
        self.reset_dialog.accepted.connect(self.refresh)
        self.reset_dialog.open()


class AddUserDialog(AccountDialog):
    def __init__(
        self, api: AccountsApi, kit: ViewKit, stations: list[tuple[str, str]], parent: QWidget
    ) -> None:
        super().__init__(self.tr("Add a user"), self.tr("Add"), kit.runner, parent)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.api = api
        self.login = QLineEdit()
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(role_name(role), role)
        self.stations = QListWidget()
        for code, name in stations:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.stations.addItem(item)
        self.stations.setMaximumHeight(120)
        self.password = self._password_field()
        self.repeat = self._password_field()
        self.form.addRow(self.tr("Login name"), self.login)
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Role"), self.role)
        self.form.addRow(self.tr("Supply stations (none: the whole county)"), self.stations)
        self.form.addRow(self.tr("Password"), self.password)
        self.form.addRow(self.tr("Password again"), self.repeat)

    def chosen_stations(self) -> list[str]:
        return [
            str(self.stations.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.stations.count())
            if self.stations.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _submit(self) -> None:
        login = self.login.text().strip()
        if not LOGIN.fullmatch(login):
            self.say(self.tr("A login name has 2 to 64 letters, digits, '.', '_' or '-'."))
            return
        if self.password.text() != self.repeat.text():
            self.say(self.tr("The two passwords differ."))
            return
        api, by = self.api, operator.current()
        name, role, scope = (
            self.name.text().strip(),
            Role(self.role.currentData()),
            self.chosen_stations(),
        )
        password = self.password.text()
        self._run(lambda: api.add_user(by, login, name=name, role=role, stations=scope,
                                       password=password), lambda _u: self.accept())  # fmt: skip


class ResetPasswordDialog(AccountDialog):
    def __init__(self, api: AccountsApi, kit: ViewKit, login: str, parent: QWidget) -> None:
        super().__init__(
            self.tr("Reset the password of {login}").format(login=login), self.tr("Reset"),
            kit.runner, parent,
        )  # fmt: skip
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.api, self.user = api, login
        intro = QLabel(self.tr("The user must choose a new password at the next sign-in."))
        intro.setWordWrap(True)
        self.layout_.insertWidget(0, intro)
        self.password = self._password_field()
        self.repeat = self._password_field()
        self.form.addRow(self.tr("New password"), self.password)
        self.form.addRow(self.tr("New password again"), self.repeat)

    def _submit(self) -> None:
        if self.password.text() != self.repeat.text():
            self.say(self.tr("The two passwords differ."))
            return
        api, by, login, password = self.api, operator.current(), self.user, self.password.text()
        self._run(lambda: api.reset_password(by, login, password), lambda _r: self.accept())
