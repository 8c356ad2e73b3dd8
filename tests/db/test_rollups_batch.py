"""db.rollups.batch: a curve batch's station and county slot sums and 台区-day peaks equal
the definitions computed point by point here, whatever the batch holds: several counties,
large customers' points, repeated meter-slots, ties, slots across midnight."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from db.ingest import IntervalRow
from db.rollups.batch import batch_figures
from db.rollups.figures import COUNTY, STATION, AreaUnits

# 台区 1..6 on stations 10, 11 (county 100) and 12 (county 200); meter m is the summary meter
# of 台区 m, meters 7 and 8 are large customers (not supply).
UNITS = {
    1: AreaUnits(10, 100),
    2: AreaUnits(10, 100),
    3: AreaUnits(11, 100),
    4: AreaUnits(12, 200),
    5: AreaUnits(12, 200),
    6: AreaUnits(11, 100),
}
SUMMARY_OF = {m: (m, UNITS[m].station_id) for m in UNITS}
START = datetime(2026, 10, 31, 23, 0)  # slots run over midnight and a month end

_point = st.tuples(
    st.integers(1, 8),  # meter
    st.integers(0, 9),  # slot: 23:00 to 01:15
    st.integers(0, 3),  # read_at, minutes after the slot (repeats of a meter-slot)
    st.sampled_from((0, 5, 5_000, 70_000, 70_000, 2_147_483_647)),  # W, ties likely
)


def _rows(points: list[tuple[int, int, int, int]]) -> list[IntervalRow]:
    return [
        IntervalRow(
            meter,
            START + timedelta(minutes=15 * slot),
            power,
            None,
            START + timedelta(minutes=15 * slot + late),
        )
        for meter, slot, late, power in points
    ]


def _expected(
    rows: list[IntervalRow],
) -> tuple[
    dict[tuple[str, int, datetime], list[int]], dict[tuple[int, date], tuple[int, datetime]]
]:
    kept: dict[tuple[int, datetime], IntervalRow] = {}
    for r in rows:  # as the upsert stores them: a row replaces one at most as new
        key = (r.meter_id, r.slot_start)
        if key not in kept or r.read_at >= kept[key].read_at:
            kept[key] = r
    sums: dict[tuple[str, int, datetime], list[int]] = {}
    peaks: dict[tuple[int, date], tuple[int, datetime]] = {}
    for r in kept.values():
        if r.meter_id not in SUMMARY_OF:
            continue
        area = r.meter_id
        for level, unit in ((STATION, UNITS[area].station_id), (COUNTY, UNITS[area].county_id)):
            acc = sums.setdefault((level, unit, r.slot_start), [0, 0])
            acc[0] += r.active_power_w
            acc[1] += 1
        day = r.slot_start.date()
        best = peaks.get((area, day))
        if (
            best is None
            or r.active_power_w > best[0]
            or (r.active_power_w == best[0] and r.slot_start < best[1])
        ):
            peaks[(area, day)] = (r.active_power_w, r.slot_start)
    return sums, peaks


@settings(max_examples=300, deadline=None)
@given(points=st.lists(_point, max_size=60))
def test_batch_figures_follow_the_definitions(points: list[tuple[int, int, int, int]]) -> None:
    rows = _rows(points)
    sums, peaks = batch_figures(rows, SUMMARY_OF, UNITS)
    assert (sums, peaks) == _expected(rows)


def test_a_county_batch_sums_every_station_and_county() -> None:
    """A realistic shape: every 台区 at every slot of two hours, once each."""
    points = [(m, s, 0, 1_000 * m + s) for s in range(8) for m in range(1, 9)]
    sums, peaks = batch_figures(_rows(points), SUMMARY_OF, UNITS)
    slot0 = START
    assert sums[(STATION, 10, slot0)] == [1_000 + 2_000, 2]
    assert sums[(STATION, 11, slot0)] == [3_000 + 6_000, 2]
    assert sums[(COUNTY, 100, slot0)] == [1_000 + 2_000 + 3_000 + 6_000, 4]
    assert sums[(COUNTY, 200, slot0)] == [4_000 + 5_000, 2]
    assert len(sums) == 8 * (3 + 2)
    # Slots 0-3 are on 31 October, 4-7 on 1 November: the last slot of each day is its peak.
    assert peaks[(4, date(2026, 10, 31))] == (4_003, START + timedelta(minutes=45))
    assert peaks[(4, date(2026, 11, 1))] == (4_007, START + timedelta(minutes=105))
    assert len(peaks) == 6 * 2
