"""Raw-row lookups behind the rollups: the organisation of 台区, meters, freezes and load
maxima, in chunks small enough for SQLite's bound-parameter limit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from db.models import (
    Customer,
    DailyFreeze,
    DeviceStatus,
    Feeder,
    IntervalReading,
    Meter,
    MeterRole,
    RollupDay,
    SupplyStation,
    TransformerArea,
)
from db.rollups.figures import AREA, DAY, AreaUnits, MeterFacts, _chunks


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


def _meter_areas(session: Session, meter_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    ids = sorted(set(meter_ids))
    out: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        for mid, area, role in session.execute(
            select(Meter.id, Meter.transformer_area_id, Meter.role).where(Meter.id.in_(chunk))
        ):
            out[mid] = (area, role)
    return out


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
