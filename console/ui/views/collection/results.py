"""点抄 results: one row per meter (its path, result and time), and for the selected one its
values, worded in the UI language, and every frame that crossed the link for it."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QSplitter, QVBoxLayout, QWidget

from console.collection.api import OnDemandResult
from console.ui import format as fmt
from console.ui import theme
from console.ui.kit.language import chinese
from console.ui.kit.panels import label
from console.ui.kit.tables import RowsModel, table_view
from console.ui.views.collection.frames import hex_text, time_text
from console.ui.views.collection.texts import (
    direction_text,
    path_text,
    readable,
    result_text,
    value_name,
)

log = logging.getLogger(__name__)


class ReadResultDialog(QDialog):
    """点抄 results: one row per meter; the selected one's values and frames below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("On-demand read"))
        self.resize(960, 600)
        self.results: list[OnDemandResult] = []
        self.summary = label(wrap=True)
        self.result_model = RowsModel(
            [self.tr("Meter"), self.tr("Path"), self.tr("Result"), self.tr("Duration (ms)")],
            right=(3,),
            parent=self,
        )
        self.value_model = RowsModel(
            [self.tr("Value"), self.tr("Reading"), self.tr("Unit")], right=(1,), parent=self
        )
        self.frame_model = RowsModel(
            [self.tr("Time"), self.tr("Direction"), self.tr("Bytes"), self.tr("Frame (hex)")],
            right=(2,),
            mono=(3,),
            parent=self,
        )
        self.result_table = table_view(self.result_model, stretch=2)
        self.result_table.setMaximumHeight(150)
        self.value_table = table_view(self.value_model, stretch=0)
        self.frame_table = table_view(self.frame_model, stretch=3)
        self.result_table.selectionModel().currentRowChanged.connect(
            lambda current, _old: self._show(current.row())
        )
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.value_table)
        split.addWidget(self.frame_table)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.result_table)
        layout.addWidget(split, 1)

    def show_results(self, results: Sequence[OnDemandResult]) -> None:
        self.results = list(results)
        palette = theme.current()
        answered = sum(1 for r in results if r.ok)
        self.summary.setText(
            self.tr("{n} meters read: {ok} answered, {failed} failed").format(
                n=fmt.number(len(results)),
                ok=fmt.number(answered),
                failed=fmt.number(len(results) - answered),
            )
        )
        rows, colours, tips = [], [], []
        for r in results:
            if r.ok:
                text = self.tr("Answered")
            else:
                text = self.tr("Failed: {result}").format(result=result_text(r.result))
                log.info("点抄 of %s (%s) failed: %s: %s", r.meter_name, r.path, r.result, r.error)
            rows.append([r.meter_name, path_text(r.path), text, fmt.number(r.duration_ms)])
            colours.append({2: palette.good if r.ok else palette.bad})
            tips.append(r.error if r.error and not chinese() else None)
        self.result_model.set_rows(rows, results, colours, tips)
        if results:
            self.result_table.selectRow(0)
        self._show(0)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.results):
            self.value_model.set_rows([])
            self.frame_model.set_rows([])
            return
        result, palette = self.results[row], theme.current()
        self.value_model.set_rows(
            [[value_name(v), readable(v.value), v.unit] for v in result.values], result.values
        )
        frames, colours = [], []
        for f in result.frames:
            up = f.direction == "up"
            frames.append(
                [time_text(f.at), direction_text(f.direction), fmt.number(len(f.raw)),
                 hex_text(f.raw)]
            )  # fmt: skip
            colours.append({1: palette.accent if up else palette.curve_today})
        self.frame_model.set_rows(frames, result.frames, colours)
