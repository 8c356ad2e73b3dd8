"""Background work for views: blocking calls (queries, commands to the service, analytics) run
on a thread pool; results, errors and progress come back on the GUI thread. The GUI thread
never waits on I/O.

``TaskRunner.submit`` is the bare mechanism. ``Tasks`` is what a view uses: tasks by name, a
newer request superseding an older one of the same name (its result is dropped, and it is told
to stop), progress, cancel, and nothing delivered to a view that has been closed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal

from console.core.memory import postponed_full_collections

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals

    def run(self) -> None:
        try:
            # A full collection walks every object with the interpreter lock held: started
            # by a query's burst of rows, it held the window still for 40-60 ms.
            with postponed_full_collections():
                result = self._fn()
        except BaseException as err:  # delivered to on_error; the pool thread must survive
            _emit(self._signals, "failed", err)
        else:
            _emit(self._signals, "done", result)


def _emit(signals: _Signals, name: str, *args: Any) -> None:
    if shiboken6.isValid(signals):  # its owner (a closed view) may be gone
        try:
            getattr(signals, name).emit(*args)
        except RuntimeError:  # deleted between the check and the emit
            log.debug("a finished task's owner is gone")


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
        *,
        owner: QObject | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> _Signals:
        """Run ``fn``; the callbacks run on ``owner``'s thread (default: this runner's), and
        not at all once ``owner`` is deleted."""
        signals = _Signals(owner or self)  # lives on that thread: queued calls land there

        def finish() -> None:
            self._live.discard(signals)
            signals.deleteLater()

        queued = Qt.ConnectionType.QueuedConnection
        signals.done.connect(on_done, queued)
        signals.failed.connect(on_error or _log_failure, queued)
        if on_progress is not None:
            signals.progressed.connect(on_progress, queued)
        signals.done.connect(finish, queued)
        signals.failed.connect(finish, queued)
        signals.destroyed.connect(lambda: self._live.discard(signals))
        self._live.add(signals)
        self._pool.start(_Job(fn, signals))
        return signals

    @property
    def pending(self) -> int:
        return len(self._live)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)


class Control:
    """Handed to a task's function: whether it should stop, and where to report progress."""

    def __init__(self, signals: _Signals | None = None) -> None:
        self.stop = threading.Event()
        self._signals = signals

    @property
    def cancelled(self) -> bool:
        return self.stop.is_set()

    def progress(self, done: int, total: int) -> None:
        if self._signals is not None:
            _emit(self._signals, "progressed", done, total)


class _Pending:
    __slots__ = ("control", "generation", "started")

    def __init__(self, generation: int, control: Control, started: float) -> None:
        self.generation = generation
        self.control = control
        self.started = started


class Tasks(QObject):
    """A view's background tasks, by name. ``run(name, fn, on_done, on_error)``: a newer run
    of the same name supersedes an older one (the older is told to stop and its result is
    dropped); callbacks come on the GUI thread, and never after the view is deleted.
    ``fn`` takes a ``Control`` when ``control=True``."""

    busy_changed = Signal(str, bool)  # (name, running)

    def __init__(
        self,
        runner: TaskRunner,
        parent: QObject,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._monotonic = monotonic  # how long a run took (tests inject one)
        self._generation = 0
        self._pending: dict[str, _Pending] = {}
        self._again: dict[str, Callable[[], Control]] = {}  # rerun: once more when it ends
        self._resting: dict[str, QTimer] = {}  # rerun: ended, the next waits as long as it took

    def run(
        self,
        name: str,
        fn: Callable[..., T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        control: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Control:
        self.cancel(name)
        self._generation += 1
        generation = self._generation
        ctl = Control()
        self._pending[name] = _Pending(generation, ctl, self._monotonic())

        def work() -> T:
            return fn(ctl) if control else fn()

        def done(result: T) -> None:
            if self._finish(name, generation):
                on_done(result)

        def failed(err: BaseException) -> None:
            if self._finish(name, generation):
                (on_error or _log_failure)(err)

        def progressed(d: int, t: int) -> None:
            current = self._pending.get(name)
            if on_progress is not None and current is not None and current.generation == generation:
                on_progress(d, t)

        signals = self._runner.submit(
            work, done, failed, owner=self, on_progress=progressed if on_progress else None
        )
        ctl._signals = signals
        self.busy_changed.emit(name, True)
        return ctl

    def rerun(
        self,
        name: str,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """``run`` for refreshes that events ask for: when a task of that name is running,
        its result is not wrong, only about to be stale, so it is not superseded; ``fn`` runs
        once more when it ends (however often it was asked for meanwhile), after a rest as long
        as the run took. A county's pass thus keeps one query in flight per name, never a pile
        of them on the pool, and a slow query at most half the time: back to back, the figures
        of a large county kept two of the window's threads busy for the whole pass."""
        if name in self._pending or name in self._resting:
            self._again[name] = lambda: self.run(name, fn, on_done, on_error)
        else:
            self.run(name, fn, on_done, on_error)

    def _finish(self, name: str, generation: int) -> bool:
        current = self._pending.get(name)
        if current is None or current.generation != generation:
            return False  # superseded or cancelled: a newer result is on its way, or none
        del self._pending[name]
        self.busy_changed.emit(name, False)
        if name in self._again:
            self._rest(name, max(0.0, self._monotonic() - current.started))
        return True

    def _rest(self, name: str, seconds: float) -> None:
        """Run what ``rerun`` asked for once ``seconds`` have passed (the latest ask)."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(round(seconds * 1000))

        def wake() -> None:
            if self._resting.get(name) is timer:
                del self._resting[name]
                again = self._again.pop(name, None)
                if again is not None:
                    again()
            timer.deleteLater()

        timer.timeout.connect(wake)
        self._resting[name] = timer
        timer.start()

    def cancel(self, name: str) -> None:
        """Tell a running task to stop and drop its result (and forget a rerun's next run)."""
        self._again.pop(name, None)
        resting = self._resting.pop(name, None)
        if resting is not None:
            resting.stop()
            resting.deleteLater()
        pending = self._pending.pop(name, None)
        if pending is not None:
            pending.control.stop.set()
            self.busy_changed.emit(name, False)

    def running(self, name: str) -> bool:
        return name in self._pending

    def resting(self, name: str) -> bool:
        """A rerun of ``name`` waits out its rest before it runs."""
        return name in self._resting
