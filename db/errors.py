"""The database layer's exception tree."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


class DatabaseError(Exception):
    """Base of every error raised by ``db``."""


class DatabaseTooNewError(DatabaseError):
    """The database was written by a newer program whose schema this one does not know."""

    def __init__(self, message: str, revision: str = "") -> None:
        super().__init__(message)
        self.revision = revision


class MigrationError(DatabaseError):
    """Upgrading the schema failed; the message says which step and where the backup is."""


class IngestError(DatabaseError):
    """A batch could not be stored (a row broke a constraint: unknown meter, bad value); the
    message names the table and the database's reason. The caller's transaction rolls back, so
    nothing of the batch is kept."""


class DatabaseCorruptError(DatabaseError):
    """A SQLite file failed its integrity check. ``problems`` are the check's first lines;
    ``newest_backup`` (with the time it was taken) is the way back, if there is one."""

    def __init__(
        self,
        path: Path,
        problems: list[str],
        newest_backup: Path | None = None,
        newest_backup_at: datetime | None = None,
    ) -> None:
        self.path = path
        self.problems = problems
        self.newest_backup = newest_backup
        self.newest_backup_at = newest_backup_at
        first = "; ".join(problems[:3]) or "no result"
        if newest_backup is not None:
            way_out = (
                f"The newest backup is {newest_backup}"
                + (f" ({newest_backup_at:%Y-%m-%d %H:%M})" if newest_backup_at else "")
                + f": restore it with `smc db restore {newest_backup}`, or open another "
                "database with --db."
            )
        else:
            way_out = "There is no backup of it; open another database with --db."
        super().__init__(
            f"the database file {path} is damaged (integrity check: {first}). {way_out}"
        )


class DatabaseUnwritableError(DatabaseError):
    """The SQLite file, or the directory it is in (WAL mode writes files beside it), cannot be
    written by this user: nothing was opened, nothing changed."""

    def __init__(self, path: Path, where: Path, reason: str) -> None:
        self.path = path
        self.where = where  # the file or the directory that cannot be written
        self.reason = reason
        super().__init__(
            f"the database {path} cannot be used: {where} is not writable ({reason}). Open "
            "the console on a database in a writable place (--db sqlite:///PATH, or [database] "
            "url), or give this user write access there"
        )


class BackupError(DatabaseError):
    """A backup or restore could not be made or was refused; nothing was overwritten."""
