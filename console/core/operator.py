"""Who is acting: the operator whose name goes into the audit log with every change.

Until operators sign in (the operators issue), a window acts as the workstation's logged-in
system user (``os:<login>``) and the service process as ``service``. A call a window makes in
the service runs as that window's operator (``acting_as`` around it), so the service's audit
entries name the person, not the service.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import socket
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from console.core.roles import Permission, Role, may


@functools.cache
def this_workstation() -> str:
    """This computer's name, as the audit log records where an action came from."""
    return socket.gethostname() or "localhost"


class NotPermittedError(PermissionError):
    """The operator's role or scope does not allow the action (the message says which)."""


@dataclass(frozen=True, slots=True)
class Operator:
    login: str  # what the audit log records
    name: str  # what the window shows
    role: Role | None = None  # None: not signed in (the workstation's or the service's user)
    stations: frozenset[int] | None = None  # supply station ids; None: the whole county
    user_id: int | None = None
    # Where they signed in: the host, with the tool for a command line ("host (smc db)").
    workstation: str = field(default_factory=this_workstation)

    def may(self, permission: Permission) -> bool:
        return may(self.role, permission)

    def require(self, permission: Permission, what: str) -> None:
        """Raise ``NotPermittedError`` unless the role allows ``permission``."""
        if not self.may(permission):
            role = self.role.value if self.role else "no role (not signed in)"
            raise NotPermittedError(f"{self.login} ({role}) may not {what}")

    def covers(self, station_id: int | None) -> bool:
        """Whether a supply station (None: the county as a whole) is in the operator's scope."""
        return self.stations is None or (station_id is not None and station_id in self.stations)

    @classmethod
    def workstation_user(cls) -> Operator:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no user name in the environment or the password database
            user = "unknown"
        return cls(f"os:{user}", user)


SERVICE = Operator("service", "service")
_default = SERVICE
_current: ContextVar[Operator | None] = ContextVar("smc_operator", default=None)


def set_process_operator(operator: Operator) -> None:
    """Who acts in this process when no call says otherwise (set once at start)."""
    global _default  # noqa: PLW0603
    _default = operator


def current() -> Operator:
    return _current.get() or _default


@contextlib.contextmanager
def acting_as(operator: Operator | None) -> Iterator[None]:
    token = _current.set(operator)
    try:
        yield
    finally:
        _current.reset(token)
