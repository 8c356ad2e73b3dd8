"""One thread that runs every emulated device's timed work, on the monotonic clock.

Thousands of emulated meters cost one thread, not one each: devices schedule callbacks
("this frame has fully arrived", "send the reply after the meter's response delay").
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class EmulatorHost:
    def __init__(self, name: str = "emulator") -> None:
        self.name = name
        self._queue: list[tuple[float, int, Callable[..., Any], tuple[Any, ...]]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def start(self) -> None:
        with self._cond:
            if self._thread is not None:
                return
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            thread = self._thread
            self._stopping = True
            self._cond.notify_all()
        if thread is not None:
            thread.join(timeout)
        with self._cond:
            self._thread = None
            self._queue.clear()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def call_at(self, when: float, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` on the host thread at monotonic time ``when`` (thread-safe)."""
        with self._cond:
            heapq.heappush(self._queue, (when, next(self._seq), fn, args))
            if self._queue[0][0] == when:  # new earliest event: wake the host to re-arm its wait
                self._cond.notify()

    def call_later(self, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        self.call_at(time.monotonic() + delay, fn, *args)

    def _run(self) -> None:
        queue = self._queue
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        return
                    now = time.monotonic()
                    if queue and queue[0][0] <= now:
                        _when, _seq, fn, args = heapq.heappop(queue)
                        break
                    self._cond.wait(queue[0][0] - now if queue else None)
            try:
                fn(*args)
            except Exception:  # a broken device must not kill the whole emulator
                log.exception("emulated device callback %r failed", fn)
