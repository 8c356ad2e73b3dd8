"""IEC 62056-21 data sets: the ``address(value*unit)`` grammar, OBIS addresses and typed values;
anything malformed is a ``FrameError`` of kind ``value_format``, never another exception."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from drivers.errors import FrameError, FrameKind

# IEC 62056-21 §6.5 field limits and the characters each field must not contain.
MAX_ADDRESS_LEN = 16
MAX_VALUE_LEN = 32
MAX_UNIT_LEN = 16
_NOT_IN_ADDRESS = frozenset("()/!")
_NOT_IN_VALUE = frozenset("()*/!")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# A full OBIS address A-B:C.D.E*F; the group letters C, F, L, P stand for 96, 97, 98, 99.
_FULL_ADDRESS = re.compile(r"(?:(\d{1,3})-(\d{1,3}):)?([^*&]+)(?:[*&](\d{1,3}))?")
CURRENT_PERIOD = "255"  # F = 255: the current value, not a billing period


@dataclass(frozen=True, slots=True)
class Value:
    """One ``(value*unit)`` group as printed; ``unit`` is empty when there is none."""

    text: str
    unit: str = ""


@dataclass(frozen=True, slots=True)
class DataSet:
    """An address and the groups after it: ``1.6.0(001.234*kW)(26-11-21 10:15)`` has two."""

    address: str
    values: tuple[Value, ...]

    @property
    def value(self) -> Value:
        return self.values[0]


DataLine = tuple[DataSet, ...]


def _printable(text: str) -> bool:
    return all(" " <= ch <= "~" for ch in text)


def check_data_set(data_set: DataSet, *, first_in_line: bool = True) -> None:
    """Raise ``ValueError`` if ``data_set`` cannot be printed so that it parses back the same."""
    address = data_set.address
    if not data_set.values:
        raise ValueError(f"data set {address!r} has no value")
    if not first_in_line and not address:
        raise ValueError("only the first data set of a line may go without an address")
    if len(address) > MAX_ADDRESS_LEN or not _printable(address) or _NOT_IN_ADDRESS & set(address):
        raise ValueError(f"address {address!r} is not up to 16 printable characters without ()/!")
    for value in data_set.values:
        if len(value.text) > MAX_VALUE_LEN or not _printable(value.text):
            raise ValueError(f"value {value.text!r} is not up to 32 printable characters")
        if len(value.unit) > MAX_UNIT_LEN or not _printable(value.unit):
            raise ValueError(f"unit {value.unit!r} is not up to 16 printable characters")
        if _NOT_IN_VALUE & set(value.text + value.unit):
            raise ValueError(f"value {value.text!r}*{value.unit!r} contains one of ()*/!")
        if value.unit and not _NUMBER.fullmatch(value.text):
            raise ValueError(f"value {value.text!r} has a unit but is not a number")


def format_line(line: Sequence[DataSet]) -> str:
    for index, data_set in enumerate(line):
        check_data_set(data_set, first_in_line=index == 0)
    return "".join(
        data_set.address
        + "".join(f"({v.text}*{v.unit})" if v.unit else f"({v.text})" for v in data_set.values)
        for data_set in line
    )


def _bad(message: str) -> FrameError:
    return FrameError(FrameKind.VALUE_FORMAT, message)


def _parse_group(inner: str, line: str) -> Value:
    text, star, unit = inner.partition("*")
    if "*" in unit:
        raise _bad(f"data set in {line!r}: expected value*unit, got two '*' in ({inner})")
    if star and not unit:
        raise _bad(f"data set in {line!r}: expected a unit after '*' in ({inner})")
    if len(text) > MAX_VALUE_LEN or len(unit) > MAX_UNIT_LEN:
        raise FrameError(
            FrameKind.LENGTH,
            f"data set in {line!r}: value or unit too long in ({inner}) "
            f"(at most {MAX_VALUE_LEN} and {MAX_UNIT_LEN} characters)",
        )
    if _NOT_IN_VALUE & set(text + unit):
        raise _bad(f"data set in {line!r}: ({inner}) contains one of /!")
    if unit and not _NUMBER.fullmatch(text):
        raise _bad(f"data set in {line!r}: expected a number before '*{unit}', got {text!r}")
    return Value(text, unit)


def parse_line(line: str) -> DataLine:
    """Parse one data line (no CR LF) into its data sets; ``FrameError`` if malformed."""
    if not _printable(line):
        raise _bad(f"data line {line!r} contains a non-printable or non-ASCII character")
    sets: list[DataSet] = []
    pos = 0
    while pos < len(line):
        opening = line.find("(", pos)
        if opening < 0:
            raise _bad(f"data line {line!r}: expected '(' after {line[pos:]!r}")
        address = line[pos:opening]
        if _NOT_IN_ADDRESS & set(address):
            raise _bad(f"data line {line!r}: address {address!r} contains one of ()/!")
        if len(address) > MAX_ADDRESS_LEN:
            raise FrameError(
                FrameKind.LENGTH,
                f"data line {line!r}: address {address!r} longer than {MAX_ADDRESS_LEN}",
            )
        values: list[Value] = []
        pos = opening
        while pos < len(line) and line[pos] == "(":
            closing = line.find(")", pos)
            if closing < 0:
                raise _bad(f"data line {line!r}: expected ')' to close {line[pos:]!r}")
            inner = line[pos + 1 : closing]
            if "(" in inner:
                raise _bad(f"data line {line!r}: expected ')' before the next '('")
            values.append(_parse_group(inner, line))
            pos = closing + 1
        sets.append(DataSet(address, tuple(values)))
    return tuple(sets)


def parse_block(text: str) -> tuple[DataLine, ...]:
    """Split a data block on CR LF and parse every non-empty line."""
    lines = text.split("\r\n")
    for line in lines:
        if "\r" in line or "\n" in line:
            raise _bad(f"data line {line!r}: a CR or LF that is not part of CR LF")
    return tuple(parse_line(line) for line in lines if line)


def format_block(lines: Iterable[Sequence[DataSet]]) -> str:
    return "".join(format_line(line) + "\r\n" for line in lines)


# ----------------------------------------------------------------------------- OBIS addresses


def obis_key(address: str) -> str:
    """The reduced form a console item uses: ``1-0:1.8.0*255`` -> ``1.8.0``.

    The medium/channel prefix and F = 255 (current value) are dropped; another F (a billing
    period, ``1.8.0*01``) stays, so an old value is never taken for the current one.
    """
    text = address.strip()
    match = _FULL_ADDRESS.fullmatch(text)
    if match is None:
        return text
    core, period = match.group(3), match.group(4)
    if period is None or period == CURRENT_PERIOD:
        return core
    return f"{core}*{period}"


# ----------------------------------------------------------------------------- typed values


def to_decimal(text: str) -> Decimal:
    if not _NUMBER.fullmatch(text):
        raise _bad(f"expected a number like 012345.67, got {text!r}")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise _bad(f"expected a number like 012345.67, got {text!r}") from None


def to_int(text: str) -> int:
    if not text.isdigit() or not text.isascii():
        raise _bad(f"expected a whole number like 0003, got {text!r}")
    return int(text)


def _digits(text: str, separator: str, count: int, what: str, example: str) -> tuple[int, ...]:
    parts = text.split(separator) if separator in text else None
    if parts is None:  # the compact form: hhmmss / yymmdd
        if len(text) != 2 * count or not text.isdigit():
            raise _bad(f"expected a {what} like {example}, got {text!r}")
        parts = [text[i : i + 2] for i in range(0, 2 * count, 2)]
    if len(parts) != count or not all(len(p) == 2 and p.isdigit() for p in parts):
        raise _bad(f"expected a {what} like {example}, got {text!r}")
    return tuple(int(p) for p in parts)


def to_time(text: str) -> time:
    """``12:34:56`` or ``123456``."""
    hour, minute, second = _digits(text, ":", 3, "time", "12:34:56")
    try:
        return time(hour, minute, second)
    except ValueError as err:
        raise _bad(f"expected a time like 12:34:56, got {text!r}: {err}") from None


def to_date(text: str) -> date:
    """``26-11-21`` or ``261121`` (YY-MM-DD, 20YY)."""
    year, month, day = _digits(text, "-", 3, "date", "26-11-21")
    try:
        return date(2000 + year, month, day)
    except ValueError as err:
        raise _bad(f"expected a date like 26-11-21, got {text!r}: {err}") from None


def to_datetime(text: str) -> datetime:
    """``26-11-21 10:15`` or ``26-11-21 10:15:00``."""
    day_text, _, clock_text = text.partition(" ")
    if clock_text.count(":") == 1:
        clock_text += ":00"
    try:
        return datetime.combine(to_date(day_text), to_time(clock_text))
    except FrameError as err:
        raise _bad(f"expected a date and time like 26-11-21 10:15, got {text!r} ({err})") from None


def format_time(at: time | datetime) -> str:
    return at.strftime("%H:%M:%S")


def format_date(at: date | datetime) -> str:
    return at.strftime("%y-%m-%d")


def format_datetime(at: datetime) -> str:
    return at.strftime("%y-%m-%d %H:%M")
