"""``smc db backup``, ``smc db restore``, ``smc db check``: copies of the SQLite database taken
with the online backup API (safe while the console runs), put back, and checked.

A PostgreSQL server is backed up with its own tools (pg_dump, pg_restore); these say so.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from console.cli import db_common
from console.cli.db_common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, DbToolError
from console.core.i18n import translate
from console.core.roles import Permission
from console.maintenance import checkpoints
from console.maintenance.backups import (
    NotSqliteFileError,
    audit_file,
    backup_directory,
    check_database,
    database_file,
    is_intact,
    restore_database,
)
from db.backup import MANUAL, backup_to_directory, backup_to_file, newest_backup
from db.errors import BackupError
from db.migrate import head_revision


def add_parsers(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    common = db_common.common_options()
    p = actions.add_parser(
        "backup",
        parents=[common],
        help="copy the SQLite database (safe while the console runs)",
        description="Copy the SQLite database with SQLite's online backup API (consistent "
        "while the console runs and writes), then check the copy's integrity.",
    )
    p.add_argument(
        "--to",
        metavar="FILE_OR_DIR",
        help="a new file, or a directory (ending in / if it does not exist yet) for a file "
        "named after the database and the time; default: the backup directory",
    )
    p.set_defaults(db_run=run_backup)

    p = actions.add_parser(
        "restore",
        parents=[common],
        help="replace the SQLite database with a backup",
        description="Replace the SQLite database with a backup, after checking that the backup "
        "is an intact console database this program can open. The current database is kept "
        "in the backup directory first.",
    )
    p.add_argument("file", metavar="FILE", type=Path, help="the backup to restore")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(db_run=run_restore)

    p = actions.add_parser(
        "check",
        parents=[common],
        help="check the SQLite database's integrity (exit 1 if damaged)",
        description="Run SQLite's full integrity check on the database file: exit 0 when it "
        "is intact, 1 when it is damaged (the problems and the newest backup are printed).",
    )
    p.set_defaults(db_run=run_check)


def _backup_dir(args: argparse.Namespace) -> Path:
    """``[backup] dir`` of the configuration the window reads, else the default directory."""
    return backup_directory(db_common.settings_of(args).backup)


def _db_file(url: str, hint: str | None = None) -> Path:
    try:
        return database_file(url)
    except NotSqliteFileError as err:
        raise DbToolError(db_common.failed(url, hint or err), EXIT_USAGE) from err


def run_backup(args: argparse.Namespace) -> int:
    url = db_common.database_url(args)
    db_file = _db_file(url)
    to: str | None = getattr(args, "to", None)
    target = _backup_dir(args) if to is None else Path(to).expanduser()
    try:
        if to is None or to.endswith(("/", os.sep)) or target.is_dir():
            path = backup_to_directory(db_file, target, kind=MANUAL, now=datetime.now())
        else:
            path = backup_to_file(db_file, target)
    except BackupError as err:
        raise DbToolError(str(err)) from err
    now = datetime.now()
    audit_file(db_file, "database.backup", path.name, now, {"file": str(path)})
    checkpoints.note_file(db_file, now)
    size = path.stat().st_size
    print(translate("SmcDb", "backup: {path}").format(path=path))
    print(
        translate("SmcDb", "size: {bytes} bytes ({mib} MiB)").format(
            bytes=f"{size:,}", mib=f"{size / 2**20:.1f}"
        )
    )
    print(translate("SmcDb", "integrity check: ok"))
    return EXIT_OK


def _confirmed(db_file: Path, source: Path, backup_dir: Path) -> bool:
    if not sys.stdin.isatty():
        reason = translate(
            "SmcDb",
            "restoring replaces the database {path}; pass --yes to confirm (standard input is "
            "not a terminal to ask on)",
        )
        raise DbToolError(reason.format(path=db_file), EXIT_USAGE)
    print(
        translate("SmcDb", "Replace the database {path} with {source}?").format(
            path=db_file, source=source
        )
    )
    answer = input(
        translate("SmcDb", "The current database is kept in {directory} first. [y/N] ").format(
            directory=backup_dir
        )
    )
    return answer.strip().lower() in ("y", "yes")


def run_restore(args: argparse.Namespace) -> int:
    url = db_common.database_url(args)
    db_file = _db_file(url)
    source: Path = args.file.expanduser()
    backup_dir = _backup_dir(args)
    if not args.yes and not _confirmed(db_file, source, backup_dir):
        print(translate("SmcDb", "nothing was restored"))
        return EXIT_FAILED
    missing = translate(
        "SmcDb", "this database has accounts: sign in with --user NAME to restore a backup"
    )
    with db_common.signed_in(
        args, url, Permission.BACKUP, "restore a backup", missing=missing, unreadable_ok=True
    ):
        try:
            result = restore_database(db_file, source, backup_dir=backup_dir, now=datetime.now())
        except BackupError as err:
            reason = translate("SmcDb", "{reason}; nothing was restored")
            raise DbToolError(reason.format(reason=err)) from err
    done = translate("SmcDb", "restored: {source} -> {path} (schema revision {revision})")
    print(done.format(source=source, path=db_file, revision=result.revision))
    if result.safety_copy is not None:
        kept = translate("SmcDb", "the previous database is kept as {path}")
        print(kept.format(path=result.safety_copy))
    head = head_revision()
    if result.revision != head:
        older = translate(
            "SmcDb",
            "schema revision {revision} is older than this program's {head}: the console "
            "upgrades it when it next opens the database",
        )
        print(older.format(revision=result.revision, head=head))
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    url = db_common.database_url(args)
    server = translate(
        "SmcDb", "a PostgreSQL server checks its own storage; pg_amcheck checks its indexes"
    )
    db_file = _db_file(url, server if url.startswith("postgresql") else None)
    try:
        problems = check_database(db_file)
    except BackupError as err:
        raise DbToolError(str(err)) from err
    if is_intact(problems):
        print(translate("SmcDb", "integrity check of {path}: ok").format(path=db_file))
        return EXIT_OK
    print(translate("SmcDb", "integrity check of {path}: DAMAGED").format(path=db_file))
    for line in problems:  # SQLite's own words
        print(f"  {line}")
    newest = newest_backup(_backup_dir(args), db_file.stem)
    if newest is None:
        print(translate("SmcDb", "no backup of it was found in the backup directory"))
    else:
        line = translate("SmcDb", "newest backup: {path} ({time})")
        print(line.format(path=newest.path, time=f"{newest.taken_at:%Y-%m-%d %H:%M}"))
        line = translate("SmcDb", "restore it with: smc db restore {path}")
        print(line.format(path=newest.path))
    return EXIT_FAILED
