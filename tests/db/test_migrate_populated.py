"""Migrations from the first revision on a populated database: every row survives, new columns
get their defaults, new constraints hold, and the upgraded database takes current ingest."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, text

from db.engine import create_db_engine, make_session_factory
from db.errors import IngestError
from db.ingest import FreezeRow, upsert_daily_freezes
from db.migrate import alembic_config, head_revision, upgrade

FIRST_REVISION_ROWS = """
INSERT INTO company (id, code, name) VALUES (1, 'C', '市公司');
INSERT INTO county (id, company_id, code, name) VALUES (1, 1, 'K', '县');
INSERT INTO supply_station (id, county_id, code, name) VALUES (1, 1, 'S', '所');
INSERT INTO substation (id, county_id, code, name, voltage_kv) VALUES (1, 1, 'B', '站', 35);
INSERT INTO feeder (id, substation_id, supply_station_id, code, name) VALUES (1, 1, 1, 'F', '线');
INSERT INTO transformer_area (id, feeder_id, code, name, rated_kva, area_class) VALUES (1, 1, 'T', '台区', 400, 'rural');
INSERT INTO customer (id, number, name, address, customer_class) VALUES (1, '3100010001', '张三', '某村', 'residential');
INSERT INTO meter (id, asset_no, comm_address, protocol, link_url, transformer_area_id, customer_id, role, ct_ratio, status)
    VALUES (1, 'A1', '000000000001', 'dlt645-2007', 'loop://x', 1, 1, 'customer', 1, 'active'),
           (2, 'A2', '000000000002', 'dlt645-2007', 'loop://x', 1, NULL, 'summary', 80, 'active');
INSERT INTO daily_freeze (meter_id, day, forward_active_wh, collected_at)
    VALUES (1, '2026-11-01', 123450, '2026-11-01 00:37:00.000000');
INSERT INTO interval_reading (meter_id, slot_start, active_power_w, forward_active_wh, read_at)
    VALUES (2, '2026-11-01 00:00:00.000000', 40000, NULL, '2026-11-01 00:15:20.000000');
"""


def _at_first_revision(url: str) -> Engine:
    engine = create_db_engine(url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        for statement in FIRST_REVISION_ROWS.split(";"):
            if statement.strip():
                conn.execute(text(statement))
    return engine


def test_upgrade_from_the_first_revision_keeps_every_row(db_url: str) -> None:
    engine = _at_first_revision(db_url)
    try:
        result = upgrade(engine)
        assert (result.from_revision, result.to_revision) == ("0001", head_revision())
        with engine.connect() as conn:
            meters = conn.execute(
                text("SELECT id, asset_no, ct_ratio, pt_ratio, phases FROM meter ORDER BY id")
            ).all()
            assert [tuple(m) for m in meters] == [(1, "A1", 1, 1, 1), (2, "A2", 80, 1, 1)]
            assert conn.execute(text("SELECT kind FROM transformer_area")).scalar_one() == "public"
            flags = conn.execute(text("SELECT important, vulnerable FROM customer")).one()
            assert (bool(flags[0]), bool(flags[1])) == (False, False)
            freeze = conn.execute(
                text("SELECT forward_active_wh, reverse_active_wh FROM daily_freeze")
            ).one()
            assert tuple(freeze) == (123450, None)
            assert conn.execute(text("SELECT count(*) FROM interval_reading")).scalar_one() == 1
        sf = make_session_factory(engine)
        with sf.begin() as session:  # the upgraded database takes today's ingest, rollups and all
            upsert_daily_freezes(
                session, [FreezeRow(1, date(2026, 11, 2), 125000, datetime(2026, 11, 2))]
            )
        with engine.connect() as conn:
            sales = conn.execute(
                text("SELECT sales_wh FROM rollup_day WHERE level = 'area' AND day = '2026-11-01'")
            ).scalar_one()
            assert sales == 125000 - 123450
        # The constraints 0002 added hold on the upgraded tables too.
        with pytest.raises(Exception, match=r"(?i)check|constraint"), engine.begin() as conn:
            conn.execute(text("UPDATE meter SET phases = 2 WHERE id = 1"))
        with pytest.raises(IngestError), sf.begin() as session:
            upsert_daily_freezes(
                session, [FreezeRow(99, date(2026, 11, 2), 1, datetime(2026, 11, 2))]
            )
    finally:
        engine.dispose()
