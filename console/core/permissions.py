"""The one check every state-changing domain action makes: the acting operator's role allows
it, or — on a database whose accounts are not in use yet (no user at all: the demo, a fresh
install) — nobody has signed in and the action is open to the workstation's user."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from console.core import operator
from console.core.operator import NotPermittedError, Operator
from console.core.roles import Permission
from db.models import User


def authorize(session: Session, permission: Permission, what: str) -> Operator:
    """The acting operator, if they may ``what``; else ``NotPermittedError`` saying why."""
    who = operator.current()
    if who.role is None:
        if session.scalar(select(exists().where(User.id.is_not(None)))):
            raise NotPermittedError(f"{who.login} has not signed in: sign in to {what}")
        return who
    who.require(permission, what)
    return who
