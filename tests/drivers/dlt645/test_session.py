"""DL/T 645 requests, sans-IO: the bytes each control function sends (golden frames checked by
hand), which reply is ours, and what a reply means (values, a rejection with decoded error bits
for 2007 and 1997, or an unsupported follow-up); time, baud-rate and password wire forms."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dlt645 import dataids97
from drivers.dlt645.codec import Frame, StreamDecoder, decode, encode
from drivers.dlt645.dataids import load_profile_item, lookup
from drivers.dlt645.session import (
    BAUD_WORD,
    ERROR_BITS,
    ERROR_BITS_97,
    Function,
    Function97,
    Password,
    ReadRequest,
    Request,
    baud_from_word,
    broadcast_time_frame,
    change_baud_request,
    change_password_request,
    clear_request,
    decode_error_bits,
    follow_up_request,
    freeze_request,
    interpret_read,
    operator_wire,
    read_address_request,
    read_payload,
    read_request,
    time_from_wire,
    time_to_wire,
    write_address_request,
    write_request,
)
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


# ----------------------------------------------------------------------------- golden requests
# Every checksum below is worked out by hand: CS = sum of the bytes from the first 68 up to the
# byte before CS, mod 256. Address 123456789012 on the wire is 12 90 78 56 34 12 (sum 438), so
# 68 + address + 68 = 646 for every frame to that meter.
WAKE = bytes.fromhex("FE FE FE FE")
PASSWORD = Password(2, "123456")  # on the wire 02 56 34 12, +33: 35 89 67 45 (sum 362)
OPERATOR = "12345678"  # on the wire 78 56 34 12, +33: AB 89 67 45 (sum 480)
AT = datetime(2026, 11, 21, 10, 7, 30)

# Broadcast time 2026-11-21 10:07:30 to 99..99, C 08, L 06: ss mm hh DD MM YY = 30 07 10 21 11 26,
# +33: 63 3A 43 54 44 59 (99+58+67+84+68+89 = 465); 68 + 6*99 (918) + 68 + 08 + 06 = 1140;
# 1140 + 465 = 1605 = 0x645 -> CS 45.
GOLDEN_BROADCAST_TIME = bytes.fromhex("68 99 99 99 99 99 99 68 08 06 63 3A 43 54 44 59 45 16")
# Change baud to 9600, C 17, L 01, word 20 (bit D5) +33 = 53: 646 + 23 + 1 + 83 = 753 = 0x2F1.
GOLDEN_CHANGE_BAUD = WAKE + bytes.fromhex("68 12 90 78 56 34 12 68 17 01 53 F1 16")
# Write 04000102 (time) = 10:07:30 with password 02 123456 and operator 12345678, C 14, L 0F:
# DI 02 01 00 04 +33 = 35 34 33 37 (211); value ss mm hh 30 07 10 +33 = 63 3A 43 (224);
# 646 + 20 + 15 + 211 + 362 + 480 + 224 = 1958 = 0x7A6 -> CS A6.
GOLDEN_WRITE_TIME = WAKE + bytes.fromhex(
    "68 12 90 78 56 34 12 68 14 0F 35 34 33 37 35 89 67 45 AB 89 67 45 63 3A 43 A6 16"
)
# DL/T 645-1997 read of 9010, C 01, L 02, DI 10 90 +33 = 43 C3 (262): 646 + 1 + 2 + 262 = 911
# = 0x38F -> CS 8F.
GOLDEN_READ_9010 = WAKE + bytes.fromhex("68 12 90 78 56 34 12 68 01 02 43 C3 8F 16")
# Its reply, C 81, L 06, 1234.56 kWh = 56 34 12 00 +33 = 89 67 45 33 (360):
# 646 + 129 + 6 + 262 + 360 = 1403 = 0x57B -> CS 7B.
GOLDEN_REPLY_9010 = bytes.fromhex("68 12 90 78 56 34 12 68 81 06 43 C3 89 67 45 33 7B 16")
# DL/T 645-1997 write of C011 (time) = 10:07:30 with password 02 123456 (no operator code),
# C 04, L 09: DI 11 C0 +33 = 44 F3 (311); 646 + 4 + 9 + 311 + 362 + 224 = 1556 = 0x614 -> 14.
GOLDEN_WRITE_C011 = WAKE + bytes.fromhex(
    "68 12 90 78 56 34 12 68 04 09 44 F3 35 89 67 45 63 3A 43 14 16"
)
# Freeze now, C 16, L 04, 99 99 99 99 +33 = CC CC CC CC (816): 646 + 22 + 4 + 816 = 1488 = 0x5D0.
GOLDEN_FREEZE_NOW = WAKE + bytes.fromhex("68 12 90 78 56 34 12 68 16 04 CC CC CC CC D0 16")
# Meter clear, C 1A, L 08, password + operator: 646 + 26 + 8 + 362 + 480 = 1522 = 0x5F2.
GOLDEN_CLEAR_METER = WAKE + bytes.fromhex(
    "68 12 90 78 56 34 12 68 1A 08 35 89 67 45 AB 89 67 45 F2 16"
)
# Write address 123456789012 to AA..AA (170 * 6 = 1020), C 15, L 06, data 45 C3 AB 89 67 45
# (744): 208 + 1020 + 21 + 6 + 744 = 1999 = 0x7CF -> CS CF.
GOLDEN_WRITE_ADDRESS = WAKE + bytes.fromhex("68 AA AA AA AA AA AA 68 15 06 45 C3 AB 89 67 45 CF 16")
# Change the level-04 password to 654321 with 02 123456, C 18, L 0C: DI 04000C04 on the wire
# 04 0C 00 04 +33 = 37 3F 33 37 (224); new 04 21 43 65 +33 = 37 54 76 98 (409);
# 646 + 24 + 12 + 224 + 362 + 409 = 1677 = 0x68D -> CS 8D.
GOLDEN_CHANGE_PASSWORD = WAKE + bytes.fromhex(
    "68 12 90 78 56 34 12 68 18 0C 37 3F 33 37 35 89 67 45 37 54 76 98 8D 16"
)
# Follow-up frame 1 of a 06000001 read, C 12, L 05: DI 01 00 00 06 +33 = 34 33 33 39 (211),
# SEQ 01 +33 = 34 (52): 646 + 18 + 5 + 211 + 52 = 932 = 0x3A4 -> CS A4.
GOLDEN_FOLLOW_UP = WAKE + bytes.fromhex("68 12 90 78 56 34 12 68 12 05 34 33 33 39 34 A4 16")
# Read address with the wildcard (test_codec.py): 0x68 + 0x3FC + 0x68 + 0x13 = 0x4DF -> CS DF.
GOLDEN_READ_ADDRESS = WAKE + bytes.fromhex("68 AA AA AA AA AA AA 68 13 00 DF 16")


@pytest.mark.parametrize(
    ("request_", "golden"),
    [
        (change_baud_request(ADDRESS, 9600), GOLDEN_CHANGE_BAUD),
        (
            write_request(
                ADDRESS, lookup(0x04000102), {"time": time(10, 7, 30)}, PASSWORD, OPERATOR
            ),
            GOLDEN_WRITE_TIME,
        ),
        (read_request(ADDRESS, dataids97.lookup(0x9010)), GOLDEN_READ_9010),
        (
            write_request(ADDRESS, dataids97.lookup(0xC011), {"time": time(10, 7, 30)}, PASSWORD),
            GOLDEN_WRITE_C011,
        ),
        (freeze_request(ADDRESS), GOLDEN_FREEZE_NOW),
        (clear_request(ADDRESS, Function.CLEAR_METER, PASSWORD, OPERATOR), GOLDEN_CLEAR_METER),
        (write_address_request(ADDRESS), GOLDEN_WRITE_ADDRESS),
        (change_password_request(ADDRESS, PASSWORD, Password(4, "654321")), GOLDEN_CHANGE_PASSWORD),
        (follow_up_request(ADDRESS, load_profile_item(0x06000001), 1), GOLDEN_FOLLOW_UP),
        (read_address_request(), GOLDEN_READ_ADDRESS),
    ],
    ids=[
        "change-baud-9600",
        "write-time",
        "read-9010-1997",
        "write-c011-1997",
        "freeze-now",
        "clear-meter",
        "write-address",
        "change-password",
        "follow-up",
        "read-address",
    ],
)
def test_request_is_the_golden_frame(request_: Request, golden: bytes) -> None:
    assert request_.encode() == golden
    assert decode(golden) == request_.frame()


def test_broadcast_time_frame_is_golden() -> None:
    frame = broadcast_time_frame(AT)
    assert frame == Frame("999999999999", 0x08, bytes.fromhex("30 07 10 21 11 26"))
    assert encode(frame) == GOLDEN_BROADCAST_TIME


@pytest.mark.parametrize(
    "golden",
    [GOLDEN_BROADCAST_TIME, GOLDEN_WRITE_TIME, GOLDEN_READ_9010, GOLDEN_REPLY_9010],
    ids=["broadcast-time", "write-time", "read-9010", "reply-9010"],
)
def test_golden_frames_fed_whole_split_and_byte_by_byte(golden: bytes) -> None:
    expected = [decode(golden)]
    assert StreamDecoder().feed(golden) == expected
    for cut in range(len(golden) + 1):
        decoder = StreamDecoder()
        assert decoder.feed(golden[:cut]) + decoder.feed(golden[cut:]) == expected, cut
    decoder = StreamDecoder()
    out: list[Frame | FrameError] = []
    for i in range(len(golden)):
        out += decoder.feed(golden[i : i + 1])
    assert out == expected


def test_1997_read_reply_is_interpreted() -> None:
    item = dataids97.lookup(0x9010)
    request = read_request(ADDRESS, item)
    assert (request.function, request.version) == (Function97.READ, "1997")
    reply = decode(GOLDEN_REPLY_9010)
    assert reply.control == 0x81
    assert request.matches(reply)
    (value,) = interpret_read(request, item, reply)
    assert value.value == Decimal("1234.56")


# ----------------------------------------------------------------------------- wire forms


def test_time_to_wire_is_seconds_first_year_last() -> None:
    assert time_to_wire(AT) == bytes.fromhex("30 07 10 21 11 26")
    assert time_to_wire(datetime(2009, 1, 2, 3, 4, 5)) == bytes.fromhex("05 04 03 02 01 09")
    assert time_from_wire(bytes.fromhex("30 07 10 21 11 26")) == AT


@given(moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_broadcast_time_round_trip(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert time_from_wire(time_to_wire(moment)) == moment


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("30 07 10 21 11", FrameKind.LENGTH),
        ("30 07 10 21 11 26 00", FrameKind.LENGTH),
        ("3A 07 10 21 11 26", FrameKind.VALUE_FORMAT),  # not BCD
        ("30 07 10 31 02 26", FrameKind.VALUE_FORMAT),  # 31 February
        ("60 07 10 21 11 26", FrameKind.VALUE_FORMAT),  # second 60
    ],
)
def test_bad_broadcast_time(raw: str, kind: FrameKind) -> None:
    with pytest.raises(FrameError) as info:
        time_from_wire(bytes.fromhex(raw))
    assert info.value.kind is kind


def test_baud_word_is_the_standards() -> None:
    # DL/T 645-2007 communication rate word: D1 600, D2 1200, D3 2400, D4 4800, D5 9600,
    # D6 19200; D0 and D7 reserved.
    assert dict(BAUD_WORD) == {
        600: 0b0000_0010,
        1200: 0b0000_0100,
        2400: 0b0000_1000,
        4800: 0b0001_0000,
        9600: 0b0010_0000,
        19200: 0b0100_0000,
    }
    for rate, word in BAUD_WORD.items():
        assert baud_from_word(word) == rate


@pytest.mark.parametrize("word", [0x00, 0x01, 0x80, 0x03, 0x28, 0xFF])
def test_invalid_baud_word(word: int) -> None:
    with pytest.raises(FrameError, match=f"{word:02X}") as info:
        baud_from_word(word)
    assert info.value.kind is FrameKind.VALUE_FORMAT


def test_password_wire_form() -> None:
    assert PASSWORD.wire() == bytes.fromhex("02 56 34 12")  # PA, then P0 (low byte) first
    assert Password.from_wire(bytes.fromhex("02 56 34 12")) == PASSWORD
    assert Password.parse("02:123456") == PASSWORD
    assert Password.parse("02123456") == PASSWORD
    for text in ("2:123456", "02:12345a", "02-123456", ""):
        with pytest.raises(ValueError, match="LL:DDDDDD"):
            Password.parse(text)
    with pytest.raises(ValueError, match="level 0-9"):
        Password(10, "123456")
    with pytest.raises(ValueError, match="six digits"):
        Password(2, "12345")
    with pytest.raises(FrameError) as info:
        Password.from_wire(bytes.fromhex("02 5A 34 12"))
    assert info.value.kind is FrameKind.VALUE_FORMAT
    with pytest.raises(FrameError, match="level") as info:
        Password.from_wire(bytes.fromhex("0A 56 34 12"))
    assert info.value.kind is FrameKind.VALUE_FORMAT
    with pytest.raises(FrameError) as info:
        Password.from_wire(bytes.fromhex("02 56 34"))
    assert info.value.kind is FrameKind.LENGTH


def test_operator_code_wire_form() -> None:
    assert operator_wire(OPERATOR) == bytes.fromhex("78 56 34 12")
    assert operator_wire("") == bytes(4)
    with pytest.raises(ValueError, match="8 hex digits"):
        operator_wire("1234")


# ----------------------------------------------------------------------------- builders


def test_builders_refuse_what_the_standard_does_not_allow() -> None:
    with pytest.raises(ValueError, match="not writable"):
        write_request(ADDRESS, lookup(0x00010000), {"total": Decimal(0)}, PASSWORD)
    with pytest.raises(ValueError, match="9600"):
        change_baud_request(ADDRESS, 115200)
    with pytest.raises(ValueError, match="mmhhDDMM"):
        freeze_request(ADDRESS, "9999")
    with pytest.raises(ValueError, match="not a clear"):
        clear_request(ADDRESS, Function.READ, PASSWORD)


def test_clear_requests_carry_password_operator_and_event() -> None:
    demand = clear_request(ADDRESS, Function.CLEAR_DEMAND, PASSWORD, OPERATOR)
    assert (demand.function, demand.data) == (0x19, bytes.fromhex("02 56 34 12 78 56 34 12"))
    events = clear_request(ADDRESS, Function.CLEAR_EVENTS, PASSWORD, OPERATOR)
    assert events.data[8:] == b"\xff\xff\xff\xff"  # every event by default
    one = clear_request(ADDRESS, Function.CLEAR_EVENTS, PASSWORD, event_di=0x03110000)
    assert one.data == bytes.fromhex("02 56 34 12 00 00 00 00 00 00 11 03")


def test_freeze_pattern_is_sent_mm_first() -> None:
    # Freeze at minute 05, hour 10, every day (99), every month (99).
    assert freeze_request(ADDRESS, "05109999").data == bytes.fromhex("05 10 99 99")


def test_request_matches_its_function_and_meter() -> None:
    request = change_baud_request(ADDRESS, 9600)
    assert request.matches(Frame(ADDRESS, 0x97, b"\x20"))
    assert request.matches(Frame(ADDRESS, 0xD7, b"\x08"))  # rejected: still our reply
    assert not request.matches(Frame(ADDRESS, 0x17, b"\x20"))  # our own echo
    assert not request.matches(Frame(ADDRESS, 0x91, b"\x20"))
    assert not request.matches(Frame("123456789013", 0x97, b"\x20"))
    assert write_address_request(ADDRESS).matches(Frame("000000000001", 0x95))  # wildcard
    assert "change baud" in request.describe()
    assert ADDRESS in request.describe()


def test_request_check_decodes_the_error_bits() -> None:
    request = change_baud_request(ADDRESS, 9600)
    assert request.check(Frame(ADDRESS, 0x97, b"\x20")) == Frame(ADDRESS, 0x97, b"\x20")
    with pytest.raises(MeterRejectedError, match="baud rate cannot be changed") as info:
        request.check(Frame(ADDRESS, 0xD7, b"\x08"))
    assert info.value.error_bits == ("baud rate cannot be changed",)
    assert "08" in str(info.value)
    write97 = write_request(ADDRESS, dataids97.lookup(0xC011), {"time": time(1)}, PASSWORD)
    with pytest.raises(MeterRejectedError, match="password error") as info:
        write97.check(Frame(ADDRESS, 0xC4, b"\x04"))
    assert info.value.error_bits == ("password error",)


def test_read_payload_checks_the_di_and_drops_the_seq_byte() -> None:
    item = load_profile_item(0x06000001)
    follow = follow_up_request(ADDRESS, item, 3)
    reply = Frame(ADDRESS, 0x92, item.di_wire + b"\xa0\xa0" + b"\x03")
    assert read_payload(follow, item, reply) == b"\xa0\xa0"
    with pytest.raises(FrameError, match="06000002") as info:
        read_payload(follow, item, Frame(ADDRESS, 0x92, b"\x02\x00\x00\x06\x03"))
    assert info.value.kind is FrameKind.HEADER


# ----------------------------------------------------------------------------- error bits


def test_error_bit_tables_have_eight_bits() -> None:
    assert len(ERROR_BITS) == len(ERROR_BITS_97) == 8


@pytest.mark.parametrize(
    ("status", "bits"),
    [
        (0x01, ("illegal data",)),
        (0x02, ("data identifier error",)),
        (0x04, ("password error",)),
        (0x07, ("illegal data", "data identifier error", "password error")),
        (0x40, ("too many tariffs",)),
    ],
)
def test_decode_error_bits_1997(status: int, bits: tuple[str, ...]) -> None:
    assert decode_error_bits(status, version="1997") == bits


def test_2007_error_bits_beyond_the_first_three() -> None:
    assert decode_error_bits(0x08) == ("baud rate cannot be changed",)
    assert decode_error_bits(0x10) == ("too many year time zones",)
    assert decode_error_bits(0x20) == ("too many daily periods",)
