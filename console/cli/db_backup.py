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
from console.core.database import describe_db
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
        raise DbToolError(f"{describe_db(url)}: {hint or err}", EXIT_USAGE) from err


def _size(n: int) -> str:
    return f"{n:,} bytes ({n / 2**20:.1f} MiB)"


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
    print(f"backup: {path}")
    print(f"size: {_size(path.stat().st_size)}")
    print("integrity check: ok")
    return EXIT_OK


def _confirmed(db_file: Path, source: Path, backup_dir: Path) -> bool:
    if not sys.stdin.isatty():
        raise DbToolError(
            f"restoring replaces the database {db_file}; pass --yes to confirm "
            "(standard input is not a terminal to ask on)",
            EXIT_USAGE,
        )
    answer = input(
        f"Replace the database {db_file} with {source}?\n"
        f"The current database is kept in {backup_dir} first. [y/N] "
    )
    return answer.strip().lower() in ("y", "yes")


def run_restore(args: argparse.Namespace) -> int:
    url = db_common.database_url(args)
    db_file = _db_file(url)
    source: Path = args.file.expanduser()
    backup_dir = _backup_dir(args)
    if not args.yes and not _confirmed(db_file, source, backup_dir):
        print("nothing was restored")
        return EXIT_FAILED
    with db_common.signed_in(args, url, Permission.BACKUP, "restore a backup", unreadable_ok=True):
        try:
            result = restore_database(db_file, source, backup_dir=backup_dir, now=datetime.now())
        except BackupError as err:
            raise DbToolError(f"{err}; nothing was restored") from err
    print(f"restored: {source} -> {db_file} (schema revision {result.revision})")
    if result.safety_copy is not None:
        print(f"the previous database is kept as {result.safety_copy}")
    head = head_revision()
    if result.revision != head:
        print(
            f"schema revision {result.revision} is older than this program's {head}: the "
            "console upgrades it when it next opens the database"
        )
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    url = db_common.database_url(args)
    server = "a PostgreSQL server checks its own storage; pg_amcheck checks its indexes"
    db_file = _db_file(url, server if url.startswith("postgresql") else None)
    try:
        problems = check_database(db_file)
    except BackupError as err:
        raise DbToolError(str(err)) from err
    if is_intact(problems):
        print(f"integrity check of {db_file}: ok")
        return EXIT_OK
    print(f"integrity check of {db_file}: DAMAGED")
    for line in problems:
        print(f"  {line}")
    newest = newest_backup(_backup_dir(args), db_file.stem)
    if newest is None:
        print("no backup of it was found in the backup directory")
    else:
        print(f"newest backup: {newest.path} ({newest.taken_at:%Y-%m-%d %H:%M})")
        print(f"restore it with: smc db restore {newest.path}")
    return EXIT_FAILED
