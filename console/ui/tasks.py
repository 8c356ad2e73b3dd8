"""Runs blocking work (queries, start-up, analytics) on a thread pool; results come back on the
GUI thread through queued signals. The GUI thread never waits on I/O."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as err:  # delivered to on_error; the pool thread must survive
            self._signals.failed.emit(err)
        else:
            self._signals.done.emit(result)


def _log_failure(err: BaseException) -> None:
    log.error("background task failed", exc_info=(type(err), err, err.__traceback__))


class TaskRunner(QObject):
    """``submit(fn, on_done, on_error)``: ``fn`` runs on a pool thread, the callbacks on this
    object's (the GUI) thread."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._live: set[_Signals] = set()

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        signals = _Signals(self)  # lives on this thread, so queued calls land here

        def finish() -> None:
            self._live.discard(signals)
            signals.deleteLater()

        signals.done.connect(on_done, Qt.ConnectionType.QueuedConnection)
        signals.failed.connect(on_error or _log_failure, Qt.ConnectionType.QueuedConnection)
        signals.done.connect(finish, Qt.ConnectionType.QueuedConnection)
        signals.failed.connect(finish, Qt.ConnectionType.QueuedConnection)
        self._live.add(signals)
        self._pool.start(_Job(fn, signals))

    @property
    def pending(self) -> int:
        return len(self._live)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)
