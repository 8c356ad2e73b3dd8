"""Deterministic load models behind emulated meters: what a register reads at any instant.

A customer's daily energy depends on its class, weekday, season and a per-day random factor
(hashed from its seed, so any day can be computed without the days before it); within the day
energy follows the class's quarter-hour shape and is split into the four time-of-use tariffs.
The demo generator computes history with the same functions, so history and live reads agree.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

SLOTS_PER_DAY = 96
SLOT_HOURS = 0.25
TARIFFS = 4  # 1 sharp 尖, 2 peak 峰, 3 flat 平, 4 valley 谷


class CustomerClass(StrEnum):
    RESIDENTIAL = "residential"
    COMMERCIAL = "commercial"
    INDUSTRIAL = "industrial"
    AGRICULTURAL = "agricultural"


# Relative demand per hour of day (00:00-01:00 first), by class.
_HOURLY: dict[CustomerClass, tuple[float, ...]] = {
    CustomerClass.RESIDENTIAL: (
        0.45,
        0.38,
        0.35,
        0.33,
        0.33,
        0.38,
        0.60,
        0.85,
        0.80,
        0.65,
        0.60,
        0.70,
        0.80,
        0.70,
        0.60,
        0.60,
        0.70,
        0.95,
        1.25,
        1.40,
        1.35,
        1.15,
        0.85,
        0.60,
    ),
    CustomerClass.COMMERCIAL: (
        0.30,
        0.28,
        0.27,
        0.27,
        0.27,
        0.30,
        0.40,
        0.60,
        0.90,
        1.10,
        1.20,
        1.20,
        1.15,
        1.10,
        1.15,
        1.20,
        1.20,
        1.15,
        1.10,
        1.05,
        0.95,
        0.80,
        0.55,
        0.40,
    ),
    CustomerClass.INDUSTRIAL: (
        0.55,
        0.50,
        0.50,
        0.50,
        0.50,
        0.55,
        0.70,
        0.95,
        1.15,
        1.20,
        1.20,
        1.10,
        0.95,
        1.10,
        1.20,
        1.20,
        1.15,
        1.00,
        0.85,
        0.80,
        0.75,
        0.70,
        0.65,
        0.60,
    ),
    CustomerClass.AGRICULTURAL: (
        0.20,
        0.20,
        0.20,
        0.20,
        0.25,
        0.40,
        0.80,
        1.20,
        1.50,
        1.60,
        1.60,
        1.30,
        1.00,
        1.20,
        1.50,
        1.60,
        1.50,
        1.20,
        0.80,
        0.50,
        0.35,
        0.30,
        0.25,
        0.20,
    ),
}

# Time-of-use tariff of each hour (a common four-period scheme).
TOU_BY_HOUR: tuple[int, ...] = (
    4,
    4,
    4,
    4,
    4,
    4,
    4,
    4,  # 00-08 valley
    2,
    2,
    2,  # 08-11 peak
    3,
    3,
    3,
    3,
    3,
    3,  # 11-17 flat
    2,
    2,  # 17-19 peak
    1,
    1,  # 19-21 sharp
    2,  # 21-22 peak
    3,  # 22-23 flat
    4,  # 23-24 valley
)


class _Shape:
    """Quarter-hour weights of one class (sum 1) and their per-tariff cumulative sums."""

    __slots__ = ("cum", "shares", "tariff_of_slot", "weights")

    def __init__(self, hourly: Sequence[float]) -> None:
        raw = []
        for slot in range(SLOTS_PER_DAY):
            hour = slot / 4 + 0.125 - 0.5  # slot midpoint, relative to hourly midpoints
            lo = math.floor(hour)
            frac = hour - lo
            raw.append(hourly[lo % 24] * (1 - frac) + hourly[(lo + 1) % 24] * frac)
        total = sum(raw)
        self.weights = tuple(w / total for w in raw)
        self.tariff_of_slot = tuple(TOU_BY_HOUR[slot // 4] - 1 for slot in range(SLOTS_PER_DAY))
        cum = [[0.0] * (SLOTS_PER_DAY + 1) for _ in range(TARIFFS)]
        for slot, w in enumerate(self.weights):
            for t in range(TARIFFS):
                cum[t][slot + 1] = cum[t][slot] + (w if self.tariff_of_slot[slot] == t else 0.0)
        self.cum = tuple(tuple(c) for c in cum)
        self.shares = tuple(c[SLOTS_PER_DAY] for c in self.cum)


SHAPES: dict[CustomerClass, _Shape] = {cls: _Shape(h) for cls, h in _HOURLY.items()}

_MASK = (1 << 64) - 1


def unit_random(*keys: int) -> float:
    """A uniform number in [0, 1) determined by ``keys`` (splitmix64 over the key sequence)."""
    x = 0x2545F4914F6CDD1D
    for key in keys:
        x = (x ^ (key & _MASK)) + 0x9E3779B97F4A7C15 & _MASK
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
        x ^= x >> 31
    return (x >> 11) / float(1 << 53)


def _season(cls: CustomerClass, day: date) -> float:
    doy = day.timetuple().tm_yday
    if cls is CustomerClass.RESIDENTIAL:  # air conditioning in July, heating in January
        return 1.0 + 0.2 * math.cos(2 * math.pi * (doy - 15) / 182.5)
    if cls is CustomerClass.COMMERCIAL:
        return 1.0 + 0.15 * math.cos(2 * math.pi * (doy - 200) / 365.0)
    if cls is CustomerClass.AGRICULTURAL:  # irrigation peaks in early summer
        return 1.0 + 0.6 * math.cos(2 * math.pi * (doy - 170) / 365.0)
    return 1.0


def _weekday(cls: CustomerClass, day: date) -> float:
    wd = day.weekday()
    if cls is CustomerClass.RESIDENTIAL:
        return 1.08 if wd >= 5 else 1.0
    if cls is CustomerClass.COMMERCIAL:
        return (1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.85)[wd]
    if cls is CustomerClass.INDUSTRIAL:
        return (1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.6)[wd]
    return 1.0


WEATHER_SEED = 0x7E3A  # one county climate: every demo county shares its weather


def daily_temperature_c(day: date) -> tuple[float, float, float]:
    """Mean, maximum and minimum temperature (°C) of ``day`` in a subtropical county seat:
    about 5 °C in January, 29 °C in July, with a few days' spells of weather either side."""
    doy = day.timetuple().tm_yday
    seasonal = 17.0 - 12.0 * math.cos(2 * math.pi * (doy - 20) / 365.0)
    # Weather spells: a smooth mix of the day's and its neighbours' random draws.
    spell = sum(unit_random(WEATHER_SEED, day.toordinal() + k) - 0.5 for k in (-2, -1, 0, 1, 2))
    mean = round(seasonal + 3.0 * spell, 1)
    spread = 3.0 + 4.0 * unit_random(WEATHER_SEED, day.toordinal(), 1)
    return mean, round(mean + spread, 1), round(mean - spread * 0.8, 1)


def _temperature_factor(cls: CustomerClass, day: date) -> float:
    """Air conditioning above 26 °C and heating below 8 °C (homes and shops only)."""
    if cls not in (CustomerClass.RESIDENTIAL, CustomerClass.COMMERCIAL):
        return 1.0
    mean = daily_temperature_c(day)[0]
    return 1.0 + 0.025 * max(0.0, mean - 26.0) + 0.015 * max(0.0, 8.0 - mean)


@functools.lru_cache(maxsize=8192)
def _day_factor(cls: CustomerClass, day: date) -> float:
    """Weekday, season and temperature: the same for every customer of a class on a day."""
    return _weekday(cls, day) * _season(cls, day) * _temperature_factor(cls, day)


def slot_of(at: datetime) -> tuple[int, float]:
    """Quarter-hour slot index of ``at`` and the fraction of the slot already elapsed."""
    seconds = at.minute % 15 * 60 + at.second + at.microsecond / 1e6
    return (at.hour * 60 + at.minute) // 15, seconds / 900.0


def split_energy(energy_wh: int, shares: Sequence[float]) -> tuple[int, int, int, int]:
    """Split an energy over the four tariffs; the valley tariff takes the rounding remainder."""
    t1, t2, t3 = (math.floor(energy_wh * shares[t]) for t in range(3))
    return t1, t2, t3, energy_wh - t1 - t2 - t3


class RegisterModel(Protocol):
    """What an emulated meter needs from its load: registers and power at an instant."""

    def tariff_registers_wh(self, at: datetime) -> tuple[int, int, int, int]: ...

    def register_wh(self, at: datetime) -> int: ...

    def power_w(self, at: datetime) -> int: ...


class ConsumerLoad:
    """One customer's consumption. Registers are exact Wh; ``reference_wh`` is the total at
    00:00 of ``reference_day``."""

    __slots__ = (
        "_cache",
        "customer_class",
        "mean_daily_wh",
        "reference_day",
        "reference_wh",
        "seed",
        "shape",
    )

    def __init__(
        self,
        customer_class: CustomerClass,
        mean_daily_wh: int,
        seed: int,
        reference_day: date,
        reference_wh: int,
    ) -> None:
        self.customer_class = customer_class
        self.mean_daily_wh = mean_daily_wh
        self.seed = seed
        self.reference_day = reference_day
        self.reference_wh = reference_wh
        self.shape = SHAPES[customer_class]
        ref_split = self._split(reference_wh)
        self._cache: tuple[date, tuple[int, int, int, int]] = (reference_day, ref_split)

    def daily_wh(self, day: date) -> int:
        noise = 0.85 + 0.30 * unit_random(self.seed, day.toordinal())
        return round(self.mean_daily_wh * _day_factor(self.customer_class, day) * noise)

    def day_start_wh(self, day: date) -> int:
        """The total register at 00:00 of ``day``: what the meter freezes for that day."""
        return sum(self.day_start_registers(day))

    def _split(self, energy_wh: int) -> tuple[int, int, int, int]:
        return split_energy(energy_wh, self.shape.shares)

    def day_start_registers(self, day: date) -> tuple[int, int, int, int]:
        """Per-tariff registers at 00:00 of ``day``."""
        cached_day, regs = self._cache
        if day < cached_day:
            cached_day, regs = self.reference_day, self._split(self.reference_wh)
        if day >= cached_day:
            acc = list(regs)
            d = cached_day
            while d < day:
                for t, part in enumerate(self._split(self.daily_wh(d))):
                    acc[t] += part
                d += timedelta(days=1)
        else:  # before the reference day: walk backwards
            acc = list(regs)
            d = cached_day
            while d > day:
                d -= timedelta(days=1)
                for t, part in enumerate(self._split(self.daily_wh(d))):
                    acc[t] -= part
        result = (acc[0], acc[1], acc[2], acc[3])
        self._cache = (day, result)
        return result

    def tariff_registers_wh(self, at: datetime) -> tuple[int, int, int, int]:
        day = at.date()
        start = self.day_start_registers(day)
        daily = self.daily_wh(day)
        slot, frac = slot_of(at)
        shape = self.shape
        in_slot = shape.tariff_of_slot[slot]
        w = shape.weights[slot] * frac
        regs = [0, 0, 0, 0]
        for t in range(TARIFFS):
            fraction = shape.cum[t][slot] + (w if t == in_slot else 0.0)
            regs[t] = start[t] + math.floor(daily * fraction)
        return regs[0], regs[1], regs[2], regs[3]

    def register_wh(self, at: datetime) -> int:
        return sum(self.tariff_registers_wh(at))

    def power_w(self, at: datetime) -> int:
        slot, _frac = slot_of(at)
        return round(self.daily_wh(at.date()) * self.shape.weights[slot] / SLOT_HOURS)


class AreaSupply:
    """A 台区 summary meter: its customers' consumption grossed up by the 台区's line loss."""

    __slots__ = (
        "_base",
        "_day_powers",
        "_reference_parts",
        "consumers",
        "loss_rate",
        "reference_wh",
    )

    def __init__(
        self, consumers: Sequence[ConsumerLoad], loss_rate: float, reference_wh: int
    ) -> None:
        if not -0.5 < loss_rate < 0.5:
            raise ValueError(f"loss rate {loss_rate} is not plausible")
        self.consumers = tuple(consumers)
        self.loss_rate = loss_rate
        self.reference_wh = reference_wh
        self._reference_parts = split_energy(reference_wh, SHAPES[CustomerClass.RESIDENTIAL].shares)
        base = [0, 0, 0, 0]
        for c in self.consumers:
            for t, part in enumerate(split_energy(c.reference_wh, c.shape.shares)):
                base[t] += part
        self._base = tuple(base)
        self._day_powers: tuple[date, tuple[int, ...]] | None = None

    def tariff_registers_wh(self, at: datetime) -> tuple[int, int, int, int]:
        sums = [0, 0, 0, 0]
        for c in self.consumers:
            for t, reg in enumerate(c.tariff_registers_wh(at)):
                sums[t] += reg
        gross = 1.0 - self.loss_rate
        ref, base = self._reference_parts, self._base
        out = [ref[t] + round((sums[t] - base[t]) / gross) for t in range(TARIFFS)]
        return out[0], out[1], out[2], out[3]

    def register_wh(self, at: datetime) -> int:
        return sum(self.tariff_registers_wh(at))

    def day_start_wh(self, day: date) -> int:
        """The total register at 00:00 of ``day`` (equal to ``register_wh`` at midnight)."""
        sums = [0, 0, 0, 0]
        for c in self.consumers:
            for t, reg in enumerate(c.day_start_registers(day)):
                sums[t] += reg
        gross = 1.0 - self.loss_rate
        ref, base = self._reference_parts, self._base
        return sum(ref[t] + round((sums[t] - base[t]) / gross) for t in range(TARIFFS))

    def slot_powers_w(self, day: date) -> tuple[int, ...]:
        """Supply power of each quarter-hour of ``day``, from the customers' daily energies."""
        cached = self._day_powers
        if cached is not None and cached[0] == day:
            return cached[1]
        by_class: dict[CustomerClass, int] = {}
        for c in self.consumers:
            by_class[c.customer_class] = by_class.get(c.customer_class, 0) + c.daily_wh(day)
        scale = 1.0 / SLOT_HOURS / (1.0 - self.loss_rate)
        powers = tuple(
            round(sum(total * SHAPES[cls].weights[slot] for cls, total in by_class.items()) * scale)
            for slot in range(SLOTS_PER_DAY)
        )
        self._day_powers = (day, powers)
        return powers

    def power_w(self, at: datetime) -> int:
        slot, _frac = slot_of(at)
        return self.slot_powers_w(at.date())[slot]
