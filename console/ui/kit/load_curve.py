"""Load curve of one day against the day before (pyqtgraph, curves reused via setData)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console.ui import theme
from console.ui.kit.panels import named


class HourAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph is untyped
    """Hours since midnight shown as HH:00."""

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:
        return [f"{int(v) % 25:02d}:00" if abs(v - round(v)) < 1e-6 else "" for v in values]


class GroupedAxis(pg.AxisItem):  # type: ignore[misc]
    """Values with thousands separators (county loads run to tens of thousands of kW)."""

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:
        places = 0 if spacing >= 1 else 1 if spacing >= 0.1 else 2
        return [f"{v * scale:,.{places}f}" for v in values]


def _hours(points: Sequence[tuple[datetime, float]]) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for at, kw in points:
        midnight = datetime.combine(at.date(), time.min)
        xs.append((at - midnight).total_seconds() / 3600)
        ys.append(kw)
    return xs, ys


class LoadCurve(QWidget):
    def __init__(
        self,
        today_label: str,
        yesterday_label: str,
        *,
        y_label: str,
        empty_text: str,
        loading_text: str,
        incoming_label: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._y_label = y_label
        self._empty_text = empty_text
        self.plot = pg.PlotWidget(
            axisItems={
                "bottom": HourAxis(orientation="bottom"),
                "left": GroupedAxis(orientation="left"),
            }
        )
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.getAxis("bottom").setTickSpacing(2, 1)
        item.setXRange(0, 24, padding=0.01)
        item.setClipToView(True)
        self.legend = item.addLegend(offset=(10, 8))
        self.yesterday = item.plot([], [], name=yesterday_label)
        self.today = item.plot([], [], name=today_label)
        # Quarter hours still coming in (fewer meters than usual have reported): dotted, so
        # a half-filled slot never reads as a fall in load.
        self.incoming = item.plot([], [])
        self._incoming_label = incoming_label  # in the legend only while there is such a tail
        self.apply_palette(theme.current())
        self.empty = named(
            QLabel(loading_text, self, alignment=Qt.AlignmentFlag.AlignCenter), "EmptyNote"
        )
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.empty.raise_()  # the note floats over the plot, which was added after it
        self.setMinimumHeight(260)

    def apply_palette(self, palette: theme.Palette) -> None:
        item = self.plot.getPlotItem()
        self.plot.setBackground(palette.panel)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setTextPen(palette.muted)
            axis.setPen(palette.border)
        # After setTextPen, which would repaint the label in the tick colour.
        item.setLabel("left", self._y_label, color=palette.text)
        self.yesterday.setPen(
            pg.mkPen(palette.curve_yesterday, width=1.6, style=Qt.PenStyle.DashLine)
        )
        self.today.setPen(pg.mkPen(palette.curve_today, width=2.4))
        self.incoming.setPen(pg.mkPen(palette.curve_today, width=2.0, style=Qt.PenStyle.DotLine))
        self.legend.setBrush(pg.mkBrush(palette.panel))
        self.legend.setLabelTextColor(palette.text)

    def set_data(
        self,
        today: Sequence[tuple[datetime, float]],
        yesterday: Sequence[tuple[datetime, float]],
        incoming: Sequence[tuple[datetime, float]] = (),
    ) -> None:
        """``incoming``: the points after ``today``'s last one that are still coming in."""
        self.today.setData(*_hours(today))
        self.yesterday.setData(*_hours(yesterday))
        tail = [*today[-1:], *incoming] if incoming else []
        self.incoming.setData(*_hours(tail))
        self.legend.removeItem(self.incoming)
        if tail and self._incoming_label:
            self.legend.addItem(self.incoming, self._incoming_label)
        has_data = bool(today or yesterday)
        self.empty.setText(self._empty_text)
        self.empty.setVisible(not has_data)
        if has_data:
            self.plot.getPlotItem().enableAutoRange(axis="y")

    def resizeEvent(self, event: QResizeEvent) -> None:  # keep the note centred over the plot
        super().resizeEvent(event)
        self.empty.setGeometry(self.rect().adjusted(40, 40, -40, -40))

    def incoming_count(self) -> int:
        xs, _ = self.incoming.getData()
        return 0 if xs is None else max(0, len(xs) - 1)

    def point_count(self) -> tuple[int, int]:
        xs_today, _ = self.today.getData()
        xs_yesterday, _ = self.yesterday.getData()
        return (
            0 if xs_today is None else len(xs_today),
            0 if xs_yesterday is None else len(xs_yesterday),
        )
