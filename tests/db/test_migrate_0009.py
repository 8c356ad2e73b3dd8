"""Migration 0009: a meter's link URL becomes optional (meters read only through their
concentrator); every row survives, and a downgrade refuses while a meter has no link."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from db.engine import create_db_engine
from db.migrate import alembic_config, upgrade

ROWS = """
INSERT INTO company (id, code, name) VALUES (1, 'C', '市公司');
INSERT INTO county (id, company_id, code, name) VALUES (1, 1, 'K', '县');
INSERT INTO supply_station (id, county_id, code, name) VALUES (1, 1, 'S', '所');
INSERT INTO substation (id, county_id, code, name, voltage_kv) VALUES (1, 1, 'B', '站', 35);
INSERT INTO feeder (id, substation_id, supply_station_id, code, name) VALUES (1, 1, 1, 'F', '线');
INSERT INTO transformer_area (id, feeder_id, code, name, rated_kva, area_class) VALUES (1, 1, 'T', '台区', 400, 'rural');
INSERT INTO meter (id, asset_no, comm_address, protocol, link_url, transformer_area_id, role, ct_ratio, status)
    VALUES (1, 'A1', '000000000001', 'dlt645-2007', 'loop://x', 1, 'summary', 80, 'active');
"""
NO_LINK = (
    "INSERT INTO meter (id, asset_no, comm_address, protocol, link_url, transformer_area_id, "
    "role, ct_ratio, status) VALUES (2, 'A2', '000000000002', 'dlt645-2007', NULL, 1, "
    "'customer', 1, 'active')"
)


def _at(url: str, revision: str) -> Engine:
    engine = create_db_engine(url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return engine


def _run(engine: Engine, action: str, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)


def test_0009_lets_a_meter_have_no_link_and_keeps_the_rows(db_url: str) -> None:
    engine = _at(db_url, "0008")
    try:
        with engine.begin() as conn:
            for statement in ROWS.split(";"):
                if statement.strip():
                    conn.execute(text(statement))
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(NO_LINK))  # 0008: the link is required
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text(NO_LINK))
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT asset_no, link_url, ct_ratio FROM meter ORDER BY id"))
            assert [tuple(r) for r in rows] == [("A1", "loop://x", 80), ("A2", None, 1)]

        _run(engine, "downgrade", "0009")  # the revisions after it first
        with pytest.raises(RuntimeError, match="1 meters have no link URL"):
            _run(engine, "downgrade", "0008")
        with engine.begin() as conn:
            conn.execute(text("UPDATE meter SET link_url = 'loop://y' WHERE link_url IS NULL"))
        _run(engine, "downgrade", "0008")
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(NO_LINK.replace("(2, 'A2'", "(3, 'A3'")))
        with engine.connect() as conn:
            links = conn.execute(text("SELECT link_url FROM meter ORDER BY id")).scalars().all()
            assert links == ["loop://x", "loop://y"]
    finally:
        engine.dispose()
