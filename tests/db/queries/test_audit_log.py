"""Reading the audit log back: by operator, by action or its family, by a part of the object,
by time (the end exclusive), newest first, a page with 'more' beyond it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from db.audit import record
from db.queries.audit_log import AuditFilter, actions, actors, find

T0 = datetime(2026, 12, 7, 8, 0)


def _log(sf: sessionmaker[Session]) -> None:
    entries = [
        ("admin", "user.add", "user", "zhang"),
        ("zhang", "signin.failed", "user", "zhang"),
        ("zhang", "signin", "user", "zhang"),
        ("zhang", "job.run_now", "job", "daily_freeze"),
        ("admin", "thresholds.change", "thresholds", "3"),
    ]
    with sf.begin() as s:
        for i, (actor, action, kind, oid) in enumerate(entries):
            record(s, actor=actor, action=action, object_kind=kind, object_id=oid,
                   before=None, after={"n": i}, at=T0 + timedelta(minutes=i),
                   workstation=f"ws-{i}")  # fmt: skip


def test_filters_and_order(session_factory: sessionmaker[Session]) -> None:
    _log(session_factory)
    with session_factory() as s:
        everything = find(s, AuditFilter())
        assert [r.action for r in everything.rows] == [
            "thresholds.change", "job.run_now", "signin", "signin.failed", "user.add",
        ]  # fmt: skip
        assert not everything.more and everything.rows[0].after == '{"n":4}'
        assert [r.action for r in find(s, AuditFilter(actor="zhang")).rows] == [
            "job.run_now", "signin", "signin.failed",
        ]  # fmt: skip
        assert [r.action for r in find(s, AuditFilter(action="signin")).rows] == [
            "signin", "signin.failed",
        ]  # fmt: skip
        assert [r.object_id for r in find(s, AuditFilter(object_text="freeze")).rows] == [
            "daily_freeze"
        ]
        window = AuditFilter(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3))
        assert [r.action for r in find(s, window).rows] == ["signin", "signin.failed"]
        page = find(s, AuditFilter(limit=2))
        assert len(page.rows) == 2 and page.more
        assert actors(s) == ["admin", "zhang"]
        assert actions(s) == sorted(
            ["user.add", "signin.failed", "signin", "job.run_now", "thresholds.change"]
        )
