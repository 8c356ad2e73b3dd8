"""Signing in at the window: the sign-in dialog (with the new password a reset asks for), and
the first start's dialog that creates the administrator of a database without users. The
accounts API runs on the task runner: a sign-in hashes a password (about 0.1 s) and writes the
audit log."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.accounts.api import LOGIN, AccountError, AccountsApi, SignInError
from console.accounts.passwords import PasswordPolicyError
from console.core.operator import Operator
from console.core.roles import Role
from console.ui.kit.tasks import TaskRunner, Tasks

translate = QCoreApplication.translate


def workstation() -> str:
    return socket.gethostname()


class AccountDialog(QDialog):
    """A form, a line for what went wrong, OK/Cancel; ``signed_in`` when it is done."""

    signed_in = Signal(object)  # Operator

    def __init__(
        self, title: str, ok_text: str, runner: TaskRunner, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(420)
        self.tasks = Tasks(runner, self)
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setObjectName("ErrorBanner")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            translate("SignIn", "Quit")
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)

    def _password_field(self) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self._busy(True)
        self.say("")

        def finished(result: Any) -> None:
            self._busy(False)
            done(result)

        def failed(err: BaseException) -> None:
            self._busy(False)
            self.say(self.explain(err))

        self.tasks.run("account", fn, finished, failed)

    def _submit(self) -> None:
        raise NotImplementedError

    def explain(self, err: BaseException) -> str:
        """What went wrong, in the window's language."""
        if isinstance(err, PasswordPolicyError):
            rules = {
                "length": translate("SignIn", "The password must have at least 8 characters."),
                "mix": translate("SignIn", "The password must contain letters and digits."),
                "login": translate("SignIn", "The password must not contain the login name."),
            }
            return rules.get(err.rule, str(err))
        if isinstance(err, SignInError):
            if err.locked_until is not None:
                return translate(
                    "SignIn",
                    "The account is locked until {time} after too many wrong passwords. "
                    "Wait, or ask an administrator to unlock it.",
                ).format(time=_hh_mm(err.locked_until))
            return translate("SignIn", "Wrong login name or password.")
        if isinstance(err, AccountError) and err.code == "same_password":
            return translate("SignIn", "The new password must differ from the old one.")
        if isinstance(err, AccountError) and err.code == "old_password":
            return translate("SignIn", "The old password is wrong.")
        if isinstance(err, AccountError):
            return translate("SignIn", "The account could not be changed: {reason}").format(
                reason=err
            )
        return translate("SignIn", "Cannot reach the accounts in the database: {error}").format(
            error=err
        )


def _hh_mm(at: datetime) -> str:
    return at.strftime("%H:%M")


class SignInDialog(AccountDialog):
    """Login name and password; after an administrator's reset, a new password as well."""

    def __init__(
        self, api: AccountsApi, runner: TaskRunner, parent: QWidget | None = None,
        *, hint: str = "", login: str = "", locked: bool = False,
    ) -> None:  # fmt: skip
        title = (
            translate("SignIn", "Locked: sign in again to go on")
            if locked
            else translate("SignIn", "Sign in")
        )
        super().__init__(title, translate("SignIn", "Sign in"), runner, parent)
        self.api = api
        self.login = QLineEdit(login)
        self.login.setReadOnly(locked)  # the window's own operator, nobody else
        self.password = self._password_field()
        self.new_password = self._password_field()
        self.repeat = self._password_field()
        self.form.addRow(translate("SignIn", "Login name"), self.login)
        self.form.addRow(translate("SignIn", "Password"), self.password)
        self.form.addRow(translate("SignIn", "New password"), self.new_password)
        self.form.addRow(translate("SignIn", "New password again"), self.repeat)
        self._show_new(False)
        if locked and not hint:
            hint = translate(
                "SignIn", "The window was locked after a time without use. Closing this signs out."
            )
        self.hint = QLabel(hint)
        self.hint.setObjectName("KpiCaption")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.layout_.insertWidget(1, self.hint)
        self._operator: Operator | None = None
        (self.password if login else self.login).setFocus()

    def _show_new(self, shown: bool) -> None:
        for field in (self.new_password, self.repeat):
            field.setVisible(shown)
            label = self.form.labelForField(field)
            if label is not None:
                label.setVisible(shown)

    def _submit(self) -> None:
        if self._operator is not None:  # the password an administrator reset: a new one
            self._change()
            return
        login, password = self.login.text().strip(), self.password.text()
        if not login or not password:
            self.say(translate("SignIn", "Enter your login name and password."))
            return
        self._run(lambda: self._sign_in(login, password), self._signed_in)

    def _sign_in(self, login: str, password: str) -> tuple[Operator, bool]:
        who = self.api.sign_in(login, password, workstation())
        return who, self.api.must_change_password(login)

    def _signed_in(self, result: tuple[Operator, bool]) -> None:
        who, must_change = result
        if not must_change:
            self._done(who)
            return
        self._operator = who
        self.login.setEnabled(False)
        self.password.setEnabled(False)
        self._show_new(True)
        self.new_password.setFocus()
        self.say(translate("SignIn", "An administrator reset your password: choose a new one."))

    def _change(self) -> None:
        if self.new_password.text() != self.repeat.text():
            self.say(translate("SignIn", "The two new passwords differ."))
            return
        login, old, new = self.login.text().strip(), self.password.text(), self.new_password.text()
        who = self._operator
        self._run(lambda: self.api.change_password(login, old, new), lambda _r: self._done(who))

    def _done(self, who: Operator | None) -> None:
        if who is not None:
            self.signed_in.emit(who)
            self.accept()


class FirstAdministratorDialog(AccountDialog):
    """A database without users: its administrator, created and signed in."""

    def __init__(self, api: AccountsApi, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(
            translate("SignIn", "The first administrator"),
            translate("SignIn", "Create and sign in"),
            runner,
            parent,
        )
        self.api = api
        intro = QLabel(
            translate(
                "SignIn",
                "This database has no users yet. Create the administrator's account: the "
                "administrator then adds the dispatchers and the other users with "
                "smc user add.",
            )
        )
        intro.setWordWrap(True)
        self.layout_.insertWidget(0, intro)
        self.login = QLineEdit("admin")
        self.name = QLineEdit()
        self.password = self._password_field()
        self.repeat = self._password_field()
        self.form.addRow(translate("SignIn", "Login name"), self.login)
        self.form.addRow(translate("SignIn", "Name"), self.name)
        self.form.addRow(translate("SignIn", "Password"), self.password)
        self.form.addRow(translate("SignIn", "Password again"), self.repeat)
        self.password.setFocus()

    def _submit(self) -> None:
        login = self.login.text().strip()
        if not LOGIN.fullmatch(login):
            self.say(
                translate("SignIn", "A login name has 2 to 64 letters, digits, '.', '_' or '-'.")
            )
            return
        if self.password.text() != self.repeat.text():
            self.say(translate("SignIn", "The two passwords differ."))
            return
        name, password = self.name.text().strip(), self.password.text()

        def create() -> Operator:
            self.api.add_user(None, login, name=name, role=Role.ADMINISTRATOR, stations=[],
                              password=password)  # fmt: skip
            return self.api.sign_in(login, password, workstation())

        self._run(create, self._done)

    def _done(self, who: Operator) -> None:
        self.signed_in.emit(who)
        self.accept()
