"""The data-layer tests' databases, and a small hand-built organisation to put in them.

Databases: every test here that uses ``db_url`` (directly or through ``engine``,
``session_factory``, ``org``) gets a fresh empty SQLite file; when ``SMC_TEST_PG_URL`` names a
PostgreSQL server (``packaging/dev.py test`` starts a throwaway one) it runs a second time,
with the id ``postgresql``, in a fresh schema on that server. A test of SQLite itself (PRAGMAs,
its files, WAL) is marked ``@pytest.mark.sqlite_only("why")`` and skipped on PostgreSQL.

The organisation: two counties, three supply stations, one 台区 each, customer and summary
meters (one removed), described by ``MeterSpec``s. Tests compute their expectations from these
specs (plain Python), never from the queries.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from db.engine import sqlite_url
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

PG_URL_ENV = "SMC_TEST_PG_URL"
SQLITE, POSTGRESQL = "sqlite", "postgresql"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): tests SQLite itself (PRAGMAs, its files, WAL); "
        "skipped on PostgreSQL with the reason",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """With ``SMC_TEST_PG_URL`` set, run every test that uses a database on both backends;
    without it, leave the tests alone (no parameter, no skip)."""
    if "db_url" not in metafunc.fixturenames or not os.environ.get(PG_URL_ENV):
        return
    marker = metafunc.definition.get_closest_marker("sqlite_only")
    pg_marks = []
    if marker is not None:
        reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
        pg_marks.append(pytest.mark.skip(reason=f"SQLite only: {reason or 'tests SQLite'}"))
    metafunc.parametrize(
        "db_url",
        [pytest.param(SQLITE, id=SQLITE), pytest.param(POSTGRESQL, id=POSTGRESQL, marks=pg_marks)],
        indirect=True,
    )


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    """The server in ``SMC_TEST_PG_URL``, in autocommit mode: creates and drops test schemas."""
    engine = create_engine(os.environ[PG_URL_ENV], isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _fresh_schema(admin: Engine) -> Iterator[str]:
    """A new schema, and a URL whose every connection sees only it (and pg_catalog); dropped
    afterwards, with any connection a test left open. A schema costs ~1 ms to create and
    ~25 ms to drop, where a database from template0 costs ~300 ms more per test, half of it
    warming the new database's catalog caches."""
    schema = f"smc_test_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    # libpq options: search_path makes it the default schema of alembic and reflection too;
    # application_name tags this test's connections.
    options = " ".join(filter(None, [admin.url.query.get("options"), f"-csearch_path={schema}"]))
    url = admin.url.update_query_dict({"options": options, "application_name": schema})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :schema AND pid <> pg_backend_pid()"
                ),
                {"schema": schema},
            )
            conn.exec_driver_sql("SET lock_timeout = '30s'")
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database: a SQLite file, or a schema on the PostgreSQL server when
    parametrized ``postgresql`` (see ``pytest_generate_tests``)."""
    if getattr(request, "param", SQLITE) == SQLITE:
        yield sqlite_url(tmp_path / "test.db")
    else:
        yield from _fresh_schema(request.getfixturevalue("pg_admin"))


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
