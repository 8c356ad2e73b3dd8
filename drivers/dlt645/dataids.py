"""DL/T 645-2007 data identifiers as data: byte layout, scale, unit and names (zh and en).

The same table drives the client (decoding replies) and the emulator (encoding them).
Values are ``Decimal`` (energy, power ...) or date/time objects, never floats.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

from drivers.errors import FrameError, FrameKind


class FieldKind(StrEnum):
    UNSIGNED = "unsigned"  # BCD, low byte first
    SIGNED = "signed"  # BCD with the sign in bit 7 of the most significant byte
    TIMESTAMP = "timestamp"  # BCD date/time components in ``layout`` order
    DIGITS = "digits"  # BCD digit string (addresses, meter numbers)


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
    size: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", sum(f.size for f in self.fields))

    @property
    def di_hex(self) -> str:
        """The identifier as printed in the standard's tables, e.g. ``00010000``."""
        return f"{self.di:08X}"

    @property
    def di_wire(self) -> bytes:
        """The identifier as sent: DI0 first."""
        return self.di.to_bytes(4, "little")


@dataclass(frozen=True, slots=True)
class Value:
    field: Field
    value: Decimal | datetime | date | time | str

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def unit(self) -> str:
        return self.field.unit


# --------------------------------------------------------------------------- the table

_ENERGY_TYPES = (  # DI2 of DI3=00: (code, en, zh, signed)
    (0x00, "combined active energy", "组合有功电能", True),
    (0x01, "forward active energy", "正向有功电能", False),
    (0x02, "reverse active energy", "反向有功电能", False),
    (0x03, "combined reactive energy 1", "组合无功1电能", True),
    (0x04, "combined reactive energy 2", "组合无功2电能", True),
    (0x05, "quadrant I reactive energy", "第一象限无功电能", False),
    (0x06, "quadrant II reactive energy", "第二象限无功电能", False),
    (0x07, "quadrant III reactive energy", "第三象限无功电能", False),
    (0x08, "quadrant IV reactive energy", "第四象限无功电能", False),
)
_TARIFFS = (("total", "total", "总"), *((f"t{n}", f"tariff {n}", f"费率{n}") for n in range(1, 5)))
_PHASES = (("a", "phase A", "A相"), ("b", "phase B", "B相"), ("c", "phase C", "C相"))


def _energy_field(key: str, en: str, zh: str, signed: bool, unit: str) -> Field:
    kind = FieldKind.SIGNED if signed else FieldKind.UNSIGNED
    return Field(key, en, zh, 4, 2, unit, kind)


def _energy_items() -> Iterator[DataItem]:
    for code, en, zh, signed in _ENERGY_TYPES:
        unit = "kvarh" if code >= 0x03 else "kWh"
        for index, (key, t_en, t_zh) in enumerate(_TARIFFS):
            f = _energy_field(key, f"{en} {t_en}", f"{zh}{t_zh}", signed, unit)
            yield DataItem((code << 16) | (index << 8), f"{en} ({t_en})", f"{zh}({t_zh})", (f,))
        block = tuple(
            _energy_field(key, f"{en} {t_en}", f"{zh}{t_zh}", signed, unit)
            for key, t_en, t_zh in _TARIFFS
        )
        yield DataItem((code << 16) | 0xFF00, f"{en} block", f"{zh}数据块", block)


def _per_phase(
    di2: int,
    en: str,
    zh: str,
    *,
    size: int,
    decimals: int,
    unit: str,
    kind: FieldKind,
    total: bool,
) -> Iterator[DataItem]:
    phases = ((("total", "total", "总"),) if total else ()) + _PHASES
    first = 0 if total else 1
    fields = []
    for offset, (key, p_en, p_zh) in enumerate(phases):
        f = Field(key, f"{en} {p_en}", f"{p_zh}{zh}", size, decimals, unit, kind)
        fields.append(f)
        yield DataItem(
            0x02000000 | (di2 << 16) | ((first + offset) << 8),
            f"{en} ({p_en})",
            f"{p_zh}{zh}",
            (f,),
        )
    yield DataItem(0x02000000 | (di2 << 16) | 0xFF00, f"{en} block", f"{zh}数据块", tuple(fields))


# Instantaneous quantities (DI3=02): DI2, names, bytes, decimals, unit, sign, has a total.
_INSTANTANEOUS = (
    (0x01, "voltage", "电压", 2, 1, "V", FieldKind.UNSIGNED, False),
    (0x02, "current", "电流", 3, 3, "A", FieldKind.SIGNED, False),
    (0x03, "active power", "有功功率", 3, 4, "kW", FieldKind.SIGNED, True),
    (0x04, "reactive power", "无功功率", 3, 4, "kvar", FieldKind.SIGNED, True),
    (0x05, "apparent power", "视在功率", 3, 4, "kVA", FieldKind.SIGNED, True),
    (0x06, "power factor", "功率因数", 2, 3, "", FieldKind.SIGNED, True),
)


def _instantaneous_items() -> Iterator[DataItem]:
    for di2, en, zh, size, decimals, unit, kind, total in _INSTANTANEOUS:
        yield from _per_phase(
            di2, en, zh, size=size, decimals=decimals, unit=unit, kind=kind, total=total
        )
    yield DataItem(
        0x02800002,
        "grid frequency",
        "电网频率",
        (Field("frequency", "grid frequency", "电网频率", 2, 2, "Hz"),),
    )


def _parameter_items() -> Iterator[DataItem]:
    yield DataItem(
        0x04000101,
        "date and weekday",
        "日期及星期",
        (Field("date", "date", "日期", 4, kind=FieldKind.TIMESTAMP, layout="YYMMDDWW"),),
    )
    yield DataItem(
        0x04000102,
        "time",
        "时间",
        (Field("time", "time", "时间", 3, kind=FieldKind.TIMESTAMP, layout="hhmmss"),),
    )
    yield DataItem(
        0x04000401,
        "communication address",
        "通信地址",
        (Field("address", "communication address", "通信地址", 6, kind=FieldKind.DIGITS),),
    )
    yield DataItem(
        0x04000402,
        "meter number",
        "表号",
        (Field("number", "meter number", "表号", 6, kind=FieldKind.DIGITS),),
    )


def _daily_freeze_items() -> Iterator[DataItem]:
    for n in range(1, 63):
        yield DataItem(
            0x05060000 | n,
            f"daily freeze time (last {n})",
            f"上{n}次日冻结时间",
            (
                Field(
                    "time",
                    "freeze time",
                    "冻结时间",
                    5,
                    kind=FieldKind.TIMESTAMP,
                    layout="YYMMDDhhmm",
                ),
            ),
        )
        yield DataItem(
            0x05060100 | n,
            f"daily freeze forward active energy (last {n})",
            f"上{n}次日冻结正向有功电能数据",
            tuple(
                _energy_field(
                    key, f"forward active energy {t_en}", f"正向有功电能{t_zh}", False, "kWh"
                )
                for key, t_en, t_zh in _TARIFFS
            ),
        )


ITEMS: Mapping[int, DataItem] = {
    item.di: item
    for item in (
        *_energy_items(),
        *_instantaneous_items(),
        *_parameter_items(),
        *_daily_freeze_items(),
    )
}

FORWARD_ACTIVE_TOTAL = 0x00010000
ACTIVE_POWER_TOTAL = 0x02030000
LAST_DAILY_FREEZE_TIME = 0x05060001
LAST_DAILY_FREEZE_FORWARD_ACTIVE = 0x05060101


def lookup(di: int) -> DataItem:
    try:
        return ITEMS[di]
    except KeyError:
        raise FrameError(
            FrameKind.UNSUPPORTED, f"data identifier {di:08X} is not in the DL/T 645-2007 table"
        ) from None


# --------------------------------------------------------------------------- values


def _bcd_digits(chunk: bytes, f: Field) -> str:
    digits = chunk[::-1].hex()
    if not digits.isdigit():
        raise FrameError(
            FrameKind.VALUE_FORMAT,
            f"{f.name_en}: bytes {chunk.hex(' ').upper()} are not BCD",
        )
    return digits


def _decode_timestamp(digits: str, f: Field) -> datetime | date | time:
    parts = {f.layout[i : i + 2]: int(digits[i : i + 2]) for i in range(0, len(f.layout), 2)}
    try:
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
        else:
            out += _encode_timestamp(f, value)
    return bytes(out)
