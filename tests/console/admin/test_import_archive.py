"""系统管理's archive import in the domain: the rules of ``smc db import`` — the permission checked
here, the file stored and audited in one transaction, a header without rows refused — with the
phases reported as it goes and a cancel that leaves nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.service import Accounts
from console.admin.api import (
    ImportCancelledError,
    ImportPhase,
    NoRowsError,
    ReportError,
    default_report_path,
)
from console.admin.service import AdminService
from console.archive import importer
from console.core.clock import FixedClock
from console.core.operator import NotPermittedError, Operator, acting_as
from console.core.paths import resource
from console.core.roles import Role
from console.core.thresholds import ThresholdBook
from db import changes
from db.models import TransformerArea
from tests.console.audit_rows import audit_rows

ORG = resource("templates", "org.csv")
PW = "Guanli2026x"


def _service(sf: sessionmaker[Session], clock: FixedClock) -> AdminService:
    return AdminService(sf, clock, ThresholdBook(sf, None), None, lambda: None)  # type: ignore[arg-type,return-value]


def _areas(sf: sessionmaker[Session]) -> int:
    with sf() as session:
        return int(session.scalar(select(func.count()).select_from(TransformerArea)) or 0)


def _copy(src: Path, tmp_path: Path, name: str, lines: int | None = None) -> Path:
    text = src.read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / name
    path.write_text("\n".join(text[:lines]) + "\n", encoding="utf-8")
    return path


def test_a_good_file_is_stored_audited_with_its_counts_and_announced(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    heard: list[changes.Change] = []
    stop = changes.on_commit(session_factory, lambda c, _t: heard.extend(c))
    phases: list[tuple[ImportPhase, int]] = []
    outcome = _service(session_factory, clock).import_archive(
        "org", ORG, progress=lambda phase, rows: phases.append((phase, rows))
    )
    stop()
    result = outcome.result
    assert (outcome.file, result.rows_read, result.rejected_rows) == (ORG, 4, 0)
    assert result.counts is not None and result.counts.new == 4
    assert _areas(session_factory) == 4
    (entry,) = audit_rows(session_factory)
    assert (entry.action, entry.object_id, entry.at) == ("archive.import", "org", clock.now())
    assert json.loads(entry.after or "") == {
        "file": "org.csv", "rows": 4, "new": 4, "updated": 0, "unchanged": 0, "rejected": 0,
    }  # fmt: skip
    assert phases == [
        (ImportPhase.READING, 0), (ImportPhase.READING, 4), (ImportPhase.CHECKING, 4),
        (ImportPhase.STORING, 4), (ImportPhase.COMMITTING, 4),
    ]  # fmt: skip
    assert [c for c in heard if isinstance(c, changes.ArchiveChanged)] == [
        changes.ArchiveChanged(("org",), 4 + sum(n for _w, n in result.counts.created))
    ]


def test_rows_read_are_reported_every_so_many_rows(
    session_factory: sessionmaker[Session], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "PROGRESS_ROWS", 3)
    monkeypatch.setattr(importer, "_CHUNK_ROWS", 1)
    phases: list[tuple[ImportPhase, int]] = []
    _service(session_factory, clock).import_archive(
        "org", ORG, progress=lambda phase, rows: phases.append((phase, rows))
    )
    assert [rows for phase, rows in phases if phase is ImportPhase.READING] == [0, 3, 4]


@pytest.mark.parametrize("at", [ImportPhase.READING, ImportPhase.STORING, ImportPhase.COMMITTING])
def test_a_cancel_at_any_phase_stores_and_records_nothing(
    session_factory: sessionmaker[Session], clock: FixedClock, at: ImportPhase
) -> None:
    def progress(phase: ImportPhase, rows: int) -> None:
        if phase is at and rows:
            raise ImportCancelledError

    with pytest.raises(ImportCancelledError):
        _service(session_factory, clock).import_archive("org", ORG, progress=progress)
    assert (_areas(session_factory), audit_rows(session_factory)) == (0, [])


def test_a_header_without_rows_is_refused(
    session_factory: sessionmaker[Session], clock: FixedClock, tmp_path: Path
) -> None:
    empty = _copy(ORG, tmp_path, "empty.csv", lines=1)
    with pytest.raises(NoRowsError, match="the file has a header but no rows"):
        _service(session_factory, clock).import_archive("org", empty)
    assert (_areas(session_factory), audit_rows(session_factory)) == (0, [])


def test_invalid_rows_store_nothing_and_go_to_the_report_unless_skipped(
    session_factory: sessionmaker[Session], clock: FixedClock, tmp_path: Path
) -> None:
    bad = _copy(ORG, tmp_path, "bad.csv")
    text = bad.read_text(encoding="utf-8").replace(",400,", ",abc,")
    bad.write_text(text, encoding="utf-8")
    report = default_report_path(bad)
    admin = _service(session_factory, clock)
    refused = admin.import_archive("org", bad, report=report).result
    assert (refused.counts, refused.rejected_rows, refused.report) == (None, 1, report)
    assert [(p.row, p.column) for p in refused.problems] == [(2, "额定容量(kVA)")]
    assert (_areas(session_factory), audit_rows(session_factory)) == (0, [])
    assert "abc" in report.read_text(encoding="utf-8-sig")
    kept = admin.import_archive("org", bad, skip_invalid=True, report=report).result
    assert kept.counts is not None and (kept.counts.new, kept.rejected_rows) == (3, 1)
    (entry,) = audit_rows(session_factory)
    assert json.loads(entry.after or "")["rejected"] == 1
    with pytest.raises(ReportError, match="is the file being imported"):
        admin.import_archive("org", bad, report=bad)


def test_only_an_operator_who_may_import_does(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    Accounts(session_factory, clock).add_user(
        None, "admin", name="", role=Role.ADMINISTRATOR, stations=[], password=PW
    )
    admin = _service(session_factory, clock)
    before = len(audit_rows(session_factory))
    for who in (Operator("li", "李", Role.VIEWER), Operator("zhang", "张", Role.SUPERVISOR)):
        with acting_as(who):
            assert not admin.may_import_archive()
            with pytest.raises(NotPermittedError, match=rf"{who.login} \(.*\) may not import org"):
                admin.import_archive("org", ORG)
    assert (_areas(session_factory), len(audit_rows(session_factory))) == (0, before)
    with acting_as(Operator("admin", "管理员", Role.ADMINISTRATOR)):
        assert admin.may_import_archive()
        admin.import_archive("org", ORG)
    assert _areas(session_factory) == 4
    assert audit_rows(session_factory)[-1].actor == "admin"
