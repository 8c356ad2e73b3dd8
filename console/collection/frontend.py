"""The console's front end: the 376.1 server, its link states in the database, its frames and
events handed to whoever listens (the message monitor, the event ingest).

The front end's loop thread never touches the database: link states and reported events go
through a queue to one writer thread that stores them every couple of seconds.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from console.collection.concentrators import ConcentratorCollector
from console.core.bus import Health
from console.core.clock import Clock
from console.core.config import FrontEndSettings
from db.engine import writing
from db.ingest import upsert_meter_events
from db.queries.collection import LinkState, concentrator_targets, update_concentrator_links
from db.queries.devices import concentrator_id_of, mark_all_offline
from drivers.gdw376.frontend import (
    EventKind,
    FrontEnd,
    FrontEndOptions,
    TerminalEvent,
)
from drivers.link.traffic import Traffic

log = logging.getLogger(__name__)

FLUSH_S = 2.0
MAX_PENDING = 10_000


class FrontEndService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: FrontEndSettings,
        clock: Clock,
    ) -> None:
        self._sf = session_factory
        self.settings = settings
        self._clock = clock
        self.front = FrontEnd(
            FrontEndOptions(
                timeout_s=settings.timeout_s,
                retries=settings.retries,
                max_in_flight=settings.max_in_flight,
                heartbeat_timeout_s=settings.heartbeat_timeout_min * 60.0,
            ),
            on_event=self._on_event,
            on_traffic=self._on_traffic,
            now=clock.now,
        )
        self.collector: ConcentratorCollector | None = None  # for reported events
        self._traffic_listeners: list[Callable[[Traffic], None]] = []
        self._event_listeners: list[Callable[[TerminalEvent], None]] = []
        self._queue: queue.SimpleQueue[TerminalEvent | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self.address: tuple[str, int] | None = None

    def start(self) -> tuple[str, int]:
        with self._sf.begin() as session:
            mark_all_offline(session)
        self._writer = threading.Thread(target=self._write_loop, name="frontend-db", daemon=True)
        self._writer.start()
        self.address = self.front.listen(self.settings.host, self.settings.port)
        return self.address

    def stop(self) -> None:
        self.front.stop()
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join(10)
            self._writer = None

    # ------------------------------------------------------------------ listeners
    def add_traffic_listener(self, listener: Callable[[Traffic], None]) -> None:
        self._traffic_listeners = [*self._traffic_listeners, listener]

    def remove_traffic_listener(self, listener: Callable[[Traffic], None]) -> None:
        self._traffic_listeners = [x for x in self._traffic_listeners if x is not listener]

    def add_event_listener(self, listener: Callable[[TerminalEvent], None]) -> None:
        self._event_listeners = [*self._event_listeners, listener]

    def _on_traffic(self, traffic: Traffic) -> None:
        for listener in self._traffic_listeners:
            try:
                listener(traffic)
            except Exception:
                log.exception("traffic listener failed")

    def _on_event(self, event: TerminalEvent) -> None:
        self._queue.put(event)
        for listener in self._event_listeners:
            try:
                listener(event)
            except Exception:
                log.exception("front-end event listener failed")

    # ------------------------------------------------------------------ the writer thread
    def _write_loop(self) -> None:
        """Store what arrived every ``FLUSH_S``. A write that fails (the database busy for
        longer than its timeout while a collection pass writes) is tried again with the next
        flush: link states and reported events are idempotent, nothing is dropped."""
        pending: list[TerminalEvent] = []
        health = Health(log, "storing the front end's link states and reports")
        while True:
            stop = self._gather(pending)
            if pending:
                try:
                    self._write(pending)
                except Exception as err:  # logged once, and once more when it works again
                    health.failed(f"{len(pending)} waiting: {type(err).__name__}: {err}")
                else:
                    pending = []
                    health.ok()
            if stop:
                if pending:
                    log.error("%d front-end events are lost at shutdown", len(pending))
                return

    def _gather(self, pending: list[TerminalEvent]) -> bool:
        """Add what arrives to ``pending`` for at most ``FLUSH_S`` after the first of it (a
        steady trickle of heartbeats must not put the write off for ever; a failed write is
        tried again after ``FLUSH_S``); True when told to stop."""
        deadline = time.monotonic() + FLUSH_S if pending else None
        while len(pending) < MAX_PENDING:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                return False
            if item is None:
                return True
            pending.append(item)
            if deadline is None:
                deadline = time.monotonic() + FLUSH_S
        return False

    def _write(self, events: list[TerminalEvent]) -> None:
        states = [
            LinkState(e.key, online, e.at if online else None, e.remote or None)
            for e in events
            if e.kind != EventKind.REPORT
            for online in (e.kind not in (EventKind.OFFLINE, EventKind.LOGOUT),)
        ]
        reports = [e for e in events if e.kind == EventKind.REPORT]
        with writing(self._sf) as session:
            update_concentrator_links(session, states)
            if reports and self.collector is not None:
                for event in reports:
                    cid = concentrator_id_of(session, *event.key)
                    if cid is None:
                        continue
                    targets = concentrator_targets(session, concentrator_ids=[cid])
                    if targets:
                        rows = self.collector.event_rows(targets[0], event.units)
                        upsert_meter_events(session, rows)
