"""The emulated DL/T 645 meter (``Dlt645Meter`` over a ``MeterCore``): what it answers
(hand-checked reply frames), what it shows behind a CT, when it stays silent, and the
multi-drop bus (``Dlt645Bus``) it hangs on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dlt645 import dataids
from drivers.dlt645.codec import Frame, decode, encode
from drivers.dlt645.dataids import lookup
from drivers.dlt645.emulated import Dlt645Bus, Dlt645Meter, make_device
from drivers.dlt645.meter_values import values_2007
from drivers.dlt645.values import DataItem, decode_values
from drivers.emulator.core import (
    Condition,
    MeterCore,
    displayed_power_w,
    displayed_wh,
    secondary_kw,
)
from drivers.emulator.device import DeviceOptions
from drivers.emulator.load import ConsumerLoad, CustomerClass

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


def stub_core(ct_ratio: int = 1, power_w: int = 1_234, address: str = ADDRESS) -> MeterCore:
    return MeterCore(address, StubModel(STUB_TARIFFS, power_w), lambda: NOW, ct_ratio=ct_ratio)


def stub_meter(ct_ratio: int = 1, power_w: int = 1_234) -> Dlt645Meter:
    return Dlt645Meter(stub_core(ct_ratio, power_w))


def ask(meter: Dlt645Meter, di: int, address: str = ADDRESS) -> Frame | None:
    return meter.handle(Frame(address, 0x11, di.to_bytes(4, "little")))


def read_values(meter: Dlt645Meter, di: int) -> dict[str, object]:
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
    reply = ask(stub_meter(), 0x0F0F0F0F)  # DI3 0F is unassigned
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


def test_1997_energy_reply_frame() -> None:
    meter = Dlt645Meter(stub_core(), version="1997")
    reply = meter.handle(Frame(ADDRESS, 0x01, b"\x10\x90"))
    assert reply is not None
    # Control 81, L 06: DI 10 90 +33 = 43 C3 (262), 1000.01 kWh 34 33 43 33 (221).
    # 646 + 0x81 (129) + 6 + 262 + 221 = 1264 = 0x4F0 -> CS = F0.
    assert encode(reply) == bytes.fromhex("68 12 90 78 56 34 12 68 81 06 43 C3 34 33 43 33 F0 16")


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
    core = MeterCore(ADDRESS, StubModel(tariffs, power_w), lambda: NOW, ct_ratio=ct)
    meter = Dlt645Meter(core)
    (energy,) = read_values(meter, 0x00010000).values()
    assert isinstance(energy, Decimal)
    primary_wh = sum(tariffs)
    reconstructed_wh = int(energy * 1000) * ct
    assert reconstructed_wh == displayed_wh(primary_wh, ct)
    assert 0 <= primary_wh - reconstructed_wh < 10 * ct  # truncated, never rounded up
    (power,) = read_values(meter, 0x02030000).values()
    assert isinstance(power, Decimal)
    # Shown with four decimals, so the master is off by at most half a unit (times the CT),
    # and its figure is exactly what the demo's history generator stores.
    assert abs(round(power * 1000 * ct) - power_w) <= 0.05 * ct + 0.5
    assert round(power * 1000 * ct) == displayed_power_w(power_w, ct)


@pytest.mark.parametrize(
    ("power_w", "ct"),
    [
        (17_799, 204),  # 17 799 / 204 000 = 0.08725 exactly: half-even gives 0.0872
        (1_226_993, 20),  # 61.34965 -> 61.3496
        (893_205, 20),  # 44.66025 -> 44.6602
    ],
)
def test_shown_power_is_secondary_kw(power_w: int, ct: int) -> None:
    core = MeterCore(ADDRESS, StubModel(STUB_TARIFFS, power_w), lambda: NOW, ct_ratio=ct)
    (power,) = read_values(Dlt645Meter(core), 0x02030000).values()
    assert isinstance(power, Decimal)
    assert power == secondary_kw(power_w, ct)
    assert round(power * 1000 * ct) == displayed_power_w(power_w, ct)


def test_secondary_kw_and_displayed_power_w() -> None:
    # 123 456 W behind a 40:1 CT: 3.0864 kW on the meter, 123 456 W back at the master.
    assert secondary_kw(123_456, 40) == Decimal("3.0864")
    assert displayed_power_w(123_456, 40) == 123_456
    # 17 799 W / 204 = 87.25 W: a tie at four decimals of kW, rounded half to even.
    assert secondary_kw(17_799, 204) == Decimal("0.0872")
    assert displayed_power_w(17_799, 204) == 17_789
    assert displayed_wh(1_000_015, 40) == 1_000_000
    assert displayed_wh(1_000_019) == 1_000_010


def test_registers_come_from_true_time_and_the_clock_from_the_meter() -> None:
    model = StubModel(STUB_TARIFFS, 1_000)
    core = MeterCore(ADDRESS, model, lambda: NOW)
    meter = Dlt645Meter(core)
    read_values(meter, 0x00010000)
    assert model.asked == [NOW]
    # A meter clock 7 minutes fast shows it, but energy is what flowed until now.
    core.set_clock_drift(offset_s=7 * 60)
    model.asked.clear()
    assert read_values(meter, 0x04000102) == {"time": time(10, 14, 30)}
    read_values(meter, 0x00010000)
    assert model.asked == [NOW]


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


def test_meter_number_is_the_serial_number_when_it_is_12_digits() -> None:
    core = stub_core()
    core.serial_number = "000011112222"
    assert read_values(Dlt645Meter(core), 0x04000402) == {"number": "000011112222"}
    core.serial_number = "SMC-1"  # not a DL/T 645 meter number: the address stands in
    assert read_values(Dlt645Meter(core), 0x04000402) == {"number": ADDRESS}


def test_time_drops_microseconds() -> None:
    core = MeterCore(ADDRESS, StubModel(STUB_TARIFFS, 0), lambda: NOW.replace(microsecond=9))
    assert read_values(Dlt645Meter(core), 0x04000102) == {"time": time(10, 7, 30)}


# ----------------------------------------------------------------------------- daily freeze


def consumer_core(clock: Callable[[], datetime] = lambda: NOW, phases: int = 1) -> MeterCore:
    model = ConsumerLoad(CustomerClass.RESIDENTIAL, 9_000, 3, date(2026, 11, 1), 2_345_678)
    return MeterCore(ADDRESS, model, clock, phases=phases)


def test_last_daily_freeze_is_today_midnight() -> None:
    core = consumer_core()
    meter = Dlt645Meter(core)
    assert read_values(meter, dataids.LAST_DAILY_FREEZE_TIME) == {
        "time": datetime(2026, 11, 21, 0, 0)
    }
    reply = ask(meter, dataids.LAST_DAILY_FREEZE_TIME)
    assert reply is not None
    assert reply.data[4:] == bytes.fromhex("00 00 21 11 26")  # YYMMDDhhmm, low byte first
    frozen = read_values(meter, dataids.LAST_DAILY_FREEZE_FORWARD_ACTIVE)
    midnight = datetime(2026, 11, 21)
    tariffs = core.model.tariff_registers_wh(midnight)
    assert frozen["total"] == Decimal(core.model.register_wh(midnight) // 10) / 100
    assert [frozen[f"t{t}"] for t in range(1, 5)] == [Decimal(wh // 10) / 100 for wh in tariffs]
    # The frozen value is the midnight register, not the current one.
    now_total = read_values(meter, 0x00010000)["total"]
    assert isinstance(now_total, Decimal)
    assert frozen["total"] != now_total


def test_earlier_daily_freezes() -> None:
    core = consumer_core()
    meter = Dlt645Meter(core)
    assert read_values(meter, 0x05060003) == {"time": datetime(2026, 11, 19, 0, 0)}
    frozen = read_values(meter, 0x05060103)
    assert frozen["total"] == Decimal(core.model.register_wh(datetime(2026, 11, 19)) // 10) / 100


def test_freeze_just_after_midnight() -> None:
    meter = Dlt645Meter(consumer_core(lambda: datetime(2026, 11, 21, 0, 0, 1)))
    assert read_values(meter, dataids.LAST_DAILY_FREEZE_TIME) == {
        "time": datetime(2026, 11, 21, 0, 0)
    }


def test_daily_freeze_follows_the_meter_clock() -> None:
    # At 23:58 true time a meter 5 minutes fast has already frozen the next day.
    core = consumer_core(lambda: datetime(2026, 11, 21, 23, 58))
    core.set_clock_drift(offset_s=300)
    assert read_values(Dlt645Meter(core), dataids.LAST_DAILY_FREEZE_TIME) == {
        "time": datetime(2026, 11, 22, 0, 0)
    }


# ----------------------------------------------------------------------------- instantaneous


def test_instantaneous_values_are_plausible() -> None:
    core = consumer_core()
    meter = Dlt645Meter(core)
    (volts,) = read_values(meter, 0x02010100).values()
    assert isinstance(volts, Decimal)
    assert Decimal("214.5") <= volts <= Decimal("225.5")
    (amps,) = read_values(meter, 0x02020100).values()
    assert isinstance(amps, Decimal)
    power_kw = Decimal(core.model.power_w(NOW)) / 1000
    assert amps * volts * Decimal("0.95") / 1000 == pytest.approx(power_kw, rel=Decimal("0.001"))
    assert read_values(meter, 0x02060000) == {"total": Decimal("0.950")}
    assert read_values(meter, 0x02800002) == {"frequency": Decimal("50.00")}
    block = read_values(meter, 0x0201FF00)  # single phase: B and C read zero
    assert block["a"] == volts
    assert block["b"] == block["c"] == 0


def test_three_phase_meter_shares_the_load() -> None:
    core = consumer_core(phases=3)
    meter = Dlt645Meter(core)
    volts = read_values(meter, 0x0201FF00)
    for phase, value in volts.items():
        assert isinstance(value, Decimal)
        assert Decimal("210") < value < Decimal("230"), phase
    power = read_values(meter, 0x0203FF00)
    total_kw = Decimal(core.model.power_w(NOW)) / 1000
    assert power["total"] == pytest.approx(total_kw, abs=Decimal("0.0001"))
    thirds = [power[k] for k in ("a", "b", "c")]
    assert thirds == pytest.approx([total_kw / 3] * 3, abs=Decimal("0.0001"))


# ----------------------------------------------------------------------------- silence, errors


def test_unknown_di_is_rejected_with_no_data() -> None:
    assert ask(stub_meter(), 0x0F0F0F0F) == Frame(ADDRESS, 0xD1, b"\x02")
    # In the table but nothing to show yet: no instant freeze has been made.
    assert ask(stub_meter(), 0x05010001) == Frame(ADDRESS, 0xD1, b"\x02")


def test_short_read_request_is_rejected() -> None:
    reply = stub_meter().handle(Frame(ADDRESS, 0x11, b"\x00\x00"))
    assert reply == Frame(ADDRESS, 0xD1, b"\x01")


def test_unsupported_function_is_rejected() -> None:
    # 0x03 is a DL/T 645-1997 function, unknown to a 2007 meter: "other error".
    assert stub_meter().handle(Frame(ADDRESS, 0x03, b"")) == Frame(ADDRESS, 0xC3, b"\x01")


def test_write_to_a_read_only_identifier_is_rejected() -> None:
    # DI 00000000 (combined active energy), password 00 000000, operator 00000000.
    reply = stub_meter().handle(Frame(ADDRESS, 0x14, bytes(12) + bytes(4)))
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
    meter.core.dead = True
    assert ask(meter, 0x00010000) is None
    assert meter.handle(Frame("AAAAAAAAAAAA", 0x13)) is None
    meter.core.dead = False
    assert ask(meter, 0x00010000) is not None


def test_unpowered_meter_is_silent() -> None:
    meter = stub_meter()
    meter.core.begin(Condition.POWER_OFF, at=NOW - timedelta(minutes=1))
    assert ask(meter, 0x00010000) is None
    meter.core.end(Condition.POWER_OFF, at=NOW)
    assert ask(meter, 0x00010000) is not None


def test_core_validates_its_setup() -> None:
    model = StubModel(STUB_TARIFFS, 0)
    with pytest.raises(ValueError, match="CT ratio"):
        MeterCore(ADDRESS, model, lambda: NOW, ct_ratio=0)
    with pytest.raises(ValueError, match="phases"):
        MeterCore(ADDRESS, model, lambda: NOW, phases=2)
    with pytest.raises(ValueError, match="1997"):
        Dlt645Meter(MeterCore(ADDRESS, model, lambda: NOW), version="2009")


def test_meter_validates_its_address() -> None:
    with pytest.raises(ValueError, match="12 digits"):
        Dlt645Meter(MeterCore("12345", StubModel(STUB_TARIFFS, 0), lambda: NOW))


def test_1997_value_that_does_not_fit_is_an_abnormal_reply() -> None:
    # 100 kW on one phase at about 220 V is some 480 A: more than 1997's XX.XX A.
    meter = Dlt645Meter(stub_core(power_w=100_000), version="1997")
    reply = meter.handle(Frame(ADDRESS, 0x01, b"\x21\xb6"))  # B621, current phase A
    assert reply is not None
    assert reply.control == 0xC1


def test_1997_write_with_a_garbled_password_is_an_abnormal_reply() -> None:
    meter = Dlt645Meter(stub_core(), version="1997")
    # Write C011 = 10:07:30 with password 02, digits 0000AA (not BCD).
    frame = Frame(ADDRESS, 0x04, bytes.fromhex("11 C0 02 AA 00 00 30 07 10"))
    reply = meter.handle(frame)
    assert reply is not None
    assert reply.control == 0xC4


def test_2007_value_that_does_not_fit_is_an_abnormal_reply() -> None:
    # 100 kW behind no CT is more than XX.XXXX kW: "other error", not silence.
    meter = stub_meter(power_w=100_000)
    assert ask(meter, 0x02030000) == Frame(ADDRESS, 0xD1, b"\x01")


def test_every_readable_item_encodes() -> None:
    # Whatever the collector may ask, the meter answers with a frame the client can decode;
    # only records that do not exist (beyond the one made here) are "no requested data".
    clock_at = [NOW]
    core = consumer_core(lambda: clock_at[0], phases=3)
    meter = Dlt645Meter(core)
    core.begin(Condition.POWER_OFF, at=NOW - timedelta(hours=2))
    core.end(Condition.POWER_OFF, at=NOW - timedelta(hours=1))
    core.open_cover(at=NOW - timedelta(minutes=30), closed_after_s=60)
    assert meter.handle(Frame(ADDRESS, 0x16, b"\x99\x99\x99\x99")) == Frame(ADDRESS, 0x96)
    missing = {
        *(0x03110000 | n for n in range(2, 11)),
        *(0x03300D00 | n for n in range(2, 11)),
        0x05010002,
        0x05010003,
        0x05010102,
        0x05010103,
    }
    for di, item in dataids.ITEMS.items():
        reply = ask(meter, di)
        assert reply is not None, item.di_hex
        if di in missing:
            assert reply == Frame(ADDRESS, 0xD1, b"\x02"), item.di_hex
            continue
        assert reply.control == 0x91, item.di_hex
        assert len(decode_values(item, reply.data[4:])) == len(item.fields)


def test_identifiers_outside_every_group_have_no_values() -> None:
    # The meter answers through the same table: an item outside it has no values.
    item = DataItem(0x0F0F0F0F, "x", "x", ())
    assert values_2007(stub_meter(), item, NOW) is None


# ----------------------------------------------------------------------------- the bus


class RecordingPort:
    """A ``DevicePort`` that records what the device sends and runs ``later`` at once."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, bytes]] = []
        self.events: list[str] = []

    def send(self, data: bytes, delay_s: float = 0.0) -> None:
        self.sent.append((delay_s, data))
        self.events.append("send")

    def set_baudrate(self, baudrate: int) -> None:
        self.events.append(f"baud {baudrate}")

    def later(self, delay_s: float, fn: Callable[[], None]) -> None:
        self.events.append(f"later {delay_s:g}")
        fn()


def make_bus(*addresses: str, reply_delay_s: float = 0.02) -> tuple[Dlt645Bus, RecordingPort]:
    cores = [stub_core(address=a) for a in addresses]
    return make_device(cores, DeviceOptions(reply_delay_s=reply_delay_s)), RecordingPort()


# Read 00010000 from 123456789012, CS 68 (worked out in tests/drivers/dlt645/test_codec.py).
REQUEST = bytes.fromhex("FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16")
ENERGY_REPLY = bytes.fromhex("68 12 90 78 56 34 12 68 91 08 33 33 34 33 34 33 43 33 C9 16")


def test_bus_answers_a_request_fed_in_pieces() -> None:
    bus, port = make_bus(ADDRESS, "000000000001")
    bus.receive(REQUEST[:7], port)
    assert port.sent == []
    bus.receive(REQUEST[7:], port)
    assert bus.requests_seen == 1
    assert port.sent == [(0.02, ENERGY_REPLY)]


def test_bus_adds_the_meters_extra_delay() -> None:
    bus, port = make_bus(ADDRESS)
    bus.meters[0].core.extra_delay_s = 0.5
    bus.receive(REQUEST, port)
    assert port.sent == [(pytest.approx(0.52), ENERGY_REPLY)]


def test_bus_garbles_replies_at_the_meters_bit_error_rate() -> None:
    bus, port = make_bus(ADDRESS)
    bus.meters[0].core.bit_error_rate = 0.5
    bus.receive(REQUEST, port)
    ((_delay, sent),) = port.sent
    assert len(sent) == len(ENERGY_REPLY)
    assert sent != ENERGY_REPLY


def test_bus_ignores_garbled_requests() -> None:
    bus, port = make_bus(ADDRESS)
    bus.receive(REQUEST[:-2] + b"\x69\x16", port)  # bad checksum
    assert bus.requests_seen == 0
    assert port.sent == []
    bus.receive(REQUEST, port)
    assert len(port.sent) == 1


def test_bus_broadcast_is_heard_but_not_answered() -> None:
    bus, port = make_bus(ADDRESS, "000000000001")
    bus.receive(encode(Frame("999999999999", 0x11, b"\x00\x00\x01\x00")), port)
    assert bus.requests_seen == 1
    assert port.sent == []


def test_bus_wildcard_reaches_every_meter() -> None:
    bus, port = make_bus(ADDRESS, "000000000001")
    bus.receive(encode(Frame("AAAAAAAAAAAA", 0x13)), port)
    assert sorted(decode(raw).address for _d, raw in port.sent) == ["000000000001", ADDRESS]


def test_bus_switches_rate_after_the_baud_reply_has_gone_out() -> None:
    bus, port = make_bus(ADDRESS)
    bus.receive(encode(Frame(ADDRESS, 0x17, b"\x20")), port)
    assert port.events == ["send", "later 0.02", "baud 9600"]
    assert decode(port.sent[0][1]) == Frame(ADDRESS, 0x97, b"\x20")
    bus.receive(REQUEST, port)  # the switch happens once, not on every later reply
    assert port.events[3:] == ["send"]
