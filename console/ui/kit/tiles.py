"""A KPI tile: title, big value with its unit, a caption, and a state colour (good/warn/bad)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from console.ui.kit.panels import named

STATES = ("normal", "good", "warn", "bad", "empty")
FIT_MIN_WIDTH = 48  # what a value asks for at least: it is drawn smaller rather than widen
SMALLEST = 0.55  # of the style's size, the smallest a value is drawn


class FitLabel(QLabel):
    """A one-line label that never makes its window wider: when its text does not fit, it is
    drawn in a smaller size of its font (a figure like "264,739 / 265,000" stays whole)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        # Its full width when there is room; down to FIT_MIN_WIDTH when there is not.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), FIT_MIN_WIDTH), hint.height())

    def fitted_font(self) -> QFont:
        """The font the text is drawn in: the style's, or smaller to fit the width."""
        font = QFont(self.font())
        room = self.contentsRect().width()
        needed = self.fontMetrics().horizontalAdvance(self.text())
        if needed <= room or needed <= 0:
            return font
        scale = max(room / needed, SMALLEST)
        if font.pixelSize() > 0:
            font.setPixelSize(max(1, int(font.pixelSize() * scale)))
        else:
            font.setPointSizeF(max(1.0, font.pointSizeF() * scale))
        return font

    def paintEvent(self, event: QPaintEvent) -> None:
        font = self.fitted_font()
        if font == self.font():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(self.contentsRect(), int(self.alignment()), self.text())


class KpiTile(QFrame):
    def __init__(self, title: str, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KpiTile")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(118)
        self._title = named(QLabel(title), "KpiTitle")
        self._value = named(FitLabel("—"), "KpiValue")
        self._unit = named(QLabel(unit), "KpiUnit")
        self._caption = named(QLabel(""), "KpiCaption")
        self._caption.setWordWrap(True)
        value_row = QHBoxLayout()
        value_row.setSpacing(6)
        value_row.addWidget(self._value)
        value_row.addWidget(self._unit)
        value_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(4)
        layout.addWidget(self._title)
        layout.addLayout(value_row)
        layout.addWidget(self._caption)
        layout.addStretch(1)
        self.set_state("empty")

    def set_value(self, value: str, caption: str = "", state: str = "normal") -> None:
        self.set_state(state)
        self._value.setText(value)
        self._caption.setText(caption)

    def set_state(self, state: str) -> None:
        if state not in STATES:
            raise ValueError(f"unknown tile state {state!r}")
        if self.property("state") == state:
            return
        self.setProperty("state", state)
        # Re-polish so the state's colours apply; then let the labels re-measure their text.
        for widget in (self, self._value, self._caption):
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            widget.updateGeometry()

    def value_text(self) -> str:
        return self._value.text()

    def caption_text(self) -> str:
        return self._caption.text()

    def unit_text(self) -> str:
        return self._unit.text()

    def state(self) -> str:
        return str(self.property("state"))
