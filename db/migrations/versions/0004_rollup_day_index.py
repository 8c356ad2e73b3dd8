"""Index rollup_day by (level, day): the line-loss ranking reads every 台区 of one day.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 09:12:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rollup_day", schema=None) as batch_op:
        batch_op.create_index("ix_rollup_day_level_day", ["level", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rollup_day", schema=None) as batch_op:
        batch_op.drop_index("ix_rollup_day_level_day")
