"""系统管理: what this installation is, the thresholds in force and their history, every job of
the service in one list, the audit log, and the archive import."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from console.admin.api import (
    AdminApi,
    AuditFilter,
    AuditPage,
    ImportCancelledError,
    ImportOutcome,
    ImportPhase,
    SystemInfo,
    ThresholdTable,
    default_report_path,
)
from console.core.events import ThresholdsChanged
from console.core.operator import NotPermittedError
from console.ui.kit.failures import failure_text
from console.ui.kit.jobs import JobsPanel
from console.ui.kit.panels import label, named
from console.ui.kit.tables import RowsModel, table_view
from console.ui.kit.tasks import Control
from console.ui.kit.view import BaseView, ViewKit
from console.ui.views.admin.audit import AuditPanel
from console.ui.views.admin.import_words import import_error_text
from console.ui.views.admin.imports import PHASE_ORDER, ArchiveImportPanel
from console.ui.views.admin.info import InfoPanel
from console.ui.views.admin.thresholds import ThresholdEditor, save_error_text

log = logging.getLogger(__name__)


class AdminView(BaseView):
    def __init__(self, api: AdminApi, kit: ViewKit, parent: QWidget | None = None) -> None:
        super().__init__("admin", kit, parent)
        self._api = api
        self.info = InfoPanel()
        self.thresholds = ThresholdEditor()
        self.thresholds.save_requested.connect(self._save)
        self.thresholds.reload_requested.connect(self._load_thresholds)
        self.history_model = RowsModel(
            [self.tr("Version"), self.tr("Saved at"), self.tr("By"), self.tr("Comment")],
            right=(0,),
            parent=self,
        )
        history = table_view(self.history_model, stretch=3)
        self.jobs = JobsPanel(
            self.tr("Jobs of the service"), kit, api.jobs, api.run_job, api.cancel_job
        )
        thresholds_page = QWidget()
        page = QVBoxLayout(thresholds_page)
        page.addWidget(self.thresholds, 3)
        page.addWidget(label(self.tr("Versions"), "PanelTitle"))
        page.addWidget(history, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.info, self.tr("System"))
        self.tabs.addTab(thresholds_page, self.tr("Thresholds"))
        self.tabs.addTab(self.jobs, self.tr("Jobs"))
        self.audit = AuditPanel(kit.now)
        self.audit.search_requested.connect(self._search_audit)
        self.audit.export_requested.connect(self._export_audit)
        self.tabs.addTab(self.audit, self.tr("Audit log"))
        self.imports = ArchiveImportPanel()
        self.imports.import_requested.connect(self._import)
        self.imports.cancel_requested.connect(self._cancel_import)
        self.tabs.addTab(self.imports, self.tr("Archive import"))
        self._import_control: Control | None = None
        self.tabs.currentChanged.connect(self._tab_shown)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(named(QLabel(self.tr("Administration")), "ViewTitle"))
        layout.addWidget(self.tabs, 1)
        kit.events.on(ThresholdsChanged, lambda _e: self._load_thresholds(), owner=self)
        self.refresh()

    def refresh(self) -> None:
        assert self.tasks is not None
        self.tasks.run("info", self._api.info, self._show_info, self._info_failed)
        self._load_thresholds()
        self.jobs.reload()
        self._check_import_allowed()

    def _show_info(self, info: SystemInfo) -> None:
        self.info.show_info(info)
        self._mark_loaded()

    def _info_failed(self, err: BaseException) -> None:
        log.error("cannot read the system information: %s", err)
        self._mark_loaded()

    def _load_thresholds(self) -> None:
        assert self.tasks is not None
        api = self._api

        def load() -> tuple[ThresholdTable, list[object]]:
            return api.thresholds(), list(api.history())

        self.tasks.run("thresholds", load, self._show_thresholds, self._thresholds_failed)

    def _show_thresholds(self, loaded: tuple[ThresholdTable, list[object]]) -> None:
        table, history = loaded
        self.thresholds.show_table(table)
        self.history_model.set_rows(
            [
                [str(v.version), f"{v.created_at:%Y-%m-%d %H:%M}", v.created_by, v.comment]  # type: ignore[attr-defined]
                for v in history
            ]
        )

    def _thresholds_failed(self, err: BaseException) -> None:
        self.thresholds.show_error(self.tr("Cannot read the thresholds: {error}").format(error=err))

    def _save(self, values: object, comment: str, version: object) -> None:
        assert self.tasks is not None
        api = self._api
        self.tasks.run(
            "save",
            lambda: api.save_thresholds(values, comment, version),  # type: ignore[arg-type]
            lambda _n: self._load_thresholds(),
            self._save_failed,
        )

    def _save_failed(self, err: BaseException) -> None:
        self.thresholds.show_error(save_error_text(err))

    # ------------------------------------------------------------------ the audit log
    def _tab_shown(self, index: int) -> None:
        if self.tabs.widget(index) is self.audit:
            self._search_audit(self.audit.filter())
        elif self.tabs.widget(index) is self.imports:
            self._check_import_allowed()

    def _search_audit(self, f: AuditFilter) -> None:
        assert self.tasks is not None
        api = self._api

        def load() -> tuple[AuditPage, tuple[list[str], list[str]]]:
            return api.audit(f), api.audit_choices()

        self.tasks.run("audit", load, self._show_audit, self._audit_failed)

    def _show_audit(self, loaded: tuple[AuditPage, tuple[list[str], list[str]]]) -> None:
        page, (actors, actions) = loaded
        self.audit.set_choices(actors, actions)
        self.audit.show_page(page)

    def _audit_failed(self, err: BaseException) -> None:
        if isinstance(err, NotPermittedError):
            self.audit.show_error(
                self.tr("Only supervisors and administrators may read the audit log.")
            )
            return
        log.error("cannot read the audit log: %s", err)
        self.audit.show_error(self.tr("Cannot read the audit log: {error}").format(error=err))

    def _export_audit(self, f: AuditFilter, path: object) -> None:
        assert self.tasks is not None
        api = self._api
        self.tasks.run(
            "export",
            lambda: api.export_audit(f, path),  # type: ignore[arg-type]
            lambda n: self.audit.note.setText(
                self.tr("{n} entries exported to {path}").format(n=f"{n:,}", path=path)
            ),
            lambda err: self.audit.note.setText(
                self.tr("The export failed: {error}").format(error=err)
            ),
        )

    # ------------------------------------------------------------------ the archive import
    def _check_import_allowed(self) -> None:
        assert self.tasks is not None
        self.tasks.run(
            "may_import", self._api.may_import_archive, self.imports.set_allowed,
            lambda err: log.error("cannot tell whether the operator may import: %s", err),
        )  # fmt: skip

    def _import(self, kind: str, path: Path, sheet: str | None, skip_invalid: bool) -> None:
        assert self.tasks is not None
        api = self._api
        report = default_report_path(path)  # written only when rows are rejected, as the CLI

        def work(ctl: Control) -> ImportOutcome:
            def progress(phase: ImportPhase, rows: int) -> None:
                if ctl.cancelled:
                    raise ImportCancelledError
                ctl.progress(rows, PHASE_ORDER.index(phase))  # (done, total): rows, phase

            return api.import_archive(
                kind, path, sheet=sheet, skip_invalid=skip_invalid, report=report,
                progress=progress,
            )  # fmt: skip

        self._import_control = self.tasks.run(
            "import", work, self._imported, lambda err: self._import_failed(err, kind),
            control=True,
            on_progress=lambda rows, phase: self.imports.show_progress(PHASE_ORDER[phase], rows),
        )  # fmt: skip

    def _cancel_import(self) -> None:
        # Not Tasks.cancel: the import's answer (cancelled, nothing stored) is still wanted.
        if self._import_control is not None:
            self._import_control.stop.set()

    def _imported(self, outcome: ImportOutcome) -> None:
        self._import_control = None
        self.imports.show_outcome(outcome)
        if outcome.result.counts is not None:
            assert self.tasks is not None
            self.tasks.run("info", self._api.info, self._show_info, self._info_failed)

    def _import_failed(self, err: BaseException, kind: str) -> None:
        self._import_control = None
        text = import_error_text(err, kind)
        if text is None:
            log.error("the import failed", exc_info=(type(err), err, err.__traceback__))
            text = self.tr("The import failed; nothing was stored: {reason}").format(
                reason=failure_text(err)
            )
        elif isinstance(err, NotPermittedError):
            self.imports.set_allowed(False)
        self.imports.show_error(text)
