"""Q/GDW 1376.1-2013 data units: DA/DT (measurement point Pn, function Fn) and the appendix-A
formats of every supported Fn, decoded to plain dicts and encoded back, both directions.

The frame layer (``codec``) hands over the bytes after AFN and SEQ with AUX (PW/EC/Tp) removed.
Numbers are ``Decimal`` (exact, from BCD), times ``datetime``/``date``, an all-EE field (no
data) is ``None``. Decoding raises only ``FrameError``; encoding raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from drivers.errors import FrameError, FrameKind

ALL_POINTS: Final = 0xFFFF  # DA = FF 00: every valid measurement point (not p0)
MAX_PN: Final = 2040  # DA2 1..255, eight points each
MAX_FN: Final = 2048  # DT2 0..255, eight functions each

AFN_NAMES: Final[dict[int, tuple[str, str]]] = {
    0x00: ("confirm/deny", "确认/否认"),
    0x02: ("link test", "链路接口检测"),
    0x04: ("set parameters", "设置参数"),
    0x05: ("control", "控制命令"),
    0x0A: ("query parameters", "查询参数"),
    0x0C: ("current data", "请求1类数据"),
    0x0D: ("historical data", "请求2类数据"),
    0x0E: ("events", "请求3类数据"),
    0x10: ("data forwarding", "数据转发"),
}

# Td_c freeze density (冻结密度 m) -> minutes between curve points; 0 means "not frozen".
DENSITY_MINUTES: Final[dict[int, int]] = {1: 15, 2: 30, 3: 60, 254: 5, 255: 1}


@dataclass(frozen=True, slots=True)
class DataUnit:
    pn: int  # measurement point; 0 = the terminal itself (p0), ALL_POINTS = every point
    fn: int
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FnInfo:
    afn: int
    fn: int
    name_en: str
    name_zh: str


def density_minutes(code: int) -> int:
    """Minutes between the points of a curve whose Td_c density byte is ``code``."""
    try:
        return DENSITY_MINUTES[code]
    except KeyError:
        raise ValueError(f"curve density code {code} names no interval") from None


# ---------------------------------------------------------------- DA / DT

_BITS: Final = tuple(tuple(b for b in range(8) if v >> b & 1) for v in range(256))
_BCD: Final = tuple((i // 10) << 4 | i % 10 for i in range(100))


class _BadValueError(Exception):
    """A value's bytes are malformed; whoever catches it adds where it was."""


def _points(da1: int, da2: int) -> list[int]:
    if da2 == 0:
        if da1 == 0:
            return [0]
        if da1 == 0xFF:
            return [ALL_POINTS]
        raise _BadValueError(f"DA {da1:02X} 00 is neither p0 (00 00) nor all points (FF 00)")
    if da1 == 0:
        raise _BadValueError(f"DA 00 {da2:02X} names no measurement point")
    base = (da2 - 1) * 8 + 1
    return [base + b for b in _BITS[da1]]


def _functions(dt1: int, dt2: int) -> list[int]:
    if dt1 == 0:
        raise _BadValueError(f"DT 00 {dt2:02X} names no Fn")
    base = dt2 * 8 + 1
    return [base + b for b in _BITS[dt1]]


def encode_da(pns: Sequence[int]) -> bytes:
    """DA1 (a bit per point) and DA2 (the group of eight); p0 is 00 00, ALL_POINTS FF 00."""
    points = set(pns)
    if points in ({0}, {ALL_POINTS}):
        return b"\x00\x00" if points == {0} else b"\xff\x00"
    if not points:
        raise ValueError("a DA needs at least one measurement point")
    wrong = sorted(p for p in points if not 1 <= p <= MAX_PN)
    if wrong:
        raise ValueError(f"measurement points {wrong} cannot share a DA (1-{MAX_PN}, or p0 alone)")
    groups = {(p - 1) >> 3 for p in points}
    if len(groups) > 1:
        raise ValueError(f"measurement points {sorted(points)} are not in one DA group of 8")
    da1 = 0
    for p in points:
        da1 |= 1 << ((p - 1) & 7)
    return bytes((da1, groups.pop() + 1))


def decode_da(raw: bytes) -> list[int]:
    """The measurement points a 2-byte DA names, ascending."""
    if len(raw) != 2:
        raise FrameError(FrameKind.LENGTH, f"a DA is 2 bytes, got {len(raw)}")
    try:
        return _points(raw[0], raw[1])
    except _BadValueError as err:
        raise FrameError(FrameKind.VALUE_FORMAT, str(err)) from None


def encode_dt(fns: Sequence[int]) -> bytes:
    """DT1 (a bit per Fn) and DT2 (the group of eight): Fn = DT2 * 8 + bit + 1."""
    functions = set(fns)
    if not functions:
        raise ValueError("a DT needs at least one Fn")
    wrong = sorted(f for f in functions if not 1 <= f <= MAX_FN)
    if wrong:
        raise ValueError(f"Fn {wrong} out of range 1-{MAX_FN}")
    groups = {(f - 1) >> 3 for f in functions}
    if len(groups) > 1:
        raise ValueError(f"Fn {sorted(functions)} are not in one DT group of 8")
    dt1 = 0
    for f in functions:
        dt1 |= 1 << ((f - 1) & 7)
    return bytes((dt1, groups.pop()))


def decode_dt(raw: bytes) -> list[int]:
    """The Fns a 2-byte DT names, ascending."""
    if len(raw) != 2:
        raise FrameError(FrameKind.LENGTH, f"a DT is 2 bytes, got {len(raw)}")
    try:
        return _functions(raw[0], raw[1])
    except _BadValueError as err:
        raise FrameError(FrameKind.VALUE_FORMAT, str(err)) from None


# ---------------------------------------------------------------- reading with context


class _Reader:
    """The data bytes, a position, and the AFN/Fn/pn being decoded (for error messages)."""

    __slots__ = ("afn", "data", "fn", "part", "pn", "pos")

    def __init__(self, data: bytes, afn: int) -> None:
        self.data = data
        self.pos = 0
        self.afn = afn
        self.fn = 0
        self.pn = 0
        self.part = ""  # e.g. "ERC14" inside an event record

    @property
    def left(self) -> int:
        return len(self.data) - self.pos

    def where(self) -> str:
        point = "all points" if self.pn == ALL_POINTS else f"p{self.pn}"
        part = f" {self.part}" if self.part else ""
        return f"AFN {self.afn:02X} F{self.fn} {point}{part}"

    def take(self, size: int, what: str) -> bytes:
        end = self.pos + size
        if end > len(self.data):
            raise FrameError(
                FrameKind.TRUNCATED,
                f"{self.where()}: truncated: {what} needs {size} bytes, {self.left} left",
            )
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def bad(self, what: str, problem: object) -> FrameError:
        return FrameError(FrameKind.VALUE_FORMAT, f"{self.where()}: {what}: {problem}")


def _get(values: Mapping[str, object], key: str) -> object:
    try:
        return values[key]
    except KeyError:
        raise ValueError(f"missing {key!r}") from None


def _int(value: object, key: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{key}: expected an integer {low}-{high}, got {value!r}")
    return value


# ---------------------------------------------------------------- appendix A formats


class _Format:
    """A fixed-size value: ``decode`` raises ``_BadValueError``, ``encode`` ``ValueError``."""

    __slots__ = ("empty", "name", "size")

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.size = size
        self.empty = b"\xee" * size

    def decode(self, chunk: bytes) -> object:
        raise NotImplementedError

    def encode(self, value: object, key: str) -> bytes:
        raise NotImplementedError

    def not_bcd(self, chunk: bytes) -> _BadValueError:
        return _BadValueError(f"{self.name} bytes {chunk.hex(' ').upper()} are not BCD")


_SIGNED_TENS: Final = {c: str(i) for i, c in enumerate("89abcdef")}  # top nibble with D7 set


class _Number(_Format):
    """BCD, low byte first, a fixed number of decimals; ``signed``: D7 of the last byte."""

    __slots__ = ("decimals", "limit", "signed")

    def __init__(self, name: str, size: int, decimals: int, signed: bool = False) -> None:
        super().__init__(name, size)
        self.decimals = decimals
        self.signed = signed
        self.limit = 8 * 10 ** (2 * size - 1) if signed else 10 ** (2 * size)

    def decode(self, chunk: bytes) -> Decimal | None:
        digits = chunk[::-1].hex()
        negative = False
        if self.signed and digits[0] in _SIGNED_TENS:
            negative = True
            digits = _SIGNED_TENS[digits[0]] + digits[1:]
        if not digits.isdigit():
            if chunk == self.empty:
                return None
            raise self.not_bcd(chunk)
        d = self.decimals
        number = Decimal(f"{digits[:-d]}.{digits[-d:]}" if d else digits)
        return -number if negative else number

    def encode(self, value: object, key: str) -> bytes:
        if value is None:
            return self.empty
        magnitude, negative = self._scaled(value, key)
        if negative and not self.signed:
            raise ValueError(f"{key}: {value} is negative but {self.name} is unsigned")
        if magnitude >= self.limit:
            raise ValueError(f"{key}: {value} does not fit {self.name}")
        raw = bytearray.fromhex(f"{magnitude:0{2 * self.size}d}")
        raw.reverse()
        if negative:
            raw[-1] |= 0x80
        return bytes(raw)

    def _scaled(self, value: object, key: str) -> tuple[int, bool]:
        """|value| * 10**decimals as an exact integer, and the sign."""
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise ValueError(f"{key}: expected a Decimal or int, got {value!r}")
        if isinstance(value, int):
            return abs(value) * 10**self.decimals, value < 0
        if not value.is_finite():
            raise ValueError(f"{key}: {value} is not a number")
        sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # finite
        number = int("".join(map(str, digits)) or "0")
        shift = exponent + self.decimals
        if number == 0:
            return 0, False
        if shift >= 0:
            if shift > 2 * self.size:
                raise ValueError(f"{key}: {value} does not fit {self.name}")
            return number * 10**shift, bool(sign)
        if -shift > len(digits) or number % 10**-shift:
            raise ValueError(f"{key}: {value} has more than {self.decimals} decimals")
        return number // 10**-shift, bool(sign)


class _Count(_Format):
    """A BCD integer (event counts): ``int``, or ``None`` when all EE."""

    def decode(self, chunk: bytes) -> int | None:
        digits = chunk[::-1].hex()
        if not digits.isdigit():
            if chunk == self.empty:
                return None
            raise self.not_bcd(chunk)
        return int(digits)

    def encode(self, value: object, key: str) -> bytes:
        if value is None:
            return self.empty
        number = _int(value, key, 0, 10 ** (2 * self.size) - 1)
        return bytes.fromhex(f"{number:0{2 * self.size}d}")[::-1]


class _Stamp(_Format):
    """A.1 (ss mm hh DD week|MM YY), A.15 (mm hh DD MM YY) or A.20 (DD MM YY), 2000-2099.

    A.1 carries the weekday in D5-D7 of the month byte (1 = Monday .. 7 = Sunday, 0 = not set):
    decoding ignores it, encoding writes the real one. A.15 has minute resolution and A.1
    second resolution: encoding drops what is finer.
    """

    __slots__ = ("week",)

    def __init__(self, name: str, size: int) -> None:
        super().__init__(name, size)
        self.week = size == 6

    def decode(self, chunk: bytes) -> datetime | date | None:
        if chunk == self.empty:
            return None
        raw = chunk[::-1]  # YY MM DD hh mm ss
        if self.week:
            raw = bytes((raw[0], raw[1] & 0x1F)) + raw[2:]
        digits = raw.hex()
        if not digits.isdigit():
            raise self.not_bcd(chunk)
        try:
            year, month, day = 2000 + int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
            if self.size == 3:
                return date(year, month, day)
            second = int(digits[10:12]) if self.week else 0
            return datetime(year, month, day, int(digits[6:8]), int(digits[8:10]), second)
        except ValueError as err:
            raise _BadValueError(f"{self.name} {digits} is not a valid date/time ({err})") from None

    def encode(self, value: object, key: str) -> bytes:
        if value is None:
            return self.empty
        if self.size == 3:
            if not isinstance(value, date):
                raise ValueError(f"{key}: expected a date, got {value!r}")
        elif not isinstance(value, datetime):
            raise ValueError(f"{key}: expected a datetime, got {value!r}")
        if not 2000 <= value.year <= 2099:
            raise ValueError(f"{key}: {value} is outside 2000-2099")
        raw = [_BCD[value.year - 2000], _BCD[value.month], _BCD[value.day]]
        if isinstance(value, datetime) and self.size > 3:
            raw += (_BCD[value.hour], _BCD[value.minute])
            if self.week:
                raw[1] |= value.isoweekday() << 5
                raw.append(_BCD[value.second])
        return bytes(reversed(raw))


class _Bin(_Format):
    """An unsigned binary integer, low byte first."""

    def decode(self, chunk: bytes) -> int:
        return int.from_bytes(chunk, "little")

    def encode(self, value: object, key: str) -> bytes:
        return _int(value, key, 0, 256**self.size - 1).to_bytes(self.size, "little")


class _Digits(_Format):
    """A BCD digit string, low byte first (addresses, A.12): ``"000000123456"``."""

    def decode(self, chunk: bytes) -> str:
        digits = chunk[::-1].hex()
        if not digits.isdigit():
            raise self.not_bcd(chunk)
        return digits

    def encode(self, value: object, key: str) -> bytes:
        if not (isinstance(value, str) and len(value) == 2 * self.size and value.isdigit()):
            raise ValueError(f"{key}: expected {2 * self.size} decimal digits, got {value!r}")
        return bytes.fromhex(value)[::-1]


_HEX_DIGITS: Final = frozenset("0123456789abcdefABCDEF")


class _HexWord(_Format):
    """Binary bytes shown as hex, most significant first (passwords): ``"00000000ABCD"``."""

    def decode(self, chunk: bytes) -> str:
        return chunk[::-1].hex().upper()

    def encode(self, value: object, key: str) -> bytes:
        if not (
            isinstance(value, str) and len(value) == 2 * self.size and set(value) <= _HEX_DIGITS
        ):
            raise ValueError(f"{key}: expected {2 * self.size} hex digits, got {value!r}")
        return bytes.fromhex(value)[::-1]


class _FrameTimeout(_Format):
    """AFN 10 F1 frame wait: D7 the unit (0: 10 ms, 1: 1 s), D0-D6 the count; in ms."""

    def decode(self, chunk: bytes) -> int:
        b = chunk[0]
        return (b & 0x7F) * (1000 if b & 0x80 else 10)

    def encode(self, value: object, key: str) -> bytes:
        ms = _int(value, key, 0, 127_000)
        if ms % 10 == 0 and ms <= 1270:
            return bytes((ms // 10,))
        if ms % 1000 == 0:
            return bytes((0x80 | ms // 1000,))
        raise ValueError(f"{key}: {ms} ms is neither 10-1270 ms in 10s nor whole seconds")


class _TensOfMs(_Format):
    """AFN 10 F1 byte wait: one byte counting 10 ms; in ms."""

    def decode(self, chunk: bytes) -> int:
        return chunk[0] * 10

    def encode(self, value: object, key: str) -> bytes:
        ms = _int(value, key, 0, 2550)
        if ms % 10:
            raise ValueError(f"{key}: {ms} ms is not a multiple of 10 ms")
        return bytes((ms // 10,))


A1 = _Stamp("A.1", 6)
A15 = _Stamp("A.15", 5)
A20 = _Stamp("A.20", 3)
A5 = _Number("A.5", 2, 1, signed=True)  # ±XXX.X %
A7 = _Number("A.7", 2, 1)  # XXX.X V
A9 = _Number("A.9", 3, 4, signed=True)  # ±XX.XXXX kW
A11 = _Number("A.11", 4, 2)  # XXXXXX.XX kWh
A13 = _Number("A.13", 4, 4)  # XXXX.XXXX kWh
A14 = _Number("A.14", 5, 4)  # XXXXXX.XXXX kWh
A25 = _Number("A.25", 3, 3, signed=True)  # ±XXX.XXX A
BIN1 = _Bin("BIN", 1)
BIN2 = _Bin("BIN", 2)

# ---------------------------------------------------------------- fields of a data unit


class _Field:
    """One part of a layout: reads itself into the dict, writes itself from it."""

    __slots__ = ()
    size: int | None = None  # bytes, when fixed

    def decode_into(self, r: _Reader, out: dict[str, object]) -> None:
        raise NotImplementedError

    def encode_from(self, values: Mapping[str, object], out: bytearray) -> None:
        raise NotImplementedError


class _One(_Field):
    __slots__ = ("fmt", "key", "size")

    def __init__(self, key: str, fmt: _Format) -> None:
        self.key = key
        self.fmt = fmt
        self.size = fmt.size

    def decode_into(self, r: _Reader, out: dict[str, object]) -> None:
        chunk = r.take(self.fmt.size, f"{self.key} ({self.fmt.name})")
        try:
            out[self.key] = self.fmt.decode(chunk)
        except _BadValueError as err:
            raise r.bad(self.key, err) from None

    def encode_from(self, values: Mapping[str, object], out: bytearray) -> None:
        out += self.fmt.encode(_get(values, self.key), self.key)


class _Many(_Field):
    """A list of one format: a fixed count, or an earlier field's value plus ``plus``."""

    __slots__ = ("count", "fmt", "key", "plus", "size")

    def __init__(self, key: str, fmt: _Format, count: int | str, plus: int = 0) -> None:
        self.key = key
        self.fmt = fmt
        self.count = count
        self.plus = plus
        self.size = count * fmt.size if isinstance(count, int) else None

    def _n(self, known: Mapping[str, object]) -> int:
        if isinstance(self.count, int):
            return self.count
        return _int(_get(known, self.count), self.count, 0, 0xFFFF) + self.plus

    def decode_into(self, r: _Reader, out: dict[str, object]) -> None:
        n, size, decode = self._n(out), self.fmt.size, self.fmt.decode
        chunk = r.take(n * size, f"{self.key} ({n} x {self.fmt.name})")
        try:
            out[self.key] = [decode(chunk[i : i + size]) for i in range(0, n * size, size)]
        except _BadValueError as err:
            raise r.bad(self.key, err) from None

    def encode_from(self, values: Mapping[str, object], out: bytearray) -> None:
        items = _get(values, self.key)
        n = self._n(values)
        if not isinstance(items, (list, tuple)) or len(items) != n:
            raise ValueError(f"{self.key}: expected a list of {n} values, got {items!r}")
        for i, item in enumerate(items):
            out += self.fmt.encode(item, f"{self.key}[{i}]")


@dataclass(frozen=True, slots=True)
class _Bits:
    key: str
    shift: int
    width: int
    plus: int = 0  # the wire holds value - plus
    kind: str = "int"  # "int", "bool" (one bit) or "flags" (a list of width bools)


class _Packed(_Field):
    """A binary word split into several keys."""

    __slots__ = ("bits", "nbytes", "size")

    def __init__(self, nbytes: int, *bits: _Bits) -> None:
        self.nbytes = nbytes
        self.size = nbytes
        self.bits = bits

    def decode_into(self, r: _Reader, out: dict[str, object]) -> None:
        word = int.from_bytes(r.take(self.nbytes, "/".join(b.key for b in self.bits)), "little")
        for b in self.bits:
            v = word >> b.shift & ((1 << b.width) - 1)
            if b.kind == "flags":
                out[b.key] = [bool(v >> i & 1) for i in range(b.width)]
            else:
                out[b.key] = bool(v) if b.kind == "bool" else v + b.plus

    def encode_from(self, values: Mapping[str, object], out: bytearray) -> None:
        word = 0
        for b in self.bits:
            value = _get(values, b.key)
            if b.kind == "flags":
                if not (
                    isinstance(value, (list, tuple))
                    and len(value) == b.width
                    and all(isinstance(x, bool) for x in value)
                ):
                    raise ValueError(f"{b.key}: expected {b.width} bools, got {value!r}")
                v = sum(1 << i for i, x in enumerate(value) if x)
            elif b.kind == "bool":
                if not isinstance(value, bool):
                    raise ValueError(f"{b.key}: expected a bool, got {value!r}")
                v = int(value)
            else:
                v = _int(value, b.key, b.plus, b.plus + (1 << b.width) - 1) - b.plus
            word |= v << b.shift
        out += word.to_bytes(self.nbytes, "little")


class _Payload(_Field):
    """A 2-byte length k and k bytes (AFN 10 forwarded frames)."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def decode_into(self, r: _Reader, out: dict[str, object]) -> None:
        k = int.from_bytes(r.take(2, f"{self.key} length"), "little")
        out[self.key] = r.take(k, self.key)

    def encode_from(self, values: Mapping[str, object], out: bytearray) -> None:
        payload = _get(values, self.key)
        if not isinstance(payload, (bytes, bytearray)) or len(payload) > 0xFFFF:
            raise ValueError(f"{self.key}: expected up to 65535 bytes, got {payload!r}")
        out += len(payload).to_bytes(2, "little") + payload


class _Table(_Field):
    """A 2-byte count n and n records (dicts) of ``fields``, or n values of one format."""

    __slots__ = ("item", "key")

    def __init__(self, key: str, item: tuple[_Field, ...] | _Format) -> None:
        self.key = key
        self.item = item

    def decode_into(self, r: _Reader, out: dict[str, object]) -> None:
        n = int.from_bytes(r.take(2, f"{self.key} count"), "little")
        if isinstance(self.item, _Format):
            _Many(self.key, self.item, n).decode_into(r, out)
            return
        rows: list[dict[str, object]] = []
        for _ in range(n):
            row: dict[str, object] = {}
            for f in self.item:
                f.decode_into(r, row)
            rows.append(row)
        out[self.key] = rows

    def encode_from(self, values: Mapping[str, object], out: bytearray) -> None:
        rows = _get(values, self.key)
        if not isinstance(rows, (list, tuple)) or len(rows) > 0xFFFF:
            raise ValueError(f"{self.key}: expected a list, got {rows!r}")
        out += len(rows).to_bytes(2, "little")
        if isinstance(self.item, _Format):
            _Many(self.key, self.item, len(rows)).encode_from(values, out)
            return
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise ValueError(f"{self.key}[{i}]: expected a dict, got {row!r}")
            for f in self.item:
                f.encode_from(row, out)


class _Acks(_Field):
    """AFN 00 F3: DA DT ERR repeated to the end of the data; ERR 0 confirms, anything else
    denies. A DA or DT naming several points/Fns gives one item per pair."""

    __slots__ = ()

    def decode_into(self, r: _Reader, out: dict[str, object]) -> None:
        items: list[dict[str, object]] = []
        while r.left:
            raw = r.take(5, "DA DT ERR")
            try:
                pns, fns = _points(raw[0], raw[1]), _functions(raw[2], raw[3])
            except _BadValueError as err:
                raise r.bad("items", err) from None
            ok = raw[4] == 0
            items += ({"pn": p, "fn": f, "ok": ok} for p in pns for f in fns)
        out["items"] = items

    def encode_from(self, values: Mapping[str, object], out: bytearray) -> None:
        items = _get(values, "items")
        if not isinstance(items, (list, tuple)):
            raise ValueError(f"items: expected a list, got {items!r}")
        for item in items:
            if not isinstance(item, Mapping) or not isinstance(_get(item, "ok"), bool):
                raise ValueError(f"items: expected {{'pn', 'fn', 'ok': bool}}, got {item!r}")
            pn = _int(_get(item, "pn"), "pn", 0, ALL_POINTS)
            fn = _int(_get(item, "fn"), "fn", 1, MAX_FN)
            out += encode_da([pn]) + encode_dt([fn]) + (b"\x00" if item["ok"] else b"\x01")


# ---------------------------------------------------------------- event records (ERC)


@dataclass(frozen=True, slots=True)
class _Erc:
    code: int
    name_en: str
    name_zh: str
    fields: tuple[_Field, ...]
    size: int = field(init=False)

    def __post_init__(self) -> None:
        sizes = [f.size for f in self.fields]
        assert all(s is not None for s in sizes), self.code
        object.__setattr__(self, "size", sum(s for s in sizes if s is not None))


_POINT_AND_START = _Packed(2, _Bits("pn", 0, 12), _Bits("start", 15, 1, kind="bool"))
_QUADRANTS = ("q1_reactive_kvarh", "q2_reactive_kvarh", "q3_reactive_kvarh", "q4_reactive_kvarh")

ERCS: Final[dict[int, _Erc]] = {
    e.code: e
    for e in (
        _Erc(
            10,
            "voltage/current circuit abnormal",
            "电压/电流回路异常",
            (
                _One("at", A15),
                _POINT_AND_START,
                _Packed(1, _Bits("phases", 0, 3, kind="flags"), _Bits("kind", 6, 2)),
                _Many("voltage_v", A7, 3),
                _Many("current_a", A25, 3),
                _One("forward_active_kwh", A14),
            ),
        ),
        _Erc(
            14,
            "terminal power off/on",
            "终端停/上电事件",
            (_One("power_off_at", A15), _One("power_on_at", A15)),
        ),
        # Le = 70 as 2013 terminals send it: the open count and the meter's own DL/T 645-2007
        # record (03300D01: open and close time, then forward/reverse active and Q1-Q4
        # reactive totals before opening and after closing, each 4-byte XXXXXX.XX = A.11).
        _Erc(
            37,
            "meter cover opened",
            "电能表开表盖事件记录",
            (
                _One("at", A15),
                _POINT_AND_START,
                _One("count", _Count("BCD", 3)),
                _One("opened_at", A1),
                _One("closed_at", A1),
                _One("forward_active_kwh", A11),
                _One("reverse_active_kwh", A11),
                *(_One(k, A11) for k in _QUADRANTS),
                _One("after_forward_active_kwh", A11),
                _One("after_reverse_active_kwh", A11),
                *(_One(f"after_{k}", A11) for k in _QUADRANTS),
            ),
        ),
    )
}


class _Events(_Field):
    """AFN 0E F1/F2 uplink: (Pn - Pm) mod 256 records of ERC, Le and Le bytes."""

    __slots__ = ()

    def decode_into(self, r: _Reader, out: dict[str, object]) -> None:
        start, end = out["start_pointer"], out["end_pointer"]
        assert isinstance(start, int) and isinstance(end, int)  # BIN fields just decoded
        n = (end - start) % 256
        events: list[dict[str, object]] = []
        for _ in range(n):
            erc, le = r.take(2, "ERC and Le")
            spec = ERCS.get(erc)
            r.part = f"ERC{erc}"
            if spec is None:
                events.append({"erc": erc, "raw": r.take(le, "record").hex().upper()})
            elif le != spec.size:
                raise r.bad("Le", f"is {le}, the record is {spec.size} bytes")
            else:
                event: dict[str, object] = {"erc": erc}
                for f in spec.fields:
                    f.decode_into(r, event)
                events.append(event)
            r.part = ""
        out["events"] = events

    def encode_from(self, values: Mapping[str, object], out: bytearray) -> None:
        events = _get(values, "events")
        start = _int(_get(values, "start_pointer"), "start_pointer", 0, 255)
        n = (_int(_get(values, "end_pointer"), "end_pointer", 0, 255) - start) % 256
        if not isinstance(events, (list, tuple)) or len(events) != n:
            raise ValueError(f"events: the pointers say {n} records, got {events!r}")
        for event in events:
            if not isinstance(event, Mapping):
                raise ValueError(f"events: expected dicts, got {event!r}")
            erc = _int(_get(event, "erc"), "erc", 0, 255)
            spec = ERCS.get(erc)
            if spec is None:
                raw = _get(event, "raw")
                if not isinstance(raw, str) or not set(raw) <= _HEX_DIGITS or len(raw) % 2:
                    raise ValueError(f"ERC{erc} raw: expected hex digits, got {raw!r}")
                body = bytes.fromhex(raw)
            else:
                buffer = bytearray()
                for f in spec.fields:
                    f.encode_from(event, buffer)
                body = bytes(buffer)
            if len(body) > 0xFF:
                raise ValueError(f"ERC{erc}: a record is at most 255 bytes, got {len(body)}")
            out += bytes((erc, len(body))) + body


# ---------------------------------------------------------------- the Fn table


@dataclass(frozen=True, slots=True)
class _Layout:
    fields: tuple[_Field, ...] = ()
    greedy: bool = False  # runs to the end of the data: never share a DA with another unit

    def decode(self, r: _Reader) -> dict[str, object]:
        out: dict[str, object] = {}
        for f in self.fields:
            f.decode_into(r, out)
        return out

    def encode(self, values: Mapping[str, object]) -> bytes:
        out = bytearray()
        for f in self.fields:
            f.encode_from(values, out)
        return bytes(out)


_NO_DATA = _Layout()
_CLOCK = _Layout((_One("clock", A1),))
_TD_D = (_One("day", A20),)
_TD_C = (_One("start", A15), _One("density", BIN1), _One("count", BIN1))
_METER = (  # AFN 04/0A F10: one meter or AC sampling device, 27 bytes
    _One("serial", BIN2),
    _One("pn", BIN2),
    _Packed(1, _Bits("port", 0, 5), _Bits("baud_code", 5, 3)),
    _One("protocol", BIN1),
    _One("address", _Digits("A.12", 6)),
    _One("password", _HexWord("BIN", 6)),
    _Packed(1, _Bits("tariffs", 0, 6)),
    _Packed(1, _Bits("dec_digits", 0, 2, plus=1), _Bits("int_digits", 2, 2, plus=4)),
    _One("collector", _Digits("A.12", 6)),
    _Packed(1, _Bits("user_subclass", 0, 4), _Bits("user_class", 4, 4)),
)
_TARIFFS = (_One("read_at", A15), _One("tariffs", BIN1))
_POINTERS = (_One("start_pointer", BIN1), _One("end_pointer", BIN1))

# (AFN, Fn) -> English name, Chinese name, downlink layout, uplink layout (None: not supported)
_L = _Layout
_FNS: Final[dict[tuple[int, int], tuple[str, str, _Layout | None, _Layout | None]]] = {
    (0x00, 1): ("all confirmed", "全部确认", _NO_DATA, _NO_DATA),
    (0x00, 2): ("all denied", "全部否认", _NO_DATA, _NO_DATA),
    (0x00, 3): (
        "confirm/deny by data unit",
        "按数据单元标识确认和否认",
        _L((_One("afn", BIN1), _Acks()), greedy=True),
        _L((_One("afn", BIN1), _Acks()), greedy=True),
    ),
    (0x02, 1): ("login", "登录", None, _NO_DATA),
    (0x02, 2): ("logout", "退出登录", None, _NO_DATA),
    (0x02, 3): ("heartbeat", "心跳", None, _NO_DATA),
    (0x04, 10): (
        "meter/AC sampling device configuration",
        "终端电能表/交流采样装置配置参数",
        _L((_Table("meters", _METER),)),
        None,
    ),
    (0x05, 31): ("set clock", "对时命令", _CLOCK, None),
    (0x0A, 10): (
        "meter/AC sampling device configuration",
        "终端电能表/交流采样装置配置参数",
        _L((_Table("serials", BIN2),)),
        _L((_Table("meters", _METER),)),
    ),
    (0x0C, 2): ("terminal clock", "终端日历时钟", _NO_DATA, _CLOCK),
    (0x0C, 25): (
        "current three-phase and total active/reactive power, power factor, voltage, "
        "current, neutral current, apparent power",
        "当前三相及总有/无功功率、功率因数，三相电压、电流、零序电流、视在功率",
        _NO_DATA,
        _L(
            (
                _One("read_at", A15),
                _Many("active_power_kw", A9, 4),
                _Many("reactive_power_kvar", A9, 4),
                _Many("power_factor_pct", A5, 4),
                _Many("voltage_v", A7, 3),
                _Many("current_a", A25, 3),
                _One("neutral_current_a", A25),
                _Many("apparent_power_kva", A9, 4),
            )
        ),
    ),
    (0x0C, 129): (
        "current forward active energy (total, tariffs 1-M)",
        "当前正向有功电能示值（总、费率1～M）",
        _NO_DATA,
        _L((*_TARIFFS, _Many("forward_active_kwh", A14, "tariffs", 1))),
    ),
    (0x0D, 1): (
        "daily frozen forward active/reactive and Q1/Q4 reactive energy (total, tariffs 1-M)",
        "日冻结正向有/无功电能示值、一/四象限无功电能示值（总、费率1～M）",
        _L(_TD_D),
        _L(
            (
                *_TD_D,
                *_TARIFFS,
                _Many("forward_active_kwh", A14, "tariffs", 1),
                _Many("forward_reactive_kvarh", A11, "tariffs", 1),
                _Many("q1_reactive_kvarh", A11, "tariffs", 1),
                _Many("q4_reactive_kvarh", A11, "tariffs", 1),
            )
        ),
    ),
    (0x0D, 161): (
        "daily frozen forward active energy (total, tariffs 1-M)",
        "日冻结正向有功电能示值（总、费率1～M）",
        _L(_TD_D),
        _L((*_TD_D, *_TARIFFS, _Many("forward_active_kwh", A14, "tariffs", 1))),
    ),
    (0x0E, 1): (
        "important events",
        "请求重要事件",
        _L(_POINTERS),
        _L((_One("ec1", BIN1), _One("ec2", BIN1), *_POINTERS, _Events())),
    ),
    (0x0E, 2): (
        "normal events",
        "请求一般事件",
        _L(_POINTERS),
        _L((_One("ec1", BIN1), _One("ec2", BIN1), *_POINTERS, _Events())),
    ),
    (0x10, 1): (
        "transparent forwarding",
        "透明转发",
        _L(
            (
                _One("port", BIN1),
                _One("control", BIN1),
                _One("timeout_ms", _FrameTimeout("BIN", 1)),
                _One("byte_timeout_ms", _TensOfMs("BIN", 1)),
                _Payload("payload"),
            )
        ),
        _L((_One("port", BIN1), _Payload("payload"))),
    ),
}

# AFN 0D curves: Td_c down; Td_c and `count` points up.
_CURVES: Final = {
    81: ("active power curve", "测量点有功功率曲线", A9),
    82: ("phase A active power curve", "测量点A相有功功率曲线", A9),
    83: ("phase B active power curve", "测量点B相有功功率曲线", A9),
    84: ("phase C active power curve", "测量点C相有功功率曲线", A9),
    89: ("phase A voltage curve", "测量点A相电压曲线", A7),
    90: ("phase B voltage curve", "测量点B相电压曲线", A7),
    91: ("phase C voltage curve", "测量点C相电压曲线", A7),
    92: ("phase A current curve", "测量点A相电流曲线", A25),
    93: ("phase B current curve", "测量点B相电流曲线", A25),
    94: ("phase C current curve", "测量点C相电流曲线", A25),
    97: ("forward active energy curve", "测量点正向有功总电能量曲线", A13),
    101: ("forward active energy reading curve", "测量点正向有功总电能示值曲线", A11),
}
_FNS.update(
    {
        (0x0D, fn): (en, zh, _L(_TD_C), _L((*_TD_C, _Many("points", fmt, "count"))))
        for fn, (en, zh, fmt) in _CURVES.items()
    }
)

FN_INFO: Final[dict[tuple[int, int], FnInfo]] = {
    (afn, fn): FnInfo(afn, fn, en, zh) for (afn, fn), (en, zh, _, _) in _FNS.items()
}
_LAYOUTS: Final[dict[tuple[int, int, bool], _Layout]] = {
    (afn, fn, up): layout
    for (afn, fn), (_, _, down_layout, up_layout) in _FNS.items()
    for up, layout in ((False, down_layout), (True, up_layout))
    if layout is not None
}


def fn_info(afn: int, fn: int) -> FnInfo | None:
    return FN_INFO.get((afn, fn))


def _direction(uplink: bool) -> str:
    return "uplink" if uplink else "downlink"


# ---------------------------------------------------------------- data units


def decode_units(afn: int, uplink: bool, data: bytes) -> list[DataUnit]:
    """Every data unit in ``data``: a DA naming several points and a DT several Fns give one
    unit per pair, for each pn (ascending) for each Fn (ascending), as the data is laid out."""
    r = _Reader(bytes(data), afn)
    units: list[DataUnit] = []
    while r.left:
        if r.left < 4:
            raise FrameError(
                FrameKind.TRUNCATED,
                f"AFN {afn:02X}: truncated: {r.left} bytes at offset {r.pos} "
                "where a DA and DT (4 bytes) were expected",
            )
        da1, da2, dt1, dt2 = r.take(4, "DA DT")
        try:
            pns, fns = _points(da1, da2), _functions(dt1, dt2)
        except _BadValueError as err:
            raise FrameError(
                FrameKind.VALUE_FORMAT, f"AFN {afn:02X} at offset {r.pos - 4}: {err}"
            ) from None
        layouts = []
        for fn in fns:
            layout = _LAYOUTS.get((afn, fn, uplink))
            if layout is None:
                raise FrameError(
                    FrameKind.UNSUPPORTED,
                    f"AFN {afn:02X} F{fn} is not supported ({_direction(uplink)})",
                )
            layouts.append((fn, layout))
        for pn in pns:
            r.pn = pn
            for fn, layout in layouts:
                r.fn = fn
                units.append(DataUnit(pn, fn, layout.decode(r)))
    return units


def encode_units(afn: int, uplink: bool, units: Sequence[DataUnit]) -> bytes:
    """The data units as sent. Consecutive units of one Fn whose points share a DA group
    (ascending) go under one DA/DT; decoding gives the same list back."""
    out = bytearray()
    i = 0
    while i < len(units):
        first = units[i]
        layout = _LAYOUTS.get((afn, first.fn, uplink))
        if layout is None:
            raise ValueError(f"AFN {afn:02X} F{first.fn} is not supported ({_direction(uplink)})")
        group = [first]
        if 1 <= first.pn <= MAX_PN and not layout.greedy:
            for unit in units[i + 1 :]:
                last = group[-1].pn
                if not (
                    unit.fn == first.fn
                    and last < unit.pn <= MAX_PN
                    and (unit.pn - 1) >> 3 == (first.pn - 1) >> 3
                ):
                    break
                group.append(unit)
        out += encode_da([u.pn for u in group]) + encode_dt([first.fn])
        for unit in group:
            try:
                out += layout.encode(unit.values)
            except ValueError as err:
                raise ValueError(f"AFN {afn:02X} F{unit.fn} p{unit.pn}: {err}") from None
        i += len(group)
    return bytes(out)
