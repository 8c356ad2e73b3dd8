"""db.upsert: a batch is stored as if its rows were upserted one by one in the order given,
whatever order the SQLite path writes them in; rows of the wrong width are refused whole."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from db import upsert
from db.errors import IngestError
from db.ingest import FreezeRow, IntervalRow, upsert_daily_freezes, upsert_interval_readings
from db.models import DailyFreeze, IntervalReading
from db.upsert import table_of, upsert_rows

if TYPE_CHECKING:
    from tests.db.conftest import Org

MIDNIGHT = datetime(2026, 11, 21)
METERS = ("a_sum", "a_c1", "b_sum", "c_sum")

_point = st.tuples(
    st.sampled_from(METERS),
    st.integers(0, 5),  # slot
    st.integers(0, 3),  # read_at, minutes after the slot: repeats and ties
    st.integers(0, 900_000),  # W
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(points=st.lists(_point, min_size=1, max_size=40))
def test_one_batch_with_repeated_keys_keeps_what_one_by_one_upserts_would(
    session_factory: sessionmaker[Session], org: Org, points: list[tuple[str, int, int, int]]
) -> None:
    """Curves: of the rows of a key, each replaces the held one if at least as new (so the
    last of the newest wins). Freezes: the last row of a key wins."""
    with session_factory.begin() as session:
        session.execute(delete(IntervalReading))
        session.execute(delete(DailyFreeze))
    curves = [
        IntervalRow(
            org.meter(name),
            MIDNIGHT + timedelta(minutes=15 * slot),
            power,
            power * 7,
            MIDNIGHT + timedelta(minutes=15 * slot + late),
        )
        for name, slot, late, power in points
    ]
    freezes = [
        FreezeRow(org.meter(name), date(2026, 11, 1 + slot), power, MIDNIGHT)
        for name, slot, _late, power in points
    ]
    with session_factory.begin() as session:
        upsert_interval_readings(session, curves, refresh=False)
        upsert_daily_freezes(session, freezes, refresh=False)

    held: dict[tuple[int, datetime], IntervalRow] = {}
    for row in curves:
        key = (row.meter_id, row.slot_start)
        if key not in held or row.read_at >= held[key].read_at:
            held[key] = row
    last = {(r.meter_id, r.day): r.forward_active_wh for r in freezes}
    with session_factory() as session:
        stored = {
            (r.meter_id, r.slot_start): (r.active_power_w, r.forward_active_wh, r.read_at)
            for r in session.scalars(select(IntervalReading))
        }
        stored_freezes = {
            (r.meter_id, r.day): r.forward_active_wh for r in session.scalars(select(DailyFreeze))
        }
    assert stored == {
        k: (r.active_power_w, r.forward_active_wh, r.read_at) for k, r in held.items()
    }
    assert stored_freezes == last


def test_rows_of_the_wrong_width_are_refused_and_nothing_is_stored(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    good = FreezeRow(org.meter("a_c1"), date(2026, 11, 1), 1_000, MIDNIGHT)
    short = (org.meter("a_c2"), date(2026, 11, 1), 1_000)
    refused = pytest.raises(IngestError, match=r"daily_freeze.*rows of 3 or 9 values.*9 columns")
    with refused, session_factory.begin() as session:
        upsert_rows(
            session, table_of(DailyFreeze), FreezeRow._fields, [good, short], ("meter_id", "day")
        )
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(DailyFreeze)) == 0


_key_row = st.tuples(
    st.integers(0, 3), st.sampled_from(("b", "a", "c")), st.integers(0, 2), st.integers()
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(_key_row, max_size=30),
    key_at=st.sampled_from(((0,), (1, 0), (0, 1, 2), (2, 1))),
    one_number=st.booleans(),
)
def test_rows_go_in_key_order_and_rows_of_a_key_keep_theirs(
    rows: list[tuple[Any, ...]], key_at: tuple[int, ...], one_number: bool
) -> None:
    """Whether the key's ranks fit one number (one argsort) or not (lexsort), the order is
    Python's stable sort by the key."""
    with pytest.MonkeyPatch.context() as patch:
        if not one_number:
            patch.setattr(upsert, "ONE_NUMBER_BELOW", 1)
        ordered = list(upsert._in_key_order(rows, key_at))
    assert ordered == sorted(rows, key=itemgetter(*key_at))


def test_keys_that_do_not_compare_leave_the_order_given() -> None:
    rows = [(2, "x"), (None, "y"), (1, "z")]
    assert upsert._in_key_order(rows, (0,)) is rows
