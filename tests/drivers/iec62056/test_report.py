"""``smc decode`` for IEC 62056-21: the report of each message type, expected-vs-actual errors,
the sniff that tells mode C from DL/T 645 frames, and the protocol record."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.api import ClientOptions
from drivers.emulator.device import DeviceOptions
from drivers.errors import FrameError, FrameKind
from drivers.iec62056.client import IecClient
from drivers.iec62056.emulated import EmulatedIecMeter
from drivers.iec62056.report import describe, looks_like
from drivers.iec62056.spec import SPEC
from drivers.link.loop import create_loop, remove_loop

from .conftest import MakeCore

# Hand-worked BCCs: see test_codec.py.
READOUT_DEMAND = b"\x021.6.0(001.234*kW)(26-11-21 10:15)\r\n!\r\n\x03\x31"
ANSWER = b"\x021.8.0(012345.67*kWh)\x03\x6b"
ERROR = b"\x02(ER01)\x03\x14"
READ_ENERGY = b"\x01R1\x021.8.0()\x03\x5a"
BREAK = b"\x01B0\x03\x71"
OPERAND = b"\x01P0\x02(1234567)\x03\x50"
DLT645_READ = bytes.fromhex("FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16")


def _report(**fields: object) -> dict[str, object]:
    return {"protocol": "iec62056-21", "valid": True, **fields}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"/?123!\r\n", _report(message="request", direction="request", address="123")),
        (
            b"/LGZ5\\2ZMD3104100\r\n",
            _report(
                message="identification",
                direction="response",
                manufacturer="LGZ",
                baud=9600,
                identification="ZMD3104100",
                enhanced=["2"],
            ),
        ),
        (
            b"\x06051\r\n",
            _report(
                message="ack",
                direction="request",
                baud=9600,
                mode="programming",
                protocol_control="0",
            ),
        ),
        (b"\x06", _report(message="ack", direction="response", ack="ACK")),
        (b"\x15", _report(message="ack", direction="response", ack="NAK")),
        (
            READ_ENERGY,
            _report(message="command", direction="request", command="R1", data="1.8.0()"),
        ),
        (BREAK, _report(message="command", direction="request", command="B0", data=None)),
        (
            OPERAND,
            _report(message="command", direction="response", command="P0", data="(1234567)"),
        ),
        (
            ANSWER,
            _report(
                message="data",
                direction="response",
                readout=False,
                values={"1.8.0": {"value": "012345.67", "unit": "kWh"}},
            ),
        ),
        (
            READOUT_DEMAND,
            _report(
                message="data",
                direction="response",
                readout=True,
                values={
                    "1.6.0": [
                        {"value": "001.234", "unit": "kW"},
                        {"value": "26-11-21 10:15", "unit": ""},
                    ]
                },
            ),
        ),
        (
            ERROR,
            _report(message="data", direction="response", readout=False, values={}, error="ER01"),
        ),
    ],
)
def test_reports(raw: bytes, expected: dict[str, object]) -> None:
    assert describe(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kind", "words"),
    [
        (ANSWER[:-1] + b"\x00", FrameKind.CHECKSUM, "expected 6B, got 00"),
        (ANSWER[:-2], FrameKind.TRUNCATED, "expected ETX and BCC"),
        (b"/ABCEX\r\n", FrameKind.UNSUPPORTED, "mode B"),
        (DLT645_READ, FrameKind.HEADER, "no message start"),
    ],
)
def test_invalid_input_says_what_was_expected(raw: bytes, kind: FrameKind, words: str) -> None:
    with pytest.raises(FrameError) as info:
        describe(raw)
    assert info.value.kind is kind
    assert words in str(info.value)


@pytest.mark.parametrize(
    "raw",
    [
        b"/?!\r\n",
        b"\x00\x00/SMC5SMCDDZY\r\n",
        b"\x06050\r\n",
        b"\x06",
        b"\x15",
        BREAK,
        READ_ENERGY,
        ANSWER,
        READOUT_DEMAND,
        b"\r\n" + ERROR,
    ],
)
def test_looks_like_mode_c(raw: bytes) -> None:
    assert looks_like(raw)


@pytest.mark.parametrize(
    "raw",
    [
        DLT645_READ,
        bytes.fromhex("68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16"),
        b"",
        b"/usr/bin\r\n",
        b"\x06\x00",
        b"hello",
    ],
)
def test_does_not_look_like_mode_c(raw: bytes) -> None:
    assert not looks_like(raw)


@given(st.binary(max_size=200))
def test_describe_and_looks_like_never_raise_anything_else(raw: bytes) -> None:
    looks_like(raw)
    try:
        report = describe(raw)
    except FrameError:
        return
    assert report["valid"] is True


def test_spec_record(make_core: MakeCore) -> None:
    assert SPEC.name == "iec62056-21"
    assert SPEC.serial_defaults == {"baud": "300", "bytesize": "7", "parity": "E", "stopbits": "1"}
    assert SPEC.default_items == ("1.8.0", "0.9.1", "0.9.2", "32.7.0", "31.7.0")
    assert SPEC.describe(ANSWER)["message"] == "data"
    assert SPEC.looks_like(ANSWER)
    device = SPEC.make_device([make_core()], DeviceOptions())
    assert isinstance(device, EmulatedIecMeter)
    link = create_loop("iec62056-spec-test")
    try:
        client = SPEC.open_client(link.master, "42", ClientOptions(password="x"))
        assert isinstance(client, IecClient)
        assert (client.protocol, client.address, client.options.password) == (
            "iec62056-21",
            "42",
            "x",
        )
    finally:
        remove_loop("iec62056-spec-test")
