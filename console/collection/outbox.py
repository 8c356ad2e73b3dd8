"""What a concentrator pass's coroutines hand to the thread that stores it: batches of rows, the
bounded queue they travel in, and the tally of what the pass came to.

The coroutines run on the front end's loop; the writer is the pass's calling thread.
"""

from __future__ import annotations

import asyncio
import queue
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from db.ingest import AttemptRow, EventRow, FreezeRow, IntervalRow, MeterReadState
from db.models import AttemptResult


@dataclass(slots=True)
class Started:
    """When a read began: when its request's first frame went out (the front end calls
    ``sent`` then), not when it began waiting for its turn."""

    clock: Callable[[], datetime]
    again: bool = False  # the pass's second try at these meters, at its end
    at: datetime = field(init=False)
    t0: float = field(init=False)  # monotonic, for the duration

    def __post_init__(self) -> None:
        self.sent()

    def sent(self) -> None:
        self.at, self.t0 = self.clock(), time.monotonic()

    @property
    def ms(self) -> int:
        return round((time.monotonic() - self.t0) * 1000)


@dataclass(slots=True)
class Batch:
    freezes: list[FreezeRow] = field(default_factory=list)
    points: list[IntervalRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    attempts: list[AttemptRow] = field(default_factory=list)
    states: list[MeterReadState] = field(default_factory=list)
    # Attempts that timed out and will be made once more at the end of the pass: stored as
    # what happened, counted by the attempt that settles the meter.
    provisional: list[AttemptRow] = field(default_factory=list)
    settled: int = 0  # of ``attempts``: those made again at the end of the pass

    def extend(self, other: Batch) -> None:
        self.freezes += other.freezes
        self.points += other.points
        self.events += other.events
        self.attempts += other.attempts
        self.states += other.states
        self.provisional += other.provisional
        self.settled += other.settled

    def __len__(self) -> int:
        return len(self.attempts) + len(self.provisional)


@dataclass(slots=True)
class Tally:
    ok: int = 0
    failed: int = 0
    stored: int = 0
    retried: int = 0  # meters whose request timed out: to be asked again at the end
    settled: int = 0  # of those, the meters asked again
    counts: Counter[str] = field(default_factory=Counter)  # each meter's last result

    def count(self, batch: Batch) -> None:
        for a in batch.attempts:
            self.counts[a.result] += 1
            if a.result == AttemptResult.OK:
                self.ok += 1
            else:
                self.failed += 1
        self.retried += len(batch.provisional)
        self.settled += batch.settled

    def close(self) -> None:
        """The pass is over: a timeout that was not followed by a second try (the pass was
        stopped first) is the meter's last word."""
        unsettled = self.retried - self.settled
        if unsettled > 0:
            self.failed += unsettled
            self.counts[AttemptResult.TIMEOUT] += unsettled
            self.retried -= unsettled
            self.settled = self.retried


class Outbox:
    """Results on their way from the coroutines to the writer thread. The coroutines wait
    (``room``) while the writer is more than ``limit`` meters behind: what is in flight stays
    bounded however fast the concentrators answer."""

    def __init__(self, limit: int) -> None:
        self.queue: queue.SimpleQueue[Batch | None] = queue.SimpleQueue()
        self.limit = limit
        self._backlog = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._room: asyncio.Future[None] | None = None  # waited on while the writer lags

    def __call__(self, batch: Batch) -> None:
        with self._lock:
            self._backlog += len(batch)
        self.queue.put(batch)

    def close(self) -> None:
        self.queue.put(None)

    def taken(self, rows: int) -> None:
        with self._lock:
            self._backlog -= rows
            wake = self._backlog <= self.limit and self._room is not None
        if wake and self._loop is not None:
            self._loop.call_soon_threadsafe(self._release)

    def abandon(self) -> None:
        """The writer has stopped: nobody waits for room any more (they see the cancel)."""
        with self._lock:
            self.limit = sys.maxsize
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._release)

    def _release(self) -> None:
        if self._room is not None and not self._room.done():
            self._room.set_result(None)

    async def room(self) -> None:
        while True:
            with self._lock:  # either the writer sees this future, or this sees its progress
                if self._backlog <= self.limit:
                    return
                if self._room is None or self._room.done():
                    self._loop = asyncio.get_running_loop()
                    self._room = self._loop.create_future()
                waiting = self._room
            await waiting
