"""The success rate of the last 30 days against the dashed target line and the dotted alarm
line; each day's point in its grade's colour (``console.kpi.collection.grade``: the one rule,
not a copy of it)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGraphicsItem, QVBoxLayout, QWidget

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
        # No grid: the target and alarm lines are the references that mean something, and
        # a grid is most of what a repaint of the chart costs.
        self.curve = item.plot([], [], connect="finite")
        self.target = pg.InfiniteLine(angle=0, movable=False)
        item.addItem(self.target)
        self.alarm = pg.InfiniteLine(angle=0, movable=False)
        item.addItem(self.alarm)
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
        self._drawn: tuple[object, ...] | None = None  # what the axes show: redrawn on change
        for side in ("left", "bottom"):
            # Drawing an axis's text is most of a repaint (pyqtgraph lays it out each time);
            # kept as a pixmap, it is drawn again only when its ticks or range change.
            item.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
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
        self.alarm.setPen(pg.mkPen(palette.bad, width=1, style=Qt.PenStyle.DotLine))
        self.target_label.setColor(palette.good)
        self._drawn = None
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
        known = [y for y in ys if not math.isnan(y)]
        self.note.setVisible(not known)
        if not known and self._loaded:
            self.note.setText(self.tr("No meter was due to be read in these 30 days."))
        step = max(1, math.ceil(len(points) / 8))
        ticks = [(i, f"{d:%m-%d}") for i, (d, _) in enumerate(points) if i % step == 0]
        y_range = _y_range(min([*known, target])) if known else None
        # During a pass only today's point moves: the axes, the target and the ranges are
        # set again only when they change (each change redraws the axes' text).
        drawn = (target, float(self._alarm), tuple(ticks), y_range, len(points))
        if drawn == self._drawn:
            return
        self._drawn = drawn
        self.target.setPos(target)
        self.alarm.setPos(float(self._alarm))
        self.target_label.setText(self.tr("target {pct} %").format(pct=fmt.number(self._target, 2)))
        self.target_label.setPos(-0.4, target)
        self.plot.getPlotItem().getAxis("bottom").setTicks([ticks, []])
        if y_range is not None:
            self.plot.getPlotItem().setYRange(*y_range, padding=0)
            self.plot.getPlotItem().setXRange(-0.5, len(points) - 0.5, padding=0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # keep the note centred over the plot
        super().resizeEvent(event)
        self.note.setGeometry(self.rect().adjusted(30, 30, -30, -30))


def _y_range(low: float) -> tuple[float, float]:
    """From a round number below ``low`` to a little above 100 %: a rate rising through a pass
    moves the axis only when it crosses a round number, not with every refresh."""
    span = max(100 - low, 0.01) * 1.5
    step = 10 ** math.floor(math.log10(span))
    bottom = max(math.floor((100 - span) / step) * step, -3.0)  # no rate is below 0 %
    return bottom, 100 + (100 - bottom) * 0.05
