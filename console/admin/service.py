"""The administration view's API in a window: system information and thresholds from the
database (saved in the window's own transaction, audited with its operator), the jobs from
the service part, and the archive import (the rules of ``smc db import``)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from console.admin.api import (
    ImportDatabaseError,
    ImportOutcome,
    Station,
    SystemInfo,
    ThresholdTable,
)
from console.admin.audit_export import write_audit
from console.archive.audit import record_import
from console.archive.importer import ImportPhase, Progress, import_file
from console.archive.reader import TableFile
from console.archive.report import ReportError
from console.archive.schema import KINDS
from console.core import thresholds as th
from console.core.clock import Clock
from console.core.jobs import JobsApi, JobState
from console.core.operator import NotPermittedError
from console.core.permissions import authorize
from console.core.roles import Permission
from db.models import County, SupplyStation
from db.queries import audit_log
from db.queries import thresholds as tq
from db.queries.audit_log import AuditFilter, AuditPage
from db.queries.thresholds import ThresholdKey, VersionRow

EXPORT_MAX = 1_000_000  # rows: within one Excel sheet


class AdminService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        clock: Clock,
        book: th.ThresholdBook,
        jobs: JobsApi,
        info: Callable[[], SystemInfo],
    ) -> None:
        self._sf = session_factory
        self._clock = clock
        self._book = book
        self._jobs = jobs
        self._info = info

    def info(self) -> SystemInfo:
        return self._info()

    def thresholds(self) -> ThresholdTable:
        with self._sf() as session:
            current = th.load(session)
            rows = session.execute(
                select(SupplyStation.id, SupplyStation.name, County.name)
                .join(County, County.id == SupplyStation.county_id)
                .order_by(County.code, SupplyStation.code)
            )
            stations = tuple(Station(i, n, c) for i, n, c in rows)
        return ThresholdTable(th.DEFINITIONS, current.version, current.values, stations)

    def save_thresholds(
        self, values: Mapping[ThresholdKey, str], comment: str, expected_version: int | None
    ) -> int:
        with self._sf.begin() as session:
            who = authorize(session, Permission.EDIT_THRESHOLDS, "change the thresholds")
            return th.save(
                session,
                values,
                at=self._clock.now(),
                by=who.login,
                comment=comment.strip(),
                expected_version=expected_version,
                workstation=who.workstation,
            )

    def history(self) -> list[VersionRow]:
        with self._sf() as session:
            return tq.history(session)

    def jobs(self) -> list[JobState]:
        return self._jobs.states()

    def run_job(self, job_id: str) -> None:
        self._jobs.run_now(job_id)

    def cancel_job(self, job_id: str) -> None:
        self._jobs.cancel(job_id)

    # -- the audit log
    def audit(self, f: AuditFilter) -> AuditPage:
        with self._sf() as session:
            authorize(session, Permission.VIEW_AUDIT, "read the audit log")
            return audit_log.find(session, f)

    def audit_choices(self) -> tuple[list[str], list[str]]:
        with self._sf() as session:
            authorize(session, Permission.VIEW_AUDIT, "read the audit log")
            return audit_log.actors(session), audit_log.actions(session)

    def export_audit(self, f: AuditFilter, path: Path) -> int:
        with self._sf() as session:
            authorize(session, Permission.VIEW_AUDIT, "export the audit log")
            rows = audit_log.find(session, dataclasses.replace(f, limit=EXPORT_MAX)).rows
        write_audit(rows, path)
        return len(rows)

    # -- the archive import
    def may_import_archive(self) -> bool:
        with self._sf() as session:
            try:
                authorize(session, Permission.IMPORT_ARCHIVE, "import the archive")
            except NotPermittedError:
                return False
        return True

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
        if kind not in KINDS:
            raise ValueError(f"no import kind {kind!r} (kinds: {', '.join(KINDS)})")
        if report is not None and report.resolve() == path.resolve():
            raise ReportError(f"the report {report} is the file being imported")
        started = time.monotonic()
        try:
            with self._sf.begin() as session:
                who = authorize(session, Permission.IMPORT_ARCHIVE, f"import {kind}")
                table = TableFile(path, sheet=sheet)
                result = import_file(
                    session, kind, table, today=self._clock.now().date(),
                    skip_invalid=skip_invalid, report=report, progress=progress,
                )  # fmt: skip
                if result.counts is not None:  # in the import's transaction: stored, recorded
                    record_import(session, who, path.name, result, self._clock.now())
                if progress is not None:  # the last moment a cancel leaves nothing stored
                    progress(ImportPhase.COMMITTING, result.rows_read)
        except SQLAlchemyError as err:
            raise ImportDatabaseError(str(getattr(err, "orig", None) or err)) from err
        return ImportOutcome(path, result, time.monotonic() - started)
