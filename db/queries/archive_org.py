"""Database side of the organisation and concentrator imports: the counties, supply stations,
substations and feeders a file names (matched by name within a county), new codes for the ones
it creates, and upserts of 台区 and concentrators by their natural keys.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import NamedTuple, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from db.models import (
    Company,
    Concentrator,
    County,
    DeviceStatus,
    Feeder,
    Meter,
    Substation,
    SupplyStation,
    TransformerArea,
)
from db.queries.archive import _upsert, chunks

UNNAMED_SUBSTATION = "未指定变电站"  # feeds a feeder whose archive row names no substation
UNKNOWN_VOLTAGE_KV = 0  # a substation created by an import: the archive does not say


class AreaValues(NamedTuple):
    """The columns of ``transformer_area`` an org file sets."""

    code: str
    name: str
    rated_kva: int
    area_class: str
    longitude: float | None = None
    latitude: float | None = None
    feeder_id: int = 0


class ConcentratorValues(NamedTuple):
    """The columns of ``concentrator`` a concentrators file sets (status and link state are not
    archive)."""

    asset_no: str
    transformer_area_id: int
    district_code: str
    terminal_address: int
    link_url: str | None = None
    model: str | None = None
    manufacturer: str | None = None
    install_date: date | None = None


class Unit(NamedTuple):
    """A named unit of the organisation: its id and the county (or company) it belongs to."""

    id: int
    parent_id: int
    code: str
    name: str


class StoredFeeder(NamedTuple):
    id: int
    county_id: int
    supply_station_id: int
    substation_id: int


AREA_FIELDS = AreaValues._fields
CONCENTRATOR_FIELDS = ConcentratorValues._fields


def companies(session: Session) -> list[Unit]:
    rows = session.execute(select(Company.id, Company.id, Company.code, Company.name))
    return [Unit(*r) for r in rows]


def counties(session: Session) -> list[Unit]:
    rows = session.execute(select(County.id, County.company_id, County.code, County.name))
    return [Unit(*r) for r in rows]


def stations(session: Session, county_ids: Collection[int]) -> dict[tuple[int, str], Unit]:
    """(county id, 供电所 name) → the station, for the given counties."""
    stmt = select(
        SupplyStation.id, SupplyStation.county_id, SupplyStation.code, SupplyStation.name
    ).where(SupplyStation.county_id.in_(county_ids))
    return {(r[1], r[3]): Unit(*r) for r in session.execute(stmt)}


def substations(session: Session, county_ids: Collection[int]) -> dict[tuple[int, str], Unit]:
    """(county id, 变电站 name) → the substation, for the given counties."""
    stmt = select(Substation.id, Substation.county_id, Substation.code, Substation.name).where(
        Substation.county_id.in_(county_ids)
    )
    return {(r[1], r[3]): Unit(*r) for r in session.execute(stmt)}


def feeders(session: Session, county_ids: Collection[int]) -> dict[tuple[int, str], StoredFeeder]:
    """(county id, 线路 name) → the feeder; a feeder's county is its supply station's."""
    stmt = (
        select(
            Feeder.name,
            Feeder.id,
            SupplyStation.county_id,
            Feeder.supply_station_id,
            Feeder.substation_id,
        )
        .join(SupplyStation, SupplyStation.id == Feeder.supply_station_id)
        .where(SupplyStation.county_id.in_(county_ids))
    )
    return {(r[2], r[0]): StoredFeeder(*r[1:]) for r in session.execute(stmt)}


def next_codes(session: Session, model: type, prefix: str, width: int, count: int) -> list[str]:
    """``count`` codes ``PREFIX0001``-style after the highest one of ``model`` (``code`` is
    unique across the database, so counties never share one)."""
    if count == 0:
        return []
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    column = model.code  # type: ignore[attr-defined]
    highest = 0
    for code in session.scalars(select(column).where(column.startswith(prefix))):
        match = pattern.fullmatch(code)
        if match:
            highest = max(highest, int(match[1]))
    return [f"{prefix}{n:0{width}d}" for n in range(highest + 1, highest + 1 + count)]


def add_company(session: Session, name: str) -> int:
    company = Company(code=next_codes(session, Company, "C", 2, 1)[0], name=name)
    session.add(company)
    session.flush()
    return company.id


def add_county(session: Session, company_id: int, name: str) -> int:
    county = County(
        company_id=company_id, code=next_codes(session, County, "K", 2, 1)[0], name=name
    )
    session.add(county)
    session.flush()
    return county.id


def add_stations(session: Session, wanted: Sequence[tuple[int, str]]) -> None:
    """New 供电所 (county id, name)."""
    codes = next_codes(session, SupplyStation, "S", 2, len(wanted))
    session.add_all(
        SupplyStation(county_id=county, code=code, name=name)
        for (county, name), code in zip(wanted, codes, strict=True)
    )
    session.flush()


def add_substations(session: Session, wanted: Sequence[tuple[int, str]]) -> None:
    """New 变电站 (county id, name), of a voltage the archive does not give."""
    codes = next_codes(session, Substation, "B", 2, len(wanted))
    session.add_all(
        Substation(county_id=county, code=code, name=name, voltage_kv=UNKNOWN_VOLTAGE_KV)
        for (county, name), code in zip(wanted, codes, strict=True)
    )
    session.flush()


def add_feeders(session: Session, wanted: Sequence[tuple[str, int, int]]) -> None:
    """New 线路 (name, supply station id, substation id)."""
    codes = next_codes(session, Feeder, "F", 3, len(wanted))
    session.add_all(
        Feeder(name=name, supply_station_id=station, substation_id=substation, code=code)
        for (name, station, substation), code in zip(wanted, codes, strict=True)
    )
    session.flush()


def set_feeder_substations(session: Session, moves: dict[int, int]) -> None:
    """Feeders (id → substation id) fed from another substation than stored."""
    for feeder_id, substation_id in moves.items():
        session.get_one(Feeder, feeder_id).substation_id = substation_id
    session.flush()


def stored_areas(session: Session, codes: Iterable[str]) -> dict[str, AreaValues]:
    columns = [getattr(TransformerArea, name) for name in AREA_FIELDS]
    out: dict[str, AreaValues] = {}
    for chunk in chunks(codes):
        for row in session.execute(select(*columns).where(TransformerArea.code.in_(chunk))):
            out[row.code] = AreaValues(*row)
    return out


def upsert_areas(session: Session, rows: Sequence[AreaValues], update: Collection[str]) -> None:
    """Insert public 台区, or update the ``update`` columns of those whose 编号 exists."""
    params = [row._asdict() for row in rows]
    _upsert(session, cast(Table, TransformerArea.__table__), params, "code", update)


def stored_concentrators(
    session: Session, asset_nos: Iterable[str]
) -> dict[str, ConcentratorValues]:
    columns = [getattr(Concentrator, name) for name in CONCENTRATOR_FIELDS]
    out: dict[str, ConcentratorValues] = {}
    for chunk in chunks(asset_nos):
        for row in session.execute(select(*columns).where(Concentrator.asset_no.in_(chunk))):
            out[row.asset_no] = ConcentratorValues(*row)
    return out


def concentrator_addresses(
    session: Session, districts: Iterable[str]
) -> dict[tuple[str, int], str]:
    """(行政区划码, 终端地址) → 集中器资产号 of every concentrator in the given districts."""
    out: dict[tuple[str, int], str] = {}
    for chunk in chunks(districts):
        stmt = select(
            Concentrator.district_code, Concentrator.terminal_address, Concentrator.asset_no
        ).where(Concentrator.district_code.in_(chunk))
        out.update(((d, t), asset_no) for d, t, asset_no in session.execute(stmt))
    return out


def concentrator_meter_areas(
    session: Session, asset_nos: Iterable[str]
) -> dict[str, dict[int, int]]:
    """集中器资产号 → {台区 id: meters behind it in that 台区}."""
    out: dict[str, dict[int, int]] = {}
    for chunk in chunks(asset_nos):
        stmt = (
            select(Concentrator.asset_no, Meter.transformer_area_id, func.count())
            .join(Meter, Meter.concentrator_id == Concentrator.id)
            .where(Concentrator.asset_no.in_(chunk))
            .group_by(Concentrator.asset_no, Meter.transformer_area_id)
        )
        for asset_no, area, count in session.execute(stmt):
            out.setdefault(asset_no, {})[area] = count
    return out


def upsert_concentrators(
    session: Session, rows: Sequence[ConcentratorValues], update: Collection[str]
) -> None:
    """Insert concentrators (active, dialling in unless a link is given), or update the
    ``update`` columns of those whose 资产号 exists."""
    active = DeviceStatus.ACTIVE.value
    params = [{"status": active, **row._asdict()} for row in rows]
    _upsert(session, cast(Table, Concentrator.__table__), params, "asset_no", update)
