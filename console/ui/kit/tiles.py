"""A KPI tile: title, big value with its unit, a caption, and a state colour (good/warn/bad)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from console.ui.kit.panels import named

STATES = ("normal", "good", "warn", "bad", "empty")


class KpiTile(QFrame):
    def __init__(self, title: str, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KpiTile")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(118)
        self._title = named(QLabel(title), "KpiTitle")
        self._value = named(QLabel("—"), "KpiValue")
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
