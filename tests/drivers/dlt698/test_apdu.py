"""DL/T 698.45 APDUs: hand-checked encodings of LINK, GET (Normal, NormalList) and ERROR
APDUs with their optional trailers, the DAR names, typed rejections, and round trips."""

from __future__ import annotations

import contextlib
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dlt698.apdu import (
    DAR_NAMES,
    Apdu,
    ErrorResponse,
    GetRequestNormal,
    GetRequestNormalList,
    GetResponseNormal,
    GetResponseNormalList,
    LinkRequest,
    LinkRequestType,
    LinkResponse,
    ResultNormal,
    TimeTag,
    dar_name,
    decode_apdu,
    encode_apdu,
    function_name,
)
from drivers.dlt698.axdr import Data, DataType, Oad
from drivers.errors import FrameError, FrameKind

WHEN = datetime(2026, 11, 21, 10, 7, 30)
WHEN_DT = "07 EA 0B 15 06 0A 07 1E 00 00"  # date_time: Saturday = 6, 0 ms
ENERGY = Oad(0x0010)
VOLTAGE = Oad(0x2000)
ADDRESS_OAD = Oad(0x4001)
ENERGY_DATA = Data(
    DataType.ARRAY,
    tuple(Data(DataType.DOUBLE_LONG_UNSIGNED, v) for v in (123456, 12345, 22222, 0, 23456)),
)
VOLTAGE_DATA = Data(
    DataType.ARRAY,
    (Data(DataType.LONG_UNSIGNED, 2200), Data(DataType.LONG_UNSIGNED, 2210), Data(DataType.NULL)),
)

GOLDEN: list[tuple[str, str, Apdu]] = [
    # The two APDUs of DL/T 698.45 appendix H (read 40010200).
    ("standard-request", "05 01 25 40 01 02 00 00", GetRequestNormal(0x25, ADDRESS_OAD)),
    (
        "standard-reply",
        "85 01 25 40 01 02 00 01 09 06 00 00 39 20 09 33 00 00",
        GetResponseNormal(
            0x25,
            ResultNormal(ADDRESS_OAD, Data(DataType.OCTET_STRING, bytes.fromhex("000039200933"))),
        ),
    ),
    (
        "list-request",
        "05 02 02 02 00 10 02 00 20 00 02 00 00",
        GetRequestNormalList(2, (ENERGY, VOLTAGE)),
    ),
    (
        "list-reply",
        "85 02 02 02 00 10 02 00 01 01 05 06 00 01 E2 40 06 00 00 30 39 06 00 00 56 CE"
        " 06 00 00 00 00 06 00 00 5B A0 20 00 02 00 01 01 03 12 08 98 12 08 A2 00 00 00",
        GetResponseNormalList(
            2, (ResultNormal(ENERGY, ENERGY_DATA), ResultNormal(VOLTAGE, VOLTAGE_DATA))
        ),
    ),
    (
        "dar-reply",
        "85 01 03 30 00 02 00 00 04 00 00",
        GetResponseNormal(3, ResultNormal(Oad(0x3000), dar=4)),
    ),
    (
        "request-with-time-tag",  # sent 2026-11-21 10:07:30, valid for 2 minutes (unit 1)
        "05 01 07 40 00 02 00 01 07 EA 0B 15 0A 07 1E 01 00 02",
        GetRequestNormal(7, Oad(0x4000), TimeTag(WHEN, 1, 2)),
    ),
    (
        "reply-with-follow-report",  # one event value reported along (200F0200 = 50.00 Hz)
        "85 01 08 40 00 02 00 01 1C 07 EA 0B 15 0A 07 1E 01 01 01 20 0F 02 00 01 12 13 88 00",
        GetResponseNormal(
            8,
            ResultNormal(Oad(0x4000), Data(DataType.DATE_TIME_S, WHEN)),
            (ResultNormal(Oad(0x200F), Data(DataType.LONG_UNSIGNED, 5000)),),
        ),
    ),
    (
        "link-login",
        f"01 04 00 01 2C {WHEN_DT}",
        LinkRequest(4, LinkRequestType.LOGIN, 300, WHEN),
    ),
    (
        "link-reply",  # result 80: clock trusted, success
        f"81 04 80 {WHEN_DT} {WHEN_DT} {WHEN_DT}",
        LinkResponse(4, 0x80, WHEN, WHEN, WHEN),
    ),
    ("error-response", "EE 09 02 00 00", ErrorResponse(9, 2)),
]
GOLDEN_IDS = [name for name, _hex, _apdu in GOLDEN]


@pytest.mark.parametrize(("wire", "apdu"), [(w, a) for _n, w, a in GOLDEN], ids=GOLDEN_IDS)
def test_golden_apdu(wire: str, apdu: Apdu) -> None:
    raw = bytes.fromhex(wire)
    assert decode_apdu(raw) == apdu
    assert encode_apdu(apdu) == raw


def test_function_names() -> None:
    names = [function_name(apdu) for _n, _w, apdu in GOLDEN]
    assert names == [
        "GET-Request Normal",
        "GET-Response Normal",
        "GET-Request NormalList",
        "GET-Response NormalList",
        "GET-Response Normal",
        "GET-Request Normal",
        "GET-Response Normal",
        "LINK-Request",
        "LINK-Response",
        "ERROR-Response",
    ]


def test_link_response_result_bits() -> None:
    reply = LinkResponse(1, 0x82, WHEN, WHEN, WHEN)
    assert (reply.clock_trusted, reply.result_code) == (True, 2)
    assert not LinkResponse(1, 0x01, WHEN, WHEN, WHEN).clock_trusted


@pytest.mark.parametrize(
    ("code", "name", "zh"),
    [(0, "success", "成功"), (3, "read/write denied", "拒绝读写"), (4, "object undefined", "对象未定义"),
     (6, "object does not exist", "对象不存在"), (8, "out of range", "越界"),
     (15, "password error or unauthorised", "密码错/未授权"), (32, "invalid time tag", "时间标签无效"),
     (255, "other", "其它")],
)  # fmt: skip
def test_dar_names(code: int, name: str, zh: str) -> None:
    assert dar_name(code) == name
    assert DAR_NAMES[code] == (name, zh)


def test_reserved_dar() -> None:
    assert dar_name(100) == "reserved DAR 100"
    assert set(DAR_NAMES) == {*range(36), 255}


def test_a_result_carries_data_or_a_dar() -> None:
    with pytest.raises(ValueError):
        ResultNormal(ENERGY)
    with pytest.raises(ValueError):
        ResultNormal(ENERGY, Data(DataType.NULL), 4)


@pytest.mark.parametrize(
    ("wire", "kind", "message"),
    [
        ("06 01 01 40 00 02 00 00", FrameKind.UNSUPPORTED, "APDU 06 (SET-Request)"),
        ("77 00", FrameKind.UNSUPPORTED, "APDU 77 (unknown)"),
        ("05 03 01 40 00 02 00", FrameKind.UNSUPPORTED, "GET-Request Record"),
        ("85 05 01 00", FrameKind.UNSUPPORTED, "GET-Response Next"),
        ("85 01 01 40 00 02 00 01 11 01 01 02", FrameKind.UNSUPPORTED, "follow report choice 2"),
        ("05 01 25 40 01 02 00 00 00", FrameKind.VALUE_FORMAT, "1 unexpected byte(s) after"),
        ("05 01 25 40 01 02 00 02", FrameKind.VALUE_FORMAT, "time tag: expected an OPTIONAL flag"),
        ("85 01 25 40 01 02 00 02 00 00 00", FrameKind.VALUE_FORMAT, "expected choice 0 (DAR)"),
        (f"01 04 03 01 2C {WHEN_DT}", FrameKind.VALUE_FORMAT, "expected 0, 1 or 2, got 3"),
        ("81 04 80 07 EA 0B 15", FrameKind.VALUE_FORMAT, "date_time: expected 10 bytes"),
        ("05 02 01 03 00 10 02 00", FrameKind.VALUE_FORMAT, "OAD: expected 4 bytes, got 0"),
        ("", FrameKind.VALUE_FORMAT, "APDU tag: expected 1 bytes, got 0"),
    ],
)
def test_rejections(wire: str, kind: FrameKind, message: str) -> None:
    with pytest.raises(FrameError) as info:
        decode_apdu(bytes.fromhex(wire))
    assert info.value.kind is kind
    assert message in str(info.value)


# ----------------------------------------------------------------------------- properties
DATETIMES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))
MS_DATETIMES = DATETIMES.map(lambda v: v.replace(microsecond=v.microsecond // 1000 * 1000))
BYTE = st.integers(0, 255)
OADS = st.builds(Oad, st.integers(0, 0xFFFF), BYTE, BYTE)
TIME_TAGS = st.none() | st.builds(
    TimeTag,
    DATETIMES.map(lambda v: v.replace(microsecond=0)),
    st.integers(0, 5),
    st.integers(0, 0xFFFF),
)
SMALL_DATA = st.one_of(
    st.just(Data(DataType.NULL)),
    st.integers(0, 0xFFFFFFFF).map(lambda v: Data(DataType.DOUBLE_LONG_UNSIGNED, v)),
    st.lists(st.integers(-(1 << 31), (1 << 31) - 1), max_size=5).map(
        lambda vs: Data(DataType.ARRAY, tuple(Data(DataType.DOUBLE_LONG, v) for v in vs))
    ),
    st.binary(max_size=16).map(lambda v: Data(DataType.OCTET_STRING, v)),
)
RESULTS = st.one_of(
    st.builds(ResultNormal, OADS, SMALL_DATA),
    st.builds(lambda oad, dar: ResultNormal(oad, dar=dar), OADS, BYTE),
)
RESULT_LISTS = st.lists(RESULTS, max_size=6).map(tuple)
FOLLOW = st.none() | RESULT_LISTS
APDUS = st.one_of(
    st.builds(
        LinkRequest, BYTE, st.sampled_from(LinkRequestType), st.integers(0, 0xFFFF), MS_DATETIMES
    ),
    st.builds(LinkResponse, BYTE, BYTE, MS_DATETIMES, MS_DATETIMES, MS_DATETIMES),
    st.builds(GetRequestNormal, BYTE, OADS, TIME_TAGS),
    st.builds(GetRequestNormalList, BYTE, st.lists(OADS, max_size=12).map(tuple), TIME_TAGS),
    st.builds(GetResponseNormal, BYTE, RESULTS, FOLLOW, TIME_TAGS),
    st.builds(GetResponseNormalList, BYTE, RESULT_LISTS, FOLLOW, TIME_TAGS),
    st.builds(ErrorResponse, BYTE, st.sampled_from([1, 2, 255]), FOLLOW, TIME_TAGS),
)


@given(APDUS)
def test_round_trip(apdu: Apdu) -> None:
    assert decode_apdu(encode_apdu(apdu)) == apdu


@given(
    st.sampled_from(
        [b"\x01", b"\x05\x01", b"\x05\x02", b"\x81", b"\x85\x01", b"\x85\x02", b"\xee"]
    ),
    st.binary(max_size=60),
)
def test_any_bytes_decode_or_frame_error(head: bytes, tail: bytes) -> None:
    try:
        apdu = decode_apdu(head + tail)
    except FrameError as err:
        assert err.kind in (FrameKind.VALUE_FORMAT, FrameKind.UNSUPPORTED)
    else:
        assert decode_apdu(encode_apdu(apdu)) == apdu


@given(st.binary(max_size=60))
def test_any_bytes_at_all(raw: bytes) -> None:
    with contextlib.suppress(FrameError):
        decode_apdu(raw)


@pytest.mark.parametrize(
    "apdu",
    [
        LinkRequest(1, LinkRequestType.LOGIN, 0x10000, WHEN),
        GetRequestNormal(256, ENERGY),
        GetRequestNormal(1, ENERGY, TimeTag(WHEN, 1, 0x10000)),
        GetResponseNormal(1, ResultNormal(ENERGY, dar=256)),
    ],
    ids=["heartbeat", "piid", "time-tag", "dar"],
)
def test_encode_refuses_numbers_that_do_not_fit(apdu: Apdu) -> None:
    with pytest.raises(ValueError):
        encode_apdu(apdu)
