"""db.backup: consistent copies while another connection writes, the restore round trip, the
files a restore refuses (leaving the live database alone), names, retention, and the integrity
check that stops a damaged database at start.

All SQLite: the backup API and PRAGMA integrity_check are SQLite's own.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from db.backup import (
    BEFORE_RESTORE,
    DAILY,
    MANUAL,
    OK,
    backup_name,
    backup_to_directory,
    backup_to_file,
    ensure_intact,
    integrity_check,
    list_backups,
    newest_backup,
    prune_backups,
    read_revision,
    restore_sqlite,
)
from db.engine import sqlite_path
from db.errors import BackupError, DatabaseCorruptError
from db.migrate import head_revision, is_known_revision

NOW = datetime(2026, 11, 21, 10, 7, 30)
pytestmark = pytest.mark.sqlite_only("SQLite's backup API and integrity checks (a server: pg_dump)")


@pytest.fixture
def live(engine: Engine) -> Path:
    """The migrated test database's file, with a few rows in ``app_setting``."""
    with engine.begin() as conn:
        for i in range(20):
            conn.execute(
                text("INSERT INTO app_setting (key, value) VALUES (:k, :v)"),
                {"k": f"key{i}", "v": f"value{i}"},
            )
    path = sqlite_path(str(engine.url))
    assert path is not None
    return path


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def settings_of(path: Path) -> dict[object, object]:
    return dict(rows(path, "SELECT key, value FROM app_setting"))


def corrupt(path: Path) -> None:
    """Overwrite a page's worth of bytes in the middle of the file, past the schema."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = b"\xab" * 4096
    path.write_bytes(bytes(data))


def test_a_backup_taken_while_another_connection_writes_is_consistent(
    live: Path, tmp_path: Path
) -> None:
    committed = settings_of(live)
    writer = sqlite3.connect(live, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO app_setting (key, value) VALUES ('uncommitted', 'x')")
        writer.execute("UPDATE app_setting SET value = 'changed' WHERE key = 'key0'")
        target = backup_to_directory(live, tmp_path / "backups", kind=MANUAL, now=NOW)
        # The writer was never blocked: it goes on and commits after the copy.
        writer.execute("INSERT INTO app_setting (key, value) VALUES ('after', 'y')")
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert target == tmp_path / "backups" / "test-manual-20261121-100730.db"
    assert integrity_check(target) == OK
    assert settings_of(target) == committed  # the committed state, none of the open transaction
    assert rows(target, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert settings_of(live)["after"] == "y"


def test_a_second_backup_in_the_same_second_gets_its_own_name(live: Path, tmp_path: Path) -> None:
    first = backup_to_directory(live, tmp_path, kind=MANUAL, now=NOW)
    second = backup_to_directory(live, tmp_path, kind=MANUAL, now=NOW)
    assert first != second and second.name == "test-manual-20261121-100730-2.db"
    with pytest.raises(BackupError, match="exists already"):
        backup_to_file(live, first)


def test_a_backup_of_a_damaged_database_fails_and_leaves_no_copy(
    live: Path, engine: Engine, tmp_path: Path
) -> None:
    engine.dispose()
    corrupt(live)
    target_dir = tmp_path / "backups"
    target_dir.mkdir()
    with pytest.raises(BackupError, match="failed its integrity check"):
        backup_to_directory(live, target_dir, kind=MANUAL, now=NOW)
    assert list(target_dir.iterdir()) == []


def test_restore_round_trip_reaches_connections_already_open(
    live: Path, engine: Engine, tmp_path: Path
) -> None:
    backups = tmp_path / "backups"
    backup = backup_to_directory(live, backups, kind=MANUAL, now=NOW)
    original = settings_of(live)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM app_setting"))
        conn.execute(text("INSERT INTO app_setting (key, value) VALUES ('later', 'z')"))
    reader = sqlite3.connect(live)  # a connection of the running console
    try:
        assert reader.execute("SELECT count(*) FROM app_setting").fetchone() == (1,)
        result = restore_sqlite(
            backup, live, backup_dir=backups, now=NOW, revision_known=is_known_revision
        )
        assert dict(reader.execute("SELECT key, value FROM app_setting")) == original
    finally:
        reader.close()
    assert result.revision == head_revision()
    assert result.safety_copy == backups / f"test-{BEFORE_RESTORE}-20261121-100730.db"
    assert settings_of(result.safety_copy) == {"later": "z"}  # what the restore replaced
    assert rows(live, "PRAGMA journal_mode") == [("wal",)]
    with engine.connect() as conn:  # the pool's connections see it too
        assert conn.scalar(text("SELECT count(*) FROM app_setting")) == len(original)


def _refused(live: Path, source: Path, backups: Path, match: str) -> None:
    before = live.read_bytes()
    with pytest.raises(BackupError, match=match):
        restore_sqlite(source, live, backup_dir=backups, now=NOW, revision_known=is_known_revision)
    assert live.read_bytes() == before
    assert not backups.exists() or not any(backups.iterdir())  # no safety copy either


def test_restore_refuses_what_is_not_one_of_our_databases(
    live: Path, engine: Engine, tmp_path: Path
) -> None:
    engine.dispose()  # the live file's bytes settle, so "untouched" can be compared
    backups = tmp_path / "backups"
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database", encoding="utf-8")
    _refused(live, text_file, backups, "not a SQLite database")
    _refused(live, tmp_path / "absent.db", backups, "does not exist")
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    _refused(live, foreign, backups, "not one of the console's")


def test_restore_refuses_a_damaged_backup(live: Path, engine: Engine, tmp_path: Path) -> None:
    damaged = backup_to_directory(live, tmp_path, kind=MANUAL, now=NOW)
    engine.dispose()
    corrupt(damaged)
    _refused(live, damaged, tmp_path / "backups", "is damaged")


def test_restore_refuses_a_newer_revision_and_accepts_an_older_one(
    live: Path, engine: Engine, tmp_path: Path
) -> None:
    newer = backup_to_directory(live, tmp_path, kind=MANUAL, now=NOW)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    engine.dispose()
    _refused(live, newer, tmp_path / "backups", r"revision 9999.*newer version")

    older = backup_to_directory(live, tmp_path, kind=MANUAL, now=NOW + timedelta(seconds=1))
    conn = sqlite3.connect(older)
    conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.commit()
    conn.close()
    result = restore_sqlite(
        older, live, backup_dir=tmp_path / "backups", now=NOW, revision_known=is_known_revision
    )
    assert result.revision == "0001"
    assert read_revision(live) == "0001"  # upgraded on the next start, by db.migrate


def test_a_damaged_live_database_can_be_restored_and_is_kept(
    live: Path, engine: Engine, tmp_path: Path
) -> None:
    backups = tmp_path / "backups"
    backup = backup_to_directory(live, backups, kind=DAILY, now=NOW)
    engine.dispose()
    corrupt(live)
    assert integrity_check(live, quick=True) != OK
    result = restore_sqlite(
        backup, live, backup_dir=backups, now=NOW, revision_known=is_known_revision
    )
    assert integrity_check(live) == OK
    assert settings_of(live) == settings_of(backup)
    assert result.safety_copy is not None and result.safety_copy.exists()
    assert integrity_check(result.safety_copy) != OK  # the evidence, as it was


def test_ensure_intact_names_the_newest_backup(live: Path, engine: Engine, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backup_to_directory(live, backups, kind=DAILY, now=NOW - timedelta(days=2))
    newest = backup_to_directory(live, backups, kind=MANUAL, now=NOW - timedelta(days=1))
    backup_to_directory(live, backups, kind=BEFORE_RESTORE, now=NOW)  # not one to go back to
    (backups / "notes.txt").write_text("not ours", encoding="utf-8")
    ensure_intact(live, backup_dir=backups)  # intact: nothing happens
    engine.dispose()
    corrupt(live)

    with pytest.raises(DatabaseCorruptError) as caught:
        ensure_intact(live, backup_dir=backups)

    err = caught.value
    assert err.path == live
    assert err.problems and err.problems != OK
    assert err.newest_backup == newest
    assert err.newest_backup_at == NOW - timedelta(days=1)
    assert str(newest) in str(err) and "smc db restore" in str(err)
    with pytest.raises(DatabaseCorruptError, match="no backup of it"):
        ensure_intact(live, backup_dir=tmp_path / "empty")


def test_a_new_or_empty_file_is_not_damaged(tmp_path: Path) -> None:
    ensure_intact(tmp_path / "absent.db", backup_dir=None)
    (tmp_path / "empty.db").touch()
    ensure_intact(tmp_path / "empty.db", backup_dir=None)
    (tmp_path / "junk.db").write_bytes(b"junk" * 1000)
    with pytest.raises(DatabaseCorruptError, match="not a database"):
        ensure_intact(tmp_path / "junk.db", backup_dir=None)


def test_retention_deletes_only_old_daily_backups_of_this_database(tmp_path: Path) -> None:
    start = datetime(2026, 11, 1, 2, 30)
    daily = []
    for day in range(20):
        path = tmp_path / backup_name("smc", DAILY, start + timedelta(days=day))
        path.write_bytes(b"x")
        daily.append(path)
    others = [
        tmp_path / backup_name("smc", MANUAL, start),
        tmp_path / backup_name("smc", "before-0003", start),
        tmp_path / backup_name("smc", BEFORE_RESTORE, start),
        tmp_path / backup_name("other", DAILY, start),  # another database's
        tmp_path / "smc-daily-notes.db",  # not our name pattern
        tmp_path / "smc-daily-20261301-023000.db",  # looks like ours, but no such date
    ]
    for path in others:
        path.write_bytes(b"x")

    deleted = prune_backups(tmp_path, "smc", DAILY, keep=14)

    assert deleted == daily[:6]
    assert sorted(tmp_path.iterdir()) == sorted([*daily[6:], *others])
    assert [b.path for b in list_backups(tmp_path, "smc", {DAILY})] == daily[6:]
    newest = newest_backup(tmp_path, "smc")
    assert newest is not None and newest.path == daily[-1]
    assert prune_backups(tmp_path, "smc", DAILY, keep=14) == []
