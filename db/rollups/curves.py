"""Station and county load curves and the load maxima: after any curve batch (from raw rows),
and from the batch alone when it filled slots that held nothing yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.models import (
    Feeder,
    IntervalReading,
    Meter,
    MeterRole,
    RollupCurve,
    RollupDay,
    RollupMonth,
    SupplyStation,
    TransformerArea,
)
from db.rollups.batch import batch_figures
from db.rollups.days import (
    _curve_max,
    _stored_peaks,
    _update_month_maxima,
    _write_peaks,
    refresh_area_days,
)
from db.rollups.figures import AREA, COUNTY, STATION, AreaUnits, Peak, _better, _chunks
from db.rollups.lookups import _area_load_max, _existing_area_days, _meter_areas, area_units
from db.upsert import table_of, upsert_rows

_METER = attrgetter("meter_id")


def refresh_after_curves(session: Session, meter_slots: Iterable[tuple[int, datetime]]) -> None:
    """After curve points of (meter, slot) were stored: the station and county curves of those
    slots, and the load maxima of the days, of 台区 whose summary meters they are."""
    slots_by_meter: dict[int, list[datetime]] = defaultdict(list)
    for mid, slot in meter_slots:
        slots_by_meter[mid].append(slot)
    areas = _meter_areas(session, slots_by_meter)
    dirty: dict[int, set[date]] = defaultdict(set)
    lo: datetime | None = None
    hi: datetime | None = None
    for mid, slots in slots_by_meter.items():
        area, role = areas.get(mid, (0, ""))
        if role != MeterRole.SUMMARY.value:
            continue  # large customers' curves are not supply
        first, last = min(slots), max(slots)
        lo = first if lo is None else min(lo, first)
        hi = last if hi is None else max(hi, last)
        dirty[area].update(s.date() for s in slots)
    if lo is None or hi is None:
        return
    units = area_units(session)
    stations = sorted({units[a].station_id for a in dirty})
    counties = sorted({units[a].county_id for a in dirty})
    _refresh_curve(session, STATION, Feeder.supply_station_id, stations, lo=lo, hi=hi)
    _refresh_county_curve(session, counties, lo, hi)
    # A curve point changes only the load maxima of 台区-days that already have a row; a new
    # 台区-day needs every figure computed.
    existing = _existing_area_days(session, sorted(dirty), set().union(*dirty.values()))
    missing: dict[int, set[date]] = defaultdict(set)
    present: dict[int, set[date]] = defaultdict(set)
    for area, days in dirty.items():
        for day in days:
            (present if (area, day) in existing else missing)[area].add(day)
    refresh_area_days(session, missing)
    if present:
        _update_load_maxima(session, present, units)


def _update_load_maxima(
    session: Session, present: Mapping[int, set[date]], units: Mapping[int, AreaUnits]
) -> None:
    """Load maxima of existing day rows (area, station, county) and of their months."""
    areas = sorted(present)
    days = sorted(set().union(*present.values()))
    loads = _area_load_max(session, areas, days)
    changes: dict[tuple[str, int, date], Peak | None] = {}
    months: dict[tuple[str, int], set[date]] = defaultdict(set)
    unit_days: dict[tuple[str, int], set[date]] = defaultdict(set)
    for area in areas:
        for day in present[area]:
            changes[(AREA, area, day)] = loads.get((area, day))
            months[(AREA, area)].add(day.replace(day=1))
            u = units[area]
            unit_days[(STATION, u.station_id)].add(day)
            unit_days[(COUNTY, u.county_id)].add(day)
    for level in (STATION, COUNTY):
        level_units = sorted(unit for (lvl, unit) in unit_days if lvl == level)
        if not level_units:
            continue
        level_days = sorted(set().union(*(unit_days[(level, u)] for u in level_units)))
        maxima = _curve_max(session, level, level_units, level_days)
        for unit in level_units:
            for day in unit_days[(level, unit)]:
                changes[(level, unit, day)] = maxima.get((unit, day))
                months[(level, unit)].add(day.replace(day=1))
    _write_peaks(session, table_of(RollupDay), "day", changes)
    _update_month_maxima(session, months)


def _refresh_curve(
    session: Session,
    level: str,
    unit_column: Any,
    units: Sequence[int],
    *,
    lo: datetime,
    hi: datetime,
) -> None:
    """rollup_curve of ``units`` for every slot in [lo, hi], summed in the database."""
    ir = IntervalReading
    for chunk in _chunks(units):
        unit = unit_column.label("unit_id")
        summed = (
            select(
                literal(level),
                unit,
                ir.slot_start,
                func.sum(ir.active_power_w),
                func.count(),
            )
            .join(Meter, Meter.id == ir.meter_id)
            .join(TransformerArea, TransformerArea.id == Meter.transformer_area_id)
            .join(Feeder, Feeder.id == TransformerArea.feeder_id)
            .join(SupplyStation, SupplyStation.id == Feeder.supply_station_id)
            .where(
                Meter.role == MeterRole.SUMMARY.value,
                unit_column.in_(chunk),
                ir.slot_start >= lo,
                ir.slot_start <= hi,
            )
            .group_by(unit_column, ir.slot_start)
        )
        _insert_from_select(session, summed)


def _refresh_county_curve(
    session: Session, counties: Sequence[int], lo: datetime, hi: datetime
) -> None:
    """A county's curve is the sum of its stations' (current by now): far fewer rows than raw."""
    rc = RollupCurve
    for chunk in _chunks(counties):
        summed = (
            select(
                literal(COUNTY),
                SupplyStation.county_id,
                rc.slot_start,
                func.sum(rc.power_w),
                func.sum(rc.meters),
            )
            .join(SupplyStation, SupplyStation.id == rc.unit_id)
            .where(
                rc.level == STATION,
                SupplyStation.county_id.in_(chunk),
                rc.slot_start >= lo,
                rc.slot_start <= hi,
            )
            .group_by(SupplyStation.county_id, rc.slot_start)
        )
        _insert_from_select(session, summed)


def _insert_from_select(session: Session, source: Any) -> None:
    table = table_of(RollupCurve)
    columns = ["level", "unit_id", "slot_start", "power_w", "meters"]
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    stmt = insert(table).from_select(columns, source)
    stmt = stmt.on_conflict_do_update(
        index_elements=["level", "unit_id", "slot_start"],
        set_={"power_w": stmt.excluded.power_w, "meters": stmt.excluded.meters},
    )
    session.execute(stmt)


def curve_slots_are_new(session: Session, slots: Iterable[datetime]) -> bool:
    """Whether no curve point exists yet in the span of ``slots`` (ask before storing them)."""
    span = list(slots)
    if not span:
        return False
    lo, hi = min(span), max(span)
    found = session.execute(
        select(IntervalReading.meter_id)
        .where(IntervalReading.slot_start >= lo, IntervalReading.slot_start <= hi)
        .limit(1)
    ).first()
    return found is None


def merge_appended_curves(session: Session, rows: Sequence[Any]) -> None:
    """Rollups after storing curve points into slots that held none before
    (``curve_slots_are_new``): then every sum and maximum follows from the batch alone and
    the old figures, without reading raw rows back. ``rows`` carry ``meter_id``,
    ``slot_start``, ``active_power_w`` and ``read_at``."""
    units = area_units(session)
    summary_of: dict[int, tuple[int, int]] = {}  # summary meter -> (area, station)
    for mid, (area, role) in _meter_areas(session, set(map(_METER, rows))).items():
        if role == MeterRole.SUMMARY.value:
            summary_of[mid] = (area, units[area].station_id)
    sums, area_peaks = batch_figures(rows, summary_of, units)
    if not area_peaks:
        return
    upsert_rows(
        session,
        table_of(RollupCurve),
        ("level", "unit_id", "slot_start", "power_w", "meters"),
        [(lvl, unit, slot, w, n) for (lvl, unit, slot), (w, n) in sums.items()],
        ("level", "unit_id", "slot_start"),
    )
    unit_peaks: dict[tuple[str, int, date], Peak] = {}
    for (lvl, unit, slot), (w, _n) in sums.items():
        day_key = (lvl, unit, slot.date())
        if _better((w, slot), unit_peaks.get(day_key)):
            unit_peaks[day_key] = (w, slot)
    dirty: dict[int, set[date]] = defaultdict(set)
    for area, day in area_peaks:
        dirty[area].add(day)
    existing = _existing_area_days(session, sorted(dirty), set().union(*dirty.values()))
    missing: dict[int, set[date]] = defaultdict(set)
    for area, day in area_peaks:
        if (area, day) not in existing:
            missing[area].add(day)
    # A 台区-day without a row had no curve point before this batch (every curve batch makes
    # the row), so its load maximum is the batch's; its other figures come from raw rows.
    refresh_area_days(session, missing, known_loads=area_peaks)
    day_peaks = {(AREA, a, d): p for (a, d), p in area_peaks.items() if (a, d) in existing}
    day_peaks.update(unit_peaks)
    _merge_peaks(session, day_peaks)


def _merge_peaks(session: Session, peaks: Mapping[tuple[str, int, date], Peak]) -> None:
    """Fold new day peaks into the day rows and their months where they beat the stored ones."""
    day_table, month_table = table_of(RollupDay), table_of(RollupMonth)
    stored = _stored_peaks(session, day_table, "day", peaks)
    day_changes: dict[tuple[str, int, date], Peak] = {}
    month_peaks: dict[tuple[str, int, date], Peak] = {}
    for key, new in peaks.items():
        if key in stored and _better(new, stored[key]):
            day_changes[key] = new
            lvl, unit, day = key
            month_key = (lvl, unit, day.replace(day=1))
            if _better(new, month_peaks.get(month_key)):
                month_peaks[month_key] = new
    stored_months = _stored_peaks(session, month_table, "month", month_peaks)
    month_changes = {
        key: new
        for key, new in month_peaks.items()
        if key in stored_months and _better(new, stored_months[key])
    }
    _write_peaks(session, day_table, "day", day_changes)
    _write_peaks(session, month_table, "month", month_changes)
