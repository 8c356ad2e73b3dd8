"""``smc db rebuild-rollups`` puts back rollups that were lost or damaged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from console.__main__ import main
from db.engine import create_db_engine


def _rollups(url: str) -> list[tuple[object, ...]]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return [
                tuple(r) for r in conn.execute(text("SELECT * FROM rollup_day ORDER BY 1, 2, 3"))
            ]
    finally:
        engine.dispose()


def test_rebuild_restores_the_rollups_the_ingest_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    assert main(["db", "demo", "--profile", "small", "--days", "3", "--db", url]) == 0
    kept = _rollups(url)
    assert kept
    engine = create_db_engine(url)
    with engine.begin() as conn:  # damage: one row wrong, one row gone
        conn.execute(text("UPDATE rollup_day SET sales_wh = sales_wh + 1 WHERE rowid = 1"))
        conn.execute(text("DELETE FROM rollup_day WHERE rowid = 2"))
    engine.dispose()
    assert _rollups(url) != kept
    assert main(["db", "rebuild-rollups", "--db", url]) == 0
    assert _rollups(url) == kept
