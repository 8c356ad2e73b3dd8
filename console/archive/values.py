"""Cell parsers for the archive imports: text cell in, typed value out, or a ``CellError`` whose
message says what was expected. Energy is parsed with ``Decimal`` and returned as exact Wh.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from console.core.i18n import translate

# A register of a county's biggest customer stays far below this; more is a column mix-up.
MAX_KWH = Decimal("999999999.99")
WH_PER_KWH = 1000
KWH_DECIMALS = 3  # Wh: what the database keeps, exactly

_DATE_SEPARATED = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?")
_MIDNIGHT = re.compile(r"0{1,2}:00(?::00(?:\.0{1,6})?)?")
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_RATIO = re.compile(r"(\d+)\s*/\s*(\d+)")
_SPACE = re.compile(r"\s")


class CellError(ValueError):
    """A cell's value cannot be used; the message says what was expected."""


def text(max_length: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise CellError(
                translate("Archive", "longer than {n} characters ({length})").format(
                    n=max_length, length=len(raw)
                )
            )
        return raw

    return parse


def key_text(max_length: int) -> Callable[[str], str]:
    """A key (户号, 资产号, 编号): no spaces inside, at most ``max_length`` characters."""
    plain = text(max_length)

    def parse(raw: str) -> str:
        if _SPACE.search(raw):
            raise CellError(translate("Archive", "must not contain spaces"))
        return plain(raw)

    return parse


customer_number = key_text(20)  # 户号
code = key_text(32)  # 资产号, 台区编号, 表箱编号, 电价代码 (the model's String(32) keys)


def comm_address(raw: str) -> str:
    """A meter's communication address: up to 12 digits, zero-padded on the left (Excel drops
    the leading zeros of ``000000000001`` when the cell is a number)."""
    if not raw.isdigit() or not raw.isascii():
        raise CellError(translate("Archive", "expected up to 12 digits (e.g. 000000000001)"))
    if len(raw) > 12:
        raise CellError(
            translate("Archive", "expected up to 12 digits, got {n}").format(n=len(raw))
        )
    return raw.zfill(12)


def parse_decimal(raw: str) -> Decimal:
    """A finite decimal number, a thousands separator (``1,234.56``) allowed."""
    cleaned = raw.replace(",", "") if _THOUSANDS.fullmatch(raw) else raw
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(translate("Archive", "not a number")) from None
    if not value.is_finite():
        raise CellError(translate("Archive", "not a number"))
    return value


def kwh_as_wh(raw: str) -> int:
    """kWh with at most three decimals (``1234.56``) as exact integer Wh (``1234560``)."""
    value = parse_decimal(raw)
    if value < 0:
        raise CellError(translate("Archive", "must not be negative"))
    if value > MAX_KWH:
        raise CellError(translate("Archive", "more than {limit} kWh").format(limit=MAX_KWH))
    thousandths = value * 10**KWH_DECIMALS
    if thousandths != thousandths.to_integral_value():
        raise CellError(translate("Archive", "more than {n} decimals").format(n=KWH_DECIMALS))
    return int(value * WH_PER_KWH)  # exact: Decimal arithmetic, no binary float


def scaled(scale: int, low: float, high: float, unit: str) -> Callable[[str], int]:
    """A measured value (kW, V, A, a power factor) within [low, high] ``unit``, as the integer
    the database stores (``scale`` per unit: 1000 for W, 10 for 0.1 V), rounded. Rounded from
    a float, as collection does: a measurement has no exact decimal to keep."""

    def parse(raw: str) -> int:
        value = float(parse_decimal(raw))
        if not low <= value <= high:
            raise CellError(
                translate("Archive", "must be between {low} and {high}{unit}").format(
                    low=f"{low:g}", high=f"{high:g}", unit=unit
                )
            )
        return round(value * scale)

    return parse


def coordinate(low: int, high: int) -> Callable[[str], float]:
    """Longitude or latitude in decimal degrees within [low, high]."""

    def parse(raw: str) -> float:
        value = parse_decimal(raw)
        if not low <= value <= high:
            raise CellError(
                translate("Archive", "must be between {low} and {high} degrees").format(
                    low=low, high=high
                )
            )
        return float(value)

    return parse


def ratio(raw: str) -> int:
    """A CT or PT ratio: ``40`` or as on the nameplate, ``200/5``; at least 1."""
    match = _RATIO.fullmatch(raw)
    if match is not None:
        primary, secondary = int(match[1]), int(match[2])
        if secondary == 0 or primary % secondary:
            raise CellError(
                translate(
                    "Archive", "the nameplate ratio must divide to a whole number (e.g. 200/5)"
                )
            )
        value = primary // secondary
    else:
        number = parse_decimal(raw)
        if number != number.to_integral_value():
            raise CellError(
                translate("Archive", "must be a whole number or a nameplate ratio like 200/5")
            )
        value = int(number)
    if value < 1:
        raise CellError(translate("Archive", "must be 1 or more"))
    return value


def _ymd(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(
            translate("Archive", "no such date {date}").format(date=f"{year}-{month}-{day}")
        ) from None


def _split_date(raw: str) -> tuple[date, str]:
    """The date at the start of ``raw`` and what follows it."""
    for pattern in (_DATE_SEPARATED, _DATE_CHINESE, _DATE_COMPACT):
        match = pattern.match(raw)
        if match is not None:
            return _ymd(match[1], match[2], match[3]), raw[match.end() :].strip().lstrip("T")
    raise CellError(translate("Archive", "expected a date like 2026-11-21"))


def day(raw: str) -> date:
    """``2026-11-21``, ``2026/11/21``, ``20261121``, ``2026年11月21日``; a time of 00:00 after the
    date is accepted (Excel writes dates as date-times)."""
    value, rest = _split_date(raw)
    if rest and not _MIDNIGHT.fullmatch(rest):
        raise CellError(translate("Archive", "expected a date without a time, like 2026-11-21"))
    return value


def moment(raw: str) -> datetime:
    """A local date and time: ``2026-11-21 00:15:08`` (seconds optional; ``T`` accepted)."""
    value, rest = _split_date(raw)
    if not rest:
        return datetime(value.year, value.month, value.day)
    match = _TIME.fullmatch(rest)
    if match is None:
        raise CellError(translate("Archive", "expected a date and time like 2026-11-21 00:15:08"))
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise CellError(translate("Archive", "no such time {time}").format(time=rest))
    return datetime(value.year, value.month, value.day, hour, minute, second)


@lru_cache(maxsize=4096)  # enumeration cells repeat the same few words on every row
def normalise_word(raw: str) -> str:
    """How enumeration values and headers are compared: NFKC (full-width letters and brackets
    become ASCII), no spaces, lower case."""
    folded = unicodedata.normalize("NFKC", raw)
    return "".join(folded.split()).lower()


def choice(names: Mapping[str, str], expected: str) -> Callable[[str], str]:
    """One of an enumeration, by any of its spellings in ``names`` (normalised → stored value)."""
    folded = {normalise_word(k): v for k, v in names.items()}

    def parse(raw: str) -> str:
        value = folded.get(normalise_word(raw))
        if value is None:
            raise CellError(
                translate("Archive", "unknown value (expected {expected})").format(
                    expected=expected
                )
            )
        return value

    return parse


_FLAGS = {
    "是": True,
    "否": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}


def flag(raw: str) -> bool:
    value = _FLAGS.get(normalise_word(raw))
    if value is None:
        raise CellError(translate("Archive", "expected 是/否 (yes/no, 1/0)"))
    return value


def phone(raw: str) -> str:
    """Digits with the usual separators (``0571-8888 1234``, ``+86 138...``), at most 20."""
    if len(raw) > 20:
        raise CellError(translate("Archive", "longer than {n} characters").format(n=20))
    if not all(ch.isdigit() or ch in "+-() " for ch in raw) or not any(ch.isdigit() for ch in raw):
        raise CellError(
            translate("Archive", "expected a phone number (digits, spaces, + - and brackets)")
        )
    return raw
