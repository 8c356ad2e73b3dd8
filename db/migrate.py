"""Schema migrations run by the program itself: upgrade on start, after a backup, and refuse a
database written by a newer program.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from db.backup import backup_name, backup_sqlite, unique_path
from db.engine import sqlite_path
from db.errors import DatabaseTooNewError, MigrationError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise MigrationError(f"no migration scripts found in {MIGRATIONS_DIR}")
    return head


def is_known_revision(revision: str) -> bool:
    """Whether this program has the migration script of ``revision`` (so it can upgrade from
    it); an unknown one was written by a newer program."""
    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises several types for unknown revisions
        return False


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def _begin_sqlite_ddl_transaction(conn: Connection) -> None:
    """Open the SQLite transaction explicitly, so that a failed upgrade rolls back its DDL too.

    pysqlite (in its default, legacy mode) only issues BEGIN before INSERT/UPDATE/DELETE; a
    migration's CREATE/ALTER/DROP would otherwise each commit on their own and a failure would
    leave a half-changed schema still stamped with the old revision.
    """
    if conn.dialect.name != "sqlite":
        return  # PostgreSQL DDL is transactional already
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN")


@contextmanager
def _foreign_keys_deferred(conn: Connection) -> Iterator[None]:
    """SQLite: foreign keys off for the migration, on again after it.

    Batch migrations rebuild a table (copy, drop the old one, rename); with foreign keys
    enforced, dropping a table other rows reference fails on any populated database. The
    pragma only takes effect outside a transaction; ``_check_foreign_keys`` verifies the
    result before the migration commits."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.commit()
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()


def _check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        shown = ", ".join(
            f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in problems[:5]
        )
        raise MigrationError(f"the migrated schema breaks {len(problems)} foreign keys: {shown}")


def upgrade(engine: Engine, *, backup_dir: Path | None = None) -> UpgradeResult:
    """Bring the schema to the head revision.

    An existing SQLite database that needs upgrading is backed up to ``backup_dir`` first.
    Raises ``DatabaseTooNewError`` if the database carries a revision this program does not know.
    """
    head = head_revision()
    current = current_revision(engine)
    if current is not None and not is_known_revision(current):
        raise DatabaseTooNewError(
            f"the database is at schema revision {current}, which this program does not know "
            f"(it knows up to {head}); it was written by a newer version of the console. "
            "Use that version, or open another database with --db.",
            current,
        )
    if current == head:
        return UpgradeResult(current, head, None)
    backup: Path | None = None
    db_file = sqlite_path(str(engine.url))
    if current is not None and db_file is not None and backup_dir is not None:
        name = backup_name(db_file.stem, f"before-{head}", datetime.now())
        backup = backup_sqlite(db_file, unique_path(backup_dir, name))
        log.info("backed up %s to %s before upgrading from %s", db_file, backup, current)
    config = alembic_config()
    try:
        with engine.connect() as conn, _foreign_keys_deferred(conn), conn.begin():
            _begin_sqlite_ddl_transaction(conn)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            _check_foreign_keys(conn)
    except Exception as err:
        where = f"; the backup is {backup}" if backup else ""
        raise MigrationError(
            f"upgrading the schema from {current} to {head} failed: {err}{where}"
        ) from err
    log.info("database schema upgraded from %s to %s", current, head)
    return UpgradeResult(current, head, backup)
