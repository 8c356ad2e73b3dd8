"""SQLite backups, restores and integrity checks, all through SQLite's online backup API.

The API copies a consistent snapshot while other connections go on reading and writing (WAL),
and a restore writes through SQLite's own pager, so connections open on the live file see it.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.errors import BackupError, DatabaseCorruptError

log = logging.getLogger(__name__)

# Kinds of backup, part of the file name: ``<db stem>-<kind>-<YYYYmmdd-HHMMSS>[-N].db``.
# Retention only ever deletes files of the kind its job writes (``DAILY``).
DAILY = "daily"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"  # the database as it was just before a restore replaced it
STAMP_FORMAT = "%Y%m%d-%H%M%S"
SUFFIX = ".db"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0
OK = ["ok"]


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    kind: str
    taken_at: datetime


@dataclass(frozen=True, slots=True)
class RestoreResult:
    revision: str  # the schema revision of what was restored
    safety_copy: Path | None  # the database as it was before, None if there was none


def backup_name(stem: str, kind: str, when: datetime) -> str:
    return f"{stem}-{kind}-{when.strftime(STAMP_FORMAT)}{SUFFIX}"


def _name_pattern(stem: str) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(stem)}-(?P<kind>[A-Za-z0-9_-]+?)-(?P<stamp>\d{{8}}-\d{{6}})(?:-\d+)?"
        rf"{re.escape(SUFFIX)}$"
    )


def list_backups(directory: Path, stem: str, kinds: set[str] | None = None) -> list[BackupFile]:
    """Backups of the database named ``stem`` in ``directory``, oldest first. Only files that
    follow our naming are listed: anything else in the directory is not ours."""
    if not directory.is_dir():
        return []
    pattern = _name_pattern(stem)
    found = []
    for path in directory.iterdir():
        match = pattern.match(path.name)
        if match is None or not path.is_file():
            continue
        if kinds is not None and match["kind"] not in kinds:
            continue
        try:
            taken_at = datetime.strptime(match["stamp"], STAMP_FORMAT)
        except ValueError:  # 20261399-...: looks like ours, but no file of ours is named so
            continue
        found.append(BackupFile(path, match["kind"], taken_at))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name))


def newest_backup(directory: Path, stem: str) -> BackupFile | None:
    """The newest backup to go back to. Safety copies taken before a restore are left out:
    they hold whatever the restore replaced, often the damaged database itself."""
    usable = [b for b in list_backups(directory, stem) if b.kind != BEFORE_RESTORE]
    return usable[-1] if usable else None


def prune_backups(directory: Path, stem: str, kind: str, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups of ``kind``; returns what was deleted."""
    backups = list_backups(directory, stem, {kind})
    doomed = backups[: max(len(backups) - keep, 0)]
    for backup in doomed:
        backup.path.unlink(missing_ok=True)
        log.info("deleted old backup %s", backup.path)
    return [b.path for b in doomed]


def unique_path(directory: Path, name: str) -> Path:
    """``directory / name``, or ``stem-2.db``, ``stem-3.db``... if taken (same second)."""
    candidate = directory / name
    number = 2
    while candidate.exists():
        candidate = directory / f"{Path(name).stem}-{number}{Path(name).suffix}"
        number += 1
    return candidate


def _connect_ro(path: Path) -> sqlite3.Connection:
    """Read-only, so checking or restoring from a file never changes it."""
    uri = path.resolve().as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy a live SQLite database with the online backup API (consistent even while written).

    The whole copy is one step, so it is one snapshot: in WAL mode writers go on meanwhile.
    The copy is switched out of WAL, so it is a single self-contained file. A copy that fails
    halfway is removed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    existed = target.exists()
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_S)
    try:
        dst = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except BaseException:
        if not existed:
            target.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    return target


def integrity_check(path: Path, *, quick: bool = False, limit: int = 20) -> list[str]:
    """``PRAGMA integrity_check`` (or the faster ``quick_check``, which skips index contents)
    on a file, read-only. ``["ok"]`` when intact; otherwise at most ``limit`` problem lines,
    SQLite's error when it cannot even read the file ("file is not a database")."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        conn = _connect_ro(path)
        try:
            rows = conn.execute(f"PRAGMA {pragma}({int(limit)})").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        return [str(err)]
    lines = [line for (text,) in rows for line in str(text).splitlines()]
    return [line for line in lines if not line.startswith("*** in database")] or ["no result"]


def backup_to_file(source: Path, target: Path) -> Path:
    """Back ``source`` up to the new file ``target``, then run ``integrity_check`` on the copy.
    A copy that is not "ok" is deleted and ``BackupError`` names the problem."""
    if not source.is_file():
        raise BackupError(f"there is no database file at {source}")
    if target.exists():
        raise BackupError(f"{target} exists already; name a new file or a directory")
    try:
        backup_sqlite(source, target)
    except (sqlite3.Error, OSError) as err:
        raise BackupError(f"backing up {source} to {target} failed: {err}") from err
    problems = integrity_check(target)
    if problems != OK:
        target.unlink(missing_ok=True)
        raise BackupError(
            f"the copy of {source} failed its integrity check ({'; '.join(problems[:3])}) and "
            "was deleted: the database itself is probably damaged (check it with smc db check)"
        )
    return target


def backup_to_directory(source: Path, directory: Path, *, kind: str, now: datetime) -> Path:
    """``backup_to_file`` into ``directory`` (created if missing), named by ``backup_name``."""
    directory.mkdir(parents=True, exist_ok=True)
    return backup_to_file(source, unique_path(directory, backup_name(source.stem, kind, now)))


def ensure_intact(path: Path, *, backup_dir: Path | None) -> None:
    """``PRAGMA quick_check`` on a database file before it is opened for use; raises
    ``DatabaseCorruptError`` naming the newest backup in ``backup_dir``. A missing or empty
    file is a new database, not a damaged one."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    problems = integrity_check(path, quick=True, limit=10)
    if problems == OK:
        return
    newest = newest_backup(backup_dir, path.stem) if backup_dir is not None else None
    raise DatabaseCorruptError(
        path,
        problems,
        newest.path if newest else None,
        newest.taken_at if newest else None,
    )


def read_revision(path: Path) -> str:
    """The schema revision of a database file of ours; ``BackupError`` says why a file is not
    one (not SQLite, damaged, not a console database)."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite database")
    problems = integrity_check(path)
    if problems != OK:
        raise BackupError(f"{path} is damaged (integrity check: {'; '.join(problems[:3])})")
    conn = _connect_ro(path)
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError:
        rows = None
    finally:
        conn.close()
    if not rows or len(rows) != 1:
        raise BackupError(f"{path} is a SQLite database, but not one of the console's")
    return str(rows[0][0])


def _safety_copy(live: Path, target: Path) -> Path:
    """Keep the live database before a restore overwrites it. A database too damaged for the
    backup API to read is copied byte for byte instead (with its WAL): the evidence stays."""
    try:
        return backup_sqlite(live, target)
    except sqlite3.DatabaseError as err:
        log.warning("backup API could not read %s (%s): copying the file as it is", live, err)
        shutil.copyfile(live, target)
        wal = live.with_name(live.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + "-wal"))
        return target


def restore_sqlite(
    source: Path,
    live: Path,
    *,
    backup_dir: Path,
    now: datetime,
    revision_known: Callable[[str], bool],
) -> RestoreResult:
    """Replace the database at ``live`` with the backup ``source``.

    ``source`` must be one of our databases, intact, at a schema revision this program knows
    (``revision_known``; an older one is upgraded on the next start). The live database is
    first copied to ``backup_dir`` (kind ``BEFORE_RESTORE``); then the backup API writes the
    backup into the live file through a connection of its own, so the console's open
    connections see the restored data and WAL mode is kept. Nothing is overwritten when a
    check fails.
    """
    revision = read_revision(source)
    if not revision_known(revision):
        raise BackupError(
            f"{source} is at schema revision {revision}, which this program does not know: it "
            "was written by a newer version of the console; restore it with that version"
        )
    if live.exists() and live.resolve() == source.resolve():
        raise BackupError(f"{source} is the live database itself")
    safety: Path | None = None
    if live.is_file() and live.stat().st_size > 0:
        safety = unique_path(backup_dir, backup_name(live.stem, BEFORE_RESTORE, now))
        backup_dir.mkdir(parents=True, exist_ok=True)
        _safety_copy(live, safety)
        log.info("kept %s as %s before restoring %s", live, safety, source)
    live.parent.mkdir(parents=True, exist_ok=True)
    try:
        src = _connect_ro(source)
        try:
            dst = sqlite3.connect(str(live), timeout=BUSY_TIMEOUT_S)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as err:
        kept = f"; the previous database is kept as {safety}" if safety else ""
        raise BackupError(f"restoring {source} into {live} failed: {err}{kept}") from err
    problems = integrity_check(live, quick=True)
    if problems != OK:
        kept = f"; the previous database is kept as {safety}" if safety else ""
        raise BackupError(f"{live} failed its check after the restore ({problems[0]}){kept}")
    log.info("restored %s (schema %s) into %s", source, revision, live)
    return RestoreResult(revision, safety)
