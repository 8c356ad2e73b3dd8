"""The demo history, stored a group of 台区 at a time with the rollups computed in memory, is
the history of the load models walked day by day, and its rollups are a recomputation's."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from console.core.clock import FixedClock
from console.demo import extras, generator
from console.demo.generator import DemoStage, generate_demo_county, missed_read
from console.demo.profiles import CT_RATIO_BY_KVA, CountyProfile
from db import rollups
from drivers.emulator.core import displayed_power_w, displayed_wh
from drivers.emulator.load import AreaSupply

# Seven 台区 in blocks of three: blocks end inside a supply station's 台区, and the last is
# short. Seed 3 with a tenth of the meters dead has dead customer meters and a dead summary
# meter (checked below, so a change to the planner cannot quietly drop the case).
PROFILE = CountyProfile(
    "blocks", stations=2, substations=1, feeders=3, areas=7, customers=84, curve_days=3
)
SEED = 3
DEAD_RATIO = 0.1
DAYS = 40  # from 12 October: a month end inside the history, and a bill from before it
ROLLUP_TABLES = (
    "rollup_day",
    "rollup_month",
    "rollup_curve",
    "rollup_class_day",
    "rollup_class_month",
)


def _rows(sf: sessionmaker[Session], sql: str) -> list[tuple[object, ...]]:
    with sf() as s:
        return sorted(tuple(r) for r in s.execute(text(sql)))


def _as_datetime(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _day_major_reference(
    now: datetime,
) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]], generator._Planner]:
    """Freezes and curve points computed the plain way, every meter on each day in turn, from
    a planner drawn afresh."""
    reference_day = now.date() - timedelta(days=DAYS)
    planner = generator._Planner(PROFILE, SEED, reference_day, DEAD_RATIO, lambda *_: None)
    planner.plan()
    days = [reference_day + timedelta(days=n) for n in range(DAYS + 1)]
    curve_from = now.date() - timedelta(days=PROFILE.curve_days or 0)
    current_slot = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    freezes: set[tuple[object, ...]] = set()
    points: set[tuple[object, ...]] = set()
    for day in days:
        midnight = datetime.combine(day, time.min)
        for m in planner.loads:
            if day < now.date() and not m.dead and not missed_read(SEED, m.meter_id, day):
                wh = displayed_wh(m.model.day_start_wh(day), m.ct_ratio)
                freezes.add((m.meter_id, day, wh, midnight + timedelta(minutes=37)))
        if day < curve_from:
            continue
        for area in planner.areas:
            summary = next(m for m in planner.loads if m.meter_id == area.summary_meter_id)
            if summary.dead:
                continue
            assert area.supply is not None
            powers = area.supply.slot_powers_w(day)
            for k in range(96):
                slot = midnight + timedelta(minutes=15 * k)
                if slot < current_slot:
                    ct = CT_RATIO_BY_KVA[area.rated_kva]
                    points.add((summary.meter_id, slot, displayed_power_w(powers[k], ct)))
    return freezes, points, planner


@pytest.fixture
def blocks_county(
    session_factory: sessionmaker[Session], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, int, int]]:
    monkeypatch.setattr(generator, "BLOCK_AREAS", 3)
    monkeypatch.setattr(generator, "MISSED_READ_PER_10K", 300)  # a few missed reads per 台区
    seen: list[tuple[str, int, int]] = []
    generate_demo_county(
        session_factory,
        profile=PROFILE,
        seed=SEED,
        now=clock.now(),
        history_days=DAYS,
        dead_meter_ratio=DEAD_RATIO,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    return seen


def test_history_equals_the_models_walked_day_by_day(
    blocks_county: object, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    now = clock.now()
    freezes, points, planner = _day_major_reference(now)
    dead = [m for m in planner.loads if m.dead]
    assert any(isinstance(m.model, AreaSupply) for m in dead)
    assert any(not isinstance(m.model, AreaSupply) for m in dead)
    live_meter_days = sum(1 for m in planner.loads if not m.dead) * DAYS
    assert 0 < live_meter_days - len(freezes) < live_meter_days // 10  # missed reads

    stored = _rows(
        session_factory,
        "SELECT meter_id, day, forward_active_wh, collected_at, forward_sharp_wh, "
        "forward_peak_wh, forward_flat_wh, forward_valley_wh, reverse_active_wh FROM daily_freeze",
    )
    assert all(r[4:] == (None,) * 5 for r in stored)
    assert {(r[0], _as_date(r[1]), r[2], _as_datetime(r[3])) for r in stored} == freezes
    assert len(stored) == len(freezes)

    curve = _rows(
        session_factory,
        "SELECT meter_id, slot_start, active_power_w, forward_active_wh, read_at "
        "FROM interval_reading",
    )
    assert {(r[0], _as_datetime(r[1]), r[2]) for r in curve} == points
    assert len(curve) == len(points)
    assert all(
        r[3] is None and _as_datetime(r[4]) == _as_datetime(r[1]) + timedelta(seconds=920)
        for r in curve
    )
    # The curve window: the last three days up to the last finished slot.
    days = {_as_datetime(r[1]).date() for r in curve}
    assert min(days) == now.date() - timedelta(days=3)
    assert max(_as_datetime(r[1]) for r in curve) == datetime(2026, 11, 21, 9, 45)


def test_rollups_equal_a_recomputation_from_the_raw_rows(
    blocks_county: object, session_factory: sessionmaker[Session]
) -> None:
    generated = {t: _rows(session_factory, f"SELECT * FROM {t}") for t in ROLLUP_TABLES}
    assert all(generated.values())
    with session_factory.begin() as session:
        rollups.recompute_all(session)
    assert generated == {t: _rows(session_factory, f"SELECT * FROM {t}") for t in ROLLUP_TABLES}


def test_bills_charge_what_the_models_registered(
    blocks_county: object, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    _freezes, _points, planner = _day_major_reference(clock.now())
    model_of = {
        row["customer_id"]: load.model
        for row, load in zip(planner.meters, planner.loads, strict=True)
        if row["customer_id"] is not None
    }
    bills = _rows(session_factory, "SELECT customer_id, period, energy_wh FROM bill")
    assert {_as_date(p) for _c, p, _e in bills} == {date(2026, 10, 1)}  # from before the history
    for customer, period, energy in bills:
        month = _as_date(period)
        model = model_of[customer]
        expected = model.day_start_wh(extras.next_month(month)) - model.day_start_wh(month)
        assert energy == max(0, expected)
    assert len(bills) == PROFILE.customers


def test_history_progress_only_moves_forward(blocks_county: list[tuple[str, int, int]]) -> None:
    history = [(done, total) for stage, done, total in blocks_county if stage == DemoStage.HISTORY]
    assert history
    assert len({total for _done, total in history}) == 1
    done = [d for d, _t in history]
    assert done == sorted(done)
    assert done[-1] == history[0][1]


def test_the_page_cache_is_put_back_on_the_pooled_connection(
    blocks_county: object, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:
        assert s.execute(text("PRAGMA cache_size")).scalar() == -2000  # SQLite's default
