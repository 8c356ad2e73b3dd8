"""Reading the audit log back: entries by operator, action, object and time, newest first
(the 审计日志 page and its Excel export)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import AuditEntry

MAX_ROWS = 5000  # one page: a narrower filter finds older entries


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str = ""  # the operator's login, exactly ("" any)
    action: str = ""  # an action or its family: "signin" also finds "signin.failed"
    object_text: str = ""  # part of the object's kind or id
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    limit: int = MAX_ROWS


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    object_kind: str
    object_id: str
    before: str | None
    after: str | None
    workstation: str | None  # None: written before revision 0010 recorded it


@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: list[AuditRow]
    more: bool  # entries beyond the limit match too


def find(session: Session, f: AuditFilter) -> AuditPage:
    q = select(
        AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action,
        AuditEntry.object_kind, AuditEntry.object_id, AuditEntry.before, AuditEntry.after,
        AuditEntry.workstation,
    )  # fmt: skip
    if f.actor:
        q = q.where(AuditEntry.actor == f.actor)
    if f.action:
        q = q.where(or_(AuditEntry.action == f.action, AuditEntry.action.like(f"{f.action}.%")))
    if f.object_text:
        pattern = f"%{f.object_text}%"
        q = q.where(or_(AuditEntry.object_kind.like(pattern), AuditEntry.object_id.like(pattern)))
    if f.since is not None:
        q = q.where(AuditEntry.at >= f.since)
    if f.until is not None:
        q = q.where(AuditEntry.at < f.until)
    rows = session.execute(q.order_by(AuditEntry.id.desc()).limit(f.limit + 1)).all()
    return AuditPage([AuditRow(*r) for r in rows[: f.limit]], len(rows) > f.limit)


def actions(session: Session) -> list[str]:
    """Every action recorded so far, for the filter's list."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def actors(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)))
