"""The unread meters behind one concentrator of the ranking (the drill-down), loaded on a
worker, with why each fails worded in the UI language."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from console.collection.api import DragRow
from console.ui import format as fmt
from console.ui.kit.panels import label
from console.ui.kit.tables import table_view
from console.ui.views.collection.ranking import REASON, UNREAD, drag_model, show_drags
from console.ui.views.collection.texts import reason_text


class DrillDownDialog(QDialog):
    """The failing meters behind one concentrator (the view loads them on a worker)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(900, 440)
        self.summary = label(wrap=True)
        self.model = drag_model(self)
        self.table = table_view(self.model, stretch=REASON)
        self.table.setColumnHidden(UNREAD, True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def show_loading(self, row: DragRow) -> None:
        name = row.drag.name
        self.setWindowTitle(self.tr("Unread meters — {name}").format(name=name))
        self.summary.setText(self.tr("Loading the unread meters of {name}…").format(name=name))
        self.model.set_rows([])

    def show_meters(self, row: DragRow, meters: Sequence[DragRow]) -> None:
        show_drags(self.model, meters)
        drag = row.drag
        self.summary.setText(
            self.tr(
                "{name} ({area}): {n} unread meters, together −{cost} (0.01 %). Most common "
                "reason: {reason}"
            ).format(
                name=drag.name,
                area=drag.area_name,
                n=fmt.number(len(meters)),
                cost=fmt.number(row.cost_hundredths, 2),
                reason=reason_text(drag.reason),
            )
        )

    def show_failure(self, row: DragRow, message: str) -> None:
        self.summary.setText(
            self.tr("Cannot load the unread meters of {name}: {error}").format(
                name=row.drag.name, error=message
            )
        )
