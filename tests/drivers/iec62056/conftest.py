"""Shared pieces for the IEC 62056-21 tests: a settable emulator clock, a load model whose
registers grow with time, and emulated meter cores built on them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from drivers.emulator.core import MeterCore

NOW = datetime(2026, 11, 21, 10, 7, 30)  # a Saturday
# 100 000 + 200 000 + 300 000 + 400 000 Wh plus a few Wh that the 0.01 kWh display truncates.
TARIFFS_WH = (100_005, 200_009, 300_000, 400_001)  # total 1 000 015 Wh -> 001000.01 kWh


class SettableClock:
    """The emulator's clock; tests move it, nothing reads the real time."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class GrowingModel:
    """Constant power; the energy it draws after ``NOW`` lands in tariff 3 (flat)."""

    def __init__(self, power_w: int = 1_234) -> None:
        self.power = power_w

    def tariff_registers_wh(self, at: datetime) -> tuple[int, int, int, int]:
        grown = round(self.power * (at - NOW).total_seconds() / 3600)
        t1, t2, t3, t4 = TARIFFS_WH
        return (t1, t2, t3 + grown, t4)

    def register_wh(self, at: datetime) -> int:
        return sum(self.tariff_registers_wh(at))

    def power_w(self, at: datetime) -> int:
        return self.power


MakeCore = Callable[..., MeterCore]


@pytest.fixture
def emulator_clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def make_core(emulator_clock: SettableClock) -> MakeCore:
    def make(address: str = "123456789012", **kwargs: object) -> MeterCore:
        power = kwargs.pop("power_w", 1_234)
        return MeterCore(address, GrowingModel(power), emulator_clock, **kwargs)  # type: ignore[arg-type]

    return make
