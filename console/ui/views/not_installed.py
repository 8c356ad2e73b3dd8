"""The honest empty state of a capability a later release installs."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.ui.views.base import BaseView
from console.ui.widgets.empty_state import EmptyState


class NotInstalledView(BaseView):
    def __init__(
        self, key: str, icon_name: str, title: str, text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(key, parent)
        self.empty = EmptyState(icon_name, title, text, self.tr("Not installed yet"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
