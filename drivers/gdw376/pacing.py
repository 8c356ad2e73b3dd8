"""How the front end paces its requests: how many are in flight at once across every
concentrator, and how long an attempt waits before it is re-sent (from the round trips seen).

Both exist because of what happens under load. Every concentrator asked at once puts one
request per concentrator (3,100 in a county) in front of whatever answers them; when answering
them all takes longer than a timeout, every request times out together, and the re-sends only
add work. A bound on the requests in flight keeps that queue short; a timeout that follows the
round trips actually seen re-sends a lost frame quickly on a fast link without giving up
earlier on a slow one (see ``FrontEnd.arequest``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

# RFC 6298's gains: the smoothed round trip moves 1/8 of the way to each sample, its mean
# deviation 1/4; the timeout is the smoothed round trip plus four deviations.
_ALPHA = 0.125
_BETA = 0.25
_K = 4.0


@dataclass(slots=True)
class RoundTrip:
    """One concentrator's round trip as seen from the front end (RFC 6298's estimator): the
    smoothed round trip and its mean deviation, in seconds; ``None`` before any sample."""

    srtt: float | None = None
    rttvar: float = 0.0
    samples: int = 0

    def add(self, sample: float) -> None:
        """A measured round trip: from one attempt's frame sent to its whole answer."""
        sample = max(0.0, sample)
        if self.srtt is None:
            self.srtt, self.rttvar = sample, sample / 2
        else:
            self.rttvar = (1 - _BETA) * self.rttvar + _BETA * abs(self.srtt - sample)
            self.srtt = (1 - _ALPHA) * self.srtt + _ALPHA * sample
        self.samples += 1

    def timeout(self, floor: float, ceiling: float) -> float:
        """How long to wait for an answer before re-sending: SRTT + 4·RTTVAR within
        [``floor``, ``ceiling``]; ``ceiling`` while nothing has been measured."""
        if self.srtt is None:
            return ceiling
        return min(ceiling, max(floor, self.srtt + _K * self.rttvar))


class InFlight:
    """A bound on the requests in flight at once, shared by every concentrator. Requests over
    the bound wait their turn, first come first served; an ``urgent`` one (a dispatcher's
    on-demand read) never waits behind a pass, though it counts while it is in flight.

    Used on one event loop only (the front end's)."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"at least one request must be allowed in flight, got {limit}")
        self.limit = limit
        self.count = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def waiting(self) -> int:
        return sum(not w.done() for w in self._waiters)

    async def acquire(self, *, urgent: bool = False) -> None:
        if urgent or (self.count < self.limit and not self._waiters):
            self.count += 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter  # release() counted this request in before waking it
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # woken and cancelled at once: pass the slot on
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            raise

    def release(self) -> None:
        self.count -= 1
        while self._waiters and self.count < self.limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.count += 1
                waiter.set_result(None)

    @contextlib.asynccontextmanager
    async def slot(self, *, urgent: bool = False) -> AsyncIterator[None]:
        await self.acquire(urgent=urgent)
        try:
            yield
        finally:
            self.release()
