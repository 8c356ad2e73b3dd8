"""A-XDR Data of DL/T 698.45: hand-written encodings of every type, the length forms, typed
rejections, round trips of any value and "never crashes" on any bytes."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dlt698.axdr import (
    INTEGER_FORMATS,
    MAX_DEPTH,
    BitString,
    Data,
    DataType,
    Oad,
    Reader,
    ScalerUnit,
    decode_data,
    encode_data,
    encode_length,
)
from drivers.errors import FrameError, FrameKind

T = DataType
WHEN = datetime(2026, 11, 21, 10, 7, 30)  # a Saturday: weekday byte 06 (Sunday = 0)

# (type tag + content as the standard lays it out, the value)
GOLDEN: list[tuple[str, Data]] = [
    ("00", Data(T.NULL)),
    ("01 02 11 05 11 06", Data(T.ARRAY, (Data(T.UNSIGNED, 5), Data(T.UNSIGNED, 6)))),
    ("02 02 03 01 16 03", Data(T.STRUCTURE, (Data(T.BOOL, True), Data(T.ENUM, 3)))),
    ("03 00", Data(T.BOOL, False)),
    ("04 0A A0 C0", Data(T.BIT_STRING, BitString("1010000011"))),
    ("05 FF FF FF FF", Data(T.DOUBLE_LONG, -1)),
    ("06 00 01 E2 40", Data(T.DOUBLE_LONG_UNSIGNED, 123456)),
    ("09 06 00 00 39 20 09 33", Data(T.OCTET_STRING, bytes.fromhex("000039200933"))),
    ("0A 03 41 42 43", Data(T.VISIBLE_STRING, "ABC")),
    ("0F FE", Data(T.INTEGER, -2)),
    ("10 FE D4", Data(T.LONG, -300)),
    ("11 C8", Data(T.UNSIGNED, 200)),
    ("12 08 98", Data(T.LONG_UNSIGNED, 2200)),
    ("14 FF FF FF FF FF FF FF FE", Data(T.LONG64, -2)),
    ("15 00 00 01 00 00 00 00 00", Data(T.LONG64_UNSIGNED, 1 << 40)),
    ("16 03", Data(T.ENUM, 3)),
    ("19 07 EA 0B 15 06 0A 07 1E 00 7D", Data(T.DATE_TIME, WHEN.replace(microsecond=125_000))),
    ("1A 07 EA 0B 15 06", Data(T.DATE, WHEN.date())),
    ("1B 0A 07 1E", Data(T.TIME, time(10, 7, 30))),
    ("1C 07 EA 0B 15 0A 07 1E", Data(T.DATE_TIME_S, WHEN)),
    ("51 00 10 02 01", Data(T.OAD, Oad(0x0010, 2, 1))),
    ("59 FE 21", Data(T.SCALER_UNIT, ScalerUnit(-2, 33))),
]
GOLDEN_IDS = [d.type.name.lower() for _hex, d in GOLDEN]


@pytest.mark.parametrize(("wire", "data"), GOLDEN, ids=GOLDEN_IDS)
def test_golden_encoding(wire: str, data: Data) -> None:
    raw = bytes.fromhex(wire)
    assert encode_data(data) == raw
    assert decode_data(raw) == (data, len(raw))


def test_every_type_has_a_golden_encoding() -> None:
    assert {d.type for _wire, d in GOLDEN} == set(DataType)


def test_decode_at_an_offset_returns_the_next_offset() -> None:
    raw = bytes.fromhex("AA BB 12 08 98 16 03")
    first, pos = decode_data(raw, 2)
    assert (first, pos) == (Data(T.LONG_UNSIGNED, 2200), 5)
    assert decode_data(raw, pos) == (Data(T.ENUM, 3), 7)


@pytest.mark.parametrize(
    ("n", "wire"),
    [(0, "00"), (0x7F, "7F"), (0x80, "81 80"), (0xFF, "81 FF"), (0x100, "82 01 00"),
     (0xFFFF, "82 FF FF")],
)  # fmt: skip
def test_length_forms(n: int, wire: str) -> None:
    assert encode_length(n) == bytes.fromhex(wire)
    assert Reader(bytes.fromhex(wire)).length("test") == n


def test_long_octet_strings_use_the_long_length_forms() -> None:
    for size, head in ((200, "09 81 C8"), (300, "09 82 01 2C")):
        data = Data(T.OCTET_STRING, bytes(size))
        raw = encode_data(data)
        assert raw.startswith(bytes.fromhex(head))
        assert decode_data(raw) == (data, len(raw))
    with pytest.raises(ValueError):
        encode_length(0x10000)


def test_oad_text_form() -> None:
    oad = Oad.parse("200a0201")
    assert oad == Oad(0x200A, 2, 1)
    assert str(oad) == "200A0201"
    assert oad.whole() == Oad(0x200A, 2, 0) and oad.whole().element(3) == Oad(0x200A, 2, 3)
    for bad in ("0010020", "0010020G", "001002000", ""):
        with pytest.raises(ValueError):
            Oad.parse(bad)
    with pytest.raises(ValueError):
        Oad(0x10000)


# ----------------------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ("07 00", "Data type 7 is not supported"),
        ("06 00 01", "double_long_unsigned: expected 4 bytes, got 2"),
        ("09 80", "octet-string length: expected a byte below 80 or 81/82, got 80"),
        ("09 83 00 00 01", "got 83"),
        ("09 05 00", "octet-string: expected 5 bytes, got 1"),
        ("0A 02 41 C8", "visible-string 41 C8 is not ASCII"),
        ("1C 07 EA 0D 15 0A 07 1E", "date_time_s 07 EA 0D 15 0A 07 1E is not valid"),
        ("19 07 EA 0B 15 06 0A 07 1E 03 E8", "milliseconds 1000 > 999"),
        ("1A 00 00 01 01 00", "date 00 00 01 01 00 is not valid"),
        ("1B 18 00 00", "time 18 00 00 is not valid"),
        ("01 03 11 01 11", "unsigned: expected 1 bytes, got 0"),
        ("01 82 FF FF 00", "Data type: expected 1 bytes, got 0"),
        ("", "Data type: expected 1 bytes, got 0"),
    ],
)
def test_bad_input_is_a_value_format_error(wire: str, message: str) -> None:
    with pytest.raises(FrameError) as info:
        decode_data(bytes.fromhex(wire))
    assert info.value.kind is FrameKind.VALUE_FORMAT
    assert message in str(info.value)
    assert "APDU offset" in str(info.value)


def test_nesting_is_limited() -> None:
    deep = bytes.fromhex("01 01") * (MAX_DEPTH + 1) + b"\x00"
    with pytest.raises(FrameError, match="nested deeper than 16") as info:
        decode_data(deep)
    assert info.value.kind is FrameKind.VALUE_FORMAT
    ok = bytes.fromhex("01 01") * MAX_DEPTH + b"\x00"
    assert decode_data(ok)[1] == len(ok)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (Data(T.UNSIGNED, 256), ValueError),
        (Data(T.DOUBLE_LONG, 1 << 31), ValueError),
        (Data(T.LONG_UNSIGNED, -1), ValueError),
        (Data(T.UNSIGNED, "5"), TypeError),
        (Data(T.UNSIGNED, True), TypeError),
        (Data(T.ARRAY, [Data(T.NULL)]), TypeError),  # type: ignore[arg-type]
        (Data(T.VISIBLE_STRING, "电表"), UnicodeEncodeError),
        (Data(T.OCTET_STRING, "00"), TypeError),
        (Data(T.DATE_TIME_S, date(2026, 1, 1)), TypeError),
        (Data(T.TIME, WHEN), TypeError),
        (Data(T.SCALER_UNIT, ScalerUnit(-200, 33)), ValueError),
        (Data(T.BOOL, 1), TypeError),
    ],
)
def test_encode_refuses_values_that_do_not_fit(data: Data, error: type[Exception]) -> None:
    with pytest.raises(error):
        encode_data(data)


def test_bit_string_holds_bits_only() -> None:
    with pytest.raises(ValueError):
        BitString("0102")
    assert encode_data(Data(T.BIT_STRING, BitString(""))) == b"\x04\x00"


# ----------------------------------------------------------------------------- properties


def _integers(t: DataType) -> st.SearchStrategy[Data]:
    size, signed = INTEGER_FORMATS[t]
    low, high = (
        (-(1 << (8 * size - 1)), (1 << (8 * size - 1)) - 1) if signed else (0, (1 << 8 * size) - 1)
    )
    return st.integers(low, high).map(lambda v: Data(t, v))


_datetimes = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31))
SCALARS = st.one_of(
    st.just(Data(T.NULL)),
    *(_integers(t) for t in INTEGER_FORMATS),
    st.booleans().map(lambda v: Data(T.BOOL, v)),
    st.text("01", max_size=40).map(lambda v: Data(T.BIT_STRING, BitString(v))),
    st.binary(max_size=300).map(lambda v: Data(T.OCTET_STRING, v)),
    st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=40).map(
        lambda v: Data(T.VISIBLE_STRING, v)
    ),
    _datetimes.map(
        lambda v: Data(T.DATE_TIME, v.replace(microsecond=v.microsecond // 1000 * 1000))
    ),
    _datetimes.map(lambda v: Data(T.DATE_TIME_S, v.replace(microsecond=0))),
    st.dates().map(lambda v: Data(T.DATE, v)),
    st.times().map(lambda v: Data(T.TIME, v.replace(microsecond=0))),
    st.builds(Oad, st.integers(0, 0xFFFF), st.integers(0, 255), st.integers(0, 255)).map(
        lambda v: Data(T.OAD, v)
    ),
    st.builds(ScalerUnit, st.integers(-128, 127), st.integers(0, 255)).map(
        lambda v: Data(T.SCALER_UNIT, v)
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.builds(
        Data, st.sampled_from([T.ARRAY, T.STRUCTURE]), st.lists(inner, max_size=5).map(tuple)
    ),
    max_leaves=20,
)


@given(VALUES)
def test_round_trip(data: Data) -> None:
    raw = encode_data(data)
    assert decode_data(raw) == (data, len(raw))


@given(st.binary(max_size=80))
def test_any_bytes_decode_or_frame_error(raw: bytes) -> None:
    try:
        data, pos = decode_data(raw)
    except FrameError as err:
        assert err.kind is FrameKind.VALUE_FORMAT
    else:
        assert 0 < pos <= len(raw)
        # Whatever decodes can be sent again (non-canonical lengths, weekdays and padding
        # bits are normalised on the way).
        assert decode_data(encode_data(data))[0] == data
