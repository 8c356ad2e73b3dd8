"""What every view offers the main window: attach services, follow the organisation scope,
and say when it has loaded its data (``ready``)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from console.app import AppContext
from console.monitoring.panorama import OrgUnit
from console.ui.bridge import CollectionBridge


class BaseView(QWidget):
    ready = Signal()  # the view shows data loaded after attach (screenshots wait for this)

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.is_ready = False

    def attach(self, context: AppContext, bridge: CollectionBridge | None = None) -> None:
        """Services are up; views with nothing to load are ready at once."""
        self._mark_ready()

    def set_unit(self, unit: OrgUnit | None) -> None:
        """The organisation scope changed (``None``: everything)."""

    def _mark_ready(self) -> None:
        if not self.is_ready:
            self.is_ready = True
            self.ready.emit()
