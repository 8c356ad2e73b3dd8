"""``smc decode`` for DL/T 698.45: the report of each kind of frame, the typed errors for bad
input, the sniff that keeps DL/T 645 and Q/GDW 1376.1 frames out, and the ProtocolSpec."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.api import ClientOptions
from drivers.dlt698.apdu import ErrorResponse, LinkResponse, encode_apdu
from drivers.dlt698.client import Dlt698Client
from drivers.dlt698.codec import Frame, ServerAddress, decode, encode
from drivers.dlt698.emulated import EmulatedDlt698Meter
from drivers.dlt698.report import describe, looks_like
from drivers.dlt698.spec import SPEC
from drivers.emulator.device import DeviceOptions
from drivers.errors import FrameError, FrameKind
from drivers.link.loop import create_loop, remove_loop

# DL/T 698.45 appendix H: read 40010200 from a wildcard address, and the reply.
STD_REQUEST = bytes.fromhex(
    "FE FE FE FE 68 17 00 43 45 AA AA AA AA AA AA 00 5B 4F 05 01 25 40 01 02 00 00 0A 92 16"
)
STD_REPLY = bytes.fromhex(
    "68 21 00 C3 05 33 09 20 39 00 00 00 4A 55 85 01 25 40 01 02 00 01 09 06 00 00 39 20 09"
    " 33 00 00 B2 D8 16"
)
# Hand-written, CRCs checked in test_codec.py: a NormalList reply (energy, voltages with a null
# phase C), a DAR reply and a LINK login request.
LIST_REPLY = bytes.fromhex(
    "68 43 00 C3 05 12 90 78 56 34 12 10 E0 18 85 02 02 02 00 10 02 00 01 01 05 06 00 01 E2 40"
    " 06 00 00 30 39 06 00 00 56 CE 06 00 00 00 00 06 00 00 5B A0 20 00 02 00 01 01 03 12 08 98"
    " 12 08 A2 00 00 00 56 6F 16"
)
DAR_REPLY = bytes.fromhex(
    "68 1A 00 C3 05 12 90 78 56 34 12 10 9B 4D 85 01 03 30 00 02 00 00 04 00 00 AB 2A 16"
)
LINK_LOGIN = bytes.fromhex(
    "68 1E 00 41 05 12 90 78 56 34 12 10 E3 4C 01 04 00 01 2C 07 EA 0B 15 06 0A 07 1E 00 00 1C"
    " 77 16"
)
# DL/T 645-2007: read 00010000 from 123456789012 and its reply (see tests/drivers/dlt645).
DLT645_REQUEST = bytes.fromhex("FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16")
DLT645_REPLY = bytes.fromhex("68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16")
WHEN = datetime(2026, 11, 21, 10, 7, 30)
SA = ServerAddress("123456789012")


def gdw1376_login() -> bytes:
    """Q/GDW 1376.1 AFN 02 F1 (login): 68 L L 68, L = 12 user-data bytes << 2 | 2, sent twice."""
    user = bytes.fromhex("C9 12 34 56 78 00 02 70 00 00 01 00")
    length = (len(user) << 2 | 2).to_bytes(2, "little")
    return b"\x68" + length + length + b"\x68" + user + bytes((sum(user) & 0xFF, 0x16))


def test_report_of_the_standard_request() -> None:
    assert describe(STD_REQUEST) == {
        "protocol": "dlt698.45",
        "valid": True,
        "direction": "request",
        "address": "AAAAAAAAAAAA",
        "address_type": "wildcard",
        "logical_address": 0,
        "client_address": 0,
        "control": 0x43,
        "function": "GET-Request Normal",
        "abnormal": False,
        "di": "40010200",
        "oads": ["40010200"],
        "values": [],
        "errors": [],
    }


def test_report_of_the_standard_reply() -> None:
    report = describe(STD_REPLY)
    assert (report["direction"], report["address"], report["function"]) == (
        "response",
        "000039200933",
        "GET-Response Normal",
    )
    assert report["values"] == [
        {"item": "40010200", "name": "communication address", "value": "000039200933", "unit": ""}
    ]


def test_report_of_a_normal_list_reply() -> None:
    report = describe(LIST_REPLY)
    assert (report["function"], report["di"], report["oads"]) == (
        "GET-Response NormalList",
        "00100200",
        ["00100200", "20000200"],
    )
    values = report["values"]
    assert isinstance(values, list)
    assert [(v["item"], v["value"], v["unit"]) for v in values] == [
        ("00100201", "1234.56", "kWh"),
        ("00100202", "123.45", "kWh"),
        ("00100203", "222.22", "kWh"),
        ("00100204", "0.00", "kWh"),
        ("00100205", "234.56", "kWh"),
        ("20000201", "220.0", "V"),
        ("20000202", "221.0", "V"),
    ]  # phase C is null: no value
    json.dumps(report)  # plain JSON, as smc decode prints it


def test_report_of_a_dar_reply_is_abnormal() -> None:
    report = describe(DAR_REPLY)
    assert report["abnormal"] is True
    assert report["di"] == "30000200"
    assert report["errors"] == [{"item": "30000200", "dar": 4, "name": "object undefined"}]


def test_report_of_link_frames() -> None:
    login = describe(LINK_LOGIN)
    assert (login["function"], login["direction"], login["control"]) == (
        "LINK-Request",
        "request",
        0x41,
    )
    assert login["values"] == [
        {"item": "", "name": "request type", "value": "login", "unit": ""},
        {"item": "", "name": "heartbeat period", "value": "300", "unit": "s"},
        {"item": "", "name": "request time", "value": "2026-11-21T10:07:30", "unit": ""},
    ]
    reply = encode(Frame(0xC1, SA, 0x10, encode_apdu(LinkResponse(4, 0x80, WHEN, WHEN, WHEN))))
    values = describe(reply)["values"]
    assert isinstance(values, list)
    assert [(v["name"], v["value"]) for v in values[:2]] == [
        ("result", "success"),
        ("clock trusted", "true"),
    ]


def test_report_of_an_error_response() -> None:
    raw = encode(Frame(0xC3, SA, 0x10, encode_apdu(ErrorResponse(5, 2))))
    report = describe(raw)
    assert (report["function"], report["abnormal"], report["di"]) == ("ERROR-Response", True, "")
    assert report["values"] == [
        {"item": "", "name": "error", "value": "service not supported", "unit": ""}
    ]


@pytest.mark.parametrize(
    ("raw", "kind", "message"),
    [
        (
            DAR_REPLY[:-3] + b"\x00\x00\x16",
            FrameKind.CHECKSUM,
            "FCS mismatch: expected 2AAB, got 0000",
        ),
        (DAR_REPLY[:20], FrameKind.TRUNCATED, "expected 28 bytes, got 20"),
        (DLT645_REPLY, FrameKind.CHECKSUM, "HCS mismatch"),
        (b"", FrameKind.HEADER, "no start byte 68"),
        (
            encode(Frame(0xC3, SA, 0x10, bytes.fromhex("86 01 01 40 00 02 00 00 00"))),
            FrameKind.UNSUPPORTED,
            "SET-Response",
        ),
    ],
    ids=["fcs", "truncated", "dlt645", "empty", "unsupported-apdu"],
)
def test_invalid_input_is_a_typed_error(raw: bytes, kind: FrameKind, message: str) -> None:
    with pytest.raises(FrameError) as info:
        describe(raw)
    assert info.value.kind is kind
    assert message in str(info.value)


@pytest.mark.parametrize(
    "raw", [STD_REQUEST, STD_REPLY, LIST_REPLY, DAR_REPLY, LINK_LOGIN, LIST_REPLY[:16]],
    ids=["std-request", "std-reply", "list-reply", "dar", "link", "header-only"],
)  # fmt: skip
def test_sniff_claims_698_frames(raw: bytes) -> None:
    assert looks_like(raw)


@pytest.mark.parametrize(
    "raw",
    [DLT645_REQUEST, DLT645_REPLY, gdw1376_login(), b"", b"\x68", b"\xfe\xfe", b"\x00" + STD_REPLY,
     STD_REPLY[:13], bytes.fromhex("68 1A 80 C3 05 12 90 78 56 34 12 10 9B 4D")],
    ids=["645-request", "645-reply", "1376.1", "empty", "68", "fe", "leading-garbage", "short",
         "reserved-length-bit"],
)  # fmt: skip
def test_sniff_rejects_other_protocols_and_junk(raw: bytes) -> None:
    assert not looks_like(raw)


def both_645_and_698() -> bytes:
    """A byte string that is a valid DL/T 698.45 frame and a valid DL/T 645 frame at once.

    SA byte 2 sits where 645 wants its second 68, SA byte 4 where 645 has L (10 hex = 16 data
    bytes); with an 11-byte APDU both frames end at the same 16 (28 bytes), and an APDU is
    searched whose FCS high byte equals the 645 byte sum.
    """
    sa = ServerAddress(bytes.fromhex("01 02 68 03 10 04")[::-1].hex().upper())
    for x in range(256):
        for y in range(256):
            raw = encode(Frame(0xC3, sa, 0x10, bytes((0x05, 0x01, x, y)) + bytes(7)))
            if sum(raw[:-2]) & 0xFF == raw[-2]:
                return raw
    raise AssertionError("no APDU makes the two checksums agree")


def test_sniff_leaves_a_frame_that_is_also_valid_645_to_645() -> None:
    raw = both_645_and_698()
    assert (raw[7], raw[9], len(raw)) == (0x68, 0x10, 12 + 0x10)
    assert decode(raw).server == ServerAddress("041003680201")  # a 698 frame, by its checks
    assert not looks_like(raw)


def test_sniff_tolerates_trailing_bytes_but_not_other_protocols() -> None:
    assert looks_like(STD_REPLY + b"\x00\x16")
    assert not looks_like(gdw1376_login() + b"\x00" * 20)


@given(st.binary(max_size=80))
def test_sniff_and_describe_never_crash(raw: bytes) -> None:
    assert looks_like(raw) in (True, False)
    with contextlib.suppress(FrameError):
        describe(raw)


# ----------------------------------------------------------------------------- the spec


def test_protocol_spec() -> None:
    assert (SPEC.name, SPEC.title) == ("dlt698.45", "DL/T 698.45")
    assert dict(SPEC.serial_defaults) == {
        "baud": "2400",
        "bytesize": "8",
        "parity": "E",
        "stopbits": "1",
    }
    assert SPEC.default_items == ("00100200", "20000200", "20010200", "40000200")
    assert SPEC.describe is describe and SPEC.looks_like is looks_like


def test_spec_builds_the_client_and_the_device() -> None:
    link = create_loop("dlt698-spec")
    try:
        client = SPEC.open_client(link.master, "123456789012", ClientOptions(client_address=7))
        assert isinstance(client, Dlt698Client)
        assert client.options.client_address == 7
    finally:
        remove_loop("dlt698-spec")
    device = SPEC.make_device([], DeviceOptions(reply_delay_s=0.1))
    assert isinstance(device, EmulatedDlt698Meter)
    assert device.options.reply_delay_s == 0.1
