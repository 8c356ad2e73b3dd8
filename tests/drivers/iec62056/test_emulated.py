"""The emulated mode C meter on a fake port: what it answers (hand-checked content), what it shows
behind a CT, programming mode, several meters on one bus, and the core's conditions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from drivers.emulator.core import Condition
from drivers.emulator.device import DeviceOptions
from drivers.errors import FrameError, FrameKind
from drivers.iec62056.codec import decode
from drivers.iec62056.dataset import DataSet, Value, to_decimal
from drivers.iec62056.emulated import (
    EmulatedIecMeter,
    make_device,
    proposed_baud_char,
)
from drivers.iec62056.messages import Ack, Command, DataMessage, Identification, Message, Nak

from .conftest import NOW, MakeCore, SettableClock

SIGN_ON = b"/?!\r\n"
ACK_READOUT = b"\x06050\r\n"
ACK_PROGRAMMING = b"\x06051\r\n"
PASSWORD_OK = b"\x01P1\x02(00000000)\x03\x61"  # BCCs worked out in test_codec.py
READ_ENERGY = b"\x01R1\x021.8.0()\x03\x5a"
BREAK = b"\x01B0\x03\x71"


class FakePort:
    def __init__(self) -> None:
        self.sent: list[tuple[bytes, float]] = []
        self.bauds: list[int] = []

    def send(self, data: bytes, delay_s: float = 0.0) -> None:
        self.sent.append((data, delay_s))

    def set_baudrate(self, baudrate: int) -> None:
        self.bauds.append(baudrate)

    def replies(self) -> list[Message]:
        return [decode(data) for data, _delay in self.sent]


def conversation(meter: EmulatedIecMeter, *requests: bytes) -> FakePort:
    port = FakePort()
    for request in requests:
        meter.receive(request, port)
    return port


def values(message: Message) -> dict[str, tuple[Value, ...]]:
    assert isinstance(message, DataMessage)
    return {s.address: s.values for s in message.data_sets}


def test_identification_proposes_the_fastest_allowed_rate(make_core: MakeCore) -> None:
    meter = EmulatedIecMeter([make_core(phases=3)], DeviceOptions(max_baudrate=19200))
    assert conversation(meter, SIGN_ON).replies() == [Identification("SMC", "6", "SMCDTZY")]
    assert [proposed_baud_char(rate) for rate in (300, 2400, 5000, 9600, 115200)] == list("03456")


def test_readout_content(make_core: MakeCore) -> None:
    meter = EmulatedIecMeter([make_core(phases=3)], DeviceOptions(reply_delay_s=0.05))
    port = conversation(meter, SIGN_ON, ACK_READOUT)
    assert port.bauds == [9600]  # switched on the ACK, before the readout is sent
    assert [delay for _data, delay in port.sent] == [0.05, 0.05]
    shown = values(port.replies()[1])
    assert shown["1.8.0"] == (Value("001000.01", "kWh"),)  # 1 000 015 Wh, truncated
    assert shown["1.8.1"] == (Value("000100.00", "kWh"),)
    assert shown["2.8.0"] == (Value("000000.00", "kWh"),)
    assert shown["0.9.1"] == (Value("10:07:30"),)
    assert shown["0.9.2"] == (Value("26-11-21"),)
    assert shown["1.7.0"] == (Value("01.2340", "kW"),)
    assert shown["14.7.0"] == (Value("50.00", "Hz"),)
    assert shown["13.7.0"] == (Value("0.950"),)
    assert shown["1.6.0"] == (Value("001.234", "kW"), Value("26-11-01 00:15"))
    assert shown["C.7.0"] == (Value("0000"),)
    assert shown["0.0.0"] == shown["C.1.0"] == (Value("123456789012"),)
    assert {"52.7.0", "72.7.0", "51.7.0", "71.7.0"} <= set(shown)


def test_single_phase_meters_have_no_phase_b_or_c(make_core: MakeCore) -> None:
    port = conversation(EmulatedIecMeter([make_core()]), SIGN_ON, ACK_READOUT)
    assert not {"52.7.0", "72.7.0", "51.7.0", "71.7.0"} & set(values(port.replies()[1]))


def test_a_ct_meter_shows_secondary_values(make_core: MakeCore) -> None:
    direct = values(
        conversation(EmulatedIecMeter([make_core()]), SIGN_ON, ACK_READOUT).replies()[1]
    )
    ct = values(
        conversation(EmulatedIecMeter([make_core(ct_ratio=50)]), SIGN_ON, ACK_READOUT).replies()[1]
    )
    # 1 000 015 Wh // 50 = 20 000 Wh -> 20.00 kWh; 100 005 // 50 = 2 000 Wh -> 2.00 kWh.
    assert ct["1.8.0"] == (Value("000020.00", "kWh"),)
    assert ct["1.8.1"] == (Value("000002.00", "kWh"),)
    assert ct["32.7.0"] == direct["32.7.0"]  # voltage is not behind the CT
    amps, amps_ct = to_decimal(direct["31.7.0"][0].text), to_decimal(ct["31.7.0"][0].text)
    assert abs(amps_ct * 50 - amps) <= Decimal("0.05")
    assert ct["1.7.0"] == (Value("00.0247", "kW"),)  # 1.234 kW / 50 = 0.02468


def test_programming_mode_read_and_break(make_core: MakeCore) -> None:
    meter = EmulatedIecMeter([make_core()])
    port = conversation(meter, SIGN_ON, ACK_PROGRAMMING, PASSWORD_OK, READ_ENERGY, BREAK)
    _ident, operand, ack, answer = port.replies()
    assert isinstance(operand, Command)
    assert operand == Command("P0", DataSet("", (Value("123456789012"),)))
    assert ack == Ack()
    assert answer == DataMessage(((DataSet("1.8.0", (Value("001000.01", "kWh"),)),),), False)
    assert port.bauds == [9600, 300]  # back to 300 Bd after B0


@pytest.mark.parametrize(
    ("requests", "reply"),
    [
        ([b"\x01P1\x02(12345678)\x03"], Nak()),  # wrong password
        ([b"\x01R1\x021.8.0()\x03"], "ER02"),  # not before the password
        ([PASSWORD_OK, b"\x01R1\x0299.9.9()\x03"], "ER01"),  # unknown item
        ([PASSWORD_OK, b"\x01W1\x021.8.0(0)\x03"], "ER04"),  # read-only item
        ([PASSWORD_OK, b"\x01W1\x020.9.1(25:00:00)\x03"], "ER03"),  # impossible time
    ],
)
def test_programming_mode_refusals(
    make_core: MakeCore, requests: list[bytes], reply: Message | str
) -> None:
    meter = EmulatedIecMeter([make_core()])
    port = conversation(meter, SIGN_ON, ACK_PROGRAMMING, *(_with_bcc(r) for r in requests))
    last = port.replies()[-1]
    if isinstance(reply, str):
        assert isinstance(last, DataMessage)
        assert last.error == reply
    else:
        assert last == reply


def _with_bcc(raw: bytes) -> bytes:
    """Requests whose BCC is not the point of the test get a correct one appended."""
    if raw in (PASSWORD_OK, READ_ENERGY, BREAK):
        return raw
    check = 0
    for byte in raw[1:]:
        check ^= byte
    return raw + bytes((check,))


def test_a_command_with_a_bad_bcc_is_answered_with_nak(make_core: MakeCore) -> None:
    meter = EmulatedIecMeter([make_core()])
    bad = READ_ENERGY[:-1] + b"\x00"
    port = conversation(meter, SIGN_ON, ACK_PROGRAMMING, PASSWORD_OK, bad)
    assert port.replies()[-1] == Nak()


def test_write_sets_the_meter_clock(make_core: MakeCore) -> None:
    core = make_core()
    meter = EmulatedIecMeter([core])
    write_date = _with_bcc(b"\x01W1\x020.9.2(27-01-02)\x03")
    write_time = _with_bcc(b"\x01W1\x020.9.1(08:00:00)\x03")
    port = conversation(meter, SIGN_ON, ACK_PROGRAMMING, PASSWORD_OK, write_date, write_time)
    assert port.replies()[-2:] == [Ack(), Ack()]
    assert core.meter_time() == datetime(2027, 1, 2, 8, 0, 0)


def test_no_password_means_no_access_protection(make_core: MakeCore) -> None:
    meter = EmulatedIecMeter([make_core()], password="")
    port = conversation(meter, SIGN_ON, ACK_PROGRAMMING, READ_ENERGY)
    assert isinstance(port.replies()[-1], DataMessage)


def test_the_address_picks_one_meter_of_several(make_core: MakeCore) -> None:
    first, second = make_core("000000000001"), make_core("000000000002", power_w=2_000)
    meter = EmulatedIecMeter([first, second])
    port = conversation(meter, b"/?2!\r\n", ACK_READOUT)  # leading zeros need not be sent
    assert values(port.replies()[1])["0.0.0"] == (Value("000000000002"),)
    assert conversation(meter, b"/?3!\r\n").sent == []  # nobody has that address


def test_several_meters_answering_at_once_collide(make_core: MakeCore) -> None:
    first, second = make_core("000000000001"), make_core("000000000002", power_w=2_000)
    port = conversation(EmulatedIecMeter([first, second]), SIGN_ON, ACK_READOUT)
    assert len(port.sent) == 2  # both identical identifications survive the wired AND
    with pytest.raises(FrameError) as info:  # the two readouts differ: their AND is noise
        decode(port.sent[1][0])
    assert info.value.kind in {FrameKind.CHECKSUM, FrameKind.VALUE_FORMAT}


def test_conditions_silent_garbled_and_slow(
    make_core: MakeCore, emulator_clock: SettableClock
) -> None:
    core = make_core()
    meter = EmulatedIecMeter([core], DeviceOptions(reply_delay_s=0.02))
    core.dead = True
    assert conversation(meter, SIGN_ON).sent == []
    core.dead = False
    core.begin(Condition.POWER_OFF)
    assert conversation(meter, SIGN_ON).sent == []
    core.end(Condition.POWER_OFF)
    core.extra_delay_s = 0.5
    [(data, delay)] = conversation(meter, SIGN_ON).sent
    assert data == b"/SMC5SMCDDZY\r\n"
    assert delay == pytest.approx(0.52)
    core.bit_error_rate = 1.0  # every bit flipped
    [(garbled, _)] = conversation(meter, SIGN_ON).sent
    assert garbled == bytes(b ^ 0xFF for b in b"/SMC5SMCDDZY\r\n")
    assert emulator_clock() == NOW


def test_reverse_energy_grows_the_reverse_register(
    make_core: MakeCore, emulator_clock: SettableClock
) -> None:
    core = make_core()
    core.begin(Condition.REVERSE)
    emulator_clock.advance(hours=2)
    shown = values(conversation(EmulatedIecMeter([core]), SIGN_ON, ACK_READOUT).replies()[1])
    assert shown["2.8.0"] == (Value("000002.46", "kWh"),)  # 2 h at 1 234 W = 2 468 Wh
    assert shown["1.8.0"] == (Value("001000.01", "kWh"),)  # forward stood still
    assert shown["1.7.0"] == (Value("-01.2340", "kW"),)


def test_make_device_is_the_spec_factory(make_core: MakeCore) -> None:
    device = make_device([make_core()], DeviceOptions(max_baudrate=2400))
    assert conversation(device, SIGN_ON).replies() == [Identification("SMC", "3", "SMCDDZY")]
