"""DL/T 645-2007 load-profile records: hand-checked records (all sections, some, none), round
trips over any values, and a typed ``FrameError`` for every way a record can be broken."""

from __future__ import annotations

import contextlib
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dlt645.loadprofile import SECTIONS, LoadRecord, encode_record, parse_records
from drivers.dlt645.values import Field, FieldKind
from drivers.errors import FrameError, FrameKind

AT = datetime(2026, 11, 21, 10, 0)
# The record time YYMMDDhhmm goes low byte first: mm hh DD MM YY = 00 10 21 11 26 (sum 104).
TIME = bytes.fromhex("00 10 21 11 26")

# Every section left out, each sending its bare AA: 11 body bytes.
# A0 + A0 + 0B + 104 + 6 * AA = 320 + 11 + 104 + 1020 = 1455 = 0x5AF -> CS AF.
EMPTY = bytes.fromhex("A0 A0 0B 00 10 21 11 26 AA AA AA AA AA AA AF E5 E5")

# Only the energies (section 4 of 6): forward 1234.56 kWh, reverse 0, combined reactive 1
# 12.34 kvarh, combined reactive 2 0.01 kvarh, low byte first; 27 body bytes (0x1B).
# 320 + 27 + 104 + 3 * AA (510) + 156 + 0 + 70 + 1 + AA (170) + 2 * AA (340) = 1698 = 0x6A2.
ENERGIES = {
    "forward_active": Decimal("1234.56"),
    "reverse_active": Decimal("0.00"),
    "combined_reactive_1": Decimal("12.34"),
    "combined_reactive_2": Decimal("0.01"),
}
ENERGIES_ONLY = bytes.fromhex(
    "A0 A0 1B 00 10 21 11 26 AA AA AA 56 34 12 00 00 00 00 00 34 12 00 00 01 00 00 00"
    " AA AA AA A2 E5 E5"
)


def framed(body: bytes) -> bytes:
    """A record around ``body`` (time and sections) with a correct count and checksum."""
    head = bytes((0xA0, 0xA0, len(body)))
    return head + body + bytes((sum(head + body) & 0xFF,)) + b"\xe5\xe5"


def values_of(record: LoadRecord) -> dict[str, object]:
    return {v.key: v.value for v in record.values}


# ----------------------------------------------------------------------------- golden records


def test_record_with_every_section_left_out() -> None:
    assert encode_record(AT, {}, sections=()) == EMPTY
    assert parse_records(EMPTY) == [LoadRecord(AT, ())]


def test_record_with_only_some_sections() -> None:
    assert encode_record(AT, ENERGIES, sections=(3,)) == ENERGIES_ONLY
    (record,) = parse_records(ENERGIES_ONLY)
    assert record.at == AT
    assert values_of(record) == ENERGIES
    forward = record.value("forward_active")
    assert forward is not None
    assert (forward.unit, forward.field.name_zh) == ("kWh", "正向有功总电能")
    assert record.value("voltage_a") is None  # a section the meter did not send


def test_sections_hold_the_fields_of_the_standard() -> None:
    assert [len(fields) for fields in SECTIONS] == [7, 8, 4, 4, 4, 2]
    sizes = sum(f.size for fields in SECTIONS for f in fields)
    # A full record: A0 A0, count, time 5, fields, six AA, CS, E5 E5.
    assert len(encode_record(AT, full_values())) == 3 + 5 + sizes + 6 + 3 == 104


def test_records_follow_each_other() -> None:
    later = datetime(2026, 11, 21, 10, 15)
    data = EMPTY + encode_record(later, ENERGIES, sections=(3,)) + EMPTY
    assert [r.at for r in parse_records(data)] == [AT, later, AT]
    assert parse_records(b"") == []


# ----------------------------------------------------------------------------- round trips


def field_value(f: Field) -> st.SearchStrategy[Decimal]:
    digits = 2 * f.size
    # A signed field's sign takes the top bit: its top digit is at most 7.
    top = 8 * 10 ** (digits - 1) - 1 if f.kind is FieldKind.SIGNED else 10**digits - 1
    low = -top if f.kind is FieldKind.SIGNED else 0
    return st.integers(low, top).map(lambda n: Decimal(n).scaleb(-f.decimals))


def full_values() -> dict[str, object]:
    return {f.key: Decimal(0) for fields in SECTIONS for f in fields}


ALL_FIELDS = [f for fields in SECTIONS for f in fields]
record_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda t: t.replace(second=0, microsecond=0)
)
record_values = st.fixed_dictionaries({f.key: field_value(f) for f in ALL_FIELDS})
section_choices = st.sets(st.integers(0, 5)).map(lambda s: tuple(sorted(s)))


@given(records=st.lists(st.tuples(record_times, record_values, section_choices), max_size=3))
def test_round_trip(records: list[tuple[datetime, dict[str, Decimal], tuple[int, ...]]]) -> None:
    data = b"".join(encode_record(at, values, sections=chosen) for at, values, chosen in records)
    parsed = parse_records(data)
    assert [r.at for r in parsed] == [at for at, _v, _s in records]
    for record, (_at, values, chosen) in zip(parsed, records, strict=True):
        keys = [f.key for index in chosen for f in SECTIONS[index]]
        assert [v.key for v in record.values] == keys
        assert values_of(record) == {key: values[key] for key in keys}


# ----------------------------------------------------------------------------- broken records


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"\xa0\xa1" + EMPTY[2:], FrameKind.HEADER, "expected A0 A0"),
        (b"\x68" + EMPTY, FrameKind.HEADER, "expected A0 A0"),
        (b"\xa0\xa0", FrameKind.TRUNCATED, "no byte count"),
        (EMPTY[:2] + b"\x0c" + EMPTY[3:], FrameKind.LENGTH, "12 bytes announced"),
        (EMPTY[:-4], FrameKind.LENGTH, "announced"),  # cut short before the checksum
        (EMPTY[:-3] + b"\xb0" + EMPTY[-2:], FrameKind.CHECKSUM, "expected AF, got B0"),
        (EMPTY[:-1] + b"\xe4", FrameKind.END_BYTE, "E5 E5"),
        (EMPTY + b"\xa0\xa0", FrameKind.TRUNCATED, "at byte 17: no byte count"),
        (EMPTY + EMPTY[:-1], FrameKind.LENGTH, "at byte 17: 11 bytes announced"),
    ],
    ids=[
        "bad-start",
        "garbage-before",
        "no-count",
        "bad-count",
        "cut-short",
        "bad-checksum",
        "bad-end",
        "second-no-count",
        "second-cut",
    ],
)
def test_broken_framing(data: bytes, kind: FrameKind, message: str) -> None:
    with pytest.raises(FrameError, match=message) as info:
        parse_records(data)
    assert info.value.kind is kind


@pytest.mark.parametrize(
    ("body", "kind", "message"),
    [
        # The energies section filled but closed by 00, not AA.
        (
            TIME + bytes.fromhex("AA AA AA") + bytes(16) + bytes.fromhex("00 AA AA"),
            FrameKind.VALUE_FORMAT,
            "not closed",
        ),
        # The demand section filled, its last field cut short.
        (
            TIME + bytes.fromhex("AA AA AA AA AA 12 34 56 78"),
            FrameKind.LENGTH,
            "reactive demand cut short",
        ),
        (TIME + bytes.fromhex("AA AA"), FrameKind.LENGTH, "before its six sections"),
        (TIME + bytes.fromhex("AA AA AA AA AA AA 00"), FrameKind.LENGTH, "1 bytes after"),
        (  # a voltage 9A.BC is not BCD
            TIME + bytes.fromhex("BC 9A") + bytes(15) + bytes.fromhex("AA AA AA AA AA AA"),
            FrameKind.VALUE_FORMAT,
            "not BCD",
        ),
        (  # month 13
            bytes.fromhex("00 10 21 13 26 AA AA AA AA AA AA"),
            FrameKind.VALUE_FORMAT,
            "YYMMDDhhmm",
        ),
    ],
    ids=["section-not-closed", "field-cut-short", "too-few-sections", "trailing", "bcd", "time"],
)
def test_broken_record_body(body: bytes, kind: FrameKind, message: str) -> None:
    with pytest.raises(FrameError, match=message) as info:
        parse_records(framed(body))
    assert info.value.kind is kind


@pytest.mark.parametrize("size", [1, 3, 4])
def test_record_shorter_than_its_time(size: int) -> None:
    with pytest.raises(FrameError) as info:
        parse_records(framed(TIME[:size]))
    assert info.value.kind in (FrameKind.LENGTH, FrameKind.TRUNCATED)


@given(data=st.binary(max_size=300))
def test_any_bytes_raise_only_frame_error(data: bytes) -> None:
    with contextlib.suppress(FrameError):
        parse_records(data)


def test_record_without_a_body() -> None:
    with pytest.raises(FrameError, match="record time") as info:
        parse_records(framed(b""))
    assert info.value.kind is FrameKind.LENGTH


@given(body=st.binary(max_size=120))
def test_any_framed_body_raises_only_frame_error(body: bytes) -> None:
    with contextlib.suppress(FrameError):
        parse_records(framed(body))
