"""db.queries.topology: the organisation tree in code order and the active meter count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from db.models import MeterStatus
from db.queries.topology import OrgUnitRow, active_meter_count, org_units

if TYPE_CHECKING:
    from tests.db.conftest import Org


def test_org_units_lists_each_county_then_its_stations_in_code_order(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    k1, k2 = org.county_ids["k1"], org.county_ids["k2"]
    st = org.station_ids
    # Codes: K01 (k1) < K02 (k2); S01 (b) < S02 (a) < S03 (c). Ids are in another order.
    assert k2 < k1
    assert st["a"] < st["b"]
    with session_factory() as session:
        assert org_units(session) == [
            OrgUnitRow("county", k1, "甲县", None),
            OrgUnitRow("station", st["b"], "供电所S01", k1),
            OrgUnitRow("station", st["a"], "供电所S02", k1),
            OrgUnitRow("county", k2, "乙县", None),
            OrgUnitRow("station", st["c"], "供电所S03", k2),
        ]


def test_org_units_of_an_empty_database_is_empty(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        assert org_units(session) == []


def test_active_meter_count_leaves_out_removed_meters(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    expected = sum(1 for s in org.specs if s.status == MeterStatus.ACTIVE.value)
    assert expected == len(org.specs) - 1  # exactly one removed meter in the fixture
    with session_factory() as session:
        assert active_meter_count(session) == expected


def test_an_org_unit_row_names_its_scope() -> None:
    from db.models import Level
    from db.queries.topology import OrgUnitRow
    from db.scope import Scope

    assert OrgUnitRow(Level.STATION, 7, "城关供电所", 1).scope == Scope(Level.STATION, 7)
    assert OrgUnitRow(Level.COUNTY, 1, "青山县供电公司", None).scope == Scope(Level.COUNTY, 1)
