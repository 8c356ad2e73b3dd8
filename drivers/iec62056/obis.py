"""The OBIS codes the console reads over IEC 62056-21, as data (names en/zh, units, kinds, digits),
shared by the client (typing replies) and the emulated meter (what it shows and how)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from drivers.iec62056.dataset import obis_key


class Kind(StrEnum):
    DECIMAL = "decimal"  # Decimal, with the unit printed after '*'
    INTEGER = "integer"  # a counter
    TEXT = "text"  # a serial number, an error register
    TIME = "time"  # hh:mm:ss
    DATE = "date"  # YY-MM-DD
    DATETIME = "datetime"  # YY-MM-DD hh:mm


@dataclass(frozen=True, slots=True)
class Field:
    """One ``(value)`` group of an item; ``digits``/``decimals`` are how a meter prints it."""

    name: str
    name_zh: str
    kind: Kind
    unit: str = ""
    digits: int = 0
    decimals: int = 0


@dataclass(frozen=True, slots=True)
class ObisItem:
    code: str  # reduced form C.D.E, as the console names items
    fields: tuple[Field, ...]
    writable: bool = False
    three_phase_only: bool = False  # phases B and C: absent from single-phase meters

    @property
    def name(self) -> str:
        return self.fields[0].name

    @property
    def name_zh(self) -> str:
        return self.fields[0].name_zh


def _one(code: str, name: str, name_zh: str, kind: Kind, *, writable: bool = False) -> ObisItem:
    return ObisItem(code, (Field(name, name_zh, kind),), writable)


def _num(
    code: str, names: tuple[str, str], unit: str, fmt: tuple[int, int], *, abc: bool = False
) -> ObisItem:
    """A number printed with ``fmt`` = (integer digits, decimals); ``abc``: phase B or C."""
    field = Field(names[0], names[1], Kind.DECIMAL, unit, fmt[0], fmt[1])
    return ObisItem(code, (field,), three_phase_only=abc)


ENERGY = (6, 2)  # 012345.67 kWh, as the display shows it
ITEMS: tuple[ObisItem, ...] = (
    _one("0.0.0", "meter number (device address)", "表号(设备地址)", Kind.TEXT),
    _one("C.1.0", "meter serial number", "出厂编号", Kind.TEXT),
    _one("0.9.1", "meter time", "电表时间", Kind.TIME, writable=True),
    _one("0.9.2", "meter date", "电表日期", Kind.DATE, writable=True),
    _num("1.8.0", ("forward active energy (total)", "正向有功总电能"), "kWh", ENERGY),
    _num("1.8.1", ("forward active energy (tariff 1, sharp)", "正向有功尖电能"), "kWh", ENERGY),
    _num("1.8.2", ("forward active energy (tariff 2, peak)", "正向有功峰电能"), "kWh", ENERGY),
    _num("1.8.3", ("forward active energy (tariff 3, flat)", "正向有功平电能"), "kWh", ENERGY),
    _num("1.8.4", ("forward active energy (tariff 4, valley)", "正向有功谷电能"), "kWh", ENERGY),
    _num("2.8.0", ("reverse active energy (total)", "反向有功总电能"), "kWh", ENERGY),
    _num("3.8.0", ("forward reactive energy (total)", "正向无功总电能"), "kvarh", ENERGY),
    _num("4.8.0", ("reverse reactive energy (total)", "反向无功总电能"), "kvarh", ENERGY),
    ObisItem(
        "1.6.0",
        (
            Field("maximum demand (forward active)", "正向有功最大需量", Kind.DECIMAL, "kW", 3, 3),
            Field("maximum demand time", "最大需量发生时间", Kind.DATETIME),
        ),
    ),
    _num("32.7.0", ("voltage phase A", "A相电压"), "V", (3, 1)),
    _num("52.7.0", ("voltage phase B", "B相电压"), "V", (3, 1), abc=True),
    _num("72.7.0", ("voltage phase C", "C相电压"), "V", (3, 1), abc=True),
    _num("31.7.0", ("current phase A", "A相电流"), "A", (3, 3)),
    _num("51.7.0", ("current phase B", "B相电流"), "A", (3, 3), abc=True),
    _num("71.7.0", ("current phase C", "C相电流"), "A", (3, 3), abc=True),
    _num("1.7.0", ("active power (total)", "总有功功率"), "kW", (2, 4)),
    _num("13.7.0", ("power factor (total)", "总功率因数"), "", (1, 3)),
    _num("14.7.0", ("grid frequency", "电网频率"), "Hz", (2, 2)),
    ObisItem("C.7.0", (Field("power failure count", "掉电次数", Kind.INTEGER, "", 4),)),
    _one("F.F", "error register", "故障代码", Kind.TEXT),
)

BY_CODE: Mapping[str, ObisItem] = {item.code: item for item in ITEMS}


def lookup(address: str) -> ObisItem | None:
    """The table entry for ``address`` in reduced or full form (``1-0:1.8.0*255``), if any."""
    return BY_CODE.get(obis_key(address))
