"""Q/GDW 1376.1-2013 data units: DA/DT, golden data units written by hand from the standard's
layouts (decoded, then encoded back to the same bytes), the typed rejections, round trips of
random values and "never raises anything but FrameError" on any bytes."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import FrameError, FrameKind
from drivers.gdw376.units import (
    AFN_NAMES,
    ALL_POINTS,
    DataUnit,
    FnInfo,
    decode_da,
    decode_dt,
    decode_units,
    density_minutes,
    encode_da,
    encode_dt,
    encode_units,
    fn_info,
)

D = Decimal
AFNS = (0x00, 0x02, 0x04, 0x05, 0x0A, 0x0C, 0x0D, 0x0E, 0x10)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# ----------------------------------------------------------------------------- DA / DT


@pytest.mark.parametrize(
    ("pns", "wire"),
    [
        ([0], "00 00"),
        ([1], "01 01"),
        ([8], "80 01"),
        ([9], "01 02"),
        ([2040], "80 FF"),
        ([1, 3, 8], "85 01"),
        ([17, 19], "05 03"),
        ([ALL_POINTS], "FF 00"),
    ],
)
def test_da_encodes_and_decodes(pns: list[int], wire: str) -> None:
    assert encode_da(pns) == h(wire)
    assert decode_da(h(wire)) == pns


def test_da_with_bits_0_and_2_in_group_3_names_p17_and_p19() -> None:
    assert decode_da(h("05 03")) == [17, 19]


@pytest.mark.parametrize("pns", [[], [8, 9], [0, 1], [2041], [-1], [ALL_POINTS, 3]])
def test_da_rejects_points_that_cannot_share_it(pns: list[int]) -> None:
    with pytest.raises(ValueError):
        encode_da(pns)


@pytest.mark.parametrize("wire", ["00 05", "07 00", "01"])
def test_da_decode_rejects_malformed(wire: str) -> None:
    with pytest.raises(FrameError):
        decode_da(h(wire))


@pytest.mark.parametrize(
    ("fns", "wire"),
    [
        ([1], "01 00"),
        ([1, 2, 3], "07 00"),
        ([10], "02 01"),
        ([25], "01 03"),
        ([31], "40 03"),
        ([81, 82], "03 0A"),
        ([101], "10 0C"),
        ([129], "01 10"),
        ([161], "01 14"),
    ],
)
def test_dt_encodes_and_decodes(fns: list[int], wire: str) -> None:
    assert encode_dt(fns) == h(wire)
    assert decode_dt(h(wire)) == fns


@pytest.mark.parametrize("fns", [[], [8, 9], [1, 129], [0], [2049]])
def test_dt_rejects_fns_across_groups(fns: list[int]) -> None:
    with pytest.raises(ValueError):
        encode_dt(fns)


def test_dt_naming_no_fn_is_a_value_format_error() -> None:
    with pytest.raises(FrameError) as err:
        decode_dt(h("00 01"))
    assert err.value.kind is FrameKind.VALUE_FORMAT


# ----------------------------------------------------------------------------- golden units
# 2026-05-21 is a Thursday: A.1 month byte = 4 << 5 | 0x05 = 0x85.

F129 = (
    "01 01 01 10"  # p1, F129
    " 30 12 21 05 26"  # read_at 2026-05-21 12:30 (A.15 mm hh DD MM YY)
    " 04"  # M = 4 tariffs
    " 89 67 45 23 01"  # total 12345.6789 kWh (A.14)
    " 00 00 00 10 00"  # tariff 1: 1000.0000
    " 89 67 45 23 00"  # tariff 2: 2345.6789
    " EE EE EE EE EE"  # tariff 3: no data
    " 01 00 00 00 00"  # tariff 4: 0.0001
)
F129_UNIT = DataUnit(
    1,
    129,
    {
        "read_at": datetime(2026, 5, 21, 12, 30),
        "tariffs": 4,
        "forward_active_kwh": [D("12345.6789"), D("1000"), D("2345.6789"), None, D("0.0001")],
    },
)

F161 = (
    "02 01 01 14"  # p2, F161
    " 20 05 26"  # day 2026-05-20 (A.20)
    " 05 00 21 05 26"  # read_at 2026-05-21 00:05
    " 02"  # M = 2
    " 00 50 00 01 00"  # 100.5 kWh
    " 00 25 60 00 00"  # 60.25
    " 00 25 40 00 00"  # 40.25
)
F161_UNIT = DataUnit(
    2,
    161,
    {
        "day": date(2026, 5, 20),
        "read_at": datetime(2026, 5, 21, 0, 5),
        "tariffs": 2,
        "forward_active_kwh": [D("100.5"), D("60.25"), D("40.25")],
    },
)

F1_DAILY = (
    "01 01 01 00"  # p1, AFN 0D F1
    " 20 05 26 05 00 21 05 26 01"  # day, read_at, M = 1
    " 00 00 00 10 00 00 00 00 06 00"  # forward active: 1000, 600 (A.14)
    " 50 34 12 00 EE EE EE EE"  # forward reactive: 1234.50, no data (A.11)
    " 01 00 00 00 00 00 00 00"  # Q1: 0.01, 0
    " 00 00 01 00 00 00 00 00"  # Q4: 100.00, 0
)
F1_DAILY_UNIT = DataUnit(
    1,
    1,
    {
        "day": date(2026, 5, 20),
        "read_at": datetime(2026, 5, 21, 0, 5),
        "tariffs": 1,
        "forward_active_kwh": [D("1000"), D("600")],
        "forward_reactive_kvarh": [D("1234.50"), None],
        "q1_reactive_kvarh": [D("0.01"), D(0)],
        "q4_reactive_kvarh": [D(100), D(0)],
    },
)

F25 = (
    "01 01 01 03"  # p1, F25
    " 30 12 21 05 26"  # read_at
    " 00 50 01 00 50 00 00 50 00 00 50 00"  # active kW: 1.5, 0.5, 0.5, 0.5 (A.9)
    " 00 30 80 00 10 80 00 10 80 00 10 80"  # reactive kvar: -0.3, -0.1, -0.1, -0.1
    " 85 09 90 09 72 89 EE EE"  # power factor %: 98.5, 99.0, -97.2, no data (A.5)
    " 01 22 10 22 99 21"  # voltage V: 220.1, 221.0, 219.9 (A.7)
    " 00 25 00 50 22 00 25 21 80"  # current A: 2.5, 2.25, -2.125 (A.25)
    " 12 00 00"  # neutral current 0.012 A
    " 00 60 01 00 55 00 00 55 00 00 50 00"  # apparent kVA: 1.6, 0.55, 0.55, 0.5
)
F25_UNIT = DataUnit(
    1,
    25,
    {
        "read_at": datetime(2026, 5, 21, 12, 30),
        "active_power_kw": [D("1.5"), D("0.5"), D("0.5"), D("0.5")],
        "reactive_power_kvar": [D("-0.3"), D("-0.1"), D("-0.1"), D("-0.1")],
        "power_factor_pct": [D("98.5"), D("99.0"), D("-97.2"), None],
        "voltage_v": [D("220.1"), D("221.0"), D("219.9")],
        "current_a": [D("2.5"), D("2.25"), D("-2.125")],
        "neutral_current_a": D("0.012"),
        "apparent_power_kva": [D("1.6"), D("0.55"), D("0.55"), D("0.5")],
    },
)

METERS = (
    " 02 00"  # two meters
    # 1: serial 1, p1, port 2 / baud code 3, DL/T 645-2007, address 000012345678, no password,
    #    4 tariffs, 6 integer + 2 decimal digits (10 01 -> 09), no collector, class 5 / 1
    " 01 00 01 00 62 1E 78 56 34 12 00 00 00 00 00 00 00 00 04 09 00 00 00 00 00 00 51"
    # 2: serial 2, p2, port 31 / baud code 6, DL/T 645-1997, address 201900000123,
    #    password 0000000012AB, 1 tariff, 7 + 4 digits (0F), collector 000000654321, 15 / 3
    " 02 00 02 00 DF 01 23 01 00 00 19 20 AB 12 00 00 00 00 01 0F 21 43 65 00 00 00 F3"
)
METERS_VALUES = {
    "meters": [
        {
            "serial": 1,
            "pn": 1,
            "port": 2,
            "baud_code": 3,
            "protocol": 30,
            "address": "000012345678",
            "password": "000000000000",
            "tariffs": 4,
            "int_digits": 6,
            "dec_digits": 2,
            "collector": "000000000000",
            "user_class": 5,
            "user_subclass": 1,
        },
        {
            "serial": 2,
            "pn": 2,
            "port": 31,
            "baud_code": 6,
            "protocol": 1,
            "address": "201900000123",
            "password": "0000000012AB",
            "tariffs": 1,
            "int_digits": 7,
            "dec_digits": 4,
            "collector": "000000654321",
            "user_class": 15,
            "user_subclass": 3,
        },
    ]
}

EVENTS = (
    "00 00 01 00"  # p0, AFN 0E F1
    " 05 09 02 05"  # EC1 5, EC2 9, Pm 2, Pn 5: three records
    # ERC14, Le 10: power off 2026-05-21 03:15, on 03:47
    " 0E 0A 15 03 21 05 26 47 03 21 05 26"
    # ERC10, Le 28: at 10:00, p3 begins (80 03), phases A and C, open circuit (10 000 101),
    # Ua 220.0 Ub none Uc 0.0, Ia 1.5 Ib none Ic -0.5, forward active 12345.6789
    " 0A 1C 00 10 21 05 26 03 80 85 00 22 EE EE 00 00"
    " 00 15 00 EE EE EE 00 05 80 89 67 45 23 01"
    # ERC37, Le 70: at 10:05, p1 begins, 12 openings, opened 09:58:30 (Thursday), not closed,
    # before: forward 1234.56, reverse 0, Q1 1.00, Q2 0, Q3 0, Q4 2.50 (A.11); after: 1234.57 ...
    " 25 46 05 10 21 05 26 01 80 12 00 00 30 58 09 21 85 26 EE EE EE EE EE EE"
    " 56 34 12 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 50 02 00 00"
    " 57 34 12 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 50 02 00 00"
)
BEFORE = {
    "reverse_active_kwh": D(0),
    "q1_reactive_kvarh": D("1.00"),
    "q2_reactive_kvarh": D(0),
    "q3_reactive_kvarh": D(0),
    "q4_reactive_kvarh": D("2.50"),
}
EVENTS_UNIT = DataUnit(
    0,
    1,
    {
        "ec1": 5,
        "ec2": 9,
        "start_pointer": 2,
        "end_pointer": 5,
        "events": [
            {
                "erc": 14,
                "power_off_at": datetime(2026, 5, 21, 3, 15),
                "power_on_at": datetime(2026, 5, 21, 3, 47),
            },
            {
                "erc": 10,
                "at": datetime(2026, 5, 21, 10, 0),
                "pn": 3,
                "start": True,
                "phases": [True, False, True],
                "kind": 2,
                "voltage_v": [D("220.0"), None, D(0)],
                "current_a": [D("1.5"), None, D("-0.5")],
                "forward_active_kwh": D("12345.6789"),
            },
            {
                "erc": 37,
                "at": datetime(2026, 5, 21, 10, 5),
                "pn": 1,
                "start": True,
                "count": 12,
                "opened_at": datetime(2026, 5, 21, 9, 58, 30),
                "closed_at": None,
                "forward_active_kwh": D("1234.56"),
                **BEFORE,
                "after_forward_active_kwh": D("1234.57"),
                **{f"after_{k}": v for k, v in BEFORE.items()},
            },
        ],
    },
)

FORWARD_DOWN = (
    "00 00 01 00"  # p0, AFN 10 F1
    " 02 6B 83 0A"  # port 2, control 6B, wait 3 s (D7 = 1: seconds), byte wait 100 ms
    " 10 00 68 78 56 34 12 00 00 68 11 04 33 33 34 33 9E 16"  # 16 bytes to forward
)
FORWARD_FRAME = h("68 78 56 34 12 00 00 68 11 04 33 33 34 33 9E 16")

GOLDEN: list[tuple[str, int, bool, str, list[DataUnit]]] = [
    ("0C F129, M = 4", 0x0C, True, F129, [F129_UNIT]),
    ("0D F161", 0x0D, True, F161, [F161_UNIT]),
    ("0D F1", 0x0D, True, F1_DAILY, [F1_DAILY_UNIT]),
    ("0C F25", 0x0C, True, F25, [F25_UNIT]),
    ("04 F10, two meters", 0x04, False, "00 00 02 01" + METERS, [DataUnit(0, 10, METERS_VALUES)]),
    ("0A F10 reply", 0x0A, True, "00 00 02 01" + METERS, [DataUnit(0, 10, METERS_VALUES)]),
    (
        "0A F10 query",
        0x0A,
        False,
        "00 00 02 01 02 00 01 00 02 00",
        [DataUnit(0, 10, {"serials": [1, 2]})],
    ),
    ("0E F1 ERC14/10/37", 0x0E, True, EVENTS, [EVENTS_UNIT]),
    (
        "0E F2 query",
        0x0E,
        False,
        "00 00 02 00 00 0A",
        [DataUnit(0, 2, {"start_pointer": 0, "end_pointer": 10})],
    ),
    (
        "10 F1 down",
        0x10,
        False,
        FORWARD_DOWN,
        [
            DataUnit(
                0,
                1,
                {
                    "port": 2,
                    "control": 0x6B,
                    "timeout_ms": 3000,
                    "byte_timeout_ms": 100,
                    "payload": FORWARD_FRAME,
                },
            )
        ],
    ),
    (
        "10 F1 down, 10 ms units",
        0x10,
        False,
        "00 00 01 00 01 0B 32 05 00 00",
        [
            DataUnit(
                0,
                1,
                {
                    "port": 1,
                    "control": 0x0B,
                    "timeout_ms": 500,
                    "byte_timeout_ms": 50,
                    "payload": b"",
                },
            )
        ],
    ),
    (
        "10 F1 up",
        0x10,
        True,
        "00 00 01 00 02 03 00 AA BB CC",
        [DataUnit(0, 1, {"port": 2, "payload": h("AA BB CC")})],
    ),
    (
        "00 F3",
        0x00,
        True,
        "00 00 04 00 04 00 00 02 01 00 01 01 01 03 01",
        [
            DataUnit(
                0,
                3,
                {
                    "afn": 4,
                    "items": [
                        {"pn": 0, "fn": 10, "ok": True},
                        {"pn": 1, "fn": 25, "ok": False},
                    ],
                },
            )
        ],
    ),
    ("00 F1", 0x00, True, "00 00 01 00", [DataUnit(0, 1)]),
    ("00 F2 down", 0x00, False, "00 00 02 00", [DataUnit(0, 2)]),
    ("02 F1 login", 0x02, True, "00 00 01 00", [DataUnit(0, 1)]),
    ("02 F3 heartbeat", 0x02, True, "00 00 04 00", [DataUnit(0, 3)]),
    (
        "05 F31 set clock",
        0x05,
        False,
        "00 00 40 03 45 30 12 21 85 26",
        [DataUnit(0, 31, {"clock": datetime(2026, 5, 21, 12, 30, 45)})],
    ),
    (
        "0C F2 clock",
        0x0C,
        True,
        "00 00 02 00 45 30 12 21 85 26",
        [DataUnit(0, 2, {"clock": datetime(2026, 5, 21, 12, 30, 45)})],
    ),
    (
        "0C F2/F25/F129 queries",
        0x0C,
        False,
        "00 00 02 00 01 01 01 03 01 01 01 10",
        [DataUnit(0, 2), DataUnit(1, 25), DataUnit(1, 129)],
    ),
    (
        "0D F161 query",
        0x0D,
        False,
        "01 01 01 14 20 05 26",
        [DataUnit(1, 161, {"day": date(2026, 5, 20)})],
    ),
    (
        "0D F81 query",
        0x0D,
        False,
        "01 01 01 0A 15 00 21 05 26 01 60",
        [DataUnit(1, 81, {"start": datetime(2026, 5, 21, 0, 15), "density": 1, "count": 96})],
    ),
    (
        "0D F81 curve",
        0x0D,
        True,
        "01 01 01 0A 15 00 21 05 26 01 03 45 23 01 EE EE EE 00 50 80",
        [
            DataUnit(
                1,
                81,
                {
                    "start": datetime(2026, 5, 21, 0, 15),
                    "density": 1,
                    "count": 3,
                    "points": [D("1.2345"), None, D("-0.5")],
                },
            )
        ],
    ),
    (
        "0D F89 + F92 curves",
        0x0D,
        True,
        "01 01 01 0B 00 00 21 05 26 03 01 00 23 01 01 08 0B 00 00 21 05 26 03 01 00 15 00",
        [
            DataUnit(
                1,
                89,
                {
                    "start": datetime(2026, 5, 21),
                    "density": 3,
                    "count": 1,
                    "points": [D("230.0")],
                },
            ),
            DataUnit(
                1,
                92,
                {
                    "start": datetime(2026, 5, 21),
                    "density": 3,
                    "count": 1,
                    "points": [D("1.5")],
                },
            ),
        ],
    ),
    (
        "0D F101 reading curve (A.11), F97 energy curve (A.13)",
        0x0D,
        True,
        "01 01 10 0C 00 00 21 05 26 02 01 56 34 12 00 01 01 01 0C 00 00 21 05 26 02 01 56 34 12 00",
        [
            DataUnit(
                1,
                101,
                {
                    "start": datetime(2026, 5, 21),
                    "density": 2,
                    "count": 1,
                    "points": [D("1234.56")],
                },
            ),
            DataUnit(
                1,
                97,
                {
                    "start": datetime(2026, 5, 21),
                    "density": 2,
                    "count": 1,
                    "points": [D("12.3456")],
                },
            ),
        ],
    ),
    (
        "0D F161 for p1 and p2 under one DA",
        0x0D,
        False,
        "03 01 01 14 20 05 26 21 05 26",
        [
            DataUnit(1, 161, {"day": date(2026, 5, 20)}),
            DataUnit(2, 161, {"day": date(2026, 5, 21)}),
        ],
    ),
]


@pytest.mark.parametrize(
    ("afn", "uplink", "wire", "units"),
    [pytest.param(*g[1:], id=g[0]) for g in GOLDEN],
)
def test_golden_units_decode_and_encode_back(
    afn: int, uplink: bool, wire: str, units: list[DataUnit]
) -> None:
    assert decode_units(afn, uplink, h(wire)) == units
    assert encode_units(afn, uplink, units) == h(wire)


def test_several_points_and_fns_decode_pn_first_then_fn() -> None:
    # DA 03 01 = p1, p2; DT 03 0A = F81, F82; four Td_c + 1 point each, in the order
    # p1 F81, p1 F82, p2 F81, p2 F82.
    td = "00 00 21 05 26 03 01"
    wire = f"03 01 03 0A {td} 01 00 00 {td} 02 00 00 {td} 03 00 00 {td} 04 00 00"
    units = decode_units(0x0D, True, h(wire))
    assert [(u.pn, u.fn, u.values["points"]) for u in units] == [
        (1, 81, [D("0.0001")]),
        (1, 82, [D("0.0002")]),
        (2, 81, [D("0.0003")]),
        (2, 82, [D("0.0004")]),
    ]
    assert decode_units(0x0D, True, encode_units(0x0D, True, units)) == units


def test_confirm_items_expand_a_da_and_dt_naming_several() -> None:
    # DA 05 03 = p17, p19; DT 03 00 = F1, F2; ERR 0.
    [unit] = decode_units(0x00, False, h("00 00 04 00 0C 05 03 03 00 00"))
    assert unit.values == {
        "afn": 0x0C,
        "items": [
            {"pn": 17, "fn": 1, "ok": True},
            {"pn": 17, "fn": 2, "ok": True},
            {"pn": 19, "fn": 1, "ok": True},
            {"pn": 19, "fn": 2, "ok": True},
        ],
    }


def test_an_event_code_without_a_layout_keeps_its_raw_bytes() -> None:
    wire = h("00 00 02 00 00 00 FF 00 2A 03 01 02 03")  # Pm 255, Pn 0: one record, ERC42
    [unit] = decode_units(0x0E, True, wire)
    assert unit.values["events"] == [{"erc": 42, "raw": "010203"}]
    assert encode_units(0x0E, True, [unit]) == wire


def test_all_ee_fields_are_none_and_encode_back_to_ee() -> None:
    wire = h("01 01 01 10 EE EE EE EE EE 01" + " EE" * 10)
    [unit] = decode_units(0x0C, True, wire)
    assert unit.values == {"read_at": None, "tariffs": 1, "forward_active_kwh": [None, None]}
    assert encode_units(0x0C, True, [unit]) == wire


def test_encoder_groups_consecutive_points_of_one_fn() -> None:
    units = [DataUnit(p, 129) for p in (1, 2, 8, 9)] + [DataUnit(9, 25)]
    assert encode_units(0x0C, False, units) == h("83 01 01 10 01 02 01 10 01 02 01 03")
    assert decode_units(0x0C, False, encode_units(0x0C, False, units)) == units


def test_frame_timeout_picks_the_unit() -> None:
    values = {"port": 1, "control": 0, "byte_timeout_ms": 0, "payload": b""}
    for ms, byte in [(10, 0x01), (1270, 0x7F), (2000, 0x82), (127_000, 0xFF)]:
        wire = encode_units(0x10, False, [DataUnit(0, 1, {**values, "timeout_ms": ms})])
        assert wire[6] == byte
    with pytest.raises(ValueError):
        encode_units(0x10, False, [DataUnit(0, 1, {**values, "timeout_ms": 1275})])


# ----------------------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    ("afn", "uplink", "wire", "kind", "words"),
    [
        (0x0C, True, F129[:-3], FrameKind.TRUNCATED, ["AFN 0C F129 p1", "forward_active_kwh"]),
        (0x0C, True, "01 01 01", FrameKind.TRUNCATED, ["AFN 0C", "DA and DT"]),
        (
            0x0C,
            True,
            F129.replace("89 67 45 23 01", "89 67 4A 23 01"),
            FrameKind.VALUE_FORMAT,
            ["AFN 0C F129 p1", "forward_active_kwh", "A.14", "not BCD"],
        ),
        (
            0x0C,
            True,
            F129.replace("30 12 21 05 26", "30 12 21 13 26"),
            FrameKind.VALUE_FORMAT,
            ["AFN 0C F129 p1", "read_at", "A.15"],
        ),
        (
            0x0C,
            True,
            F129.replace("EE EE EE EE EE", "EE EE 12 EE EE"),
            FrameKind.VALUE_FORMAT,
            ["F129", "not BCD"],
        ),
        (0x0C, True, "01 01 40 00", FrameKind.UNSUPPORTED, ["AFN 0C F7 is not supported"]),
        (0x02, False, "00 00 01 00", FrameKind.UNSUPPORTED, ["AFN 02 F1", "downlink"]),
        (0x0A, True, "00 00 01 00", FrameKind.UNSUPPORTED, ["AFN 0A F1"]),
        (0x33, True, "00 00 01 00", FrameKind.UNSUPPORTED, ["AFN 33 F1"]),
        (
            0x0E,
            True,
            "00 00 01 00 00 00 00 01 0E 0B" + " 00" * 11,
            FrameKind.VALUE_FORMAT,
            ["AFN 0E F1 p0 ERC14", "Le", "11", "10 bytes"],
        ),
        (0x0E, True, EVENTS[:-3], FrameKind.TRUNCATED, ["AFN 0E F1 p0 ERC37"]),
        (0x0C, True, "01 00 01 10", FrameKind.VALUE_FORMAT, ["AFN 0C", "DA"]),
        (0x0C, True, "01 01 00 10", FrameKind.VALUE_FORMAT, ["AFN 0C", "DT"]),
        (0x10, True, "00 00 01 00 02 05 00 AA", FrameKind.TRUNCATED, ["AFN 10 F1", "payload"]),
    ],
)
def test_bad_data_is_a_typed_frame_error_naming_the_fn(
    afn: int, uplink: bool, wire: str, kind: FrameKind, words: list[str]
) -> None:
    with pytest.raises(FrameError) as err:
        decode_units(afn, uplink, h(wire))
    assert err.value.kind is kind
    for word in words:
        assert word in str(err.value)


def f129(values: dict[str, object]) -> DataUnit:
    return DataUnit(1, 129, {"read_at": None, "tariffs": 0, **values})


@pytest.mark.parametrize(
    ("afn", "uplink", "unit"),
    [
        pytest.param(0x0C, False, DataUnit(1, 7), id="unsupported Fn"),
        pytest.param(0x04, True, DataUnit(0, 10), id="unsupported direction"),
        pytest.param(0x0C, False, DataUnit(2041, 129), id="pn out of range"),
        pytest.param(0x0C, True, f129({"tariffs": 1, "forward_active_kwh": [D(1)]}), id="M+1"),
        pytest.param(0x0C, True, f129({"forward_active_kwh": [D("1.00001")]}), id="decimals"),
        pytest.param(0x0C, True, f129({"forward_active_kwh": [D("1000000")]}), id="too big"),
        pytest.param(0x0C, True, f129({"forward_active_kwh": [D(-1)]}), id="unsigned"),
        pytest.param(0x0C, True, f129({"forward_active_kwh": [1.5]}), id="float"),
        pytest.param(0x0C, True, f129({"forward_active_kwh": [True]}), id="bool"),
        pytest.param(0x0C, True, f129({"forward_active_kwh": [D("NaN")]}), id="NaN"),
        pytest.param(
            0x0C,
            True,
            DataUnit(1, 129, {"tariffs": 0, "forward_active_kwh": [D(1)]}),
            id="missing key",
        ),
        pytest.param(0x0D, False, DataUnit(1, 161, {"day": date(1999, 12, 31)}), id="year"),
        pytest.param(
            0x0D,
            False,
            DataUnit(1, 81, {"start": date(2026, 1, 1), "density": 1, "count": 1}),
            id="date for A.15",
        ),
        pytest.param(
            0x0E,
            False,
            DataUnit(0, 1, {"start_pointer": 0, "end_pointer": 256}),
            id="BIN range",
        ),
        pytest.param(
            0x0E,
            True,
            DataUnit(
                0, 1, {"ec1": 0, "ec2": 0, "start_pointer": 0, "end_pointer": 1, "events": []}
            ),
            id="pointers vs records",
        ),
    ],
)
def test_encoder_rejects_values_it_cannot_send(afn: int, uplink: bool, unit: DataUnit) -> None:
    with pytest.raises(ValueError):
        encode_units(afn, uplink, [unit])


# ----------------------------------------------------------------------------- names


def test_every_golden_fn_has_english_and_chinese_names() -> None:
    assert fn_info(0x0C, 129) == FnInfo(
        0x0C,
        129,
        "current forward active energy (total, tariffs 1-M)",
        "当前正向有功电能示值（总、费率1～M）",
    )
    assert fn_info(0x0C, 7) is None
    assert AFN_NAMES[0x0D] == ("historical data", "请求2类数据")
    for _, afn, _, _, units in GOLDEN:
        assert afn in AFN_NAMES
        for unit in units:
            info = fn_info(afn, unit.fn)
            assert info is not None and info.name_en and info.name_zh


@pytest.mark.parametrize(("code", "minutes"), [(1, 15), (2, 30), (3, 60), (254, 5), (255, 1)])
def test_density_minutes(code: int, minutes: int) -> None:
    assert density_minutes(code) == minutes


def test_density_zero_is_not_an_interval() -> None:
    with pytest.raises(ValueError):
        density_minutes(0)


# ----------------------------------------------------------------------------- properties

SUPPORTED = [
    (afn, fn, up)
    for afn in AFNS
    for fn in range(1, 256)
    for up in (False, True)
    if fn_info(afn, fn) is not None
]


@given(afn=st.sampled_from(AFNS), uplink=st.booleans(), data=st.binary(max_size=200))
def test_any_bytes_raise_nothing_but_frame_error(afn: int, uplink: bool, data: bytes) -> None:
    with contextlib.suppress(FrameError):
        decode_units(afn, uplink, data)


@given(
    key=st.sampled_from(SUPPORTED),
    pns=st.sampled_from(["00 00", "01 01", "05 03"]),
    body=st.binary(max_size=300),
)
def test_any_body_after_a_supported_fn_raises_nothing_but_frame_error(
    key: tuple[int, int, bool], pns: str, body: bytes
) -> None:
    afn, fn, uplink = key
    try:
        units = decode_units(afn, uplink, h(pns) + encode_dt([fn]) + body)
    except FrameError:
        return
    # Whatever decodes encodes again, to bytes that decode to the same units.
    assert decode_units(afn, uplink, encode_units(afn, uplink, units)) == units


def number(size: int, decimals: int, signed: bool = False) -> st.SearchStrategy[Decimal | None]:
    limit = 8 * 10 ** (2 * size - 1) if signed else 10 ** (2 * size)
    low = -(limit - 1) if signed else 0
    return st.none() | st.integers(low, limit - 1).map(lambda n: Decimal(n).scaleb(-decimals))


A5, A7, A9 = number(2, 1, True), number(2, 1), number(3, 4, True)
A11, A13, A14, A25 = number(4, 2), number(4, 4), number(5, 4), number(3, 3, True)
MINUTES = st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31, 23, 59)).map(
    lambda t: t.replace(second=0, microsecond=0)
)
A15 = st.none() | MINUTES
A20 = st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31))
A1 = st.none() | st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31)).map(
    lambda t: t.replace(microsecond=0)
)


@st.composite
def tariff_values(
    draw: st.DrawFn, *lists: tuple[str, st.SearchStrategy[Decimal | None]]
) -> dict[str, object]:
    m = draw(st.integers(0, 14))
    values: dict[str, object] = {"read_at": draw(A15), "tariffs": m}
    for key, strategy in lists:
        values[key] = draw(st.lists(strategy, min_size=m + 1, max_size=m + 1))
    return values


def fixed(
    strategy: st.SearchStrategy[Decimal | None], n: int
) -> st.SearchStrategy[list[Decimal | None]]:
    return st.lists(strategy, min_size=n, max_size=n)


F25_VALUES = st.fixed_dictionaries(
    {
        "read_at": A15,
        "active_power_kw": fixed(A9, 4),
        "reactive_power_kvar": fixed(A9, 4),
        "power_factor_pct": fixed(A5, 4),
        "voltage_v": fixed(A7, 3),
        "current_a": fixed(A25, 3),
        "neutral_current_a": A25,
        "apparent_power_kva": fixed(A9, 4),
    }
)
CURVE_FORMATS = {
    81: A9,
    82: A9,
    83: A9,
    84: A9,
    89: A7,
    90: A7,
    91: A7,
    92: A25,
    93: A25,
    94: A25,
    97: A13,
    101: A11,
}


@st.composite
def curve(draw: st.DrawFn) -> tuple[int, dict[str, object]]:
    fn = draw(st.sampled_from(sorted(CURVE_FORMATS)))
    count = draw(st.integers(0, 40))
    return fn, {
        "start": draw(MINUTES),
        "density": draw(st.sampled_from([1, 2, 3, 254, 255])),
        "count": count,
        "points": draw(fixed(CURVE_FORMATS[fn], count)),
    }


@st.composite
def uplink_units(draw: st.DrawFn) -> tuple[int, DataUnit]:
    pn = draw(st.integers(1, 2040))
    kind = draw(st.sampled_from(["F129", "F161", "F1", "F25", "curve"]))
    if kind == "F129":
        return 0x0C, DataUnit(pn, 129, draw(tariff_values(("forward_active_kwh", A14))))
    if kind == "F25":
        return 0x0C, DataUnit(pn, 25, draw(F25_VALUES))
    if kind == "curve":
        fn, values = draw(curve())
        return 0x0D, DataUnit(pn, fn, values)
    lists = [("forward_active_kwh", A14)]
    if kind == "F1":
        lists += [
            ("forward_reactive_kvarh", A11),
            ("q1_reactive_kvarh", A11),
            ("q4_reactive_kvarh", A11),
        ]
    values = {"day": draw(A20), **draw(tariff_values(*lists))}
    return 0x0D, DataUnit(pn, 1 if kind == "F1" else 161, values)


@given(st.lists(uplink_units(), min_size=1, max_size=6))
def test_random_units_round_trip(drawn: list[tuple[int, DataUnit]]) -> None:
    for afn in {a for a, _ in drawn}:
        units = [u for a, u in drawn if a == afn]
        assert decode_units(afn, True, encode_units(afn, True, units)) == units


POINT_AND_START = {"at": A15, "pn": st.integers(0, 4095), "start": st.booleans()}
EVENT = st.one_of(
    st.fixed_dictionaries({"erc": st.just(14), "power_off_at": A15, "power_on_at": A15}),
    st.fixed_dictionaries(
        {
            "erc": st.just(10),
            **POINT_AND_START,
            "phases": st.lists(st.booleans(), min_size=3, max_size=3),
            "kind": st.integers(0, 3),
            "voltage_v": fixed(A7, 3),
            "current_a": fixed(A25, 3),
            "forward_active_kwh": A14,
        }
    ),
    st.fixed_dictionaries(
        {
            "erc": st.just(37),
            **POINT_AND_START,
            "count": st.none() | st.integers(0, 999_999),
            "opened_at": A1,
            "closed_at": A1,
            **{
                f"{when}{key}": A11
                for when in ("", "after_")
                for key in (
                    "forward_active_kwh",
                    "reverse_active_kwh",
                    "q1_reactive_kvarh",
                    "q2_reactive_kvarh",
                    "q3_reactive_kvarh",
                    "q4_reactive_kvarh",
                )
            },
        }
    ),
    st.fixed_dictionaries(
        {
            "erc": st.integers(1, 255).filter(lambda e: e not in (10, 14, 37)),
            "raw": st.binary(max_size=40).map(lambda b: b.hex().upper()),
        }
    ),
)


@given(
    ec=st.tuples(st.integers(0, 255), st.integers(0, 255)),
    start=st.integers(0, 255),
    events=st.lists(EVENT, max_size=5),
    fn=st.sampled_from([1, 2]),
)
def test_random_event_reports_round_trip(
    ec: tuple[int, int], start: int, events: list[dict[str, object]], fn: int
) -> None:
    values = {
        "ec1": ec[0],
        "ec2": ec[1],
        "start_pointer": start,
        "end_pointer": (start + len(events)) % 256,
        "events": events,
    }
    unit = DataUnit(0, fn, values)
    assert decode_units(0x0E, True, encode_units(0x0E, True, [unit])) == [unit]


METER = st.fixed_dictionaries(
    {
        "serial": st.integers(0, 0xFFFF),
        "pn": st.integers(0, 2040),
        "port": st.integers(0, 31),
        "baud_code": st.integers(0, 7),
        "protocol": st.sampled_from([0, 1, 2, 30, 31]),
        "address": st.text("0123456789", min_size=12, max_size=12),
        "password": st.text("0123456789ABCDEF", min_size=12, max_size=12),
        "tariffs": st.integers(0, 63),
        "int_digits": st.integers(4, 7),
        "dec_digits": st.integers(1, 4),
        "collector": st.text("0123456789", min_size=12, max_size=12),
        "user_class": st.integers(0, 15),
        "user_subclass": st.integers(0, 15),
    }
)


@given(st.lists(METER, max_size=4))
def test_random_meter_tables_round_trip(meters: list[dict[str, object]]) -> None:
    unit = DataUnit(0, 10, {"meters": meters})
    assert decode_units(0x04, False, encode_units(0x04, False, [unit])) == [unit]
    assert decode_units(0x0A, True, encode_units(0x0A, True, [unit])) == [unit]
