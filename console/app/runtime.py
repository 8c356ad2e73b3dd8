"""How a window finds the service already running for its database on this machine: one lock
file per database, held by the running service for its whole life (a second service for the
same database cannot start), and a record beside it saying where it listens; and the secret
windows and the local service share (generated once, readable by this user only)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from console.core import paths
from console.core.config import Settings

SECRET_FILE = "service.secret"


def runtime_dir() -> Path:
    path = paths.user_data_dir() / "run"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _key(db_url: str) -> str:
    return hashlib.sha256(db_url.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    pid: int
    host: str
    port: int
    database: str  # the database as shown to people (no password)
    version: str


def record_path(db_url: str) -> Path:
    return runtime_dir() / f"service-{_key(db_url)}.json"


def write_record(db_url: str, record: ServiceRecord) -> None:
    path = record_path(db_url)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(record)), encoding="utf-8")
    tmp.replace(path)


def read_record(db_url: str) -> ServiceRecord | None:
    try:
        data = json.loads(record_path(db_url).read_text(encoding="utf-8"))
        return ServiceRecord(**data)
    except (OSError, ValueError, TypeError):
        return None


def remove_record(db_url: str, pid: int) -> None:
    """Remove the record if it is still ``pid``'s (a newer service may have replaced it)."""
    record = read_record(db_url)
    if record is not None and record.pid == pid:
        with contextlib.suppress(OSError):
            record_path(db_url).unlink()


class ServiceLock:
    """The lock a running service holds for its database (released when its process ends,
    however it ends)."""

    def __init__(self, db_url: str) -> None:
        self.path = runtime_dir() / f"service-{_key(db_url)}.lock"
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        handle = self.path.open("a+b")
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                _unlock(self._file)
            self._file.close()
            self._file = None


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def local_secret() -> bytes:
    """This machine's secret for the local service, created on first use (0600)."""
    path = paths.user_data_dir() / SECRET_FILE
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_hex(32).encode())
    return path.read_bytes().strip()


def service_secret(settings: Settings) -> bytes:
    """``[service] secret``, or this machine's own."""
    configured = settings.service.secret
    return configured.encode() if configured else local_secret()
