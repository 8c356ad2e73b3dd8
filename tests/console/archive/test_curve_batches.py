"""The points of a curve import are stored in batches of whole days, days in order, each day's
points in the file's order, a batch closed once it holds ``STORE_BATCH`` points."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from console.archive import curve_store
from db.ingest import IntervalRow


def by_day_reference(points: list[IntervalRow], at_least: int) -> list[list[IntervalRow]]:
    days = sorted({p.slot_start.date() for p in points})
    batches: list[list[IntervalRow]] = []
    batch: list[IntervalRow] = []
    for day in days:
        batch += [p for p in points if p.slot_start.date() == day]
        if len(batch) >= at_least:
            batches.append(batch)
            batch = []
    return [*batches, batch] if batch else batches


@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("at_least", [1, 5, 96, 1000])
def test_batches_hold_whole_days_in_order_each_in_the_files_order(
    monkeypatch: pytest.MonkeyPatch, shuffled: bool, at_least: int
) -> None:
    monkeypatch.setattr(curve_store, "STORE_BATCH", at_least)
    start = datetime(2026, 11, 1)
    points = [
        IntervalRow(meter, start + timedelta(minutes=15 * k), k, None, start)
        for meter in (7, 3, 5)
        for k in range(0, 96 * 4, 7)  # four days, a few points each
    ]
    if shuffled:
        random.Random(4).shuffle(points)
    batches = [list(b) for b in curve_store._day_batches(points)]
    assert batches == by_day_reference(points, at_least)
    assert sum(map(len, batches)) == len(points)
    assert len(batches) == {1: 4, 5: 4, 96: 2, 1000: 1}[at_least]
    assert list(curve_store._day_batches([])) == []
