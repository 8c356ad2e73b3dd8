"""Day and month rows of 台区, supply stations and counties: recomputed for the keys a batch
touched, from raw rows (台区) and from the rows below them (stations, counties, months).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import BigInteger, Table, and_, bindparam, delete, func, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from db.models import (
    CustomerClass,
    RollupClassDay,
    RollupClassMonth,
    RollupCurve,
    RollupDay,
    RollupMonth,
)
from db.rollups.figures import (
    AREA,
    CLASS_COLUMNS,
    CLASS_FIGURES,
    COUNTY,
    DAY,
    DAY_COLUMNS,
    FIGURES,
    STATION,
    FreezeLookup,
    Peak,
    _chunks,
    _next_month,
    _sum_opt,
    area_day_figures,
)
from db.rollups.lookups import _area_load_max, _freezes, area_units, meter_facts
from db.upsert import table_of, upsert_rows


def _delete_pairs(
    session: Session,
    model: type,
    level: str,
    pairs: Mapping[int, set[date]],
    *,
    when: str = "day",
) -> None:
    """Delete the rows of ``level`` for each unit's dates (``when``: the day or month column);
    units sharing a set of dates share a statement."""
    table = table_of(model)
    by_dates: dict[frozenset[date], list[int]] = defaultdict(list)
    for unit, unit_dates in pairs.items():
        by_dates[frozenset(unit_dates)].append(unit)
    for dates, units in by_dates.items():
        for chunk in _chunks(units):
            session.execute(
                delete(table).where(
                    table.c.level == level, table.c.unit_id.in_(chunk), table.c[when].in_(dates)
                )
            )


def refresh_area_days(
    session: Session,
    dirty: Mapping[int, set[date]],
    *,
    known_loads: Mapping[tuple[int, date], Peak] | None = None,
    known_freezes: FreezeLookup | None = None,
    with_units: bool = True,
) -> None:
    """Recompute the 台区-day rows of ``dirty`` (area → days) from raw rows, then the station,
    county and month rows above them. ``known_loads``: the load maxima, when the caller knows
    them exactly (the appended-curves path for 台区-days that had no row). ``known_freezes``:
    every freeze of the areas' meters on the days and the days after, when the caller holds
    them (a bulk load of whole 台区). ``with_units=False`` leaves the station, county and month
    rows to the caller (a bulk load refreshes them once at the end, a window of days at a time).
    """
    if not dirty:
        return
    areas = sorted(dirty)
    days = set().union(*dirty.values())
    facts = meter_facts(session, areas)
    freezes: FreezeLookup = (
        _freezes(session, areas, days | {d + DAY for d in days})
        if known_freezes is None
        else known_freezes
    )
    loads = _area_load_max(session, areas, days) if known_loads is None else known_loads
    rows: list[tuple[Any, ...]] = []
    class_rows: list[tuple[Any, ...]] = []
    for area in areas:
        meters = facts.get(area, [])
        for day in sorted(dirty[area]):
            load = loads.get((area, day))
            has_data = load is not None or any(
                (m.meter_id, day) in freezes or (m.meter_id, day + DAY) in freezes for m in meters
            )
            if not has_data:
                continue
            figures, classes = area_day_figures(meters, freezes, day)
            load_w, load_at = load if load is not None else (None, None)
            rows.append((AREA, area, day, *figures.values(), load_w, load_at))
            for cls, c in sorted(classes.items()):
                class_rows.append(
                    (
                        AREA,
                        area,
                        cls,
                        day,
                        c.sales_wh,
                        c.customers_expected,
                        c.customers_complete,
                        c.meters_read,
                    )
                )
    _delete_pairs(session, RollupDay, AREA, dirty)
    _delete_pairs(session, RollupClassDay, AREA, dirty)
    upsert_rows(session, table_of(RollupDay), DAY_COLUMNS, rows, ("level", "unit_id", "day"))
    upsert_rows(
        session,
        table_of(RollupClassDay),
        CLASS_COLUMNS,
        class_rows,
        ("level", "unit_id", "customer_class", "day"),
    )
    if with_units:
        _refresh_units(session, {(area, day) for area in areas for day in dirty[area]})


def _curve_max(
    session: Session, level: str, units: Sequence[int], days: Sequence[date]
) -> dict[tuple[int, date], tuple[int, datetime]]:
    lo = datetime.combine(min(days), time.min)
    hi = datetime.combine(max(days) + DAY, time.min)
    wanted = set(days)
    best: dict[tuple[int, date], tuple[int, datetime]] = {}
    curve = RollupCurve
    for chunk in _chunks(units):
        rows = session.execute(
            select(curve.unit_id, curve.slot_start, curve.power_w).where(
                curve.level == level,
                curve.unit_id.in_(chunk),
                curve.slot_start >= lo,
                curve.slot_start < hi,
            )
        )
        for unit, slot, power in rows:
            key = (unit, slot.date())
            if key[1] in wanted and (key not in best or power > best[key][0]):
                best[key] = (int(power), slot)
    return best


def _refresh_units(session: Session, pairs: set[tuple[int, date]]) -> None:
    """Recompute the station and county rows of the days of ``pairs`` (area, day), and the
    month rows of every level above them."""
    _refresh_months(session, _refresh_unit_days(session, pairs))


def _refresh_unit_days(
    session: Session, pairs: set[tuple[int, date]]
) -> dict[tuple[str, int], set[date]]:
    """Recompute the station and county day rows of the days of ``pairs`` (area, day) from the
    台区 rows and ``rollup_curve``; returns the months this makes stale, by (level, unit), for
    ``_refresh_months`` (the 台区 months of ``pairs`` among them)."""
    months: dict[tuple[str, int], set[date]] = defaultdict(set)
    if not pairs:
        return months
    units = area_units(session)
    members: dict[tuple[str, int], list[int]] = defaultdict(list)
    for area, u in units.items():
        members[(STATION, u.station_id)].append(area)
        members[(COUNTY, u.county_id)].append(area)
    dirty: dict[tuple[str, int], set[date]] = defaultdict(set)
    for area, day in pairs:
        u = units[area]
        dirty[(STATION, u.station_id)].add(day)
        dirty[(COUNTY, u.county_id)].add(day)
        months[(AREA, area)].add(day.replace(day=1))
    # The 台区 rows under every dirty station and county, read once for both levels.
    all_days = sorted(set().union(*dirty.values()))
    all_areas = sorted({a for key in dirty for a in members[key]})
    area_rows = _rows_by_area_day(session, RollupDay, all_areas, all_days)
    class_rows = _rows_by_area_day(session, RollupClassDay, all_areas, all_days)
    for level in (STATION, COUNTY):
        level_units = sorted(unit for (lvl, unit) in dirty if lvl == level)
        if not level_units:
            continue
        days = sorted(set().union(*(dirty[(level, u)] for u in level_units)))
        loads = _curve_max(session, level, level_units, days)
        rows: list[tuple[Any, ...]] = []
        out_classes: list[tuple[Any, ...]] = []
        for unit in level_units:
            for day in sorted(dirty[(level, unit)]):
                parts = [
                    area_rows[(a, day)] for a in members[(level, unit)] if (a, day) in area_rows
                ]
                if not parts:
                    continue
                rows.append(_unit_day_row(level, unit, day, parts, loads.get((unit, day))))
                out_classes.extend(
                    _unit_class_rows(
                        level,
                        unit,
                        day,
                        (class_rows.get((a, day), ()) for a in members[(level, unit)]),
                    )
                )
                months[(level, unit)].add(day.replace(day=1))
        pairs_by_unit = {unit: dirty[(level, unit)] for unit in level_units}
        _delete_pairs(session, RollupDay, level, pairs_by_unit)
        _delete_pairs(session, RollupClassDay, level, pairs_by_unit)
        upsert_rows(session, table_of(RollupDay), DAY_COLUMNS, rows, ("level", "unit_id", "day"))
        upsert_rows(
            session,
            table_of(RollupClassDay),
            CLASS_COLUMNS,
            out_classes,
            ("level", "unit_id", "customer_class", "day"),
        )
    return months


def _unit_day_row(
    level: str,
    unit: int,
    day: date,
    parts: Sequence[Any],
    load: tuple[int, datetime] | None,
) -> tuple[Any, ...]:
    """A station or county day from its 台区 rows; supply and loss over computable ones."""
    computable = [p for p in parts if p.areas_computable]
    load_w, load_at = load if load is not None else (None, None)
    return (
        level,
        unit,
        day,
        _sum_opt(p.supply_wh for p in computable),
        _sum_opt(p.loss_sales_wh for p in computable),
        sum(p.sales_wh for p in parts),
        sum(p.customers_expected for p in parts),
        sum(p.customers_complete for p in parts),
        sum(p.meters_expected for p in parts),
        sum(p.meters_read for p in parts),
        sum(p.areas for p in parts),
        sum(p.areas_computable for p in parts),
        load_w,
        load_at,
    )


def _unit_class_rows(
    level: str, unit: int, day: date, area_class_rows: Iterable[Iterable[Any]]
) -> list[tuple[Any, ...]]:
    by_class: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for rows in area_class_rows:
        for c in rows:
            acc = by_class[c.customer_class]
            for i, name in enumerate(CLASS_FIGURES):
                acc[i] += getattr(c, name)
    return [(level, unit, cls, day, *acc) for cls, acc in sorted(by_class.items())]


def _rows_by_area_day(
    session: Session, model: type, areas: Sequence[int], days: Sequence[date]
) -> dict[tuple[int, date], Any]:
    """Area-level rollup rows; for the class table a list of rows per (area, day)."""
    table = table_of(model)
    many = model is RollupClassDay
    where = [table.c.level == AREA, table.c.day.in_(days)]
    if many:
        # Every class named: the primary key (level, unit, class, day) is then searched for
        # the days, where without it each 台区's whole class history was scanned.
        where.append(table.c.customer_class.in_([c.value for c in CustomerClass]))
    out: dict[tuple[int, date], Any] = {}
    for chunk in _chunks(areas):
        rows = session.execute(select(table).where(table.c.unit_id.in_(chunk), *where))
        for row in rows:
            key = (row.unit_id, row.day)
            if many:
                out.setdefault(key, []).append(row)
            else:
                out[key] = row
    return out


def _refresh_months(session: Session, dirty: Mapping[tuple[str, int], set[date]]) -> None:
    """Recompute month rows from the day rows of the months in ``dirty``, summed in the
    database (SUM skips NULL, as a month's supply skips its incomputable days)."""
    day, cls = table_of(RollupDay), table_of(RollupClassDay)
    units_of: dict[tuple[str, date], list[int]] = defaultdict(list)
    by_level: dict[str, dict[int, set[date]]] = defaultdict(dict)
    for (level, unit), months in dirty.items():
        by_level[level][unit] = months
        for month in months:
            units_of[(level, month)].append(unit)
    month_rows: list[tuple[Any, ...]] = []
    class_rows: list[tuple[Any, ...]] = []
    for (level, month), units in units_of.items():
        for chunk in _chunks(sorted(units)):
            peaks = _month_peaks(session, level, chunk, month)
            in_month = (day.c.day >= month, day.c.day < _next_month(month))
            totals = session.execute(
                select(
                    day.c.unit_id,
                    *(sql_cast(func.sum(day.c[name]), BigInteger) for name in FIGURES),
                    func.count(),
                )
                .where(day.c.level == level, day.c.unit_id.in_(chunk), *in_month)
                .group_by(day.c.unit_id)
            )
            for unit, *figures, days in totals:
                w, at = peaks.get(unit, (None, None))
                month_rows.append((level, unit, month, *figures, w, at, days))
            class_totals = session.execute(
                select(
                    cls.c.unit_id,
                    cls.c.customer_class,
                    sql_cast(func.sum(cls.c.sales_wh), BigInteger),
                    sql_cast(func.sum(cls.c.customers_complete), BigInteger),
                    func.count(),
                )
                .where(
                    cls.c.level == level,
                    cls.c.unit_id.in_(chunk),
                    cls.c.day >= month,
                    cls.c.day < _next_month(month),
                )
                .group_by(cls.c.unit_id, cls.c.customer_class)
            )
            class_rows.extend(
                (level, unit, c, month, sales, complete, days)
                for unit, c, sales, complete, days in class_totals
            )
    for level, unit_months in by_level.items():
        _delete_pairs(session, RollupMonth, level, unit_months, when="month")
        _delete_pairs(session, RollupClassMonth, level, unit_months, when="month")
    upsert_rows(
        session,
        table_of(RollupMonth),
        ("level", "unit_id", "month", *FIGURES, "load_max_w", "load_max_at", "days"),
        month_rows,
        ("level", "unit_id", "month"),
    )
    upsert_rows(
        session,
        table_of(RollupClassMonth),
        ("level", "unit_id", "customer_class", "month", "sales_wh", "customers_complete", "days"),
        class_rows,
        ("level", "unit_id", "customer_class", "month"),
    )


def _month_peaks(
    session: Session, level: str, units: Sequence[int], month: date
) -> dict[int, Peak]:
    """Each unit's highest day maximum in ``month``, at the earliest day that reached it."""
    day = table_of(RollupDay)
    in_month = and_(
        day.c.level == level,
        day.c.unit_id.in_(units),
        day.c.day >= month,
        day.c.day < _next_month(month),
    )
    peak = (
        select(day.c.unit_id, func.max(day.c.load_max_w).label("w"))
        .where(in_month)
        .group_by(day.c.unit_id)
        .subquery()
    )
    rows = session.execute(
        select(peak.c.unit_id, peak.c.w, func.min(day.c.load_max_at))
        .join(day, and_(day.c.unit_id == peak.c.unit_id, day.c.load_max_w == peak.c.w))
        .where(in_month)
        .group_by(peak.c.unit_id, peak.c.w)
    )
    return {
        unit: (int(w), at if isinstance(at, datetime) else datetime.fromisoformat(str(at)))
        for unit, w, at in rows
    }


def _update_month_maxima(session: Session, dirty: Mapping[tuple[str, int], set[date]]) -> None:
    """Month load maximum = the highest day maximum of the month, at the earliest such day."""
    by_key: dict[tuple[str, date], list[int]] = defaultdict(list)
    for (level, unit), months in dirty.items():
        for month in months:
            by_key[(level, month)].append(unit)
    changes: dict[tuple[str, int, date], Peak | None] = {}
    for (level, month), units in by_key.items():
        for chunk in _chunks(sorted(units)):
            found = _month_peaks(session, level, chunk, month)
            for unit in chunk:
                changes[(level, unit, month)] = found.get(unit)
    _write_peaks(session, table_of(RollupMonth), "month", changes)


def _stored_peaks(
    session: Session, table: Table, when: str, keys: Iterable[tuple[str, int, date]]
) -> dict[tuple[str, int, date], Peak | None]:
    """The stored (load_max_w, load_max_at) of the rows that exist among ``keys``."""
    units_by_level: dict[str, set[int]] = defaultdict(set)
    dates: set[date] = set()
    for lvl, unit, at in keys:
        units_by_level[lvl].add(unit)
        dates.add(at)
    out: dict[tuple[str, int, date], Peak | None] = {}
    for lvl, level_units in units_by_level.items():
        for chunk in _chunks(sorted(level_units)):
            rows = session.execute(
                select(
                    table.c.unit_id, table.c[when], table.c.load_max_w, table.c.load_max_at
                ).where(
                    table.c.level == lvl,
                    table.c.unit_id.in_(chunk),
                    table.c[when].in_(sorted(dates)),
                )
            )
            for unit, at_date, w, at in rows:
                out[(lvl, unit, at_date)] = None if w is None else (w, at)
    return out


def _write_peaks(
    session: Session,
    table: Table,
    when: str,
    changes: Mapping[tuple[str, int, date], Peak | None],
) -> None:
    if not changes:
        return
    session.connection().execute(
        update(table)
        .where(
            table.c.level == bindparam("b_level"),
            table.c.unit_id == bindparam("b_unit"),
            table.c[when] == bindparam("b_when"),
        )
        .values(load_max_w=bindparam("b_w"), load_max_at=bindparam("b_at")),
        [
            {
                "b_level": lvl,
                "b_unit": unit,
                "b_when": at_date,
                "b_w": None if peak is None else peak[0],
                "b_at": None if peak is None else peak[1],
            }
            for (lvl, unit, at_date), peak in changes.items()
        ],
    )
