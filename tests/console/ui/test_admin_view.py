"""系统管理: the installation's facts, the thresholds editor (a change saved as a new version
with a comment; a refused value said in the UI's language, nothing lost), and every job."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.admin.api import (
    AuditFilter,
    AuditPage,
    AuditRow,
    Station,
    SystemInfo,
    ThresholdTable,
)
from console.core import thresholds as th
from console.core.bus import EventBus
from console.core.jobs import JobState, LastRun
from console.core.operator import NotPermittedError
from console.ui.kit.events import QtEvents
from console.ui.kit.tasks import TaskRunner
from console.ui.kit.view import ViewKit
from console.ui.views.admin.thresholds import COUNTY, STATION
from console.ui.views.admin.view import AdminView
from db.queries.thresholds import ThresholdKey, VersionConflictError, VersionRow

NOW = datetime(2026, 12, 7, 10, 0)


class FakeAdmin:
    def __init__(self) -> None:
        self.values: dict[ThresholdKey, Decimal] = {("line_loss.high_pct", 2): Decimal("8")}
        self.versions = [VersionRow(1, NOW, "os:alice", "first")]
        self.saved: list[tuple[Mapping[ThresholdKey, str], str, int | None]] = []
        self.refuse: Exception | None = None
        self.ran: list[str] = []
        self.asked: list[AuditFilter] = []

    def info(self) -> SystemInfo:
        return SystemInfo(
            "0.1.0", "SQLite /data/smc.db", "0007", 20_000, "demo|7", None, Path("/c/smc.toml"),
            Path("/l/smc.log"), Path("/b"), "02:30|14", "127.0.0.1:4000 (pid 9, h)", "alice",
        )  # fmt: skip

    def thresholds(self) -> ThresholdTable:
        stations = (Station(1, "城关供电所", "青山县"), Station(2, "东山供电所", "青山县"))
        return ThresholdTable(th.DEFINITIONS, self.versions[0], dict(self.values), stations)

    def save_thresholds(
        self, values: Mapping[ThresholdKey, str], comment: str, expected_version: int | None
    ) -> int:
        if self.refuse is not None:
            raise self.refuse
        self.saved.append((dict(values), comment, expected_version))
        self.values = {k: th.parse_value(k[0], v) for k, v in values.items()}
        number = self.versions[0].version + 1
        self.versions.insert(0, VersionRow(number, NOW, "os:alice", comment))
        return number

    def history(self) -> list[VersionRow]:
        return list(self.versions)

    def jobs(self) -> list[JobState]:
        last = LastRun("scheduled", NOW, NOW, "finished", 1, 1, 0, "/b/smc-daily.db")
        return [
            JobState("backup", "maintenance", "Daily backup", "daily 02:30",
                     {"at": "02:30", "keep": "14", "dir": "/b"}, NOW, False, 0, 0, last),
            JobState("daily_freeze", "collection", "Daily freeze", "daily",
                     {"start": "00:10", "retry_min": "30", "cutoff": "08:00"}, NOW, False, 0, 0, None),
        ]  # fmt: skip

    def run_job(self, job_id: str) -> None:
        self.ran.append(job_id)

    def cancel_job(self, job_id: str) -> None:
        pass

    # The audit log: three entries; ``audit_refused`` as a viewer's window sees it.
    audit_refused = False

    def audit(self, f: AuditFilter) -> AuditPage:
        if self.audit_refused:
            raise NotPermittedError("li (viewer) may not read the audit log")
        self.asked.append(f)
        rows = [
            AuditRow(3, NOW, "admin", "user.add", "user", "zhang", None,
                     '{"login":"zhang","role":"dispatcher"}', "ws-01"),
            AuditRow(2, NOW, "zhang", "signin.failed", "user", "zhang", None,
                     '{"reason":"password","workstation":"ws-07"}', "ws-07"),
            AuditRow(1, NOW, "admin", "signin", "user", "admin", None, None, None),
        ]  # fmt: skip
        return AuditPage([r for r in rows if not f.actor or r.actor == f.actor], False)

    def audit_choices(self) -> tuple[list[str], list[str]]:
        return ["admin", "zhang"], ["signin", "signin.failed", "user.add"]

    def export_audit(self, f: AuditFilter, path: Path) -> int:
        path.write_text("exported", encoding="utf-8")
        return 3

    # The archive import: tests/console/ui/test_admin_import.py runs the real one.
    may_import = True

    def may_import_archive(self) -> bool:
        return self.may_import


@pytest.fixture
def view(qtbot: QtBot, zh: None) -> Iterator[tuple[AdminView, FakeAdmin]]:
    bus = EventBus()
    bus.start()
    api = FakeAdmin()
    kit = ViewKit(QtEvents(bus), TaskRunner(), lambda: NOW, lambda _dock: None)
    widget = AdminView(api, kit)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.is_ready and widget.thresholds.grid.rowCount() > 0)
    yield widget, api
    bus.stop()


def _row(view: AdminView, key: str) -> int:
    return [d.key for d in th.DEFINITIONS].index(key)


def test_the_facts_and_every_job_are_shown(qtbot: QtBot, view: tuple[AdminView, FakeAdmin]) -> None:
    widget, api = view
    assert widget.info.fields["meters"].text() == "20,000"
    assert "127.0.0.1:4000" in widget.info.fields["service"].text()
    qtbot.waitUntil(lambda: len(widget.jobs.rows) == 2)
    backup = widget.jobs.rows["backup"]
    assert "每日备份" in backup.name.text() and "运维" in backup.name.text()
    assert "保留最近 14 份" in backup.schedule.text()
    backup.run_button.click()
    qtbot.waitUntil(lambda: api.ran == ["backup"])


def test_a_change_is_saved_as_a_new_version_with_its_comment(
    qtbot: QtBot, view: tuple[AdminView, FakeAdmin]
) -> None:
    widget, api = view
    editor = widget.thresholds
    assert "第 1 版" in editor.version.text() and "os:alice" in editor.version.text()
    row = _row(widget, "line_loss.high_pct")
    assert editor.grid.item(row, 0).text() == "线损率高损上限（高于为高损）"
    assert editor.grid.item(row, COUNTY).text() == ""  # the default applies: 6
    editor.station.setCurrentIndex(editor.station.findData(2))
    assert editor.grid.item(row, STATION).text() == "8"
    assert not editor.save_button.isEnabled()
    editor.grid.item(row, COUNTY).setText("7")
    editor.grid.item(_row(widget, "clock.drift_s"), COUNTY).setText("600")
    assert editor.save_button.isEnabled()
    editor._save(ask=lambda: ("storm season", True))
    qtbot.waitUntil(lambda: bool(api.saved))
    values, comment, expected = api.saved[0]
    assert values == {
        ("line_loss.high_pct", 2): "8",  # kept: a version holds every value in force
        ("line_loss.high_pct", None): "7",
        ("clock.drift_s", None): "600",
    }
    assert (comment, expected) == ("storm season", 1)
    qtbot.waitUntil(lambda: "第 2 版" in editor.version.text())
    assert widget.history_model.rowCount() == 2
    assert widget.history_model.text(0, 3) == "storm season"


@pytest.mark.parametrize(
    ("refusal", "said"),
    [
        (th.ThresholdValueError("line_loss.high_pct", "99", "range", "x"), "必须在 0 到 50 % 之间"),
        (VersionConflictError(1, 2, "os:bob"), "os:bob 在此期间保存了第 2 版"),
    ],
)
def test_a_refused_save_is_said_in_chinese_and_the_edits_stay(
    qtbot: QtBot, view: tuple[AdminView, FakeAdmin], refusal: Exception, said: str
) -> None:
    widget, api = view
    editor = widget.thresholds
    api.refuse = refusal
    row = _row(widget, "line_loss.high_pct")
    editor.grid.item(row, COUNTY).setText("99")
    editor._save(ask=lambda: ("", True))
    qtbot.waitUntil(lambda: not editor.error.isHidden())
    assert said in editor.error.text()
    assert "Not saved" not in editor.error.text()
    assert editor.grid.item(row, COUNTY).text() == "99" and editor.save_button.isEnabled()
