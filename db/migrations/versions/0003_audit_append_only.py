"""Audit log append-only: triggers reject UPDATE and DELETE on audit_entry (and TRUNCATE on
PostgreSQL), so history can only be added to; db.audit's hash chain shows any tampering that
goes around them.

A later migration that rebuilds audit_entry (Alembic batch mode on SQLite copies the table and
drops the old one, triggers with it) must create these triggers again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 11:02:00.000000
"""

from __future__ import annotations

from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "audit_entry_no_update": "UPDATE",
    "audit_entry_no_delete": "DELETE",
}
PG_FUNCTION = "audit_entry_append_only"
PG_ROW_TRIGGER = "audit_entry_no_update_delete"
PG_TRUNCATE_TRIGGER = "audit_entry_no_truncate"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, operation in SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {operation} ON audit_entry "
                f"BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: {operation} "
                "is not allowed'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_entry is append-only: % is not allowed', TG_OP; "
            "END $$"
        )
        op.execute(
            f"CREATE TRIGGER {PG_ROW_TRIGGER} BEFORE UPDATE OR DELETE ON audit_entry "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
        )
        op.execute(
            f"CREATE TRIGGER {PG_TRUNCATE_TRIGGER} BEFORE TRUNCATE ON audit_entry "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
        )
    else:
        raise NotImplementedError(
            f"audit_entry append-only triggers are written for SQLite and PostgreSQL, not {dialect}"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {PG_TRUNCATE_TRIGGER} ON audit_entry")
        op.execute(f"DROP TRIGGER IF EXISTS {PG_ROW_TRIGGER} ON audit_entry")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
