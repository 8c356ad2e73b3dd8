"""DL/T 645-2007 read requests, sans-IO: the bytes sent, which reply is ours, and what a reply
means (values, a rejection with decoded error bits, or an unsupported follow-up)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from drivers.dlt645.codec import Frame, StreamDecoder, decode
from drivers.dlt645.dataids import lookup
from drivers.dlt645.session import ReadRequest, decode_error_bits
from drivers.errors import FrameError, FrameKind, MeterRejectedError

ADDRESS = "123456789012"
ENERGY_TOTAL = lookup(0x00010000)
ENERGY_DI_WIRE = b"\x00\x00\x01\x00"

# Read 00010000 from 123456789012; CS worked out by hand in test_codec.py:
# 208 + 438 + 0x11 + 0x04 + 205 = 0x368 -> 68.
GOLDEN_REQUEST = bytes.fromhex("FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16")
# Its reply, 1234.56 kWh: 208 + 438 + 0x91 + 0x08 + 205 + 360 = 0x554 -> CS 54.
GOLDEN_REPLY = bytes.fromhex("68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16")
# Rejected, error byte 02: 208 + 438 + 0xD1 + 0x01 + 0x35 = 0x38D -> CS 8D.
GOLDEN_REJECTED = bytes.fromhex("68 12 90 78 56 34 12 68 D1 01 35 8D 16")

REQUEST = ReadRequest(ADDRESS, ENERGY_TOTAL)


def test_encode_is_the_golden_request() -> None:
    assert REQUEST.encode() == GOLDEN_REQUEST


def test_wake_up_count_is_configurable() -> None:
    assert ReadRequest(ADDRESS, ENERGY_TOTAL, wake_up=0).encode() == GOLDEN_REQUEST[4:]


def test_describe_names_meter_and_item() -> None:
    text = REQUEST.describe()
    assert ADDRESS in text
    assert "00010000" in text


def test_new_decoder_is_fresh_each_time() -> None:
    first, second = REQUEST.new_decoder(), REQUEST.new_decoder()
    assert isinstance(first, StreamDecoder)
    assert first is not second
    first.feed(GOLDEN_REPLY[:5])
    assert second.feed(GOLDEN_REPLY) == [decode(GOLDEN_REPLY)]


def test_matches_its_reply_and_interprets_it() -> None:
    reply = decode(GOLDEN_REPLY)
    assert REQUEST.matches(reply)
    (value,) = REQUEST.interpret(reply)
    assert value.key == "total"
    assert value.value == Decimal("1234.56")


@pytest.mark.parametrize(
    "frame",
    [
        Frame("123456789013", 0x91, ENERGY_DI_WIRE + bytes(4)),  # another meter
        Frame(ADDRESS, 0x91, b"\x00\x01\x01\x00" + bytes(4)),  # another DI (00010100)
        Frame(ADDRESS, 0x11, ENERGY_DI_WIRE),  # our own request, echoed on a 2-wire bus
        Frame(ADDRESS, 0x93, bytes.fromhex("129078563412")),  # a read-address reply
        Frame(ADDRESS, 0x91, b""),  # a reply too short to carry a DI
    ],
    ids=["other-address", "other-di", "request-echo", "other-function", "no-di"],
)
def test_does_not_match_other_frames(frame: Frame) -> None:
    assert not REQUEST.matches(frame)


def test_wildcard_request_matches_any_meter() -> None:
    request = ReadRequest("AAAAAAAAAAAA", ENERGY_TOTAL)
    assert request.matches(Frame("000000000001", 0x91, ENERGY_DI_WIRE + bytes(4)))
    assert not request.matches(Frame("000000000001", 0x91, b"\x00\x01\x01\x00" + bytes(4)))


def test_abnormal_reply_is_a_typed_rejection() -> None:
    rejected = decode(GOLDEN_REJECTED)
    assert REQUEST.matches(rejected)  # it is our reply, even without a DI
    with pytest.raises(MeterRejectedError) as info:
        REQUEST.interpret(rejected)
    assert info.value.error_bits == ("no requested data",)
    message = str(info.value)
    assert ADDRESS in message
    assert "00010000" in message
    assert "no requested data" in message
    assert "02" in message


def test_abnormal_reply_without_status_byte() -> None:
    with pytest.raises(MeterRejectedError, match="no error bit set") as info:
        REQUEST.interpret(Frame(ADDRESS, 0xD1, b""))
    assert info.value.error_bits == ()


@pytest.mark.parametrize(
    ("status", "bits"),
    [
        (0x00, ()),
        (0x01, ("other error",)),
        (0x02, ("no requested data",)),
        (0x04, ("password error or unauthorised",)),
        (0x03, ("other error", "no requested data")),
        (0x40, ("too many tariffs",)),
    ],
)
def test_decode_error_bits(status: int, bits: tuple[str, ...]) -> None:
    assert decode_error_bits(status) == bits


def test_follow_up_frames_are_unsupported() -> None:
    follow_up = Frame(ADDRESS, 0xB1, ENERGY_DI_WIRE + bytes.fromhex("56 34 12 00"))
    assert REQUEST.matches(follow_up)
    with pytest.raises(FrameError, match="follow-up") as info:
        REQUEST.interpret(follow_up)
    assert info.value.kind is FrameKind.UNSUPPORTED


def test_reply_with_wrong_value_length() -> None:
    short = Frame(ADDRESS, 0x91, ENERGY_DI_WIRE + b"\x56\x34\x12")
    with pytest.raises(FrameError) as info:
        REQUEST.interpret(short)
    assert info.value.kind is FrameKind.LENGTH
