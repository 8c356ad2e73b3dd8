"""The console's side of backups: where they go, which file a URL means, checking and restoring
one. Shared by the daily job, the ``smc db`` tools and the window's recovery."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from console.core import audit_trail
from console.core.config import BackupSettings
from console.core.i18n import translate
from console.maintenance import checkpoints
from db.backup import OK, RestoreResult, integrity_check, restore_sqlite
from db.engine import create_db_engine, make_session_factory, sqlite_path, sqlite_url
from db.errors import BackupError
from db.migrate import is_known_revision, upgrade


class NotSqliteFileError(BackupError):
    """The database is not a SQLite file (a server, or in memory): these tools do not apply."""


def backup_directory(settings: BackupSettings) -> Path:
    """``[backup] dir``, or ``backups`` in the user data directory."""
    return settings.directory


def database_file(url: str) -> Path:
    """The SQLite file behind ``url``; ``NotSqliteFileError`` names the tool to use otherwise."""
    path = sqlite_path(url)
    if path is None:
        if url.startswith("sqlite"):
            raise NotSqliteFileError(
                translate("SmcDb", "an in-memory database has no file to back up or restore")
            )
        raise NotSqliteFileError(
            translate(
                "SmcDb",
                "the database is not a SQLite file: back up a PostgreSQL database with pg_dump "
                "(e.g. pg_dump -Fc -f smc.dump DBNAME) and restore it with pg_restore",
            )
        )
    return path


def check_database(db_file: Path) -> list[str]:
    """The full integrity check: ``["ok"]``, or the problems found."""
    if not db_file.is_file():
        reason = translate("SmcDb", "there is no database file at {path}")
        raise BackupError(reason.format(path=db_file))
    return integrity_check(db_file)


def is_intact(problems: list[str]) -> bool:
    return problems == OK


def restore_database(
    db_file: Path, source: Path, *, backup_dir: Path, now: datetime
) -> RestoreResult:
    """Put the backup ``source`` in place of ``db_file``, keeping the current one in
    ``backup_dir``; a backup from a newer program is refused."""
    result = restore_sqlite(
        source, db_file, backup_dir=backup_dir, now=now, revision_known=is_known_revision
    )
    audit_file(db_file, "database.restore", source.name, now,
               {"source": str(source), "kept": str(result.safety_copy)})  # fmt: skip
    # The restored log is the one to follow now: an older checkpoint would call it cut off.
    checkpoints.note_file(db_file, now, replace=True)
    return result


def audit_file(db_file: Path, action: str, object_id: str, at: datetime, after: object) -> None:
    """An audit entry in the SQLite database ``db_file``, by the acting operator."""
    engine = create_db_engine(sqlite_url(db_file))
    try:
        # A database (or a restored backup) from an older program gets its schema first, as
        # the console's next start would give it: the entry needs today's audit table.
        upgrade(engine)  # nothing to do at today's revision
        with make_session_factory(engine).begin() as session:
            audit_trail.record(session, action=action,
                         object_kind="database", object_id=object_id, before=None,
                         after=after, at=at)  # fmt: skip
    finally:
        engine.dispose()
