"""A live stream's items (frames on the links, alarms as they come) on the GUI thread, in
batches: items land in a bounded buffer on whatever thread produces them, the first one wakes
the GUI thread, which takes everything that arrived within ``flush_ms``. A storm of items costs
a view a few updates a second, never one per item, and an idle stream costs nothing.

``LiveStream.start(subscribe)`` calls ``subscribe(listener)`` on a worker (a feature's API may
block) and keeps the function it returns to stop; ``listener(items, dropped)`` is the shape of
``ServiceAccess.stream`` listeners, so the same view works in-process and across processes.
Items that cannot be shown (the buffer's cap while paused, more than ``flush_max`` at once, or
dropped upstream) are counted, not silently lost.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from console.ui.kit.tasks import TaskRunner

log = logging.getLogger(__name__)

Listener = Callable[[list[Any], int], None]
Subscribe = Callable[[Listener], Callable[[], None]]


class _Buffer:
    """Touched from any thread; knows nothing of Qt (``wake`` is called once per batch)."""

    def __init__(self, cap: int, wake: Callable[[], None]) -> None:
        self._lock = threading.Lock()
        self._items: deque[Any] = deque(maxlen=cap)
        self._dropped = 0
        self._woken = False
        self._wake = wake
        self.open = True

    def push(self, items: list[Any], dropped: int = 0) -> None:
        if not self.open:
            return
        with self._lock:
            overflow = max(0, len(self._items) + len(items) - (self._items.maxlen or 0))
            self._items.extend(items)
            self._dropped += dropped + overflow
            wake, self._woken = not self._woken, True
        if wake:
            self._wake()

    def take(self) -> tuple[list[Any], int]:
        with self._lock:
            items, dropped = list(self._items), self._dropped
            self._items.clear()
            self._dropped = 0
            self._woken = False
        return items, dropped

    def rearm(self) -> None:
        """The next push wakes the GUI again (what waits stays)."""
        with self._lock:
            self._woken = False

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class _Waker(QObject):
    woke = Signal()

    def wake(self) -> None:  # any thread
        if shiboken6.isValid(self):
            with contextlib.suppress(RuntimeError):  # deleted between the check and the emit
                self.woke.emit()


class _Listening:
    """One subscription's stop function, handed over from the worker that subscribed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stop: Callable[[], None] | None = None
        self._ended = False

    def started(self, stop: Callable[[], None]) -> None:  # the worker
        with self._lock:
            if not self._ended:
                self._stop = stop
                return
        stop()  # ended while subscribing: stop at once

    def end(self) -> Callable[[], None] | None:
        with self._lock:
            self._ended = True
            stop, self._stop = self._stop, None
        return stop


class _State:
    """The stream's plain parts, which its ``destroyed`` handler may still use."""

    def __init__(self, buffer: _Buffer) -> None:
        self.buffer = buffer
        self.listening: _Listening | None = None


class LiveStream(QObject):
    """``deliver(items, dropped)`` on the GUI thread for what ``subscribe`` pushes."""

    failed = Signal(object)  # the exception subscribing raised
    waiting_changed = Signal(int)  # paused: how many items wait (they are not delivered)

    def __init__(
        self,
        runner: TaskRunner,
        deliver: Callable[[list[Any], int], None],
        *,
        cap: int = 5_000,
        flush_ms: int = 200,
        flush_max: int = 2_000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._deliver = deliver
        self.flush_max = flush_max
        self._waker = _Waker(self)
        self._buffer = _Buffer(cap, self._waker.wake)
        self._state = _State(self._buffer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(flush_ms)
        self._timer.timeout.connect(self.flush)
        self._waker.woke.connect(self._woken, Qt.ConnectionType.QueuedConnection)
        self._paused = False
        self.destroyed.connect(_ender(self._state, runner))

    @property
    def listening(self) -> bool:
        return self._state.listening is not None

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def waiting(self) -> int:
        return len(self._buffer)

    def start(self, subscribe: Subscribe) -> None:
        if self._state.listening is not None:
            return
        listening = self._state.listening = _Listening()
        buffer = self._buffer
        buffer.open = True

        def work() -> None:
            listening.started(subscribe(buffer.push))

        self._runner.submit(work, lambda _none: None, self._subscribe_failed, owner=self)

    def stop(self) -> None:
        listening, self._state.listening = self._state.listening, None
        self._buffer.open = False
        self._buffer.take()
        if listening is not None:
            _stop_later(listening, self._runner)

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        if not paused:
            self.flush()

    def clear(self) -> None:
        """Forget what waits and what was dropped."""
        self._buffer.take()

    def flush(self) -> None:
        """Deliver what arrived (unless paused: it waits, up to the cap)."""
        self._timer.stop()
        if self._paused:
            self._buffer.rearm()
            self.waiting_changed.emit(len(self._buffer))
            return
        items, dropped = self._buffer.take()
        if len(items) > self.flush_max:
            dropped += len(items) - self.flush_max
            items = items[-self.flush_max :]
        if items or dropped:
            self._deliver(items, dropped)

    def _woken(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _subscribe_failed(self, err: BaseException) -> None:
        self._state.listening = None
        self.failed.emit(err)


def _stop_later(listening: _Listening, runner: TaskRunner) -> None:
    stop = listening.end()
    if stop is None:
        return
    if shiboken6.isValid(runner):
        runner.submit(stop, lambda _none: None)
    else:  # the window is being taken down: its task runner went first
        threading.Thread(target=_quietly, args=(stop,), name="stream-stop", daemon=True).start()


def _quietly(stop: Callable[[], None]) -> None:
    try:
        stop()
    except Exception as err:  # the service may be gone already; nothing is left to tell
        log.debug("a stream's listener could not be stopped: %s", err)


def _ender(state: _State, runner: TaskRunner) -> Callable[[], None]:
    """What ``destroyed`` runs: the stream's wrapper may be gone, its plain parts are not."""

    def end() -> None:
        state.buffer.open = False
        if state.listening is not None:
            _stop_later(state.listening, runner)
            state.listening = None

    return end
