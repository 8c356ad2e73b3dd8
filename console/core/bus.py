"""The event bus: typed events published from any thread, delivered in order on the bus's own
thread to the handlers subscribed to their type.

An event is any frozen dataclass (``db.changes`` holds what a commit changed; features define
their own). ``publish`` never blocks and never runs a handler on the caller's thread, so the
ingest path and the front end can publish from their hot loops. Handlers must be quick: one
that has real work to do hands it to its own worker. A handler that raises is logged once, and
once more when it works again (``Health``), not on every event.

Bridges carry events between processes (the service's channel to its windows, PostgreSQL's
LISTEN/NOTIFY between workstations): they see every event as an ``Envelope`` naming the bus it
was first published on, and hand foreign ones back with ``deliver``; an event that comes back
to its own bus, or arrives twice by two routes, is dropped.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")
Unsubscribe = Callable[[], None]
SEEN_MAX = 4096  # foreign envelopes remembered to drop a second copy


@dataclass(frozen=True, slots=True)
class Envelope:
    """An event as it travels: ``origin`` names the bus that first published it, ``seq`` its
    number there, ``published_at`` the wall-clock time of publishing (``time.time()``), so a
    subscriber in another process can tell how late it arrives."""

    event: Any
    origin: str
    seq: int
    published_at: float


class Health:
    """A source's failures logged once and its recovery once: a dead link or a failing handler
    does not flood the log with the same error on every try."""

    def __init__(self, logger: logging.Logger, source: str) -> None:
        self._log = logger
        self.source = source
        self.failing = False
        self.failures = 0

    def failed(self, message: str, *, exc_info: bool = False) -> None:
        self.failures += 1
        if not self.failing:
            self.failing = True
            self._log.error("%s: %s", self.source, message, exc_info=exc_info)
        else:
            self._log.debug("%s (again): %s", self.source, message)

    def ok(self) -> None:
        if self.failing:
            self.failing = False
            self._log.info("%s: recovered after %d failure(s)", self.source, self.failures)
            self.failures = 0


class _Subscription:
    __slots__ = ("handler", "health", "kinds")

    def __init__(self, kinds: tuple[type, ...], handler: Callable[[Any], None], name: str) -> None:
        self.kinds = kinds
        self.handler = handler
        self.health = Health(log, f"event handler {name}")


class EventBus:
    """Thread-safe publish/subscribe with one delivery thread (started by ``start``)."""

    def __init__(self, origin: str | None = None, *, name: str = "bus") -> None:
        self.origin = origin or uuid.uuid4().hex[:12]
        self.name = name
        self._lock = threading.Lock()
        self._typed: list[_Subscription] = []
        self._bridges: list[_Subscription] = []
        self._by_type: dict[type, tuple[_Subscription, ...]] = {}
        self._queue: queue.SimpleQueue[Envelope | Callable[[], None] | None] = queue.SimpleQueue()
        self._seq = itertools.count(1)
        self._seen: OrderedDict[tuple[str, int], None] = OrderedDict()
        self._thread: threading.Thread | None = None
        self.delivered = 0

    # ------------------------------------------------------------------ subscribing
    def subscribe(
        self,
        kinds: type[E] | tuple[type, ...],
        handler: Callable[[E], None],
        *,
        name: str | None = None,
    ) -> Unsubscribe:
        """Call ``handler(event)`` on the bus thread for every event that is an instance of
        ``kinds``; returns the function that ends the subscription."""
        types = kinds if isinstance(kinds, tuple) else (kinds,)
        label = name or str(getattr(handler, "__qualname__", "handler"))
        sub = _Subscription(types, handler, label)
        with self._lock:
            self._typed.append(sub)
            self._by_type.clear()
        return lambda: self._remove(self._typed, sub)

    def subscribe_envelopes(
        self, handler: Callable[[Envelope], None], *, name: str = "bridge"
    ) -> Unsubscribe:
        """Every event, wrapped, in publishing order (bridges between processes)."""
        sub = _Subscription((object,), handler, name)
        with self._lock:
            self._bridges.append(sub)
        return lambda: self._remove(self._bridges, sub)

    def _remove(self, subs: list[_Subscription], sub: _Subscription) -> None:
        with self._lock:
            if sub in subs:
                subs.remove(sub)
            self._by_type.clear()

    # ------------------------------------------------------------------ publishing
    def next_seq(self) -> int:
        """A sequence number for an event about to be published (``publish(seq=...)``): a
        commit announces its changes to other processes before it publishes them here."""
        return next(self._seq)

    def publish(self, event: object, *, seq: int | None = None) -> Envelope:
        """Queue ``event`` for delivery (any thread, never blocks)."""
        envelope = Envelope(event, self.origin, seq or next(self._seq), time.time())
        self._queue.put(envelope)
        return envelope

    def deliver(self, envelope: Envelope) -> bool:
        """Queue an event that a bridge brought from another bus; False when it is this bus's
        own or was delivered before (it arrived by a second route)."""
        if envelope.origin == self.origin:
            return False
        key = (envelope.origin, envelope.seq)
        with self._lock:
            if key in self._seen:
                return False
            self._seen[key] = None
            if len(self._seen) > SEEN_MAX:
                self._seen.popitem(last=False)
        self._queue.put(envelope)
        return True

    # ------------------------------------------------------------------ the delivery thread
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"{self.name}", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Deliver what is queued, then stop."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything published before this call has been delivered."""
        if self._thread is None:
            return self._queue.empty()
        done = threading.Event()
        self._queue.put(done.set)
        return done.wait(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if callable(item):
                item()
                continue
            self._dispatch(item)

    def _handlers(self, kind: type) -> tuple[_Subscription, ...]:
        with self._lock:
            subs = self._by_type.get(kind)
            if subs is None:
                subs = tuple(s for s in self._typed if issubclass(kind, s.kinds))
                self._by_type[kind] = subs
            return subs

    def _dispatch(self, envelope: Envelope) -> None:
        self.delivered += 1
        for sub in self._handlers(type(envelope.event)):
            _call(sub, envelope.event)
        with self._lock:
            bridges = tuple(self._bridges)
        for sub in bridges:
            _call(sub, envelope)


def _call(sub: _Subscription, arg: object) -> None:
    try:
        sub.handler(arg)
    except Exception as err:
        sub.health.failed(f"{type(err).__name__}: {err}", exc_info=True)
    else:
        if sub.health.failing:
            sub.health.ok()
