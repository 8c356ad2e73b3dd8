"""A synthetic county for the console's figure tests: as many supply stations, 台区 (each with
one concentrator and one summary meter) and customer meters as a test needs, inserted in bulk
(20,000 meters take about a second), with freezes and curve points stored through the real
ingest path, so the rollups are the ones collection would keep. Tests state their expectations
from the numbers they build with, never from the queries under test."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from db.ingest import FreezeRow, IntervalRow, upsert_daily_freezes, upsert_interval_readings
from db.models import (
    AreaClass,
    Company,
    Concentrator,
    County,
    Feeder,
    Meter,
    MeterRole,
    MeterStatus,
    Substation,
    SupplyStation,
    TransformerArea,
)


@dataclass(frozen=True, slots=True)
class Area:
    id: int
    concentrator_id: int
    summary_id: int
    customer_ids: tuple[int, ...]

    @property
    def meter_ids(self) -> tuple[int, ...]:
        return (self.summary_id, *self.customer_ids)


@dataclass(frozen=True, slots=True)
class Station:
    id: int
    areas: tuple[Area, ...]

    @property
    def meter_ids(self) -> tuple[int, ...]:
        return tuple(m for a in self.areas for m in a.meter_ids)


@dataclass(frozen=True, slots=True)
class SyntheticCounty:
    id: int
    stations: tuple[Station, ...]

    @property
    def meter_ids(self) -> tuple[int, ...]:
        return tuple(m for s in self.stations for m in s.meter_ids)

    @property
    def summary_ids(self) -> tuple[int, ...]:
        return tuple(a.summary_id for s in self.stations for a in s.areas)


def build_county(
    sf: sessionmaker[Session], stations: Sequence[Sequence[int]], code: str = "K9"
) -> SyntheticCounty:
    """One county; ``stations`` lists, per supply station, how many meters each of its 台区
    has (the summary meter included)."""
    with sf.begin() as s:
        company = Company(code=f"C-{code}", name="合成市供电公司")
        s.add(company)
        s.flush()
        county = County(company_id=company.id, code=code, name="合成县")
        s.add(county)
        s.flush()
        substation = Substation(county_id=county.id, code=f"SUB-{code}", name="变电站",
                                voltage_kv=35)  # fmt: skip
        s.add(substation)
        s.flush()
        built = []
        for si, areas in enumerate(stations):
            station = SupplyStation(county_id=county.id, code=f"{code}-S{si}", name=f"供电所{si}")
            s.add(station)
            s.flush()
            feeder = Feeder(substation_id=substation.id, supply_station_id=station.id,
                            code=f"{code}-F{si}", name=f"10kV {si} 线")  # fmt: skip
            s.add(feeder)
            s.flush()
            built.append(Station(station.id, tuple(
                _area(s, feeder.id, f"{code}-S{si}-T{ai}", n) for ai, n in enumerate(areas)
            )))  # fmt: skip
        return SyntheticCounty(county.id, tuple(built))


def _area(s: Session, feeder_id: int, code: str, meters: int) -> Area:
    area = TransformerArea(feeder_id=feeder_id, code=code, name=f"{code} 台区", rated_kva=400,
                           area_class=AreaClass.RURAL.value)  # fmt: skip
    s.add(area)
    s.flush()
    hub = Concentrator(transformer_area_id=area.id, asset_no=f"JZQ-{code}", district_code="9901",
                       terminal_address=area.id)  # fmt: skip
    s.add(hub)
    s.flush()
    s.execute(
        insert(Meter),
        [
            {
                "asset_no": f"{code}-M{i:05d}",
                "comm_address": f"{area.id:06d}{i:06d}",
                "protocol": "dlt645-2007",
                "link_url": f"loop://{code}",
                "transformer_area_id": area.id,
                "concentrator_id": hub.id,
                "point_no": i + 1,
                "role": MeterRole.SUMMARY.value if i == 0 else MeterRole.CUSTOMER.value,
                "ct_ratio": 1,
                "status": MeterStatus.ACTIVE.value,
            }
            for i in range(meters)
        ],
    )
    ids = list(s.scalars(select(Meter.id).where(Meter.transformer_area_id == area.id)
                         .order_by(Meter.point_no)))  # fmt: skip
    return Area(area.id, hub.id, ids[0], tuple(ids[1:]))


def store_freezes(
    sf: sessionmaker[Session], registers: Mapping[int, int], day: date, at: datetime
) -> None:
    """The daily freeze of ``day`` of each meter (meter id -> Wh), through the ingest path
    (rollups kept)."""
    rows = [FreezeRow(m, day, wh, at) for m, wh in registers.items()]
    with sf.begin() as s:
        upsert_daily_freezes(s, rows)


def store_curve(
    sf: sessionmaker[Session], points: Sequence[tuple[int, datetime, int]], at: datetime
) -> None:
    """(meter, slot start, W) curve points, through the ingest path (load rollups kept)."""
    rows = [IntervalRow(m, slot, w, None, at) for m, slot, w in points]
    with sf.begin() as s:
        upsert_interval_readings(s, rows)
