"""A window's side of the console: its database connection, its event bus, its way to the
service (a service already running for the database, one it starts, a server's, or the
service parts built in its own process), and the features' window parts whose APIs its views
receive.

Qt-free: the GUI runs ``start_window`` on a worker thread behind a progress dialog.
"""

from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass, field
from typing import Any

from console.app import features, runtime
from console.app.database import (
    Database,
    Progress,
    StartupStage,
    no_progress,
    open_database,
    prepare_database,
)
from console.app.host import FeatureHost
from console.app.service import ServiceProcess
from console.app.spawn import SpawnError, spawn_service
from console.core import operator
from console.core.bus import EventBus
from console.core.changes import PostgresListener, publish_commits
from console.core.channel import AuthenticationError, ChannelError
from console.core.clock import Clock, SystemClock
from console.core.config import Settings
from console.core.database import describe_db, resolve_db_url
from console.core.features import SERVICE_WHERE, Infrastructure, LocalServices, Process
from console.core.jobs import JobsApi
from console.core.rpc import RemoteServices, RpcClient, Welcome
from console.core.scope import Level, OrgUnit
from console.core.thresholds import ThresholdBook
from db.engine import is_sqlite
from db.errors import DatabaseTooNewError
from db.migrate import current_revision, head_revision, is_known_revision
from db.queries.topology import org_units

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """The window cannot start; the message says what is wrong and what to do. ``problem``
    names the kind (``console.app.problems``) and ``params`` its particulars, for a window
    that words it in its own language."""

    def __init__(self, problem: str, message: str, **params: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.params = params


@dataclass
class WindowContext:
    """One running window's services."""

    settings: Settings
    clock: Clock
    database: Database
    infra: Infrastructure
    host: FeatureHost
    where: str  # where the service runs, as people read it
    service: ServiceProcess | None = None  # the service parts in this very process
    client: RpcClient | None = None  # the channel to the service process
    spawned: subprocess.Popen[bytes] | None = None
    welcome: Welcome | None = None
    _extra_stops: list[Any] = field(default_factory=list)
    _stopped: bool = False

    @property
    def apis(self) -> dict[str, Any]:
        return self.host.apis

    @property
    def bus(self) -> EventBus:
        return self.infra.bus

    @property
    def jobs(self) -> JobsApi:
        return self.infra.service("jobs", JobsApi)

    @property
    def db_label(self) -> str:
        return describe_db(self.database.url)

    def org_units(self) -> list[OrgUnit]:
        """Counties and their supply stations, for the scope box (a query: not on the GUI
        thread)."""
        with self.database.session_factory() as session:
            units = org_units(session)
        mine = operator.current().stations
        if mine is None:
            return units
        # A station's operator chooses among their stations; the county's figures hold the
        # others' too.
        return [u for u in units if u.level is Level.STATION and u.id in mine]

    def become(self, who: operator.Operator) -> None:
        """``who`` signed in: this window's actions, here and in the service, are theirs."""
        operator.set_process_operator(who)
        self.infra.operator = who
        if self.client is not None:
            self.client.announce(who)

    def shutdown(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.host.stop()
        if self.client is not None:
            self.client.close(stop_service=self.spawned is not None)
        if self.service is not None:
            self.service.stop()
        for stop in reversed(self._extra_stops):
            stop()
        if self.service is None:
            self.infra.bus.stop()
        self.database.engine.dispose()
        log.info("window services stopped")


def in_process(settings: Settings, clock: Clock) -> bool:
    """Whether the service parts run in the window's own process: when asked to, and with a
    test's fixed clock (it cannot follow the window into another process)."""
    return not settings.service.separate_process or not isinstance(clock, SystemClock)


def start_window(
    settings: Settings,
    *,
    clock: Clock | None = None,
    progress: Progress = no_progress,
    log_level: int = logging.INFO,
) -> WindowContext:
    """Make the database ready (or find it kept ready by a running service), reach the
    service, build the window parts; raises ``StartupError`` (or a database error the window
    offers a way out of) when the console cannot start."""
    clock = clock or SystemClock()
    operator.set_process_operator(operator.Operator.workstation_user())
    if in_process(settings, clock):
        return _in_process(settings, clock, progress)
    return _attached(settings, clock, progress, log_level)


def _in_process(settings: Settings, clock: Clock, progress: Progress) -> WindowContext:
    database = prepare_database(settings, clock=clock, progress=progress)
    progress(StartupStage.SERVICE, 0, 1)
    service = ServiceProcess(settings, database, clock, acting=operator.current())
    infra = service.infra
    infra.services = LocalServices(service.exposed)
    infra.extras[SERVICE_WHERE] = "window"
    try:
        host = FeatureHost(infra, features.FEATURES, Process.WINDOW)
        service.start()
        host.start()
    except BaseException:
        service.stop()
        database.engine.dispose()
        raise
    progress(StartupStage.READY, 1, 1)
    return WindowContext(settings, clock, database, infra, host, "window", service=service)


def _attached(
    settings: Settings, clock: Clock, progress: Progress, log_level: int
) -> WindowContext:
    url = resolve_db_url(settings)
    bus = EventBus(name="window-bus")
    bus.start()
    secret = runtime.service_secret(settings)
    database: Database | None = None
    spawned: subprocess.Popen[bytes] | None = None
    client: RpcClient | None = None
    try:
        remote = settings.service.attach_address
        if remote is not None:
            client = _connect(*remote, secret, bus, remote=True)
        else:
            client = _local_service(url, secret, bus)
            if client is None:  # none runs for this database: make it ready, start one
                database = prepare_database(settings, clock=clock, progress=progress)
                progress(StartupStage.SERVICE, 0, 1)
                try:
                    found = spawn_service(settings, log_level)
                except SpawnError as err:
                    raise StartupError(
                        "service_failed", f"the console's service could not start: {err}",
                        reason=str(err),
                    ) from err  # fmt: skip
                spawned = found.process
                client = _connect(found.host, found.port, secret, bus, remote=False)
        if database is None:
            database = open_database(url)
            _check_schema(database)
        assert client is not None
        return _window(settings, clock, database, bus, client, spawned=spawned, progress=progress)
    except BaseException:
        if spawned is not None:
            spawned.terminate()
        if database is not None:
            database.engine.dispose()
        bus.stop()
        raise


def _window(
    settings: Settings,
    clock: Clock,
    database: Database,
    bus: EventBus,
    client: RpcClient,
    *,
    spawned: subprocess.Popen[bytes] | None,
    progress: Progress,
) -> WindowContext:
    welcome = client.welcome
    where = f"{client.address} (pid {welcome.pid}, {welcome.host})" if welcome else client.address
    infra = Infrastructure(
        settings=settings,
        clock=clock,
        db_url=database.url,
        engine=database.engine,
        session_factory=database.session_factory,
        bus=bus,
        operator=operator.current(),
        thresholds=ThresholdBook(database.session_factory, bus),
        services=RemoteServices(client),
        extras={SERVICE_WHERE: where},
    )
    stops = [publish_commits(database.session_factory, bus, notify=not is_sqlite(database.url))]
    if not is_sqlite(database.url):
        listener = PostgresListener(database.url, bus)
        listener.start()
        stops.append(listener.stop)
    host = FeatureHost(infra, features.FEATURES, Process.WINDOW)
    host.start()
    progress(StartupStage.READY, 1, 1)
    return WindowContext(
        settings, clock, database, infra, host, where, client=client, spawned=spawned,
        welcome=welcome, _extra_stops=stops,
    )  # fmt: skip


def _local_service(url: str, secret: bytes, bus: EventBus) -> RpcClient | None:
    """The client of the service already running for ``url`` on this machine, if any."""
    record = runtime.read_record(url)
    if record is None:
        return None
    try:
        return _connect(record.host, record.port, secret, bus, remote=False)
    except StartupError:
        log.info("the service record of pid %d is stale: starting a new service", record.pid)
        return None


def _connect(host: str, port: int, secret: bytes, bus: EventBus, *, remote: bool) -> RpcClient:
    client = RpcClient(host, port, secret, bus)
    try:
        client.connect()
    except AuthenticationError as err:
        raise StartupError(
            "service_secret",
            f"{err}. The window and the service need the same [service] secret"
            + ("" if remote else " (or none: this machine's own is used)"),
            address=f"{host}:{port}",
        ) from err
    except ChannelError as err:
        where = "the server's service" if remote else "the console's service"
        raise StartupError(
            "service_unreachable",
            f"cannot reach {where} at {host}:{port}: {err}"
            + (". Is `smc service` running there, and [service] attach right?" if remote else ""),
            address=f"{host}:{port}",
        ) from err
    return client


def _check_schema(database: Database) -> None:
    current = current_revision(database.engine)
    if current is not None and not is_known_revision(current):
        raise DatabaseTooNewError(
            f"the database is at schema revision {current}, which this program does not know "
            f"(it knows up to {head_revision()}): update this console",
            current,
        )
    if current != head_revision():
        raise StartupError(
            "schema_behind",
            f"the database is at schema revision {current}, this console needs "
            f"{head_revision()}: update the service (smc service) to this version, which "
            "upgrades it",
            current=str(current),
            needed=head_revision(),
        )
