"""A small organisation for the archive imports (two 台区 TQ0001 and TQ0002, a concentrator, a
meter box, two tariffs), and helpers that write import files and run an import.

The 台区 codes are those of resources/templates, so the shipped templates import into it. As in
tests/db, a test that uses a database runs on PostgreSQL too when ``SMC_TEST_PG_URL`` is set
(the upserts differ per dialect), each time in a fresh schema.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.archive.importer import ImportResult, import_file
from console.archive.reader import TableFile
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
# The database fixtures of the data-layer tests: a fresh SQLite file, and with SMC_TEST_PG_URL
# set, every test a second time on a fresh PostgreSQL schema.
from tests.db.conftest import db_url, pg_admin, pytest_generate_tests  # noqa: E402, F401


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
