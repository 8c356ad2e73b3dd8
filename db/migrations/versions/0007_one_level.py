"""One spelling of a unit's level: alarms, outages and planned outages say ``station`` where
they said ``supply_station`` (as the rollups and every query already did).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 19:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TABLES = (("alarm", "object_kind"), ("outage", "scope_kind"), ("planned_outage", "scope_kind"))
_OLD = "'meter', 'concentrator', 'customer', 'area', 'feeder', 'supply_station'"
_NEW = "'meter', 'concentrator', 'customer', 'area', 'feeder', 'station'"


def _swap(old_name: str, new_name: str, allowed: str) -> None:
    for table, column in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{column}_valid"), type_="check")
        op.execute(f"UPDATE {table} SET {column} = '{new_name}' WHERE {column} = '{old_name}'")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(f"{column}_valid", f"{column} IN ({allowed})")


def upgrade() -> None:
    _swap("supply_station", "station", _NEW)


def downgrade() -> None:
    _swap("station", "supply_station", _OLD)
