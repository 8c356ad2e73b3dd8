"""db.ingest: idempotent upserts, newest-read-wins, all-or-nothing batches, meter read states."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from db.errors import IngestError
from db.ingest import (
    FreezeRow,
    IntervalRow,
    MeterReadState,
    RegisterRow,
    update_meter_states,
    upsert_daily_freezes,
    upsert_interval_readings,
    upsert_register_readings,
)
from db.models import DailyFreeze, IntervalReading, Meter, RegisterReading

if TYPE_CHECKING:
    from tests.db.conftest import Org

DAY = date(2026, 11, 21)
MIDNIGHT = datetime(2026, 11, 21)
READINGS_TABLES = ("daily_freeze", "register_reading", "interval_reading")


def _table(session_factory: sessionmaker[Session], table: str) -> list[tuple[object, ...]]:
    with session_factory() as session:
        return [tuple(r) for r in session.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]


def _batch(org: Org) -> tuple[list[FreezeRow], list[RegisterRow], list[IntervalRow]]:
    customers = [org.meter(n) for n in ("a_c1", "a_c2", "b_c1")]
    summary = org.meter("a_sum")
    freezes = [
        FreezeRow(m, DAY, 1_000_000 * (i + 1), MIDNIGHT + timedelta(minutes=5))
        for i, m in enumerate(customers)
    ]
    registers = [
        RegisterRow(m, DAY, 1_000_000 * (i + 1) + 1234, MIDNIGHT + timedelta(hours=10))
        for i, m in enumerate(customers)
    ]
    intervals = [
        IntervalRow(
            summary,
            MIDNIGHT + timedelta(minutes=15 * slot),
            40_000 + slot,
            None if slot == 0 else 5_000_000 + slot,
            MIDNIGHT + timedelta(minutes=15 * slot + 2),
        )
        for slot in range(4)
    ]
    return freezes, registers, intervals


def _store(
    session_factory: sessionmaker[Session],
    freezes: list[FreezeRow],
    registers: list[RegisterRow],
    intervals: list[IntervalRow],
) -> tuple[int, int, int]:
    with session_factory.begin() as session:
        return (
            upsert_daily_freezes(session, freezes),
            upsert_register_readings(session, registers),
            upsert_interval_readings(session, intervals),
        )


def test_storing_the_same_batch_twice_leaves_the_same_tables(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    freezes, registers, intervals = _batch(org)
    assert _store(session_factory, freezes, registers, intervals) == (3, 3, 4)
    first = {t: _table(session_factory, t) for t in READINGS_TABLES}
    assert _store(session_factory, freezes, registers, intervals) == (3, 3, 4)
    second = {t: _table(session_factory, t) for t in READINGS_TABLES}
    assert second == first
    # And what is stored is exactly the batch.
    with session_factory() as session:
        stored_freezes = {
            (f.meter_id, f.day, f.forward_active_wh, f.collected_at)
            for f in session.scalars(select(DailyFreeze))
        }
        stored_registers = {
            (r.meter_id, r.day, r.forward_active_wh, r.read_at)
            for r in session.scalars(select(RegisterReading))
        }
        stored_intervals = {
            (i.meter_id, i.slot_start, i.active_power_w, i.forward_active_wh, i.read_at)
            for i in session.scalars(select(IntervalReading))
        }
    assert stored_freezes == {
        (f.meter_id, f.day, f.forward_active_wh, f.collected_at) for f in freezes
    }
    assert stored_registers == {
        (r.meter_id, r.day, r.forward_active_wh, r.read_at) for r in registers
    }
    assert stored_intervals == {
        (i.meter_id, i.slot_start, i.active_power_w, i.forward_active_wh, i.read_at)
        for i in intervals
    }


def test_empty_batches_store_nothing(session_factory: sessionmaker[Session], org: Org) -> None:
    assert _store(session_factory, [], [], []) == (0, 0, 0)
    with session_factory.begin() as session:
        assert update_meter_states(session, []) == 0
    assert all(_table(session_factory, t) == [] for t in READINGS_TABLES)


def _register(session_factory: sessionmaker[Session], meter_id: int) -> tuple[int, datetime]:
    with session_factory() as session:
        row = session.get_one(RegisterReading, (meter_id, DAY))
        return row.forward_active_wh, row.read_at


def test_a_newer_register_read_replaces_an_older_one_but_not_the_reverse(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    meter = org.meter("a_c1")
    at_9, at_10, at_11 = (MIDNIGHT + timedelta(hours=h) for h in (9, 10, 11))
    with session_factory.begin() as session:
        upsert_register_readings(session, [RegisterRow(meter, DAY, 100_000, at_10)])
    with session_factory.begin() as session:
        upsert_register_readings(session, [RegisterRow(meter, DAY, 101_000, at_11)])
    assert _register(session_factory, meter) == (101_000, at_11)
    # A read taken at 09:00 that arrives late must not roll the register back.
    with session_factory.begin() as session:
        upsert_register_readings(session, [RegisterRow(meter, DAY, 99_000, at_9)])
    assert _register(session_factory, meter) == (101_000, at_11)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(RegisterReading)) == 1


def test_a_newer_interval_read_replaces_an_older_one_but_not_the_reverse(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    meter = org.meter("a_sum")
    slot = MIDNIGHT + timedelta(hours=10)
    first = IntervalRow(meter, slot, 30_000, 5_000_000, slot + timedelta(minutes=1))
    newer = IntervalRow(meter, slot, 31_000, 5_000_100, slot + timedelta(minutes=14))
    older = IntervalRow(meter, slot, 29_000, None, slot + timedelta(seconds=30))
    for row in (first, newer, older):
        with session_factory.begin() as session:
            upsert_interval_readings(session, [row])
    with session_factory() as session:
        stored = session.scalars(select(IntervalReading)).all()
        assert [(s.active_power_w, s.forward_active_wh, s.read_at) for s in stored] == [
            (newer.active_power_w, newer.forward_active_wh, newer.read_at)
        ]


def test_a_failing_batch_stores_nothing_and_keeps_earlier_batches(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    freezes, registers, intervals = _batch(org)
    _store(session_factory, freezes, registers, intervals)
    before = {t: _table(session_factory, t) for t in READINGS_TABLES}
    missing_meter = max(org.meter_ids.values()) + 100
    later = MIDNIGHT + timedelta(hours=11)
    good_register = RegisterRow(org.meter("a_c1"), DAY, 9_999_999, later)
    new_interval = IntervalRow(org.meter("b_sum"), MIDNIGHT, 1, None, later)
    with pytest.raises(IngestError, match="daily_freeze"), session_factory.begin() as session:
        # Valid rows first (one of them overwrites a stored reading), the bad one last.
        upsert_register_readings(session, [good_register])
        upsert_interval_readings(session, [new_interval])
        upsert_daily_freezes(
            session,
            [
                FreezeRow(org.meter("c_c1"), DAY, 5, later),
                FreezeRow(missing_meter, DAY, 5, later),
            ],
        )
    after = {t: _table(session_factory, t) for t in READINGS_TABLES}
    assert after == before
    assert _register(session_factory, org.meter("a_c1")) == (
        registers[0].forward_active_wh,
        registers[0].read_at,
    )


def _states(session_factory: sessionmaker[Session]) -> dict[int, tuple[object, ...]]:
    with session_factory() as session:
        rows = session.execute(
            select(Meter.id, Meter.last_read_at, Meter.last_read_ok, Meter.last_error)
        )
        return {r[0]: tuple(r[1:]) for r in rows}


def test_update_meter_states_records_each_meters_latest_attempt(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    ok_meter, failed_meter = org.meter("a_c1"), org.meter("a_c2")
    t1 = MIDNIGHT + timedelta(hours=10)
    t2 = t1 + timedelta(minutes=15)
    with session_factory.begin() as session:
        count = update_meter_states(
            session,
            [
                MeterReadState(ok_meter, t1, True, None),
                MeterReadState(failed_meter, t1, False, "no answer within 2.0 s"),
            ],
        )
    assert count == 2
    states = _states(session_factory)
    assert states[ok_meter] == (t1, True, None)
    assert states[failed_meter] == (t1, False, "no answer within 2.0 s")
    untouched = set(org.meter_ids.values()) - {ok_meter, failed_meter}
    assert all(states[m] == (None, None, None) for m in untouched)
    # The next attempt succeeds: the error is cleared.
    with session_factory.begin() as session:
        update_meter_states(session, [MeterReadState(failed_meter, t2, True, None)])
    states = _states(session_factory)
    assert states[failed_meter] == (t2, True, None)
    assert states[ok_meter] == (t1, True, None)


# ---------------------------------------------------------------- property: newest read wins

_METERS = ("a_c1", "a_c2", "b_c1")
_reading = st.tuples(
    st.sampled_from(_METERS),
    st.integers(min_value=0, max_value=2),  # day offset
    st.integers(min_value=0, max_value=10**12),  # Wh
    st.integers(min_value=0, max_value=3 * 24 * 60 * 60 - 1),  # read_at, seconds (unique)
)


@settings(
    max_examples=40,
    deadline=None,
    # The database fixture is shared by the examples; each example empties the table first.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    readings=st.lists(_reading, min_size=1, max_size=25, unique_by=lambda r: r[3]),
    data=st.data(),
)
def test_the_stored_register_reading_is_the_newest_whatever_the_arrival_order(
    session_factory: sessionmaker[Session],
    org: Org,
    readings: list[tuple[str, int, int, int]],
    data: st.DataObject,
) -> None:
    with session_factory.begin() as session:
        session.execute(delete(RegisterReading))
    rows = [
        RegisterRow(
            org.meter(name),
            DAY + timedelta(days=day_offset),
            wh,
            MIDNIGHT + timedelta(seconds=seconds),
        )
        for name, day_offset, wh, seconds in readings
    ]
    arrival = data.draw(st.permutations(rows), label="arrival order")
    cuts = sorted(
        data.draw(st.lists(st.integers(0, len(arrival)), max_size=4), label="batch boundaries")
    )
    bounds = [0, *cuts, len(arrival)]
    for start, end in pairwise(bounds):
        with session_factory.begin() as session:
            upsert_register_readings(session, arrival[start:end])

    expected: dict[tuple[int, date], RegisterRow] = {}
    for row in rows:
        key = (row.meter_id, row.day)
        if key not in expected or row.read_at > expected[key].read_at:
            expected[key] = row
    with session_factory() as session:
        stored = {
            (r.meter_id, r.day): (r.forward_active_wh, r.read_at)
            for r in session.scalars(select(RegisterReading))
        }
    assert stored == {k: (r.forward_active_wh, r.read_at) for k, r in expected.items()}
