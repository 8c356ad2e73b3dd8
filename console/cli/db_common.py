"""What every ``smc db`` action shares: ``--db``/``--config``, the database URL, error exits.

Exit codes: 0 done, 1 the action failed (the message says why, nothing was changed unless it
says so), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from console.core import paths
from console.core.config import ConfigError, Settings, load_settings
from console.core.database import check_db_url, resolve_db_url
from db.engine import create_db_engine, make_session_factory
from db.migrate import upgrade

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class DbToolError(Exception):
    """A problem the tool reports in one line; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def common_options() -> argparse.ArgumentParser:
    """``--db`` and ``--config`` after the action too: ``smc db demo --db URL``."""
    p = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    p.add_argument("--db", metavar="URL", help="database URL (default: the one the window opens)")
    p.add_argument("--config", metavar="PATH", type=Path, help="configuration file (TOML)")
    return p


def settings_of(args: argparse.Namespace) -> Settings:
    """The configuration the window reads (``--config``, else the user's file or defaults);
    a broken file is a usage error."""
    config: Path | None = getattr(args, "config", None)
    try:
        return load_settings(config or paths.default_config_path(), must_exist=config is not None)
    except ConfigError as err:
        raise DbToolError(str(err), EXIT_USAGE) from err


def database_url(args: argparse.Namespace) -> str:
    """``--db``, else the configuration's ``[database] url``, else the user data directory's
    SQLite file: the database the window opens."""
    url = str(args.db) if getattr(args, "db", None) else resolve_db_url(settings_of(args))
    try:
        return check_db_url(url)
    except ConfigError as err:
        raise DbToolError(str(err), EXIT_USAGE) from err


@contextmanager
def upgraded_database(
    url: str, *, backup_dir: Path | None = None
) -> Iterator[sessionmaker[Session]]:
    """The database at ``url`` with its schema brought to this program's (an older one backed
    up into ``backup_dir`` first, when given), its connections closed afterwards."""
    engine = create_db_engine(url)
    try:
        upgrade(engine, backup_dir=backup_dir)
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def report_error(err: DbToolError) -> int:
    print(f"smc db: error: {err}", file=sys.stderr)
    return err.code
