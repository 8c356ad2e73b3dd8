"""Turns collection events (raised on the scheduler's worker thread) into queued Qt signals."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from console.collection.scheduler import (
    CollectionEvent,
    RunFailed,
    RunFinished,
    RunProgress,
    RunStarted,
)


class CollectionBridge(QObject):
    started = Signal(str)
    progressed = Signal(int, int)
    finished = Signal(object)  # CollectionSummary
    failed = Signal(str)

    def __call__(self, event: CollectionEvent) -> None:
        # Emitted from the worker thread; receivers on the GUI thread get queued calls.
        if isinstance(event, RunStarted):
            self.started.emit(event.trigger)
        elif isinstance(event, RunProgress):
            self.progressed.emit(event.done, event.total)
        elif isinstance(event, RunFinished):
            self.finished.emit(event.summary)
        elif isinstance(event, RunFailed):
            self.failed.emit(event.message)
