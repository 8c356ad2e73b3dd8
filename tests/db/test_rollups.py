"""Rollups: kept by the ingest path, equal to a recomputation from raw rows whatever the order
and batching of the reads, and equal to the definitions computed here by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from db import rollups
from db.ingest import FreezeRow, IntervalRow, upsert_daily_freezes, upsert_interval_readings
from db.models import (
    DailyFreeze,
    IntervalReading,
    RollupClassDay,
    RollupClassMonth,
    RollupCurve,
    RollupDay,
    RollupMonth,
)

if TYPE_CHECKING:
    from tests.db.conftest import Org

D0 = date(2026, 10, 30)  # the days straddle a month end
ROLLUP_TABLES = (
    "rollup_day",
    "rollup_month",
    "rollup_curve",
    "rollup_class_day",
    "rollup_class_month",
)
LIVE_METERS = ("a_c1", "a_c2", "a_c3", "a_c4", "a_sum", "b_c1", "b_sum", "c_c1", "c_sum")
SUMMARIES = ("a_sum", "b_sum", "c_sum")


def _snapshot(session_factory: sessionmaker[Session]) -> dict[str, list[tuple[object, ...]]]:
    with session_factory() as session:
        return {
            t: sorted(tuple(r) for r in session.execute(text(f"SELECT * FROM {t}")))
            for t in ROLLUP_TABLES
        }


def _clear(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        for model in (
            DailyFreeze,
            IntervalReading,
            RollupDay,
            RollupMonth,
            RollupCurve,
            RollupClassDay,
            RollupClassMonth,
        ):
            session.execute(delete(model))


def _freeze(org: Org, name: str, day_no: int, wh: int) -> FreezeRow:
    day = D0 + timedelta(days=day_no)
    return FreezeRow(
        org.meter(name), day, wh, datetime.combine(day, datetime.min.time()) + timedelta(minutes=30)
    )


reading = st.tuples(
    st.sampled_from((*LIVE_METERS, "a_removed")),
    st.integers(0, 4),  # day
    st.integers(0, 3),  # the register's growth per day, kWh (0 included: no consumption)
)
curve_point = st.tuples(
    st.sampled_from(SUMMARIES), st.integers(0, 4), st.integers(0, 95), st.integers(0, 500_000)
)


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    freezes=st.lists(reading, max_size=40, unique_by=lambda r: (r[0], r[1])),
    points=st.lists(curve_point, max_size=30, unique_by=lambda p: (p[0], p[1], p[2])),
    batch=st.integers(1, 7),
    rewrite=st.booleans(),
    data=st.randoms(use_true_random=False),
)
def test_incremental_rollups_equal_a_recomputation_whatever_the_order(
    session_factory: sessionmaker[Session], org: Org, *, freezes, points, batch, rewrite, data
) -> None:
    _clear(session_factory)
    # Registers grow with the day, so a meter's freezes are consistent whatever order they arrive in.
    rows = [
        _freeze(org, name, day, 1_000_000 + 1000 * day * (step + 1)) for name, day, step in freezes
    ]
    curves = [
        IntervalRow(
            org.meter(name),
            datetime.combine(D0 + timedelta(days=day), datetime.min.time())
            + timedelta(minutes=15 * slot),
            power,
            None,
            datetime(2026, 12, 1),
        )
        for name, day, slot, power in points
    ]
    work: list[tuple[str, object]] = [("f", r) for r in rows] + [("c", p) for p in curves]
    data.shuffle(work)
    if rewrite:  # the same reads arrive again later, as a re-read or a re-import would
        work += work[: len(work) // 2]
    for i in range(0, len(work), batch):
        chunk = work[i : i + batch]
        with session_factory.begin() as session:
            upsert_daily_freezes(session, [r for kind, r in chunk if kind == "f"])  # type: ignore[misc]
            upsert_interval_readings(session, [r for kind, r in chunk if kind == "c"])  # type: ignore[misc]
    incremental = _snapshot(session_factory)
    with session_factory.begin() as session:
        rollups.recompute_all(session)
    assert incremental == _snapshot(session_factory)


def test_figures_follow_the_definitions(session_factory: sessionmaker[Session], org: Org) -> None:
    """台区 a on D0: supply 10 kWh, sales 3+2+1+0 kWh → line loss 40 %; the county sums a and b."""
    day1 = 1
    rows = []
    for name, start, used in (
        ("a_c1", 5_000, 3_000),
        ("a_c2", 7_000, 2_000),
        ("a_c3", 1_000, 1_000),
        ("a_c4", 0, 0),
        ("a_sum", 50_000, 10_000),
    ):
        rows += [_freeze(org, name, 0, start), _freeze(org, name, day1, start + used)]
    rows += [
        _freeze(org, "b_c1", 0, 100),
        _freeze(org, "b_sum", 0, 900),
        _freeze(org, "b_sum", day1, 1_900),
    ]
    slot = datetime.combine(D0, datetime.min.time())
    curves = [
        IntervalRow(org.meter("a_sum"), slot + timedelta(hours=19), 8_000, None, slot),
        IntervalRow(org.meter("a_sum"), slot + timedelta(hours=20), 6_000, None, slot),
        IntervalRow(org.meter("b_sum"), slot + timedelta(hours=20), 5_000, None, slot),
    ]
    with session_factory.begin() as session:
        upsert_daily_freezes(session, rows)
        upsert_interval_readings(session, curves)
    with session_factory() as session:
        area = session.get(RollupDay, ("area", org.area_ids["a"], D0))
        assert area is not None
        assert (area.supply_wh, area.sales_wh, area.loss_sales_wh) == (10_000, 6_000, 6_000)
        assert (area.meters_expected, area.meters_read, area.areas_computable) == (5, 5, 1)
        assert (area.load_max_w, area.load_max_at) == (8_000, slot + timedelta(hours=19))
        b = session.get(RollupDay, ("area", org.area_ids["b"], D0))
        assert b is not None
        # b_c1 has no freeze of D0+1: 台区 b's loss is not computable, its supply still known.
        assert (b.supply_wh, b.loss_sales_wh, b.areas_computable, b.customers_complete) == (
            1_000,
            None,
            0,
            0,
        )
        county = session.get(RollupDay, ("county", org.county_ids["k1"], D0))
        assert county is not None
        assert (county.areas, county.areas_computable) == (2, 1)
        assert (county.supply_wh, county.loss_sales_wh, county.sales_wh) == (10_000, 6_000, 6_000)
        assert (county.meters_expected, county.meters_read) == (7, 7)
        # The county's load peak is the sum of its summary meters in one slot: 6 + 5 kW at 20:00.
        assert (county.load_max_w, county.load_max_at) == (11_000, slot + timedelta(hours=20))
        month = session.get(RollupMonth, ("area", org.area_ids["a"], D0.replace(day=1)))
        # Rows for D0−1 (its end freeze is D0's), D0 and D0+1 (its start freeze), all October.
        assert month is not None and (month.sales_wh, month.days) == (6_000, 3)
        classes = session.execute(
            select(RollupClassDay.customer_class, RollupClassDay.sales_wh).where(
                RollupClassDay.level == "county",
                RollupClassDay.unit_id == org.county_ids["k1"],
                RollupClassDay.day == D0,
            )
        ).all()
        assert classes == [("residential", 6_000)]


def test_county_batches_of_new_slots_then_of_new_and_stored_ones_equal_a_recomputation(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    """The shapes the append path meets in collection: a batch of every summary meter of
    both counties over new slots across midnight and a month end, with a large customer's
    curve and repeated reads of a slot in it (the newest counts); then one mixing re-reads
    of stored slots with new slots (the refresh path); then new slots again."""
    _clear(session_factory)
    with session_factory.begin() as session:
        upsert_daily_freezes(
            session,
            [
                _freeze(org, name, day, 1_000_000 + 1_000 * day * (i + 1))
                for i, name in enumerate(LIVE_METERS)
                for day in range(4)
            ],
        )
    start = datetime.combine(D0 + timedelta(days=2), datetime.min.time()) - timedelta(hours=6)

    def point(name: str, slot: int, power: int, late: int = 0) -> IntervalRow:
        at = start + timedelta(minutes=15 * slot)
        return IntervalRow(org.meter(name), at, power, None, at + timedelta(minutes=1 + late))

    meters = (*SUMMARIES, "a_c1")  # a_c1: a large customer's curve, not supply
    first = [
        point(name, slot, 1_000 * (i + 1) + (slot * 37) % 500)
        for slot in range(48)
        for i, name in enumerate(meters)
    ]
    # Re-reads inside the batch: the newer one of a_sum at slot 30 raises the day's peak, the
    # older one of b_sum at slot 31 must not count.
    first += [point("a_sum", 30, 90_000, late=5), point("b_sum", 31, 80_000, late=-1)]
    mixed = [point(name, slot, 2_000 + slot) for slot in range(40, 56) for name in SUMMARIES]
    mixed += [point("c_sum", 44, 95_000, late=3)]
    later = [point(name, slot, 500 + slot) for slot in range(56, 72) for name in meters]
    for batch in (first, mixed, later):
        with session_factory.begin() as session:
            upsert_interval_readings(session, batch)
    incremental = _snapshot(session_factory)
    with session_factory() as session:
        peak = session.get(RollupDay, ("area", org.area_ids["a"], D0 + timedelta(days=2)))
        assert peak is not None and peak.load_max_w == 90_000
    with session_factory.begin() as session:
        rollups.recompute_all(session)
    assert incremental == _snapshot(session_factory)


@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    freezes=st.lists(reading, max_size=40, unique_by=lambda r: (r[0], r[1])),
    points=st.lists(curve_point, max_size=30, unique_by=lambda p: (p[0], p[1], p[2])),
    ties=st.booleans(),
    groups=st.sampled_from((("abc",), ("a", "bc"), ("c", "a", "b"), ("ab", "c"))),
)
def test_a_bulk_load_of_whole_areas_equals_a_recomputation(
    session_factory: sessionmaker[Session], org: Org, *, freezes, points, ties, groups
) -> None:
    """``BulkLoad`` computes the rollups from the rows it is given, in groups of 台区 stored
    in transactions of their own (the demo generator's history), not from the tables."""
    _clear(session_factory)
    rows = [
        _freeze(org, name, day, 1_000_000 + 1000 * day * (step + 1)) for name, day, step in freezes
    ]
    curves = [
        IntervalRow(
            org.meter(name),
            datetime.combine(D0 + timedelta(days=day), datetime.min.time())
            + timedelta(minutes=15 * slot),
            # Equal powers within a day: the maximum is the earliest slot's.
            1_000 + 1_000 * day if ties else power,
            None,
            datetime(2026, 12, 1),
        )
        for name, day, slot, power in points
    ]
    days = [r.day for r in rows] + [p.slot_start.date() for p in curves]
    if not days:
        return
    first = min([r.day - timedelta(days=1) for r in rows] + [p.slot_start.date() for p in curves])
    bulk = rollups.BulkLoad(first, max(days), window_days=2)
    area_of_meter = {org.meter(spec.name): org.area_ids[spec.station] for spec in org.specs}
    for group in groups:
        areas = {org.area_ids[key] for key in group}
        with session_factory.begin() as session:
            group_rows = [r for r in rows if area_of_meter[r.meter_id] in areas]
            group_curves = [p for p in curves if area_of_meter[p.meter_id] in areas]
            upsert_daily_freezes(session, group_rows, refresh=False)
            upsert_interval_readings(session, group_curves, refresh=False)
            known = {(r.meter_id, r.day): r.forward_active_wh for r in group_rows}
            bulk.add_areas(session, sorted(areas), known, group_curves)
    for month in bulk.months():
        with session_factory.begin() as session:
            bulk.finish_month(session, month)
    loaded = _snapshot(session_factory)
    with session_factory.begin() as session:
        rollups.recompute_all(session)
    assert loaded == _snapshot(session_factory)
