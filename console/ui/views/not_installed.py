"""The honest empty state of a capability a later release installs, or of one whose feature
could not start (the reason is shown)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.ui.kit.empty_state import EmptyState
from console.ui.kit.view import BaseView


class NotInstalledView(BaseView):
    def __init__(
        self,
        key: str,
        *,
        icon: str,
        title: str,
        text: str,
        badge: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(key, None, parent)
        self.empty = EmptyState(icon, title, text, badge)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        self._mark_loaded()
