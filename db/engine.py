"""Engine and session factory for any SQLAlchemy URL, with SQLite tuned on every connection.

SQLite gets WAL (readers never block the collector's writes), foreign keys, NORMAL sync (safe
in WAL mode, durable at each checkpoint) and a busy timeout; PostgreSQL is the shared server.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from db.errors import DatabaseUnwritableError

BUSY_TIMEOUT_MS = 10_000


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for in-memory and non-SQLite URLs."""
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def check_writable(path: Path) -> None:
    """``DatabaseUnwritableError`` unless this user can write the SQLite file ``path`` (or, if
    it does not exist yet, create it) and the files SQLite keeps beside it (-wal, -shm)."""
    directory = path.parent
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent  # the directories to be made go into the nearest one
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DatabaseUnwritableError(path, directory, _why(directory))
    if path.exists() and not os.access(path, os.W_OK):
        raise DatabaseUnwritableError(path, path, _why(path))


def _why(where: Path) -> str:
    try:
        probe = os.statvfs(where)
    except (AttributeError, OSError):  # Windows has no statvfs
        return "permission denied"
    if probe.f_flag & os.ST_RDONLY:
        return "a read-only file system"
    return "permission denied"


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url``; a SQLite file's directory is created if missing."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    if is_sqlite(url):  # in-memory: one shared connection, or every session sees its own database
        engine = create_engine(
            url, echo=echo, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


class WriteTurns:
    """Writers of one process take their turns in the order they asked. SQLite's busy handler
    is not fair: a writer that commits batch after batch (a concentrator pass) takes the lock
    back before a waiting one (the meters' own-link pass) wakes, which then gives up after the
    busy timeout. With turns, a waiting writer goes after the batch in progress."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next = 0  # the ticket the next writer gets
        self._serving = 0  # the ticket whose turn it is

    @property
    def asked(self) -> int:
        """Writers holding or waiting for a turn."""
        with self._cond:
            return self._next - self._serving

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._cond:
            ticket = self._next
            self._next += 1
            self._cond.wait_for(lambda: self._serving == ticket)
        try:
            yield
        finally:
            with self._cond:
                self._serving += 1
                self._cond.notify_all()


_turns: weakref.WeakKeyDictionary[Engine, WriteTurns] = weakref.WeakKeyDictionary()
_turns_lock = threading.Lock()


def write_turns(engine: Engine) -> WriteTurns:
    with _turns_lock:
        turns = _turns.get(engine)
        if turns is None:
            turns = _turns[engine] = WriteTurns()
        return turns


@contextmanager
def writing(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A write transaction (``session_factory.begin()``) begun in this process's writers' turn
    order. For the writers that commit often (the collection's stores), not for reads."""
    engine = session_factory.kw["bind"]
    with write_turns(engine).turn(), session_factory.begin() as session:
        yield session
