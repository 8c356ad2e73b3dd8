"""Who is acting: the operator whose name goes into the audit log with every change.

Until operators sign in (the operators issue), a window acts as the workstation's logged-in
system user (``os:<login>``) and the service process as ``service``.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Operator:
    login: str  # what the audit log records
    name: str  # what the window shows

    @classmethod
    def workstation_user(cls) -> Operator:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no user name in the environment or the password database
            user = "unknown"
        return cls(f"os:{user}", user)


SERVICE = Operator("service", "service")
