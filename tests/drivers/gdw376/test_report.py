"""``smc decode`` for Q/GDW 1376.1: the report of hand-checked frames of both directions, AUX
(EC, Tp, PW), forwarded DL/T 645 frames, data units that cannot be decoded (reported, not
raised), and only ``FrameError`` for anything else."""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import FrameError, FrameKind
from drivers.gdw376.codec import Address, Frame, TimeTag, decode, encode
from drivers.gdw376.report import describe, header_offset, json_ready, looks_like
from drivers.gdw376.session import Afn, MasterSession, TerminalSession
from drivers.gdw376.units import ALL_POINTS, DataUnit

# Hand-checked frames (the checksums are worked out in test_codec.py and test_session.py).
LOGIN = bytes.fromhex("68 32 00 32 00 68 C9 01 33 34 12 00 02 70 00 00 01 00 B6 16")
READ_CLOCK = bytes.fromhex("68 32 00 32 00 68 4B 01 33 34 12 02 0C 61 00 00 02 00 36 16")
CLOCK_REPLY_EC_TP = bytes.fromhex(
    "68 6A 00 6A 00 68 A8 01 33 34 12 02 0C E1 00 00 02 00 30 20 10 15 A3 24 03 01"
    " 05 30 20 10 15 02 CF 16"
)
SET_CLOCK = bytes.fromhex(
    "68 8A 00 8A 00 68 4A 01 33 34 12 02 05 72 00 00 40 03 30 20 10 15 A3 24"
    + " 00" * 16
    + " BC 16"
)
LOGIN_CONFIRMED = bytes.fromhex(
    "68 4A 00 4A 00 68 0B 01 33 34 12 02 00 60 00 00 04 00 02 00 00 01 00 00 EE 16"
)
DLT645_READ = bytes.fromhex("68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16")
TERMINAL = Address("3301", 0x1234)
MASTER = TERMINAL._replace(master=1)


def report_of(raw: bytes) -> dict[str, object]:
    """The report, which must survive a trip through JSON unchanged."""
    report = describe(raw)
    assert json.loads(json.dumps(report, ensure_ascii=False)) == report
    return report


def answer(afn: Afn, unit: DataUnit) -> bytes:
    """The terminal's one-frame answer carrying ``unit``."""
    return TerminalSession(TERMINAL).answer(Frame(0x4B, MASTER, afn, 0x60), [unit])[0]


def items(report: dict[str, object]) -> list[dict[str, object]]:
    value = report["items"]
    assert isinstance(value, list)
    return value


def test_a_login() -> None:
    assert report_of(LOGIN) == {
        "protocol": "qgdw1376.1",
        "valid": True,
        "direction": "uplink",
        "prm": True,
        "function": 9,
        "function_name": "link test",
        "control": "C9",
        "address": {"district": "3301", "terminal": 0x1234, "master": 0, "group": False},
        "afn": 2,
        "afn_name": "link test",
        "afn_name_zh": "链路接口检测",
        "seq": {"tpv": False, "fir": True, "fin": True, "con": True, "number": 0},
        "acd": False,
        "items": [{"pn": 0, "fn": 1, "name": "login", "name_zh": "登录", "values": {}}],
    }


def test_a_request_for_class_2_data() -> None:
    report = report_of(READ_CLOCK)
    assert (report["direction"], report["prm"], report["function"]) == ("downlink", True, 11)
    assert (report["function_name"], report["control"]) == ("request class 2 data", "4B")
    assert (report["fcb"], report["fcv"]) == (False, False)
    assert "acd" not in report and "pw" not in report and "tp" not in report
    assert report["address"] == {"district": "3301", "terminal": 4660, "master": 1, "group": False}
    assert (report["afn"], report["afn_name"]) == (0x0C, "current data")
    assert items(report) == [
        {"pn": 0, "fn": 2, "name": "terminal clock", "name_zh": "终端日历时钟", "values": {}}
    ]


def test_an_answer_with_event_counters_and_a_time_tag() -> None:
    report = report_of(CLOCK_REPLY_EC_TP)
    assert (report["function"], report["function_name"]) == (8, "user data response")
    assert (report["acd"], report["ec"]) == (True, {"ec1": 3, "ec2": 1})
    assert report["seq"] == {"tpv": True, "fir": True, "fin": True, "con": False, "number": 1}
    assert report["tp"] == {
        "pfc": 5,
        "day": 15,
        "hour": 10,
        "minute": 20,
        "second": 30,
        "delay_min": 2,
    }
    assert items(report)[0]["values"] == {"clock": "2024-03-15T10:20:30"}


def test_a_control_command_with_its_password() -> None:
    report = report_of(SET_CLOCK)
    assert (report["function"], report["function_name"]) == (10, "request class 1 data")
    assert (report["afn"], report["afn_name"], report["afn_name_zh"]) == (5, "control", "控制命令")
    assert report["pw"] == " ".join(["00"] * 16)
    assert report["seq"] == {"tpv": False, "fir": True, "fin": True, "con": True, "number": 2}
    (item,) = items(report)
    assert (item["fn"], item["name"]) == (31, "set clock")


def test_the_masters_confirmation_of_a_login() -> None:
    report = report_of(LOGIN_CONFIRMED)
    assert (report["direction"], report["prm"]) == ("downlink", False)
    assert (report["function"], report["function_name"]) == (11, "link status")
    assert (report["afn"], report["afn_name"]) == (0, "confirm/deny")
    (item,) = items(report)
    assert item["name"] == "confirm/deny by data unit"
    assert item["values"] == {"afn": 2, "items": [{"pn": 0, "fn": 1, "ok": True}]}


def test_a_deny() -> None:
    request = decode(MasterSession(TERMINAL).request(Afn.CURRENT, [DataUnit(1, 129)])[0])
    report = report_of(TerminalSession(TERMINAL).confirm(request, ok=False))
    assert (report["function"], report["function_name"], report["prm"]) == (
        9,
        "deny: no requested data",
        False,
    )
    assert [(i["fn"], i["name"]) for i in items(report)] == [(2, "all denied")]


def test_decimals_are_exact_strings_and_dates_iso() -> None:
    unit = DataUnit(
        3,
        161,
        {
            "day": date(2024, 3, 14),
            "read_at": datetime(2024, 3, 15, 0, 5),
            "tariffs": 1,
            "forward_active_kwh": [Decimal("1234.5678"), Decimal("0.0100")],
        },
    )
    (item,) = items(report_of(answer(Afn.HISTORY, unit)))
    assert item["pn"] == 3
    assert item["values"] == {
        "day": "2024-03-14",
        "read_at": "2024-03-15T00:05:00",
        "tariffs": 1,
        "forward_active_kwh": ["1234.5678", "0.0100"],
    }


def test_every_point_is_65535_and_flagged() -> None:
    raw = MasterSession(TERMINAL).request(Afn.CURRENT, [DataUnit(ALL_POINTS, 129)])[0]
    (item,) = items(report_of(raw))
    assert (item["pn"], item["all_points"], item["fn"]) == (ALL_POINTS, True, 129)


def test_a_forwarded_dlt645_frame_is_decoded_too() -> None:
    forward = DataUnit(
        0,
        1,
        {
            "port": 2,
            "control": 0x6B,
            "timeout_ms": 2000,
            "byte_timeout_ms": 100,
            "payload": DLT645_READ,
        },
    )
    report = report_of(MasterSession(TERMINAL).request(Afn.FORWARD, [forward])[0])
    (item,) = items(report)
    values = item["values"]
    assert isinstance(values, dict)
    assert values["payload"] == DLT645_READ.hex(" ").upper()
    forwarded = item["forwarded"]
    assert isinstance(forwarded, dict)
    assert (forwarded["protocol"], forwarded["di"]) == ("dlt645-2007", "00010000")
    empty = report_of(answer(Afn.FORWARD, DataUnit(0, 1, {"port": 2, "payload": b""})))
    assert "forwarded" not in items(empty)[0]
    garbled = bytearray(DLT645_READ)
    garbled[-2] ^= 1
    garbled_forward = DataUnit(0, 1, {**forward.values, "payload": bytes(garbled)})
    bad = report_of(MasterSession(TERMINAL).request(Afn.FORWARD, [garbled_forward])[0])
    inner = items(bad)[0]["forwarded"]
    assert isinstance(inner, dict)
    assert (inner["valid"], inner["error_kind"]) == (False, "checksum")


def test_an_afn_outside_the_unit_table_still_gets_a_name() -> None:
    report = report_of(encode(Frame(0x4B, MASTER, 0x0F, 0x60, pw=bytes(16))))
    assert (report["afn_name"], report["valid"], report["items"]) == ("file transfer", True, [])
    report = report_of(encode(Frame(0x4B, MASTER, 0x20, 0x60)))
    assert (report["afn_name"], report["afn_name_zh"]) == ("reserved", "备用")
    report = report_of(encode(Frame(0x43, MASTER, 0x0C, 0x60)))
    assert report["function_name"] == "reserved function 3"


@pytest.mark.parametrize(
    ("data", "kind", "words"),
    [
        ("00 00 01 04", FrameKind.UNSUPPORTED, "F33"),  # AFN 0C F33 is not in the table
        ("00 00 02 00 30 20 10", FrameKind.TRUNCATED, "truncated"),  # a clock cut short
        ("00 00 02 00 30 20 1A 15 A3 24", FrameKind.VALUE_FORMAT, "not BCD"),
        ("00 05 02 00", FrameKind.VALUE_FORMAT, "names no measurement point"),
        ("00 00", FrameKind.TRUNCATED, "DA and DT"),
    ],
)
def test_data_units_that_cannot_be_decoded_are_reported(
    data: str, kind: FrameKind, words: str
) -> None:
    raw = encode(Frame(0x88, MASTER, 0x0C, 0x61, bytes.fromhex(data)))
    report = report_of(raw)
    assert report["valid"] is False
    assert report["error_kind"] == kind
    assert words in str(report["error"])
    assert report["raw_data"] == data
    assert report["items"] == []
    # ... with every frame field still there.
    assert (report["protocol"], report["afn"], report["function_name"]) == (
        "qgdw1376.1",
        0x0C,
        "user data response",
    )


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (LOGIN[:-1] + b"\x17", FrameKind.END_BYTE),
        (LOGIN[:-2] + b"\xb7\x16", FrameKind.CHECKSUM),
        (LOGIN[:-3], FrameKind.TRUNCATED),
        (b"\x00\x01", FrameKind.HEADER),
    ],
)
def test_a_bad_frame_raises_frame_error(raw: bytes, kind: FrameKind) -> None:
    with pytest.raises(FrameError) as info:
        describe(raw)
    assert info.value.kind == kind


def test_looks_like_and_where_the_header_starts() -> None:
    assert looks_like(LOGIN)
    assert header_offset(LOGIN) == 0
    assert header_offset(b"\x00\xfe\x68" + LOGIN) == 3
    assert not looks_like(DLT645_READ)
    assert header_offset(DLT645_READ) == -1
    assert header_offset(bytes.fromhex("68 31 00 31 00 68")) == -1  # protocol id 01


def test_json_ready() -> None:
    value = {
        "n": Decimal("-1.50"),
        "t": time(1, 2, 3),
        "d": date(2024, 1, 2),
        "b": b"\x01\xab",
        "l": (None, True, 3, "x", [Decimal(1)]),
    }
    assert json_ready(value) == {
        "n": "-1.50",
        "t": "01:02:03",
        "d": "2024-01-02",
        "b": "01 AB",
        "l": [None, True, 3, "x", ["1"]],
    }


@given(st.binary(max_size=200))
def test_any_bytes_give_a_report_or_a_frame_error(raw: bytes) -> None:
    with contextlib.suppress(FrameError):
        report_of(raw)
    for candidate in (raw, raw + LOGIN, raw[:3] + LOGIN[:6] + raw[3:]):
        assert looks_like(candidate) == (header_offset(candidate) >= 0)


@given(
    st.booleans(),
    st.sampled_from([0x00, 0x02, 0x04, 0x05, 0x0A, 0x0C, 0x0D, 0x0E, 0x10, 0x33]),
    st.binary(max_size=80),
    st.none() | st.tuples(st.integers(0, 255), st.integers(0, 255)),
)
def test_any_data_units_in_a_valid_frame_give_a_report(
    uplink: bool, afn: int, data: bytes, ec: tuple[int, int] | None
) -> None:
    pw = bytes(16) if not uplink and afn in (0x04, 0x05, 0x10) else None
    frame = Frame(
        0x88 if uplink else 0x4B,
        MASTER,
        afn,
        0x60,
        data,
        pw,
        ec if uplink else None,
        TimeTag(0, 1, 2, 3, 4),
    )
    report = report_of(encode(frame))
    assert report["valid"] in (True, False)
    if not report["valid"]:
        assert report["error_kind"] in {str(k) for k in FrameKind}
