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
leave a rollup that differs from ``recompute_all``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.models import (
    DailyFreeze,
    Feeder,
    IntervalReading,
    RollupClassDay,
    RollupClassMonth,
    RollupCurve,
    RollupDay,
    RollupMonth,
)
from db.rollups.curves import (
    _refresh_county_curve,
    _refresh_curve,
    curve_slots_are_new,
    merge_appended_curves,
    refresh_after_curves,
)
from db.rollups.days import refresh_area_days
from db.rollups.figures import (
    DAY,
    STATION,
    AreaUnits,
    ClassFigures,
    DayFigures,
    MeterFacts,
    _as_date,
    area_day_figures,
)
from db.rollups.lookups import _meter_areas, area_units, meter_facts
from db.upsert import table_of


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


__all__ = [
    "AreaUnits",
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
