"""The audit log exported: only for those who may read it, Excel or CSV by the name, every
matching entry, and a bad name refused without leaving a file behind."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.service import Accounts
from console.admin.service import AdminService
from console.core.clock import FixedClock
from console.core.operator import NotPermittedError, Operator, acting_as
from console.core.roles import Role
from console.core.thresholds import ThresholdBook
from db.queries.audit_log import AuditFilter

PW = "Guanli2026x"


@pytest.fixture
def admin(session_factory: sessionmaker[Session], clock: FixedClock) -> AdminService:
    accounts = Accounts(session_factory, clock)
    accounts.add_user(None, "admin", name="管理员", role=Role.ADMINISTRATOR, stations=[],
                      password=PW)  # fmt: skip
    accounts.sign_in("admin", PW, "ws-1")
    accounts.sign_in("admin", PW, "ws-2")
    return AdminService(session_factory, clock, ThresholdBook(session_factory, None), None,  # type: ignore[arg-type]
                        lambda: None)  # type: ignore[arg-type,return-value]  # fmt: skip


def test_an_export_holds_every_entry_the_filter_finds(admin: AdminService, tmp_path: Path) -> None:
    boss = Operator("admin", "管理员", Role.ADMINISTRATOR)
    with acting_as(boss):
        assert admin.export_audit(AuditFilter(), tmp_path / "log.xlsx") == 3
        assert admin.export_audit(AuditFilter(action="signin"), tmp_path / "log.csv") == 2
        with pytest.raises(ValueError, match=r"log\.pdf: export to a \.xlsx or \.csv file"):
            admin.export_audit(AuditFilter(), tmp_path / "log.pdf")
    sheet = load_workbook(tmp_path / "log.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("id", "time", "operator", "workstation", "action")
    assert [r[4] for r in rows[1:]] == ["signin", "signin", "user.add"]
    assert [r[3] for r in rows[1:]] == ["ws-2", "ws-1", rows[3][3]]
    assert rows[3][3]  # the administrator's own workstation, whoever added the user
    with open(tmp_path / "log.csv", encoding="utf-8-sig", newline="") as f:
        assert [r[4] for r in list(csv.reader(f))[1:]] == ["signin", "signin"]
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".smc", "log")))
    assert left == ["log.csv", "log.xlsx"]  # no temporary file behind, no log.pdf


def test_a_dispatcher_may_not_read_or_export_the_log(admin: AdminService, tmp_path: Path) -> None:
    with acting_as(Operator("zhang", "张", Role.DISPATCHER)):
        with pytest.raises(NotPermittedError, match="may not read the audit log"):
            admin.audit(AuditFilter())
        with pytest.raises(NotPermittedError, match="may not export the audit log"):
            admin.export_audit(AuditFilter(), tmp_path / "log.xlsx")
    with acting_as(Operator("wang", "王", Role.SUPERVISOR)):
        assert len(admin.audit(AuditFilter()).rows) == 3
    assert not (tmp_path / "log.xlsx").exists()
