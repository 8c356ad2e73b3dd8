"""IEC 62056-21 data sets: the address(value*unit) grammar, reduced and full OBIS addresses, typed
values, and the OBIS table the client and the emulator share."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import FrameError, FrameKind
from drivers.iec62056.dataset import (
    DataSet,
    Value,
    obis_key,
    parse_block,
    parse_line,
    to_date,
    to_datetime,
    to_decimal,
    to_int,
    to_time,
)
from drivers.iec62056.obis import BY_CODE, ITEMS, Kind, lookup


def test_one_value_with_unit() -> None:
    assert parse_line("1.8.0(012345.67*kWh)") == (DataSet("1.8.0", (Value("012345.67", "kWh"),)),)


def test_several_values_on_one_address() -> None:
    assert parse_line("1.6.0(001.234*kW)(26-11-21 10:15)") == (
        DataSet("1.6.0", (Value("001.234", "kW"), Value("26-11-21 10:15"))),
    )


def test_several_data_sets_on_one_line() -> None:
    assert parse_line("1.8.1(1*kWh)1.8.2(2*kWh)") == (
        DataSet("1.8.1", (Value("1", "kWh"),)),
        DataSet("1.8.2", (Value("2", "kWh"),)),
    )


def test_empty_value_and_no_address() -> None:
    assert parse_line("()") == (DataSet("", (Value(""),)),)
    assert parse_line("(ER01)") == (DataSet("", (Value("ER01"),)),)


def test_block_skips_empty_lines() -> None:
    assert parse_block("0.9.1(12:34:56)\r\n\r\n0.9.2(26-11-21)\r\n") == (
        (DataSet("0.9.1", (Value("12:34:56"),)),),
        (DataSet("0.9.2", (Value("26-11-21"),)),),
    )


@pytest.mark.parametrize(
    "line",
    [
        "1.8.0",
        "1.8.0(1",
        "1.8.0(1))",
        "1.8.0((1)",
        "1.8/0(1)",
        "1.8.0(1/2)",
        "1.8.0(1*)",
        "1.8.0(é)",
    ],
)
def test_malformed_lines(line: str) -> None:
    with pytest.raises(FrameError) as info:
        parse_line(line)
    assert info.value.kind is FrameKind.VALUE_FORMAT


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("1.8.0", "1.8.0"),
        ("1-0:1.8.0*255", "1.8.0"),
        ("1-0:1.8.0", "1.8.0"),
        ("1.8.0*01", "1.8.0*01"),  # a billing period is never the current value
        ("1-0:1.8.0&01", "1.8.0*01"),
        ("0-0:C.1.0", "C.1.0"),
        ("F.F", "F.F"),
        (" 32.7.0 ", "32.7.0"),
    ],
)
def test_reduced_and_full_addresses(address: str, key: str) -> None:
    assert obis_key(address) == key


def test_lookup_accepts_the_full_form() -> None:
    item = lookup("1-0:1.8.0*255")
    assert item is not None
    assert item.code == "1.8.0"
    assert (item.name_zh, item.fields[0].unit) == ("正向有功总电能", "kWh")
    assert lookup("1.8.0*01") is None


def test_typed_values() -> None:
    assert to_decimal("012345.67") == Decimal("12345.67")
    assert to_decimal("-01.2345") == Decimal("-1.2345")
    assert to_int("0003") == 3
    assert to_time("12:34:56") == to_time("123456") == time(12, 34, 56)
    assert to_date("26-11-21") == to_date("261121") == date(2026, 11, 21)
    assert to_datetime("26-11-21 10:15") == datetime(2026, 11, 21, 10, 15)
    assert to_datetime("26-11-21 10:15:30") == datetime(2026, 11, 21, 10, 15, 30)


@pytest.mark.parametrize(
    ("convert", "text"),
    [
        (to_decimal, "12,5"),
        (to_decimal, ""),
        (to_int, "3.0"),
        (to_time, "25:00:00"),
        (to_time, "12:34"),
        (to_date, "26-13-01"),
        (to_date, "2026-11-21"),
        (to_datetime, "26-11-21"),
    ],
)
def test_bad_values_are_value_format_errors(convert: object, text: str) -> None:
    with pytest.raises(FrameError) as info:
        convert(text)  # type: ignore[operator]
    assert info.value.kind is FrameKind.VALUE_FORMAT
    assert repr(text) in str(info.value)


@given(st.text(max_size=40))
def test_any_text_parses_or_is_a_frame_error(text: str) -> None:
    for convert in (parse_line, to_decimal, to_int, to_time, to_date, to_datetime):
        with contextlib.suppress(FrameError):
            convert(text)  # type: ignore[operator]


def test_the_table_covers_what_the_console_needs() -> None:
    needed = {
        "0.0.0", "C.1.0", "0.9.1", "0.9.2", "1.8.0", "1.8.1", "1.8.2", "1.8.3", "1.8.4",
        "2.8.0", "3.8.0", "4.8.0", "32.7.0", "52.7.0", "72.7.0", "31.7.0", "51.7.0",
        "71.7.0", "1.7.0", "13.7.0", "14.7.0", "1.6.0", "C.7.0", "F.F",
    }  # fmt: skip
    assert set(BY_CODE) == needed
    assert len(ITEMS) == len(needed)
    for item in ITEMS:
        assert all(f.name and f.name_zh for f in item.fields), item.code
        assert (item.fields[0].kind is Kind.DECIMAL) == bool(item.fields[0].digits) or (
            item.code == "C.7.0"
        )
    demand = BY_CODE["1.6.0"]
    assert [f.kind for f in demand.fields] == [Kind.DECIMAL, Kind.DATETIME]
    assert {BY_CODE[c].fields[0].unit for c in ("3.8.0", "4.8.0")} == {"kvarh"}
