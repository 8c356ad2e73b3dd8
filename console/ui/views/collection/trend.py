"""The success rate of the last 30 days against the dashed target line; each day's point in
its grade's colour (``console.kpi.collection.grade``: the one rule, not a copy of it)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.kpi.collection import Grade, grade
from console.ui import format as fmt
from console.ui import theme
from console.ui.kit.panels import label

DAYS = 30


class TrendChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.25)
        self.curve = item.plot([], [], connect="finite")
        self.target = pg.InfiniteLine(angle=0, movable=False)
        item.addItem(self.target)
        self.target_label = pg.TextItem(anchor=(0, 0))  # under the line: 100 % is the top
        item.addItem(self.target_label)
        self.note = label(self.tr("Loading the trend…"), "EmptyNote", wrap=True)
        self.note.setParent(self)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.note.raise_()
        self.setMinimumHeight(150)
        self._points: list[tuple[date, Decimal | None]] = []
        self._target = Decimal("99.97")
        self._alarm = Decimal(98)
        self._loaded = False  # "Loading…" until the first data, then why there is none
        self._palette = theme.current()
        self.apply_palette(self._palette)

    def apply_palette(self, palette: theme.Palette) -> None:
        self._palette = palette
        item = self.plot.getPlotItem()
        self.plot.setBackground(palette.panel)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setTextPen(palette.muted)
            axis.setPen(palette.border)
        item.setLabel("left", self.tr("Success rate (%)"), color=palette.text)
        self.target.setPen(pg.mkPen(palette.good, width=1.6, style=Qt.PenStyle.DashLine))
        self.target_label.setColor(palette.good)
        self._draw()

    def set_data(
        self, points: Sequence[tuple[date, Decimal | None]], target: Decimal, alarm: Decimal
    ) -> None:
        self._points, self._target, self._alarm = list(points), target, alarm
        self._loaded = True
        self._draw()

    def show_failure(self, message: str) -> None:
        self._points, self._loaded = [], False
        self._draw()
        self.note.setText(message)

    def point_count(self) -> int:
        return sum(1 for _, rate in self._points if rate is not None)

    def point_grades(self) -> list[Grade | None]:
        return [None if r is None else grade(r, self._target, self._alarm) for _, r in self._points]

    def _draw(self) -> None:
        palette, points = self._palette, self._points
        colours = {Grade.GOOD: palette.good, Grade.WARN: palette.warn, Grade.BAD: palette.bad}
        xs = list(range(len(points)))
        ys = [math.nan if r is None else float(r) for _, r in points]
        brushes = [pg.mkBrush(colours[g] if g else palette.muted) for g in self.point_grades()]
        self.curve.setData(
            xs, ys, pen=pg.mkPen(palette.curve_today, width=2), symbol="o", symbolSize=6,
            symbolPen=None, symbolBrush=brushes,
        )  # fmt: skip
        target = float(self._target)
        self.target.setPos(target)
        self.target_label.setText(self.tr("target {pct} %").format(pct=fmt.number(self._target, 2)))
        self.target_label.setPos(-0.4, target)
        step = max(1, math.ceil(len(points) / 8))
        ticks = [(i, f"{d:%m-%d}") for i, (d, _) in enumerate(points) if i % step == 0]
        self.plot.getPlotItem().getAxis("bottom").setTicks([ticks, []])
        known = [y for y in ys if not math.isnan(y)]
        self.note.setVisible(not known)
        if not known:
            if self._loaded:
                self.note.setText(self.tr("No meter was due to be read in these 30 days."))
            return
        low = min([*known, target])
        pad = max(0.02, (100 - low) * 0.15)
        self.plot.getPlotItem().setYRange(low - pad, 100 + pad / 3, padding=0)
        self.plot.getPlotItem().setXRange(-0.5, len(points) - 0.5, padding=0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # keep the note centred over the plot
        super().resizeEvent(event)
        self.note.setGeometry(self.rect().adjusted(30, 30, -30, -30))
