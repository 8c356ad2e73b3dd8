"""The workstation an audited action came from (``host``, or ``host (tool)`` for a command-line
tool): a new column of ``audit_entry``. Entries written before it have none and keep their
``smc-audit-1`` hashes; new ones are hashed with it (``smc-audit-2``, db.audit).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table copy): the append-only triggers stay as they are.
    op.add_column("audit_entry", sa.Column("workstation", sa.String(length=128), nullable=True))


def downgrade() -> None:
    # Dropping the column would make the smc-audit-2 entries unverifiable: refuse instead.
    count = op.get_bind().execute(
        sa.text("SELECT COUNT(*) FROM audit_entry WHERE workstation IS NOT NULL")
    )
    written = count.scalar_one()
    if written:
        raise RuntimeError(
            f"{written} audit entries name their workstation (hash format smc-audit-2), which "
            "an older program cannot verify; the audit log cannot go below revision 0010"
        )
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+): a batch copy would lose the triggers.
    op.drop_column("audit_entry", "workstation")
