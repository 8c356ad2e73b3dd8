"""``smc decode`` for DL/T 645: a JSON-ready report for every control function of 2007 and
1997 (hand-checked frames), abnormal replies with their error bits, identifiers outside the
table, load-profile records, and only ``FrameError`` for anything else."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dlt645.codec import Frame, encode
from drivers.dlt645.report import describe, looks_like
from drivers.errors import FrameError, FrameKind

ADDRESS = "123456789012"
# Hand-checked frames: CS = sum from the first 68 to the byte before CS, mod 256; address
# 123456789012 on the wire is 12 90 78 56 34 12, so 68 + address + 68 = 646.
READ_REQUEST = bytes.fromhex("FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16")
READ_REPLY = bytes.fromhex("68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16")
REJECTED = bytes.fromhex("68 12 90 78 56 34 12 68 D1 01 35 8D 16")
READ_ADDRESS = bytes.fromhex("68 AA AA AA AA AA AA 68 13 00 DF 16")
READ_ADDRESS_REPLY = bytes.fromhex("68 12 90 78 56 34 12 68 93 06 45 C3 AB 89 67 45 07 16")
WRITE_TIME = bytes.fromhex(
    "68 12 90 78 56 34 12 68 14 0F 35 34 33 37 35 89 67 45 AB 89 67 45 63 3A 43 A6 16"
)
# Normal write reply, C 94, L 00: 646 + 148 = 794 = 0x31A -> CS 1A.
WRITE_REPLY = bytes.fromhex("68 12 90 78 56 34 12 68 94 00 1A 16")
WRITE_ADDRESS = bytes.fromhex("68 AA AA AA AA AA AA 68 15 06 45 C3 AB 89 67 45 CF 16")
FREEZE_NOW = bytes.fromhex("68 12 90 78 56 34 12 68 16 04 CC CC CC CC D0 16")
CHANGE_BAUD = bytes.fromhex("68 12 90 78 56 34 12 68 17 01 53 F1 16")
# Its reply, C 97, L 01, word 20 +33 = 53: 646 + 151 + 1 + 83 = 881 = 0x371 -> CS 71.
CHANGE_BAUD_REPLY = bytes.fromhex("68 12 90 78 56 34 12 68 97 01 53 71 16")
CHANGE_PASSWORD = bytes.fromhex(
    "68 12 90 78 56 34 12 68 18 0C 37 3F 33 37 35 89 67 45 37 54 76 98 8D 16"
)
CLEAR_METER = bytes.fromhex("68 12 90 78 56 34 12 68 1A 08 35 89 67 45 AB 89 67 45 F2 16")
BROADCAST_TIME = bytes.fromhex("68 99 99 99 99 99 99 68 08 06 63 3A 43 54 44 59 45 16")
FOLLOW_UP = bytes.fromhex("68 12 90 78 56 34 12 68 12 05 34 33 33 39 34 A4 16")
READ_9010 = bytes.fromhex("FE FE FE FE 68 12 90 78 56 34 12 68 01 02 43 C3 8F 16")
REPLY_9010 = bytes.fromhex("68 12 90 78 56 34 12 68 81 06 43 C3 89 67 45 33 7B 16")
WRITE_C011 = bytes.fromhex("68 12 90 78 56 34 12 68 04 09 44 F3 35 89 67 45 63 3A 43 14 16")
# 1997 abnormal read reply, C C1, L 01, error 02 (data identifier) +33 = 35:
# 646 + 193 + 1 + 53 = 893 = 0x37D -> CS 7D.
REJECTED_97 = bytes.fromhex("68 12 90 78 56 34 12 68 C1 01 35 7D 16")

# A load-profile record with every section left out (see test_loadprofile.py).
EMPTY_RECORD = bytes.fromhex("A0 A0 0B 00 10 21 11 26 AA AA AA AA AA AA AF E5 E5")
PROFILE_DI = bytes.fromhex("01 00 00 06")  # 06000001, DI0 first


def report_of(raw: bytes, version: str | None = None) -> dict[str, object]:
    """The report, which must survive a trip through JSON unchanged."""
    report = describe(raw, version)
    assert json.loads(json.dumps(report)) == report
    assert report["valid"] is True
    return report


def head(report: dict[str, object]) -> tuple[object, ...]:
    keys = ("protocol", "direction", "address", "control", "function", "abnormal", "follow_up")
    return tuple(report[k] for k in keys)


# ----------------------------------------------------------------------------- 2007


def test_read_request_and_reply() -> None:
    request = report_of(READ_REQUEST)
    assert head(request) == ("dlt645-2007", "request", ADDRESS, 0x11, "read", False, False)
    assert (request["di"], request["values"]) == ("00010000", [])
    assert report_of(READ_REPLY) == {
        "protocol": "dlt645-2007",
        "valid": True,
        "direction": "response",
        "address": ADDRESS,
        "control": 0x91,
        "function": "read",
        "abnormal": False,
        "follow_up": False,
        "di": "00010000",
        "name": "forward active energy (total)",
        "name_zh": "正向有功电能(总)",
        "values": [
            {
                "name": "forward active energy total",
                "name_zh": "正向有功电能总",
                "value": "1234.56",
                "unit": "kWh",
            }
        ],
    }


def test_abnormal_reply_with_its_error_bits() -> None:
    report = report_of(REJECTED)
    assert head(report) == ("dlt645-2007", "response", ADDRESS, 0xD1, "read", True, False)
    assert report["error_status"] == "02"
    assert report["error_bits"] == ["no requested data"]
    several = report_of(encode(Frame(ADDRESS, 0xD4, b"\x05")))
    assert several["error_bits"] == ["other error", "password error or unauthorised"]


def test_unknown_identifier_is_reported_raw() -> None:
    report = report_of(encode(Frame(ADDRESS, 0x91, b"\x0f\x0f\x0f\x0f\x12\x34")))
    assert report["di"] == "0F0F0F0F"
    assert report["raw_data"] == "12 34"
    warning = report["warning"]
    assert isinstance(warning, str)
    assert "0F0F0F0F" in warning
    assert "DL/T 645-2007" in warning
    assert report["values"] == []


def test_read_address() -> None:
    request = report_of(READ_ADDRESS)
    assert head(request) == (
        "dlt645-2007",
        "request",
        "AAAAAAAAAAAA",
        0x13,
        "read address",
        False,
        False,
    )
    reply = report_of(READ_ADDRESS_REPLY)
    assert reply["values"] == [{"name": "communication address", "value": ADDRESS, "unit": ""}]


def test_write_request() -> None:
    report = report_of(WRITE_TIME)
    assert report["function"] == "write"
    assert (report["di"], report["password_level"], report["operator"]) == (
        "04000102",
        2,
        "12345678",
    )
    assert (report["name"], report["name_zh"]) == ("time", "时间")
    assert report["values"] == [
        {"name": "time", "name_zh": "时间", "value": "10:07:30", "unit": ""}
    ]


def test_write_reply() -> None:
    report = report_of(WRITE_REPLY)
    assert head(report) == ("dlt645-2007", "response", ADDRESS, 0x94, "write", False, False)


@pytest.mark.parametrize(
    ("raw", "function", "values"),
    [
        (WRITE_ADDRESS, "write address", []),
        (FREEZE_NOW, "freeze", [{"name": "freeze time mmhhDDMM", "value": "99999999", "unit": ""}]),
        (CHANGE_BAUD, "change baud", [{"name": "baud rate", "value": "9600", "unit": "bps"}]),
        (CHANGE_BAUD_REPLY, "change baud", [{"name": "baud rate", "value": "9600", "unit": "bps"}]),
        (
            CHANGE_PASSWORD,
            "change password",
            [{"name": "new password level", "value": "4", "unit": ""}],
        ),
        (CLEAR_METER, "clear meter", []),
        (
            BROADCAST_TIME,
            "broadcast time",
            [{"name": "time", "value": "2026-11-21T10:07:30", "unit": ""}],
        ),
    ],
    ids=[
        "write-address",
        "freeze",
        "change-baud",
        "change-baud-reply",
        "change-password",
        "clear-meter",
        "broadcast-time",
    ],
)
def test_commands(raw: bytes, function: str, values: list[dict[str, str]]) -> None:
    report = report_of(raw)
    assert report["protocol"] == "dlt645-2007"
    assert report["function"] == function
    assert report["values"] == values


def test_clears_name_their_function_and_event() -> None:
    password_operator = bytes.fromhex("02 56 34 12 78 56 34 12")
    demand = report_of(encode(Frame(ADDRESS, 0x19, password_operator)))
    assert demand["function"] == "clear demand"
    events = report_of(encode(Frame(ADDRESS, 0x1B, password_operator + b"\x00\x00\x11\x03")))
    assert (events["function"], events["di"]) == ("clear events", "03110000")
    everything = report_of(encode(Frame(ADDRESS, 0x1B, password_operator + b"\xff" * 4)))
    assert everything["di"] == "FFFFFFFF"


def test_broadcast_time_as_1997() -> None:
    report = report_of(BROADCAST_TIME, "1997")
    assert report["protocol"] == "dlt645-1997"
    assert (report["address"], report["function"]) == ("999999999999", "broadcast time")


def test_load_profile_records() -> None:
    follow_up = report_of(FOLLOW_UP)
    assert (follow_up["function"], follow_up["di"], follow_up["seq"]) == (
        "read follow up",
        "06000001",
        1,
    )
    # A follow-up reply: DI, one record, SEQ 02; more to come (C B2).
    reply = report_of(encode(Frame(ADDRESS, 0xB2, PROFILE_DI + EMPTY_RECORD + b"\x02")))
    assert (reply["follow_up"], reply["seq"]) == (True, 2)
    assert reply["records"] == [{"time": "2026-11-21T10:00:00", "values": []}]
    # A read reply with two records, the second with its energies.
    energies = bytes.fromhex(
        "A0 A0 1B 00 10 21 11 26 AA AA AA 56 34 12 00 00 00 00 00 34 12 00 00 01 00 00 00"
        " AA AA AA A2 E5 E5"
    )
    report = report_of(encode(Frame(ADDRESS, 0x91, PROFILE_DI + EMPTY_RECORD + energies)))
    records = report["records"]
    assert isinstance(records, list)
    assert [r["time"] for r in records] == ["2026-11-21T10:00:00"] * 2
    assert records[1]["values"][:2] == [
        {
            "name": "forward active energy",
            "name_zh": "正向有功总电能",
            "value": "1234.56",
            "unit": "kWh",
        },
        {
            "name": "reverse active energy",
            "name_zh": "反向有功总电能",
            "value": "0.00",
            "unit": "kWh",
        },
    ]


def test_broken_load_profile_record_is_a_frame_error() -> None:
    broken = EMPTY_RECORD[:-3] + b"\x00" + EMPTY_RECORD[-2:]
    with pytest.raises(FrameError) as info:
        describe(encode(Frame(ADDRESS, 0x91, PROFILE_DI + broken)))
    assert info.value.kind is FrameKind.CHECKSUM


# ----------------------------------------------------------------------------- 1997


def test_1997_read_request_and_reply() -> None:
    request = report_of(READ_9010)
    assert head(request) == ("dlt645-1997", "request", ADDRESS, 0x01, "read", False, False)
    assert request["di"] == "9010"
    reply = report_of(REPLY_9010)
    assert head(reply) == ("dlt645-1997", "response", ADDRESS, 0x81, "read", False, False)
    assert reply["values"] == [
        {
            "name": "forward active energy total",
            "name_zh": "正向有功电能总",
            "value": "1234.56",
            "unit": "kWh",
        }
    ]


def test_1997_write_and_rejection() -> None:
    write = report_of(WRITE_C011)
    assert (write["function"], write["di"], write["password_level"]) == ("write", "C011", 2)
    assert write["values"] == [{"name": "time", "name_zh": "时间", "value": "10:07:30", "unit": ""}]
    rejected = report_of(REJECTED_97)
    assert (rejected["protocol"], rejected["abnormal"]) == ("dlt645-1997", True)
    assert rejected["error_bits"] == ["data identifier error"]


def test_1997_unknown_identifier() -> None:
    report = report_of(encode(Frame(ADDRESS, 0x81, b"\x99\x99\x01")))
    assert report["di"] == "9999"
    assert "DL/T 645-1997" in str(report["warning"])
    assert report["raw_data"] == "01"


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"", FrameKind.HEADER),
        (READ_REPLY[:-1], FrameKind.TRUNCATED),
        (READ_REPLY[:-2] + b"\x55\x16", FrameKind.CHECKSUM),
        (encode(Frame(ADDRESS, 0x91, b"\x00\x00\x01\x00\x56\x34")), FrameKind.LENGTH),
        (encode(Frame(ADDRESS, 0x91, b"\x00\x00")), FrameKind.LENGTH),  # no whole DI
        (encode(Frame(ADDRESS, 0x17, b"\x03")), FrameKind.VALUE_FORMAT),  # no such rate
        (encode(Frame("999999999999", 0x08, bytes(6))), FrameKind.VALUE_FORMAT),  # month 0
    ],
    ids=["empty", "truncated", "checksum", "value-length", "short-di", "baud-word", "time"],
)
def test_bad_frames_are_typed_errors(raw: bytes, kind: FrameKind) -> None:
    with pytest.raises(FrameError) as info:
        describe(raw)
    assert info.value.kind is kind


def test_change_password_with_an_impossible_level() -> None:
    # DI 04000C0A, old 02 000000, new level 0A: there are only levels 0-9.
    raw = encode(Frame(ADDRESS, 0x18, bytes.fromhex("0A 0C 00 04 02 00 00 00 0A 00 00 00")))
    with pytest.raises(FrameError, match="level") as info:
        describe(raw)
    assert info.value.kind is FrameKind.VALUE_FORMAT


def test_load_profile_record_shorter_than_its_time() -> None:
    # Count 03, then only 00 10 21 of the time: A0 + A0 + 03 + 00 + 10 + 21 = 0x174 -> CS 74.
    record = bytes.fromhex("A0 A0 03 00 10 21 74 E5 E5")
    with pytest.raises(FrameError):
        describe(encode(Frame(ADDRESS, 0x91, PROFILE_DI + record)))


@given(raw=st.binary(max_size=64))
def test_any_bytes_raise_only_frame_error(raw: bytes) -> None:
    with contextlib.suppress(FrameError):
        describe(raw)


@given(
    control=st.integers(0, 255),
    data=st.binary(max_size=40),
    version=st.sampled_from([None, "2007", "1997"]),
)
def test_any_well_framed_frame_raises_only_frame_error(
    control: int, data: bytes, version: str | None
) -> None:
    try:
        report = describe(encode(Frame(ADDRESS, control, data)), version)
    except FrameError:
        return
    assert json.loads(json.dumps(report)) == report


def test_looks_like() -> None:
    for raw in (READ_REQUEST, READ_REPLY, REJECTED, REPLY_9010, BROADCAST_TIME):
        assert looks_like(raw)
        assert looks_like(b"\x00\x16" + raw)
    assert looks_like(READ_REPLY[:-3])  # a truncated frame still looks like one
    assert not looks_like(b"")
    assert not looks_like(b"/?!\r\n")  # IEC 62056-21 sign-on
    assert not looks_like(READ_REPLY[:-1] + b"\x17")  # no end byte where the length puts it
