"""db.migrate: upgrade to head, no-op when current, models == migrations, refusing a newer
database, and the backup taken before upgrading an existing SQLite file.

The project has a single revision, so upgrading an existing database "from behind" is exercised
with a copy of the migration scripts plus one extra revision on top (``newer_program``).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

import db.migrate
from db.engine import create_db_engine, sqlite_path
from db.errors import DatabaseTooNewError, MigrationError
from db.migrate import (
    MIGRATIONS_DIR,
    UpgradeResult,
    backup_sqlite,
    current_revision,
    head_revision,
    upgrade,
)
from db.models import AppSetting, Base


def _settings(session_factory: sessionmaker[Session], rows: dict[str, str]) -> None:
    with session_factory() as session, session.begin():
        session.add_all(AppSetting(key=k, value=v) for k, v in rows.items())


def _file_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def test_upgrade_on_an_empty_database_reaches_head(db_url: str, tmp_path: Path) -> None:
    engine = create_db_engine(db_url)
    try:
        assert current_revision(engine) is None
        backups = tmp_path / "backups"
        result = upgrade(engine, backup_dir=backups)
        assert result == UpgradeResult(None, head_revision(), None)
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) == {*Base.metadata.tables, "alembic_version"}
        assert not backups.exists()  # nothing to back up in a brand-new database
    finally:
        engine.dispose()


def test_a_second_upgrade_is_a_no_op(
    engine: Engine, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    _settings(session_factory, {"seed": "42"})
    backups = tmp_path / "backups"
    result = upgrade(engine, backup_dir=backups)
    assert result.from_revision == result.to_revision == head_revision()
    assert result.backup is None
    assert not backups.exists()
    with session_factory() as session:
        assert session.scalars(select(AppSetting.value)).all() == ["42"]


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_a_database_from_a_newer_program_is_refused(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    backups = tmp_path / "backups"
    with pytest.raises(DatabaseTooNewError) as caught:
        upgrade(engine, backup_dir=backups)
    message = str(caught.value)
    assert "9999" in message
    assert head_revision() in message
    assert "newer version" in message  # i.e. this program is the older one
    assert current_revision(engine) == "9999"
    assert not backups.exists()


@pytest.mark.sqlite_only("copies a SQLite file and its WAL with SQLite's online backup API")
def test_backup_sqlite_copies_a_database_held_open_by_a_writer(
    engine: Engine, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    committed = {f"key{i}": f"value{i}" for i in range(20)}
    _settings(session_factory, committed)
    source = sqlite_path(str(engine.url))
    assert source is not None
    # The pool keeps a connection open, so the committed rows still live in the WAL file:
    # a plain file copy would miss them, the backup API must not.
    assert source.with_name(source.name + "-wal").stat().st_size > 0
    writer = sqlite3.connect(source, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another connection is writing during the backup
        writer.execute("INSERT INTO app_setting (key, value) VALUES ('uncommitted', 'x')")
        target = tmp_path / "backups" / "copy.db"
        assert backup_sqlite(source, target) == target
    finally:
        writer.close()  # closing with the transaction open rolls it back
    assert _file_rows(target, "PRAGMA integrity_check") == [("ok",)]
    assert dict(_file_rows(target, "SELECT key, value FROM app_setting")) == committed
    assert _file_rows(target, "SELECT version_num FROM alembic_version") == [(head_revision(),)]


# ---------------------------------------------------------------- upgrading an existing database

_EXTRA_REVISION = '''"""A revision newer than any shipped one, written by the test."""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("probe", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO app_setting (key, value) VALUES ('probe', 'migrated')")
{failure}

def downgrade() -> None:
    op.drop_table("probe")
'''
NEWER = "9001"


@pytest.fixture
def newer_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """Turn this program into a newer one: the shipped revisions plus ``NEWER`` on top, which
    fails after its DDL and DML if asked to."""

    def install(fail: bool) -> None:
        scripts = tmp_path / "newer-migrations"
        shutil.copytree(MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
        failure = '    raise RuntimeError("probe migration failed")\n' if fail else ""
        (scripts / "versions" / f"{NEWER}_probe.py").write_text(
            _EXTRA_REVISION.format(revision=NEWER, down_revision=head_revision(), failure=failure),
            encoding="utf-8",
        )
        monkeypatch.setattr(db.migrate, "MIGRATIONS_DIR", scripts)
        assert head_revision() == NEWER

    return install


def test_upgrading_an_existing_database_backs_it_up_first(
    engine: Engine,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    newer_program: Callable[[bool], None],
) -> None:
    shipped_head = head_revision()
    _settings(session_factory, {"seed": "42"})
    newer_program(False)
    backups = tmp_path / "backups"

    result = upgrade(engine, backup_dir=backups)

    assert result.from_revision == shipped_head
    assert result.to_revision == NEWER
    if _is_sqlite(engine):
        assert result.backup is not None
        assert result.backup.parent == backups
        assert f"before-{NEWER}" in result.backup.name
        assert list(backups.iterdir()) == [result.backup]
        # The backup is the database as it was before the upgrade ...
        assert _file_rows(result.backup, "SELECT version_num FROM alembic_version") == [
            (shipped_head,)
        ]
        assert _file_rows(result.backup, "SELECT key, value FROM app_setting") == [("seed", "42")]
        assert "probe" not in {
            r[0] for r in _file_rows(result.backup, "SELECT name FROM sqlite_master")
        }
    else:
        # A server database is backed up by its administrator, not copied by the console.
        assert result.backup is None
        assert not backups.exists()
    # ... and the live database has moved on.
    assert current_revision(engine) == NEWER
    assert "probe" in inspect(engine).get_table_names()
    with session_factory() as session:
        assert dict(session.execute(select(AppSetting.key, AppSetting.value)).all()) == {
            "seed": "42",
            "probe": "migrated",
        }


def test_upgrading_without_a_backup_dir_takes_no_backup(
    engine: Engine, tmp_path: Path, newer_program: Callable[[bool], None]
) -> None:
    newer_program(False)
    result = upgrade(engine)
    assert result.backup is None
    assert current_revision(engine) == NEWER
    database_files = [tmp_path / "test.db"] if _is_sqlite(engine) else []
    assert sorted(tmp_path.rglob("*.db")) == database_files


def test_a_failed_upgrade_rolls_back_and_names_the_backup(
    engine: Engine,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    newer_program: Callable[[bool], None],
) -> None:
    shipped_head = head_revision()
    _settings(session_factory, {"seed": "42"})
    newer_program(True)
    backups = tmp_path / "backups"

    with pytest.raises(MigrationError) as caught:
        upgrade(engine, backup_dir=backups)

    if _is_sqlite(engine):
        [backup] = backups.iterdir()
        assert str(backup) in str(caught.value)
    else:
        assert not backups.exists()
        assert "backup" not in str(caught.value)
    assert isinstance(caught.value.__cause__, RuntimeError)
    # Nothing of the failed revision stays behind: neither its row nor its DDL.
    assert current_revision(engine) == shipped_head
    assert "probe" not in inspect(engine).get_table_names()
    with session_factory() as session:
        assert session.scalars(select(AppSetting.key)).all() == ["seed"]
