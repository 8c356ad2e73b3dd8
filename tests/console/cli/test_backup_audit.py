"""Backups and restores in the audit log: a backup by whoever runs it; a restore of a database
with accounts only by a signed-in operator allowed to, recorded in the restored database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from console import __main__ as cli
from console.accounts.service import Accounts
from console.core.clock import FixedClock
from console.core.roles import Role
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import upgrade
from tests.console.audit_rows import audit_rows

Capture = pytest.CaptureFixture[str]
ADMIN_PW = "Guanli2026x"
ZHANG_PW = "Diaodu2026x"


def _audit(url: str) -> list[tuple[str, str]]:
    return [(r.actor, r.action) for r in audit_rows(url)]


def test_backup_and_restore_are_audited_and_a_restore_needs_a_signed_in_operator(
    tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlite_url(tmp_path / "county.db")
    engine = create_db_engine(url)
    upgrade(engine)
    accounts = Accounts(make_session_factory(engine), FixedClock(datetime(2026, 12, 7, 9, 0)))
    accounts.add_user(None, "admin", name="", role=Role.ADMINISTRATOR, stations=[],
                      password=ADMIN_PW)  # fmt: skip
    admin = accounts.sign_in("admin", ADMIN_PW, "ws")
    accounts.add_user(admin, "zhang", name="", role=Role.DISPATCHER, stations=[],
                      password=ZHANG_PW)  # fmt: skip
    engine.dispose()
    config = tmp_path / "smc.toml"
    config.write_text(f'[backup]\ndir = "{(tmp_path / "kept").as_posix()}"\n', encoding="utf-8")
    backups = tmp_path / "backups"
    assert cli.main(["db", "backup", "--db", url, "--to", f"{backups}/"]) == 0
    (backup,) = backups.iterdir()
    assert _audit(url)[-1][1] == "database.backup"
    restore = ["db", "restore", str(backup), "--db", url, "--yes", "--config", str(config)]
    monkeypatch.delenv("SMC_PASSWORD", raising=False)
    assert cli.main(restore) == 2
    assert "sign in with --user NAME to restore a backup" in capsys.readouterr().err
    monkeypatch.setenv("SMC_PASSWORD", ZHANG_PW)
    assert cli.main([*restore, "--user", "zhang"]) == 1
    assert "zhang (dispatcher) may not restore a backup" in capsys.readouterr().err
    monkeypatch.setenv("SMC_PASSWORD", ADMIN_PW)
    assert cli.main([*restore, "--user", "admin"]) == 0
    # The restored database holds the log as it was at the backup, then the restore itself
    # (the sign-ins since are in the replaced database, kept in the backup directory).
    assert _audit(url) == [
        ("setup", "user.add"), ("admin", "signin"), ("admin", "user.add"),
        ("admin", "database.restore"),
    ]  # fmt: skip
    assert cli.main(["db", "verify-audit", "--db", url]) == 0
