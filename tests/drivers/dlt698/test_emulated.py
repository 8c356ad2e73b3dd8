"""The emulated DL/T 698.45 meter, without a link: what it answers (values worked out here from
the ``MeterCore``), which requests it ignores, and how its conditions shape the reply."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from drivers.dlt698.apdu import (
    ErrorResponse,
    GetRequestNormal,
    GetRequestNormalList,
    GetResponseNormal,
    GetResponseNormalList,
    LinkRequest,
    LinkRequestType,
    LinkResponse,
    decode_apdu,
    encode_apdu,
)
from drivers.dlt698.axdr import Data, DataType, Oad, ScalerUnit
from drivers.dlt698.codec import AddressType, Frame, ServerAddress, decode, encode
from drivers.dlt698.emulated import EmulatedDlt698Meter, displayed_raw, get_result, make_device
from drivers.emulator.core import Condition, MeterCore
from drivers.emulator.device import DeviceOptions

NOW = datetime(2026, 11, 21, 10, 7, 30)
T0 = datetime(2026, 11, 1)
ADDRESS = "123456789012"
T = DataType


class RampModel:
    """Registers that grow by one Wh per second per tariff from a base; constant power."""

    BASE = (100_005, 200_009, 300_000, 400_001)

    def tariff_registers_wh(self, at: datetime) -> tuple[int, int, int, int]:
        grown = int((at - T0).total_seconds())
        b = self.BASE
        return (b[0] + grown, b[1] + grown, b[2] + grown, b[3] + grown)

    def register_wh(self, at: datetime) -> int:
        return sum(self.tariff_registers_wh(at))

    def power_w(self, at: datetime) -> int:
        return 3_456


def core(address: str = ADDRESS, **kwargs: object) -> MeterCore:
    return MeterCore(address, RampModel(), lambda: NOW, **kwargs)  # type: ignore[arg-type]


class RecordingPort:
    def __init__(self) -> None:
        self.sent: list[tuple[bytes, float]] = []

    def send(self, data: bytes, delay_s: float = 0.0) -> None:
        self.sent.append((data, delay_s))

    def set_baudrate(self, baudrate: int) -> None:
        raise AssertionError("a 698 meter never changes its baud rate")

    def later(self, delay_s: float, fn: Callable[[], None]) -> None:
        raise AssertionError("a 698 meter schedules nothing but its replies")


def request(apdu: LinkRequest | GetRequestNormal | GetRequestNormalList, *, address: str = ADDRESS,
            kind: AddressType = AddressType.SINGLE) -> bytes:  # fmt: skip
    control = 0x41 if isinstance(apdu, LinkRequest) else 0x43
    return encode(Frame(control, ServerAddress(address, kind), 0x10, encode_apdu(apdu)), wake_up=4)


def ask(meters: list[MeterCore], raw: bytes, options: DeviceOptions | None = None) -> list[Frame]:
    port = RecordingPort()
    EmulatedDlt698Meter(meters, options).receive(raw, port)
    return [decode(data) for data, _delay in port.sent]


def value(meter: MeterCore, oad: Oad) -> Data:
    result = get_result(meter, oad)
    assert result.data is not None, result
    return result.data


def ints(d: Data) -> list[int]:
    assert isinstance(d.value, tuple)
    return [item.value for item in d.value]  # type: ignore[misc]


# ----------------------------------------------------------------------------- values


def test_energy_registers_as_the_meter_shows_them() -> None:
    meter = core()
    regs = meter.registers(NOW)
    forward = [wh // 10 for wh in regs.forward]  # 0.01 kWh = 10 Wh, truncated
    assert ints(value(meter, Oad(0x0010))) == forward
    assert ints(value(meter, Oad(0x0020))) == [0, 0, 0, 0, 0]
    assert ints(value(meter, Oad(0x0000))) == forward
    elements = value(meter, Oad(0x0010)).value
    assert isinstance(elements, tuple)
    assert {e.type for e in elements} == {T.DOUBLE_LONG_UNSIGNED}


def test_reverse_energy_and_the_combined_register() -> None:
    meter = core()
    meter.begin(Condition.REVERSE, at=NOW - timedelta(hours=1))
    regs = meter.registers(NOW)
    assert regs.reverse[0] == 4 * 3600  # one Wh per second per tariff for an hour
    forward = [wh // 10 for wh in regs.forward]
    reverse = [wh // 10 for wh in regs.reverse]
    assert ints(value(meter, Oad(0x0020))) == reverse
    assert ints(value(meter, Oad(0x0000))) == [f - r for f, r in zip(forward, reverse, strict=True)]


def test_a_ct_meter_shows_secondary_values() -> None:
    meter = core(ct_ratio=40, phases=3)
    regs = meter.registers(NOW)
    assert ints(value(meter, Oad(0x0010))) == [wh // 40 // 10 for wh in regs.forward]
    inst = meter.instant(NOW)
    power = [int(Decimal(str(p / 40)).quantize(Decimal("0.1")).scaleb(1)) for p in inst.active_w]
    assert ints(value(meter, Oad(0x2004))) == power
    amps = [int(Decimal(str(a / 40)).quantize(Decimal("0.001")).scaleb(3)) for a in inst.current_a]
    assert ints(value(meter, Oad(0x2001))) == amps
    volts = [int(Decimal(str(v)).quantize(Decimal("0.1")).scaleb(1)) for v in inst.voltage_v]
    assert ints(value(meter, Oad(0x2000))) == volts  # a CT does not change the voltage


def test_current_follows_the_direction_of_power() -> None:
    meter = core()
    meter.begin(Condition.REVERSE, at=NOW - timedelta(minutes=1))
    current_a = ints(value(meter, Oad(0x2001)))[0]
    assert current_a < 0
    assert ints(value(meter, Oad(0x2004)))[0] < 0


def test_instantaneous_scalars_and_parameters() -> None:
    meter = core(serial_number="000012345678")
    meter.set_clock_drift(offset_s=90)
    assert value(meter, Oad(0x200F)) == Data(T.LONG_UNSIGNED, 5000)
    assert ints(value(meter, Oad(0x200A))) == [950, 950, 0, 0]  # single phase: A only
    assert value(meter, Oad(0x4000)) == Data(T.DATE_TIME_S, NOW + timedelta(seconds=90))
    assert value(meter, Oad(0x4001)) == Data(T.OCTET_STRING, bytes.fromhex(ADDRESS))
    assert value(meter, Oad(0x4002)) == Data(T.OCTET_STRING, bytes.fromhex("000012345678"))
    assert value(core(serial_number="SMC-7"), Oad(0x4002)) == Data(T.VISIBLE_STRING, "SMC-7")


def test_elements_attribute_three_and_data_access_results() -> None:
    meter = core(phases=3)
    whole = value(meter, Oad(0x2000))
    assert value(meter, Oad(0x2000, 2, 2)) == whole.value[1]  # type: ignore[index]
    assert value(meter, Oad(0x0010, 3)) == Data(T.SCALER_UNIT, ScalerUnit(-2, 33))
    assert get_result(meter, Oad(0x2000, 2, 4)).dar == 8  # out of range
    assert get_result(meter, Oad(0x200F, 2, 1)).dar == 8
    assert get_result(meter, Oad(0x0010, 3, 1)).dar == 8
    assert get_result(meter, Oad(0x4000, 3)).dar == 4  # no scaler on a date
    assert get_result(meter, Oad(0x3000)).dar == 4  # object undefined
    assert get_result(meter, Oad(0x0010, 5)).dar == 4


def test_displayed_raw_truncates_towards_zero() -> None:
    assert displayed_raw(1_000_015, 1) == 100_001
    assert displayed_raw(-1_000_015, 1) == -100_001
    assert displayed_raw(1_000_015, 100) == 1_000


# ----------------------------------------------------------------------------- requests


def test_get_normal_and_normal_list_replies() -> None:
    meter = core()
    (reply,) = ask([meter], request(GetRequestNormal(5, Oad(0x200F))))
    assert (reply.control, reply.server, reply.client) == (0xC3, ServerAddress(ADDRESS), 0x10)
    apdu = decode_apdu(reply.apdu)
    assert isinstance(apdu, GetResponseNormal)
    assert (apdu.piid_acd, apdu.result.oad, apdu.result.data) == (
        5,
        Oad(0x200F),
        Data(T.LONG_UNSIGNED, 5000),
    )
    oads = (Oad(0x0010), Oad(0x3000), Oad(0x4001))
    (reply,) = ask([meter], request(GetRequestNormalList(6, oads)))
    listed = decode_apdu(reply.apdu)
    assert isinstance(listed, GetResponseNormalList)
    assert tuple(r.oad for r in listed.results) == oads
    assert [r.dar for r in listed.results] == [None, 4, None]


def test_link_request_gets_a_link_response() -> None:
    meter = core()
    meter.set_clock_drift(offset_s=2)
    (reply,) = ask([meter], request(LinkRequest(0x47, LinkRequestType.HEARTBEAT, 60, NOW)))
    assert reply.control == 0xC1
    apdu = decode_apdu(reply.apdu)
    assert apdu == LinkResponse(
        0x07, 0x80, NOW, NOW + timedelta(seconds=2), NOW + timedelta(seconds=2)
    )


def test_unreadable_and_unsupported_apdus_get_an_error_response() -> None:
    meter = core()
    frames = [
        Frame(0x43, ServerAddress(ADDRESS), 0x10, bytes.fromhex("05 01 09 40")),  # truncated OAD
        Frame(0x43, ServerAddress(ADDRESS), 0x10, bytes.fromhex("05 03 0A 40 00 02 00 00")),
        Frame(0x43, ServerAddress(ADDRESS), 0x10, bytes.fromhex("06 01 0B 40 00 02 00 00")),
    ]
    replies = [ask([meter], encode(f))[0] for f in frames]
    assert [decode_apdu(r.apdu) for r in replies] == [
        ErrorResponse(9, 1),
        ErrorResponse(10, 2),
        ErrorResponse(11, 2),
    ]


@pytest.mark.parametrize(
    ("address", "kind", "meters", "answered"),
    [
        ("123456789012", AddressType.SINGLE, [ADDRESS], [ADDRESS]),
        ("123456789013", AddressType.SINGLE, [ADDRESS], []),
        ("AAAAAAAAAAAA", AddressType.WILDCARD, [ADDRESS], [ADDRESS]),
        ("1234567890AA", AddressType.WILDCARD, [ADDRESS, "123456789099"], []),  # would collide
        ("12345678901A", AddressType.WILDCARD, [ADDRESS, "123456789099"], [ADDRESS]),
        ("123456789099", AddressType.SINGLE, [ADDRESS, "123456789099"], ["123456789099"]),
        ("123456789012", AddressType.GROUP, [ADDRESS], []),
        ("AA", AddressType.BROADCAST, [ADDRESS], []),
    ],
)
def test_who_answers(
    address: str, kind: AddressType, meters: list[str], answered: list[str]
) -> None:
    raw = request(GetRequestNormal(1, Oad(0x4001)), address=address, kind=kind)
    replies = ask([core(a) for a in meters], raw)
    assert [r.server.address for r in replies] == answered


def test_replies_and_garbage_on_the_bus_are_ignored() -> None:
    meter = core()
    (reply,) = ask([meter], request(GetRequestNormal(1, Oad(0x4001))))
    garbled = bytearray(request(GetRequestNormal(2, Oad(0x4001))))
    garbled[-5] ^= 0x01
    device = EmulatedDlt698Meter([meter])
    port = RecordingPort()
    device.receive(encode(reply) + bytes(garbled) + b"\x00\x68\x16", port)
    assert port.sent == []
    assert device.requests_seen == 0


def test_conditions_silence_garble_and_delay() -> None:
    raw = request(GetRequestNormal(1, Oad(0x0010)))
    assert ask([core(dead=True)], raw) == []
    unpowered = core()
    unpowered.begin(Condition.POWER_OFF, at=NOW - timedelta(minutes=5))
    assert ask([unpowered], raw) == []

    port = RecordingPort()
    make_device([core(extra_delay_s=0.25)], DeviceOptions(reply_delay_s=0.05)).receive(raw, port)
    ((clean, delay),) = port.sent
    assert delay == pytest.approx(0.30)
    assert clean.startswith(b"\xfe\xfe\xfe\xfe\x68")

    port = RecordingPort()
    EmulatedDlt698Meter([core(bit_error_rate=0.05)]).receive(raw, port)
    ((garbled, _delay),) = port.sent
    assert len(garbled) == len(clean) and garbled != clean


def test_core_addresses_must_be_bcd() -> None:
    with pytest.raises(ValueError):
        EmulatedDlt698Meter([core("12345678901X")])
