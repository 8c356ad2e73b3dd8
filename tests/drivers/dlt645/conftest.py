"""Fixtures for the DL/T 645 end-to-end tests: emulated meters served on a fresh ``loop://``
link by a running ``LoopFleet``, with a load model whose numbers are easy to work out."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

import pytest

from drivers.dlt645.emulated import Dlt645Bus, make_device
from drivers.emulator.core import MeterCore
from drivers.emulator.device import DeviceOptions
from drivers.emulator.fleet import LoopFleet
from drivers.emulator.host import EmulatorHost

# A Saturday morning; every core made by ``make_core`` starts with its clock stopped here.
START = datetime(2026, 11, 21, 10, 7, 30)
T0 = datetime(2026, 1, 1)
_names = itertools.count()

Serve = Callable[..., tuple[str, Dlt645Bus]]
MakeCore = Callable[..., MeterCore]


class RampModel:
    """Registers grow 1 Wh per second from ``BASE_WH`` at 2026-01-01, split 1:2:3:4 over the
    tariffs; power is 1000 W plus 100 W per hour of the day (3300 W from 23:00)."""

    BASE_WH = 1_000_000

    def tariff_registers_wh(self, at: datetime) -> tuple[int, int, int, int]:
        total = self.register_wh(at)
        t1, t2, t3 = total // 10, total * 2 // 10, total * 3 // 10
        return t1, t2, t3, total - t1 - t2 - t3

    def register_wh(self, at: datetime) -> int:
        return self.BASE_WH + int((at - T0).total_seconds())

    def power_w(self, at: datetime) -> int:
        return 1000 + 100 * at.hour


@pytest.fixture
def make_core() -> MakeCore:
    """A core on a ``RampModel`` with its clock stopped at ``START`` (move it by assigning
    ``core.clock``)."""

    def _make(address: str = "123456789012", *, ct_ratio: int = 1, phases: int = 1) -> MeterCore:
        return MeterCore(address, RampModel(), lambda: START, ct_ratio=ct_ratio, phases=phases)

    return _make


@pytest.fixture
def fleet() -> Iterator[LoopFleet]:
    with LoopFleet(EmulatorHost("dlt645-test-host")) as running:
        yield running


@pytest.fixture
def serve(fleet: LoopFleet) -> Serve:
    """Serve ``cores`` as DL/T 645 meters on a new link; its URL and the emulated bus."""

    def _serve(
        cores: Sequence[MeterCore],
        *,
        version: str = "2007",
        baudrate: int | None = None,
        reply_delay_s: float = 0.0,
    ) -> tuple[str, Dlt645Bus]:
        fleet.baudrate = baudrate
        device = make_device(cores, DeviceOptions(reply_delay_s=reply_delay_s), version=version)
        return fleet.add_bus(f"dlt645-test-{next(_names)}", device, cores), device

    return _serve
