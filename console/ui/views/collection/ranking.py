"""Who drags the rate down: the concentrators and the meters that cost the scope's success rate
most, costliest first, with why (a typed reason, worded here) and since when. Double-clicking a
concentrator asks for its drill-down; selecting a meter offers it for 点抄."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from console.collection.api import DragRow
from console.ui import format as fmt
from console.ui import theme
from console.ui.kit.panels import NotedTable, label
from console.ui.kit.tables import RowsModel, table_view
from console.ui.views.collection.texts import reason_text, reason_tip

translate = QCoreApplication.translate  # a name lupdate recognises
NAME, AREA, UNREAD, COST, REASON, SINCE, DAYS = range(7)


def drag_model(parent: QObject) -> RowsModel:
    model = RowsModel(
        [
            translate("RankingPanel", "Name"),
            translate("RankingPanel", "台区"),
            translate("RankingPanel", "Unread meters"),
            translate("RankingPanel", "Cost (0.01 %)"),
            translate("RankingPanel", "Reason"),
            translate("RankingPanel", "Failing since"),
            translate("RankingPanel", "Days"),
        ],
        right=(UNREAD, COST, DAYS),
        parent=parent,
    )
    model.header_tips[COST] = translate(
        "RankingPanel",
        "How much this device lowers the scope's success rate, in hundredths of a percentage "
        "point (−1.00 = −0.01 %)",
    )
    model.header_tips[DAYS] = translate(
        "RankingPanel", "Consecutive failing days (≥: at least that many; traced back 90 days)"
    )
    return model


def show_drags(model: RowsModel, rows: Sequence[DragRow]) -> None:
    bad = theme.current().bad
    texts, colours, tips = [], [], []
    for row in rows:
        d = row.drag
        days = f"≥{d.days_failing}" if row.at_least else str(d.days_failing)
        texts.append(
            [
                d.name,
                d.area_name,
                fmt.number(d.failed),
                "−" + fmt.number(row.cost_hundredths, 2),
                reason_text(d.reason),
                d.failing_since.isoformat(),
                days,
            ]
        )
        colours.append({COST: bad})
        tips.append(reason_tip(d.reason) or None)
    model.set_rows(texts, rows, colours, tips)


class RankingPanel(QFrame):
    drill_requested = Signal(object)  # the concentrator's DragRow
    meter_chosen = Signal(object)  # a meter's DragRow (for 点抄)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Panel")
        self.concentrator_model = drag_model(self)
        self.meter_model = drag_model(self)
        self.concentrator_table = table_view(self.concentrator_model, stretch=REASON)
        self.meter_table = table_view(self.meter_model, stretch=REASON)
        self.concentrators = NotedTable(self.concentrator_table, self.tr("Loading…"))
        self.meters = NotedTable(self.meter_table, self.tr("Loading…"))
        self.meter_table.setColumnHidden(UNREAD, True)  # a meter's own row always says 1
        self.concentrator_table.doubleClicked.connect(lambda index: self._drill(index.row()))
        self.concentrator_table.setToolTip(
            self.tr("Double-click a concentrator to see its unread meters")
        )
        self.meter_table.selectionModel().currentRowChanged.connect(
            lambda current, _old: self._meter(current.row())
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.concentrators, self.tr("Concentrators"))
        self.tabs.addTab(self.meters, self.tr("Meters"))
        title_row = QHBoxLayout()
        title_row.addWidget(label(self.tr("Who drags the rate down"), "PanelTitle"))
        title_row.addSpacing(10)
        title_row.addWidget(
            label(
                self.tr("costliest first · double-click a concentrator for its unread meters"),
                "ViewSubtitle",
            ),
            1,
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addLayout(title_row)
        layout.addWidget(self.tabs, 1)

    def show_rows(self, concentrators: list[DragRow], meters: list[DragRow]) -> None:
        clean = self.tr("Nothing drags the rate down: every meter due has its daily freeze.")
        for tab, model, table, rows in (
            (0, self.concentrator_model, self.concentrators, concentrators),
            (1, self.meter_model, self.meters, meters),
        ):
            show_drags(model, rows)
            table.show_rows(bool(rows), clean)
            title = self.tr("Concentrators ({n})") if tab == 0 else self.tr("Meters ({n})")
            self.tabs.setTabText(tab, title.format(n=fmt.number(len(rows))))
        if not concentrators and meters:
            self.concentrators.show_rows(
                False,
                self.tr(
                    "No concentrator drags the rate down: the unread meters are read directly."
                ),
            )

    def show_failure(self, message: str) -> None:
        for model, table in (
            (self.concentrator_model, self.concentrators),
            (self.meter_model, self.meters),
        ):
            model.set_rows([])
            table.show_rows(False, message)

    def _drill(self, row: int) -> None:
        if 0 <= row < self.concentrator_model.rowCount():
            self.drill_requested.emit(self.concentrator_model.payload(row))

    def _meter(self, row: int) -> None:
        if 0 <= row < self.meter_model.rowCount():
            self.meter_chosen.emit(self.meter_model.payload(row))
