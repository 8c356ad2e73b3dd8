"""Bootstrap and wiring: database, migrations, demo county, emulator, collection, services.

Qt-free, so the GUI runs it on a worker thread behind a progress dialog and the command line
can use it directly. ``bootstrap`` returns an ``AppContext`` holding every running service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.collection.scheduler import CollectionScheduler
from console.collection.service import CollectionOptions, CollectionService, CollectionSummary
from console.core import paths
from console.core.clock import Clock, SystemClock
from console.core.config import Settings
from console.core.database import describe_db, resolve_db_url
from console.demo.fleet import start_demo_fleet
from console.demo.generator import DemoCounty, demo_info, generate_demo_county
from console.demo.profiles import PROFILES
from console.monitoring.panorama import PanoramaService
from db.engine import create_db_engine, make_session_factory
from db.migrate import UpgradeResult, upgrade
from db.models import RunStatus
from db.queries.collection import latest_run
from db.queries.topology import active_meter_count
from drivers.emulator.fleet import LoopFleet

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
    _stopped: bool = field(default=False, repr=False)

    @property
    def db_label(self) -> str:
        return describe_db(self.db_url)

    def start_collection(self) -> None:
        if self.scheduler is not None:
            self.scheduler.start(run_now=True)

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
        if self.fleet is not None:
            self.fleet.stop()
        self.engine.dispose()
        log.info("console services stopped")


def bootstrap(
    settings: Settings, *, clock: Clock | None = None, progress: Progress | None = None
) -> AppContext:
    """Open (and upgrade) the database, create the demo county if asked and absent, start the
    emulator; the collection scheduler is created but not started (``start_collection``)."""
    report = progress or (lambda _stage, _done, _total: None)
    clock = clock or SystemClock()
    url = resolve_db_url(settings)
    report(StartupStage.DATABASE, 0, 1)
    engine = create_db_engine(url)
    fleet: LoopFleet | None = None
    try:
        migration = upgrade(engine, backup_dir=paths.backup_dir())
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
