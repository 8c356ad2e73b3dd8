"""DL/T 645-2007 data-identifier table and value codec: layouts, literal encodings from the
standard's formats, typed rejections and round trips for every field kind."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dlt645 import dataids
from drivers.dlt645.dataids import ITEMS, lookup
from drivers.dlt645.values import (
    DataItem,
    Field,
    FieldKind,
    decode_field,
    decode_values,
    encode_values,
)
from drivers.errors import FrameError, FrameKind

ENERGY_TOTAL = lookup(0x00010000)
ENERGY_BLOCK = lookup(0x0001FF00)
COMBINED_ACTIVE_TOTAL = lookup(0x00000000)
VOLTAGE_A = lookup(0x02010100)
CURRENT_A = lookup(0x02020100)
POWER_TOTAL = lookup(0x02030000)
POWER_FACTOR_TOTAL = lookup(0x02060000)
DATE = lookup(0x04000101)
TIME = lookup(0x04000102)
ADDRESS = lookup(0x04000401)
FREEZE_TIME = lookup(0x05060001)


# ----------------------------------------------------------------------------- the table


@pytest.mark.parametrize("item", list(ITEMS.values()), ids=lambda i: i.di_hex)
def test_item_layout(item: DataItem) -> None:
    assert item.size == sum(f.size for f in item.fields)
    assert len(item.di_hex) == 8
    assert int(item.di_hex, 16) == item.di
    assert item.di_wire == bytes.fromhex(item.di_hex)[::-1]  # DI0 first
    assert ITEMS[item.di] is item
    assert len({f.key for f in item.fields}) == len(item.fields)  # values are keyed by field
    for f in item.fields:
        assert f.size > 0
        if f.kind is FieldKind.TIMESTAMP:
            assert len(f.layout) == 2 * f.size


def test_table_has_the_items_the_collector_reads() -> None:
    assert dataids.FORWARD_ACTIVE_TOTAL in ITEMS
    assert dataids.ACTIVE_POWER_TOTAL in ITEMS
    assert dataids.LAST_DAILY_FREEZE_TIME in ITEMS
    assert dataids.LAST_DAILY_FREEZE_FORWARD_ACTIVE in ITEMS
    assert lookup(0x05060101).size == 20  # five registers of XXXXXX.XX
    assert lookup(0x0506013E).di_hex == "0506013E"  # the 62nd (last) stored daily freeze


def test_di_wire_literal() -> None:
    assert ENERGY_TOTAL.di_wire == b"\x00\x00\x01\x00"
    assert lookup(0x0506013E).di_wire == b"\x3e\x01\x06\x05"


def test_field_formats_from_the_standard() -> None:
    # energy XXXXXX.XX kWh, voltage XXX.X V, current XXX.XXX A, power XX.XXXX kW, PF X.XXX
    assert (ENERGY_TOTAL.size, ENERGY_TOTAL.fields[0].decimals) == (4, 2)
    assert (VOLTAGE_A.size, VOLTAGE_A.fields[0].decimals) == (2, 1)
    assert (CURRENT_A.size, CURRENT_A.fields[0].decimals) == (3, 3)
    assert CURRENT_A.fields[0].kind is FieldKind.SIGNED
    assert (POWER_TOTAL.size, POWER_TOTAL.fields[0].decimals) == (3, 4)
    assert (POWER_FACTOR_TOTAL.size, POWER_FACTOR_TOTAL.fields[0].decimals) == (2, 3)
    assert [f.key for f in ENERGY_BLOCK.fields] == ["total", "t1", "t2", "t3", "t4"]


def test_lookup_unknown_di() -> None:
    with pytest.raises(FrameError, match="0F0F0F0F") as info:  # DI3 0F is unassigned
        lookup(0x0F0F0F0F)
    assert info.value.kind is FrameKind.UNSUPPORTED


# ----------------------------------------------------------------------------- literals


def _encode_one(item: DataItem, value: object) -> bytes:
    return encode_values(item, {item.fields[0].key: value})


def _decode_one(item: DataItem, raw: bytes) -> object:
    (value,) = decode_values(item, raw)
    return value.value


@pytest.mark.parametrize(
    ("item", "value", "raw"),
    [
        (ENERGY_TOTAL, Decimal("1234.56"), "56 34 12 00"),  # 00123456, low byte first
        (ENERGY_TOTAL, Decimal("999999.99"), "99 99 99 99"),
        (ENERGY_TOTAL, Decimal(0), "00 00 00 00"),
        (VOLTAGE_A, Decimal("220.1"), "01 22"),  # 2201
        (CURRENT_A, Decimal("-1.5"), "00 15 80"),  # 001500, sign in bit 7 of the top byte
        (POWER_TOTAL, Decimal("-1.2345"), "45 23 81"),  # 012345 with the sign bit
        (POWER_TOTAL, Decimal("79.9999"), "99 99 79"),  # the largest signed XX.XXXX
        (POWER_FACTOR_TOTAL, Decimal("0.95"), "50 09"),  # 0950
        (COMBINED_ACTIVE_TOTAL, Decimal("-12.34"), "34 12 00 80"),
        (DATE, date(2026, 11, 21), "06 21 11 26"),  # YYMMDDWW, a Saturday: WW = 06
        (DATE, date(2026, 11, 22), "00 22 11 26"),  # Sunday counts as 0
        (TIME, time(10, 7, 30), "30 07 10"),  # hhmmss
        (FREEZE_TIME, datetime(2026, 11, 21, 0, 0), "00 00 21 11 26"),  # YYMMDDhhmm
        (ADDRESS, "123456789012", "12 90 78 56 34 12"),
    ],
)
def test_literal_encoding(item: DataItem, value: object, raw: str) -> None:
    assert _encode_one(item, value) == bytes.fromhex(raw)
    assert _decode_one(item, bytes.fromhex(raw)) == value


def test_decoded_value_carries_field_and_unit() -> None:
    (value,) = decode_values(ENERGY_TOTAL, bytes.fromhex("56 34 12 00"))
    assert value.key == "total"
    assert value.unit == "kWh"
    assert value.value == Decimal("1234.56")
    assert str(value.value) == "1234.56"  # the fixed decimal point of the DI, exactly
    assert isinstance(value.value, Decimal)


def test_block_decodes_in_field_order() -> None:
    # 50.00, 10.00, 20.00, 15.00, 5.00 kWh: five registers of four bytes, low byte first.
    raw = bytes.fromhex("00 50 00 00  00 10 00 00  00 20 00 00  00 15 00 00  00 05 00 00")
    values = decode_values(ENERGY_BLOCK, raw)
    assert [(v.key, v.value) for v in values] == [
        ("total", Decimal("50.00")),
        ("t1", Decimal("10.00")),
        ("t2", Decimal("20.00")),
        ("t3", Decimal("15.00")),
        ("t4", Decimal("5.00")),
    ]


def test_date_ignores_weekday_byte_when_decoding() -> None:
    # Meters in the field get the weekday wrong after a bad time set; the date still counts.
    assert _decode_one(DATE, bytes.fromhex("03 21 11 26")) == date(2026, 11, 21)


# ----------------------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    ("item", "raw"),
    [
        (ENERGY_TOTAL, "5A 34 12 00"),
        (ENERGY_TOTAL, "56 34 12 F0"),
        (POWER_TOTAL, "45 23 8A"),  # the sign bit is fine, the nibble A is not
        (TIME, "30 07 1B"),
        (ADDRESS, "12 90 78 56 34 AA"),
    ],
)
def test_non_bcd_is_value_format(item: DataItem, raw: str) -> None:
    with pytest.raises(FrameError, match="not BCD") as info:
        decode_values(item, bytes.fromhex(raw))
    assert info.value.kind is FrameKind.VALUE_FORMAT


@pytest.mark.parametrize(
    ("item", "raw"),
    [
        (DATE, "06 21 13 26"),  # month 13
        (DATE, "06 30 02 26"),  # 30 February
        (TIME, "00 60 10"),  # minute 60
        (FREEZE_TIME, "00 24 21 11 26"),  # hour 24
    ],
)
def test_impossible_date_or_time_is_value_format(item: DataItem, raw: str) -> None:
    with pytest.raises(FrameError) as info:
        decode_values(item, bytes.fromhex(raw))
    assert info.value.kind is FrameKind.VALUE_FORMAT
    assert item.fields[0].layout in str(info.value)


@pytest.mark.parametrize("size", [0, 3, 5])
def test_wrong_length(size: int) -> None:
    with pytest.raises(FrameError, match=f"expected 4 data bytes, got {size}") as info:
        decode_values(ENERGY_TOTAL, bytes(size))
    assert info.value.kind is FrameKind.LENGTH


@pytest.mark.parametrize(
    ("item", "value", "message"),
    [
        (ENERGY_TOTAL, Decimal("1000000.00"), "does not fit"),
        (ENERGY_TOTAL, Decimal("1.234"), "decimals"),
        (ENERGY_TOTAL, Decimal("-0.01"), "negative"),
        (ENERGY_TOTAL, -1, "negative"),
        (POWER_TOTAL, Decimal("80"), "does not fit"),  # top digit 8 would collide with the sign
        (POWER_TOTAL, Decimal("-80"), "does not fit"),
        (VOLTAGE_A, Decimal("220.15"), "decimals"),
        (ADDRESS, "12345678901", "12 digits"),
        (ADDRESS, "12345678901A", "12 digits"),
    ],
)
def test_encode_rejects_values_that_do_not_fit(item: DataItem, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _encode_one(item, value)


def test_encode_rejects_wrong_types() -> None:
    with pytest.raises(TypeError, match="int or Decimal"):
        _encode_one(ENERGY_TOTAL, 1.5)
    with pytest.raises(TypeError, match="date/time"):
        _encode_one(TIME, "10:07:30")


def test_encode_needs_every_field() -> None:
    with pytest.raises(KeyError, match="t4"):
        encode_values(ENERGY_BLOCK, {"total": 1, "t1": 1, "t2": 1, "t3": 1})


# ----------------------------------------------------------------------------- round trips


def _number_fields(kind: FieldKind) -> list[Field]:
    seen: dict[tuple[int, int], Field] = {}
    for item in ITEMS.values():
        for f in item.fields:
            if f.kind is kind:
                seen.setdefault((f.size, f.decimals), f)
    return list(seen.values())


UNSIGNED_FIELDS = _number_fields(FieldKind.UNSIGNED)
SIGNED_FIELDS = _number_fields(FieldKind.SIGNED)


def test_both_number_kinds_are_in_the_table() -> None:
    assert len(UNSIGNED_FIELDS) >= 2
    assert len(SIGNED_FIELDS) >= 3


@st.composite
def number_and_field(draw: st.DrawFn, fields: list[Field], signed: bool) -> tuple[Field, Decimal]:
    f = draw(st.sampled_from(fields))
    top = 8 * 10 ** (f.size * 2 - 1) - 1 if signed else 10 ** (f.size * 2) - 1
    units = draw(st.integers(-top if signed else 0, top))
    return f, Decimal(units).scaleb(-f.decimals)


def _round_trip(f: Field, value: object) -> object:
    item = DataItem(0xFFFFFFFF, "test", "测试", (f,))
    raw = encode_values(item, {f.key: value})
    assert len(raw) == f.size
    decoded = decode_field(f, raw)
    assert decoded.field is f
    return decoded.value


@given(case=number_and_field(UNSIGNED_FIELDS, signed=False))
def test_unsigned_round_trip(case: tuple[Field, Decimal]) -> None:
    f, value = case
    assert _round_trip(f, value) == value


@given(case=number_and_field(SIGNED_FIELDS, signed=True))
def test_signed_round_trip(case: tuple[Field, Decimal]) -> None:
    f, value = case
    item = DataItem(0xFFFFFFFF, "test", "测试", (f,))
    raw = encode_values(item, {f.key: value})
    assert bool(raw[-1] & 0x80) == (value < 0)  # the sign lives in bit 7 of the top byte
    assert _round_trip(f, value) == value


@given(moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_timestamp_round_trips(moment: datetime) -> None:
    minute = moment.replace(second=0, microsecond=0)
    assert _round_trip(FREEZE_TIME.fields[0], moment) == minute
    assert _round_trip(DATE.fields[0], moment.date()) == moment.date()
    second = moment.time().replace(microsecond=0)
    assert _round_trip(TIME.fields[0], second) == second
    raw = _encode_one(DATE, moment.date())
    assert raw[0] == (moment.weekday() + 1) % 7  # WW (one BCD digit), Sunday = 0


@given(digits=st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_digits_round_trip(digits: str) -> None:
    assert _round_trip(ADDRESS.fields[0], digits) == digits


@given(raw=st.binary(min_size=0, max_size=8), di=st.sampled_from(sorted(ITEMS)))
def test_decode_values_raises_only_frame_error(raw: bytes, di: int) -> None:
    item = ITEMS[di]
    # Any exception other than FrameError escapes and fails the test.
    try:
        values = decode_values(item, raw)
    except FrameError as err:
        assert err.kind in (FrameKind.LENGTH, FrameKind.VALUE_FORMAT)
    else:
        assert len(values) == len(item.fields)


# ----------------------------------------------------------------------------- newer groups


def test_maximum_demand_layout() -> None:
    # XX.XXXX kW then YYMMDDhhmm: 8 bytes per demand, forward (0101) and reverse (0102).
    for di2 in (0x01, 0x02):
        single = lookup(0x01000000 | di2 << 16)
        assert [(f.key, f.size) for f in single.fields] == [("total", 3), ("total_time", 5)]
        assert single.fields[0].decimals == 4
        assert single.fields[1].layout == "YYMMDDhhmm"
        block = lookup(0x0100FF00 | di2 << 16)
        assert block.size == 5 * 8
        assert [f.key for f in block.fields][::2] == ["total", "t1", "t2", "t3", "t4"]
    assert lookup(0x01010300).fields[0].key == "t3"


def test_phase_angles_and_meter_condition_layout() -> None:
    assert [f.key for f in lookup(0x0207FF00).fields] == ["a", "b", "c"]
    angle = lookup(0x02070100).fields[0]
    assert (angle.size, angle.decimals, angle.unit) == (2, 1, "°")  # XXX.X degrees
    temperature = lookup(0x02800007).fields[0]
    assert (temperature.size, temperature.decimals, temperature.kind) == (2, 1, FieldKind.SIGNED)
    for di in (0x02800008, 0x02800009):  # battery voltages X.XX V
        f = lookup(di).fields[0]
        assert (f.size, f.decimals, f.unit) == (2, 2, "V")


def test_status_words_are_bit_words() -> None:
    word1 = lookup(0x04000501)
    assert word1.fields[0].kind is FieldKind.BITS
    # Shown most significant byte first, as the standard prints bit 15 .. bit 0.
    assert decode_values(word1, bytes.fromhex("10 00"))[0].value == "0010"
    assert encode_values(word1, {"word1": "8001"}) == bytes.fromhex("01 80")
    assert lookup(0x040005FF).size == 14  # seven words
    with pytest.raises(ValueError, match="4 hex digits"):
        encode_values(word1, {"word1": "10"})


def test_event_record_layout() -> None:
    assert lookup(0x03110000).size == 3  # count XXXXXX
    power_down = lookup(0x03110001)
    assert [(f.key, f.layout) for f in power_down.fields] == [
        ("start", "YYMMDDhhmmss"),
        ("end", "YYMMDDhhmmss"),
    ]
    assert 0x0311000A in ITEMS
    assert 0x0311000B not in ITEMS  # the last ten records
    cover = lookup(0x03300D01)
    assert cover.size == 60  # two times, then six registers before and six after
    assert [f.key for f in cover.fields[:4]] == ["start", "end", "forward_before", "reverse_before"]
    assert cover.fields[-1].key == "q4_after"


def test_instant_freeze_and_load_profile_identifiers() -> None:
    assert lookup(0x05010001).fields[0].layout == "YYMMDDhhmm"
    assert lookup(0x05010101).size == 20
    assert 0x05010004 not in ITEMS  # three instant freezes are kept
    for di in dataids.LOAD_PROFILE:
        item = dataids.load_profile_item(di)
        assert (item.di, item.fields) == (di, ())
        assert di not in ITEMS  # variable-length records, parsed by loadprofile.py
    assert dataids.LOAD_PROFILE == (0x06000000, 0x06000001, 0x06000002)
    with pytest.raises(FrameError, match="06000003") as info:
        dataids.load_profile_item(0x06000003)
    assert info.value.kind is FrameKind.UNSUPPORTED


def test_writable_items() -> None:
    writable = {item.di_hex for item in ITEMS.values() if item.writable}
    assert writable == {"04000101", "04000102", "04000103", "04000104"}
