"""DL/T 645-2007 data identifiers as data: byte layout, scale, unit and names (zh and en).

The same table drives the client (decoding replies) and the emulator (encoding them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from drivers.dlt645.values import (
    DataItem,
    Field,
    FieldKind,
    Value,
    decode_values,
    encode_values,
)
from drivers.errors import FrameError, FrameKind

__all__ = [
    "ITEMS",
    "DataItem",
    "Field",
    "FieldKind",
    "Value",
    "decode_values",
    "encode_values",
    "lookup",
]

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


def _stamp(key: str, en: str, zh: str, layout: str) -> Field:
    return Field(key, en, zh, len(layout) // 2, kind=FieldKind.TIMESTAMP, layout=layout)


def _single(di: int, en: str, zh: str, f: Field, *, writable: bool = False) -> DataItem:
    return DataItem(di, en, zh, (f,), writable=writable)


def _demand_items() -> Iterator[DataItem]:
    """Maximum demand and its time (DI3=01), forward and reverse active, total and tariffs."""
    for code, en, zh in (
        (0x01, "forward active", "正向有功"),
        (0x02, "reverse active", "反向有功"),
    ):
        block: list[Field] = []
        for index, (key, t_en, t_zh) in enumerate(_TARIFFS):
            pair = (
                Field(key, f"{en} maximum demand {t_en}", f"{zh}{t_zh}最大需量", 3, 4, "kW"),
                _stamp(
                    f"{key}_time",
                    f"{en} maximum demand {t_en} time",
                    f"{zh}{t_zh}最大需量发生时间",
                    "YYMMDDhhmm",
                ),
            )
            block.extend(pair)
            yield DataItem(
                0x01000000 | (code << 16) | (index << 8),
                f"{en} maximum demand ({t_en})",
                f"{zh}{t_zh}最大需量及发生时间",
                pair,
            )
        yield DataItem(
            0x01000000 | (code << 16) | 0xFF00,
            f"{en} maximum demand block",
            f"{zh}最大需量及发生时间数据块",
            tuple(block),
        )


def _meter_condition_items() -> Iterator[DataItem]:
    """Phase angles, battery, temperature and the meter status words."""
    yield from _per_phase(
        0x07,
        "phase angle",
        "相角",
        size=2,
        decimals=1,
        unit="°",
        kind=FieldKind.UNSIGNED,
        total=False,
    )
    yield _single(
        0x02800007,
        "meter temperature",
        "表内温度",
        Field("temperature", "meter temperature", "表内温度", 2, 1, "°C", FieldKind.SIGNED),
    )
    yield _single(
        0x02800008,
        "clock battery voltage",
        "时钟电池电压(内部)",
        Field("voltage", "clock battery voltage", "时钟电池电压", 2, 2, "V"),
    )
    yield _single(
        0x02800009,
        "reading battery voltage",
        "停电抄表电池电压(外部)",
        Field("voltage", "reading battery voltage", "停电抄表电池电压", 2, 2, "V"),
    )
    words = []
    for n in range(1, 8):
        f = Field(
            f"word{n}", f"meter status word {n}", f"电表运行状态字{n}", 2, kind=FieldKind.BITS
        )
        words.append(f)
        yield _single(0x04000500 | n, f"meter status word {n}", f"电表运行状态字{n}", f)
    yield DataItem(0x040005FF, "meter status words", "电表运行状态字数据块", tuple(words))


def _event_items() -> Iterator[DataItem]:
    """Power-down (掉电) and cover-open (开表盖) counts and the last 10 records."""
    yield _single(
        0x03110000,
        "power-down count",
        "掉电总次数",
        Field("count", "power-down count", "掉电总次数", 3),
    )
    for n in range(1, 11):
        yield DataItem(
            0x03110000 | n,
            f"power-down record (last {n})",
            f"上{n}次掉电记录",
            (
                _stamp("start", "power-down start", "发生时刻", "YYMMDDhhmmss"),
                _stamp("end", "power-down end", "结束时刻", "YYMMDDhhmmss"),
            ),
        )
    yield _single(
        0x03300D00,
        "cover-open count",
        "开表盖总次数",
        Field("count", "cover-open count", "开表盖总次数", 3),
    )
    energies = (
        ("forward", "forward active energy", "正向有功总电能"),
        ("reverse", "reverse active energy", "反向有功总电能"),
        *((f"q{q}", f"quadrant {q} reactive energy", f"第{q}象限无功总电能") for q in range(1, 5)),
    )
    for n in range(1, 11):
        fields = [
            _stamp("start", "cover opened", "开盖时刻", "YYMMDDhhmmss"),
            _stamp("end", "cover closed", "合盖时刻", "YYMMDDhhmmss"),
        ]
        for when, when_en, when_zh in (
            ("before", "before", "开盖前"),
            ("after", "after", "开盖后"),
        ):
            for key, en, zh in energies:
                unit = "kWh" if key in ("forward", "reverse") else "kvarh"
                fields.append(
                    Field(f"{key}_{when}", f"{en} {when_en}", f"{when_zh}{zh}", 4, 2, unit)
                )
        yield DataItem(
            0x03300D00 | n, f"cover-open record (last {n})", f"上{n}次开表盖记录", tuple(fields)
        )


def _parameter_items() -> Iterator[DataItem]:
    yield DataItem(
        0x04000101,
        "date and weekday",
        "日期及星期",
        (Field("date", "date", "日期", 4, kind=FieldKind.TIMESTAMP, layout="YYMMDDWW"),),
        writable=True,
    )
    yield DataItem(
        0x04000102,
        "time",
        "时间",
        (Field("time", "time", "时间", 3, kind=FieldKind.TIMESTAMP, layout="hhmmss"),),
        writable=True,
    )
    yield _single(
        0x04000103,
        "demand period",
        "最大需量周期",
        Field("minutes", "demand period", "最大需量周期", 1, unit="min"),
        writable=True,
    )
    yield _single(
        0x04000104,
        "demand slide time",
        "滑差时间",
        Field("minutes", "demand slide time", "滑差时间", 1, unit="min"),
        writable=True,
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


def _instant_freeze_items() -> Iterator[DataItem]:
    """The last three instantaneous freezes (瞬时冻结), made by control code 0x16."""
    for n in range(1, 4):
        yield _single(
            0x05010000 | n,
            f"instant freeze time (last {n})",
            f"上{n}次瞬时冻结时间",
            _stamp("time", "freeze time", "冻结时间", "YYMMDDhhmm"),
        )
        yield DataItem(
            0x05010100 | n,
            f"instant freeze forward active energy (last {n})",
            f"上{n}次瞬时冻结正向有功电能数据",
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
        *_demand_items(),
        *_instantaneous_items(),
        *_meter_condition_items(),
        *_event_items(),
        *_parameter_items(),
        *_instant_freeze_items(),
        *_daily_freeze_items(),
    )
}

# Load-profile (负荷记录) reads: their records are parsed by drivers.dlt645.loadprofile.
LOAD_PROFILE_EARLIEST = 0x06000000
LOAD_PROFILE_AT = 0x06000001  # request data: record count (BCD) + mmhhDDMMYY
LOAD_PROFILE_LATEST = 0x06000002
LOAD_PROFILE = (LOAD_PROFILE_EARLIEST, LOAD_PROFILE_AT, LOAD_PROFILE_LATEST)
_PROFILE_NAMES = {
    LOAD_PROFILE_EARLIEST: ("load profile, earliest record", "负荷记录最早记录块"),
    LOAD_PROFILE_AT: ("load profile at a given time", "负荷记录给定时间记录块"),
    LOAD_PROFILE_LATEST: ("load profile, latest record", "负荷记录最近一个记录块"),
}


def load_profile_item(di: int) -> DataItem:
    """The identifier of a load-profile read; its records are variable (``loadprofile``)."""
    if di not in _PROFILE_NAMES:
        raise FrameError(FrameKind.UNSUPPORTED, f"{di:08X} is not a load-profile identifier")
    en, zh = _PROFILE_NAMES[di]
    return DataItem(di, en, zh, ())


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
