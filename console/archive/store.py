"""What storing a file did (new / updated / unchanged rows), and the batching every kind uses to
write inside the caller's one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
BATCH = 5000  # rows per statement: big enough for executemany to shine, small enough to stream


@dataclass(frozen=True, slots=True)
class StoreCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    boxes_created: int = 0  # 表箱 created for meters that name one not in the database
    created: tuple[tuple[str, int], ...] = ()  # (what, how many): units an org file created
    removed: tuple[tuple[str, int], ...] = ()  # (what, how many): stored lines a file replaced

    @property
    def stored(self) -> int:
        return self.new + self.updated + self.unchanged


def batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def differs(new: Any, old: Any, names: Collection[str]) -> bool:
    return any(getattr(new, name) != getattr(old, name) for name in names)


def write_changes(
    rows: Sequence[tuple[T, Any | None]],
    names: Collection[str],
    write: Callable[[Sequence[T]], None],
) -> StoreCounts:
    """Write the rows that are new (no stored counterpart) or differ from the stored one in
    ``names``, in batches; rows equal to what is stored are counted and left alone."""
    changed: list[T] = []
    new = updated = 0
    for row, old in rows:
        if old is None:
            new += 1
            changed.append(row)
        elif differs(row, old, names):
            updated += 1
            changed.append(row)
    for batch in batches(changed):
        write(batch)
    return StoreCounts(new=new, updated=updated, unchanged=len(rows) - new - updated)
