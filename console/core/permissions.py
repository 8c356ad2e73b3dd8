"""The checks the domain API makes. ``authorize``: the acting operator's role allows a
state-changing action, or — on a database whose accounts are not in use yet (no user at all: a
fresh install) — nobody has signed in and the action is open to the workstation's user.
``require_scope``: a read stays within the operator's supply stations."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from console.core import operator
from console.core.operator import NotPermittedError, Operator
from console.core.roles import Permission
from db.models import User
from db.queries.topology import station_of
from db.scope import Scope


def authorize(session: Session, permission: Permission, what: str) -> Operator:
    """The acting operator, if they may ``what``; else ``NotPermittedError`` saying why."""
    who = operator.current()
    if who.role is None:
        if session.scalar(select(exists().where(User.id.is_not(None)))):
            raise NotPermittedError(f"{who.login} has not signed in: sign in to {what}")
        return who
    who.require(permission, what)
    return who


def require_scope(session: Session, scope: Scope) -> None:
    """``NotPermittedError`` unless ``scope`` lies in the acting operator's supply stations
    (an operator of the whole county may read anything)."""
    who = operator.current()
    if who.stations is None:
        return
    if scope.level is not None and station_of(session, scope) in who.stations:
        return
    raise NotPermittedError(
        f"{who.login} may read only the supply stations of their scope, not {scope}"
    )
