"""The maintenance feature: the daily backup of a SQLite database, a job of the service
process (a PostgreSQL server is backed up with pg_dump instead)."""

from __future__ import annotations

import logging

from console.core.features import FeatureSpec, Infrastructure
from console.maintenance.backup_job import DailyBackup
from console.maintenance.backups import backup_directory
from db.engine import sqlite_path

log = logging.getLogger(__name__)


def daily_backup(infra: Infrastructure) -> DailyBackup | None:
    """The daily backup the settings ask for; ``None`` when off or not a SQLite file."""
    settings = infra.settings.backup
    if not settings.enabled:
        return None
    db_file = sqlite_path(infra.db_url)
    if db_file is None:
        log.info("no daily backup of a database server: back it up with pg_dump")
        return None
    hour, minute = settings.hour_minute
    return DailyBackup(
        db_file,
        backup_directory(settings),
        hour=hour,
        minute=minute,
        keep=settings.keep,
        clock=infra.clock,
    )


class MaintenanceServicePart:
    def __init__(self, infra: Infrastructure) -> None:
        self.backup = daily_backup(infra)
        if self.backup is not None and infra.jobs is not None:
            infra.jobs.add(self.backup.job())

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


FEATURE = FeatureSpec("maintenance", service=MaintenanceServicePart)
