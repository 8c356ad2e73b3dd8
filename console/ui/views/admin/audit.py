"""审计日志: who did what and when — filtered by operator, action, object and time, newest first,
exported to Excel. Reading it is for supervisors and administrators (the API checks)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.admin.api import AuditFilter, AuditPage, AuditRow
from console.ui.kit.noop import QT_TRANSLATE_NOOP
from console.ui.kit.panels import label
from console.ui.kit.tables import RowsModel, table_view

translate = QCoreApplication.translate

# What an action is called on screen; an action not listed shows as stored.
ACTIONS = {
    "signin": QT_TRANSLATE_NOOP("AuditActions", "Signed in"),
    "signin.failed": QT_TRANSLATE_NOOP("AuditActions", "Sign-in refused"),
    "signout": QT_TRANSLATE_NOOP("AuditActions", "Signed out"),
    "user.add": QT_TRANSLATE_NOOP("AuditActions", "User added"),
    "user.disable": QT_TRANSLATE_NOOP("AuditActions", "User disabled"),
    "user.enable": QT_TRANSLATE_NOOP("AuditActions", "User enabled"),
    "user.password_reset": QT_TRANSLATE_NOOP("AuditActions", "Password reset"),
    "user.password_change": QT_TRANSLATE_NOOP("AuditActions", "Password changed"),
    "job.run_now": QT_TRANSLATE_NOOP("AuditActions", "Job run now"),
    "job.cancel": QT_TRANSLATE_NOOP("AuditActions", "Job cancelled"),
    "schedule.change": QT_TRANSLATE_NOOP("AuditActions", "Schedule changed"),
    "thresholds.change": QT_TRANSLATE_NOOP("AuditActions", "Thresholds changed"),
    "database.backup": QT_TRANSLATE_NOOP("AuditActions", "Database backed up"),
    "database.restore": QT_TRANSLATE_NOOP("AuditActions", "Database restored"),
    "archive.import": QT_TRANSLATE_NOOP("AuditActions", "Archive imported"),
}

OBJECT_KINDS = {
    "user": QT_TRANSLATE_NOOP("AuditActions", "user"),
    "job": QT_TRANSLATE_NOOP("AuditActions", "job"),
    "config": QT_TRANSLATE_NOOP("AuditActions", "configuration"),
    "config_version": QT_TRANSLATE_NOOP("AuditActions", "thresholds version"),
    "database": QT_TRANSLATE_NOOP("AuditActions", "database"),
    "import": QT_TRANSLATE_NOOP("AuditActions", "import"),
}


def action_name(action: str) -> str:
    known = ACTIONS.get(action)
    return translate("AuditActions", known) if known else action


def _qt(at: datetime) -> QDateTime:
    return QDateTime.fromString(at.strftime("%Y-%m-%dT%H:%M:%S"), "yyyy-MM-ddTHH:mm:ss")


def _short(text: str | None, limit: int = 120) -> str:
    if not text:
        return ""
    try:  # the stored JSON, without its quotes and braces noise
        value = json.loads(text)
    except ValueError:
        return text[:limit]
    if isinstance(value, dict):
        shown = ", ".join(f"{k}={v}" for k, v in value.items())
    else:
        shown = str(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


class AuditPanel(QWidget):
    """The filter, the entries, the export; ``search_requested`` and ``export_requested`` carry
    an ``AuditFilter`` (the view runs them on its tasks)."""

    search_requested = Signal(object)
    export_requested = Signal(object, object)  # AuditFilter, Path

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self.actor = QComboBox()
        self.action = QComboBox()
        self.object_text = QLineEdit()
        self.object_text.setPlaceholderText(self.tr("login, job, threshold, …"))
        start = (now() - timedelta(days=30)).replace(hour=0, minute=0, second=0, microsecond=0)
        self.since = QDateTimeEdit(_qt(start))
        self.until = QDateTimeEdit(_qt(now().replace(second=0, microsecond=0) + timedelta(days=1)))
        for edit in (self.since, self.until):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        self.search_button = QPushButton(self.tr("Search"))
        self.export_button = QPushButton(self.tr("Export to Excel…"))
        self.search_button.clicked.connect(lambda: self.search_requested.emit(self.filter()))
        self.export_button.clicked.connect(self._ask_export)
        self.set_choices([], [])
        bar = QHBoxLayout()
        for text, widget in (
            (self.tr("Operator"), self.actor), (self.tr("Action"), self.action),
            (self.tr("Object"), self.object_text), (self.tr("From"), self.since),
            (self.tr("To"), self.until),
        ):  # fmt: skip
            bar.addWidget(label(text))
            bar.addWidget(widget)
        bar.addWidget(self.search_button)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        self.model = RowsModel(
            [self.tr("Time"), self.tr("Operator"), self.tr("Workstation"), self.tr("Action"),
             self.tr("Object"), self.tr("Before"), self.tr("After")],
        )  # fmt: skip
        self.table = table_view(self.model, stretch=6)
        self.note = label("", "EmptyNote", wrap=True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def set_choices(self, actors: list[str], actions: list[str]) -> None:
        keep_actor, keep_action = self.actor.currentData(), self.action.currentData()
        self.actor.clear()
        self.actor.addItem(self.tr("All"), "")
        for actor in actors:
            self.actor.addItem(actor, actor)
        self.action.clear()
        self.action.addItem(self.tr("All"), "")
        for action in actions:
            self.action.addItem(action_name(action), action)
        for box, keep in ((self.actor, keep_actor), (self.action, keep_action)):
            index = box.findData(keep) if keep else 0
            box.setCurrentIndex(max(index, 0))

    def filter(self) -> AuditFilter:
        return AuditFilter(
            actor=str(self.actor.currentData() or ""),
            action=str(self.action.currentData() or ""),
            object_text=self.object_text.text().strip(),
            since=self.since.dateTime().toPython(),  # type: ignore[arg-type]
            until=self.until.dateTime().toPython(),  # type: ignore[arg-type]
        )

    def show_page(self, page: AuditPage) -> None:
        self.model.set_rows(
            [self._cells(r) for r in page.rows],
            payloads=page.rows,
            tips=[r.after or r.before for r in page.rows],
        )
        if not page.rows:
            self.note.setText(self.tr("No entry matches: widen the time or clear a filter."))
        elif page.more:
            self.note.setText(
                self.tr("The newest {n} entries are shown: narrow the filter for older ones.")
                .format(n=f"{len(page.rows):,}")
            )  # fmt: skip
        else:
            self.note.setText(self.tr("{n} entries").format(n=f"{len(page.rows):,}"))

    def show_error(self, text: str) -> None:
        self.model.set_rows([])
        self.note.setText(text)

    @staticmethod
    def _cells(row: AuditRow) -> list[str]:
        kind = OBJECT_KINDS.get(row.object_kind)
        shown = translate("AuditActions", kind) if kind else row.object_kind
        obj = f"{shown} {row.object_id}".strip()
        return [f"{row.at:%Y-%m-%d %H:%M:%S}", row.actor, row.workstation or "—",
                action_name(row.action), obj, _short(row.before), _short(row.after)]  # fmt: skip

    def _ask_export(self) -> None:
        name = f"smc-audit-{self._now():%Y%m%d-%H%M}.xlsx"
        path, _chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export the audit log"), str(Path.home() / name),
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"),
        )  # fmt: skip
        if path:
            self.export_requested.emit(self.filter(), Path(path))
