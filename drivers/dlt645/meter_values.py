"""What an emulated DL/T 645 meter reads for each data identifier, from its ``MeterCore``.

CT-connected meters show secondary-side values (primary divided by the CT ratio), registers
truncated to 0.01 kWh as a real display does. ``None`` means "no such data" (an abnormal reply).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from drivers.dlt645 import dataids
from drivers.dlt645.loadprofile import encode_record
from drivers.dlt645.values import DataItem
from drivers.emulator.core import Record, Registers, secondary_kw
from drivers.errors import FrameError, FrameKind

if TYPE_CHECKING:
    from drivers.dlt645.emulated import Dlt645Meter

Values = dict[str, object]
_KEYS = ("total", "t1", "t2", "t3", "t4")


def _kwh(wh: int, ct: int) -> Decimal:
    return Decimal(wh // ct // 10).scaleb(-2)


def _q(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places))


# DI2 of the reactive sets -> the quadrants (I-IV, 0-3) they add up.
_REACTIVE_SETS = {0x03: (0, 1), 0x04: (2, 3), 0x05: (0,), 0x06: (1,), 0x07: (2,), 0x08: (3,)}


def _energy_set(regs: Registers, di2: int) -> tuple[int, ...] | None:
    """(total, t1..t4) primary Wh of energy set ``di2``. Combined active = forward + reverse;
    combined reactive 1 = quadrants I + II and 2 = III + IV (the usual combination words);
    reactive sets are split over the tariffs as forward active energy is."""
    fwd, rev = regs.forward, regs.reverse
    if di2 == 0x00:
        return tuple(a + b for a, b in zip(fwd, rev, strict=True))
    if di2 in (0x01, 0x02):
        return fwd if di2 == 0x01 else rev
    quadrants = _REACTIVE_SETS.get(di2)
    if quadrants is None:
        return None
    total = sum(regs.reactive[q] for q in quadrants)
    fwd_total = fwd[0] or 1
    parts = [total * fwd[i] // fwd_total for i in range(1, 4)]
    return (total, *parts, total - sum(parts))


def _registers_kwh(values: Sequence[int], ct: int) -> Values:
    return {key: _kwh(wh, ct) for key, wh in zip(_KEYS, values, strict=True)}


def _record(record: Record | None) -> Values | None:
    if record is None:
        return None
    end = record.end if record.end is not None else datetime(2000, 1, 1)  # still going: zeros
    return {"start": record.start, "end": end}


def _nth(records: list[Record], n: int) -> Record | None:
    return records[n - 1] if 0 < n <= len(records) else None


def values_2007(meter: Dlt645Meter, item: DataItem, now: datetime) -> Values | None:
    core, ct = meter.core, meter.core.ct_ratio
    di = item.di
    group = di >> 24
    if group == 0x00:
        energies = _energy_set(core.registers(now), (di >> 16) & 0xFF)
        if energies is None or di & 0xFF:
            return None
        shown = _registers_kwh(energies, ct)
        return (
            shown if (di >> 8) & 0xFF == 0xFF else {item.fields[0].key: shown[item.fields[0].key]}
        )
    if group == 0x01:
        return _demand(meter, item, now)
    if group == 0x02:
        return _instantaneous(meter, item, now)
    if di >> 16 == 0x0311:
        records = core.power_down_records(now)
        return {"count": len(records)} if di & 0xFF == 0 else _record(_nth(records, di & 0xFF))
    if di >> 8 == 0x03300D:
        return _cover_record(meter, di & 0xFF)
    if di >> 16 == 0x0400:
        return _parameter(meter, item, now)
    if di >> 16 == 0x0501:
        return _instant_freeze(meter, item)
    if di >> 16 == 0x0506:
        frozen_at, regs = core.daily_freeze(di & 0xFF, now)
        if (di >> 8) & 0xFF == 0x00:
            return {"time": frozen_at}
        return _registers_kwh(regs.forward, ct)
    return None


def _demand(meter: Dlt645Meter, item: DataItem, now: datetime) -> Values | None:
    core, ct = meter.core, meter.core.ct_ratio
    kind, tariff_index = (item.di >> 16) & 0xFF, (item.di >> 8) & 0xFF
    out: Values = {}
    for index, key in enumerate(_KEYS):
        if tariff_index not in (index, 0xFF):
            continue
        if kind == 0x01:
            watts, when = core.max_demand(now, tariff=index)
        else:  # reverse active demand: none unless energy flows backwards
            watts, when = 0.0, core.meter_time(now).replace(day=1, hour=0, minute=0, second=0)
        out[key] = _q(watts / ct / 1000, 4)
        out[f"{key}_time"] = when
    return out


def _instantaneous(meter: Dlt645Meter, item: DataItem, now: datetime) -> Values | None:
    core, ct = meter.core, meter.core.ct_ratio
    inst = core.instant(now)
    di = item.di
    fixed: dict[int, Values] = {
        0x02800002: {"frequency": _q(inst.frequency_hz, 2)},
        0x02800007: {"temperature": Decimal("25.0")},
        0x02800008: {"voltage": Decimal("2.20") if core.clock_battery_low() else Decimal("3.62")},
        0x02800009: {"voltage": Decimal("3.60")},
    }
    if di in fixed:
        return fixed[di]
    keyed: dict[int, tuple[Sequence[float], int, float]] = {
        0x01: (inst.voltage_v, 1, 1.0),
        0x02: (inst.current_a, 3, 1 / ct),
        0x03: (inst.active_w, 4, 1 / ct / 1000),
        0x04: (inst.reactive_var, 4, 1 / ct / 1000),
        0x05: (inst.apparent_va, 4, 1 / ct / 1000),
        0x06: (inst.power_factor, 3, 1.0),
        0x07: (inst.angle_deg, 1, 1.0),
    }
    spec = keyed.get((di >> 16) & 0xFF)
    if spec is None:
        return None
    series, places, scale = spec
    has_total = len(series) == 4
    names = ("total", "a", "b", "c") if has_total else ("a", "b", "c")
    if (di >> 16) & 0xFF in (0x03, 0x04, 0x05):  # powers: exactly as secondary_kw shows them
        by_key = {name: secondary_kw(v, ct) for name, v in zip(names, series, strict=True)}
    else:
        by_key = {name: _q(v * scale, places) for name, v in zip(names, series, strict=True)}
    return {f.key: by_key[f.key] for f in item.fields if f.key in by_key} or None


def _parameter(meter: Dlt645Meter, item: DataItem, now: datetime) -> Values | None:
    core = meter.core
    meter_now = core.meter_time(now)
    di = item.di
    if di == 0x04000101:
        return {"date": meter_now.date()}
    if di == 0x04000102:
        return {"time": meter_now.time()}
    if di == 0x04000103:
        return {"minutes": meter.demand_period_min}
    if di == 0x04000104:
        return {"minutes": meter.demand_slide_min}
    if di == 0x04000401:
        return {"address": meter.address}
    if di == 0x04000402:
        number = (
            core.serial_number
            if core.serial_number.isdigit() and len(core.serial_number) == 12
            else meter.address
        )
        return {"number": number}
    if di >> 8 == 0x040005:
        words = _status_words(meter, now)
        if di == 0x040005FF:
            return {f"word{n}": words[n - 1] for n in range(1, 8)}
        return {f"word{di & 0xFF}": words[(di & 0xFF) - 1]}
    return None


def _status_words(meter: Dlt645Meter, now: datetime) -> list[str]:
    """Status word 1: bit 2 clock battery low, bit 4 active power reversed (the rest 0)."""
    core = meter.core
    word1 = (0x0004 if core.clock_battery_low() else 0) | (
        0x0010 if core.instant(now).active_w[0] < 0 else 0
    )
    return [f"{word1:04X}"] + ["0000"] * 6


def _cover_record(meter: Dlt645Meter, n: int) -> Values | None:
    records = meter.core.cover_open_records()
    if n == 0:
        return {"count": len(records)}
    record = _nth(records, n)
    if record is None:
        return None
    core, ct = meter.core, meter.core.ct_ratio
    out: Values = dict(_record(record) or {})
    for when, moment in (("before", record.start), ("after", record.end or record.start)):
        regs = core.registers(core.true_time_of(moment))  # records are in meter-clock time
        energies = (regs.forward[0], regs.reverse[0], *regs.reactive)
        for key, wh in zip(("forward", "reverse", "q1", "q2", "q3", "q4"), energies, strict=True):
            out[f"{key}_{when}"] = _kwh(wh, ct)
    return out


def _instant_freeze(meter: Dlt645Meter, item: DataItem) -> Values | None:
    n = item.di & 0xFF
    if not 0 < n <= len(meter.instant_freezes):
        return None
    frozen_at, regs = meter.instant_freezes[n - 1]
    if (item.di >> 8) & 0xFF == 0x00:
        return {"time": frozen_at}
    return _registers_kwh(regs.forward, meter.core.ct_ratio)


# --------------------------------------------------------------------------- load profile

PROFILE_STEP = timedelta(minutes=15)
PROFILE_DAYS = 60  # how far back the emulated meter keeps its load profile


def load_profile_records(meter: Dlt645Meter, di: int, request: bytes, now: datetime) -> list[bytes]:
    """Encoded records for 06000000 (earliest), 06000001 (count + mmhhDDMMYY), 06000002 (latest)."""
    latest = _slot_floor(meter.core.meter_time(now))
    earliest = latest.replace(hour=0, minute=0) - timedelta(days=PROFILE_DAYS)
    if di == dataids.LOAD_PROFILE_EARLIEST:
        times = [earliest]
    elif di == dataids.LOAD_PROFILE_LATEST:
        times = [latest]
    else:
        if len(request) != 6:
            raise FrameError(FrameKind.LENGTH, "load profile read: expected count + mmhhDDMMYY")
        count = _from_bcd(request[0])
        mm, hh, dd, mo, yy = (_from_bcd(b) for b in request[1:6])
        start = datetime(2000 + yy, mo, dd, hh, mm)
        times = [start + PROFILE_STEP * k for k in range(count)]
        times = [t for t in times if earliest <= t <= latest]
    return [encode_record(t, _profile_values(meter, t)) for t in times]


def _slot_floor(at: datetime) -> datetime:
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


def _from_bcd(byte: int) -> int:
    if byte >> 4 > 9 or byte & 0x0F > 9:
        raise FrameError(FrameKind.VALUE_FORMAT, f"byte {byte:02X} is not BCD")
    return (byte >> 4) * 10 + (byte & 0x0F)


def _profile_values(meter: Dlt645Meter, meter_at: datetime) -> Values:
    core, ct = meter.core, meter.core.ct_ratio
    at = meter_at - timedelta(seconds=core.clock_offset_s)
    inst, regs = core.instant(at), core.registers(at)
    values: Values = {}
    for key, v in zip(("a", "b", "c"), inst.voltage_v, strict=True):
        values[f"voltage_{key}"] = _q(v, 1)
    for key, v in zip(("a", "b", "c"), inst.current_a, strict=True):
        values[f"current_{key}"] = _q(v / ct, 3)
    values["frequency"] = _q(inst.frequency_hz, 2)
    for key, p, q, pf in zip(
        ("total", "a", "b", "c"), inst.active_w, inst.reactive_var, inst.power_factor, strict=True
    ):
        values[f"active_{key}"] = _q(p / ct / 1000, 4)
        values[f"reactive_{key}"] = _q(q / ct / 1000, 4)
        values[f"pf_{key}"] = _q(pf, 3)
    q1, q2, q3, q4 = regs.reactive
    values["forward_active"] = _kwh(regs.forward[0], ct)
    values["reverse_active"] = _kwh(regs.reverse[0], ct)
    values["combined_reactive_1"] = _kwh(q1 + q2, ct)
    values["combined_reactive_2"] = _kwh(q3 + q4, ct)
    for q in range(1, 5):
        values[f"q{q}"] = _kwh(regs.reactive[q - 1], ct)
    values["active_demand"] = _q(max(inst.active_w[0], 0.0) / ct / 1000, 4)
    values["reactive_demand"] = _q(max(inst.reactive_var[0], 0.0) / ct / 1000, 4)
    return values


# --------------------------------------------------------------------------- DL/T 645-1997


def values_1997(meter: Dlt645Meter, item: DataItem, now: datetime) -> Values | None:
    core, ct = meter.core, meter.core.ct_ratio
    di = item.di
    regs = core.registers(now)
    energy_sets = {0x901: 0x01, 0x902: 0x02, 0x911: 0x03, 0x912: 0x04}  # 1997 -> 2007 DI2
    if di >> 4 in energy_sets:
        energies = _energy_set(regs, energy_sets[di >> 4])
        assert energies is not None
        shown = _registers_kwh(energies, ct)
        return shown if di & 0xF == 0xF else {item.fields[0].key: shown[item.fields[0].key]}
    if di >> 4 == 0xA01:
        out: Values = {}
        for index, key in enumerate(_KEYS):
            if di & 0xF in (index, 0xF):
                out[key] = _q(core.max_demand(now, tariff=index)[0] / ct / 1000, 4)
        return out
    if di == 0xB010:
        return {"time": core.max_demand(now)[1]}
    inst = core.instant(now)
    series = {
        0xB61: (inst.voltage_v, 0, 1.0),
        0xB62: (inst.current_a, 2, 1 / ct),
        0xB63: (inst.active_w, 4, 1 / ct / 1000),
        0xB64: (inst.reactive_var, 2, 1 / ct / 1000),
        0xB65: (inst.power_factor, 3, 1.0),
    }.get(di >> 4)
    if series is not None:
        values, places, scale = series
        names = ("total", "a", "b", "c") if len(values) == 4 else ("a", "b", "c")
        by_key = {n: _q(abs(v) * scale, places) for n, v in zip(names, values, strict=True)}
        return {f.key: by_key[f.key] for f in item.fields if f.key in by_key} or None
    meter_now = core.meter_time(now)
    simple: dict[int, Values] = {
        0xC010: {"date": meter_now.date()},
        0xC011: {"time": meter_now.time()},
        0xC030: {"constant": 1200},
        0xC032: {"number": meter.address},
        0xC033: {"number": "000000000000"},
        0xC034: {"number": meter.address},
    }
    return simple.get(di)
