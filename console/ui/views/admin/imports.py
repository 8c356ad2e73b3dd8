"""档案导入: the county archive and readings imported from a CSV or Excel file in the window, with
the kind, the file and the choice to store the valid rows; its progress by phase, then the same
report as ``smc db import`` (counts, the problems, where the rejected rows were written)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.admin.api import KINDS, ROW, ImportOutcome, ImportPhase, ImportResult
from console.ui.kit.panels import error_banner, label
from console.ui.kit.tables import RowsModel, table_view
from console.ui.views.admin.import_words import (
    CONTEXT,
    KIND_HINTS,
    PHASES,
    REMOVED,
    UNITS,
    kind_name,
    not_permitted_text,
    translate,
)

EXCEL = (".xlsx", ".xlsm")
MAX_SHOWN = 1_000  # problems in the table; the report file has them all
PHASE_ORDER = tuple(ImportPhase)


def _n(value: int) -> str:
    return f"{value:,}"


class ArchiveImportPanel(QWidget):
    """The form, the progress and the report. ``import_requested`` carries (kind, path, sheet
    or None, skip_invalid) and ``cancel_requested`` asks the running import to stop: the view
    runs them on its tasks and hands back ``show_progress`` / ``show_outcome`` / ``show_error``."""

    import_requested = Signal(str, object, object, bool)
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_folder: Callable[[Path], object] = lambda path: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(path))
        )
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(kind_name(kind), kind)
        self.hint = label("", "ViewSubtitle", wrap=True)
        order = " → ".join(kind_name(k) for k in KINDS)
        self.order = label(self.tr("Import order: {order}").format(order=order), "ViewSubtitle")
        self.order.setWordWrap(True)
        self.file = QLineEdit()
        self.file.setPlaceholderText(
            self.tr("A CSV or Excel file (its encoding is found by itself)")
        )
        self.browse_button = QPushButton(self.tr("Choose…"))
        self.sheet = QLineEdit()
        self.sheet.setPlaceholderText(self.tr("The first sheet"))
        self.skip_invalid = QCheckBox(self.tr("Store the valid rows, report the rest"))
        self.skip_invalid.setToolTip(
            self.tr("Without it, nothing is stored while any row is invalid.")
        )
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.hide()
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.file.textChanged.connect(lambda _t: self._file_changed())
        self.browse_button.clicked.connect(self._browse)
        self.import_button.clicked.connect(self._request)
        self.cancel_button.clicked.connect(self._cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, len(PHASE_ORDER))
        self.progress.hide()
        self.note = label("", "EmptyNote", wrap=True)
        self.error = error_banner()
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = label("", "PanelTitle", wrap=True)
        self.details = self._details()
        self.model = RowsModel([self.tr("Row"), self.tr("Column"), self.tr("Reason")], right=(0,))
        self.problems = table_view(self.model, stretch=2)
        self.problems.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self._form())
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(self.note)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.problems, 1)
        layout.addStretch(0)
        self._allowed = True
        self._running = False
        self.report_path: Path | None = None
        self._kind_changed()
        self._file_changed()
        self._clear_result()

    def _form(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("Panel")
        form = QFormLayout(frame)
        form.setContentsMargins(18, 12, 18, 12)
        form.setHorizontalSpacing(14)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        kinds = QVBoxLayout()
        kinds.setSpacing(2)
        kinds.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignLeft)
        kinds.addWidget(self.hint)
        kinds.addWidget(self.order)
        form.addRow(self.tr("Kind:"), kinds)
        chooser = QHBoxLayout()
        chooser.addWidget(self.file, 1)
        chooser.addWidget(self.browse_button)
        form.addRow(self.tr("File:"), chooser)
        form.addRow(self.tr("Sheet:"), self.sheet)
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_invalid)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.import_button)
        form.addRow(buttons)
        return frame

    def _details(self) -> QFrame:
        frame = QFrame()
        form = QFormLayout(frame)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(14)
        self.fields: dict[str, QLabel] = {}
        for key, text in (
            ("source", self.tr("Read as:")), ("columns", self.tr("Columns:")),
            ("rows", self.tr("Rows read:")), ("stored", self.tr("Stored:")),
            ("created", self.tr("Created / removed:")), ("rejected", self.tr("Rejected:")),
        ):  # fmt: skip
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.fields[key] = value
            form.addRow(text, value)
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_button = QPushButton(self.tr("Open its folder"))
        self.folder_button.clicked.connect(self._open_folder)
        row = QHBoxLayout()
        row.addWidget(self.report, 1)
        row.addWidget(self.folder_button)
        self.report_row = QWidget()
        self.report_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Rejected rows:"), self.report_row)
        self._report_form = form
        return frame

    # ------------------------------------------------------------------ the form
    def selected_kind(self) -> str:
        return str(self.kind.currentData())

    def set_allowed(self, allowed: bool) -> None:
        """Whether the operator may import: the others see the form, disabled, and why."""
        self._allowed = allowed
        refused = not_permitted_text()
        if not allowed:
            self.note.setText(refused)
        elif self.note.text() == refused:
            self.note.setText("")
        self._update_enabled()

    def _kind_changed(self) -> None:
        self.hint.setText(translate(CONTEXT, KIND_HINTS[self.selected_kind()]))

    def _file_changed(self) -> None:
        excel = self.file.text().strip().lower().endswith(EXCEL)
        self.sheet.setEnabled(excel and self._allowed and not self._running)
        self._update_enabled()

    def _update_enabled(self) -> None:
        idle = self._allowed and not self._running
        for widget in (self.kind, self.file, self.browse_button, self.skip_invalid):
            widget.setEnabled(idle)
        excel = self.file.text().strip().lower().endswith(EXCEL)
        self.sheet.setEnabled(idle and excel)
        self.import_button.setEnabled(idle and bool(self.file.text().strip()))

    def _browse(self) -> None:
        start = self.file.text().strip() or str(Path.home())
        path, _chosen = QFileDialog.getOpenFileName(
            self, self.tr("Choose the file to import"), start,
            self.tr("Import files (*.csv *.xlsx *.xlsm);;All files (*)"),
        )  # fmt: skip
        if path:
            self.file.setText(path)

    def _request(self) -> None:
        text = self.file.text().strip()
        if not text or not self._allowed or self._running:
            return
        path = Path(text)
        sheet = self.sheet.text().strip() if self.sheet.isEnabled() else ""
        self.set_running(True)
        self.import_requested.emit(
            self.selected_kind(), path, sheet or None, self.skip_invalid.isChecked()
        )

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.progress.setFormat(self.tr("Cancelling…"))
        self.cancel_requested.emit()

    def set_running(self, running: bool) -> None:
        self._running = running
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        if running:
            self._clear_result()
            self.show_progress(ImportPhase.READING, 0)
        self._update_enabled()

    # ------------------------------------------------------------------ what happened
    def show_progress(self, phase: ImportPhase, rows: int) -> None:
        if not self.cancel_button.isEnabled():
            return  # cancelling: keep saying so
        self.progress.setValue(PHASE_ORDER.index(phase) + 1)
        self.progress.setFormat(
            self.tr("{phase}… {rows} rows read").format(
                phase=translate(CONTEXT, PHASES[phase]), rows=_n(rows)
            )
        )

    def show_outcome(self, outcome: ImportOutcome) -> None:
        self.set_running(False)
        result = outcome.result
        self.summary.setText(self._headline(outcome))
        self.fields["source"].setText(result.source)  # worded by the archive, in our language
        self.fields["columns"].setText(self.tr("{n} known columns").format(n=result.columns))
        self.fields["rows"].setText(_n(result.rows_read))
        self.fields["stored"].setText(self._stored(result))
        self.fields["rejected"].setText(_n(result.rejected_rows))
        created = self._created(result)
        self.fields["created"].setText(created)
        self._report_form.setRowVisible(self.fields["created"], bool(created))
        self.report_path = result.report
        self._report_form.setRowVisible(self.report_row, result.report is not None)
        if result.report is not None:
            self.report.setText(
                self.tr("{path} ({n} rows with their reasons)").format(
                    path=result.report, n=_n(result.report_rows)
                )
            )
        shown = result.problems[:MAX_SHOWN]
        self.model.set_rows(
            [[str(p.row), self.tr("(whole row)") if p.column == ROW else p.column, p.reason]
             for p in shown],
            payloads=list(shown),
        )  # fmt: skip
        self.problems.setVisible(bool(shown))
        self.details.show()
        more = len(result.problems) - len(shown)
        self.note.setText(
            self.tr("The first {shown} of {total} problems are shown; the report has them all.")
            .format(shown=_n(len(shown)), total=_n(len(result.problems)))
            if more > 0 else ""
        )  # fmt: skip

    def _headline(self, outcome: ImportOutcome) -> str:
        result, name = outcome.result, outcome.file.name
        counts = result.counts
        if counts is None:
            valid = result.rows_read - result.rejected_rows
            text = self.tr("Nothing stored from {file}: {bad} of {rows} rows are invalid.").format(
                file=name, bad=_n(result.rejected_rows), rows=_n(result.rows_read)
            )
            if valid:
                advice = self.tr(
                    "Fix them, or store the {valid} valid rows with 'Store the valid rows, "
                    "report the rest'."
                ).format(valid=_n(valid))
                text = self.tr("{sentence} {advice}").format(sentence=text, advice=advice)
            return text
        if result.rejected_rows:
            return self.tr("{file}: {stored} rows stored, {bad} rejected ({s} s).").format(
                file=name, stored=_n(counts.stored), bad=_n(result.rejected_rows),
                s=f"{outcome.seconds:.1f}",
            )  # fmt: skip
        return self.tr("{file}: every row stored, {stored} rows ({s} s).").format(
            file=name, stored=_n(counts.stored), s=f"{outcome.seconds:.1f}"
        )

    def _stored(self, result: ImportResult) -> str:
        counts = result.counts
        if counts is None:
            return self.tr("nothing")
        return self.tr("{stored} ({new} new, {updated} updated, {unchanged} unchanged)").format(
            stored=_n(counts.stored), new=_n(counts.new), updated=_n(counts.updated),
            unchanged=_n(counts.unchanged),
        )  # fmt: skip

    def _created(self, result: ImportResult) -> str:
        counts = result.counts
        if counts is None:
            return ""
        parts = [
            self.tr("{n} {what}").format(
                n=_n(n), what=translate(CONTEXT, UNITS[what]) if what in UNITS else what
            )
            for what, n in counts.created
        ]
        if counts.boxes_created:
            parts.append(self.tr("{n} meter boxes").format(n=_n(counts.boxes_created)))
        for what, n in counts.removed:
            words = translate(CONTEXT, REMOVED[what]) if what in REMOVED else f"{what}: {{n}}"
            parts.append(words.format(n=_n(n)))
        return self.tr(", ").join(parts)

    def show_error(self, text: str) -> None:
        self.set_running(False)
        self.error.setText(text)
        self.error.show()

    def _clear_result(self) -> None:
        self.error.hide()
        self.error.setText("")
        self.summary.setText("")
        self.details.hide()
        self.model.set_rows([])
        self.problems.hide()
        self.report_path = None
        if self._allowed:
            self.note.setText("")

    def _open_folder(self) -> None:
        if self.report_path is not None:
            self.open_folder(self.report_path.parent)
