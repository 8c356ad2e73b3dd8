"""Bootstrap and wiring: database check, migrations, demo county, emulator, collection, daily
backup, services.

Qt-free, so the GUI runs it on a worker thread behind a progress dialog and the command line
can use it directly. ``bootstrap`` returns an ``AppContext`` holding every running service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import CollectionConsole
from console.collection.frontend import FrontEndService
from console.collection.jobs import ConcentratorJobs
from console.collection.remote import CollectionProcess, ServiceError
from console.collection.scheduler import CollectionScheduler
from console.collection.service import CollectionOptions, CollectionService, CollectionSummary
from console.collection.stack import build_stack
from console.core.clock import Clock, SystemClock
from console.core.config import Settings, with_overrides
from console.core.database import describe_db, resolve_db_url
from console.demo.concentrators import concentrators_from_db
from console.demo.fleet import start_demo_fleet
from console.demo.generator import (
    DemoCounty,
    DemoError,
    demo_info,
    generate_demo_county,
    generation_unfinished,
)
from console.demo.profiles import PROFILES
from console.maintenance.backup_job import BackupJob
from console.maintenance.backups import backup_directory, database_file, restore_database
from console.monitoring.panorama import PanoramaService
from db.backup import RestoreResult, ensure_intact
from db.engine import create_db_engine, make_session_factory, sqlite_path, sqlite_url
from db.errors import DatabaseCorruptError
from db.migrate import UpgradeResult, upgrade
from db.models import RunStatus
from db.queries.collection import latest_run
from db.queries.topology import active_meter_count
from drivers.emulator.concentrators import ConcentratorFleet
from drivers.emulator.fleet import LoopFleet
from drivers.errors import DriverError
from drivers.gdw376.emulated import ConcentratorOptions

log = logging.getLogger(__name__)


class StartupStage(StrEnum):
    DATABASE = "database"
    DEMO_TOPOLOGY = "demo.topology"
    DEMO_HISTORY = "demo.history"
    DEMO_SAVING = "demo.saving"
    EMULATOR = "emulator"
    READY = "ready"


Progress = Callable[[StartupStage, int, int], None]


@dataclass
class AppContext:
    settings: Settings
    db_url: str
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    panorama: PanoramaService
    collection: CollectionService
    scheduler: CollectionScheduler | None
    fleet: LoopFleet | None
    migration: UpgradeResult
    demo_created: DemoCounty | None = None
    meters: int = 0
    backup_job: BackupJob | None = None
    frontend: FrontEndService | None = None
    jobs: ConcentratorJobs | None = None
    collection_console: CollectionConsole | None = None
    # [frontend] separate_process: the front end, collector and jobs run in this child process.
    collection_process: CollectionProcess | None = None
    # Demo: emulated concentrators dialling in to the front end (started with it).
    start_demo_concentrators: Callable[[tuple[str, int]], Callable[[], None]] | None = None
    _stop_demo_concentrators: Callable[[], None] | None = field(default=None, repr=False)
    _stopped: bool = field(default=False, repr=False)

    @property
    def db_label(self) -> str:
        return describe_db(self.db_url)

    @property
    def backup_dir(self) -> Path:
        """Where backups go: ``[backup] dir`` or the user data directory's ``backups``."""
        return backup_directory(self.settings.backup)

    def start_collection(self) -> None:
        if self.scheduler is not None:
            self.scheduler.start(run_now=True)
        self.start_frontend()

    def start_frontend(self) -> None:
        """Listen for concentrators (``[frontend]``), let the demo's emulated ones dial in, and
        start the concentrator jobs (``[schedule]``)."""
        if self.collection_process is not None:
            self._start_collection_process(self.collection_process)
            return
        if self.frontend is None:
            return
        try:
            address = self.frontend.start()
        except DriverError as err:
            log.error("the concentrator front end is not running: %s", err)
            return
        log.info("front end: concentrators dial in to %s:%d", *address)
        if self.start_demo_concentrators is not None:
            self._stop_demo_concentrators = self.start_demo_concentrators(address)
        if self.jobs is not None:
            self.jobs.start()

    def _start_collection_process(self, process: CollectionProcess) -> None:
        """Spawn the collection service (returns at once); the demo's concentrators dial in
        once it listens, and its jobs start after that."""

        def ready(address: tuple[str, int]) -> None:
            log.info("front end (collection service): concentrators dial in to %s:%d", *address)
            if self.start_demo_concentrators is not None and not self._stopped:
                self._stop_demo_concentrators = self.start_demo_concentrators(address)

        process.on_ready = ready
        try:
            process.start()
        except ServiceError as err:  # 采集监控 shows the error on every call
            log.error("%s", err)

    def start_backups(self) -> None:
        """Schedule the daily backup (``[backup]``; SQLite only)."""
        if self.backup_job is not None:
            self.backup_job.start()

    def last_run(self) -> CollectionSummary | None:
        """The newest finished run in the database (from this or an earlier session)."""
        with self.session_factory() as session:
            row = latest_run(session, finished_only=True)
        if row is None or row.finished_at is None:
            return None
        return CollectionSummary(
            row.id,
            row.trigger,
            row.started_at.date(),
            row.started_at,
            row.finished_at,
            RunStatus(row.status),
            row.meters_planned,
            row.meters_ok,
            row.meters_failed,
            0,
        )

    def shutdown(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.scheduler is not None:
            self.scheduler.shutdown()
        if self.jobs is not None:
            self.jobs.shutdown()
        if self.collection_process is not None:
            self.collection_process.stop()
        if self._stop_demo_concentrators is not None:
            self._stop_demo_concentrators()
        if self.frontend is not None:
            self.frontend.stop()
        if self.backup_job is not None:
            self.backup_job.shutdown()  # waits for a backup being written
        if self.fleet is not None:
            self.fleet.stop()
        self.engine.dispose()
        log.info("console services stopped")


def bootstrap(
    settings: Settings, *, clock: Clock | None = None, progress: Progress | None = None
) -> AppContext:
    """Check, open (and upgrade) the database, create the demo county if asked and absent,
    start the emulator; the collection scheduler and the daily backup are created but not
    started (``start_collection``, ``start_backups``).

    A SQLite file that fails ``PRAGMA quick_check`` raises ``DatabaseCorruptError`` (naming the
    newest backup) before anything writes to it, migrations included.
    """
    report = progress or (lambda _stage, _done, _total: None)
    clock = clock or SystemClock()
    url = resolve_db_url(settings)
    backups = backup_directory(settings.backup)
    report(StartupStage.DATABASE, 0, 1)
    db_file = sqlite_path(url)
    if db_file is not None:
        ensure_intact(db_file, backup_dir=backups)
    engine = create_db_engine(url)
    fleet: LoopFleet | None = None
    try:
        migration = upgrade(engine, backup_dir=backups)
        session_factory = make_session_factory(engine)
        demo_created = None
        if settings.demo.enabled:
            demo_created = _ensure_demo(settings, session_factory, clock, report)
            report(StartupStage.EMULATOR, 0, 1)
            fleet = start_demo_fleet(
                session_factory,
                clock.now,
                reply_delay_s=settings.demo.reply_delay_ms / 1000,
                baudrate=settings.demo.baudrate or None,
            )
        collection = CollectionService(
            session_factory,
            clock,
            CollectionOptions(
                workers=settings.collection.workers,
                timeout_s=settings.collection.timeout_s,
                retries=settings.collection.retries,
            ),
        )
        abandoned = collection.recover()
        if abandoned:
            log.warning("%d collection run(s) were left unfinished by the last session", abandoned)
        scheduler = None
        if settings.collection.enabled:
            scheduler = CollectionScheduler(collection, interval_s=settings.collection.interval_s)
        backup_job = _make_backup_job(settings, url, backups, clock)
        frontend, jobs, monitor, process = _make_frontend(
            settings, url, session_factory, engine, clock
        )
        with session_factory() as session:
            meters = active_meter_count(session)
    except BaseException:
        # Nothing of a failed start keeps running: no emulator threads, no open connections.
        if fleet is not None:
            fleet.stop()
        engine.dispose()
        raise
    report(StartupStage.READY, 1, 1)
    return AppContext(
        settings=settings,
        db_url=url,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        panorama=PanoramaService(session_factory, clock),
        collection=collection,
        scheduler=scheduler,
        fleet=fleet,
        migration=migration,
        demo_created=demo_created,
        meters=meters,
        backup_job=backup_job,
        frontend=frontend,
        jobs=jobs,
        collection_console=monitor,
        collection_process=process,
        start_demo_concentrators=(
            _demo_concentrators(session_factory, clock, fleet) if fleet is not None else None
        ),
    )


def _demo_concentrators(
    session_factory: sessionmaker[Session], clock: Clock, meters: LoopFleet
) -> Callable[[tuple[str, int]], Callable[[], None]]:
    """The demo's concentrators, emulated over the same meters as its DL/T 645 buses, dialling
    in to the front end once it listens; the function returned stops them."""

    def start(address: tuple[str, int]) -> Callable[[], None]:
        host = "127.0.0.1" if address[0] in ("0.0.0.0", "::") else address[0]
        fleet = ConcentratorFleet(
            concentrators_from_db(
                session_factory, clock.now, ConcentratorOptions(latency_s=0.05),
                cores=meters.cores,
            )
        )  # fmt: skip
        fleet.connect(host, address[1])
        fleet.start()
        log.info("demo: %d emulated concentrators dial in", len(fleet.concentrators))
        return fleet.stop

    return start


def _make_frontend(
    settings: Settings,
    url: str,
    session_factory: sessionmaker[Session],
    engine: Engine,
    clock: Clock,
) -> tuple[
    FrontEndService | None,
    ConcentratorJobs | None,
    CollectionConsole | None,
    CollectionProcess | None,
]:
    """The front end, the concentrator jobs and 采集监控's service (none started yet): in a
    process of their own (``[frontend] separate_process``), or in this one."""
    if not settings.frontend.enabled:
        return None, None, None, None
    # A test's clock cannot follow the window's into another process: only the system's can.
    if settings.frontend.separate_process and isinstance(clock, SystemClock):
        process = CollectionProcess(settings, url, clock)
        return None, None, process.console, process
    frontend, jobs, monitor = build_stack(settings, session_factory, engine, clock)
    return frontend, jobs, monitor, None


def _make_backup_job(settings: Settings, url: str, backups: Path, clock: Clock) -> BackupJob | None:
    if not settings.backup.enabled:
        return None
    db_file = sqlite_path(url)
    if db_file is None:
        log.info("no daily backup of %s: back up a server with pg_dump", describe_db(url))
        return None
    hour, minute = settings.backup.hour_minute
    return BackupJob(
        db_file, backups, hour=hour, minute=minute, keep=settings.backup.keep, clock=clock
    )


def damaged_database(err: BaseException) -> DatabaseCorruptError | None:
    """The damaged-database error behind a failed start, for the window to offer a way out."""
    return err if isinstance(err, DatabaseCorruptError) else None


def with_database_file(settings: Settings, path: Path) -> Settings:
    """``settings`` opening the SQLite file ``path`` instead (the window's "open another")."""
    return with_overrides(settings, db_url=sqlite_url(path))


def restore_backup(
    settings: Settings, backup: Path, *, clock: Clock | None = None
) -> RestoreResult:
    """Put ``backup`` in place of the configured SQLite database (the current one is kept in
    the backup directory); the window's way out of a damaged database."""
    return restore_database(
        database_file(resolve_db_url(settings)),
        backup,
        backup_dir=backup_directory(settings.backup),
        now=(clock or SystemClock()).now(),
    )


_DEMO_STAGES = {
    "topology": StartupStage.DEMO_TOPOLOGY,
    "history": StartupStage.DEMO_HISTORY,
    "saving": StartupStage.DEMO_SAVING,
}


def _ensure_demo(
    settings: Settings, session_factory: sessionmaker[Session], clock: Clock, report: Progress
) -> DemoCounty | None:
    with session_factory() as session:
        if generation_unfinished(session):  # the window was closed while the county was made
            raise DemoError(
                "the demo county in this database was never finished (the console stopped "
                "while it was being made); delete the database file, or start with --db "
                "another file, and the demo county is made again"
            )
        if demo_info(session) is not None or active_meter_count(session):
            return None  # a demo county exists, or the database holds real data: leave it
    profile = PROFILES[settings.demo.profile]
    log.info("creating the %s demo county (%d meters)", profile.name, profile.meters)
    return generate_demo_county(
        session_factory,
        profile=profile,
        seed=settings.demo.seed,
        now=clock.now(),
        history_days=settings.demo.history_days,
        dead_meter_ratio=settings.demo.dead_meter_ratio,
        progress=lambda stage, done, total: report(_DEMO_STAGES[stage], done, total),
    )
