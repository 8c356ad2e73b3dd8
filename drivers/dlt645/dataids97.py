"""DL/T 645-1997 data identifiers as data: 2-byte DIs (printed ``9010``) with layout and units.

Older meters still in the field speak 1997: the same frame as 2007, other control codes
(read 0x01, write 0x04), shorter identifiers and some coarser scales (voltage in whole volts).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from drivers.dlt645.values import DataItem, Field, FieldKind
from drivers.errors import FrameError, FrameKind

_TARIFFS = (("total", "total", "总"), *((f"t{n}", f"tariff {n}", f"费率{n}") for n in range(1, 5)))
_PHASES = (("a", "phase A", "A相"), ("b", "phase B", "B相"), ("c", "phase C", "C相"))


def _item(
    di: int, en: str, zh: str, fields: tuple[Field, ...], *, writable: bool = False
) -> DataItem:
    return DataItem(di, en, zh, fields, di_size=2, writable=writable)


def _registers(
    base: int, en: str, zh: str, *, size: int, decimals: int, unit: str
) -> Iterator[DataItem]:
    """``base`` + 0 total, + 1..4 tariffs, + 0xF the block (the 1997 numbering)."""
    block = []
    for index, (key, t_en, t_zh) in enumerate(_TARIFFS):
        f = Field(key, f"{en} {t_en}", f"{zh}{t_zh}", size, decimals, unit)
        block.append(f)
        yield _item(base + index, f"{en} ({t_en})", f"{zh}({t_zh})", (f,))
    yield _item(base + 0xF, f"{en} block", f"{zh}数据块", tuple(block))


def _phases(
    base: int, en: str, zh: str, *, size: int, decimals: int, unit: str, total: bool
) -> Iterator[DataItem]:
    """``base`` + 1..3 phases A-C (+ 0 the total where there is one), + 0xF the block."""
    parts = ((("total", "total", "总"),) if total else ()) + _PHASES
    block = []
    for offset, (key, p_en, p_zh) in enumerate(parts, start=0 if total else 1):
        f = Field(key, f"{en} {p_en}", f"{p_zh}{zh}", size, decimals, unit)
        block.append(f)
        yield _item(base + offset, f"{en} ({p_en})", f"{p_zh}{zh}", (f,))
    yield _item(base + 0xF, f"{en} block", f"{zh}数据块", tuple(block))


def _all_items() -> Iterator[DataItem]:
    yield from _registers(
        0x9010, "forward active energy", "正向有功电能", size=4, decimals=2, unit="kWh"
    )
    yield from _registers(
        0x9020, "reverse active energy", "反向有功电能", size=4, decimals=2, unit="kWh"
    )
    yield from _registers(
        0x9110, "forward reactive energy", "正向无功电能", size=4, decimals=2, unit="kvarh"
    )
    yield from _registers(
        0x9120, "reverse reactive energy", "反向无功电能", size=4, decimals=2, unit="kvarh"
    )
    yield from _registers(
        0xA010, "forward active maximum demand", "正向有功最大需量", size=3, decimals=4, unit="kW"
    )
    yield _item(
        0xB010,
        "forward active maximum demand time",
        "正向有功总最大需量发生时间",
        (
            Field(
                "time",
                "maximum demand time",
                "发生时间",
                4,
                kind=FieldKind.TIMESTAMP,
                layout="MMDDhhmm",
            ),
        ),
    )
    yield from _phases(0xB610, "voltage", "电压", size=2, decimals=0, unit="V", total=False)
    yield from _phases(0xB620, "current", "电流", size=2, decimals=2, unit="A", total=False)
    yield from _phases(
        0xB630, "active power", "有功功率", size=3, decimals=4, unit="kW", total=True
    )
    yield from _phases(
        0xB640, "reactive power", "无功功率", size=2, decimals=2, unit="kvar", total=True
    )
    yield from _phases(0xB650, "power factor", "功率因数", size=2, decimals=3, unit="", total=True)
    yield _item(
        0xC010,
        "date and weekday",
        "日期及周次",
        (Field("date", "date", "日期", 4, kind=FieldKind.TIMESTAMP, layout="YYMMDDWW"),),
        writable=True,
    )
    yield _item(
        0xC011,
        "time",
        "时间",
        (Field("time", "time", "时间", 3, kind=FieldKind.TIMESTAMP, layout="hhmmss"),),
        writable=True,
    )
    yield _item(
        0xC030,
        "active meter constant",
        "电表常数(有功)",
        (Field("constant", "active meter constant", "有功常数", 3, unit="imp/kWh"),),
    )
    for di, en, zh in (
        (0xC032, "meter number", "表号"),
        (0xC033, "customer number", "用户号"),
        (0xC034, "device code", "设备码"),
    ):
        yield _item(di, en, zh, (Field("number", en, zh, 6, kind=FieldKind.DIGITS),))


ITEMS: Mapping[int, DataItem] = {item.di: item for item in _all_items()}

FORWARD_ACTIVE_TOTAL = 0x9010
ACTIVE_POWER_TOTAL = 0xB630


def lookup(di: int) -> DataItem:
    try:
        return ITEMS[di]
    except KeyError:
        raise FrameError(
            FrameKind.UNSUPPORTED, f"data identifier {di:04X} is not in the DL/T 645-1997 table"
        ) from None
