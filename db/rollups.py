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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Table,
    and_,
    bindparam,
    delete,
    func,
    literal,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.models import (
    Customer,
    DailyFreeze,
    DeviceStatus,
    Feeder,
    IntervalReading,
    Meter,
    MeterRole,
    RollupClassDay,
    RollupClassMonth,
    RollupCurve,
    RollupDay,
    RollupLevel,
    RollupMonth,
    SupplyStation,
    TransformerArea,
)
from db.upsert import upsert_rows

CHUNK = 5_000  # ids per IN list: well under SQLite's bound-parameter limit
DAY = timedelta(days=1)
AREA, STATION, COUNTY = RollupLevel.AREA.value, RollupLevel.STATION.value, RollupLevel.COUNTY.value

FIGURES = (
    "supply_wh",
    "loss_sales_wh",
    "sales_wh",
    "customers_expected",
    "customers_complete",
    "meters_expected",
    "meters_read",
    "areas",
    "areas_computable",
)
DAY_COLUMNS = ("level", "unit_id", "day", *FIGURES, "load_max_w", "load_max_at")
CLASS_FIGURES = ("sales_wh", "customers_expected", "customers_complete", "meters_read")
CLASS_COLUMNS = ("level", "unit_id", "customer_class", "day", *CLASS_FIGURES)


def _table(model: type) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True)
class MeterFacts:
    meter_id: int
    area_id: int
    role: str
    customer_class: str | None
    install_date: date | None


@dataclass(frozen=True, slots=True)
class AreaUnits:
    station_id: int
    county_id: int


@dataclass(slots=True)
class DayFigures:
    supply_wh: int | None = None
    loss_sales_wh: int | None = None
    sales_wh: int = 0
    customers_expected: int = 0
    customers_complete: int = 0
    meters_expected: int = 0
    meters_read: int = 0
    areas: int = 1
    areas_computable: int = 0

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in FIGURES)


@dataclass(slots=True)
class ClassFigures:
    sales_wh: int = 0
    customers_expected: int = 0
    customers_complete: int = 0
    meters_read: int = 0


FreezeLookup = Mapping[tuple[int, date], int]


def area_day_figures(
    meters: Sequence[MeterFacts], freezes: FreezeLookup, day: date
) -> tuple[DayFigures, dict[str, ClassFigures]]:
    """The figures of one 台区 on ``day`` from its active meters and the freezes of D and D+1."""
    out = DayFigures()
    classes: dict[str, ClassFigures] = {}
    supply = 0
    summaries = summaries_complete = 0
    next_day = day + DAY
    for m in meters:
        if m.install_date is not None and m.install_date > day:
            continue
        out.meters_expected += 1
        start = freezes.get((m.meter_id, day))
        end = freezes.get((m.meter_id, next_day))
        if start is not None:
            out.meters_read += 1
        # A register that went backwards (meter exchanged, rolled over) is not a sale.
        delta = end - start if start is not None and end is not None and end >= start else None
        if m.role == MeterRole.SUMMARY.value:
            summaries += 1
            if delta is not None:
                summaries_complete += 1
                supply += delta
            continue
        cls = classes.setdefault(m.customer_class or "residential", ClassFigures())
        cls.customers_expected += 1
        out.customers_expected += 1
        if start is not None:
            cls.meters_read += 1
        if delta is not None:
            out.customers_complete += 1
            out.sales_wh += delta
            cls.customers_complete += 1
            cls.sales_wh += delta
    if summaries and summaries_complete == summaries:
        out.supply_wh = supply
        if out.customers_complete == out.customers_expected:
            out.areas_computable = 1
            out.loss_sales_wh = out.sales_wh
    return out, classes


# --------------------------------------------------------------------------- raw lookups


def area_units(session: Session) -> dict[int, AreaUnits]:
    """Every 台区's supply station and county (a few thousand rows at county scale)."""
    rows = session.execute(
        select(TransformerArea.id, Feeder.supply_station_id, SupplyStation.county_id)
        .join(Feeder, Feeder.id == TransformerArea.feeder_id)
        .join(SupplyStation, SupplyStation.id == Feeder.supply_station_id)
    )
    return {area: AreaUnits(station, county) for area, station, county in rows}


def meter_facts(session: Session, area_ids: Sequence[int]) -> dict[int, list[MeterFacts]]:
    """The active meters of the given 台区, by 台区."""
    out: dict[int, list[MeterFacts]] = defaultdict(list)
    for chunk in _chunks(area_ids):
        rows = session.execute(
            select(
                Meter.id,
                Meter.transformer_area_id,
                Meter.role,
                Customer.customer_class,
                Meter.install_date,
            )
            .outerjoin(Customer, Customer.id == Meter.customer_id)
            .where(Meter.status == DeviceStatus.ACTIVE.value, Meter.transformer_area_id.in_(chunk))
            .order_by(Meter.id)
        )
        for mid, area, role, cls, installed in rows:
            out[area].append(MeterFacts(mid, area, role, cls, installed))
    return out


def _freezes(
    session: Session, area_ids: Sequence[int], days: Iterable[date]
) -> dict[tuple[int, date], int]:
    day_list = sorted(set(days))
    out: dict[tuple[int, date], int] = {}
    for chunk in _chunks(area_ids):
        in_areas = select(Meter.id).where(Meter.transformer_area_id.in_(chunk))
        rows = session.execute(
            select(DailyFreeze.meter_id, DailyFreeze.day, DailyFreeze.forward_active_wh).where(
                DailyFreeze.day.in_(day_list), DailyFreeze.meter_id.in_(in_areas)
            )
        )
        for mid, day, wh in rows:
            out[(mid, day)] = wh
    return out


def _area_load_max(
    session: Session, area_ids: Sequence[int], days: Iterable[date]
) -> dict[tuple[int, date], tuple[int, datetime]]:
    """The highest quarter-hour power of each 台区's summary meter per day, and when."""
    day_list = sorted(set(days))
    lo = datetime.combine(day_list[0], time.min)
    hi = datetime.combine(day_list[-1] + DAY, time.min)
    wanted = set(day_list)
    out: dict[tuple[int, date], tuple[int, datetime]] = {}
    sqlite = session.get_bind().dialect.name == "sqlite"
    ir, area = IntervalReading, Meter.transformer_area_id
    for chunk in _chunks(area_ids):
        where = and_(
            Meter.role == MeterRole.SUMMARY.value,
            area.in_(chunk),
            ir.slot_start >= lo,
            ir.slot_start < hi,
        )
        # The maximum per (area, day), joined back to its earliest slot (ties: the earliest,
        # the rule the append path's merge follows too).
        day_of = func.date(ir.slot_start) if sqlite else func.date_trunc("day", ir.slot_start)
        peak = (
            select(area.label("area"), day_of.label("day"), func.max(ir.active_power_w).label("w"))
            .join(Meter, Meter.id == ir.meter_id)
            .where(where)
            .group_by(area, day_of)
            .subquery()
        )
        stmt = (
            select(area, peak.c.w, func.min(ir.slot_start))
            .join(Meter, Meter.id == ir.meter_id)
            .join(
                peak,
                and_(peak.c.area == area, peak.c.day == day_of, peak.c.w == ir.active_power_w),
            )
            .where(where)
            .group_by(area, peak.c.w, peak.c.day)
        )
        for area_id, power, slot in session.execute(stmt):
            at = slot if isinstance(slot, datetime) else datetime.fromisoformat(str(slot))
            if at.date() in wanted:
                out[(area_id, at.date())] = (int(power), at)
    return out


# --------------------------------------------------------------------------- refreshing


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
    table = _table(model)
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


def refresh_area_days(session: Session, dirty: Mapping[int, set[date]]) -> None:
    """Recompute the 台区-day rows of ``dirty`` (area → days) from raw rows, then the station,
    county and month rows above them."""
    if not dirty:
        return
    areas = sorted(dirty)
    days = set().union(*dirty.values())
    facts = meter_facts(session, areas)
    freezes = _freezes(session, areas, days | {d + DAY for d in days})
    loads = _area_load_max(session, areas, days)
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
    upsert_rows(session, _table(RollupDay), DAY_COLUMNS, rows, ("level", "unit_id", "day"))
    upsert_rows(
        session,
        _table(RollupClassDay),
        CLASS_COLUMNS,
        class_rows,
        ("level", "unit_id", "customer_class", "day"),
    )
    _refresh_units(session, {(area, day) for area in areas for day in dirty[area]})


def _sum_opt(values: Iterable[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


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
    """Recompute the station and county rows of the days of ``pairs`` (area, day)."""
    if not pairs:
        return
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
    months: dict[tuple[str, int], set[date]] = defaultdict(set)
    for area, day in pairs:
        months[(AREA, area)].add(day.replace(day=1))
    for level in (STATION, COUNTY):
        level_units = sorted(unit for (lvl, unit) in dirty if lvl == level)
        if not level_units:
            continue
        days = sorted(set().union(*(dirty[(level, u)] for u in level_units)))
        areas = sorted({a for u in level_units for a in members[(level, u)]})
        area_rows = _rows_by_area_day(session, RollupDay, areas, days)
        class_rows = _rows_by_area_day(session, RollupClassDay, areas, days)
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
        upsert_rows(session, _table(RollupDay), DAY_COLUMNS, rows, ("level", "unit_id", "day"))
        upsert_rows(
            session,
            _table(RollupClassDay),
            CLASS_COLUMNS,
            out_classes,
            ("level", "unit_id", "customer_class", "day"),
        )
    _refresh_months(session, months)


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
    table = _table(model)
    many = model is RollupClassDay
    out: dict[tuple[int, date], Any] = {}
    for chunk in _chunks(areas):
        rows = session.execute(
            select(table).where(
                table.c.level == AREA, table.c.unit_id.in_(chunk), table.c.day.in_(days)
            )
        )
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
    day, cls = _table(RollupDay), _table(RollupClassDay)
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
        _table(RollupMonth),
        ("level", "unit_id", "month", *FIGURES, "load_max_w", "load_max_at", "days"),
        month_rows,
        ("level", "unit_id", "month"),
    )
    upsert_rows(
        session,
        _table(RollupClassMonth),
        ("level", "unit_id", "customer_class", "month", "sales_wh", "customers_complete", "days"),
        class_rows,
        ("level", "unit_id", "customer_class", "month"),
    )


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


# --------------------------------------------------------------------------- entry points


def _meter_areas(session: Session, meter_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    ids = sorted(set(meter_ids))
    out: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        for mid, area, role in session.execute(
            select(Meter.id, Meter.transformer_area_id, Meter.role).where(Meter.id.in_(chunk))
        ):
            out[mid] = (area, role)
    return out


def refresh_after_freezes(session: Session, meter_days: Iterable[tuple[int, date]]) -> None:
    """After freezes of (meter, day) were stored: a freeze of D changes the sales of D−1 and D."""
    pairs = set(meter_days)
    areas = _meter_areas(session, (m for m, _ in pairs))
    dirty: dict[int, set[date]] = defaultdict(set)
    for mid, day in pairs:
        if mid in areas:
            dirty[areas[mid][0]].update((day - DAY, day))
    refresh_area_days(session, dirty)


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


def _existing_area_days(
    session: Session, areas: Sequence[int], days: set[date]
) -> set[tuple[int, date]]:
    out: set[tuple[int, date]] = set()
    for chunk in _chunks(areas):
        out.update(
            (unit, day)
            for unit, day in session.execute(
                select(RollupDay.unit_id, RollupDay.day).where(
                    RollupDay.level == AREA,
                    RollupDay.unit_id.in_(chunk),
                    RollupDay.day.in_(sorted(days)),
                )
            )
        )
    return out


def _update_load_maxima(
    session: Session, present: Mapping[int, set[date]], units: Mapping[int, AreaUnits]
) -> None:
    """Load maxima of existing day rows (area, station, county) and of their months."""
    table = _table(RollupDay)
    set_load = (
        update(table)
        .where(
            table.c.level == bindparam("b_level"),
            table.c.unit_id == bindparam("b_unit"),
            table.c.day == bindparam("b_day"),
        )
        .values(load_max_w=bindparam("b_w"), load_max_at=bindparam("b_at"))
    )
    areas = sorted(present)
    days = sorted(set().union(*present.values()))
    loads = _area_load_max(session, areas, days)
    params: list[dict[str, Any]] = []
    months: dict[tuple[str, int], set[date]] = defaultdict(set)
    unit_days: dict[tuple[str, int], set[date]] = defaultdict(set)
    for area in areas:
        for day in present[area]:
            w, at = loads.get((area, day), (None, None))
            params.append({"b_level": AREA, "b_unit": area, "b_day": day, "b_w": w, "b_at": at})
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
                w, at = maxima.get((unit, day), (None, None))
                params.append(
                    {"b_level": level, "b_unit": unit, "b_day": day, "b_w": w, "b_at": at}
                )
                months[(level, unit)].add(day.replace(day=1))
    session.connection().execute(set_load, params)
    _update_month_maxima(session, months)


def _month_peaks(
    session: Session, level: str, units: Sequence[int], month: date
) -> dict[int, Peak]:
    """Each unit's highest day maximum in ``month``, at the earliest day that reached it."""
    day = _table(RollupDay)
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
    _write_peaks(session, _table(RollupMonth), "month", changes)


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
    table = _table(RollupCurve)
    columns = ["level", "unit_id", "slot_start", "power_w", "meters"]
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    stmt = insert(table).from_select(columns, source)
    stmt = stmt.on_conflict_do_update(
        index_elements=["level", "unit_id", "slot_start"],
        set_={"power_w": stmt.excluded.power_w, "meters": stmt.excluded.meters},
    )
    session.execute(stmt)


def recompute_all(session: Session) -> None:
    """Rebuild every rollup from raw rows (repair, and the reference the tests compare with)."""
    for model in (RollupDay, RollupMonth, RollupCurve, RollupClassDay, RollupClassMonth):
        session.execute(delete(_table(model)))
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


# --------------------------------------------------------------------------- appended curves

Peak = tuple[int, datetime]


def _better(new: Peak, old: Peak | None) -> bool:
    """The higher power wins; on a tie the earlier time (the rule of every maximum here)."""
    return old is None or new[0] > old[0] or (new[0] == old[0] and new[1] < old[1])


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
    kept = _fold_repeats(rows)
    units = area_units(session)
    summary_of: dict[int, tuple[int, int]] = {}  # summary meter -> (area, station)
    for mid, (area, role) in _meter_areas(session, {r.meter_id for r in kept}).items():
        if role == MeterRole.SUMMARY.value:
            summary_of[mid] = (area, units[area].station_id)
    sums, area_peaks = _batch_figures(kept, summary_of, units)
    if not area_peaks:
        return
    upsert_rows(
        session,
        _table(RollupCurve),
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
    refresh_area_days(session, missing)  # new 台区-days: every figure from raw rows
    day_peaks = {(AREA, a, d): p for (a, d), p in area_peaks.items() if (a, d) in existing}
    day_peaks.update(unit_peaks)
    _merge_peaks(session, day_peaks)


def _fold_repeats(rows: Sequence[Any]) -> Sequence[Any]:
    """What the upsert kept of repeated keys: each next row replaced the kept one if at least
    as new (``newer_column``), so fold the batch the same way."""
    if len({(r.meter_id, r.slot_start) for r in rows}) == len(rows):
        return rows
    folded: dict[tuple[int, datetime], Any] = {}
    for r in rows:
        held = folded.get((r.meter_id, r.slot_start))
        if held is None or r.read_at >= held.read_at:
            folded[(r.meter_id, r.slot_start)] = r
    return list(folded.values())


def _batch_figures(
    kept: Sequence[Any], summary_of: Mapping[int, tuple[int, int]], units: Mapping[int, AreaUnits]
) -> tuple[dict[tuple[str, int, datetime], list[int]], dict[tuple[int, date], Peak]]:
    """Station and county slot sums (power, meters) and 台区-day peaks of a batch."""
    station_w: dict[tuple[int, datetime], int] = {}
    station_n: dict[tuple[int, datetime], int] = {}
    area_peaks: dict[tuple[int, date], Peak] = {}
    for r in kept:
        placed = summary_of.get(r.meter_id)
        if placed is None:
            continue  # large customers' curves are not supply
        area, station = placed
        slot, power = r.slot_start, r.active_power_w
        key = (station, slot)
        station_w[key] = station_w.get(key, 0) + power
        station_n[key] = station_n.get(key, 0) + 1
        peak_key = (area, slot.date())
        if _better((power, slot), area_peaks.get(peak_key)):
            area_peaks[peak_key] = (power, slot)
    county_of_station = {u.station_id: u.county_id for u in units.values()}
    sums: dict[tuple[str, int, datetime], list[int]] = {}
    for (station, slot), w in station_w.items():
        sums[(STATION, station, slot)] = [w, station_n[(station, slot)]]
        acc = sums.setdefault((COUNTY, county_of_station[station], slot), [0, 0])
        acc[0] += w
        acc[1] += station_n[(station, slot)]
    return sums, area_peaks


def _merge_peaks(session: Session, peaks: Mapping[tuple[str, int, date], Peak]) -> None:
    """Fold new day peaks into the day rows and their months where they beat the stored ones."""
    day_table, month_table = _table(RollupDay), _table(RollupMonth)
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
