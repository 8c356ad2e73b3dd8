"""Load models behind emulated meters: registers that only go up, days that add up, tariffs that
split exactly, powers that agree with the registers, and a 台区 supply grossed up by its loss."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.emulator.load import (
    SHAPES,
    SLOTS_PER_DAY,
    TOU_BY_HOUR,
    AreaSupply,
    ConsumerLoad,
    CustomerClass,
    slot_of,
    split_energy,
    unit_random,
)

REFERENCE_DAY = date(2026, 3, 1)
REFERENCE_WH = 5_000_000
CLASSES = list(CustomerClass)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def consumer(cls: CustomerClass = CustomerClass.RESIDENTIAL, seed: int = 7) -> ConsumerLoad:
    return ConsumerLoad(cls, 12_000, seed, REFERENCE_DAY, REFERENCE_WH)


def area(loss_rate: float = 0.05) -> AreaSupply:
    consumers = [
        ConsumerLoad(cls, 5_000 + 3_000 * i, 100 + i, REFERENCE_DAY, 1_000_000 * (i + 1))
        for i, cls in enumerate(CLASSES * 3)
    ]
    return AreaSupply(consumers, loss_rate, reference_wh=80_000_000)


# Instants around the reference day, before and after it, to the microsecond.
instants = st.datetimes(min_value=datetime(2026, 2, 26), max_value=datetime(2026, 3, 5))


# ----------------------------------------------------------------------------- shapes, helpers


@pytest.mark.parametrize("cls", CLASSES)
def test_shape_weights_and_shares(cls: CustomerClass) -> None:
    shape = SHAPES[cls]
    assert len(shape.weights) == SLOTS_PER_DAY
    assert all(w > 0 for w in shape.weights)
    assert math.fsum(shape.weights) == pytest.approx(1.0)
    assert math.fsum(shape.shares) == pytest.approx(1.0)
    for t in range(4):
        in_tariff = [w for w, s in zip(shape.weights, shape.tariff_of_slot, strict=True) if s == t]
        assert shape.shares[t] == pytest.approx(math.fsum(in_tariff))


def test_time_of_use_covers_the_day_with_four_tariffs() -> None:
    assert len(TOU_BY_HOUR) == 24
    assert set(TOU_BY_HOUR) == {1, 2, 3, 4}
    assert TOU_BY_HOUR[3] == 4  # 03:00 is valley
    assert TOU_BY_HOUR[19] == 1  # 19:00 is sharp


@pytest.mark.parametrize(
    ("at", "slot", "frac"),
    [
        (datetime(2026, 11, 21, 0, 0), 0, 0.0),
        (datetime(2026, 11, 21, 10, 7, 30), 40, 0.5),
        (datetime(2026, 11, 21, 23, 59, 59, 999_999), 95, (899.999999) / 900),
    ],
)
def test_slot_of(at: datetime, slot: int, frac: float) -> None:
    got_slot, got_frac = slot_of(at)
    assert got_slot == slot
    assert got_frac == pytest.approx(frac)


@given(
    energy=st.integers(0, 10**9),
    cls=st.sampled_from(CLASSES),
)
def test_split_energy_is_exact(energy: int, cls: CustomerClass) -> None:
    parts = split_energy(energy, SHAPES[cls].shares)
    assert sum(parts) == energy
    assert all(p >= 0 for p in parts)
    for part, share in zip(parts[:3], SHAPES[cls].shares[:3], strict=True):
        assert part == math.floor(energy * share)


@given(keys=st.lists(st.integers(-(2**70), 2**70), max_size=4))
def test_unit_random_is_in_unit_interval_and_deterministic(keys: list[int]) -> None:
    value = unit_random(*keys)
    assert 0.0 <= value < 1.0
    assert unit_random(*keys) == value


def test_unit_random_depends_on_every_key_and_their_order() -> None:
    assert unit_random(1, 2) != unit_random(2, 1)
    assert unit_random(1, 2) != unit_random(1, 3)
    assert unit_random(1) != unit_random(1, 0)
    values = [unit_random(42, day) for day in range(5000)]
    assert len(set(values)) == len(values)
    assert 0.47 < sum(values) / len(values) < 0.53  # roughly uniform
    assert min(values) < 0.01
    assert max(values) > 0.99


# ----------------------------------------------------------------------------- consumer


@given(a=instants, b=instants, cls=st.sampled_from(CLASSES))
def test_registers_never_decrease(a: datetime, b: datetime, cls: CustomerClass) -> None:
    early, late = sorted((a, b))
    load = consumer(cls)
    later = load.tariff_registers_wh(late)  # the later instant first: exercises the cache
    earlier = load.tariff_registers_wh(early)
    assert all(e <= lt for e, lt in zip(earlier, later, strict=True))
    assert load.register_wh(early) <= load.register_wh(late)


@pytest.mark.parametrize("cls", CLASSES)
def test_registers_never_decrease_across_slot_and_day_boundaries(cls: CustomerClass) -> None:
    load = consumer(cls)
    start = midnight(REFERENCE_DAY - timedelta(days=1))
    tick = timedelta(microseconds=1)
    previous = load.tariff_registers_wh(start - tick)
    for slot in range(1, 2 * SLOTS_PER_DAY + 1):
        boundary = start + timedelta(minutes=15 * slot)
        for at in (boundary - tick, boundary):
            regs = load.tariff_registers_wh(at)
            assert all(p <= r for p, r in zip(previous, regs, strict=True)), at
            previous = regs


@given(offset=st.integers(-40, 40), cls=st.sampled_from(CLASSES))
def test_a_day_adds_its_daily_energy(offset: int, cls: CustomerClass) -> None:
    load = consumer(cls)
    day = REFERENCE_DAY + timedelta(days=offset)
    start = load.tariff_registers_wh(midnight(day))
    end = load.tariff_registers_wh(midnight(day + timedelta(days=1)))
    daily = load.daily_wh(day)
    assert sum(end) - sum(start) == daily
    assert (
        load.register_wh(midnight(day + timedelta(days=1))) - load.register_wh(midnight(day))
        == daily
    )
    # Per tariff the day's energy is split exactly, the valley taking the remainder.
    increase = tuple(e - s for e, s in zip(end, start, strict=True))
    assert increase == split_energy(daily, load.shape.shares)


def test_reference_day_starts_at_the_reference_register() -> None:
    load = consumer()
    assert load.register_wh(midnight(REFERENCE_DAY)) == REFERENCE_WH
    assert load.day_start_registers(REFERENCE_DAY) == split_energy(REFERENCE_WH, load.shape.shares)


def test_cache_gives_the_same_answer_in_any_order() -> None:
    days = [REFERENCE_DAY + timedelta(days=d) for d in (5, -3, 9, 0, -10, 2)]
    walked = consumer()
    first = [walked.day_start_registers(d) for d in days]
    again = [consumer().day_start_registers(d) for d in days]
    assert first == again


def test_daily_energy_is_deterministic_and_varies() -> None:
    days = [REFERENCE_DAY + timedelta(days=d) for d in range(60)]
    energies = [consumer().daily_wh(d) for d in days]
    assert energies == [consumer().daily_wh(d) for d in days]
    assert len(set(energies)) > 30
    assert consumer(seed=8).daily_wh(REFERENCE_DAY) != consumer(seed=7).daily_wh(REFERENCE_DAY)
    # A residential customer's day is within the model's ranges around its mean.
    assert all(0.5 * 12_000 < e < 1.6 * 12_000 for e in energies)


@pytest.mark.parametrize("cls", CLASSES)
def test_power_agrees_with_the_register_over_each_slot(cls: CustomerClass) -> None:
    load = consumer(cls)
    day = REFERENCE_DAY + timedelta(days=2)
    daily = load.daily_wh(day)
    total = 0.0
    for slot in range(SLOTS_PER_DAY):
        at = midnight(day) + timedelta(minutes=15 * slot)
        power = load.power_w(at)
        assert load.power_w(at + timedelta(minutes=14, seconds=59)) == power  # flat in a slot
        # Energy over the slot: the register rises by power * 0.25 h, give or take the
        # flooring of the register (1 Wh) and the rounding of the power (0.125 Wh). At midnight
        # the valley register also takes the day's remainder from flooring the other three.
        rise = load.register_wh(at + timedelta(minutes=15)) - load.register_wh(at)
        tolerance = 1.125 + (3 if slot == SLOTS_PER_DAY - 1 else 0)
        assert abs(rise - power * 0.25) <= tolerance, slot
        total += power * 0.25
    assert abs(total - daily) <= SLOTS_PER_DAY * 0.125


def test_power_follows_the_class_shape() -> None:
    load = consumer(CustomerClass.RESIDENTIAL)
    day = REFERENCE_DAY
    night = load.power_w(midnight(day) + timedelta(hours=3, minutes=30))
    evening = load.power_w(midnight(day) + timedelta(hours=19, minutes=30))
    assert evening > 3 * night


# ----------------------------------------------------------------------------- area supply


def test_area_starts_at_its_reference_register() -> None:
    supply = area()
    assert supply.register_wh(midnight(REFERENCE_DAY)) == 80_000_000


@pytest.mark.parametrize("loss_rate", [0.05, 0.0, -0.02, 0.3])
def test_area_day_is_its_customers_grossed_up_by_the_loss(loss_rate: float) -> None:
    supply = area(loss_rate)
    for offset in (-2, 0, 3):
        day = REFERENCE_DAY + timedelta(days=offset)
        rise = supply.register_wh(midnight(day + timedelta(days=1))) - supply.register_wh(
            midnight(day)
        )
        sales = sum(c.daily_wh(day) for c in supply.consumers)
        # Each of the four tariff registers rounds once at either end of the day.
        assert abs(rise - sales / (1 - loss_rate)) <= 4
        line_loss = (rise - sales) / rise
        assert line_loss == pytest.approx(loss_rate, abs=1e-4)


@given(a=instants, b=instants)
def test_area_registers_never_decrease(a: datetime, b: datetime) -> None:
    early, late = sorted((a, b))
    supply = area()
    assert supply.register_wh(early) <= supply.register_wh(late)


def test_area_slot_powers_are_cached_and_match_power() -> None:
    supply = area()
    day = REFERENCE_DAY + timedelta(days=1)
    powers = supply.slot_powers_w(day)
    assert len(powers) == SLOTS_PER_DAY
    assert supply.slot_powers_w(day) is powers  # the cache answers the second call
    for slot in range(SLOTS_PER_DAY):
        at = midnight(day) + timedelta(minutes=15 * slot, seconds=slot * 7)
        assert supply.power_w(at) == powers[slot]
        customers = sum(c.power_w(at) for c in supply.consumers)
        # Customers' powers are rounded one by one, the supply's once.
        assert abs(powers[slot] - customers / 0.95) <= len(supply.consumers) * 0.5 / 0.95 + 0.5
    other = supply.slot_powers_w(day + timedelta(days=1))
    assert other != powers
    assert supply.slot_powers_w(day) == powers  # recomputed after another day, same values


@pytest.mark.parametrize("loss_rate", [0.5, -0.5, 1.0, float("nan")])
def test_area_rejects_implausible_loss(loss_rate: float) -> None:
    with pytest.raises(ValueError, match="loss rate"):
        AreaSupply([consumer()], loss_rate, 0)
