"""``smc db verify-audit`` sees a log cut off at its end: a valid but shorter chain than the
checkpoint noted outside the database by an earlier verification or a backup; a restore makes
the restored log the one followed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from console import __main__ as cli
from console.maintenance import checkpoints
from db.audit import record
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import upgrade

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
