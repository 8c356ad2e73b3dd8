"""The emulated DL/T 645-2007 meter: what it answers (hand-checked reply frames), what it shows
behind a CT, when it stays silent, and the multi-drop bus it hangs on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dlt645 import dataids
from drivers.dlt645.codec import Frame, decode, encode
from drivers.dlt645.dataids import DataItem, decode_values, lookup
from drivers.emulator.load import ConsumerLoad, CustomerClass
from drivers.emulator.meter import (
    EmulatedBus,
    EmulatedMeter,
    displayed_power_w,
    displayed_wh,
    secondary_kw,
)

NOW = datetime(2026, 11, 21, 10, 7, 30)  # a Saturday
ADDRESS = "123456789012"


class StubModel:
    """Fixed registers and power; remembers the instants it was asked about."""

    def __init__(self, tariffs: tuple[int, int, int, int], power_w: int) -> None:
        self.tariffs = tariffs
        self.power = power_w
        self.asked: list[datetime] = []

    def tariff_registers_wh(self, at: datetime) -> tuple[int, int, int, int]:
        self.asked.append(at)
        return self.tariffs

    def register_wh(self, at: datetime) -> int:
        return sum(self.tariff_registers_wh(at))

    def power_w(self, at: datetime) -> int:
        self.asked.append(at)
        return self.power


# 100 000 + 200 000 + 300 000 + 400 000 Wh plus a few Wh that the 0.01 kWh display truncates.
STUB_TARIFFS = (100_005, 200_009, 300_000, 400_001)  # total 1 000 015 Wh -> 1000.01 kWh


def stub_meter(ct_ratio: int = 1, power_w: int = 1_234) -> EmulatedMeter:
    return EmulatedMeter(ADDRESS, StubModel(STUB_TARIFFS, power_w), lambda: NOW, ct_ratio=ct_ratio)


def ask(meter: EmulatedMeter, di: int, address: str = ADDRESS) -> Frame | None:
    return meter.handle(Frame(address, 0x11, di.to_bytes(4, "little")))


def read_values(meter: EmulatedMeter, di: int) -> dict[str, object]:
    reply = ask(meter, di)
    assert reply is not None
    assert reply.control == 0x91
    assert reply.address == meter.address
    item = lookup(di)
    assert reply.data[:4] == item.di_wire
    return {v.key: v.value for v in decode_values(item, reply.data[4:])}


# ----------------------------------------------------------------------------- golden replies


def test_energy_reply_frame() -> None:
    reply = ask(stub_meter(), 0x00010000)
    assert reply is not None
    # 1000.01 kWh = BCD 00 10 00 01, low byte first 01 00 10 00, +33: 34 33 43 33 (sum 221).
    # 0x68*2 + address (208 + 438) + 0x91 (145) + 0x08 + DI 33 33 34 33 (205) + 221
    # = 1225 = 0x4C9 -> CS = C9.
    assert encode(reply) == bytes.fromhex(
        "68 12 90 78 56 34 12 68 91 08 33 33 34 33 34 33 43 33 C9 16"
    )


def test_unknown_di_reply_frame() -> None:
    reply = ask(stub_meter(), 0x04000103)  # not in the table
    assert reply is not None
    # Abnormal read reply, error byte 02 (no requested data) +33 = 35:
    # 646 + 0xD1 (209) + 0x01 + 0x35 (53) = 909 = 0x38D -> CS = 8D.
    assert encode(reply) == bytes.fromhex("68 12 90 78 56 34 12 68 D1 01 35 8D 16")


def test_wildcard_read_address_reply_frame() -> None:
    meter = stub_meter()
    reply = meter.handle(Frame("AAAAAAAAAAAA", 0x13))
    assert reply == Frame(ADDRESS, 0x93, bytes.fromhex("12 90 78 56 34 12"))
    # Data 12 90 78 56 34 12 +33 each: 45 C3 AB 89 67 45 (sum 744).
    # 646 + 0x93 (147) + 0x06 + 744 = 1543 = 0x607 -> CS = 07.
    assert encode(reply) == bytes.fromhex("68 12 90 78 56 34 12 68 93 06 45 C3 AB 89 67 45 07 16")


# ----------------------------------------------------------------------------- registers


def test_energy_registers_are_truncated_to_the_display() -> None:
    assert read_values(stub_meter(), 0x00010000) == {"total": Decimal("1000.01")}
    assert read_values(stub_meter(), 0x0001FF00) == {
        "total": Decimal("1000.01"),
        "t1": Decimal("100.00"),
        "t2": Decimal("200.00"),
        "t3": Decimal("300.00"),
        "t4": Decimal("400.00"),
    }
    assert read_values(stub_meter(), 0x00010300) == {"t3": Decimal("300.00")}


def test_combined_and_reverse_energy() -> None:
    assert read_values(stub_meter(), 0x00000000) == {"total": Decimal("1000.01")}
    assert read_values(stub_meter(), 0x00020000) == {"total": Decimal("0.00")}


def test_ct_meter_shows_the_secondary_side() -> None:
    meter = stub_meter(ct_ratio=40, power_w=123_456)
    # 1 000 015 Wh / 40 = 25 000.375 -> 25 000 Wh -> 25.00 kWh; t1 100 005 / 40 -> 2.50 kWh.
    block = read_values(meter, 0x0001FF00)
    assert block["total"] == Decimal("25.00")
    assert block["t1"] == Decimal("2.50")
    # 123 456 W / 40 = 3 086.4 W -> 3.0864 kW.
    assert read_values(meter, 0x02030000) == {"total": Decimal("3.0864")}
    # What the master station computes back, exactly as the collector does.
    total = block["total"]
    assert isinstance(total, Decimal)
    assert int(total * 1000) * 40 == displayed_wh(1_000_015, 40) == 1_000_000
    assert round(Decimal("3.0864") * 1000 * 40) == displayed_power_w(123_456, 40) == 123_456


@given(
    tariffs=st.tuples(*[st.integers(0, 2 * 10**8)] * 4),
    ct=st.integers(1, 500),
    power_fraction=st.floats(0, 1),
)
def test_master_reconstructs_what_the_meter_shows(
    tariffs: tuple[int, int, int, int], ct: int, power_fraction: float
) -> None:
    power_w = int(power_fraction * 79_999 * ct)  # the largest XX.XXXX kW secondary
    meter = EmulatedMeter(ADDRESS, StubModel(tariffs, power_w), lambda: NOW, ct_ratio=ct)
    (energy,) = read_values(meter, 0x00010000).values()
    assert isinstance(energy, Decimal)
    primary_wh = sum(tariffs)
    reconstructed_wh = int(energy * 1000) * ct
    assert reconstructed_wh == displayed_wh(primary_wh, ct)
    assert 0 <= primary_wh - reconstructed_wh < 10 * ct  # truncated, never rounded up
    (power,) = read_values(meter, 0x02030000).values()
    assert power == secondary_kw(power_w, ct)
    assert isinstance(power, Decimal)
    reconstructed_w = round(power * 1000 * ct)
    assert reconstructed_w == displayed_power_w(power_w, ct)
    assert abs(reconstructed_w - power_w) <= 0.05 * ct + 0.5


def test_values_come_from_the_meter_clock_plus_its_drift() -> None:
    model = StubModel(STUB_TARIFFS, 1_000)
    meter = EmulatedMeter(ADDRESS, model, lambda: NOW)
    read_values(meter, 0x00010000)
    assert model.asked == [NOW]
    meter.clock_offset = timedelta(minutes=7)
    assert read_values(meter, 0x04000102) == {"time": time(10, 14, 30)}


# ----------------------------------------------------------------------------- clock, address


def test_date_time_and_address_items() -> None:
    meter = stub_meter()
    assert read_values(meter, 0x04000101) == {"date": date(2026, 11, 21)}
    assert read_values(meter, 0x04000102) == {"time": time(10, 7, 30)}
    assert read_values(meter, 0x04000401) == {"address": ADDRESS}
    assert read_values(meter, 0x04000402) == {"number": ADDRESS}
    # The wire form of the date is YYMMDDWW with Saturday = 06, low byte first.
    reply = ask(meter, 0x04000101)
    assert reply is not None
    assert reply.data[4:] == bytes.fromhex("06 21 11 26")
    reply = ask(meter, 0x04000102)
    assert reply is not None
    assert reply.data[4:] == bytes.fromhex("30 07 10")


def test_time_drops_microseconds() -> None:
    meter = EmulatedMeter(ADDRESS, StubModel(STUB_TARIFFS, 0), lambda: NOW.replace(microsecond=9))
    assert read_values(meter, 0x04000102) == {"time": time(10, 7, 30)}


# ----------------------------------------------------------------------------- daily freeze


def consumer_meter(clock: Callable[[], datetime] = lambda: NOW) -> EmulatedMeter:
    model = ConsumerLoad(CustomerClass.RESIDENTIAL, 9_000, 3, date(2026, 11, 1), 2_345_678)
    return EmulatedMeter(ADDRESS, model, clock)


def test_last_daily_freeze_is_today_midnight() -> None:
    meter = consumer_meter()
    assert read_values(meter, dataids.LAST_DAILY_FREEZE_TIME) == {
        "time": datetime(2026, 11, 21, 0, 0)
    }
    reply = ask(meter, dataids.LAST_DAILY_FREEZE_TIME)
    assert reply is not None
    assert reply.data[4:] == bytes.fromhex("00 00 21 11 26")  # YYMMDDhhmm, low byte first
    frozen = read_values(meter, dataids.LAST_DAILY_FREEZE_FORWARD_ACTIVE)
    midnight = datetime(2026, 11, 21)
    tariffs = meter.model.tariff_registers_wh(midnight)
    assert frozen["total"] == Decimal(meter.model.register_wh(midnight) // 10) / 100
    assert [frozen[f"t{t}"] for t in range(1, 5)] == [Decimal(wh // 10) / 100 for wh in tariffs]
    # The frozen value is the midnight register, not the current one.
    now_total = read_values(meter, 0x00010000)["total"]
    assert isinstance(now_total, Decimal)
    assert frozen["total"] != now_total


def test_earlier_daily_freezes() -> None:
    meter = consumer_meter()
    assert read_values(meter, 0x05060003) == {"time": datetime(2026, 11, 19, 0, 0)}
    frozen = read_values(meter, 0x05060103)
    assert frozen["total"] == Decimal(meter.model.register_wh(datetime(2026, 11, 19)) // 10) / 100


def test_freeze_just_after_midnight() -> None:
    meter = consumer_meter(lambda: datetime(2026, 11, 21, 0, 0, 1))
    assert read_values(meter, dataids.LAST_DAILY_FREEZE_TIME) == {
        "time": datetime(2026, 11, 21, 0, 0)
    }


# ----------------------------------------------------------------------------- instantaneous


def test_instantaneous_values_are_plausible() -> None:
    meter = consumer_meter()
    (volts,) = read_values(meter, 0x02010100).values()
    assert isinstance(volts, Decimal)
    assert Decimal("214.5") <= volts <= Decimal("225.5")
    (amps,) = read_values(meter, 0x02020100).values()
    assert isinstance(amps, Decimal)
    power_kw = Decimal(meter.model.power_w(NOW)) / 1000
    assert amps * volts * Decimal("0.95") / 1000 == pytest.approx(power_kw, rel=Decimal("0.001"))
    assert read_values(meter, 0x02060000) == {"total": Decimal("0.950")}
    assert read_values(meter, 0x02800002) == {"frequency": Decimal("50.00")}
    block = read_values(meter, 0x0201FF00)  # single phase: B and C read zero
    assert block["a"] == volts
    assert block["b"] == block["c"] == 0


# ----------------------------------------------------------------------------- silence, errors


def test_unknown_di_is_rejected_with_no_data() -> None:
    reply = ask(stub_meter(), 0x04000103)
    assert reply == Frame(ADDRESS, 0xD1, b"\x02")


def test_short_read_request_is_rejected() -> None:
    reply = stub_meter().handle(Frame(ADDRESS, 0x11, b"\x00\x00"))
    assert reply == Frame(ADDRESS, 0xD1, b"\x01")


def test_unsupported_function_is_rejected() -> None:
    reply = stub_meter().handle(Frame(ADDRESS, 0x14, bytes(12)))
    assert reply == Frame(ADDRESS, 0xD4, b"\x01")


@pytest.mark.parametrize(
    "frame",
    [
        Frame("999999999999", 0x11, b"\x00\x00\x01\x00"),  # broadcast: never answered
        Frame("999999999999", 0x08, bytes.fromhex("30 07 10 21 11 26")),  # broadcast time
        Frame("123456789013", 0x11, b"\x00\x00\x01\x00"),  # someone else
        Frame("AAAAAAAAAA13", 0x11, b"\x00\x00\x01\x00"),  # a wildcard that does not fit
        Frame(ADDRESS, 0x91, b"\x00\x00\x01\x00" + bytes(4)),  # a reply, not a request
    ],
    ids=["broadcast-read", "broadcast-time", "other-address", "other-wildcard", "reply"],
)
def test_silent_cases(frame: Frame) -> None:
    assert stub_meter().handle(frame) is None


def test_partial_wildcard_is_answered() -> None:
    reply = stub_meter().handle(Frame("AAAAAAAAAA12", 0x11, b"\x00\x00\x01\x00"))
    assert reply is not None
    assert reply.address == ADDRESS


def test_dead_meter_is_silent() -> None:
    meter = stub_meter()
    meter.dead = True
    assert ask(meter, 0x00010000) is None
    assert meter.handle(Frame("AAAAAAAAAAAA", 0x13)) is None
    meter.dead = False
    assert ask(meter, 0x00010000) is not None


def test_meter_validates_its_setup() -> None:
    model = StubModel(STUB_TARIFFS, 0)
    with pytest.raises(ValueError, match="12 digits"):
        EmulatedMeter("12345", model, lambda: NOW)
    with pytest.raises(ValueError, match="CT ratio"):
        EmulatedMeter(ADDRESS, model, lambda: NOW, ct_ratio=0)


def test_every_readable_item_encodes() -> None:
    # Whatever the collector may ask, the meter answers with a frame the client can decode.
    meter = consumer_meter()
    for di, item in dataids.ITEMS.items():
        reply = ask(meter, di)
        assert reply is not None, item.di_hex
        assert reply.control == 0x91, item.di_hex
        assert len(decode_values(item, reply.data[4:])) == len(item.fields)


# ----------------------------------------------------------------------------- the bus


class Recorder:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.scheduled: list[float] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def schedule(self, delay: float, fn: Callable[[bytes], None], data: bytes) -> None:
        self.scheduled.append(delay)
        fn(data)


def make_bus(*addresses: str) -> tuple[EmulatedBus, Recorder]:
    recorder = Recorder()
    meters = [EmulatedMeter(a, StubModel(STUB_TARIFFS, 0), lambda: NOW) for a in addresses]
    bus = EmulatedBus(meters, recorder.write, recorder.schedule, reply_delay_s=0.02)
    return bus, recorder


# Read 00010000 from 123456789012, CS 68 (worked out in tests/drivers/dlt645/test_codec.py).
REQUEST = bytes.fromhex("FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16")


def test_bus_answers_a_request_fed_in_pieces() -> None:
    bus, recorder = make_bus(ADDRESS, "000000000001")
    bus.feed(REQUEST[:7])
    assert recorder.written == []
    bus.feed(REQUEST[7:])
    assert bus.requests_seen == 1
    assert recorder.scheduled == [0.02]
    assert recorder.written == [
        bytes.fromhex("68 12 90 78 56 34 12 68 91 08 33 33 34 33 34 33 43 33 C9 16")
    ]


def test_bus_ignores_garbled_requests() -> None:
    bus, recorder = make_bus(ADDRESS)
    bus.feed(REQUEST[:-2] + b"\x69\x16")  # bad checksum
    assert bus.requests_seen == 0
    assert recorder.written == []
    bus.feed(REQUEST)
    assert len(recorder.written) == 1


def test_bus_broadcast_is_heard_but_not_answered() -> None:
    bus, recorder = make_bus(ADDRESS, "000000000001")
    bus.feed(encode(Frame("999999999999", 0x11, b"\x00\x00\x01\x00")))
    assert bus.requests_seen == 1
    assert recorder.written == []


def test_bus_wildcard_reaches_every_meter() -> None:
    bus, recorder = make_bus(ADDRESS, "000000000001")
    bus.feed(encode(Frame("AAAAAAAAAAAA", 0x13)))
    assert sorted(decode(raw).address for raw in recorder.written) == ["000000000001", ADDRESS]


def test_item_table_is_what_the_meter_serves() -> None:
    # The meter answers through the same table: an item outside it is "no data".
    item = DataItem(0x04000103, "x", "x", ())
    assert stub_meter().values(item, NOW) is None
