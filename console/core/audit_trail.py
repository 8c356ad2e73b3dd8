"""The one way the console writes the audit log: who (the acting operator, or ``by``) and
from which workstation, filled in from the operator, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from console.core import operator
from console.core.operator import Operator
from db import audit
from db.models import AuditEntry


def record(
    session: Session,
    *,
    action: str,
    object_kind: str,
    object_id: str | int,
    before: Any,
    after: Any,
    at: datetime,
    by: Operator | None = None,
) -> AuditEntry:
    """Append an entry for ``action`` by the acting operator (``by`` when given)."""
    who = by or operator.current()
    return audit.record(
        session,
        actor=who.login,
        workstation=who.workstation,
        action=action,
        object_kind=object_kind,
        object_id=object_id,
        before=before,
        after=after,
        at=at,
    )
