"""DL/T 645-1997 end to end: the client with ``version="1997"`` against a 1997 emulated meter
(its default items, demand, a password-protected write of the time, the 1997 error bits) and
the two registered DL/T 645 protocols."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from drivers.api import ClientOptions
from drivers.dlt645.client import Dlt645Client
from drivers.dlt645.emulated import Dlt645Bus
from drivers.dlt645.session import Function97, Password, Request
from drivers.dlt645.spec import SPECS
from drivers.emulator.core import MeterCore
from drivers.emulator.device import DeviceOptions
from drivers.errors import MeterRejectedError
from drivers.link import open_link

MakeCore = Callable[..., MeterCore]  # fixtures of conftest.py
Serve = Callable[..., tuple[str, Dlt645Bus]]

ADDRESS = "123456789012"
START = datetime(2026, 11, 21, 10, 7, 30)  # where conftest's cores stop their clocks
CT = 5
DEFAULT_ITEMS = ("9010", "901F", "B61F", "B62F", "B630", "C010", "C011")


@dataclass
class Meter97:
    core: MeterCore
    device: Dlt645Bus
    client: Dlt645Client


def kwh(wh: int, ct: int = 1) -> Decimal:
    return Decimal(wh // ct // 10) / 100


def near(value: object, expected: float, places: int) -> bool:
    assert isinstance(value, Decimal), value
    return abs(value - Decimal(repr(expected))) <= Decimal(5).scaleb(-places - 1)


@pytest.fixture
def meter97(serve: Serve, make_core: MakeCore) -> Meter97:
    core = make_core(ADDRESS, phases=3, ct_ratio=CT)
    url, device = serve([core], version="1997")
    options = ClientOptions(timeout_s=1.0, retries=0, password="02:000000")
    return Meter97(core, device, Dlt645Client(open_link(url), ADDRESS, options, version="1997"))


def test_default_items(meter97: Meter97) -> None:
    core, client = meter97.core, meter97.client
    readings = client.read(list(DEFAULT_ITEMS))
    by_item: dict[str, dict[str, object]] = {}
    for reading in readings:
        by_item.setdefault(reading.item, {})[reading.name] = reading.value
    assert list(by_item) == list(DEFAULT_ITEMS)
    regs, inst = core.registers(), core.instant()
    assert by_item["9010"] == {"forward active energy total": kwh(regs.forward[0], CT)}
    assert list(by_item["901F"].values()) == [kwh(wh, CT) for wh in regs.forward]
    # 1997 voltages are whole volts, currents XX.XX A, powers XX.XXXX kW (secondary side).
    for value, volts in zip(by_item["B61F"].values(), inst.voltage_v, strict=True):
        assert near(value, volts, 0)
    for value, amps in zip(by_item["B62F"].values(), inst.current_a, strict=True):
        assert near(value, amps / CT, 2)
    (total_power,) = by_item["B630"].values()
    assert near(total_power, inst.active_w[0] / CT / 1000, 4)
    power = meter97.client.read_values(0xB63F)
    for key, watts in zip(("total", "a", "b", "c"), inst.active_w, strict=True):
        assert near(power[key], watts / CT / 1000, 4)
    assert by_item["C010"] == {"date": date(2026, 11, 21)}
    assert by_item["C011"] == {"time": time(10, 7, 30)}
    assert [r.unit for r in readings if r.item == "B61F"] == ["V"] * 3


def test_requests_are_1997_reads(meter97: Meter97) -> None:
    meter97.client.read_values(0x9010)
    assert meter97.device.requests_seen == 1
    assert meter97.client.protocol == "dlt645-1997"


def test_demand_and_its_time(meter97: Meter97) -> None:
    # RampModel: the month's largest 15-minute demand is 3300 W (valley, 1 November 23:00).
    assert meter97.client.read_values(0xA01F) == {
        "total": Decimal("0.6600"),  # behind a 5:1 CT
        "t1": Decimal("0.6000"),
        "t2": Decimal("0.6200"),
        "t3": Decimal("0.6400"),
        "t4": Decimal("0.6600"),
    }
    # MMDDhhmm: no year on the wire.
    assert meter97.client.read_values(0xB010) == {"time": "11-01 23:15"}


def test_write_time_with_the_right_password(meter97: Meter97) -> None:
    meter97.client.write(0xC011, {"time": time(8, 30, 0)})
    assert meter97.core.meter_time() == datetime(2026, 11, 21, 8, 30, 0)
    assert meter97.client.read_values(0xC011) == {"time": time(8, 30, 0)}
    meter97.client.write(0xC010, {"date": date(2027, 1, 2)})
    assert meter97.client.read_values(0xC010) == {"date": date(2027, 1, 2)}


def test_write_with_a_wrong_password_is_refused(meter97: Meter97) -> None:
    with pytest.raises(MeterRejectedError, match="password error") as info:
        meter97.client.write(0xC011, {"time": time(8, 30, 0)}, Password(2, "999999"))
    assert info.value.error_bits == ("password error",)
    assert meter97.core.meter_time() == START


def test_1997_error_bits(meter97: Meter97) -> None:
    client = meter97.client
    # A DI the meter does not have.
    with pytest.raises(MeterRejectedError, match="data identifier error") as info:
        client.read(["9999"])
    assert info.value.error_bits == ("data identifier error",)
    # A write to a read-only item, by hand: DI 9010, password 02 000000, 0.00 kWh.
    request = Request(
        ADDRESS, Function97.WRITE, bytes.fromhex("10 90 02 00 00 00 00 00 00 00"), "1997"
    )
    with pytest.raises(MeterRejectedError, match="data identifier error"):
        request.check(client.bus.transact(request))
    with pytest.raises(ValueError, match="not writable"):
        client.write(0x9010, {"total": Decimal(0)})


def test_a_1997_meter_refuses_2007_reads(meter97: Meter97) -> None:
    modern = Dlt645Client(meter97.client.bus.transport, ADDRESS, ClientOptions(retries=0))
    with pytest.raises(MeterRejectedError):
        modern.read_values(0x00010000)


def test_broadcast_time_reaches_a_1997_meter(meter97: Meter97) -> None:
    meter97.client.broadcast_time(START + timedelta(minutes=2))
    assert meter97.client.read_values(0xC011) == {"time": time(10, 9, 30)}


# ----------------------------------------------------------------------------- the protocols


def test_both_versions_are_registered() -> None:
    by_name = {spec.name: spec for spec in SPECS}
    assert set(by_name) == {"dlt645-2007", "dlt645-1997"}
    assert by_name["dlt645-1997"].default_items == DEFAULT_ITEMS
    assert by_name["dlt645-2007"].serial_defaults == {
        "baud": "2400",
        "bytesize": "8",
        "parity": "E",
        "stopbits": "1",
    }
    assert by_name["dlt645-1997"].serial_defaults["baud"] == "1200"


def test_spec_builds_client_device_and_decoder(make_core: MakeCore) -> None:
    spec97 = next(spec for spec in SPECS if spec.name == "dlt645-1997")
    device = spec97.make_device([make_core(ADDRESS)], DeviceOptions())
    assert isinstance(device, Dlt645Bus)
    assert [m.version for m in device.meters] == ["1997"]
    # Read 9010 from 123456789012: CS 8F worked out in test_session.py.
    request = bytes.fromhex("68 12 90 78 56 34 12 68 01 02 43 C3 8F 16")
    assert spec97.looks_like(request)
    report = spec97.describe(request)
    assert (report["protocol"], report["di"]) == ("dlt645-1997", "9010")
