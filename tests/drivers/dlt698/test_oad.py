"""The DL/T 698.45 object table: the standard's data types, scalers and units, and how a
Get-Result becomes named, scaled values."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from drivers.dlt698.axdr import Data, DataType, Oad, ScalerUnit
from drivers.dlt698.oad import OBJECTS, UNITS, NamedValue, Unit, lookup, named_values, plain
from drivers.errors import FrameError, FrameKind

T = DataType


@pytest.mark.parametrize(
    ("oi", "data_type", "scaler", "unit", "elements"),
    [
        (0x0000, T.DOUBLE_LONG, -2, "kWh", 5),
        (0x0010, T.DOUBLE_LONG_UNSIGNED, -2, "kWh", 5),
        (0x0020, T.DOUBLE_LONG_UNSIGNED, -2, "kWh", 5),
        (0x2000, T.LONG_UNSIGNED, -1, "V", 3),
        (0x2001, T.DOUBLE_LONG, -3, "A", 3),
        (0x2004, T.DOUBLE_LONG, -1, "W", 4),
        (0x2005, T.DOUBLE_LONG, -1, "var", 4),
        (0x200A, T.LONG, -3, "", 4),
        (0x200F, T.LONG_UNSIGNED, -2, "Hz", 0),
        (0x4000, T.DATE_TIME_S, 0, "", 0),
        (0x4001, T.OCTET_STRING, 0, "", 0),
        (0x4002, T.OCTET_STRING, 0, "", 0),
    ],
)
def test_table_facts(oi: int, data_type: DataType, scaler: int, unit: str, elements: int) -> None:
    obj = OBJECTS[oi]
    assert (obj.data_type, obj.scaler, obj.unit_text, len(obj.elements)) == (
        data_type,
        scaler,
        unit,
        elements,
    )
    assert obj.name_en and obj.name_zh
    assert lookup(Oad(oi, 2, 1)) is obj


def test_unit_enumeration_codes() -> None:
    codes = {Unit.W: "W", Unit.VAR: "var", Unit.KWH: "kWh", Unit.A: "A", Unit.V: "V", Unit.HZ: "Hz"}
    assert {int(code): UNITS[code] for code in codes} == {
        27: "W",
        31: "var",
        33: "kWh",
        36: "A",
        38: "V",
        47: "Hz",
    }
    assert (UNITS[28], UNITS[32], UNITS[35], UNITS[51], UNITS[255]) == (
        "kW",
        "kvar",
        "kvarh",
        "%",
        "",
    )


def test_element_names() -> None:
    energy, power, voltage = OBJECTS[0x0010], OBJECTS[0x2004], OBJECTS[0x2000]
    assert energy.element_name(1) == ("forward active energy total", "正向有功电能总")
    assert energy.element_name(5) == ("forward active energy tariff 4", "正向有功电能费率4")
    assert power.element_name(2) == ("active power phase A", "A相有功功率")
    assert voltage.element_name(3) == ("voltage phase C", "C相电压")
    assert voltage.element_name(4) == ("voltage element 4", "电压元素4")


def test_raw_values_round_half_to_even() -> None:
    voltage, current = OBJECTS[0x2000], OBJECTS[0x2001]
    assert voltage.raw(220.04) == 2200
    assert voltage.raw(Decimal("220.05")) == 2200
    assert voltage.raw(Decimal("220.15")) == 2202
    assert current.raw(-1.2345) == -1234


def _energy(*raw: int) -> Data:
    return Data(T.ARRAY, tuple(Data(T.DOUBLE_LONG_UNSIGNED, v) for v in raw))


def test_a_whole_array_is_one_value_per_element() -> None:
    values = named_values(Oad(0x0010), _energy(123456, 12345, 22222, 0, 23456))
    assert [(str(v.oad), v.value, v.unit) for v in values] == [
        ("00100201", Decimal("1234.56"), "kWh"),
        ("00100202", Decimal("123.45"), "kWh"),
        ("00100203", Decimal("222.22"), "kWh"),
        ("00100204", Decimal("0.00"), "kWh"),
        ("00100205", Decimal("234.56"), "kWh"),
    ]
    assert values[0].name_en == "forward active energy total"
    assert values[0].name_zh == "正向有功电能总"


def test_one_element_read_by_index() -> None:
    (value,) = named_values(Oad(0x2001, 2, 2), Data(T.DOUBLE_LONG, -1234))
    assert value == NamedValue(
        Oad(0x2001, 2, 2), "current phase B", "B相电流", Decimal("-1.234"), "A"
    )


def test_null_elements_are_skipped() -> None:
    voltages = Data(T.ARRAY, (Data(T.LONG_UNSIGNED, 2200), Data(T.NULL), Data(T.NULL)))
    assert [v.oad for v in named_values(Oad(0x2000), voltages)] == [Oad(0x2000, 2, 1)]
    assert named_values(Oad(0x2000), Data(T.NULL)) == []


def test_scalars_and_strings() -> None:
    (freq,) = named_values(Oad(0x200F), Data(T.LONG_UNSIGNED, 5001))
    assert (freq.value, freq.unit) == (Decimal("50.01"), "Hz")
    when = datetime(2026, 11, 21, 10, 7, 30)
    (clock,) = named_values(Oad(0x4000), Data(T.DATE_TIME_S, when))
    assert clock.value == when
    (address,) = named_values(Oad(0x4001), Data(T.OCTET_STRING, bytes.fromhex("000039200933")))
    assert address.value == "000039200933"


def test_scaler_and_unit_attribute() -> None:
    (value,) = named_values(Oad(0x0010, 3), Data(T.SCALER_UNIT, ScalerUnit(-2, 33)))
    assert (value.name_en, value.value) == ("forward active energy scaler and unit", "10^-2 kWh")


def test_unknown_objects_are_passed_through_unscaled() -> None:
    (value,) = named_values(Oad(0x2006), Data(T.ARRAY, (Data(T.DOUBLE_LONG, 5), Data(T.NULL))))
    assert (value.name_en, value.value, value.unit) == ("OAD 20060200", "[5, null]", "")
    (other,) = named_values(Oad(0x0010, 4), Data(T.BOOL, True))
    assert other.value == 1


@pytest.mark.parametrize(
    ("oad", "data", "message"),
    [
        (
            Oad(0x0010),
            Data(T.DOUBLE_LONG, 5),
            "00100200 (forward active energy): expected an array",
        ),
        (
            Oad(0x0010),
            Data(T.ARRAY, (Data(T.VISIBLE_STRING, "5"),)),
            "00100201 (forward active energy): expected a number",
        ),
        (
            Oad(0x200F),
            Data(T.OCTET_STRING, b"\x13\x88"),
            "expected a number (long_unsigned), got octet_string",
        ),
    ],
)
def test_wrong_types_are_value_format_errors(oad: Oad, data: Data, message: str) -> None:
    with pytest.raises(FrameError) as info:
        named_values(oad, data)
    assert info.value.kind is FrameKind.VALUE_FORMAT
    assert message in str(info.value)


def test_plain_values() -> None:
    assert plain(Data(T.OAD, Oad(0x4000))) == "40000200"
    assert plain(Data(T.SCALER_UNIT, ScalerUnit(0, 255))) == "10^0"
    assert plain(Data(T.NULL)) == ""
