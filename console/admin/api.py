"""What the administration view receives: plain data in, plain data out, no Qt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from console.core.jobs import JobState
from console.core.thresholds import ThresholdDef, ThresholdValueError
from db.queries.audit_log import AuditFilter, AuditPage, AuditRow
from db.queries.thresholds import ThresholdKey, VersionConflictError, VersionRow

__all__ = [
    "AdminApi",
    "AuditFilter",
    "AuditPage",
    "AuditRow",
    "Station",
    "SystemInfo",
    "ThresholdTable",
    "ThresholdValueError",
    "VersionConflictError",
    "VersionRow",
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
