"""Rollups of sales, supply, line loss, collection and load, kept current by the ingest path.

What a rollup row holds (the definitions the panorama relies on):
- A 台区-day row exists for (area, D) when a meter of the area has a freeze of D or D+1, or its
  summary meter has a curve point on D. Sales of D = Σ over customer meters with both freezes
  of (freeze(D+1) − freeze(D)); supply = the same over the summary meter(s); the line loss is
  computable when the summary meter and every expected customer meter are complete.
  Expected meters are the area's active meters installed on or before D (or with no install
  date); meters read = those with a freeze of D (采集成功率 of D).
- Station and county rows sum their 台区 rows of the day; their load is ``rollup_curve``, the
  quarter-hour sum of their summary meters; the daily maximum is taken from it.
- Month rows sum the day rows of the month (load: the maximum).
Refreshing recomputes the touched keys from raw rows, so a re-read or a late read can never
leave a rollup that differs from ``recompute_all``. A bulk load of whole 台区 (``BulkLoad``)
computes the same rows from the rows it holds in memory instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.models import (
    DailyFreeze,
    Feeder,
    IntervalReading,
    MeterRole,
    RollupClassDay,
    RollupClassMonth,
    RollupCurve,
    RollupDay,
    RollupMonth,
)
from db.rollups.batch import batch_figures
from db.rollups.curves import (
    _refresh_county_curve,
    _refresh_curve,
    curve_slots_are_new,
    merge_appended_curves,
    refresh_after_curves,
)
from db.rollups.days import _refresh_months, _refresh_unit_days, refresh_area_days
from db.rollups.figures import (
    DAY,
    STATION,
    AreaUnits,
    ClassFigures,
    DayFigures,
    FreezeLookup,
    MeterFacts,
    _as_date,
    _next_month,
    area_day_figures,
)
from db.rollups.lookups import _meter_areas, area_units, meter_facts
from db.upsert import table_of, upsert_rows


def refresh_after_freezes(session: Session, meter_days: Iterable[tuple[int, date]]) -> None:
    """After freezes of (meter, day) were stored: a freeze of D changes the sales of D−1 and D."""
    pairs = set(meter_days)
    areas = _meter_areas(session, (m for m, _ in pairs))
    dirty: dict[int, set[date]] = defaultdict(set)
    for mid, day in pairs:
        if mid in areas:
            dirty[areas[mid][0]].update((day - DAY, day))
    refresh_area_days(session, dirty)


def recompute_all(session: Session) -> None:
    """Rebuild every rollup from raw rows (repair, and the reference the tests compare with)."""
    for model in (RollupDay, RollupMonth, RollupCurve, RollupClassDay, RollupClassMonth):
        session.execute(delete(table_of(model)))
    first_freeze, last_freeze = session.execute(
        select(func.min(DailyFreeze.day), func.max(DailyFreeze.day))
    ).one()
    first_slot, last_slot = session.execute(
        select(func.min(IntervalReading.slot_start), func.max(IntervalReading.slot_start))
    ).one()
    days = [d - DAY for d in (first_freeze,) if d is not None] + [
        d for d in (last_freeze,) if d is not None
    ]
    days += [_as_date(s) for s in (first_slot, last_slot) if s is not None]
    if days:
        rebuild(session, min(days), max(days))


def rebuild(
    session: Session,
    first: date,
    last: date,
    *,
    window_days: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Recompute every rollup of the days ``first``..``last`` from raw rows, a window of days
    at a time (memory stays bounded): after a bulk load stored with ``refresh=False``."""
    units = area_units(session)
    stations = sorted({u.station_id for u in units.values()})
    counties = sorted({u.county_id for u in units.values()})
    areas = sorted(units)
    total = (last - first).days + 1
    done = 0
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=window_days - 1))
        lo = datetime.combine(start, time.min)
        hi = datetime.combine(end + DAY, time.min) - timedelta(microseconds=1)
        _refresh_curve(session, STATION, Feeder.supply_station_id, stations, lo=lo, hi=hi)
        _refresh_county_curve(session, counties, lo, hi)
        window = {start + timedelta(days=k) for k in range((end - start).days + 1)}
        refresh_area_days(session, {area: window for area in areas})
        done += len(window)
        if progress is not None:
            progress(done, total)
        start = end + DAY


class BulkLoad:
    """The rollups of a bulk load that stores whole 台区 a group at a time, every day from
    ``first`` to ``last`` of each (the demo county's history), computed from the rows the load
    holds in memory: nothing is read back from the raw tables, and the rows equal those of
    ``rebuild(first, last)`` once every 台区 of the database has been added.

    Per group of 台区, in the transaction that stores its rows: ``add_areas``. The station
    and county curves are summed in memory meanwhile (a few hundred thousand slots for a
    county); then ``finish_month`` for each of ``months()``, a transaction each if wanted,
    writes them and computes the station, county and month rows."""

    def __init__(self, first: date, last: date, *, window_days: int = 7) -> None:
        self.first = first
        self.last = last
        self.window_days = window_days
        self._days = {first + timedelta(days=k) for k in range((last - first).days + 1)}
        self._areas: list[int] = []
        self._units: dict[int, AreaUnits] | None = None
        # month -> (level, unit, slot) -> [power_w, meters]
        self._curves: dict[date, dict[tuple[str, int, datetime], list[int]]] = defaultdict(dict)

    def add_areas(
        self,
        session: Session,
        areas: Sequence[int],
        freezes: FreezeLookup,
        curves: Sequence[Any],
    ) -> None:
        """The 台区-day rows of ``areas``. ``freezes``: every freeze of their meters from
        ``first`` to the day after ``last``, (meter, day) → Wh; ``curves``: every curve point
        of their meters in those days (rows with ``meter_id``, ``slot_start`` and
        ``active_power_w``, one per meter and slot)."""
        if self._units is None:
            self._units = area_units(session)
        units = self._units
        summary_of = {
            mid: (area, units[area].station_id)
            for mid, (area, role) in _meter_areas(session, {r.meter_id for r in curves}).items()
            if role == MeterRole.SUMMARY.value
        }
        # The same sums and maxima as the append path's (ties: the earliest slot).
        sums, peaks = batch_figures(curves, summary_of, units)
        for (level, unit, slot), (power, meters) in sums.items():
            acc = self._curves[slot.date().replace(day=1)].setdefault((level, unit, slot), [0, 0])
            acc[0] += power
            acc[1] += meters
        refresh_area_days(
            session,
            {area: self._days for area in areas},
            known_loads=peaks,
            known_freezes=freezes,
            with_units=False,
        )
        self._areas.extend(areas)

    def months(self) -> list[date]:
        """The first day of each month from ``first`` to ``last``."""
        out = [self.first.replace(day=1)]
        while _next_month(out[-1]) <= self.last:
            out.append(_next_month(out[-1]))
        return out

    def finish_month(self, session: Session, month: date) -> None:
        """The station and county curves of ``month``, then their day rows, a window of days
        at a time, and the month rows of every level (after every 台区 has been added)."""
        curves = self._curves.pop(month, {})
        upsert_rows(
            session,
            table_of(RollupCurve),
            ("level", "unit_id", "slot_start", "power_w", "meters"),
            [(*key, power, meters) for key, (power, meters) in sorted(curves.items())],
            ("level", "unit_id", "slot_start"),
        )
        days = sorted(d for d in self._days if d.replace(day=1) == month)
        stale: dict[tuple[str, int], set[date]] = defaultdict(set)
        for i in range(0, len(days), self.window_days):
            window = days[i : i + self.window_days]
            pairs = {(area, day) for area in self._areas for day in window}
            for key, months in _refresh_unit_days(session, pairs).items():
                stale[key] |= months
        _refresh_months(session, stale)


__all__ = [
    "AreaUnits",
    "BulkLoad",
    "ClassFigures",
    "DayFigures",
    "MeterFacts",
    "area_day_figures",
    "area_units",
    "curve_slots_are_new",
    "merge_appended_curves",
    "meter_facts",
    "rebuild",
    "recompute_all",
    "refresh_after_curves",
    "refresh_after_freezes",
    "refresh_area_days",
]
