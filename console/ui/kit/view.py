"""What every view is and gets: ``BaseView`` (follows the organisation scope, says when it has
loaded its data) and the ``ViewKit`` the window hands it beside its feature's API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDockWidget, QWidget

from console.core.scope import OrgUnit
from console.ui.kit.events import QtEvents
from console.ui.kit.tasks import TaskRunner, Tasks


@dataclass
class ViewKit:
    """The window's services for views: events on the GUI thread, background tasks, the
    console's clock, and a place for docks."""

    events: QtEvents
    runner: TaskRunner
    now: Callable[[], datetime]
    add_dock: Callable[[QDockWidget], None]


class BaseView(QWidget):
    ready = Signal()  # the first time the view shows data (screenshots wait for it)
    loaded = Signal()  # every time the view has shown fresh data

    def __init__(self, key: str, kit: ViewKit | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.kit = kit
        self.is_ready = False
        self.tasks = Tasks(kit.runner, self) if kit is not None else None
        self._when_shown: dict[str, Callable[[], None]] = {}

    def on_screen(self, key: str, fn: Callable[[], None]) -> None:
        """Call ``fn`` now if the view is on screen, else when it is next shown (once, the
        latest ``fn`` of each ``key``). For refreshes that events ask for: a view in the
        background that re-read its figures on every commit of a county's pass kept a core of
        the window busy for nobody."""
        if self.isVisible():
            self._when_shown.pop(key, None)
            fn()
        else:
            self._when_shown[key] = fn

    @property
    def waiting_to_be_shown(self) -> list[str]:
        """The keys of what ``on_screen`` keeps for the view's next showing."""
        return list(self._when_shown)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        waiting, self._when_shown = self._when_shown, {}
        for fn in waiting.values():
            fn()

    def set_unit(self, unit: OrgUnit | None) -> None:
        """The organisation scope changed (``None``: everything)."""

    def refresh(self) -> None:
        """Load the figures again (``loaded`` when they are on screen)."""
        self._mark_loaded()

    def _mark_loaded(self) -> None:
        if not self.is_ready:
            self.is_ready = True
            self.ready.emit()
        self.loaded.emit()
