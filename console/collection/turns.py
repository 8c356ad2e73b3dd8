"""Taking turns on a meter's own link: one RS-485 bus (a serial port, a ``loop://`` link) has one
owner at a time, and the collection pass reads a bus's meters one after another for seconds or
minutes. A 点抄 on the same bus must neither fail on the busy port nor wait for the whole bus:
the pass gives the link up between two meters when a 点抄 is waiting, and takes it back after.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from drivers.errors import TransportError

INTERACTIVE_WAIT_S = 30.0  # a 点抄 waits this long for its turn (one meter's exchange at most)


class LinkBusyError(TransportError):
    """The link stayed taken for longer than an interactive read waits."""


class LinkTurn:
    """One link's turns: a pass holds it for a run of meters, an interactive read for one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._waiting = 0  # interactive reads waiting for the link

    @property
    def wanted(self) -> bool:
        """An interactive read waits: the pass should give the link up before its next meter."""
        return self._waiting > 0

    def take(self) -> None:
        """The pass: wait until nobody holds the link and no interactive read waits."""
        with self._cond:
            self._cond.wait_for(lambda: not self._busy and self._waiting == 0)
            self._busy = True

    def give_back(self) -> None:
        with self._cond:
            self._busy = False
            self._cond.notify_all()

    @contextmanager
    def interactive(self, url: str, timeout_s: float = INTERACTIVE_WAIT_S) -> Iterator[None]:
        """Hold the link for one interactive read, ahead of the pass's next meter."""
        with self._cond:
            self._waiting += 1
            try:
                if not self._cond.wait_for(lambda: not self._busy, timeout_s):
                    raise LinkBusyError(
                        f"link {url} stayed busy for {timeout_s:.0f} s; try again later"
                    )
                self._busy = True
            finally:
                self._waiting -= 1
        try:
            yield
        finally:
            self.give_back()


class LinkTurns:
    """The turns of every link this process reads, by link URL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._turns: dict[str, LinkTurn] = {}

    def of(self, url: str) -> LinkTurn:
        with self._lock:
            turn = self._turns.get(url)
            if turn is None:
                turn = self._turns[url] = LinkTurn()
            return turn
