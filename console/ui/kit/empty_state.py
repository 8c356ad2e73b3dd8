"""A centred empty state: icon, title, and a sentence that says why there is nothing here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.ui import icons, theme
from console.ui.kit.panels import named


class EmptyState(QWidget):
    def __init__(
        self, icon_name: str, title: str, text: str, badge: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._icon_name = icon_name
        self.picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.title = named(QLabel(title, alignment=Qt.AlignmentFlag.AlignCenter), "EmptyTitle")
        self.badge = named(QLabel(badge, alignment=Qt.AlignmentFlag.AlignCenter), "EmptyBadge")
        self.badge.setVisible(bool(badge))
        self.text = named(QLabel(text, alignment=Qt.AlignmentFlag.AlignCenter), "EmptyText")
        self.text.setWordWrap(True)
        self.text.setMaximumWidth(640)
        # No alignment flag on a word-wrapped label: the layout must ask its heightForWidth.
        text_row = QHBoxLayout()
        text_row.addStretch(1)
        text_row.addWidget(self.text, 4)
        text_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.picture)
        layout.addSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.badge, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addSpacing(4)
        layout.addLayout(text_row)
        layout.addStretch(3)
        self.apply_palette(theme.current())

    def apply_palette(self, palette: theme.Palette) -> None:
        self.picture.setPixmap(icons.pixmap(self._icon_name, palette.muted, 72))
