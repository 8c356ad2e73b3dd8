"""DL/T 645 values: the byte layout of a data identifier's fields and their BCD codec.

Shared by the 2007 and 1997 identifier tables, the client (decoding) and the emulator
(encoding). Values are ``Decimal`` or date/time objects, never floats; bad BCD is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from drivers.errors import FrameError, FrameKind


class FieldKind(StrEnum):
    UNSIGNED = "unsigned"  # BCD, low byte first
    SIGNED = "signed"  # BCD with the sign in bit 7 of the most significant byte
    TIMESTAMP = "timestamp"  # BCD date/time components in ``layout`` order
    DIGITS = "digits"  # BCD digit string (addresses, meter numbers)
    BITS = "bits"  # a status or mode word: raw bits, shown as hex, most significant byte first


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    name_en: str
    name_zh: str
    size: int
    decimals: int = 0
    unit: str = ""
    kind: FieldKind = FieldKind.UNSIGNED
    layout: str = ""  # TIMESTAMP only, most significant first, e.g. "YYMMDDhhmm"


@dataclass(frozen=True, slots=True)
class DataItem:
    di: int
    name_en: str
    name_zh: str
    fields: tuple[Field, ...]
    di_size: int = 4  # DL/T 645-2007: 4 bytes; DL/T 645-1997: 2
    writable: bool = False
    size: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", sum(f.size for f in self.fields))

    @property
    def di_hex(self) -> str:
        """The identifier as printed in the standard's tables: ``00010000`` or ``9010``."""
        return f"{self.di:0{self.di_size * 2}X}"

    @property
    def di_wire(self) -> bytes:
        """The identifier as sent: DI0 first."""
        return self.di.to_bytes(self.di_size, "little")


class Value(NamedTuple):  # not a dataclass: one per decoded field, and cheaper to create
    field: Field
    value: Decimal | datetime | date | time | str  # str: digit strings, bit words, no-year times

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def unit(self) -> str:
        return self.field.unit


def _bcd_digits(chunk: bytes, f: Field) -> str:
    digits = chunk[::-1].hex()
    if not digits.isdigit():
        raise FrameError(
            FrameKind.VALUE_FORMAT,
            f"{f.name_en}: bytes {chunk.hex(' ').upper()} are not BCD",
        )
    return digits


def _decode_timestamp(digits: str, f: Field) -> datetime | date | time | str:
    parts = {f.layout[i : i + 2]: int(digits[i : i + 2]) for i in range(0, len(f.layout), 2)}
    try:
        if "YY" not in parts and "MM" in parts:
            # No year on the wire (1997 demand times): keep what the meter said, validated.
            hour, minute = parts.get("hh", 0), parts.get("mm", 0)
            datetime(2000, parts["MM"], parts["DD"], hour, minute)
            return f"{parts['MM']:02d}-{parts['DD']:02d} {hour:02d}:{minute:02d}"
        if "YY" in parts and "hh" in parts:
            return datetime(
                2000 + parts["YY"],
                parts["MM"],
                parts["DD"],
                parts["hh"],
                parts["mm"],
                parts.get("ss", 0),
            )
        if "YY" in parts:
            return date(2000 + parts["YY"], parts["MM"], parts["DD"])
        return time(parts["hh"], parts["mm"], parts.get("ss", 0))
    except ValueError as err:
        raise FrameError(
            FrameKind.VALUE_FORMAT, f"{f.name_en}: {digits} is not a valid {f.layout} ({err})"
        ) from None


def decode_field(f: Field, chunk: bytes) -> Value:
    if len(chunk) != f.size:
        raise FrameError(
            FrameKind.LENGTH, f"{f.name_en}: expected {f.size} bytes, got {len(chunk)}"
        )
    if f.kind is FieldKind.BITS:
        return Value(f, chunk[::-1].hex().upper())
    if f.kind is FieldKind.SIGNED:
        top = chunk[-1]
        digits = _bcd_digits(chunk[:-1] + bytes((top & 0x7F,)), f)
        number = Decimal(int(digits)).scaleb(-f.decimals)
        return Value(f, -number if top & 0x80 else number)
    digits = _bcd_digits(chunk, f)
    if f.kind is FieldKind.UNSIGNED:
        return Value(f, Decimal(int(digits)).scaleb(-f.decimals))
    if f.kind is FieldKind.DIGITS:
        return Value(f, digits)
    return Value(f, _decode_timestamp(digits, f))


def decode_values(item: DataItem, data: bytes) -> tuple[Value, ...]:
    """Decode the data bytes that follow the DI in a read reply."""
    if len(data) != item.size:
        raise FrameError(
            FrameKind.LENGTH,
            f"{item.di_hex} ({item.name_en}): expected {item.size} data bytes, got {len(data)}",
        )
    out = []
    pos = 0
    for f in item.fields:
        out.append(decode_field(f, data[pos : pos + f.size]))
        pos += f.size
    return tuple(out)


def _encode_number(f: Field, value: object) -> bytes:
    if not isinstance(value, (int, Decimal)):
        raise TypeError(f"{f.key}: expected int or Decimal, got {type(value).__name__}")
    scaled = Decimal(value).scaleb(f.decimals)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{f.key}: {value} has more than {f.decimals} decimals")
    number = int(scaled)
    negative = number < 0
    if negative and f.kind is not FieldKind.SIGNED:
        raise ValueError(f"{f.key}: {value} is negative but the field is unsigned")
    digits = f"{abs(number):0{f.size * 2}d}"
    limit_digits = f.size * 2 - (1 if f.kind is FieldKind.SIGNED else 0)
    if len(digits) > f.size * 2 or (f.kind is FieldKind.SIGNED and int(digits[0]) > 7):
        raise ValueError(f"{f.key}: {value} does not fit in {limit_digits} digits")
    raw = bytearray(bytes.fromhex(digits)[::-1])
    if negative:
        raw[-1] |= 0x80
    return bytes(raw)


def _encode_timestamp(f: Field, value: object) -> bytes:
    if not isinstance(value, (datetime, date, time)):
        raise TypeError(f"{f.key}: expected a date/time, got {type(value).__name__}")
    parts: dict[str, int] = {}
    if isinstance(value, (datetime, date)):
        parts |= {
            "YY": value.year % 100,
            "MM": value.month,
            "DD": value.day,
            "WW": (value.weekday() + 1) % 7,
        }  # the standard counts Sunday as 0
    if isinstance(value, (datetime, time)):
        parts |= {"hh": value.hour, "mm": value.minute, "ss": value.second}
    tokens = [f.layout[i : i + 2] for i in range(0, len(f.layout), 2)]
    digits = "".join(f"{parts[t]:02d}" for t in tokens)
    return bytes.fromhex(digits)[::-1]


def encode_values(item: DataItem, values: Mapping[str, object]) -> bytes:
    """Encode ``values`` (keyed by field key) into the data bytes of a read reply."""
    out = bytearray()
    for f in item.fields:
        value = values[f.key]
        if f.kind in (FieldKind.UNSIGNED, FieldKind.SIGNED):
            out += _encode_number(f, value)
        elif f.kind is FieldKind.DIGITS:
            text = str(value)
            if len(text) != f.size * 2 or not text.isdigit():
                raise ValueError(f"{f.key}: {text!r} is not {f.size * 2} digits")
            out += bytes.fromhex(text)[::-1]
        elif f.kind is FieldKind.BITS:
            text = str(value)
            if len(text) != f.size * 2:
                raise ValueError(f"{f.key}: {text!r} is not {f.size * 2} hex digits")
            out += bytes.fromhex(text)[::-1]
        else:
            out += _encode_timestamp(f, value)
    return bytes(out)
