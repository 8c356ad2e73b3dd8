"""Keeping CPython's cyclic garbage collector from freezing the window.

A full (generation 2) collection holds the GIL while it walks every tracked object, on whichever
thread triggered it; with Qt, pyqtgraph, SQLAlchemy and an emulated county loaded that walk takes
100 ms and more, and the GUI thread waits it out. Objects that live for the whole session are
therefore moved out of the collector's sight (``freeze_long_lived``), and bulk builds of many
acyclic objects run with the collector paused (``paused_gc``).
"""

from __future__ import annotations

import gc
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
