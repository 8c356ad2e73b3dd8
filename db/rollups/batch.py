"""The figures one batch of curve points adds to the rollups: station and county slot sums and
the load peak of each 台区-day, computed over the batch's columns with numpy.

A curve batch is a county's quarter hours (a hundred thousand points a transaction); a Python
loop over it, with a key tuple per point, cost more than storing it, and the tuples it left
behind made the garbage collector walk the caller's whole heap. Here each column is read
once in C loops (no object per point) and grouped with numpy's unique, bincount and ufunc.at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from db.rollups.figures import COUNTY, STATION, AreaUnits, Peak

SlotSums = dict[tuple[str, int, datetime], list[int]]  # (level, unit, slot) -> [power_w, meters]
AreaPeaks = dict[tuple[int, date], Peak]  # (台区, day) -> (power_w, slot)

_METER = attrgetter("meter_id")
_SLOT = attrgetter("slot_start")
_POWER = attrgetter("active_power_w")

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class _Points:
    """The supply points of a batch as columns: ``meter`` and ``slot`` index ``meters`` and
    ``slots`` (both sorted, so index order is id and time order)."""

    meters: list[int]
    slots: list[datetime]
    meter: Ints
    slot: Ints
    power: Ints


def batch_figures(
    rows: Sequence[Any], summary_of: Mapping[int, tuple[int, int]], units: Mapping[int, AreaUnits]
) -> tuple[SlotSums, AreaPeaks]:
    """Station and county slot sums (power, meters) and 台区-day peaks (the highest power, on
    a tie the earliest slot) of the points of ``summary_of``'s meters (summary meter → (台区,
    station)); other meters' points (large customers) are not supply and are skipped.

    ``rows`` carry ``meter_id``, ``slot_start``, ``active_power_w`` and ``read_at``. A meter
    and slot given more than once counts once, as the upsert stored it: the last of the
    newest reads (``fold_repeats``)."""
    meter_col = list(map(_METER, rows))
    meters = sorted(summary_of.keys() & set(meter_col))
    if not meters:
        return {}, {}
    n = len(rows)
    index_of = {m: i for i, m in enumerate(meters)}
    meter = np.fromiter(map(index_of.get, meter_col, repeat(-1)), np.int64, n)
    slot_col = list(map(_SLOT, rows))
    slots = sorted(set(slot_col))
    slot_index = {s: i for i, s in enumerate(slots)}
    slot = np.fromiter(map(slot_index.__getitem__, slot_col), np.int64, n)
    power = np.fromiter(map(_POWER, rows), np.int64, n)
    supply = meter >= 0
    if not supply.all():
        meter, slot, power = meter[supply], slot[supply], power[supply]
    cells = np.sort(meter * len(slots) + slot)
    if (cells[1:] == cells[:-1]).any():
        return batch_figures(fold_repeats(rows), summary_of, units)
    points = _Points(meters, slots, meter, slot, power)
    return _slot_sums(points, summary_of, units), _area_peaks(points, summary_of)


def _slot_sums(
    points: _Points, summary_of: Mapping[int, tuple[int, int]], units: Mapping[int, AreaUnits]
) -> SlotSums:
    meters, slots = points.meters, points.slots
    stations = sorted({summary_of[m][1] for m in meters})
    station_index = {s: i for i, s in enumerate(stations)}
    station_of = np.array([station_index[summary_of[m][1]] for m in meters], np.int64)
    # Only the (station, slot) cells the batch has, however many slots it spans.
    cells, cell_of_point = np.unique(
        station_of[points.meter] * len(slots) + points.slot, return_inverse=True
    )
    counts = np.bincount(cell_of_point, minlength=len(cells))
    watts = np.zeros(len(cells), np.int64)
    np.add.at(watts, cell_of_point, points.power)  # exact integers, unlike bincount's float weights
    county_of_station = {u.station_id: u.county_id for u in units.values()}
    sums: SlotSums = {}
    for cell, w, count in zip(cells.tolist(), watts.tolist(), counts.tolist(), strict=True):
        station_no, slot_no = divmod(cell, len(slots))
        station, at = stations[station_no], slots[slot_no]
        sums[(STATION, station, at)] = [w, count]
        acc = sums.setdefault((COUNTY, county_of_station[station], at), [0, 0])
        acc[0] += w
        acc[1] += count
    return sums


def _area_peaks(points: _Points, summary_of: Mapping[int, tuple[int, int]]) -> AreaPeaks:
    meters, slots, slot, power = points.meters, points.slots, points.slot, points.power
    days = sorted({s.date() for s in slots})
    day_index = {d: i for i, d in enumerate(days)}
    day_of_slot = np.array([day_index[s.date()] for s in slots], np.int64)
    areas = sorted({summary_of[m][0] for m in meters})
    area_index = {a: i for i, a in enumerate(areas)}
    area_of = np.array([area_index[summary_of[m][0]] for m in meters], np.int64)
    group = area_of[points.meter] * len(days) + day_of_slot[slot]
    cells, cell_of_point = np.unique(group, return_inverse=True)
    top = np.full(len(cells), np.iinfo(np.int64).min)
    np.maximum.at(top, cell_of_point, power)
    # Of the points at the maximum, the earliest slot (slot indices are in time order).
    at_top = power == top[cell_of_point]
    first = np.full(len(cells), len(slots), np.int64)
    np.minimum.at(first, cell_of_point[at_top], slot[at_top])
    peaks: AreaPeaks = {}
    found = zip(cells.tolist(), top.tolist(), first.tolist(), strict=True)
    for cell, w, s in found:
        area_no, day_no = divmod(cell, len(days))
        peaks[(areas[area_no], days[day_no])] = (w, slots[s])
    return peaks


def fold_repeats(rows: Sequence[Any]) -> list[Any]:
    """What the upsert kept of repeated keys: each next row replaced the kept one if at least
    as new (``newer_column``), so fold the batch the same way."""
    folded: dict[tuple[int, datetime], Any] = {}
    for r in rows:
        held = folded.get((r.meter_id, r.slot_start))
        if held is None or r.read_at >= held.read_at:
            folded[(r.meter_id, r.slot_start)] = r
    return list(folded.values())
