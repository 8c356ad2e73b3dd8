"""The rejected-rows report: each rejected row as the file had it, plus its row number and the
reasons, as CSV in UTF-8 with a byte-order mark so that Excel opens the Chinese correctly.

The two added columns are ignored by the importer, so a corrected report can be imported as is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from console.archive.reader import TableFile
from console.archive.schema import REPORT_REASON, REPORT_ROW
from console.archive.validate import Problem
from console.archive.values import normalise_word
from console.core.i18n import translate


class ReportError(Exception):
    """The report file cannot be written (the import is then not stored either)."""


def default_report_path(source: Path) -> Path:
    """``NAME.rejected.csv`` next to the input (``meters.xlsx`` → ``meters.rejected.csv``)."""
    return source.with_name(f"{source.stem}.rejected.csv")


def write_report(table: TableFile, problems: Iterable[Problem], path: Path) -> int:
    """Write the rows that have problems; returns how many rows were written."""
    reasons: dict[int, list[str]] = {}
    for problem in sorted(problems):
        reasons.setdefault(problem.row, []).append(
            problem.reason if problem.column == "(row)" else f"{problem.column}: {problem.reason}"
        )
    # Columns a previous report added are replaced, not repeated.
    dropped = {normalise_word(REPORT_ROW), normalise_word(REPORT_REASON)}
    width = len(table.headers)
    while width and not table.headers[width - 1]:
        width -= 1
    keep = [i for i in range(width) if normalise_word(table.headers[i]) not in dropped]
    try:
        return _write(table, reasons, keep, width, path)
    except OSError as err:
        reason = translate("Archive", "cannot write the report {path}: {reason}")
        raise ReportError(reason.format(path=path, reason=err.strerror or err)) from err


def _write(
    table: TableFile, reasons: dict[int, list[str]], keep: list[int], width: int, path: Path
) -> int:
    written = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([table.headers[i] for i in keep] + [REPORT_ROW, REPORT_REASON])
        if reasons:
            for row in table.rows():
                if row.number not in reasons:
                    continue
                cells = list(row.cells) + [""] * (width - len(row.cells))
                original = [cells[i] for i in keep]
                writer.writerow([*original, row.number, "; ".join(reasons[row.number])])
                written += 1
    return written
