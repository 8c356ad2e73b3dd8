"""A small organisation for the archive imports (two 台区 TQ0001 and TQ0002, a concentrator, a
meter box, two tariffs), and helpers that write import files and run an import.

The 台区 codes are those of resources/templates, so the shipped templates import into it. As in
tests/db, a test that uses a database runs on PostgreSQL too when ``SMC_TEST_PG_URL`` is set
(the upserts differ per dialect), each time in a fresh schema.
"""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from console.archive.importer import ImportResult, import_file
from console.archive.reader import TableFile
from db.engine import sqlite_url
from db.models import (
    AreaClass,
    Company,
    Concentrator,
    County,
    Feeder,
    MeterBox,
    Substation,
    SupplyStation,
    Tariff,
    TariffKind,
    TransformerArea,
)

TODAY = date(2026, 11, 21)
PG_URL_ENV = "SMC_TEST_PG_URL"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_url" in metafunc.fixturenames and os.environ.get(PG_URL_ENV):
        metafunc.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema on the ``SMC_TEST_PG_URL`` server."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield sqlite_url(tmp_path / "test.db")
        return
    admin = create_engine(os.environ[PG_URL_ENV], isolation_level="AUTOCOMMIT")
    schema = f"smc_archive_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
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
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@dataclass(frozen=True, slots=True)
class ArchiveOrg:
    area_ids: dict[str, int]  # TQ0001, TQ0002
    concentrator_id: int  # CJQ0001, serving TQ0001
    box_id: int  # BX-OLD, in TQ0002
    tariff_ids: dict[str, int]  # JM-01 (residential), SY-01 (commercial)


def build_archive_org(session: Session) -> ArchiveOrg:
    company = Company(code="C01", name="市供电公司")
    session.add(company)
    session.flush()
    county = County(company_id=company.id, code="K01", name="青山县")
    session.add(county)
    session.flush()
    station = SupplyStation(county_id=county.id, code="S01", name="青山供电所")
    substation = Substation(county_id=county.id, code="B01", name="青山变", voltage_kv=35)
    session.add_all([station, substation])
    session.flush()
    feeder = Feeder(
        substation_id=substation.id, supply_station_id=station.id, code="F01", name="10kV 青山线"
    )
    session.add(feeder)
    session.flush()
    areas = {
        code: TransformerArea(
            feeder_id=feeder.id,
            code=code,
            name=f"{code} 台区",
            rated_kva=400,
            area_class=AreaClass.RURAL.value,
        )
        for code in ("TQ0001", "TQ0002")
    }
    session.add_all(areas.values())
    session.flush()
    hub = Concentrator(
        transformer_area_id=areas["TQ0001"].id,
        asset_no="CJQ0001",
        district_code="3301",
        terminal_address=1,
    )
    box = MeterBox(transformer_area_id=areas["TQ0002"].id, code="BX-OLD")
    tariffs = {
        "JM-01": Tariff(
            code="JM-01",
            name="居民阶梯",
            kind=TariffKind.TIERED.value,
            customer_class="residential",
        ),
        "SY-01": Tariff(
            code="SY-01",
            name="一般工商业峰谷",
            kind=TariffKind.TIME_OF_USE.value,
            customer_class="commercial",
        ),
    }
    session.add_all([hub, box, *tariffs.values()])
    session.flush()
    return ArchiveOrg(
        area_ids={code: a.id for code, a in areas.items()},
        concentrator_id=hub.id,
        box_id=box.id,
        tariff_ids={code: t.id for code, t in tariffs.items()},
    )


@pytest.fixture
def org(session_factory: sessionmaker[Session]) -> ArchiveOrg:
    with session_factory() as session, session.begin():
        return build_archive_org(session)


class Files:
    """Writes import files under a test's temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def csv(self, name: str, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
        path = self.root / name
        with path.open("w", encoding=encoding, newline="") as stream:
            csv.writer(stream).writerows(rows)
        return path

    def xlsx(self, name: str, rows: Sequence[Sequence[object]], sheet: str = "Sheet1") -> Path:
        book = Workbook()
        ws = book.active
        assert ws is not None
        ws.title = sheet
        for row in rows:
            ws.append(list(row))
        path = self.root / name
        book.save(path)
        return path


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path)


ImportRunner = Callable[..., ImportResult]


@pytest.fixture
def run_import(session_factory: sessionmaker[Session]) -> ImportRunner:
    """Import a file in one transaction, as the CLI does (committed unless it raises)."""

    def run(kind: str, path: Path, **options: Any) -> ImportResult:
        with session_factory() as session, session.begin():
            return import_file(session, kind, TableFile(path), today=TODAY, **options)

    return run


@pytest.fixture
def snapshot(session_factory: sessionmaker[Session]) -> Callable[[type], list[tuple[Any, ...]]]:
    """Every row of a model's table (all columns), sorted: to compare before and after."""

    def rows(model: type) -> list[tuple[Any, ...]]:
        table = model.__table__  # type: ignore[attr-defined]
        with session_factory() as session:
            stmt = select(table).order_by(*table.primary_key.columns)
            return [tuple(r) for r in session.execute(stmt)]

    return rows
