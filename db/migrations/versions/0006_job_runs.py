"""Job runs of the one job host, and a concentrator's clock drift as a typed value.

``job_run`` records every run of a scheduled job of the service process (collection passes,
backups, rule evaluations). ``collection_attempt.clock_drift_s``: the clock check's measured
drift (terminal clock minus the console's, seconds), which was only written into the
attempt's error text before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed', 'cancelled')",
            name=op.f("ck_job_run_status_valid"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_run")),
    )
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.create_index("ix_job_run_job_id_started_at", ["job_id", "started_at"])
    with op.batch_alter_table("collection_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock_drift_s", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("collection_attempt", schema=None) as batch_op:
        batch_op.drop_column("clock_drift_s")
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_index("ix_job_run_job_id_started_at")
    op.drop_table("job_run")
