"""A hand-over of live frames from the front end's thread to whoever shows or forwards them."""

from __future__ import annotations

import threading
from collections import deque

from drivers.link.traffic import Traffic


class FrameBuffer:
    """Where the front end's thread drops frames; the taker (the GUI thread's monitor, the
    collection service's forwarder) takes them all at once. Only the newest ``cap`` wait: older
    ones could never be on screen anyway; how many were pushed out is counted."""

    def __init__(self, cap: int) -> None:
        self._lock = threading.Lock()
        self._frames: deque[Traffic] = deque(maxlen=cap)
        self._overflow = 0

    def push(self, traffic: Traffic) -> None:  # any thread; no Qt here
        with self._lock:
            if len(self._frames) == self._frames.maxlen:
                self._overflow += 1
            self._frames.append(traffic)

    def take(self) -> tuple[list[Traffic], int]:
        """Everything waiting, oldest first, and how many frames were pushed out unseen."""
        with self._lock:
            frames, overflow = list(self._frames), self._overflow
            self._frames.clear()
            self._overflow = 0
        return frames, overflow

    def __len__(self) -> int:
        with self._lock:
            return len(self._frames)
