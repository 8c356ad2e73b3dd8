"""Panels, labels and the honest empty state of a table: the frames every view lays out."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QStackedWidget, QVBoxLayout, QWidget

from console.ui import format as fmt

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """``widget`` with the style name ``name`` (its objectName, which the QSS styles)."""
    widget.setObjectName(name)
    return widget


def label(text: str = "", name: str = "", *, wrap: bool = False) -> QLabel:
    """A QLabel with a style name (``PanelTitle``, ``ViewTitle``, ``Muted``...)."""
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget


def panel(title: str, content: QWidget, margin: int = 14) -> QFrame:
    """A titled panel around ``content``."""
    frame = QFrame()
    frame.setObjectName("Panel")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(margin, 10, margin, 10)
    layout.addWidget(label(title, "PanelTitle"))
    layout.addWidget(content, 1)
    return frame


def error_banner() -> QLabel:
    """The red line above a view's figures that says what failed (hidden until then)."""
    banner = label("", "ErrorBanner", wrap=True)
    banner.hide()
    return banner


def day_time(at: datetime | None, day: date | None = None) -> str:
    """``HH:MM`` on ``day``, ``MM-DD HH:MM`` on another day."""
    if at is None:
        return fmt.DASH
    return f"{at:%H:%M}" if at.date() == day else f"{at:%m-%d %H:%M}"


class NotedTable(QStackedWidget):
    """A table (or any widget) that, when empty, shows a sentence saying why instead."""

    def __init__(self, table: QWidget, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.note = label(note, "EmptyNote", wrap=True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.table)
        self.addWidget(self.note)
        self.setCurrentWidget(self.note)

    def show_rows(self, has_rows: bool, note: str | None = None) -> None:
        if note is not None:
            self.note.setText(note)
        self.setCurrentWidget(self.table if has_rows else self.note)
