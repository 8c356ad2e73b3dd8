"""A small hand-built organisation for the data-layer tests: two counties, three supply
stations, one 台区 each, customer and summary meters (one removed), described by ``MeterSpec``s.

Tests compute their expectations from these specs (plain Python), never from the queries.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.models import (
    AreaClass,
    Company,
    County,
    Customer,
    CustomerClass,
    Feeder,
    Meter,
    MeterRole,
    MeterStatus,
    Substation,
    SupplyStation,
    TransformerArea,
)

LINK_USB0 = "serial:///dev/ttyUSB0"
LINK_USB1 = "serial:///dev/ttyUSB1"
LINK_TCP = "tcp://10.0.0.2:8899"


@dataclass(frozen=True, slots=True)
class MeterSpec:
    name: str
    station: str  # "a" | "b" | "c"
    role: str
    link_url: str
    status: str = MeterStatus.ACTIVE.value


# Insertion order matters: on each link a customer meter is inserted before the summary meter,
# so an ordering by id alone would not put the summary meter first.
METER_SPECS: tuple[MeterSpec, ...] = (
    MeterSpec("a_c1", "a", MeterRole.CUSTOMER.value, LINK_USB1),
    MeterSpec("a_c2", "a", MeterRole.CUSTOMER.value, LINK_USB1),
    MeterSpec("a_c3", "a", MeterRole.CUSTOMER.value, LINK_USB1),
    MeterSpec("a_c4", "a", MeterRole.CUSTOMER.value, LINK_USB1),
    MeterSpec("a_removed", "a", MeterRole.CUSTOMER.value, LINK_USB1, MeterStatus.REMOVED.value),
    MeterSpec("a_sum", "a", MeterRole.SUMMARY.value, LINK_USB1),
    MeterSpec("b_c1", "b", MeterRole.CUSTOMER.value, LINK_TCP),
    MeterSpec("b_sum", "b", MeterRole.SUMMARY.value, LINK_TCP),
    MeterSpec("c_c1", "c", MeterRole.CUSTOMER.value, LINK_USB0),
    MeterSpec("c_sum", "c", MeterRole.SUMMARY.value, LINK_USB0),
)
SPEC_BY_NAME = {spec.name: spec for spec in METER_SPECS}
STATION_COUNTY = {"a": "k1", "b": "k1", "c": "k2"}


@dataclass(frozen=True, slots=True)
class Org:
    county_ids: dict[str, int]  # "k1" (code K01, stations a and b), "k2" (code K02, station c)
    station_ids: dict[str, int]  # "a" (code S02), "b" (code S01), "c" (code S03)
    area_ids: dict[str, int]  # one 台区 per station
    meter_ids: dict[str, int]  # by MeterSpec.name
    specs: tuple[MeterSpec, ...] = METER_SPECS

    def meter(self, name: str) -> int:
        return self.meter_ids[name]

    def spec(self, name: str) -> MeterSpec:
        return SPEC_BY_NAME[name]

    def county_of(self, name: str) -> str:
        return STATION_COUNTY[SPEC_BY_NAME[name].station]


def build_org(session: Session) -> Org:
    company = Company(code="C01", name="市供电公司")
    session.add(company)
    session.flush()
    # County K02 is inserted first and station S02 before S01, so id order differs from code order.
    counties = {
        "k2": County(company_id=company.id, code="K02", name="乙县"),
        "k1": County(company_id=company.id, code="K01", name="甲县"),
    }
    session.add_all(counties.values())
    session.flush()
    station_codes = {"a": "S02", "b": "S01", "c": "S03"}
    stations = {
        key: SupplyStation(
            county_id=counties[STATION_COUNTY[key]].id, code=code, name=f"供电所{code}"
        )
        for key, code in station_codes.items()
    }
    substations = {
        key: Substation(
            county_id=county.id, code=f"SUB-{county.code}", name="变电站", voltage_kv=35
        )
        for key, county in counties.items()
    }
    session.add_all([*stations.values(), *substations.values()])
    session.flush()
    feeders = {
        key: Feeder(
            substation_id=substations[STATION_COUNTY[key]].id,
            supply_station_id=station.id,
            code=f"F-{key}",
            name=f"10kV {key} 线",
        )
        for key, station in stations.items()
    }
    session.add_all(feeders.values())
    session.flush()
    areas = {
        key: TransformerArea(
            feeder_id=feeder.id,
            code=f"T-{key}",
            name=f"{key} 台区",
            rated_kva=400,
            area_class=AreaClass.RURAL.value,
        )
        for key, feeder in feeders.items()
    }
    session.add_all(areas.values())
    session.flush()
    meters: dict[str, Meter] = {}
    for index, spec in enumerate(METER_SPECS):
        customer_id = None
        if spec.role == MeterRole.CUSTOMER.value:
            customer = Customer(
                number=f"{index:010d}",
                name=f"户{index}",
                address="某村",
                customer_class=CustomerClass.RESIDENTIAL.value,
            )
            session.add(customer)
            session.flush()
            customer_id = customer.id
        meter = Meter(
            asset_no=f"ASSET-{index:04d}",
            comm_address=f"{index + 1:012d}",
            protocol="dlt645-2007",
            link_url=spec.link_url,
            transformer_area_id=areas[spec.station].id,
            customer_id=customer_id,
            role=spec.role,
            ct_ratio=1,
            status=spec.status,
        )
        session.add(meter)
        session.flush()  # one at a time, so ids follow METER_SPECS order
        meters[spec.name] = meter
    return Org(
        county_ids={key: c.id for key, c in counties.items()},
        station_ids={key: s.id for key, s in stations.items()},
        area_ids={key: a.id for key, a in areas.items()},
        meter_ids={name: m.id for name, m in meters.items()},
    )


@pytest.fixture
def org(session_factory: sessionmaker[Session]) -> Org:
    with session_factory() as session, session.begin():
        return build_org(session)
