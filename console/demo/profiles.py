"""Deterministic per-meter and per-台区 parameters of the demo county.

Both the generator (history) and the emulator (live reads) derive every load parameter from
(seed, meter address) here, so nothing about the emulation needs to be stored in the database.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

from drivers.emulator.load import AreaSupply, ConsumerLoad, CustomerClass, unit_random


@dataclass(frozen=True, slots=True)
class CountyProfile:
    name: str
    stations: int
    substations: int
    feeders: int
    areas: int  # 台区, each with one summary meter
    customers: int  # customer meters
    curve_days: int | None = None  # days of 台区 curves kept; None: the whole history

    @property
    def meters(self) -> int:
        return self.customers + self.areas


PROFILES: dict[str, CountyProfile] = {
    # DESIGN.md §7: demo county, 20 k meters, 250 台区, 20 feeders.
    "demo": CountyProfile(
        "demo", stations=5, substations=4, feeders=20, areas=250, customers=19_750
    ),
    # DESIGN.md §7: the benchmark county, 265 k meters, 3,100 台区, 150 feeders; curves are kept
    # for 90 days (the benchmark's figure), daily freezes for the whole history.
    "large-county": CountyProfile(
        "large-county",
        stations=24,
        substations=12,
        feeders=150,
        areas=3_100,
        customers=261_900,
        curve_days=90,
    ),
    "small": CountyProfile("small", stations=2, substations=1, feeders=3, areas=6, customers=48),
}

# Log-uniform range of mean daily energy per customer class, Wh/day. Customers on public
# 台区 are small: large industry sits on its own transformer.
_MEAN_DAILY_WH: dict[CustomerClass, tuple[int, int]] = {
    CustomerClass.RESIDENTIAL: (2_500, 12_000),
    CustomerClass.COMMERCIAL: (12_000, 120_000),
    CustomerClass.INDUSTRIAL: (60_000, 300_000),
    CustomerClass.AGRICULTURAL: (6_000, 50_000),
}

# Summary meter CT ratio by transformer rating (secondary 5 A).
CT_RATIO_BY_KVA = {100: 30, 200: 60, 315: 100, 400: 120, 500: 160, 630: 200}


def _key(address: str) -> int:
    return int(address)


def consumer_load(
    seed: int, address: str, customer_class: str, reference_day: date
) -> ConsumerLoad:
    cls = CustomerClass(customer_class)
    key = _key(address)
    lo, hi = _MEAN_DAILY_WH[cls]
    mean = round(lo * (hi / lo) ** unit_random(seed, key, 11))
    reference_wh = round(200_000 + unit_random(seed, key, 12) * 30_000_000)
    noise_seed = int(unit_random(seed, key, 13) * 2**62)
    return ConsumerLoad(cls, mean, noise_seed, reference_day, reference_wh)


def area_loss_rate(seed: int, area_code: str) -> float:
    """Most 台区 lose 1.5-5.5 %; about 8 % are high-loss (7-14 %) and 4 % negative-loss."""
    key = zlib.crc32(area_code.encode())
    u = unit_random(seed, key, 21)
    v = unit_random(seed, key, 22)
    if u < 0.08:
        return 0.07 + 0.07 * v
    if u < 0.12:
        return -0.03 + 0.018 * v
    return 0.015 + 0.04 * v


def area_supply(seed: int, area_code: str, consumers: list[ConsumerLoad]) -> AreaSupply:
    key = zlib.crc32(area_code.encode())
    reference_wh = round(5_000_000 + unit_random(seed, key, 23) * 45_000_000)
    return AreaSupply(consumers, area_loss_rate(seed, area_code), reference_wh)


def is_dead(seed: int, address: str, ratio: float) -> bool:
    """Whether the emulator plays this meter as dead (never answers)."""
    return unit_random(seed, _key(address), 31) < ratio
