"""Keeping CPython's cyclic garbage collector from freezing the window.

A full (generation 2) collection holds the GIL while it walks every tracked object, on whichever
thread triggered it; with Qt, pyqtgraph, SQLAlchemy and an emulated county loaded that walk takes
100 ms and more, and the GUI thread waits it out. Objects that live for the whole session are
therefore moved out of the collector's sight (``freeze_long_lived``), bulk builds of many
acyclic objects run with the collector paused (``paused_gc``), and long passes on worker threads
postpone full collections until they end (``postponed_full_collections``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def freeze_long_lived() -> int:
    """Move every object tracked now into the permanent generation; returns how many.

    They are still freed by reference counting; only reference cycles among them are never
    collected, which is right for modules, classes and session-long services.
    """
    gc.freeze()
    return gc.get_freeze_count()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector for a burst of allocations (it would only walk live objects)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_FULL_NEVER = 2**30  # a gen-1 count no pass reaches


class _Postponement:
    """How many blocks postpone full collections now, and the threshold to put back."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.blocks = 0
        self.saved = 10


_POSTPONEMENT = _Postponement()


@contextmanager
def postponed_full_collections() -> Iterator[None]:
    """No full collection while the block runs (from any number of threads at once).

    For long passes on worker threads (a county's collection): a full collection walks every
    tracked object with the GIL held, 0.2-0.8 s measured, 27-57 times per pass. The young
    generations are still collected as usual, so the objects that survive the pass do not pile
    up in generation 0 for one long walk when it ends (measured: 241 ms when the collector was
    paused outright). Full collections resume at the usual threshold afterwards."""
    state = _POSTPONEMENT
    with state.lock:
        if state.blocks == 0:
            t0, t1, state.saved = gc.get_threshold()
            gc.set_threshold(t0, t1, _FULL_NEVER)
        state.blocks += 1
    try:
        yield
    finally:
        with state.lock:
            state.blocks -= 1
            if state.blocks == 0:
                t0, t1, _postponed = gc.get_threshold()
                gc.set_threshold(t0, t1, state.saved)
