"""One owner per bus: serialises request/reply exchanges on a link, with timeouts and retries.

An RS-485 bus is half-duplex and single-master, so every exchange holds the bus lock from the
request's first byte to the reply's last. Frame completion comes from the protocol's decoder
(length fields), never from waiting for a silence.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from drivers.errors import FrameError, MeterTimeoutError
from drivers.link.base import Transport

F = TypeVar("F")
F_co = TypeVar("F_co", covariant=True)


class FrameStream(Protocol[F_co]):
    # Sequence, not list: a list is invariant, and the frame type only ever comes out.
    def feed(self, data: bytes) -> Sequence[F_co | FrameError]: ...


class Exchange(Protocol, Generic[F]):
    """What a protocol request offers the bus (see ``drivers.dlt645.session.ReadRequest``)."""

    def encode(self) -> bytes: ...

    def new_decoder(self) -> FrameStream[F]: ...

    def matches(self, frame: F) -> bool: ...

    def describe(self) -> str: ...


_link_locks: weakref.WeakKeyDictionary[Transport, threading.RLock] = weakref.WeakKeyDictionary()
_link_locks_guard = threading.Lock()


def link_lock(transport: Transport) -> threading.RLock:
    """The one lock of a link: every ``Bus`` and conversation on ``transport`` shares it, so
    several clients (meters) on one RS-485 line take turns however they were created."""
    with _link_locks_guard:
        lock = _link_locks.get(transport)
        if lock is None:
            lock = _link_locks[transport] = threading.RLock()
        return lock


@dataclass(frozen=True, slots=True)
class BusOptions:
    timeout_s: float = 1.0  # per attempt, from the request's write to the reply's last byte
    retries: int = 1  # extra attempts after the first
    inter_frame_gap_s: float = (
        0.0  # quiet time between the end of one exchange and the next request
    )

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError(f"timeout must be positive, got {self.timeout_s}")
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, got {self.retries}")
        if self.inter_frame_gap_s < 0:
            raise ValueError(f"inter-frame gap must be >= 0, got {self.inter_frame_gap_s}")


@dataclass(slots=True)
class BusStats:
    exchanges: int = 0
    attempts: int = 0
    timeouts: int = 0
    frame_errors: int = 0
    bytes_out: int = 0
    bytes_in: int = 0


class Bus:
    """The single owner of ``transport``. Thread-safe: concurrent callers queue on the bus lock."""

    def __init__(self, transport: Transport, options: BusOptions | None = None) -> None:
        self.transport = transport
        self.options = options or BusOptions()
        self.stats = BusStats()
        self._lock = link_lock(transport)
        self._quiet_since = 0.0

    @property
    def name(self) -> str:
        return self.transport.url

    def transact(self, exchange: Exchange[F]) -> F:
        """Send the request and return its reply frame, retrying on silence or corrupt replies."""
        opts = self.options
        request = exchange.encode()
        with self._lock:
            self.stats.exchanges += 1
            last_error: FrameError | None = None
            for _attempt in range(opts.retries + 1):
                self._discard_stale_input()
                self._respect_gap()
                self.stats.attempts += 1
                self.transport.write(request)
                self.stats.bytes_out += len(request)
                outcome = self._await_reply(exchange, time.monotonic() + opts.timeout_s)
                self._quiet_since = time.monotonic()
                if outcome is None:
                    self.stats.timeouts += 1
                elif isinstance(outcome, FrameError):
                    self.stats.frame_errors += 1
                    last_error = outcome
                else:
                    return outcome
            attempts = opts.retries + 1
            if last_error is not None:
                raise type(last_error)(
                    last_error.kind,
                    f"{self.name}: {exchange.describe()}: corrupt reply after {attempts} "
                    f"attempt(s): {last_error}",
                ) from last_error
            raise MeterTimeoutError(
                f"{self.name}: {exchange.describe()}: no reply within {opts.timeout_s:g} s "
                f"({attempts} attempt(s))"
            )

    @contextmanager
    def conversation(self) -> Iterator[Transport]:
        """Hold the link for a multi-message dialogue (IEC 62056-21 sign-on, identification,
        baud switch and readout) that no other exchange may interrupt."""
        with self._lock:
            self._discard_stale_input()
            self._respect_gap()
            try:
                yield self.transport
            finally:
                self._quiet_since = time.monotonic()

    def broadcast(self, request: bytes) -> None:
        """Send a request nobody answers (a broadcast), in turn with the bus's exchanges."""
        with self._lock:
            self._discard_stale_input()
            self._respect_gap()
            self.transport.write(request)
            self.stats.bytes_out += len(request)
            self._quiet_since = time.monotonic()

    def _await_reply(self, exchange: Exchange[F], deadline: float) -> F | FrameError | None:
        """The matching reply, the first corrupt frame heard, or ``None`` at the deadline."""
        decoder = exchange.new_decoder()
        while True:
            chunk = self.transport.read(512, deadline)
            if not chunk:
                return None
            self.stats.bytes_in += len(chunk)
            for item in decoder.feed(chunk):
                if isinstance(item, FrameError):
                    # The device has spoken and it came out garbled: retry now, not at the deadline.
                    return item
                if exchange.matches(item):
                    return item
                # Anything else (our own echo on a 2-wire bus, another device's frame) is ignored.

    def _discard_stale_input(self) -> None:
        """Drop late replies to an earlier, timed-out request so they are not taken for this one."""
        while True:
            stale = self.transport.read(4096, time.monotonic())
            if not stale:
                return
            self.stats.bytes_in += len(stale)

    def _respect_gap(self) -> None:
        gap = self.options.inter_frame_gap_s
        if gap:
            remaining = self._quiet_since + gap - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)
