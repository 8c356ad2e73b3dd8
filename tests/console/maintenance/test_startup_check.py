"""The integrity check on start: preparing the database refuses a damaged SQLite file before
writing to it, with a DatabaseCorruptError that names the newest backup; after a restore it
starts again."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from console.app.database import damaged_database, prepare_database, restore_backup
from console.core.clock import FixedClock
from console.core.config import (
    BackupSettings,
    CollectionSettings,
    DatabaseSettings,
    DemoSettings,
    Settings,
)
from db.backup import DAILY, backup_to_directory
from db.engine import sqlite_url
from db.errors import DatabaseCorruptError


def settings_for(db: Path, backups: Path) -> Settings:
    return Settings(
        database=DatabaseSettings(url=sqlite_url(db)),
        demo=DemoSettings(enabled=False),
        collection=CollectionSettings(enabled=False),
        backup=BackupSettings(dir=str(backups)),
    )


def fill(db: Path, rows: int = 3000) -> None:
    """Enough rows that the middle of the file is data, not schema."""
    conn = sqlite3.connect(db)
    conn.executemany(
        "INSERT INTO app_setting (key, value) VALUES (?, ?)",
        [(f"key{i:05d}", "v" * 200) for i in range(rows)],
    )
    conn.commit()
    conn.close()


def start(settings: Settings, clock: FixedClock) -> None:
    """Prepare the database as a start does, then let go of it."""
    prepare_database(settings, clock=clock).engine.dispose()


def corrupt_copy_over(source: Path, live: Path) -> None:
    """Overwrite bytes in the middle of a copy of the database, then put it in place."""
    data = bytearray(source.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xab" * 8192
    live.write_bytes(bytes(data))


def test_a_damaged_database_is_refused_untouched_naming_the_newest_backup(
    tmp_path: Path, clock: FixedClock
) -> None:
    db, backups = tmp_path / "console.db", tmp_path / "backups"
    settings = settings_for(db, backups)
    start(settings, clock)
    fill(db)
    backup_to_directory(db, backups, kind=DAILY, now=datetime(2026, 11, 19, 2, 30))
    newest = backup_to_directory(db, backups, kind=DAILY, now=datetime(2026, 11, 20, 2, 30))
    corrupt_copy_over(db, db)
    damaged_bytes = db.read_bytes()

    with pytest.raises(DatabaseCorruptError) as caught:
        start(settings, clock)

    err = caught.value
    assert damaged_database(err) is err
    assert err.path == db
    assert err.newest_backup == newest
    assert err.newest_backup_at == datetime(2026, 11, 20, 2, 30)
    assert err.problems and err.problems != ["ok"]
    assert str(newest) in str(err)
    assert db.read_bytes() == damaged_bytes  # not migrated, not touched

    result = restore_backup(settings, newest, clock=clock)
    assert result.safety_copy is not None and result.safety_copy.parent == backups
    start(settings, clock)  # the way out works
    conn = sqlite3.connect(db)
    try:  # and the backup's rows are back
        assert conn.execute(
            "SELECT count(*) FROM app_setting WHERE key LIKE 'key%'"
        ).fetchone() == (3000,)
    finally:
        conn.close()


def test_without_a_backup_the_error_says_so(tmp_path: Path, clock: FixedClock) -> None:
    db = tmp_path / "console.db"
    settings = settings_for(db, tmp_path / "backups")
    start(settings, clock)
    fill(db)
    corrupt_copy_over(db, db)
    with pytest.raises(DatabaseCorruptError, match="no backup") as caught:
        start(settings, clock)
    assert caught.value.newest_backup is None


def test_an_intact_database_and_a_new_one_start(tmp_path: Path, clock: FixedClock) -> None:
    settings = settings_for(tmp_path / "new.db", tmp_path / "backups")
    start(settings, clock)  # no file yet: nothing to check
    start(settings, clock)  # intact
    assert damaged_database(RuntimeError("x")) is None
