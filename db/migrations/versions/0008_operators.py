"""Operators: the five roles, a user's scope as any number of supply stations (``user_station``
instead of one ``supply_station_id``), and what sign-in needs (failed attempts, lockout,
password age, a password to change at next sign-in, the last sign-in).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ROLES = (
    ("dispatcher", "调度员"),
    ("supervisor", "班长/主任"),
    ("field", "台区经理"),
    ("administrator", "管理员"),
    ("viewer", "只读"),
)


def upgrade() -> None:
    role = sa.table("role", sa.column("code", sa.String), sa.column("name", sa.String))
    existing = {r[0] for r in op.get_bind().execute(sa.select(role.c.code))}
    rows = [{"code": c, "name": n} for c, n in ROLES if c not in existing]
    if rows:
        op.bulk_insert(role, rows)
    op.create_table(
        "user_station",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("supply_station_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_user_station_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supply_station_id"], ["supply_station.id"],
            name=op.f("fk_user_station_supply_station_id_supply_station"),
        ),
        sa.PrimaryKeyConstraint("user_id", "supply_station_id", name=op.f("pk_user_station")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_user_station_supply_station_id"), "user_station", ["supply_station_id"]
    )
    op.execute(
        "INSERT INTO user_station (user_id, supply_station_id) "
        "SELECT id, supply_station_id FROM app_user WHERE supply_station_id IS NOT NULL"
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_app_user_supply_station_id_supply_station"), type_="foreignkey"
        )
        batch_op.drop_column("supply_station_id")
        batch_op.add_column(
            sa.Column("failed_signins", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(sa.Column("last_signin_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("last_signin_at")
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_signins")
        batch_op.add_column(sa.Column("supply_station_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_app_user_supply_station_id_supply_station"),
            "supply_station", ["supply_station_id"], ["id"],
        )  # fmt: skip
    op.execute(
        "UPDATE app_user SET supply_station_id = (SELECT MIN(supply_station_id) FROM "
        "user_station WHERE user_station.user_id = app_user.id)"
    )
    op.drop_index(op.f("ix_user_station_supply_station_id"), table_name="user_station")
    op.drop_table("user_station")
    op.execute(
        "DELETE FROM role WHERE code IN ('dispatcher', 'supervisor', 'field', 'administrator', "
        "'viewer') AND id NOT IN (SELECT role_id FROM app_user)"
    )
