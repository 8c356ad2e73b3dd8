"""Database side of the archive export: each import kind's stored rows with the natural keys the
files use (台区编号, 户号, 资产号, 电价代码) in place of ids, in a fixed order, streamed.

``stations``: only what lies in these supply stations (an operator's scope); ``None``: all.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.orm import Session, aliased

from db.models import (
    Company,
    Concentrator,
    County,
    Customer,
    DailyFreeze,
    Feeder,
    IntervalReading,
    Meter,
    MeterBox,
    MeterEvent,
    Substation,
    SupplyStation,
    Tariff,
    TransformerArea,
)

AnySelect = Select[*tuple[Any, ...]]
Rows = Iterator[Row[*tuple[Any, ...]]]
STREAM_ROWS = 20_000  # rows fetched at a time: a county's curves never sit in memory at once


def _in_stations(stations: Collection[int] | None) -> list[ColumnElement[bool]]:
    if stations is None:
        return []
    return [Feeder.supply_station_id.in_(list(stations))]


def _stream(session: Session, statement: AnySelect) -> Rows:
    yield from session.execute(statement.execution_options(yield_per=STREAM_ROWS))


def org(session: Session, stations: Collection[int] | None) -> Rows:
    """(company, county, station, substation, feeder, code, name, kVA, class, lon, lat)."""
    statement = (
        select(
            Company.name, County.name, SupplyStation.name, Substation.name, Feeder.name,
            TransformerArea.code, TransformerArea.name, TransformerArea.rated_kva,
            TransformerArea.area_class, TransformerArea.longitude, TransformerArea.latitude,
        )
        .join(Feeder, TransformerArea.feeder_id == Feeder.id)
        .join(SupplyStation, Feeder.supply_station_id == SupplyStation.id)
        .join(Substation, Feeder.substation_id == Substation.id)
        .join(County, SupplyStation.county_id == County.id)
        .join(Company, County.company_id == Company.id)
        .where(*_in_stations(stations))
        .order_by(TransformerArea.code)
    )  # fmt: skip
    return _stream(session, statement)


def _area_join(statement: AnySelect, area_id: Any) -> AnySelect:
    return statement.join(TransformerArea, area_id == TransformerArea.id).join(
        Feeder, TransformerArea.feeder_id == Feeder.id
    )


def concentrators(session: Session, stations: Collection[int] | None) -> Rows:
    """(asset no, 台区编号, district, terminal address, link, model, manufacturer, install)."""
    c = Concentrator
    statement = _area_join(
        select(
            c.asset_no, TransformerArea.code, c.district_code, c.terminal_address, c.link_url,
            c.model, c.manufacturer, c.install_date,
        ),
        c.transformer_area_id,
    ).where(*_in_stations(stations)).order_by(c.asset_no)  # fmt: skip
    return _stream(session, statement)


def customers(session: Session, stations: Collection[int] | None) -> Rows:
    """(户号, name, address, class, phone, 台区编号, 电价代码, important, vulnerable, lon, lat,
    opened on). A customer's 台区 is that of its first meter (none: no meter yet, and then it
    lies in no station's scope)."""
    first_meter = (
        select(Meter.customer_id, func.min(Meter.id).label("meter_id"))
        .where(Meter.customer_id.is_not(None))
        .group_by(Meter.customer_id)
        .subquery()
    )
    meter = aliased(Meter)
    statement = (
        select(
            Customer.number, Customer.name, Customer.address, Customer.customer_class,
            Customer.phone, TransformerArea.code, Tariff.code, Customer.important,
            Customer.vulnerable, Customer.longitude, Customer.latitude, Customer.opened_on,
        )
        .outerjoin(first_meter, first_meter.c.customer_id == Customer.id)
        .outerjoin(meter, meter.id == first_meter.c.meter_id)
        .outerjoin(TransformerArea, meter.transformer_area_id == TransformerArea.id)
        .outerjoin(Feeder, TransformerArea.feeder_id == Feeder.id)
        .outerjoin(Tariff, Customer.tariff_id == Tariff.id)
        .where(*_in_stations(stations))
        .order_by(Customer.number)
    )  # fmt: skip
    return _stream(session, statement)


def meters(session: Session, stations: Collection[int] | None) -> Rows:
    """(asset no, address, protocol, link, 台区编号, 户号, role, CT, PT, phases, model,
    manufacturer, install date, 表箱编号, 集中器资产号)."""
    m = Meter
    statement = (
        _area_join(
            select(
                m.asset_no, m.comm_address, m.protocol, m.link_url, TransformerArea.code,
                Customer.number, m.role, m.ct_ratio, m.pt_ratio, m.phases, m.model,
                m.manufacturer, m.install_date, MeterBox.code, Concentrator.asset_no,
            ),
            m.transformer_area_id,
        )
        .outerjoin(Customer, m.customer_id == Customer.id)
        .outerjoin(MeterBox, m.meter_box_id == MeterBox.id)
        .outerjoin(Concentrator, m.concentrator_id == Concentrator.id)
        .where(*_in_stations(stations))
        .order_by(m.asset_no)
    )  # fmt: skip
    return _stream(session, statement)


def _meter_rows(
    session: Session,
    stations: Collection[int] | None,
    columns: tuple[Any, ...],
    meter_id: Any,
    *order: Any,
) -> Rows:
    statement = select(Meter.asset_no, *columns).join(Meter, meter_id == Meter.id)
    if stations is not None:
        statement = _area_join(statement, Meter.transformer_area_id).where(*_in_stations(stations))
    return _stream(session, statement.order_by(Meter.asset_no, *order))


def readings(session: Session, stations: Collection[int] | None) -> Rows:
    """(asset no, day, total, sharp, peak, flat, valley, reverse (Wh), collected at)."""
    f = DailyFreeze
    columns = (
        f.day, f.forward_active_wh, f.forward_sharp_wh, f.forward_peak_wh, f.forward_flat_wh,
        f.forward_valley_wh, f.reverse_active_wh, f.collected_at,
    )  # fmt: skip
    return _meter_rows(session, stations, columns, f.meter_id, f.day)


def curves(session: Session, stations: Collection[int] | None) -> Rows:
    """(asset no, slot start, W, V a/b/c (0.1 V), I a/b/c (mA), power factor (0.001))."""
    i = IntervalReading
    columns = (
        i.slot_start, i.active_power_w, i.voltage_a_dv, i.voltage_b_dv, i.voltage_c_dv,
        i.current_a_ma, i.current_b_ma, i.current_c_ma, i.power_factor_milli,
    )  # fmt: skip
    return _meter_rows(session, stations, columns, i.meter_id, i.slot_start)


def events(session: Session, stations: Collection[int] | None) -> Rows:
    """(asset no, kind, started at, ended at)."""
    e = MeterEvent
    columns = (e.kind, e.started_at, e.ended_at)
    return _meter_rows(session, stations, columns, e.meter_id, e.started_at, e.kind)
