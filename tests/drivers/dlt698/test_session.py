"""DL/T 698.45 exchanges, sans-IO: the bytes sent, which reply is ours (address, PIID, OADs),
and what a reply means (values, a DAR or ERROR-Response refusal, an unreadable APDU)."""

from __future__ import annotations

from datetime import datetime

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
    ResultNormal,
    encode_apdu,
)
from drivers.dlt698.axdr import Data, DataType, Oad
from drivers.dlt698.codec import AddressType, Frame, ServerAddress, encode
from drivers.dlt698.session import GetExchange, LinkExchange, Reply, ReplyDecoder
from drivers.errors import FrameError, FrameKind, MeterRejectedError

WHEN = datetime(2026, 11, 21, 10, 7, 30)
SA = ServerAddress("123456789012")
FREQ = Oad(0x200F)
CLOCK = Oad(0x4000)
NORMAL = GetExchange(SA, 0x10, GetRequestNormal(5, FREQ))
LIST = GetExchange(SA, 0x10, GetRequestNormalList(6, (FREQ, CLOCK)))
FREQ_DATA = Data(DataType.LONG_UNSIGNED, 5000)


def reply(apdu_bytes: bytes, *, control: int = 0xC3, server: ServerAddress = SA) -> Reply:
    (item,) = ReplyDecoder().feed(encode(Frame(control, server, 0x10, apdu_bytes)))
    assert isinstance(item, Reply)
    return item


def freq_reply(piid: int = 5, **kwargs: object) -> Reply:
    apdu = GetResponseNormal(piid, ResultNormal(FREQ, FREQ_DATA))
    return reply(encode_apdu(apdu), **kwargs)  # type: ignore[arg-type]


def test_request_bytes() -> None:
    # Four wake-up bytes, then GET-Request Normal PIID 05 for 200F0200; HCS 3E22 and FCS 189B
    # worked out with the bit-by-bit reference CRC of test_codec.py.
    assert NORMAL.encode() == bytes.fromhex(
        "FE FE FE FE 68 17 00 43 05 12 90 78 56 34 12 10 22 3E 05 01 05 20 0F 02 00 00 9B 18 16"
    )
    assert NORMAL.frame().control == 0x43
    assert (
        LinkExchange(SA, 0x10, LinkRequest(1, LinkRequestType.LOGIN, 60, WHEN)).frame().control
        == 0x41
    )


def test_describe_names_meter_and_objects() -> None:
    assert (
        LIST.describe()
        == "meter 123456789012 GET 200F0200 (grid frequency), 40000200 (date and time)"
    )
    assert GetExchange(SA, 0, GetRequestNormal(1, Oad(0x3000))).describe().endswith("GET 30000200")
    link = LinkExchange(SA, 0x10, LinkRequest(1, LinkRequestType.HEARTBEAT, 60, WHEN))
    assert link.describe() == "meter 123456789012 LINK heartbeat"


def test_matches_its_reply_and_interprets_it() -> None:
    ours = freq_reply()
    assert NORMAL.matches(ours)
    (value,) = NORMAL.interpret(ours)
    assert (str(value.oad), value.name_en, str(value.value), value.unit) == (
        "200F0200",
        "grid frequency",
        "50.00",
        "Hz",
    )


@pytest.mark.parametrize(
    "other",
    [
        freq_reply(server=ServerAddress("123456789013")),  # another meter
        freq_reply(piid=6),  # an answer to another request
        freq_reply(control=0x43),  # a request (our own echo on a 2-wire bus)
        freq_reply(control=0xC1),  # a LINK-function frame
        reply(encode_apdu(GetResponseNormal(5, ResultNormal(CLOCK, FREQ_DATA)))),  # other OAD
        reply(encode_apdu(LinkResponse(5, 0x80, WHEN, WHEN, WHEN))),
        reply(encode_apdu(ErrorResponse(9, 2))),
    ],
    ids=["address", "piid", "echo", "function", "oad", "link-apdu", "error-other-piid"],
)
def test_does_not_match_other_frames(other: Reply) -> None:
    assert not NORMAL.matches(other)


def test_list_reply_must_carry_the_same_oads_in_order() -> None:
    results = (ResultNormal(FREQ, FREQ_DATA), ResultNormal(CLOCK, Data(DataType.DATE_TIME_S, WHEN)))
    assert LIST.matches(reply(encode_apdu(GetResponseNormalList(6, results))))
    assert not LIST.matches(reply(encode_apdu(GetResponseNormalList(6, results[::-1]))))
    assert not LIST.matches(reply(encode_apdu(GetResponseNormalList(6, results[:1]))))


def test_wildcard_request_matches_any_meter_it_covers() -> None:
    wildcard = GetExchange(
        ServerAddress("12345678901A", AddressType.WILDCARD), 0x10, GetRequestNormal(5, FREQ)
    )
    assert wildcard.matches(freq_reply())
    assert not wildcard.matches(freq_reply(server=ServerAddress("123456789102")))


def test_dar_is_a_rejection_naming_oad_and_dar() -> None:
    rejected = reply(
        encode_apdu(
            GetResponseNormalList(6, (ResultNormal(FREQ, FREQ_DATA), ResultNormal(CLOCK, dar=3)))
        )
    )
    assert LIST.matches(rejected)
    with pytest.raises(MeterRejectedError) as info:
        LIST.interpret(rejected)
    assert info.value.error_bits == ("read/write denied",)
    assert str(info.value) == (
        "meter 123456789012 rejected the read of 40000200 (date and time): read/write denied (DAR 3)"
    )


def test_error_response_is_a_rejection() -> None:
    refused = reply(encode_apdu(ErrorResponse(5, 2)))
    assert NORMAL.matches(refused)
    with pytest.raises(MeterRejectedError, match="ERROR-Response: service not supported") as info:
        NORMAL.interpret(refused)
    assert info.value.error_bits == ("service not supported",)


def test_null_value_is_a_rejection() -> None:
    empty = reply(encode_apdu(GetResponseNormal(5, ResultNormal(FREQ, Data(DataType.NULL)))))
    with pytest.raises(MeterRejectedError, match="has no value for 200F0200") as info:
        NORMAL.interpret(empty)
    assert info.value.error_bits == ("no data",)


def test_unreadable_apdu_from_our_meter_is_its_frame_error() -> None:
    broken = reply(bytes.fromhex("85 01 05 20 0F 02 00 01 12 13"))
    assert broken.apdu is None and broken.error is not None
    assert NORMAL.matches(broken)
    with pytest.raises(FrameError) as info:
        NORMAL.interpret(broken)
    assert info.value.kind is FrameKind.VALUE_FORMAT


def test_decoder_passes_frame_errors_through() -> None:
    raw = bytearray(encode(Frame(0xC3, SA, 0x10, b"\x85")))
    raw[-3] ^= 1
    (error,) = ReplyDecoder().feed(bytes(raw))
    assert isinstance(error, FrameError) and error.kind is FrameKind.CHECKSUM


def test_link_exchange() -> None:
    exchange = LinkExchange(SA, 0x10, LinkRequest(0x44, LinkRequestType.LOGIN, 60, WHEN))
    ok = reply(encode_apdu(LinkResponse(0x04, 0x80, WHEN, WHEN, WHEN)), control=0xC1)
    assert exchange.matches(ok)
    assert exchange.interpret(ok).clock_trusted
    assert not exchange.matches(
        reply(encode_apdu(LinkResponse(0x05, 0x80, WHEN, WHEN, WHEN)), control=0xC1)
    )
    assert not exchange.matches(freq_reply(piid=4))
    refused = reply(encode_apdu(LinkResponse(0x04, 0x02, WHEN, WHEN, WHEN)), control=0xC1)
    with pytest.raises(MeterRejectedError, match="refused the LINK login: illegal device"):
        exchange.interpret(refused)
