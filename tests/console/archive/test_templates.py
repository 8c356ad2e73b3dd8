"""The shipped templates import as they are, in order into an empty database (the org file
creates the company and county), as CSV and as the .xlsx a user saves from them (built here
with openpyxl rather than committed as binaries)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from console.archive.schema import KINDS

TEMPLATES = Path(__file__).resolve().parents[3] / "resources" / "templates"


def template_rows(kind: str) -> list[list[str]]:
    with (TEMPLATES / f"{kind}.csv").open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


@pytest.mark.parametrize("excel", [False, True])
def test_the_templates_import_in_order_and_again_without_changes(
    files: Any, run_import: Any, excel: bool
) -> None:
    for kind in KINDS:
        rows = template_rows(kind)
        path = files.xlsx(f"{kind}.xlsx", rows, sheet=kind) if excel else TEMPLATES / f"{kind}.csv"
        result = run_import(kind, path)
        assert result.problems == (), kind
        assert result.counts.new == len(rows) - 1 >= 2, kind
    for kind in KINDS:
        again = run_import(kind, TEMPLATES / f"{kind}.csv")
        assert (again.counts.new, again.counts.updated) == (0, 0), kind
