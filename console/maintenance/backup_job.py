"""The daily backup: at a time of day, on a worker thread (APScheduler 3), a verified copy of
the SQLite database into the backup directory, then the daily backups beyond ``keep`` deleted.

Only files of kind ``daily`` (``<db>-daily-<stamp>.db``) are ever deleted: backups taken by
hand, before an upgrade or before a restore stay until someone removes them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from console.core.clock import Clock
from db.backup import DAILY, backup_to_directory, prune_backups

log = logging.getLogger(__name__)

JOB_ID = "daily-backup"
# A machine asleep or busy at the set time still backs up if it wakes within this many seconds.
MISFIRE_GRACE_S = 3 * 3600


@dataclass(frozen=True, slots=True)
class BackupDone:
    path: Path
    size: int
    deleted: list[Path] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BackupFailed:
    message: str


BackupOutcome = BackupDone | BackupFailed
Listener = Callable[[BackupOutcome], None]


class BackupJob:
    def __init__(
        self,
        db_file: Path,
        directory: Path,
        *,
        hour: int,
        minute: int,
        keep: int,
        clock: Clock,
    ) -> None:
        self.db_file = db_file
        self.directory = directory
        self.keep = keep
        self._clock = clock
        self.trigger = CronTrigger(hour=hour, minute=minute)
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_S,
            },
        )
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self.last: BackupOutcome | None = None

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @property
    def next_run_time(self) -> datetime | None:
        job = self._scheduler.get_job(JOB_ID)
        return job.next_run_time if job is not None else None

    def start(self) -> None:
        self._scheduler.add_job(self.run_once, self.trigger, id=JOB_ID, replace_existing=True)
        self._scheduler.start()
        log.info(
            "daily backup of %s into %s, next at %s, keeping %d",
            self.db_file,
            self.directory,
            self.next_run_time,
            self.keep,
        )

    def run_now(self) -> None:
        """Take a daily backup on the worker thread as soon as possible (it must be started)."""
        self._scheduler.modify_job(JOB_ID, next_run_time=datetime.now().astimezone())

    def shutdown(self) -> None:
        """Stop scheduling; a backup being written is finished first (never left half-done)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def run_once(self) -> BackupOutcome:
        """The job itself: back up, then apply the retention. A failed backup deletes nothing,
        so the older backups are still there when the newest could not be made."""
        with self._lock:  # run_once is also called directly (tests, tools): one at a time
            try:
                path = backup_to_directory(
                    self.db_file, self.directory, kind=DAILY, now=self._clock.now()
                )
                deleted = prune_backups(self.directory, self.db_file.stem, DAILY, self.keep)
                outcome: BackupOutcome = BackupDone(path, path.stat().st_size, deleted)
                log.info("daily backup %s (%d bytes) written", path, path.stat().st_size)
            except Exception as err:
                log.exception("daily backup of %s failed", self.db_file)
                outcome = BackupFailed(f"{type(err).__name__}: {err}")
            self.last = outcome
        for listener in list(self._listeners):
            try:
                listener(outcome)
            except Exception:
                log.exception("backup listener failed on %r", outcome)
        return outcome
