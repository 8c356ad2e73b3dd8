"""An import in the audit log: who stored which file and how many rows, written in the import's
own transaction (a refused or rolled-back import leaves no entry). The CLI and the window both
record their imports here, so the entries read the same whichever path stored the file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from console.archive.importer import ImportResult
from console.core import audit_trail
from console.core.operator import Operator

ACTION = "archive.import"


def record_import(
    session: Session, by: Operator, source_name: str, result: ImportResult, at: datetime
) -> None:
    """Record a stored import (``result.counts`` set) as ``by``'s (their login and workstation),
    at ``at``."""
    counts = result.counts
    if counts is None:
        raise ValueError("nothing was stored: an import that stored nothing is not recorded")
    audit_trail.record(
        session, by=by, action=ACTION, object_kind="import", object_id=result.kind,
        before=None,
        after={"file": source_name, "rows": result.rows_read, "new": counts.new,
               "updated": counts.updated, "unchanged": counts.unchanged,
               "rejected": result.rejected_rows},
        at=at,
    )  # fmt: skip
