"""What windows and tools see of the accounts: the account as shown, the errors a sign-in or
an account change can end with, and the API (``Accounts`` implements it)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from console.core.operator import Operator
from console.core.roles import Role

LOGIN = re.compile(r"[A-Za-z0-9_.\-]{2,64}")  # a login name: 2-64 of these


class AccountError(ValueError):
    """A request about an account that cannot be carried out (the message says why; ``code``
    names the case for a window that words it in its language)."""

    def __init__(self, message: str, code: str = "other") -> None:
        super().__init__(message)
        self.code = code


class SignInError(Exception):
    """Sign-in refused. ``locked_until`` is set when the account is locked."""

    def __init__(self, message: str, locked_until: datetime | None = None) -> None:
        super().__init__(message)
        self.locked_until = locked_until


@dataclass(frozen=True, slots=True)
class UserInfo:
    login: str
    name: str
    role: Role
    stations: tuple[str, ...]  # supply station codes; () for the whole county
    active: bool
    locked_until: datetime | None
    last_signin_at: datetime | None
    must_change_password: bool


class AccountsApi(Protocol):
    def has_users(self) -> bool: ...

    def stations(self) -> list[tuple[str, str]]: ...

    def must_change_password(self, login: str) -> bool: ...

    def users(self, by: Operator) -> list[UserInfo]: ...

    def sign_in(self, login: str, password: str, workstation: str) -> Operator: ...

    def sign_out(self, operator: Operator, workstation: str) -> None: ...

    def add_user(
        self,
        by: Operator | None,
        login: str,
        *,
        name: str,
        role: Role,
        stations: Sequence[str],
        password: str,
    ) -> UserInfo: ...

    def set_active(self, by: Operator, login: str, active: bool) -> UserInfo: ...

    def reset_password(self, by: Operator, login: str, password: str) -> None: ...

    def change_password(self, login: str, old: str, new: str) -> None: ...
