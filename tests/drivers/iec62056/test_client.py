"""The mode C client against a scripted meter on a fake transport with an injected clock: the
order of bytes and baud changes, retries, programming mode, and every way a read can fail."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from drivers.api import ClientOptions
from drivers.errors import (
    FrameError,
    FrameKind,
    MeterRejectedError,
    MeterTimeoutError,
    ProtocolStateError,
)
from drivers.iec62056.client import IecClient
from drivers.iec62056.codec import encode
from drivers.iec62056.dataset import DataSet, Value
from drivers.iec62056.messages import Command, DataMessage

IDENT = b"/SMC5SMCDDZY\r\n"
ACK, NAK = b"\x06", b"\x15"
OPERAND = b"\x01P0\x02(1234567)\x03\x50"  # BCC worked out in test_codec.py
EPS = 1e-9


def readout(*lines: str) -> bytes:
    """A readout built from printed lines (input for the client, not an expected value)."""
    sets = tuple((DataSet(*_split(line)),) for line in lines)
    return encode(DataMessage(sets))


def answer(line: str) -> bytes:
    return encode(DataMessage(((DataSet(*_split(line)),),), readout=False))


def _split(line: str) -> tuple[str, tuple[Value, ...]]:
    address, _, rest = line.partition("(")
    values = []
    for group in ("(" + rest).split(")")[:-1]:
        text, _, unit = group[1:].partition("*")
        values.append(Value(text, unit))
    return address, tuple(values)


READOUT = readout(
    "0.0.0(123456789012)",
    "0.9.1(10:07:30)",
    "0.9.2(26-11-21)",
    "1.8.0(001000.01*kWh)",
    "1.6.0(001.234*kW)(26-11-01 00:15)",
    "C.7.0(0002)",
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class ScriptedMeter:
    """A transport whose meter answers each write with the next scripted reply (None: silence)."""

    url = "fake://meter"

    def __init__(self, clock: FakeClock, replies: list[bytes | None]) -> None:
        self.clock = clock
        self.replies = list(replies)
        self.inbox = bytearray()
        self.writes: list[tuple[float, bytes]] = []
        self.bauds: list[tuple[float, int]] = []

    def open(self) -> None: ...

    def close(self) -> None: ...

    def write(self, data: bytes) -> None:
        self.writes.append((self.clock.now, data))
        if data.strip(b"\x00"):  # wake-up NULs get no answer
            reply = self.replies.pop(0) if self.replies else None
            self.inbox += reply or b""

    def read(self, max_bytes: int, deadline: float) -> bytes:
        if not self.inbox:
            self.clock.now = max(self.clock.now, deadline)
            return b""
        out = bytes(self.inbox[:max_bytes])
        del self.inbox[:max_bytes]
        return out

    def set_baudrate(self, baudrate: int) -> None:
        self.bauds.append((self.clock.now, baudrate))

    @property
    def sent(self) -> list[bytes]:
        return [data for _t, data in self.writes]


def client_for(
    replies: list[bytes | None], **options: object
) -> tuple[IecClient, ScriptedMeter, FakeClock]:
    clock = FakeClock()
    meter = ScriptedMeter(clock, replies)
    opts = ClientOptions(**options)  # type: ignore[arg-type]
    return IecClient(meter, "", opts, sleep=clock.sleep, clock=clock), meter, clock


def test_readout_switches_baud_only_after_the_ack_has_left() -> None:
    client, meter, _ = client_for([IDENT, READOUT])
    readings = client.read(["1.8.0"])
    assert meter.sent == [b"/?!\r\n", b"\x06050\r\n"]
    assert [baud for _t, baud in meter.bauds] == [300, 9600]
    ack_written = meter.writes[1][0]
    switched = meter.bauds[1][0]
    assert switched >= ack_written + 6 * 10 / 300 - EPS  # 6 characters of 10 bits at 300 Bd
    assert readings[0].value == Decimal("1000.01")


def test_readings_are_typed_and_named() -> None:
    client, _, _ = client_for([IDENT, READOUT])
    readings = client.read(["0.9.1", "0.9.2", "1.6.0", "C.7.0", "0.0.0"])
    assert [(r.item, r.value, r.unit) for r in readings] == [
        ("0.9.1", time(10, 7, 30), ""),
        ("0.9.2", date(2026, 11, 21), ""),
        ("1.6.0", Decimal("1.234"), "kW"),
        ("1.6.0", datetime(2026, 11, 1, 0, 15), ""),
        ("C.7.0", 2, ""),
        ("0.0.0", "123456789012", ""),
    ]
    assert readings[2].name_zh == "正向有功最大需量"
    assert readings[3].name == "maximum demand time"


def test_full_form_addresses_and_items_outside_the_table() -> None:
    raw = readout("1-0:1.8.0*255(000123.45*kWh)", "96.1.0(ABC)", "0.2.0(12.5*V)")
    client, _, _ = client_for([IDENT, raw])
    readings = client.read(["1.8.0", "96.1.0", "0.2.0"])
    assert [(r.item, r.name, r.value) for r in readings] == [
        ("1.8.0", "forward active energy (total)", Decimal("123.45")),
        ("96.1.0", "96.1.0", "ABC"),
        ("0.2.0", "0.2.0", Decimal("12.5")),
    ]


def test_staying_at_300_bd() -> None:
    client, meter, _ = client_for([IDENT, READOUT], switch_baud=False)
    client.read(["1.8.0"])
    assert meter.sent[1] == b"\x06000\r\n"
    assert {baud for _t, baud in meter.bauds} == {300}


def test_wake_up_sequence_then_a_pause_before_the_sign_on() -> None:
    client, meter, _ = client_for([IDENT, READOUT], wake_up=True)
    client.read(["1.8.0"])
    (t_nul, nuls), (t_sign_on, sign_on) = meter.writes[:2]
    assert nuls == b"\x00" * 66  # 2.2 s of NULs at 300 Bd, 10 bits each
    assert sign_on == b"/?!\r\n"
    assert t_sign_on - t_nul >= 2.2 + 1.5 - EPS


def test_a_missing_item_without_password_names_the_item() -> None:
    client, meter, _ = client_for([IDENT, READOUT])
    with pytest.raises(MeterRejectedError, match=r"item 1\.8\.1 is not in the readout"):
        client.read(["1.8.0", "1.8.1"])
    assert len(meter.sent) == 2  # no programming session without a password


def test_silence_is_a_timeout_after_every_retry() -> None:
    client, meter, _ = client_for([], timeout_s=0.5, retries=2)
    with pytest.raises(MeterTimeoutError, match=r"fake://meter .*no identification.*3 attempt"):
        client.read(["1.8.0"])
    assert meter.sent == [b"/?!\r\n"] * 3


def test_corrupt_readout_is_a_checksum_error_after_every_retry() -> None:
    bad = READOUT[:-1] + bytes((READOUT[-1] ^ 0x20,))
    client, meter, _ = client_for([IDENT, bad, IDENT, bad], retries=1)
    with pytest.raises(FrameError, match="2 attempt") as info:
        client.read(["1.8.0"])
    assert info.value.kind is FrameKind.CHECKSUM
    assert meter.sent.count(b"/?!\r\n") == 2


def test_a_retry_recovers_from_a_corrupt_readout() -> None:
    bad = READOUT[:-1] + bytes((READOUT[-1] ^ 0x20,))
    client, _, _ = client_for([IDENT, bad, IDENT, READOUT], retries=1)
    assert client.read(["1.8.0"])[0].value == Decimal("1000.01")


def test_a_malformed_value_is_a_value_format_error_naming_the_item() -> None:
    client, _, _ = client_for([IDENT, readout("0.9.1(25:61:00)")])
    with pytest.raises(FrameError, match=r"item 0\.9\.1 \(meter time\)") as info:
        client.read(["0.9.1"])
    assert info.value.kind is FrameKind.VALUE_FORMAT


def test_a_reply_out_of_order_is_a_protocol_state_error() -> None:
    client, meter, _ = client_for([IDENT, OPERAND], retries=3)
    with pytest.raises(ProtocolStateError, match="readout requested"):
        client.read(["1.8.0"])
    assert len(meter.sent) == 2  # not retried: the meter is not speaking mode C as we asked


def test_programming_mode_reads_what_the_readout_lacks() -> None:
    script = [IDENT, READOUT, IDENT, OPERAND, ACK, answer("1.8.1(000100.00*kWh)"), None]
    client, meter, _ = client_for(script, password="00000000")
    readings = client.read(["1.8.0", "1.8.1"])
    assert [r.value for r in readings] == [Decimal("1000.01"), Decimal("100.00")]
    assert meter.sent[2:] == [
        b"/?!\r\n",
        b"\x06051\r\n",
        b"\x01P1\x02(00000000)\x03\x61",  # BCCs worked out in test_codec.py
        encode(Command("R1", DataSet("1.8.1", (Value(""),)))),
        b"\x01B0\x03\x71",
    ]
    assert [baud for _t, baud in meter.bauds] == [300, 9600, 300, 9600]


def test_a_refused_password_is_rejected_and_the_session_broken_off() -> None:
    client, meter, _ = client_for([IDENT, OPERAND, NAK, None], password="wrong", retries=2)
    with pytest.raises(MeterRejectedError, match="password refused") as info:
        client.set_clock(datetime(2026, 11, 21, 8, 0))
    assert info.value.error_bits == ("password",)
    assert meter.sent[-1] == b"\x01B0\x03\x71"
    assert meter.sent.count(b"/?!\r\n") == 1  # a wrong password is never retried


def test_an_error_reply_to_r1_names_the_item() -> None:
    error = b"\x02(ER01)\x03\x14"  # BCC worked out in test_codec.py
    script = [IDENT, READOUT, IDENT, OPERAND, ACK, error, None]
    client, meter, _ = client_for(script, password="00000000")
    with pytest.raises(MeterRejectedError, match=r"item 1\.8\.4: .*error ER01"):
        client.read(["1.8.4"])
    assert meter.sent[-1] == b"\x01B0\x03\x71"


def test_a_nak_to_a_command_sends_it_again() -> None:
    script = [IDENT, READOUT, IDENT, OPERAND, ACK, NAK, answer("1.8.1(000100.00*kWh)"), None]
    client, meter, _ = client_for(script, password="00000000", retries=1)
    assert client.read(["1.8.1"])[0].value == Decimal("100.00")
    r1 = encode(Command("R1", DataSet("1.8.1", (Value(""),))))
    assert meter.sent.count(r1) == 2


def test_clock_write_sends_date_then_time() -> None:
    client, meter, _ = client_for([IDENT, OPERAND, ACK, ACK, ACK, None], password="00000000")
    client.set_clock(datetime(2026, 11, 21, 8, 0, 5))
    assert meter.sent[3:5] == [
        encode(Command("W1", DataSet("0.9.2", (Value("26-11-21"),)))),
        encode(Command("W1", DataSet("0.9.1", (Value("08:00:05"),)))),
    ]


def test_a_refused_write_names_the_item_and_the_meter_error() -> None:
    error = encode(DataMessage(((DataSet("", (Value("ER04"),)),),), readout=False))
    client, _, _ = client_for([IDENT, OPERAND, ACK, error, None], password="00000000")
    with pytest.raises(MeterRejectedError, match=r"write of 1\.8\.0\(0\) refused: error ER04"):
        client.write("1.8.0", "0")
