"""The service process: the event bus, the one job host and the features' service parts (the
front end, collection, backups, later the warning engine), and the authenticated channel
windows attach through. It runs beside a window (started by the first window on this machine,
stopped when the last one leaves: ``owned``) or alone as ``smc service`` on a server.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence

from console import __version__
from console.app import features as feature_list
from console.app.database import Database
from console.app.host import FeatureHost
from console.core import operator
from console.core.bus import EventBus
from console.core.changes import PostgresListener, publish_commits
from console.core.clock import Clock
from console.core.config import Settings
from console.core.database import describe_db
from console.core.events import FrontEndListening
from console.core.features import Exposed, FeatureSpec, Infrastructure, Process
from console.core.jobs import JobCommands, JobHost, JobsApi
from console.core.rpc import RpcServer, Welcome
from console.core.thresholds import ThresholdBook
from db.engine import is_sqlite

log = logging.getLogger(__name__)

FIRST_WINDOW_WAIT_S = 120.0  # an owned service that no window attaches to stops after this


class ServiceProcess:
    """The service side, built in this process (``start`` starts it)."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        clock: Clock,
        *,
        bus: EventBus | None = None,
        acting: operator.Operator = operator.SERVICE,
        features: Sequence[FeatureSpec] | None = None,
    ) -> None:
        self.settings = settings
        self.database = database
        self.bus = bus or EventBus(name="service-bus")
        self.exposed = Exposed()
        sf = database.session_factory
        self.jobs = JobHost(database.engine, sf, self.bus, clock)
        self.infra = Infrastructure(
            settings=settings,
            clock=clock,
            db_url=database.url,
            engine=database.engine,
            session_factory=sf,
            bus=self.bus,
            operator=acting,
            thresholds=ThresholdBook(sf, self.bus),
            jobs=self.jobs,
            exposed=self.exposed,
        )
        self.exposed.api("jobs", JobCommands(self.jobs, sf, clock), JobsApi)
        self.frontend: tuple[str, int] | None = None
        self.bus.subscribe(FrontEndListening, self._frontend_listening, name="service")
        self._stop_publishing = publish_commits(sf, self.bus, notify=not is_sqlite(database.url))
        self._listener = (
            None if is_sqlite(database.url) else PostgresListener(database.url, self.bus)
        )
        self.host = FeatureHost(
            self.infra, feature_list.FEATURES if features is None else features, Process.SERVICE
        )
        self.server: RpcServer | None = None
        self.address: tuple[str, int] | None = None
        self.stopped = threading.Event()
        self._owned = False
        self._attached_once = threading.Event()

    def _frontend_listening(self, event: FrontEndListening) -> None:
        self.frontend = (event.host, event.port)

    def start(
        self,
        *,
        listen: tuple[str, int] | None = None,
        secret: bytes | None = None,
        owned: bool = False,
    ) -> tuple[str, int] | None:
        """Start the bus, the service parts, the jobs and (with ``listen``) the channel;
        returns where windows attach. ``owned``: stop when the last window has left."""
        self.bus.start()
        if self._listener is not None:
            self._listener.start()
        self.host.start()
        self.jobs.start()
        if listen is not None:
            assert secret is not None
            self._owned = owned
            self.server = RpcServer(
                self.bus,
                self.exposed,
                secret,
                self._welcome,
                on_attach=lambda _n: self._attached_once.set(),
                on_detach=self._detached,
            )
            self.address = self.server.start(*listen)
            log.info("the service listens for windows on %s:%d", *self.address)
            if owned:
                threading.Thread(target=self._watch_first, name="first-window", daemon=True).start()
        return self.address

    def _welcome(self) -> Welcome:
        return Welcome(
            origin=self.bus.origin,
            version=__version__,
            database=describe_db(self.database.url),
            pid=os.getpid(),
            host=socket.gethostname(),
            frontend=self.frontend,
            features=tuple(name for name, _part in self.host.parts),
        )

    def _detached(self, windows: int, _asked_to_stop: bool) -> None:
        if self._owned and windows == 0:
            log.info("the last window has left: the service stops")
            self.stopped.set()

    def _watch_first(self) -> None:
        if not self._attached_once.wait(FIRST_WINDOW_WAIT_S) and not self.stopped.is_set():
            log.warning("no window attached in %g s: the service stops", FIRST_WINDOW_WAIT_S)
            self.stopped.set()

    def stop(self) -> None:
        """Stop taking windows, cancel and wait for running jobs, stop the parts and the bus."""
        if self.server is not None:
            self.server.stop()
        self.jobs.shutdown()
        self.host.stop()
        if self._listener is not None:
            self._listener.stop()
        self._stop_publishing()
        self.bus.stop()
        self.stopped.set()

    def wait(self, stop: threading.Event | None = None) -> None:
        """Until the service is told to stop (``stop``) or, owned, its last window leaves."""
        while not self.stopped.wait(0.5):
            if stop is not None and stop.is_set():
                return


Announce = Callable[[str], None]
