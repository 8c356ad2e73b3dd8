"""The daily backup: at a time of day, on the job host, a verified copy of the SQLite database
into the backup directory, then the daily backups beyond ``keep`` deleted.

Only files of kind ``daily`` (``<db>-daily-<stamp>.db``) are ever deleted: backups taken by
hand, before an upgrade or before a restore stay until someone removes them.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from console.core.clock import Clock
from console.core.jobs import JobRun, JobSpec, Outcome
from console.maintenance import checkpoints
from console.maintenance.backups import audit_file
from db.backup import DAILY, backup_to_directory, prune_backups
from db.models import RunStatus

log = logging.getLogger(__name__)

JOB_ID = "backup"
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


class DailyBackup:
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
        self.hour, self.minute = hour, minute
        self._clock = clock
        self._lock = threading.Lock()
        self.last: BackupOutcome | None = None

    def job(self) -> JobSpec:
        """The job for the job host, at the set time every day."""
        return JobSpec(
            JOB_ID,
            "maintenance",
            "Daily backup",
            CronTrigger(hour=self.hour, minute=self.minute),
            self._run,
            schedule=f"daily {self.hour:02d}:{self.minute:02d}, the newest {self.keep} kept",
            params={"at": f"{self.hour:02d}:{self.minute:02d}", "keep": str(self.keep),
                    "dir": str(self.directory)},
            misfire_grace_s=MISFIRE_GRACE_S,
        )  # fmt: skip

    def _run(self, _run: JobRun) -> Outcome:
        outcome = self.run_once()
        if isinstance(outcome, BackupFailed):
            return Outcome(RunStatus.FAILED, 1, 0, 1, outcome.message)
        return Outcome(RunStatus.FINISHED, 1, 1, 0, str(outcome.path))

    def run_once(self) -> BackupOutcome:
        """Back up, then apply the retention. A failed backup deletes nothing, so the older
        backups are still there when the newest could not be made."""
        with self._lock:  # run_once is also called directly (tests, tools): one at a time
            try:
                path = backup_to_directory(
                    self.db_file, self.directory, kind=DAILY, now=self._clock.now()
                )
                deleted = prune_backups(self.directory, self.db_file.stem, DAILY, self.keep)
                outcome: BackupOutcome = BackupDone(path, path.stat().st_size, deleted)
                log.info("daily backup %s (%d bytes) written", path, path.stat().st_size)
                self._note(path)
            except Exception as err:
                log.exception("daily backup of %s failed", self.db_file)
                outcome = BackupFailed(f"{type(err).__name__}: {err}")
            self.last = outcome
        return outcome

    def _note(self, path: Path) -> None:
        """The backup in the audit log, the chain's head beside the configuration; the backup
        stands without them."""
        try:
            now = self._clock.now()
            audit_file(self.db_file, "database.backup", path.name, now, {"file": str(path)})
            checkpoints.note_file(self.db_file, now)
        except Exception:
            log.exception("the audit checkpoint of %s could not be noted", self.db_file)
