"""A meter read only through its concentrator (Q/GDW 1376.1) has no link of its own: its
``link_url`` may be empty (NULL), where it was required.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meter", schema=None) as batch_op:
        batch_op.alter_column("link_url", existing_type=sa.String(length=200), nullable=True)


def downgrade() -> None:
    # An older program cannot hold a meter without a link; inventing one would send its
    # collection pass to a bus that does not exist, so the downgrade refuses instead.
    without = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM meter WHERE link_url IS NULL"))
    count = without.scalar_one()
    if count:
        raise RuntimeError(
            f"{count} meters have no link URL (read through their concentrator only); "
            "give them one before downgrading below revision 0009"
        )
    with op.batch_alter_table("meter", schema=None) as batch_op:
        batch_op.alter_column("link_url", existing_type=sa.String(length=200), nullable=False)
