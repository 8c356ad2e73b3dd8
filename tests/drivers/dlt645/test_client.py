"""The DL/T 645-2007 client against emulated meters over ``loop://``: every identifier group
read end to end with the expected values worked out from the ``MeterCore`` here, load-profile
reads arriving in follow-up frames, the wildcard address read and the readings API."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from drivers.api import ClientOptions
from drivers.dlt645.client import Dlt645Client
from drivers.dlt645.codec import Frame, encode
from drivers.dlt645.dataids import lookup
from drivers.dlt645.emulated import Dlt645Bus
from drivers.emulator.core import MeterCore
from drivers.errors import MeterRejectedError
from drivers.link import open_link
from drivers.link.loop import create_loop, remove_loop

MakeCore = Callable[..., MeterCore]  # fixtures of conftest.py
Serve = Callable[..., tuple[str, Dlt645Bus]]

ADDRESS = "123456789012"
CT = 40
_raw_names = itertools.count()


def connect(url: str, address: str = ADDRESS, *, timeout_s: float = 2.0) -> Dlt645Client:
    return Dlt645Client(open_link(url), address, ClientOptions(timeout_s=timeout_s, retries=0))


def kwh(wh: int, ct: int = 1) -> Decimal:
    """A register as a meter behind a ``ct`` CT shows it: secondary kWh, truncated to 0.01."""
    return Decimal(wh // ct // 10) / 100


def near(value: object, expected: float, places: int) -> bool:
    """``value`` is ``expected`` shown with ``places`` decimals (within half a unit)."""
    assert isinstance(value, Decimal), value
    return abs(value - Decimal(repr(expected))) <= Decimal(5).scaleb(-places - 1)


@pytest.fixture
def ct_core(make_core: MakeCore) -> MeterCore:
    return make_core(ct_ratio=CT, phases=3)


@pytest.fixture
def client(serve: Serve, ct_core: MeterCore) -> Dlt645Client:
    url, _device = serve([ct_core])
    return connect(url)


# ----------------------------------------------------------------------------- energy


def test_forward_reverse_and_combined_active_energy(
    client: Dlt645Client, ct_core: MeterCore
) -> None:
    regs = ct_core.registers()
    forward = client.read_values(0x0001FF00)
    assert forward == {
        key: kwh(wh, CT)
        for key, wh in zip(("total", "t1", "t2", "t3", "t4"), regs.forward, strict=True)
    }
    assert forward["total"] != 0
    assert client.read_values(0x00010000) == {"total": kwh(regs.forward[0], CT)}
    assert client.read_values(0x00010300) == {"t3": kwh(regs.forward[3], CT)}
    assert client.read_values(0x00020000) == {"total": Decimal("0.00")}
    # Combined active = forward + reverse (the usual combination word); no reverse here.
    assert client.read_values(0x00000000) == {"total": kwh(regs.forward[0], CT)}


def test_reactive_energy(client: Dlt645Client, ct_core: MeterCore) -> None:
    regs = ct_core.registers()
    q1, q2, q3, q4 = regs.reactive
    expected_totals = {
        0x03: q1 + q2,  # combined reactive 1: quadrants I + II
        0x04: q3 + q4,  # combined reactive 2: quadrants III + IV
        0x05: q1,
        0x06: q2,
        0x07: q3,
        0x08: q4,
    }
    for di2, wh in expected_totals.items():
        block = client.read_values(0x0000FF00 | di2 << 16)
        assert block["total"] == kwh(wh, CT), hex(di2)
        # Tariffs split like forward energy's (each truncated on its own).
        for index in range(1, 5):
            share = Decimal(regs.forward[index]) / regs.forward[0]
            tariff = block[f"t{index}"]
            assert isinstance(tariff, Decimal)
            assert abs(tariff - kwh(wh, CT) * share) <= Decimal("0.02"), (hex(di2), index)
    assert q1 != 0


# ----------------------------------------------------------------------------- demand


def test_maximum_demand_and_its_time(client: Dlt645Client) -> None:
    # RampModel: 1000 W + 100 W per hour. The month's largest 15-minute mean, first reached on
    # 1 November, per time-of-use period: valley 23:00 (3300 W), flat 22:00 (3200 W), peak
    # 21:00 (3100 W), sharp 20:00 (3000 W); the time is the slot's end. Behind a 40:1 CT.
    first = datetime(2026, 11, 1)
    assert client.read_values(0x0101FF00) == {
        "total": Decimal("0.0825"),
        "total_time": first.replace(hour=23, minute=15),
        "t1": Decimal("0.0750"),
        "t1_time": first.replace(hour=20, minute=15),
        "t2": Decimal("0.0775"),
        "t2_time": first.replace(hour=21, minute=15),
        "t3": Decimal("0.0800"),
        "t3_time": first.replace(hour=22, minute=15),
        "t4": Decimal("0.0825"),
        "t4_time": first.replace(hour=23, minute=15),
    }
    assert client.read_values(0x01010000) == {
        "total": Decimal("0.0825"),
        "total_time": datetime(2026, 11, 1, 23, 15),
    }
    assert client.read_values(0x01010100)["t1"] == Decimal("0.0750")
    # No reverse energy, no reverse demand: zero since the start of the month.
    reverse = client.read_values(0x0102FF00)
    assert reverse["total"] == reverse["t4"] == 0
    assert reverse["total_time"] == first


# ----------------------------------------------------------------------------- instantaneous


def test_instantaneous_values_behind_a_ct(client: Dlt645Client, ct_core: MeterCore) -> None:
    inst = ct_core.instant()
    voltage = client.read_values(0x0201FF00)
    for key, volts in zip("abc", inst.voltage_v, strict=True):
        assert near(voltage[key], volts, 1), key
    current = client.read_values(0x0202FF00)
    for key, amps in zip("abc", inst.current_a, strict=True):
        assert near(current[key], amps / CT, 3), key
    keys = ("total", "a", "b", "c")
    for di2, series in ((0x03, inst.active_w), (0x04, inst.reactive_var), (0x05, inst.apparent_va)):
        block = client.read_values(0x0200FF00 | di2 << 16)
        for key, watts in zip(keys, series, strict=True):
            assert near(block[key], watts / CT / 1000, 4), (hex(di2), key)
    power_factor = client.read_values(0x0206FF00)
    for key, pf in zip(keys, inst.power_factor, strict=True):
        assert near(power_factor[key], pf, 3), key
    angles = client.read_values(0x0207FF00)
    for key, degrees in zip("abc", inst.angle_deg, strict=True):
        assert near(angles[key], degrees, 1), key
    # RampModel at 10:07: 2000 W over three phases behind a 40:1 CT.
    assert near(client.read_values(0x02030000)["total"], 2000 / CT / 1000, 4)
    assert near(client.read_values(0x02010200)["b"], inst.voltage_v[1], 1)
    assert client.read_values(0x02800002) == {"frequency": Decimal("50.00")}


def test_meter_condition_values(client: Dlt645Client) -> None:
    assert client.read_values(0x02800007) == {"temperature": Decimal("25.0")}
    assert client.read_values(0x02800008) == {"voltage": Decimal("3.62")}  # battery fine
    assert client.read_values(0x02800009) == {"voltage": Decimal("3.60")}


# ----------------------------------------------------------------------------- parameters


def test_status_words_of_a_meter_running_normally(client: Dlt645Client) -> None:
    assert client.read_values(0x04000501) == {"word1": "0000"}
    assert client.read_values(0x040005FF) == {f"word{n}": "0000" for n in range(1, 8)}


def test_clock_and_identity(client: Dlt645Client, ct_core: MeterCore) -> None:
    now = ct_core.clock()
    assert client.read_values(0x04000101) == {"date": now.date()}
    assert client.read_values(0x04000102) == {"time": now.time()}
    assert client.read_values(0x04000103) == {"minutes": Decimal(15)}  # demand period
    assert client.read_values(0x04000104) == {"minutes": Decimal(1)}  # sliding window
    assert client.read_values(0x04000401) == {"address": ADDRESS}
    assert client.read_values(0x04000402) == {"number": ADDRESS}


def test_no_events_yet(client: Dlt645Client) -> None:
    assert client.read_values(0x03110000) == {"count": Decimal(0)}
    assert client.read_values(0x03300D00) == {"count": Decimal(0)}
    for di in (0x03110001, 0x03300D01, 0x05010001, 0x05010101):
        with pytest.raises(MeterRejectedError) as info:
            client.read_values(di)
        assert info.value.error_bits == ("no requested data",)


def test_daily_freezes(client: Dlt645Client, ct_core: MeterCore) -> None:
    for n in (1, 2, 62):
        midnight = datetime(2026, 11, 21) - timedelta(days=n - 1)
        assert client.read_values(0x05060000 | n) == {"time": midnight}
        regs = ct_core.registers(midnight)
        frozen = client.read_values(0x05060100 | n)
        assert frozen == {
            key: kwh(wh, CT)
            for key, wh in zip(("total", "t1", "t2", "t3", "t4"), regs.forward, strict=True)
        }
    assert client.read_values(0x05060101) != client.read_values(0x05060102)


# ----------------------------------------------------------------------------- load profile


def profile_checks(core: MeterCore, at: datetime, values: dict[str, object]) -> None:
    """Every field of a load-profile record against the core at ``at``."""
    inst, regs = core.instant(at), core.registers(at)
    ct = core.ct_ratio
    for i, phase in enumerate("abc"):
        assert near(values[f"voltage_{phase}"], inst.voltage_v[i], 1)
        assert near(values[f"current_{phase}"], inst.current_a[i] / ct, 3)
    assert values["frequency"] == Decimal("50.00")
    for i, key in enumerate(("total", "a", "b", "c")):
        assert near(values[f"active_{key}"], inst.active_w[i] / ct / 1000, 4)
        assert near(values[f"reactive_{key}"], inst.reactive_var[i] / ct / 1000, 4)
        assert near(values[f"pf_{key}"], inst.power_factor[i], 3)
    q1, q2, q3, q4 = regs.reactive
    assert values["forward_active"] == kwh(regs.forward[0], ct)
    assert values["reverse_active"] == kwh(regs.reverse[0], ct)
    assert values["combined_reactive_1"] == kwh(q1 + q2, ct)
    assert values["combined_reactive_2"] == kwh(q3 + q4, ct)
    for n, wh in enumerate((q1, q2, q3, q4), start=1):
        assert values[f"q{n}"] == kwh(wh, ct)
    assert near(values["active_demand"], max(inst.active_w[0], 0) / ct / 1000, 4)
    assert near(values["reactive_demand"], max(inst.reactive_var[0], 0) / ct / 1000, 4)


def test_load_profile_arrives_in_follow_up_frames(serve: Serve, ct_core: MeterCore) -> None:
    url, device = serve([ct_core])
    client = connect(url)
    label, records = client.read_load_profile("06000001@2026-11-21T09:00*4")
    assert label == "06000001@2026-11-21T09:00"
    # One record (104 bytes) per frame: the read and three follow-ups (0x12, SEQ 1..3).
    assert device.requests_seen == 4
    assert (client.bus.stats.exchanges, client.bus.stats.attempts) == (4, 4)
    start = datetime(2026, 11, 21, 9, 0)
    assert [r.at for r in records] == [start + timedelta(minutes=15 * k) for k in range(4)]
    for record in records:
        assert len(record.values) == 29  # six sections: 7 + 8 + 4 + 4 + 4 + 2 fields
        profile_checks(ct_core, record.at, {v.key: v.value for v in record.values})
    assert records[0].value("forward_active") != records[3].value("forward_active")


def test_load_profile_stops_at_the_latest_record(client: Dlt645Client) -> None:
    # At 10:07:30 the latest stored record is 10:00: asking for four from 09:45 gives two.
    _label, records = client.read_load_profile("06000001@2026-11-21T09:45*4")
    assert [r.at for r in records] == [datetime(2026, 11, 21, 9, 45), datetime(2026, 11, 21, 10)]
    with pytest.raises(MeterRejectedError, match="no requested data"):
        client.read_load_profile("06000001@2026-11-21T10:15*2")  # not recorded yet


def test_latest_and_earliest_load_profile_records(client: Dlt645Client, ct_core: MeterCore) -> None:
    label, (latest,) = client.read_load_profile("06000002")
    assert label == "06000002"
    assert latest.at == datetime(2026, 11, 21, 10, 0)
    profile_checks(ct_core, latest.at, {v.key: v.value for v in latest.values})
    _label, (earliest,) = client.read_load_profile("06000000")
    assert earliest.at == datetime(2026, 9, 22)  # 60 days before today's 00:00


def test_load_profile_readings(client: Dlt645Client, ct_core: MeterCore) -> None:
    readings = client.read(["06000001@2026-11-21T09:00*2"])
    assert len(readings) == 2 * 29
    first = readings[0]
    # Each reading names the identifier and its record's time.
    assert first.item.startswith("06000001")
    assert first.item.endswith("2026-11-21T09:00")
    assert (first.name, first.unit) == ("voltage A", "V")
    energy = [r for r in readings if r.name == "forward active energy"]
    assert [r.item[-16:] for r in energy] == ["2026-11-21T09:00", "2026-11-21T09:15"]
    assert energy[1].value == kwh(ct_core.registers(datetime(2026, 11, 21, 9, 15)).forward[0], CT)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("06000001", "needs a time"),
        ("06000001@2026-11-21T09:00*0", "1 to 99"),
        ("06000001@2026-11-21T09:00*100", "1 to 99"),
    ],
)
def test_load_profile_request_is_checked(client: Dlt645Client, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        client.read_load_profile(text)
    assert client.bus.stats.exchanges == 0


# ----------------------------------------------------------------------------- address, API


def test_read_address_with_the_wildcard(serve: Serve, make_core: MakeCore) -> None:
    url, device = serve([make_core("000000004321")])
    client = connect(url, "AAAAAAAAAAAA")  # a point-to-point link: the address is unknown
    assert client.read_address() == "000000004321"
    assert device.requests_seen == 1
    # The wildcard also reads values from the single meter on the link.
    assert client.read_values(0x04000401) == {"address": "000000004321"}


def test_each_meter_on_a_bus_answers_for_itself(serve: Serve, make_core: MakeCore) -> None:
    cores = [make_core("000000000001", ct_ratio=1), make_core("000000000002", ct_ratio=2)]
    url, device = serve(cores)
    first = connect(url, "000000000001")
    second = Dlt645Client(first.bus.transport, "000000000002", ClientOptions(retries=0))
    wh = cores[0].registers().forward[0]
    assert first.read_values(0x00010000) == {"total": kwh(wh)}
    assert second.read_values(0x00010000) == {"total": kwh(wh, 2)}
    assert device.requests_seen == 2


def test_read_returns_json_ready_readings(client: Dlt645Client, ct_core: MeterCore) -> None:
    readings = client.read(["00010000", "04000102", "0201FF00"])
    assert [(r.item, r.name) for r in readings[:2]] == [
        ("00010000", "forward active energy total"),
        ("04000102", "time"),
    ]
    assert readings[0].unit == "kWh"
    assert readings[0].name_zh == "正向有功电能总"
    assert readings[1].value == time(10, 7, 30)
    assert [r.name for r in readings[2:]] == [
        "voltage phase A",
        "voltage phase B",
        "voltage phase C",
    ]
    as_json = [r.as_json() for r in readings]
    assert json.loads(json.dumps(as_json)) == as_json
    assert as_json[0]["value"] == str(kwh(ct_core.registers().forward[0], CT))
    assert as_json[1]["value"] == "10:07:30"


def test_items_that_are_not_identifiers_are_refused_before_sending(client: Dlt645Client) -> None:
    # A mistyped item is the caller's error, not the meter's or the frame's.
    with pytest.raises(ValueError, match="not a data identifier"):
        client.read(["voltage"])
    with pytest.raises(ValueError, match="4-byte"):
        client.read(["1234567890"])
    assert client.bus.stats.exchanges == 0
    assert client.lookup("00010000") is lookup(0x00010000)


def test_an_identifier_outside_the_table_is_asked_for(client: Dlt645Client) -> None:
    # Manufacturer items are not in the table; this meter has none and says so.
    with pytest.raises(MeterRejectedError, match="0F0F0F0F") as info:
        client.read(["0F0F0F0F"])
    assert info.value.error_bits == ("no requested data",)
    assert client.bus.stats.exchanges == 1


def test_an_unlisted_identifier_reads_as_raw_bytes() -> None:
    name = f"dlt645-test-raw-{next(_raw_names)}"
    link = create_loop(name)
    link.device.open()
    di_wire = b"\x0f\x0f\x0f\x0f"

    def answer(data: bytes, _arrival: float) -> None:
        link.device.write(encode(Frame(ADDRESS, 0x91, di_wire + b"\x12\x34\x56")))

    link.device.on_receive(answer)
    try:
        (reading,) = connect(f"loop://{name}").read(["0f0f0f0f"])
    finally:
        remove_loop(name)
    assert reading.item == "0F0F0F0F"
    assert reading.value == "12 34 56"  # as sent, low byte first
    assert "not in the standard's table" in reading.name


def test_dates_are_read_as_dates(client: Dlt645Client) -> None:
    (reading,) = client.read(["04000101"])
    assert reading.value == date(2026, 11, 21)
