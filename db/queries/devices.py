"""The device tree of 采集监控: county -> supply station -> 台区 -> concentrator -> meter, one
level at a time (a county has 265,000 meters: the tree loads children when they are opened)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import (
    Concentrator,
    County,
    DeviceStatus,
    Feeder,
    Meter,
    MeterStatus,
    SupplyStation,
    TransformerArea,
)


@dataclass(frozen=True, slots=True)
class DeviceRow:
    id: int
    name: str
    children: int
    online: bool | None = None
    last_at: datetime | None = None
    last_ok: bool | None = None
    detail: str = ""
    terminal: tuple[str, int] | None = None  # a concentrator's (district code, terminal address)


def counties(session: Session) -> list[DeviceRow]:
    stations = (
        select(func.count(SupplyStation.id))
        .where(SupplyStation.county_id == County.id)
        .scalar_subquery()
    )
    rows = session.execute(select(County.id, County.name, stations).order_by(County.id))
    return [DeviceRow(r[0], r[1], r[2]) for r in rows]


def stations(session: Session, county_id: int) -> list[DeviceRow]:
    areas = (
        select(func.count(TransformerArea.id))
        .join(Feeder, Feeder.id == TransformerArea.feeder_id)
        .where(Feeder.supply_station_id == SupplyStation.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(SupplyStation.id, SupplyStation.name, areas)
        .where(SupplyStation.county_id == county_id)
        .order_by(SupplyStation.id)
    )
    return [DeviceRow(r[0], r[1], r[2]) for r in rows]


def areas(session: Session, station_id: int) -> list[DeviceRow]:
    concentrators = (
        select(func.count(Concentrator.id))
        .where(Concentrator.transformer_area_id == TransformerArea.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(TransformerArea.id, TransformerArea.name, concentrators, TransformerArea.code)
        .join(Feeder, Feeder.id == TransformerArea.feeder_id)
        .where(Feeder.supply_station_id == station_id)
        .order_by(TransformerArea.name, TransformerArea.id)
    )
    return [DeviceRow(r[0], r[1], r[2], detail=r[3]) for r in rows]


def concentrators(session: Session, area_id: int) -> list[DeviceRow]:
    meters = (
        select(func.count(Meter.id))
        .where(Meter.concentrator_id == Concentrator.id, Meter.status == MeterStatus.ACTIVE.value)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Concentrator.id,
            Concentrator.asset_no,
            meters,
            Concentrator.online,
            Concentrator.last_heartbeat_at,
            Concentrator.district_code,
            Concentrator.terminal_address,
            Concentrator.remote_address,
        )
        .where(Concentrator.transformer_area_id == area_id)
        .order_by(Concentrator.asset_no)
    )
    return [
        DeviceRow(
            r[0],
            r[1],
            r[2],
            bool(r[3]),
            r[4],
            None,
            f"{r[5]}-{r[6]:05d}" + (f" @ {r[7]}" if r[7] else ""),
            (r[5], r[6]),
        )
        for r in rows
    ]


def meters(session: Session, concentrator_id: int) -> list[DeviceRow]:
    rows = session.execute(
        select(
            Meter.id,
            Meter.asset_no,
            Meter.last_read_at,
            Meter.last_read_ok,
            Meter.point_no,
            Meter.comm_address,
            Meter.model,
            Meter.role,
        )
        .where(Meter.concentrator_id == concentrator_id, Meter.status == MeterStatus.ACTIVE.value)
        .order_by(Meter.point_no, Meter.id)
    )
    return [
        DeviceRow(
            r[0],
            r[1],
            0,
            None,
            r[2],
            r[3],
            f"P{r[4]} · {r[5]} · {r[6] or '?'}" + (" · 考核表" if r[7] == "summary" else ""),
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class MeterLink:
    meter_id: int
    asset_no: str
    comm_address: str
    protocol: str
    link_url: str | None  # None: only through its concentrator
    ct_ratio: int
    point_no: int | None
    concentrator_id: int | None
    district_code: str | None
    terminal_address: int | None


def meter_link(session: Session, meter_id: int) -> MeterLink | None:
    """How to reach one meter: its own link and, when it has one, its concentrator."""
    row = session.execute(
        select(
            Meter.id,
            Meter.asset_no,
            Meter.comm_address,
            Meter.protocol,
            Meter.link_url,
            Meter.ct_ratio,
            Meter.point_no,
            Meter.concentrator_id,
            Concentrator.district_code,
            Concentrator.terminal_address,
        )
        .outerjoin(Concentrator, Concentrator.id == Meter.concentrator_id)
        .where(Meter.id == meter_id)
    ).first()
    if row is None:
        return None
    return MeterLink(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9])


def area_meter_ids(session: Session, area_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Meter.id)
            .where(Meter.transformer_area_id == area_id, Meter.status == MeterStatus.ACTIVE.value)
            .order_by(Meter.point_no, Meter.id)
        )
    )


def concentrator_id_of(session: Session, district: str, terminal: int) -> int | None:
    return session.scalar(
        select(Concentrator.id).where(
            Concentrator.district_code == district, Concentrator.terminal_address == terminal
        )
    )


def mark_all_offline(session: Session) -> int:
    """At front-end start nothing is connected yet: states from the last session are stale."""
    result = session.execute(
        update(Concentrator).where(Concentrator.online.is_(True)).values(online=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def concentrators_online(
    session: Session, concentrator_ids: Collection[int] | None = None
) -> tuple[int, int]:
    """(online, total) of the active concentrators (of ``concentrator_ids`` if given), as the
    front end last stored their link states."""
    q = select(
        func.count(Concentrator.id), func.count(Concentrator.id).filter(Concentrator.online)
    ).where(Concentrator.status == DeviceStatus.ACTIVE.value)
    if concentrator_ids is not None:
        if not concentrator_ids:
            return 0, 0
        q = q.where(Concentrator.id.in_(sorted(concentrator_ids)))
    total, online = session.execute(q).one()
    return int(online or 0), int(total or 0)
