"""What commits change, on the event bus: every commit of a session factory publishes its
changes (``db.changes``) on the process's bus; on PostgreSQL each change is also NOTIFYed
inside the transaction (delivered with the commit, never without it), and every process
LISTENs, so windows and services on other workstations hear of changes made anywhere.

A NOTIFY carries the change with the bus's origin and the sequence number it is published
under here, so a process that hears it twice (from the service's channel and from the
database) or hears its own drops the copy (``EventBus.deliver``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from console.core.bus import Envelope, EventBus, Health
from db import changes
from db.changes import Change

log = logging.getLogger(__name__)

CHANNEL = "smc_events"
NOTIFY_LIMIT = 7_500  # PostgreSQL's payload limit is 8,000 bytes
LISTEN_RETRY_S = 5.0


def publish_commits(
    factory: sessionmaker[Session], bus: EventBus, *, notify: bool = False
) -> Callable[[], None]:
    """Publish what each commit changed on ``bus`` (and NOTIFY it on PostgreSQL when
    ``notify``); returns the function that stops it."""

    def before(session: Session, pending: list[Change]) -> list[int]:
        seqs = [bus.next_seq() for _ in pending]
        if notify:
            now = time.time()
            for change, seq in zip(pending, seqs, strict=True):
                payload = json.dumps(
                    {"o": bus.origin, "s": seq, "t": now,
                     "c": changes.to_json(change, limit=NOTIFY_LIMIT - 200)},
                    separators=(",", ":"),
                )  # fmt: skip
                session.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": payload})
        return seqs

    def after(changed: list[Change], seqs: Any) -> None:
        for i, change in enumerate(changed):
            bus.publish(change, seq=seqs[i] if seqs else None)

    return changes.on_commit(factory, after, before_commit=before)


def decode_notification(payload: str) -> Envelope:
    """The envelope a NOTIFY carried; ``ValueError`` if it is not one of ours."""
    try:
        data = json.loads(payload)
        return Envelope(changes.from_json(data["c"]), str(data["o"]), int(data["s"]), data["t"])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"not a console event: {payload[:80]!r}") from err


class PostgresListener:
    """LISTENs on the database server and hands other processes' changes to ``bus``."""

    def __init__(self, url: str, bus: EventBus) -> None:
        # psycopg itself takes the libpq form of the URL.
        parsed = make_url(url).set(drivername="postgresql")
        self._conninfo = parsed.render_as_string(hide_password=False)
        self._bus = bus
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._health = Health(log, "the database's change notifications")
        self.listening = threading.Event()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="pg-listen", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        import psycopg  # noqa: PLC0415  (the postgres extra; only a PostgreSQL console needs it)

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self._health.ok()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._deliver(note.payload)
            except Exception as err:  # the server went away: try again, logged once
                self.listening.clear()
                self._health.failed(f"{type(err).__name__}: {err}")
                self._stop.wait(LISTEN_RETRY_S)

    def _deliver(self, payload: str) -> None:
        try:
            envelope = decode_notification(payload)
        except ValueError as err:
            log.warning("%s", err)
            return
        self._bus.deliver(envelope)
