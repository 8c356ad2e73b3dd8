"""The administration feature (系统管理): a window part whose API is the installation's facts,
the versioned thresholds and the service's jobs."""

from __future__ import annotations

from console import __version__
from console.admin.api import SystemInfo
from console.admin.service import AdminService
from console.core import operator, paths
from console.core.database import describe_db
from console.core.features import SERVICE_WHERE, FeatureSpec, Infrastructure
from console.core.jobs import JobsApi
from db.engine import sqlite_path
from db.migrate import current_revision
from db.queries.settings import demo_info
from db.queries.topology import active_meter_count


def system_info(infra: Infrastructure) -> SystemInfo:
    settings = infra.settings
    with infra.session_factory() as session:
        meters = active_meter_count(session)
        demo = demo_info(session)
    backup = settings.backup
    backups = None
    if backup.enabled and sqlite_path(infra.db_url) is not None:
        backups = f"{backup.time}|{backup.keep}"
    return SystemInfo(
        version=__version__,
        database=describe_db(infra.db_url),
        schema_revision=current_revision(infra.engine),
        meters=meters,
        demo=None if demo is None else f"{settings.demo.profile}|{demo.seed}",
        config_file=settings.source,
        default_config=paths.default_config_path(),
        log_file=paths.user_log_dir() / "smc.log",
        backup_dir=backup.directory,
        backups=backups,
        service=str(infra.extras.get(SERVICE_WHERE, "")),
        operator=operator.current().name,
    )


class AdminWindowPart:
    def __init__(self, infra: Infrastructure) -> None:
        self.api = AdminService(
            infra.session_factory,
            infra.clock,
            infra.thresholds,
            infra.service("jobs", JobsApi),
            lambda: system_info(infra),
        )

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


FEATURE = FeatureSpec("admin", window=AdminWindowPart)
