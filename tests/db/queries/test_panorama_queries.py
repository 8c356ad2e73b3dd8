"""The panorama's queries per scope: meter counts and sales (db.queries.panorama), and the
day's freezes and load curve as the rollups hold them (db.queries.rollups).

Readings are inserted by hand (ORM rows, not db.ingest) and the rollups recomputed from them;
every expectation is either written out or computed from the same hand-written tables with a
plain Python loop.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db import rollups
from db.models import DailyFreeze, IntervalReading, Level, MeterRole, MeterStatus, RegisterReading
from db.queries import rollups as rq
from db.queries.panorama import (
    CurvePoint,
    SalesRow,
    meters_expected,
    meters_expected_role,
    sales_so_far,
)
from db.scope import EVERYTHING, Scope

if TYPE_CHECKING:
    from tests.db.conftest import Org

DAY = date(2026, 11, 21)
T0 = datetime.combine(DAY, time.min)
SCOPES = ("all", "k1", "k2", "a", "b", "c")


def _at(hh: int, mm: int, day_offset: int = 0) -> datetime:
    return T0 + timedelta(days=day_offset, hours=hh, minutes=mm)


# (meter, day offset, forward active Wh)
FREEZES = [
    ("a_c1", 0, 1_000_000),
    ("a_c1", 1, 1_012_345),  # the next day's freeze must not count for DAY
    ("a_c2", 0, 2_000_000),
    ("a_c3", -1, 2_990_000),  # frozen the day before only: no freeze for DAY
    ("a_c4", 0, 4_000_000),
    ("a_removed", 0, 5_000_000),
    ("a_sum", 0, 10_000_000),
    ("b_c1", 0, 7_000_000),
    ("c_c1", 0, 8_000_000),
    ("c_sum", 0, 20_000_000),
]
REGISTERS = [
    ("a_c1", 0, 1_012_345),  # +12 345
    ("a_c1", 1, 1_013_000),  # next day
    ("a_c2", 0, 1_500_000),  # below its freeze: the meter was replaced, skipped
    ("a_c3", 0, 3_000_500),  # no freeze for DAY: skipped
    # a_c4 has a freeze but no register reading: skipped
    ("a_removed", 0, 5_100_000),  # removed meter: skipped
    ("a_sum", 0, 10_500_000),  # summary meter: not sales
    ("b_c1", 0, 7_000_000),  # zero delta still counts as a contributing meter
    ("c_c1", 0, 8_020_000),  # +20 000
    ("c_sum", 0, 20_700_000),
]
# (meter, slot start, active power W), deliberately not in slot order.
INTERVALS = [
    ("a_sum", _at(23, 45), 30_000),
    ("a_sum", _at(0, 0), 40_000),
    ("a_sum", _at(0, 15), 41_000),
    ("a_sum", _at(0, 0, day_offset=1), 99_999),  # the next day's 00:00
    ("a_sum", _at(23, 45, day_offset=-1), 88_888),  # the day before
    ("a_sum", _at(9, 30), 35_000),  # older than the window
    ("a_sum", _at(10, 0), 37_000),  # a_sum's latest within the window
    ("a_sum", _at(9, 45), 36_000),
    ("a_sum", _at(10, 15), 99_000),  # in the future at the test clock's 10:07:30
    ("b_sum", _at(0, 30), 22_000),
    ("b_sum", _at(0, 0), 20_000),
    ("b_sum", _at(9, 45), 21_000),  # b_sum's latest within the window
    ("c_sum", _at(0, 0), 50_000),
    ("c_sum", _at(9, 0), 55_000),  # c_sum has nothing within the window
    ("a_c1", _at(0, 0), 1_000),  # customer meters are not supply
    ("a_c1", _at(10, 0), 500),
]


@pytest.fixture
def readings(session_factory: sessionmaker[Session], org: Org) -> Org:
    collected = T0 + timedelta(minutes=5)
    with session_factory() as session, session.begin():
        session.add_all(
            DailyFreeze(
                meter_id=org.meter(name),
                day=DAY + timedelta(days=offset),
                forward_active_wh=wh,
                collected_at=collected,
            )
            for name, offset, wh in FREEZES
        )
        session.add_all(
            RegisterReading(
                meter_id=org.meter(name),
                day=DAY + timedelta(days=offset),
                forward_active_wh=wh,
                read_at=_at(10, 0, offset),
            )
            for name, offset, wh in REGISTERS
        )
        session.add_all(
            IntervalReading(
                meter_id=org.meter(name),
                slot_start=slot,
                active_power_w=power,
                forward_active_wh=None,
                read_at=slot + timedelta(minutes=1),
            )
            for name, slot, power in INTERVALS
        )
        session.flush()
        rollups.recompute_all(session)
    return org


def _scope(org: Org, key: str) -> Scope:
    if key == "all":
        return EVERYTHING
    if key in org.county_ids:
        return Scope(Level.COUNTY, org.county_ids[key])
    return Scope(Level.STATION, org.station_ids[key])


def _in_scope(org: Org, name: str, key: str) -> bool:
    """An active meter of ``key``'s scope, judged from the hand-written specs."""
    spec = org.spec(name)
    if spec.status != MeterStatus.ACTIVE.value:
        return False
    return key == "all" or key in (spec.station, org.county_of(name))


# ---------------------------------------------------------------- meters expected / frozen


@pytest.mark.parametrize(
    ("key", "expected"),
    # Counted by hand from METER_SPECS: a has 5 active (a_removed excluded), b 2, c 2.
    [("all", 9), ("k1", 7), ("k2", 2), ("a", 5), ("b", 2), ("c", 2)],
)
def test_meters_expected_counts_active_meters_in_scope(
    session_factory: sessionmaker[Session], org: Org, key: str, expected: int
) -> None:
    with session_factory() as session:
        assert meters_expected(session, _scope(org, key)) == expected


@pytest.mark.parametrize("key", SCOPES)
@pytest.mark.parametrize("role", [MeterRole.CUSTOMER.value, MeterRole.SUMMARY.value])
def test_meters_expected_role_counts_one_role(
    session_factory: sessionmaker[Session], org: Org, key: str, role: str
) -> None:
    expected = sum(1 for s in org.specs if s.role == role and _in_scope(org, s.name, key))
    with session_factory() as session:
        assert meters_expected_role(session, _scope(org, key), role) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    # DAY's freezes of active meters: a_c1, a_c2, a_c4, a_sum (a), b_c1 (b), c_c1, c_sum (c).
    [("all", 7), ("k1", 5), ("k2", 2), ("a", 4), ("b", 1), ("c", 2)],
)
def test_meters_with_freeze_counts_the_days_freezes_in_scope(
    session_factory: sessionmaker[Session], readings: Org, key: str, expected: int
) -> None:
    by_loop = sum(1 for n, offset, _ in FREEZES if offset == 0 and _in_scope(readings, n, key))
    assert by_loop == expected
    with session_factory() as session:
        assert rq.day_kpis(session, _scope(readings, key), DAY).meters_read == expected


def test_meters_with_freeze_of_a_day_without_freezes_is_zero(
    session_factory: sessionmaker[Session], readings: Org
) -> None:
    with session_factory() as session:
        assert rq.day_kpis(session, EVERYTHING, DAY + timedelta(days=5)).meters_read == 0


# ---------------------------------------------------------------- sales


@pytest.mark.parametrize("key", SCOPES)
def test_sales_so_far_sums_register_minus_freeze_over_customer_meters(
    session_factory: sessionmaker[Session], readings: Org, key: str
) -> None:
    freeze = {n: wh for n, offset, wh in FREEZES if offset == 0}
    register = {n: wh for n, offset, wh in REGISTERS if offset == 0}
    energy = meters = 0
    for spec in readings.specs:
        name = spec.name
        if spec.role != MeterRole.CUSTOMER.value or not _in_scope(readings, name, key):
            continue
        if name not in freeze or name not in register or register[name] < freeze[name]:
            continue
        energy += register[name] - freeze[name]
        meters += 1
    with session_factory() as session:
        assert sales_so_far(session, DAY, _scope(readings, key)) == SalesRow(energy, meters)


def test_sales_so_far_whole_company_by_hand(
    session_factory: sessionmaker[Session], readings: Org
) -> None:
    # a_c1 +12 345, b_c1 +0, c_c1 +20 000; everything else is skipped for a stated reason.
    with session_factory() as session:
        assert sales_so_far(session, DAY, EVERYTHING) == SalesRow(32_345, 3)
        assert sales_so_far(session, DAY + timedelta(days=5), EVERYTHING) == SalesRow(0, 0)


# ---------------------------------------------------------------- load curve


@pytest.mark.parametrize("key", SCOPES)
def test_load_curve_sums_summary_meters_per_slot_of_the_day(
    session_factory: sessionmaker[Session], readings: Org, key: str
) -> None:
    slots: dict[datetime, tuple[int, int]] = {}
    for name, slot, power in INTERVALS:
        if readings.spec(name).role != MeterRole.SUMMARY.value:
            continue
        if slot.date() != DAY or not _in_scope(readings, name, key):
            continue
        total, count = slots.get(slot, (0, 0))
        slots[slot] = (total + power, count + 1)
    expected = [CurvePoint(s, p, m) for s, (p, m) in sorted(slots.items())]
    with session_factory() as session:
        curve = rq.load_curve(session, _scope(readings, key), DAY)
        assert [CurvePoint(*point) for point in curve] == expected


def test_load_curve_whole_company_by_hand(
    session_factory: sessionmaker[Session], readings: Org
) -> None:
    with session_factory() as session:
        curve = [CurvePoint(*point) for point in rq.load_curve(session, EVERYTHING, DAY)]
    assert curve[0] == CurvePoint(_at(0, 0), 40_000 + 20_000 + 50_000, 3)
    assert curve[-1] == CurvePoint(_at(23, 45), 30_000, 1)  # not the next day's 00:00
    assert [p.slot_start for p in curve] == sorted(p.slot_start for p in curve)
    assert len(curve) == 9  # 00:00 00:15 00:30 09:00 09:30 09:45 10:00 10:15 23:45
