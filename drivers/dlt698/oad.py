"""DL/T 698.45 objects as data: OI, names (en/zh), data type, scaler and unit, element names.

The same table drives the client (turning Get-Results into named Decimal values) and the
emulated meter (turning its readings into raw A-XDR integers). Units are the standard's unit
enumeration (27 W, 31 var, 33 kWh, 36 A, 38 V, 47 Hz, 255 none).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import IntEnum

from drivers.api import ReadingValue
from drivers.dlt698.axdr import INTEGER_FORMATS, BitString, Data, DataType, Oad, ScalerUnit
from drivers.errors import FrameError, FrameKind

VALUE_ATTRIBUTE = 2  # attribute 2 of an object is its value
SCALER_UNIT_ATTRIBUTE = 3  # attribute 3 of classes 1-6 is its scaler and unit


class Unit(IntEnum):
    """The unit enumeration codes the subset uses."""

    W = 27
    VAR = 31
    KWH = 33
    A = 36
    V = 38
    HZ = 47
    NONE = 255


# The standard's unit enumeration (the unit of a Scaler_Unit); 57-253 are reserved.
UNITS: Mapping[int, str] = {
    1: "a", 2: "mo", 3: "wk", 4: "d", 5: "h", 6: "min", 7: "s", 8: "°", 9: "°C",
    10: "currency", 11: "m", 12: "m/s", 13: "m³", 14: "m³ (corrected)", 15: "m³/h",
    16: "m³/h (corrected)", 17: "m³/d", 18: "m³/d (corrected)", 19: "l", 20: "kg", 21: "N",
    22: "Nm", 23: "Pa", 24: "bar", 25: "J", 26: "J/h", 27: "W", 28: "kW", 29: "VA", 30: "kVA",
    31: "var", 32: "kvar", 33: "kWh", 34: "kVAh", 35: "kvarh", 36: "A", 37: "C", 38: "V",
    39: "V/m", 40: "F", 41: "Ω", 42: "Ωm²/m", 43: "Wb", 44: "T", 45: "A/m", 46: "H", 47: "Hz",
    48: "1/(Wh)", 49: "1/(varh)", 50: "1/(VAh)", 51: "%", 52: "byte", 53: "dBm",
    54: "yuan/kWh", 55: "Ah", 56: "ms", 254: "other", 255: "",
}  # fmt: skip


def unit_text(code: int) -> str:
    return UNITS.get(code, f"unit {code}")


@dataclass(frozen=True, slots=True)
class ObjectDef:
    """One interface object's value attribute (attribute 2)."""

    oi: int
    name_en: str
    name_zh: str
    data_type: DataType  # of the value, or of each element when ``elements`` is not empty
    scaler: int = 0
    unit: int = Unit.NONE
    elements: tuple[tuple[str, str], ...] = ()  # full (en, zh) names of array elements 1..n

    @property
    def oad(self) -> Oad:
        return Oad(self.oi, VALUE_ATTRIBUTE, 0)

    @property
    def unit_text(self) -> str:
        return unit_text(self.unit)

    @property
    def is_numeric(self) -> bool:
        return self.data_type in INTEGER_FORMATS and self.data_type is not DataType.ENUM

    def element_name(self, index: int) -> tuple[str, str]:
        if 1 <= index <= len(self.elements):
            return self.elements[index - 1]
        return f"{self.name_en} element {index}", f"{self.name_zh}元素{index}"

    def raw(self, value: Decimal | float) -> int:
        """The integer a meter sends for ``value`` (in ``unit``), rounded half to even."""
        return int((Decimal(str(value)).scaleb(-self.scaler)).to_integral_value())

    def data(self, raw: int) -> Data:
        return Data(self.data_type, raw)


def _tariffs(en: str, zh: str) -> tuple[tuple[str, str], ...]:
    names = (("total", "总"), *((f"tariff {n}", f"费率{n}") for n in range(1, 5)))
    return tuple((f"{en} {t_en}", f"{zh}{t_zh}") for t_en, t_zh in names)


def _phases(en: str, zh: str, *, total: bool) -> tuple[tuple[str, str], ...]:
    names: tuple[tuple[str, str], ...] = (("total", "总"),) if total else ()
    names += (("phase A", "A相"), ("phase B", "B相"), ("phase C", "C相"))
    return tuple((f"{en} {p_en}", f"{p_zh}{zh}") for p_en, p_zh in names)


def _energy(oi: int, en: str, zh: str, data_type: DataType) -> ObjectDef:
    return ObjectDef(oi, en, zh, data_type, -2, Unit.KWH, _tariffs(en, zh))


# Per-phase variables (class 3) and powers (class 4, total first): OI, names, element type,
# scaler, unit, whether element 1 is the total.
_PHASE_OBJECTS = (
    (0x2000, "voltage", "电压", DataType.LONG_UNSIGNED, -1, Unit.V, False),
    (0x2001, "current", "电流", DataType.DOUBLE_LONG, -3, Unit.A, False),
    (0x2004, "active power", "有功功率", DataType.DOUBLE_LONG, -1, Unit.W, True),
    (0x2005, "reactive power", "无功功率", DataType.DOUBLE_LONG, -1, Unit.VAR, True),
    (0x200A, "power factor", "功率因数", DataType.LONG, -3, Unit.NONE, True),
)

OBJECTS: Mapping[int, ObjectDef] = {
    obj.oi: obj
    for obj in (
        # Energy (class 1): array of total + tariffs 1-4, kWh with two decimals.
        _energy(0x0000, "combined active energy", "组合有功电能", DataType.DOUBLE_LONG),
        _energy(0x0010, "forward active energy", "正向有功电能", DataType.DOUBLE_LONG_UNSIGNED),
        _energy(0x0020, "reverse active energy", "反向有功电能", DataType.DOUBLE_LONG_UNSIGNED),
        *(
            ObjectDef(oi, en, zh, data_type, scaler, unit, _phases(en, zh, total=total))
            for oi, en, zh, data_type, scaler, unit, total in _PHASE_OBJECTS
        ),
        ObjectDef(0x200F, "grid frequency", "电网频率", DataType.LONG_UNSIGNED, -2, Unit.HZ),
        # Parameters (class 8).
        ObjectDef(0x4000, "date and time", "日期时间", DataType.DATE_TIME_S),
        ObjectDef(0x4001, "communication address", "通信地址", DataType.OCTET_STRING),
        ObjectDef(0x4002, "meter number", "表号", DataType.OCTET_STRING),
    )
}


def lookup(oad: Oad) -> ObjectDef | None:
    return OBJECTS.get(oad.oi)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class NamedValue:
    """One value out of a Get-Result, named and scaled: what becomes a ``Reading``."""

    oad: Oad  # the element's own OAD (index set for an element of an array)
    name_en: str
    name_zh: str
    value: ReadingValue
    unit: str = ""


def plain(d: Data) -> ReadingValue:
    """A Data value without scaling: octet strings as hex, sequences as bracketed text."""
    v = d.value
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, str, datetime, date, time)):
        return v
    if isinstance(v, bytes):
        return v.hex().upper()
    if isinstance(v, (Oad, BitString)):
        return str(v) if isinstance(v, Oad) else v.bits
    if isinstance(v, ScalerUnit):
        return f"10^{v.scaler} {unit_text(v.unit)}".rstrip()
    if isinstance(v, tuple):
        parts = ("null" if item.type is DataType.NULL else str(plain(item)) for item in v)
        return "[" + ", ".join(parts) + "]"
    return ""


def _scaled(obj: ObjectDef, oad: Oad, d: Data) -> ReadingValue:
    if not obj.is_numeric:
        return plain(d)
    if d.type not in INTEGER_FORMATS or not isinstance(d.value, int):
        raise FrameError(
            FrameKind.VALUE_FORMAT,
            f"{oad} ({obj.name_en}): expected a number ({obj.data_type.name.lower()}), "
            f"got {d.type.name.lower()}",
        )
    return Decimal(d.value).scaleb(obj.scaler)


def named_values(oad: Oad, d: Data) -> list[NamedValue]:
    """The named values of one Get-Result; a null (or null element) yields nothing."""
    obj = lookup(oad)
    attribute = oad.attribute & 0x1F
    if obj is not None and attribute == SCALER_UNIT_ATTRIBUTE:
        names = (f"{obj.name_en} scaler and unit", f"{obj.name_zh}换算及单位")
        return [] if d.type is DataType.NULL else [NamedValue(oad, *names, plain(d))]
    if obj is None or attribute != VALUE_ATTRIBUTE:
        return [] if d.type is DataType.NULL else [NamedValue(oad, f"OAD {oad}", "", plain(d))]
    if d.type is DataType.NULL:
        return []
    if not obj.elements:
        return [NamedValue(oad, obj.name_en, obj.name_zh, _scaled(obj, oad, d), obj.unit_text)]
    if oad.index:
        names = obj.element_name(oad.index)
        return [NamedValue(oad, *names, _scaled(obj, oad, d), obj.unit_text)]
    if d.type is not DataType.ARRAY or not isinstance(d.value, tuple):
        raise FrameError(
            FrameKind.VALUE_FORMAT,
            f"{oad} ({obj.name_en}): expected an array, got {d.type.name.lower()}",
        )
    out = []
    for index, element in enumerate(d.value, start=1):
        if element.type is DataType.NULL:
            continue  # e.g. phases B and C of a single-phase meter
        item = oad.element(index)
        out.append(
            NamedValue(item, *obj.element_name(index), _scaled(obj, item, element), obj.unit_text)
        )
    return out
