"""Row-level validation shared by the import kinds: the ``Problem`` a bad row gets (row number,
column, reason), reading typed values out of a row, and duplicate keys within a file.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Hashable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from console.archive.reader import SourceRow
from console.archive.schema import ColumnMap
from console.archive.values import CellError
from console.core.i18n import translate

T = TypeVar("T")
ROW = "(row)"  # the column of a problem that concerns the whole row


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.column == ROW:
            return translate("Archive", "row {row}: {reason}").format(
                row=self.row, reason=self.reason
            )
        return translate("Archive", "row {row}, {column}: {reason}").format(
            row=self.row, column=self.column, reason=self.reason
        )


class RowCells:
    """One source row seen through the kind's columns; parse errors become ``problems``."""

    def __init__(self, row: SourceRow, columns: ColumnMap) -> None:
        self.number = row.number
        self.columns = columns
        self.problems: list[Problem] = []
        self._cells = row.cells
        extra = [i + 1 for i, v in enumerate(row.cells[columns.width :], columns.width) if v]
        if extra:
            where = ", ".join(str(i) for i in extra)
            reason = translate("Archive", "values in column(s) {columns}, which have no header")
            self.problem(ROW, reason.format(columns=where))

    def raw(self, key: str) -> str:
        index = self.columns.index.get(key)
        if index is None or index >= len(self._cells):
            return ""
        return self._cells[index]

    def problem(self, key: str, reason: str) -> None:
        column = key if key == ROW else self.columns.name(key)
        self.problems.append(Problem(self.number, column, reason))

    def get(self, key: str, parse: Callable[[str], T]) -> T | None:
        """The parsed value, or ``None`` when the cell is empty or bad (bad: a problem)."""
        raw = self.raw(key)
        if not raw:
            return None
        try:
            return parse(raw)
        except CellError as err:
            self.problem(
                key, translate("Archive", "{value}: {reason}").format(value=repr(raw), reason=err)
            )
            return None

    def need(self, key: str, parse: Callable[[str], T]) -> T | None:
        """As ``get``, and an empty cell is a problem too."""
        if not self.raw(key):
            self.problem(key, translate("Archive", "missing required value"))
            return None
        return self.get(key, parse)

    @property
    def ok(self) -> bool:
        return not self.problems


def duplicates(
    items: Iterable[T], key: Callable[[T], Hashable | None], row: Callable[[T], int]
) -> dict[int, int]:
    """Rows whose key an earlier row already has: {later row: first row with that key}.
    ``None`` keys are never duplicates."""
    first: dict[Hashable, int] = {}
    out: dict[int, int] = {}
    for item in items:
        value = key(item)
        if value is None:
            continue
        number = row(item)
        if value in first:
            out[number] = first[value]
        else:
            first[value] = number
    return out


def duplicate_problems(
    items: Iterable[T],
    key: Callable[[T], Hashable | None],
    row: Callable[[T], int],
    column: str,
    describe: Callable[[T], str],
) -> list[Problem]:
    """Every row of a key that occurs more than once is a problem: the file does not say which
    one is right, so none of them is stored."""
    listed = list(items)
    repeats = duplicates(listed, key, row)
    if not repeats:
        return []
    firsts = set(repeats.values())
    later_by_first: dict[int, list[int]] = {}
    for later, first in repeats.items():
        later_by_first.setdefault(first, []).append(later)
    problems: list[Problem] = []
    for item in listed:
        number = row(item)
        if number in repeats:
            reason = translate("Archive", "duplicate {what} (also on row {row})")
            problems.append(
                Problem(number, column, reason.format(what=describe(item), row=repeats[number]))
            )
        elif number in firsts:
            others = ", ".join(str(r) for r in later_by_first[number])
            reason = translate("Archive", "{what} repeated on row {rows}")
            problems.append(
                Problem(number, column, reason.format(what=describe(item), rows=others))
            )
    return problems


class _MeterRow(Protocol):
    @property
    def row(self) -> int: ...
    @property
    def asset_no(self) -> str: ...


def unknown_meter_problems(
    records: Iterable[_MeterRow], known: Container[str], columns: ColumnMap
) -> list[Problem]:
    """A problem for every row whose 表计资产号 is not in ``known`` (the stored meters)."""
    reason = translate("Archive", "unknown meter {asset_no} (import the meters first)")
    column = columns.name("asset_no")
    return [
        Problem(r.row, column, reason.format(asset_no=r.asset_no))
        for r in records
        if r.asset_no not in known
    ]
