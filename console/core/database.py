"""Which database the program opens, and how it names it to the user.

Shared by the window (``console.app``) and the ``smc db`` tools, so both open the same file.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from console.core import paths
from console.core.config import ConfigError, Settings
from console.core.i18n import translate
from db.engine import sqlite_path, sqlite_url

SUPPORTED = ("sqlite", "postgresql")
EXAMPLES = "sqlite:///PATH/county.db, or postgresql+psycopg://user:password@host/smc"


def check_db_url(url: str) -> str:
    """``url`` if the console can open it; ``ConfigError`` saying what is wrong and what a
    database URL looks like (a typo must not end in a traceback)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        reason = translate("SmcDb", "--db {url} is not a database URL (e.g. {examples})")
        raise ConfigError(reason.format(url=repr(url), examples=EXAMPLES)) from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        reason = translate(
            "SmcDb",
            "--db {database}: the console keeps its data in SQLite or PostgreSQL, not {backend} "
            "(e.g. {examples})",
        )
        raise ConfigError(
            reason.format(database=describe_db(url), backend=repr(backend), examples=EXAMPLES)
        )
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        reason = translate(
            "SmcDb",
            "--db {database}: the driver {driver} is not installed (PostgreSQL needs the "
            "postgres extra: postgresql+psycopg://...)",
        )
        raise ConfigError(
            reason.format(database=describe_db(url), driver=repr(parsed.drivername))
        ) from None
    return url


def resolve_db_url(settings: Settings) -> str:
    return settings.database.url or sqlite_url(paths.default_db_path())


def describe_db(url: str) -> str:
    """The SQLite file, or the server URL without its password (status bar, tool messages)."""
    path = sqlite_path(url)
    if path is not None:
        return f"SQLite {path}"
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "?"
