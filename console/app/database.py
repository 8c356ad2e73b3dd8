"""The database made ready for a start: checked (a damaged SQLite file is not opened), upgraded
(after a backup), and given the demo county when the demo is on and the database is empty."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.service import Accounts
from console.core.clock import Clock, SystemClock
from console.core.config import Settings, with_overrides
from console.core.database import resolve_db_url
from console.core.operator import Operator
from console.core.roles import Role
from console.demo.generator import (
    DemoCounty,
    DemoError,
    generate_demo_county,
    generation_unfinished,
)
from console.demo.profiles import PROFILES
from console.maintenance.backups import database_file, restore_database
from db.backup import RestoreResult, ensure_intact
from db.engine import (
    check_writable,
    create_db_engine,
    make_session_factory,
    sqlite_path,
    sqlite_url,
)
from db.errors import DatabaseCorruptError
from db.migrate import UpgradeResult, upgrade
from db.models import SupplyStation
from db.queries.settings import demo_info
from db.queries.topology import active_meter_count

__all__ = [
    "Database",
    "DatabaseCorruptError",
    "Progress",
    "StartupStage",
    "damaged_database",
    "open_database",
    "prepare_database",
    "restore_backup",
    "with_database_file",
]
log = logging.getLogger(__name__)


class StartupStage(StrEnum):
    DATABASE = "database"
    DEMO_TOPOLOGY = "demo.topology"
    DEMO_HISTORY = "demo.history"
    DEMO_SAVING = "demo.saving"
    SERVICE = "service"
    READY = "ready"


Progress = Callable[[StartupStage, int, int], None]


def no_progress(_stage: StartupStage, _done: int, _total: int) -> None:
    pass


@dataclass
class Database:
    """An open, current database."""

    url: str
    engine: Engine
    session_factory: sessionmaker[Session]
    migration: UpgradeResult | None  # None: not upgraded here (a running service did it)
    demo_created: DemoCounty | None = None


def open_database(url: str) -> Database:
    """The database as it is (a running service keeps it current)."""
    engine = create_db_engine(url)
    return Database(url, engine, make_session_factory(engine), None)


def prepare_database(
    settings: Settings, *, clock: Clock | None = None, progress: Progress = no_progress
) -> Database:
    """Check, open, upgrade and (demo) populate the configured database.

    A SQLite file that fails ``PRAGMA quick_check`` raises ``DatabaseCorruptError`` (naming the
    newest backup) before anything writes to it, migrations included; a database a newer
    program wrote raises ``DatabaseTooNewError``."""
    clock = clock or SystemClock()
    url = resolve_db_url(settings)
    backups = settings.backup.directory
    progress(StartupStage.DATABASE, 0, 1)
    db_file = sqlite_path(url)
    if db_file is not None:
        check_writable(db_file)  # before the integrity check, which cannot tell "damaged" apart
        ensure_intact(db_file, backup_dir=backups)
    engine = create_db_engine(url)
    try:
        migration = upgrade(engine, backup_dir=backups)
        session_factory = make_session_factory(engine)
        demo_created = None
        if settings.demo.enabled:
            demo_created = _ensure_demo(settings, session_factory, clock, progress)
    except BaseException:
        engine.dispose()
        raise
    return Database(url, engine, session_factory, migration, demo_created)


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
    county = generate_demo_county(
        session_factory,
        profile=profile,
        seed=settings.demo.seed,
        now=clock.now(),
        history_days=settings.demo.history_days,
        dead_meter_ratio=settings.demo.dead_meter_ratio,
        progress=lambda stage, done, total: report(_DEMO_STAGES[stage], done, total),
    )
    if settings.demo.accounts:
        create_demo_accounts(Accounts(session_factory, clock), session_factory)
    return county


DEMO_PASSWORD = "Demo2026"
DEMO_ACCOUNTS = (  # login, name, role, scope: the first supply station's code, or the county
    ("admin", "系统管理员", Role.ADMINISTRATOR, False),
    ("diaodu", "县调度员", Role.DISPATCHER, False),
    ("banzhang", "营销班长", Role.SUPERVISOR, False),
    ("jingli", "台区经理", Role.FIELD, True),
    ("chakan", "只读用户", Role.VIEWER, False),
)


def create_demo_accounts(accounts: Accounts, session_factory: sessionmaker[Session]) -> None:
    """The demo's documented accounts, unless the database has users already."""
    if accounts.has_users():
        return
    with session_factory() as session:
        station = session.scalar(select(SupplyStation.code).order_by(SupplyStation.code))
    by: Operator | None = None  # the first, the administrator, needs no one to add it
    for login, name, role, one_station in DEMO_ACCOUNTS:
        scope = [station] if one_station and station else []
        accounts.add_user(by, login, name=name, role=role, stations=scope,
                          password=DEMO_PASSWORD)  # fmt: skip
        by = Operator("demo", "demo", Role.ADMINISTRATOR)  # the generator, in the audit log
    log.info("demo accounts created: %s", ", ".join(a[0] for a in DEMO_ACCOUNTS))


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
        backup_dir=settings.backup.directory,
        now=(clock or SystemClock()).now(),
    )
