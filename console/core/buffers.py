"""A hand-over of live items (frames on a link, log lines) from a producing thread to a taker
that shows or forwards them in batches."""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class NewestBuffer(Generic[T]):
    """Where a producer's thread drops items; the taker (a view's timer, a forwarder to another
    process) takes them all at once. Only the newest ``cap`` wait: older ones could never be
    on screen anyway; how many were pushed out is counted."""

    def __init__(self, cap: int) -> None:
        self._lock = threading.Lock()
        self._items: deque[T] = deque(maxlen=cap)
        self._overflow = 0

    def push(self, item: T) -> None:  # any thread
        with self._lock:
            if len(self._items) == self._items.maxlen:
                self._overflow += 1
            self._items.append(item)

    def extend(self, items: list[T]) -> None:
        with self._lock:
            room = (self._items.maxlen or 0) - len(self._items)
            self._overflow += max(0, len(items) - room)
            self._items.extend(items)

    def take(self) -> tuple[list[T], int]:
        """Everything waiting, oldest first, and how many items were pushed out unseen."""
        with self._lock:
            items, overflow = list(self._items), self._overflow
            self._items.clear()
            self._overflow = 0
        return items, overflow

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
