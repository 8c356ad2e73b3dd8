"""Cell parsers: energy is exact (Decimal, never float), dates and enumerations accept the
spellings exports use, and every refusal says what was expected."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from console.archive import values as v
from console.archive.schema import CUSTOMER_CLASSES, CUSTOMER_CLASSES_TEXT, PROTOCOLS


@pytest.mark.parametrize(
    ("raw", "wh"),
    [
        ("1234.56", 1_234_560),
        ("0.01", 10),
        ("0.1", 100),
        ("0.30", 300),  # 0.1 + 0.2 in binary floats is 0.30000000000000004
        ("1,234.56", 1_234_560),
        ("7", 7000),
        ("1234.500", 1_234_500),  # trailing zeros are not decimals that matter
        ("999999999.99", 999_999_999_990),
        ("1E3", 1_000_000),
    ],
)
def test_kwh_becomes_exact_wh(raw: str, wh: int) -> None:
    assert v.kwh_as_wh(raw) == wh


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1.0005", "more than 3 decimals"),
        ("-1", "must not be negative"),
        ("abc", "not a number"),
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
        ("1,23", "not a number"),
        ("1000000000", "more than 999999999.99 kWh"),
    ],
)
def test_bad_kwh_is_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(v.CellError, match=reason):
        v.kwh_as_wh(raw)


@pytest.mark.parametrize(
    ("raw", "ratio"), [("1", 1), ("40", 40), ("200/5", 40), ("10000 / 100", 100), ("30.0", 30)]
)
def test_ratios_as_numbers_or_nameplate(raw: str, ratio: int) -> None:
    assert v.ratio(raw) == ratio


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("0", "1 or more"), ("200/3", "whole number"), ("1.5", "whole number"), ("5/0", "whole")],
)
def test_bad_ratios(raw: str, reason: str) -> None:
    with pytest.raises(v.CellError, match=reason):
        v.ratio(raw)


@pytest.mark.parametrize(
    "raw",
    ["2026-11-21", "2026/11/21", "2026.11.21", "20261121", "2026年11月21日", "2026-11-21 00:00:00"],
)
def test_dates_in_the_usual_spellings(raw: str) -> None:
    assert v.day(raw) == date(2026, 11, 21)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2026-02-30", "no such date"),
        ("21/11/2026", "expected a date"),
        ("2026-11-21 08:00", "without a time"),
    ],
)
def test_bad_dates(raw: str, reason: str) -> None:
    with pytest.raises(v.CellError, match=reason):
        v.day(raw)


def test_moments() -> None:
    assert v.moment("2026-11-21 00:15:08") == datetime(2026, 11, 21, 0, 15, 8)
    assert v.moment("2026/11/21 7:05") == datetime(2026, 11, 21, 7, 5)
    assert v.moment("2026-11-21T00:15:08") == datetime(2026, 11, 21, 0, 15, 8)
    assert v.moment("2026-11-21") == datetime(2026, 11, 21)
    with pytest.raises(v.CellError, match="no such time"):
        v.moment("2026-11-21 24:00")


def test_comm_address_is_padded_to_12_digits() -> None:
    assert v.comm_address("1") == "000000000001"
    assert v.comm_address("310000000001") == "310000000001"
    for bad in ("1234567890123", "A1", "１２"):
        with pytest.raises(v.CellError):
            v.comm_address(bad)


def test_enumerations_accept_chinese_english_and_full_width() -> None:
    parse = v.choice(CUSTOMER_CLASSES, CUSTOMER_CLASSES_TEXT)
    assert parse("居民") == "residential"
    assert parse("Residential") == "residential"
    assert parse("一般工商业") == "commercial"
    assert parse("ＩＮＤＵＳＴＲＩＡＬ") == "industrial"
    with pytest.raises(v.CellError, match="居民/residential"):
        parse("工业")
    protocol = v.choice(PROTOCOLS, "")
    assert protocol("DL/T 645-2007") == "dlt645-2007"
    assert protocol("dl/t645-1997") == "dlt645-1997"


def test_flags_and_keys() -> None:
    assert [v.flag(x) for x in ("是", "否", "Y", "no", "1", "FALSE")] == [
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    with pytest.raises(v.CellError, match="是/否"):
        v.flag("maybe")
    with pytest.raises(v.CellError, match="spaces"):
        v.code("TQ 0001")
    with pytest.raises(v.CellError, match="longer than 20"):
        v.customer_number("1" * 21)
    with pytest.raises(v.CellError, match="between -90 and 90"):
        v.coordinate(-90, 90)("91")
