"""Why a start failed, as a kind and its particulars (a path, an address, a revision), so a
window can say it in its own language and point to the way out; the exception's own English
text stays for the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.exc import OperationalError

from console.app.spawn import SpawnError
from console.app.window import StartupError
from console.core.config import ConfigError
from console.demo.generator import DemoError
from db.errors import DatabaseCorruptError, DatabaseTooNewError, DatabaseUnwritableError


class Problem(StrEnum):
    DATABASE_DAMAGED = "database_damaged"
    DATABASE_TOO_NEW = "database_too_new"
    DATABASE_UNWRITABLE = "database_unwritable"
    DATABASE_UNREACHABLE = "database_unreachable"
    DEMO_UNFINISHED = "demo_unfinished"
    SCHEMA_BEHIND = "schema_behind"
    SERVICE_UNREACHABLE = "service_unreachable"
    SERVICE_SECRET = "service_secret"
    SERVICE_FAILED = "service_failed"
    CONFIG = "config"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class StartProblem:
    kind: Problem
    params: dict[str, str] = field(default_factory=dict)
    detail: str = ""  # the exception's own text (English), for the log and "details"


def explain(err: BaseException) -> StartProblem:
    detail = str(err) or type(err).__name__
    if isinstance(err, DatabaseCorruptError):
        backup = str(err.newest_backup) if err.newest_backup else ""
        return StartProblem(
            Problem.DATABASE_DAMAGED, {"path": str(err.path), "backup": backup}, detail
        )
    if isinstance(err, DatabaseUnwritableError):
        read_only = "read-only" in err.reason
        return StartProblem(
            Problem.DATABASE_UNWRITABLE,
            {"path": str(err.path), "where": str(err.where), "read_only": "1" if read_only else ""},
            detail,
        )
    if isinstance(err, DatabaseTooNewError):
        return StartProblem(Problem.DATABASE_TOO_NEW, {"revision": err.revision}, detail)
    if isinstance(err, DemoError):
        return StartProblem(Problem.DEMO_UNFINISHED, {}, detail)
    if isinstance(err, StartupError):
        return StartProblem(Problem(err.problem), dict(err.params), detail)
    if isinstance(err, SpawnError):
        return StartProblem(Problem.SERVICE_FAILED, {"reason": detail}, detail)
    if isinstance(err, ConfigError):
        return StartProblem(Problem.CONFIG, {}, detail)
    if isinstance(err, OperationalError):
        return StartProblem(Problem.DATABASE_UNREACHABLE, {}, detail)
    return StartProblem(Problem.OTHER, {"kind": type(err).__name__}, detail)
