"""An import in the audit log: who stored which file and how many rows, in the import's own
transaction (a refused file leaves no entry); with accounts, only an administrator imports."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from console import __main__ as cli
from console.accounts.service import Accounts
from console.core.clock import FixedClock
from console.core.paths import resource
from console.core.roles import Role
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import upgrade
from tests.console.audit_rows import audit_rows

Capture = pytest.CaptureFixture[str]
ADMIN_PW = "Guanli2026x"


def _audit(url: str) -> list[tuple[str, str, str, str | None]]:
    return [(r.actor, r.action, r.object_id, r.after) for r in audit_rows(url)]


def test_an_import_is_audited_with_its_counts_and_a_refused_one_is_not(
    tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlite_url(tmp_path / "county.db")
    org = resource("templates", "org.csv")
    assert cli.main(["db", "import", "org", str(org), "--db", url]) == 0
    (entry,) = _audit(url)
    assert entry[1:3] == ("archive.import", "org") and entry[0].startswith("os:")
    assert '"file":"org.csv"' in str(entry[3]) and '"rejected":0' in str(entry[3])
    bad = tmp_path / "bad.csv"
    header = org.read_text(encoding="utf-8-sig").splitlines()[0]
    bad.write_text(f"{header}\n江川供电公司,青山县供电公司,城关供电所,,10kV 线,TQ9,台区,abc,城区,,\n",
                   encoding="utf-8")  # fmt: skip
    assert cli.main(["db", "import", "org", str(bad), "--db", url]) == 1
    empty = tmp_path / "empty.csv"
    empty.write_text(header + "\n", encoding="utf-8")
    assert cli.main(["db", "import", "org", str(empty), "--db", url]) == 1
    assert "has a header but no rows; nothing was stored" in capsys.readouterr().err
    assert len(_audit(url)) == 1  # nothing stored, nothing recorded
    engine = create_db_engine(url)
    upgrade(engine)
    Accounts(make_session_factory(engine), FixedClock(datetime(2026, 12, 7, 9))).add_user(
        None, "admin", name="", role=Role.ADMINISTRATOR, stations=[], password=ADMIN_PW
    )
    engine.dispose()
    monkeypatch.delenv("SMC_PASSWORD", raising=False)
    assert cli.main(["db", "import", "org", str(org), "--db", url]) == 2
    assert "sign in with --user NAME to import org" in capsys.readouterr().err
    monkeypatch.setenv("SMC_PASSWORD", ADMIN_PW)
    assert cli.main(["db", "import", "org", str(org), "--db", url, "--user", "admin"]) == 0
    assert [e[:3] for e in _audit(url)[-2:]] == [
        ("admin", "signin", "admin"), ("admin", "archive.import", "org"),
    ]  # fmt: skip
