"""The window's event bus, on the GUI thread: a view subscribes to the events that concern it
and refreshes what changed, instead of polling on a timer.

``on(kinds, slot)`` calls ``slot(event)`` on the GUI thread for each event; with
``coalesce_ms`` the events of that interval are handed over together (``slot(events)``), so a
county's pass, which commits thousands of batches, costs a view one refresh a second, not one
per batch. Subscriptions end with the widget that owns them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from console.core.bus import EventBus


class _Relay(QObject):
    """One subscription: the bus thread emits, the GUI thread calls the slot."""

    arrived = Signal(object)

    def __init__(self, owner: QObject, slot: Callable[[Any], None], coalesce_ms: int) -> None:
        super().__init__(owner)
        self._slot = slot
        self._batch: list[Any] = []
        self._timer: QTimer | None = None
        if coalesce_ms > 0:
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.setInterval(coalesce_ms)
            self._timer.timeout.connect(self._flush)
        self.arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)
        self.unsubscribe: Callable[[], None] | None = None
        self.destroyed.connect(self._end)

    def push(self, event: Any) -> None:  # the bus thread
        if shiboken6.isValid(self):
            with contextlib.suppress(RuntimeError):  # deleted between the check and the emit
                self.arrived.emit(event)

    def _on_arrived(self, event: Any) -> None:
        if self._timer is None:
            self._slot(event)
            return
        self._batch.append(event)
        if not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        batch, self._batch = self._batch, []
        if batch:
            self._slot(batch)

    def _end(self) -> None:
        if self.unsubscribe is not None:
            self.unsubscribe()
            self.unsubscribe = None


class QtEvents(QObject):
    """The bus as the views see it."""

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bus = bus

    def on(
        self,
        kinds: type | tuple[type, ...],
        slot: Callable[[Any], None],
        *,
        owner: QObject,
        coalesce_ms: int = 0,
    ) -> Callable[[], None]:
        """Deliver ``kinds`` to ``slot`` on the GUI thread until ``owner`` is deleted (or the
        returned function is called)."""
        relay = _Relay(owner, slot, coalesce_ms)
        relay.unsubscribe = self.bus.subscribe(
            kinds, relay.push, name=f"view {type(owner).__name__}"
        )

        def stop() -> None:
            relay._end()
            if shiboken6.isValid(relay):
                relay.deleteLater()

        return stop
