"""DL/T 645-1997 identifier table: 2-byte identifiers, the 1997 numbering (total, tariffs or
phases, block at xxxF) and its coarser formats (voltage XXX V, current XX.XX A)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from drivers.dlt645 import dataids97
from drivers.dlt645.dataids97 import ITEMS, lookup
from drivers.dlt645.values import DataItem, FieldKind, decode_values, encode_values
from drivers.errors import FrameError, FrameKind


@pytest.mark.parametrize("item", list(ITEMS.values()), ids=lambda i: i.di_hex)
def test_item_layout(item: DataItem) -> None:
    assert item.di_size == 2
    assert len(item.di_hex) == 4
    assert item.di_wire == bytes.fromhex(item.di_hex)[::-1]  # low byte first
    assert len({f.key for f in item.fields}) == len(item.fields)
    assert item.size == sum(f.size for f in item.fields)


def test_numbering_of_registers_and_phases() -> None:
    assert lookup(0x9010).di_wire == b"\x10\x90"
    assert [f.key for f in lookup(0x901F).fields] == ["total", "t1", "t2", "t3", "t4"]
    assert lookup(0x9013).fields[0].key == "t3"
    assert [f.key for f in lookup(0xB61F).fields] == ["a", "b", "c"]
    assert lookup(0xB611).fields[0].key == "a"  # phases count from 1 where there is no total
    assert 0xB610 not in ITEMS
    assert [f.key for f in lookup(0xB63F).fields] == ["total", "a", "b", "c"]
    assert lookup(0xB630).fields[0].key == "total"
    assert dataids97.FORWARD_ACTIVE_TOTAL == 0x9010
    assert dataids97.ACTIVE_POWER_TOTAL == 0xB630


def test_formats_from_the_standard() -> None:
    # energy XXXXXX.XX kWh (4 bytes), voltage XXX V (2), current XX.XX A (2),
    # active power XX.XXXX kW (3), reactive power XX.XX kvar (2), power factor X.XXX (2).
    expected = {
        0x9010: (4, 2, "kWh"),
        0xB611: (2, 0, "V"),
        0xB621: (2, 2, "A"),
        0xB630: (3, 4, "kW"),
        0xB640: (2, 2, "kvar"),
        0xB650: (2, 3, ""),
        0xA010: (3, 4, "kW"),
    }
    for di, layout in expected.items():
        f = lookup(di).fields[0]
        assert (f.size, f.decimals, f.unit) == layout, f"{di:04X}"
        assert f.kind is FieldKind.UNSIGNED
    assert lookup(0xB010).fields[0].layout == "MMDDhhmm"
    assert lookup(0xC010).fields[0].layout == "YYMMDDWW"
    assert lookup(0xC011).fields[0].layout == "hhmmss"


def test_only_date_and_time_are_writable() -> None:
    assert {item.di_hex for item in ITEMS.values() if item.writable} == {"C010", "C011"}


@pytest.mark.parametrize(
    ("di", "values", "raw"),
    [
        (0xB611, {"a": Decimal(220)}, "20 02"),
        (0xB621, {"a": Decimal("12.34")}, "34 12"),
        (0xB630, {"total": Decimal("1.2345")}, "45 23 01"),
        (0xB650, {"total": Decimal("0.950")}, "50 09"),
        (0x9010, {"total": Decimal("1234.56")}, "56 34 12 00"),
        (0xC010, {"date": date(2026, 11, 21)}, "06 21 11 26"),  # Saturday = 06
        (0xC011, {"time": time(10, 7, 30)}, "30 07 10"),
        (0xC032, {"number": "123456789012"}, "12 90 78 56 34 12"),
    ],
)
def test_literal_encoding(di: int, values: dict[str, object], raw: str) -> None:
    item = lookup(di)
    assert encode_values(item, values) == bytes.fromhex(raw)
    assert {v.key: v.value for v in decode_values(item, bytes.fromhex(raw))} == values


def test_voltage_has_no_decimals() -> None:
    with pytest.raises(ValueError, match="decimals"):
        encode_values(lookup(0xB611), {"a": Decimal("220.5")})


def test_demand_time_has_no_year() -> None:
    (value,) = decode_values(lookup(0xB010), bytes.fromhex("15 23 01 11"))
    assert value.value == "11-01 23:15"
    with pytest.raises(FrameError) as info:
        decode_values(lookup(0xB010), bytes.fromhex("15 23 31 02"))  # 31 February
    assert info.value.kind is FrameKind.VALUE_FORMAT


def test_lookup_unknown_di() -> None:
    with pytest.raises(FrameError, match=r"9999.*1997") as info:
        lookup(0x9999)
    assert info.value.kind is FrameKind.UNSUPPORTED
