"""The audit log as the tests read it back: every entry, oldest first, from a session factory
or from a database URL (a file another process wrote)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from db.engine import create_db_engine, make_session_factory
from db.queries.audit_log import AuditFilter, AuditRow, find

EVERY = AuditFilter(limit=1_000_000)


def audit_rows(source: str | sessionmaker[Session]) -> list[AuditRow]:
    if not isinstance(source, str):
        with source() as session:
            return list(reversed(find(session, EVERY).rows))
    engine = create_db_engine(source)
    try:
        return audit_rows(make_session_factory(engine))
    finally:
        engine.dispose()
