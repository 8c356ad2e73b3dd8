"""``smc user add | list | disable | enable | passwd``: the first administrator without signing
in, everything after it signed in (``--user`` with ``SMC_PASSWORD``), refusals with their
reason and exit 1, no password on a script's stdin with exit 2, and the audit chain intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console import __main__ as cli
from db.engine import sqlite_url

Capture = pytest.CaptureFixture[str]
ADMIN_PW = "Guanli2026x"
ZHANG_PW = "Diaodu2026x"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "county.db")


def smc(monkeypatch: pytest.MonkeyPatch, *argv: str, password: str = "", new: str = "") -> int:
    for name, value in (("SMC_PASSWORD", password), ("SMC_NEW_PASSWORD", new)):
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)
    return cli.main(list(argv))


def test_accounts_from_the_command_line(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    assert smc(monkeypatch, "user", "add", "zhang", "--role", "dispatcher", "--db", db,
               new=ZHANG_PW) == 1  # fmt: skip
    assert "first user of a database must be an administrator" in capsys.readouterr().err
    assert smc(monkeypatch, "user", "add", "admin", "--role", "administrator", "--name", "管理员",
               "--db", db, new=ADMIN_PW) == 0  # fmt: skip
    assert "user admin added: administrator; scope: whole county" in capsys.readouterr().out
    # From now on, signed in.
    assert smc(monkeypatch, "user", "add", "zhang", "--role", "dispatcher", "--db", db,
               new=ZHANG_PW) == 2  # fmt: skip
    assert "sign in with --user NAME" in capsys.readouterr().err
    assert smc(monkeypatch, "user", "add", "zhang", "--role", "dispatcher", "--user", "admin",
               "--db", db, password="wrong-2026", new=ZHANG_PW) == 1  # fmt: skip
    assert "wrong login name or password" in capsys.readouterr().err
    assert smc(monkeypatch, "user", "add", "zhang", "--role", "dispatcher", "--user", "admin",
               "--db", db, password=ADMIN_PW, new="short") == 1  # fmt: skip
    assert "at least 8 characters" in capsys.readouterr().err
    assert smc(monkeypatch, "user", "add", "zhang", "--role", "dispatcher", "--user", "admin",
               "--db", db, password=ADMIN_PW, new=ZHANG_PW) == 0  # fmt: skip
    capsys.readouterr()
    # A dispatcher may not manage users; an administrator may.
    assert smc(monkeypatch, "user", "disable", "admin", "--user", "zhang", "--db", db,
               password=ZHANG_PW) == 1  # fmt: skip
    assert "zhang (dispatcher) may not manage users" in capsys.readouterr().err
    assert smc(monkeypatch, "user", "disable", "zhang", "--user", "admin", "--db", db,
               password=ADMIN_PW) == 0  # fmt: skip
    assert smc(monkeypatch, "user", "list", "--json", "--user", "admin", "--db", db,
               password=ADMIN_PW) == 0  # fmt: skip
    out = capsys.readouterr().out
    listed = {u["login"]: u for u in json.loads(out[out.index("[") :])}
    assert listed["zhang"]["active"] is False and listed["zhang"]["role"] == "dispatcher"
    assert listed["admin"]["name"] == "管理员" and listed["admin"]["stations"] == []
    assert smc(monkeypatch, "user", "enable", "zhang", "--user", "admin", "--db", db,
               password=ADMIN_PW) == 0  # fmt: skip
    # The administrator resets; the user changes their own.
    assert smc(monkeypatch, "user", "passwd", "zhang", "--user", "admin", "--db", db,
               password=ADMIN_PW, new="Temp2026abc") == 0  # fmt: skip
    assert "must be changed at the next sign-in" in capsys.readouterr().out
    assert smc(monkeypatch, "user", "passwd", "zhang", "--db", db, password="Temp2026abc",
               new="Mine2026abc") == 0  # fmt: skip
    assert (
        smc(monkeypatch, "user", "list", "--user", "zhang", "--db", db, password="Mine2026abc") == 1
    )  # fmt: skip — signed in, but not an administrator
    capsys.readouterr()
    # Without a password in the environment and no terminal: a usage error, nothing asked.
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert smc(monkeypatch, "user", "list", "--user", "admin", "--db", db) == 2
    assert "set SMC_PASSWORD or run on a terminal" in capsys.readouterr().err
    assert smc(monkeypatch, "db", "verify-audit", "--db", db) == 0
    # 9 sign-ins (one failed) and 6 changes; the refused actions left no entry.
    assert "15 entries checked, OK" in capsys.readouterr().out
