"""What the administration view receives: plain data in, plain data out, no Qt. The archive
import's types are re-exported here: the view gets its feature's API and nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from console.archive.importer import (
    ImportCancelledError,
    ImportPhase,
    ImportResult,
    NoRowsError,
    Progress,
)
from console.archive.reader import ImportFileError
from console.archive.report import ReportError, default_report_path
from console.archive.schema import KINDS, HeaderError
from console.archive.store import StoreCounts
from console.archive.validate import ROW, Problem
from console.core.jobs import JobState
from console.core.thresholds import ThresholdDef, ThresholdValueError
from db.queries.audit_log import AuditFilter, AuditPage, AuditRow
from db.queries.thresholds import ThresholdKey, VersionConflictError, VersionRow

__all__ = [
    "KINDS",
    "ROW",
    "AdminApi",
    "AuditFilter",
    "AuditPage",
    "AuditRow",
    "HeaderError",
    "ImportCancelledError",
    "ImportDatabaseError",
    "ImportFileError",
    "ImportOutcome",
    "ImportPhase",
    "ImportResult",
    "NoRowsError",
    "Problem",
    "Progress",
    "ReportError",
    "Station",
    "StoreCounts",
    "SystemInfo",
    "ThresholdTable",
    "ThresholdValueError",
    "VersionConflictError",
    "VersionRow",
    "default_report_path",
]


@dataclass(frozen=True, slots=True)
class SystemInfo:
    version: str
    database: str
    schema_revision: str | None
    meters: int
    demo: str | None  # "demo profile, seed 20261121"; None: no demo county
    config_file: Path | None  # None: defaults in use (no file)
    default_config: Path
    log_file: Path
    backup_dir: Path
    backups: str | None  # "02:30, the newest 14 kept"; None: no daily backup
    service: str  # where the service runs: "this window", "127.0.0.1:41234 (pid 4242)", ...
    operator: str


@dataclass(frozen=True, slots=True)
class Station:
    id: int
    name: str
    county: str


@dataclass(frozen=True, slots=True)
class ThresholdTable:
    """The thresholds for the editor: every definition, the values stored in the version in
    force (county-wide: station ``None``), the stations they can be set for."""

    definitions: tuple[ThresholdDef, ...]
    version: VersionRow | None
    values: Mapping[ThresholdKey, Decimal]
    stations: tuple[Station, ...]


class ImportDatabaseError(Exception):
    """The database refused an import (locked, a constraint, gone): nothing was stored.
    ``reason`` is the database's own word."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the database refused the import: {reason}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    file: Path
    result: ImportResult
    seconds: float  # from opening the file to the commit


class AdminApi(Protocol):
    def info(self) -> SystemInfo: ...

    def thresholds(self) -> ThresholdTable: ...

    def save_thresholds(
        self, values: Mapping[ThresholdKey, str], comment: str, expected_version: int | None
    ) -> int:
        """Store ``values`` (every value that should differ from the default or the county's)
        as the next version, audited; ``ValueError`` names a bad value or a version saved by
        someone else meanwhile (nothing written). Returns the new version's number."""
        ...

    def history(self) -> list[VersionRow]: ...

    def jobs(self) -> list[JobState]: ...

    def run_job(self, job_id: str) -> None: ...

    def cancel_job(self, job_id: str) -> None: ...

    def audit(self, f: AuditFilter) -> AuditPage:
        """The audit entries ``f`` finds, newest first (supervisors and administrators)."""
        ...

    def audit_choices(self) -> tuple[list[str], list[str]]:
        """(operators, actions) recorded so far, for the filter."""
        ...

    def export_audit(self, f: AuditFilter, path: Path) -> int:
        """Write what ``f`` finds to ``path`` (.xlsx, or .csv by the name); the count."""
        ...

    def may_import_archive(self) -> bool:
        """Whether the acting operator may import the archive (what the page offers)."""
        ...

    def import_archive(
        self,
        kind: str,
        path: Path,
        *,
        sheet: str | None = None,
        skip_invalid: bool = False,
        report: Path | None = None,
        progress: Progress | None = None,
    ) -> ImportOutcome:
        """Import ``path`` as a ``kind`` file in one transaction, audited in it, as
        ``smc db import`` does. ``NotPermittedError`` without the import permission,
        ``HeaderError`` (``NoRowsError``), ``ImportFileError``, ``ReportError`` or
        ``ImportDatabaseError`` for a file that stored nothing; what ``progress`` raises
        (``ImportCancelledError``) rolls the import back."""
        ...
