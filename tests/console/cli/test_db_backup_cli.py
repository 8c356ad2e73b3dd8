"""``smc db backup | restore | check | verify-audit``: what they print, their exit codes, what
they refuse (leaving the database untouched), and the pointers to pg_dump for a server."""

from __future__ import annotations

import io
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from console import __main__ as cli
from db.audit import record
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import upgrade

Capture = pytest.CaptureFixture[str]
SERVER = "postgresql+psycopg://smc:secret@centre/smc"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A migrated database with a few settings rows, no connection left open."""
    path = tmp_path / "county.db"
    engine = create_db_engine(sqlite_url(path))
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO app_setting (key, value) VALUES ('seed', '42')"))
    engine.dispose()
    return path


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A configuration whose [backup] dir is this test's own."""
    path = tmp_path / "smc.toml"
    path.write_text(f'[backup]\ndir = "{(tmp_path / "backups").as_posix()}"\n', encoding="utf-8")
    return path


def smc(*argv: str) -> int:
    return cli.main(list(argv))


def settings_rows(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT key, value FROM app_setting").fetchall())
    finally:
        conn.close()


def damage(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO app_setting (key, value) VALUES (?, ?)",
        [(f"k{i:05d}", "v" * 200) for i in range(3000)],
    )
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 8192] = b"\xab" * 8192
    path.write_bytes(bytes(data))


def backup(capsys: Capture, db: Path, config: Path, *extra: str) -> Path:
    assert smc("db", "backup", "--db", sqlite_url(db), "--config", str(config), *extra) == 0
    out = capsys.readouterr().out
    return Path(out.splitlines()[0].removeprefix("backup: "))


def test_backup_goes_to_the_configured_directory_and_prints_path_and_size(
    db: Path, config: Path, tmp_path: Path, capsys: Capture
) -> None:
    assert smc("db", "backup", "--db", sqlite_url(db), "--config", str(config)) == 0
    lines = capsys.readouterr().out.splitlines()
    path = Path(lines[0].removeprefix("backup: "))
    assert path.parent == tmp_path / "backups"
    assert path.name.startswith("county-manual-") and path.suffix == ".db"
    assert (
        lines[1] == f"size: {path.stat().st_size:,} bytes ({path.stat().st_size / 2**20:.1f} MiB)"
    )
    assert lines[2] == "integrity check: ok"
    assert settings_rows(path) == {"seed": "42"}


def test_backup_to_a_file_or_a_new_directory(
    db: Path, config: Path, tmp_path: Path, capsys: Capture
) -> None:
    target = tmp_path / "usb" / "copy.db"
    assert backup(capsys, db, config, "--to", str(target)) == target
    into = backup(capsys, db, config, "--to", f"{tmp_path / 'new-dir'}/")
    assert into.parent == tmp_path / "new-dir"
    code = smc("db", "backup", "--db", sqlite_url(db), "--to", str(target))
    assert code == 1 and "exists already" in capsys.readouterr().err


def test_backup_of_a_damaged_database_fails_loudly(
    db: Path, config: Path, tmp_path: Path, capsys: Capture
) -> None:
    damage(db)
    code = smc("db", "backup", "--db", sqlite_url(db), "--config", str(config))
    err = capsys.readouterr().err
    assert code == 1
    assert "failed its integrity check" in err and "deleted" in err
    assert not any((tmp_path / "backups").glob("*.db"))


def test_restore_round_trip_keeps_the_current_database(
    db: Path, config: Path, tmp_path: Path, capsys: Capture
) -> None:
    saved = backup(capsys, db, config)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE app_setting SET value = 'changed'")
    conn.commit()
    conn.close()
    code = smc(
        "db", "restore", str(saved), "--db", sqlite_url(db), "--config", str(config), "--yes"
    )
    out = capsys.readouterr().out
    assert code == 0
    assert settings_rows(db) == {"seed": "42"}
    [kept] = (tmp_path / "backups").glob("county-before-restore-*.db")
    assert f"the previous database is kept as {kept}" in out
    assert settings_rows(kept) == {"seed": "changed"}


def test_restore_without_yes_and_without_a_terminal_is_refused(
    db: Path, config: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = backup(capsys, db, config)
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # not a TTY
    before = db.read_bytes()
    code = smc("db", "restore", str(saved), "--db", sqlite_url(db), "--config", str(config))
    assert code == 2
    assert "pass --yes" in capsys.readouterr().err
    assert db.read_bytes() == before


@pytest.mark.parametrize("kind", ["not-a-database", "damaged", "newer"])
def test_restore_refuses_a_bad_file_and_leaves_the_database_untouched(
    db: Path, config: Path, tmp_path: Path, capsys: Capture, kind: str
) -> None:
    bad = backup(capsys, db, config, "--to", str(tmp_path / "bad.db"))
    if kind == "not-a-database":
        bad.write_text("hello", encoding="utf-8")
        expected = "not a SQLite database"
    elif kind == "damaged":
        damage(bad)
        expected = "is damaged"
    else:
        conn = sqlite3.connect(bad)
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
        conn.close()
        expected = "newer version of the console"
    before = db.read_bytes()
    code = smc("db", "restore", str(bad), "--db", sqlite_url(db), "--config", str(config), "--yes")
    err = capsys.readouterr().err
    assert code == 1
    assert expected in err and "nothing was restored" in err
    assert db.read_bytes() == before
    assert not list((tmp_path / "backups").glob("*before-restore*"))


def test_check_reports_ok_or_the_damage_and_the_newest_backup(
    db: Path, config: Path, capsys: Capture
) -> None:
    assert smc("db", "check", "--db", sqlite_url(db), "--config", str(config)) == 0
    assert capsys.readouterr().out.strip() == f"integrity check of {db}: ok"
    saved = backup(capsys, db, config)
    damage(db)
    assert smc("db", "check", "--db", sqlite_url(db), "--config", str(config)) == 1
    out = capsys.readouterr().out
    assert f"integrity check of {db}: DAMAGED" in out
    assert f"smc db restore {saved}" in out


@pytest.mark.parametrize(
    ("action", "tool"),
    [("backup", "pg_dump"), ("restore", "pg_restore"), ("check", "pg_amcheck")],
)
def test_a_server_database_points_to_its_own_tools(
    action: str, tool: str, tmp_path: Path, capsys: Capture
) -> None:
    extra = [str(tmp_path / "x.db"), "--yes"] if action == "restore" else []
    assert smc("db", action, *extra, "--db", SERVER) == 2
    err = capsys.readouterr().err
    assert tool in err and "secret" not in err


def test_verify_audit_counts_the_entries_or_names_the_broken_one(db: Path, capsys: Capture) -> None:
    engine = create_db_engine(sqlite_url(db))
    factory = make_session_factory(engine)
    for i in range(3):
        with factory() as session, session.begin():
            record(
                session,
                actor="zhang",
                action="threshold.change",
                object_kind="threshold",
                object_id=i,
                before={"value": "6.0"},
                after={"value": "7.0"},
                at=datetime(2026, 11, 21, 9, i),
                workstation="ws",
            )
    assert smc("db", "verify-audit", "--db", sqlite_url(db)) == 0
    out = capsys.readouterr().out
    assert "3 entries checked, OK" in out
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        conn.execute(text('UPDATE audit_entry SET after = \'{"value":"9.9"}\' WHERE id = 2'))
    engine.dispose()
    assert smc("db", "verify-audit", "--db", sqlite_url(db)) == 1
    out = capsys.readouterr().out
    assert "entry 2 is broken" in out and "entries intact before it: 1" in out


def test_verify_audit_does_not_create_a_missing_database(tmp_path: Path, capsys: Capture) -> None:
    missing = tmp_path / "absent.db"
    assert smc("db", "verify-audit", "--db", sqlite_url(missing)) == 1
    assert "no database file" in capsys.readouterr().err
    assert not missing.exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("answer", ["n", "y"])
def test_restore_on_a_terminal_asks_first(
    db: Path, config: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    saved = backup(capsys, db, config)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE app_setting SET value = 'changed'")
    conn.commit()
    conn.close()
    monkeypatch.setattr("sys.stdin", _Terminal(f"{answer}\n"))
    code = smc("db", "restore", str(saved), "--db", sqlite_url(db), "--config", str(config))
    assert code == (0 if answer == "y" else 1)
    out = capsys.readouterr().out
    assert f"Replace the database {db} with {saved}?" in out
    assert settings_rows(db) == {"seed": "42" if answer == "y" else "changed"}


@pytest.mark.parametrize(
    ("action", "url", "said"),
    [
        ("demo", "foo://bar", "SQLite or PostgreSQL, not 'foo'"),
        ("check", "mysql://x/y", "SQLite or PostgreSQL, not 'mysql'"),
        ("backup", "not a url", "is not a database URL"),
        ("check", "sqlite://", "in-memory database has no file"),
    ],
)
def test_a_database_url_the_console_cannot_open_is_named_not_a_traceback(
    capsys: Capture, action: str, url: str, said: str
) -> None:
    assert smc("db", action, "--db", url) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    if action == "check" and not url.startswith("sqlite"):
        assert "PostgreSQL server checks" not in err  # only a PostgreSQL URL gets that pointer
