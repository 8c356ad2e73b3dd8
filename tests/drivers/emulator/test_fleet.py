"""Emulated devices served on ``loop://`` links: the console-side view is a URL to open, the
modelled wire time and reply delay hold, and stopping the fleet takes the links away."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import datetime

import pytest

from drivers.bus import Bus, BusOptions
from drivers.dlt645.dataids import lookup
from drivers.dlt645.emulated import Dlt645Bus, make_device
from drivers.dlt645.session import ReadRequest
from drivers.emulator.core import MeterCore
from drivers.emulator.device import DeviceOptions
from drivers.emulator.fleet import LoopFleet
from drivers.emulator.host import EmulatorHost
from drivers.errors import TransportError
from drivers.link import open_link

NOW = datetime(2026, 11, 21, 10, 7, 30)
EPS = 1e-6  # float slack when comparing monotonic readings, not a timing margin
_names = itertools.count()


class Flat:
    def tariff_registers_wh(self, at: datetime) -> tuple[int, int, int, int]:
        return (1_000, 2_000, 3_000, 4_000)

    def register_wh(self, at: datetime) -> int:
        return 10_000

    def power_w(self, at: datetime) -> int:
        return 500


def core(address: str) -> MeterCore:
    return MeterCore(address, Flat(), lambda: NOW)


def add_meters(fleet: LoopFleet, name: str, *cores: MeterCore, reply_delay_s: float = 0.0) -> str:
    device = make_device(cores, DeviceOptions(reply_delay_s=reply_delay_s))
    return fleet.add_bus(name, device, cores)


def test_fleet_serves_meters_on_named_links() -> None:
    host = EmulatorHost("test-fleet-host")
    fleet = LoopFleet(host)
    names = [f"test-fleet-{next(_names)}" for _ in range(2)]
    with fleet:
        assert fleet.host is host
        assert host.running
        first = [core("000000000001"), core("000000000002")]
        third = core("000000000003")
        urls = [add_meters(fleet, names[0], *first), add_meters(fleet, names[1], third)]
        assert urls == [f"loop://{n}" for n in names]
        assert fleet.links == names
        assert fleet.meter_count == 3
        assert fleet.meter("000000000003") is third
        assert fleet.link(names[0]).device.is_open
        device = fleet.device(names[0])
        assert isinstance(device, Dlt645Bus)
        assert [m.core for m in device.meters] == first
        bus = Bus(open_link(urls[1]), BusOptions(timeout_s=2.0))
        request = ReadRequest("000000000003", lookup(0x00010000))
        (energy,) = request.interpret(bus.transact(request))
        assert str(energy.value) == "10.00"
    assert "test-fleet-host" not in [t.name for t in threading.enumerate()]
    assert fleet.links == []
    assert fleet.meter_count == 0
    with pytest.raises(TransportError, match="emulator"):
        open_link(urls[0])


def test_reply_takes_wire_time_and_the_reply_delay() -> None:
    name = f"test-fleet-{next(_names)}"
    with LoopFleet(baudrate=2400, char_format="8E1") as fleet:
        url = add_meters(fleet, name, core("000000000001"), reply_delay_s=0.05)
        bus = Bus(open_link(url), BusOptions(timeout_s=5.0))
        request = ReadRequest("000000000001", lookup(0x00010000))
        wire = len(request.encode()) + 20  # request with 4 wake-up bytes, then a 20-byte reply
        t0 = time.monotonic()
        bus.transact(request)
        assert time.monotonic() - t0 >= wire * 11 / 2400 + 0.05 - EPS


def test_a_link_name_cannot_be_served_twice() -> None:
    name = f"test-fleet-{next(_names)}"
    with LoopFleet() as fleet:
        add_meters(fleet, name, core("000000000001"))
        with pytest.raises(TransportError, match="already exists"):
            add_meters(fleet, name, core("000000000002"))
