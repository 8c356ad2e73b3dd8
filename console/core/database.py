"""Which database the program opens, and how it names it to the user.

Shared by the window (``console.app``) and the ``smc db`` tools, so both open the same file.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from console.core import paths
from console.core.config import Settings
from db.engine import sqlite_path, sqlite_url


def resolve_db_url(settings: Settings) -> str:
    return settings.database.url or sqlite_url(paths.default_db_path())


def describe_db(url: str) -> str:
    """The SQLite file, or the server URL without its password (status bar, tool messages)."""
    path = sqlite_path(url)
    if path is not None:
        return f"SQLite {path}"
    return make_url(url).render_as_string(hide_password=True)
