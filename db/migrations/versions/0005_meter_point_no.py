"""Meters get their measurement point number (测量点号 Pn) under their concentrator.

Q/GDW 1376.1 names a meter behind a concentrator by Pn, not by address. Existing meters with a
concentrator are numbered 1, 2, ... in the order the summary meter first, then by id (the
order a concentrator's meter list is usually set up in).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NUMBER_POINTS = """
UPDATE meter SET point_no = numbered.pn
FROM (
    SELECT id, ROW_NUMBER() OVER (
        PARTITION BY concentrator_id ORDER BY CASE WHEN role = 'summary' THEN 0 ELSE 1 END, id
    ) AS pn
    FROM meter WHERE concentrator_id IS NOT NULL
) AS numbered
WHERE meter.id = numbered.id
"""


def upgrade() -> None:
    with op.batch_alter_table("meter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("point_no", sa.Integer(), nullable=True))
    op.execute(NUMBER_POINTS)
    with op.batch_alter_table("meter", schema=None) as batch_op:
        batch_op.create_index(
            "ux_meter_concentrator_point", ["concentrator_id", "point_no"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("meter", schema=None) as batch_op:
        batch_op.drop_index("ux_meter_concentrator_point")
        batch_op.drop_column("point_no")
