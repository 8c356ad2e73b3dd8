"""The audit log as a file: Excel (openpyxl) or CSV by the name, written beside the target
and moved over it, so a failed export leaves no half-written file."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from db.queries.audit_log import AuditRow

HEADERS = (
    "id", "time", "operator", "workstation", "action", "object kind", "object id", "before",
    "after",
)  # fmt: skip


def _cells(row: AuditRow) -> list[object]:
    return [row.id, row.at, row.actor, row.workstation or "", row.action, row.object_kind,
            row.object_id, row.before or "", row.after or ""]  # fmt: skip


def write_audit(rows: Sequence[AuditRow], path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError(f"{path.name}: export to a .xlsx or .csv file")
    fd, temp = tempfile.mkstemp(prefix=".smc-audit-", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        if suffix == ".csv":
            with open(temp, "w", encoding="utf-8-sig", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(HEADERS)
                writer.writerows(_cells(r) for r in rows)
        else:
            book = Workbook(write_only=True)
            sheet = book.create_sheet("audit")
            sheet.append(list(HEADERS))
            for row in rows:
                sheet.append(_cells(row))
            book.save(temp)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
