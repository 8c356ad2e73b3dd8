"""A-XDR encoding of DL/T 698.45 ``Data``: the typed values inside APDUs, both directions.

Integers are big-endian; strings and sequences carry a variable-length count (one byte below
0x80, else 0x81/0x82 and one or two length bytes). Bad input raises ``FrameError`` (value_format).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import IntEnum

from drivers.errors import FrameError, FrameKind

MAX_DEPTH = 16  # nesting of arrays/structures; real objects need 3 at most


class DataType(IntEnum):
    """The tags of the Data CHOICE that this subset understands."""

    NULL = 0
    ARRAY = 1
    STRUCTURE = 2
    BOOL = 3
    BIT_STRING = 4
    DOUBLE_LONG = 5
    DOUBLE_LONG_UNSIGNED = 6
    OCTET_STRING = 9
    VISIBLE_STRING = 10
    INTEGER = 15
    LONG = 16
    UNSIGNED = 17
    LONG_UNSIGNED = 18
    LONG64 = 20
    LONG64_UNSIGNED = 21
    ENUM = 22
    DATE_TIME = 25
    DATE = 26
    TIME = 27
    DATE_TIME_S = 28
    OAD = 81
    SCALER_UNIT = 89


# Fixed-size integers: byte count and signedness.
INTEGER_FORMATS: Mapping[DataType, tuple[int, bool]] = {
    DataType.INTEGER: (1, True),
    DataType.LONG: (2, True),
    DataType.DOUBLE_LONG: (4, True),
    DataType.LONG64: (8, True),
    DataType.UNSIGNED: (1, False),
    DataType.ENUM: (1, False),
    DataType.LONG_UNSIGNED: (2, False),
    DataType.DOUBLE_LONG_UNSIGNED: (4, False),
    DataType.LONG64_UNSIGNED: (8, False),
}
SEQUENCE_TYPES = frozenset({DataType.ARRAY, DataType.STRUCTURE})


@dataclass(frozen=True, slots=True, order=True)
class Oad:
    """Object attribute descriptor: object identifier, attribute (with feature bits), index."""

    oi: int
    attribute: int = 2  # bits 0-4 attribute number, bits 5-7 attribute feature
    index: int = 0  # 0 = the whole attribute, n = its n-th element

    def __post_init__(self) -> None:
        if not (0 <= self.oi <= 0xFFFF and 0 <= self.attribute <= 0xFF and 0 <= self.index <= 0xFF):
            raise ValueError(f"OAD fields out of range: {self.oi}, {self.attribute}, {self.index}")

    @classmethod
    def parse(cls, text: str) -> Oad:
        """``"00100200"`` -> Oad(0x0010, 2, 0); raises ``ValueError`` if not 8 hex digits."""
        if len(text) != 8 or not all(c in "0123456789abcdefABCDEF" for c in text):
            raise ValueError(f"an OAD is 8 hex digits (e.g. 00100200), got {text!r}")
        return cls.from_wire(bytes.fromhex(text))

    @classmethod
    def from_wire(cls, raw: bytes) -> Oad:
        return cls(raw[0] << 8 | raw[1], raw[2], raw[3])

    def wire(self) -> bytes:
        return bytes((self.oi >> 8, self.oi & 0xFF, self.attribute, self.index))

    def whole(self) -> Oad:
        return Oad(self.oi, self.attribute, 0)

    def element(self, index: int) -> Oad:
        return Oad(self.oi, self.attribute, index)

    def __str__(self) -> str:
        return self.wire().hex().upper()


@dataclass(frozen=True, slots=True)
class ScalerUnit:
    scaler: int  # the value is raw * 10**scaler
    unit: int  # unit enumeration code (see ``oad.UNITS``)


@dataclass(frozen=True, slots=True)
class BitString:
    bits: str  # "0" and "1" characters, the first bit is the most significant of the first byte

    def __post_init__(self) -> None:
        if set(self.bits) - {"0", "1"}:
            raise ValueError(f"a bit string holds 0 and 1 only, got {self.bits!r}")


Value = (
    None
    | bool
    | int
    | bytes
    | str
    | datetime
    | date
    | time
    | Oad
    | ScalerUnit
    | BitString
    | tuple["Data", ...]
)


@dataclass(frozen=True, slots=True)
class Data:
    """One A-XDR Data value: its type tag and the Python value it carries."""

    type: DataType
    value: Value = None


# --------------------------------------------------------------------------- encoding


def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    if n <= 0xFF:
        return bytes((0x81, n))
    if n <= 0xFFFF:
        return bytes((0x82, n >> 8, n & 0xFF))
    raise ValueError(f"length {n} does not fit the two-byte length form")


def _weekday(d: date) -> int:
    return (d.weekday() + 1) % 7  # the standard counts Sunday as 0


def encode_datetime(t: DataType, v: object) -> bytes:
    """A date_time, date, time or date_time_s without its type tag."""
    if t is DataType.TIME:
        if not isinstance(v, time):
            raise TypeError(f"{t.name}: expected a time, got {type(v).__name__}")
        return bytes((v.hour, v.minute, v.second))
    if not isinstance(v, date) or (t is not DataType.DATE and not isinstance(v, datetime)):
        raise TypeError(f"{t.name}: expected a date/datetime, got {type(v).__name__}")
    out = v.year.to_bytes(2, "big") + bytes((v.month, v.day))
    if t is DataType.DATE:
        return out + bytes((_weekday(v),))
    assert isinstance(v, datetime)
    clock = bytes((v.hour, v.minute, v.second))
    if t is DataType.DATE_TIME_S:
        return out + clock
    return out + bytes((_weekday(v),)) + clock + (v.microsecond // 1000).to_bytes(2, "big")


def _encode_value(d: Data) -> bytes:
    t, v = d.type, d.value
    if t in INTEGER_FORMATS:
        size, signed = INTEGER_FORMATS[t]
        if not isinstance(v, int) or isinstance(v, bool):
            raise TypeError(f"{t.name}: expected an int, got {type(v).__name__}")
        try:
            return v.to_bytes(size, "big", signed=signed)
        except OverflowError:
            raise ValueError(f"{t.name}: {v} does not fit in {size} byte(s)") from None
    if t in SEQUENCE_TYPES:
        if not isinstance(v, tuple):
            raise TypeError(f"{t.name}: expected a tuple of Data, got {type(v).__name__}")
        return encode_length(len(v)) + b"".join(encode_data(item) for item in v)
    if t in (DataType.DATE_TIME, DataType.DATE, DataType.TIME, DataType.DATE_TIME_S):
        return encode_datetime(t, v)
    return _encode_simple(t, v)


def _encode_simple(t: DataType, v: Value) -> bytes:
    if t is DataType.NULL:
        return b""
    if t is DataType.BOOL and isinstance(v, bool):
        return b"\x01" if v else b"\x00"
    if t is DataType.OCTET_STRING and isinstance(v, bytes):
        return encode_length(len(v)) + v
    if t is DataType.VISIBLE_STRING and isinstance(v, str):
        raw = v.encode("ascii")
        return encode_length(len(raw)) + raw
    if t is DataType.BIT_STRING and isinstance(v, BitString):
        padded = v.bits + "0" * (-len(v.bits) % 8)
        body = int(padded, 2).to_bytes(len(padded) // 8, "big") if padded else b""
        return encode_length(len(v.bits)) + body
    if t is DataType.OAD and isinstance(v, Oad):
        return v.wire()
    if t is DataType.SCALER_UNIT and isinstance(v, ScalerUnit):
        if not (-128 <= v.scaler <= 127 and 0 <= v.unit <= 0xFF):
            raise ValueError(f"{t.name}: scaler {v.scaler} or unit {v.unit} out of range")
        return v.scaler.to_bytes(1, "big", signed=True) + bytes((v.unit,))
    raise TypeError(f"{t.name}: cannot encode a {type(v).__name__}")


def encode_data(d: Data) -> bytes:
    """Tag and content of ``d``; raises ``ValueError``/``TypeError`` for an impossible value."""
    return bytes((d.type,)) + _encode_value(d)


# --------------------------------------------------------------------------- decoding


class Reader:
    """A cursor over APDU bytes; every shortfall or bad value is a ``FrameError``."""

    __slots__ = ("buf", "pos")

    def __init__(self, buf: bytes, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    @property
    def remaining(self) -> int:
        return len(self.buf) - self.pos

    def error(self, message: str) -> FrameError:
        return FrameError(FrameKind.VALUE_FORMAT, f"{message} (at APDU offset {self.pos})")

    def take(self, n: int, what: str) -> bytes:
        if self.remaining < n:
            raise self.error(f"{what}: expected {n} bytes, got {self.remaining}")
        chunk = self.buf[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u8(self, what: str) -> int:
        return self.take(1, what)[0]

    def length(self, what: str) -> int:
        first = self.u8(f"{what} length")
        if first < 0x80:
            return first
        if first in (0x81, 0x82):
            return int.from_bytes(self.take(first - 0x80, f"{what} length"), "big")
        raise self.error(f"{what} length: expected a byte below 80 or 81/82, got {first:02X}")

    def oad(self) -> Oad:
        return Oad.from_wire(self.take(4, "OAD"))

    def data(self, depth: int = 0) -> Data:
        tag = self.u8("Data type")
        try:
            t = DataType(tag)
        except ValueError:
            raise self.error(f"Data type {tag} is not supported by this client") from None
        return Data(t, self._value(t, depth))

    def _value(self, t: DataType, depth: int) -> Value:
        if t in INTEGER_FORMATS:
            size, signed = INTEGER_FORMATS[t]
            return int.from_bytes(self.take(size, t.name.lower()), "big", signed=signed)
        if t in SEQUENCE_TYPES:
            if depth >= MAX_DEPTH:
                raise self.error(f"{t.name.lower()} nested deeper than {MAX_DEPTH} levels")
            count = self.length(t.name.lower())
            return tuple(self.data(depth + 1) for _ in range(count))
        if t is DataType.NULL:
            return None
        if t is DataType.BOOL:
            return self.u8("bool") != 0
        if t is DataType.OCTET_STRING:
            return self.take(self.length("octet-string"), "octet-string")
        if t is DataType.VISIBLE_STRING:
            raw = self.take(self.length("visible-string"), "visible-string")
            try:
                return raw.decode("ascii")
            except UnicodeDecodeError:
                raise self.error(f"visible-string {raw.hex(' ').upper()} is not ASCII") from None
        if t is DataType.BIT_STRING:
            bits = self.length("bit-string")
            raw = self.take((bits + 7) // 8, "bit-string")
            text = "".join(f"{byte:08b}" for byte in raw)
            return BitString(text[:bits])
        if t is DataType.OAD:
            return self.oad()
        if t is DataType.SCALER_UNIT:
            raw = self.take(2, "scaler_unit")
            return ScalerUnit(int.from_bytes(raw[:1], "big", signed=True), raw[1])
        return self.datetime_value(t)

    def date_time(self, t: DataType = DataType.DATE_TIME) -> datetime:
        """A date_time (or date_time_s) without its type tag."""
        value = self.datetime_value(t)
        assert isinstance(value, datetime)
        return value

    def datetime_value(self, t: DataType) -> datetime | date | time:
        size = {DataType.DATE_TIME: 10, DataType.DATE: 5, DataType.TIME: 3}.get(t, 7)
        raw = self.take(size, t.name.lower())
        try:
            if t is DataType.TIME:
                return time(raw[0], raw[1], raw[2])
            year = raw[0] << 8 | raw[1]
            if t is DataType.DATE:  # raw[4] is the weekday, redundant with the date
                return date(year, raw[2], raw[3])
            if t is DataType.DATE_TIME_S:
                return datetime(year, raw[2], raw[3], raw[4], raw[5], raw[6])
            millis = raw[8] << 8 | raw[9]
            if millis > 999:
                raise ValueError(f"milliseconds {millis} > 999")
            return datetime(year, raw[2], raw[3], raw[5], raw[6], raw[7], millis * 1000)
        except ValueError as err:
            text = raw.hex(" ").upper()
            raise self.error(f"{t.name.lower()} {text} is not valid ({err})") from None


def decode_data(buf: bytes, pos: int = 0) -> tuple[Data, int]:
    """Decode one Data at ``pos``; returns it and the offset after it. Raises ``FrameError``."""
    reader = Reader(buf, pos)
    return reader.data(), reader.pos
