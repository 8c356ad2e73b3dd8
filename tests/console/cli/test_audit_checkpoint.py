"""``smc db verify-audit`` sees a log cut off at its end: a valid but shorter chain than the
checkpoint noted outside the database by an earlier verification or a backup; a restore makes
the restored log the one followed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from console import __main__ as cli
from console.maintenance import checkpoints
from db.audit import GENESIS, entry_hash, record
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import alembic_config, upgrade
from tests.console.audit_rows import audit_rows

Capture = pytest.CaptureFixture[str]


def _db_with_entries(path: Path, n: int) -> str:
    url = sqlite_url(path)
    engine = create_db_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    for i in range(n):
        with factory.begin() as session:
            record(session, actor="zhang", action="job.run_now", object_kind="job",
                   object_id=f"j{i}", before=None, after=None,
                   at=datetime(2026, 12, 7, 9, i), workstation="ws")  # fmt: skip
    engine.dispose()
    return url


def _cut_last(url: str) -> None:
    """What someone with the file would do: drop the guard, delete the newest entry."""
    engine = create_db_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_entry_no_delete"))
        conn.execute(text("DELETE FROM audit_entry WHERE id = (SELECT MAX(id) FROM audit_entry)"))
    engine.dispose()


def test_a_cut_off_end_is_found_against_the_last_verification(
    tmp_path: Path, capsys: Capture
) -> None:
    url = _db_with_entries(tmp_path / "county.db", 3)
    assert cli.main(["db", "verify-audit", "--db", url]) == 0
    assert "3 entries checked, OK" in capsys.readouterr().out
    _cut_last(url)
    assert cli.main(["db", "verify-audit", "--db", url]) == 1
    out = capsys.readouterr().out
    assert "the log has 2 entries but had 3 on" in out and "removed from its end" in out
    assert str(checkpoints.checkpoint_file()) in out


def test_a_backup_notes_the_checkpoint_and_a_restore_follows_the_restored_log(
    tmp_path: Path, capsys: Capture
) -> None:
    db = tmp_path / "county.db"
    url = _db_with_entries(db, 2)
    backups = tmp_path / "backups"
    assert cli.main(["db", "backup", "--db", url, "--to", f"{backups}/"]) == 0
    (backup,) = backups.iterdir()
    point = checkpoints.load(f"SQLite {db}")
    assert point is not None and point.count == 3  # the two and the backup's own entry
    _cut_last(url)  # nobody verified since the backup: the backup's note catches it
    assert cli.main(["db", "verify-audit", "--db", url]) == 1
    assert "had 3 on" in capsys.readouterr().out
    config = tmp_path / "smc.toml"
    config.write_text(f'[backup]\ndir = "{(tmp_path / "kept").as_posix()}"\n', encoding="utf-8")
    assert cli.main(["db", "restore", str(backup), "--db", url, "--yes",
                     "--config", str(config)]) == 0  # fmt: skip
    assert cli.main(["db", "verify-audit", "--db", url]) == 0
    assert "3 entries checked, OK" in capsys.readouterr().out  # the backup's two, the restore


def _db_at_0009_with_entries(path: Path, n: int) -> str:
    """A database as the program before the workstation column left it, with its entries."""
    url = sqlite_url(path)
    engine = create_db_engine(url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0009")
    with engine.begin() as conn:
        previous = GENESIS
        for i in range(n):
            at = datetime(2026, 12, 1, 9, i)
            digest = entry_hash(previous, at=at, actor="zhang", action="job.run_now",
                                object_kind="job", object_id=f"j{i}", before=None, after=None,
                                workstation=None)  # fmt: skip
            conn.execute(
                text(
                    "INSERT INTO audit_entry (at, actor, action, object_kind, object_id, "
                    "prev_hash, entry_hash) VALUES (:at, 'zhang', 'job.run_now', 'job', :oid, "
                    ":prev, :hash)"
                ),
                {"at": at.isoformat(sep=" "), "oid": f"j{i}", "prev": previous, "hash": digest},
            )
            previous = digest
    engine.dispose()
    return url


def test_a_log_from_before_the_workstation_verifies_and_a_backup_continues_it(
    tmp_path: Path, capsys: Capture
) -> None:
    url = _db_at_0009_with_entries(tmp_path / "old.db", 2)
    assert cli.main(["db", "verify-audit", "--db", url]) == 0
    assert "2 entries checked, OK" in capsys.readouterr().out
    assert cli.main(["db", "backup", "--db", url, "--to", str(tmp_path / "bk") + "/"]) == 0
    capsys.readouterr()
    assert cli.main(["db", "verify-audit", "--db", url]) == 0  # smc-audit-1, then -2
    assert "3 entries checked, OK" in capsys.readouterr().out
    rows = audit_rows(url)
    assert [r.workstation for r in rows[:2]] == [None, None]
    assert rows[2].action == "database.backup" and rows[2].workstation


def test_an_unreadable_checkpoints_file_is_named_not_a_traceback(
    tmp_path: Path, capsys: Capture
) -> None:
    url = _db_with_entries(tmp_path / "county.db", 1)
    damaged = checkpoints.checkpoint_file()
    damaged.parent.mkdir(parents=True, exist_ok=True)
    damaged.write_text("{not json", encoding="utf-8")
    try:
        assert cli.main(["db", "verify-audit", "--db", url]) == 1
        err = capsys.readouterr().err
        assert "the audit checkpoints cannot be read" in err and str(damaged) in err
        assert "move it away" in err and "Traceback" not in err
        assert cli.main(["db", "backup", "--db", url, "--to", str(tmp_path / "bk") + "/"]) == 0
        assert "backup:" in capsys.readouterr().out  # made; the checkpoint is verify's to fix
    finally:
        damaged.unlink()
