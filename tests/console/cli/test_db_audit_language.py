"""``smc db verify-audit`` in the operator's language: with ``--lang zh_CN`` the count, the
broken entry and what is wrong with it are Chinese (a catalogue of its sentences stands in for
the shipped one); in English each fault reads as the audit log's own words for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from console import __main__ as cli
from console.core import i18n
from db.audit import verify_chain
from db.engine import create_db_engine
from tests.console.cli.test_audit_checkpoint import _db_with_entries

Capture = pytest.CaptureFixture[str]
LINK = (
    "its prev_hash does not match the hash of entry {previous} before it: an entry between "
    "them was deleted or inserted, entries were reordered, or entry {previous} was changed and "
    "hashed again"
)
CATALOG = {
    ("SmcDb", "audit log of {database}: {n} entries checked, OK"): (
        "{database} 的审计日志：已校验 {n} 条记录，完好"
    ),
    ("SmcDb", "head: {hash}"): "链头哈希：{hash}",
    ("SmcDb", "audit log of {database}: entry {id} is broken: {problem}"): (
        "{database} 的审计日志：记录 {id} 已损坏：{problem}"
    ),
    ("SmcDb", LINK): (
        "其 prev_hash 与前一条记录 {previous} 的哈希不符：两者之间有记录被删除或插入，记录顺序"
        "被调换，或记录 {previous} 被修改后重新计算了哈希"
    ),
    ("SmcDb", "entries intact before it: {n}"): "其之前完好的记录：{n} 条",
}


def _tamper(url: str, *statements: str) -> str:
    """Run ``statements`` around the append-only triggers; the chain's own word for the fault."""
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
        with Session(engine) as session:
            problem = verify_chain(session).problem
    finally:
        engine.dispose()
    assert problem is not None
    return problem


def test_verify_audit_speaks_chinese(
    tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18n, "_catalogs", {"zh_CN": CATALOG})
    db = tmp_path / "county.db"
    url = _db_with_entries(db, 3)
    assert cli.main(["db", "verify-audit", "--db", url, "--lang", "zh_CN"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"SQLite {db} 的审计日志：已校验 3 条记录，完好"
    assert lines[1].startswith("链头哈希：") and len(lines[1]) == len("链头哈希：") + 64

    _tamper(url, "DROP TRIGGER audit_entry_no_delete", "DELETE FROM audit_entry WHERE id = 2")
    assert cli.main(["db", "verify-audit", "--db", url, "--lang", "zh_CN"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"SQLite {db} 的审计日志：记录 3 已损坏：其 prev_hash 与前一条记录 1 的哈希不符："
        "两者之间有记录被删除或插入，记录顺序被调换，或记录 1 被修改后重新计算了哈希",
        "其之前完好的记录：1 条",
    ]
    assert cli.main(["db", "verify-audit", "--db", url, "--lang", "en_US"]) == 1
    out = capsys.readouterr().out
    assert f"entry 3 is broken: {LINK.format(previous=1)}\n" in out
    assert "entries intact before it: 1" in out


@pytest.mark.parametrize(
    "statements",
    [
        ("DROP TRIGGER audit_entry_no_update", "UPDATE audit_entry SET actor = 'li' WHERE id = 2"),
        ("DROP TRIGGER audit_entry_no_delete", "DELETE FROM audit_entry WHERE id = 2"),
        ("DROP TRIGGER audit_entry_no_delete", "DELETE FROM audit_entry WHERE id = 1"),
    ],
    ids=["a changed field", "a deleted entry", "the first entry deleted"],
)
def test_each_fault_reads_in_english_as_the_audit_log_words_it(
    tmp_path: Path, capsys: Capture, statements: tuple[str, ...]
) -> None:
    url = _db_with_entries(tmp_path / "county.db", 3)
    problem = _tamper(url, *statements)
    assert cli.main(["db", "verify-audit", "--db", url]) == 1
    assert f" is broken: {problem}\n" in capsys.readouterr().out
