"""The panorama's rollup queries against figures computed here from the rows stored."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import Session, sessionmaker

from console.kpi.collection import success_rate_pct
from console.kpi.line_loss import line_loss_pct
from db.ingest import FreezeRow, IntervalRow, upsert_daily_freezes, upsert_interval_readings
from db.models import Level
from db.queries import rollups as rq
from db.scope import EVERYTHING, Scope

if TYPE_CHECKING:
    from tests.db.conftest import Org

D = date(2026, 11, 20)
MIDNIGHT = datetime(2026, 11, 20)


def _freezes(org: Org, readings: dict[str, tuple[int, int | None]]) -> list[FreezeRow]:
    rows = []
    for name, (start, end) in readings.items():
        rows.append(FreezeRow(org.meter(name), D, start, MIDNIGHT))
        if end is not None:
            rows.append(
                FreezeRow(org.meter(name), D + timedelta(days=1), end, MIDNIGHT + timedelta(days=1))
            )
    return rows


def _store(sf: sessionmaker[Session], org: Org) -> None:
    # 台区 a: supply 10 kWh, sales 9 kWh → 10 % (high). 台区 b: supply 1 kWh, sales 1.02 kWh
    # → −2 % (negative). 台区 c: c_c1 has no end freeze → incomputable.
    readings = {
        "a_c1": (0, 4_000), "a_c2": (0, 3_000), "a_c3": (0, 1_000), "a_c4": (0, 1_000),
        "a_sum": (100, 10_100),
        "b_c1": (0, 1_020), "b_sum": (0, 1_000),
        "c_c1": (0, None), "c_sum": (0, 5_000),
    }  # fmt: skip
    curves = [
        IntervalRow(org.meter(name), MIDNIGHT + timedelta(minutes=15 * k), w + k, None, MIDNIGHT)
        for name, w in (("a_sum", 1_000), ("b_sum", 2_000), ("c_sum", 4_000))
        for k in range(3)
    ]
    with sf.begin() as s:
        upsert_daily_freezes(s, _freezes(org, readings))
        upsert_interval_readings(s, curves)


def test_area_losses_of_a_scope(session_factory: sessionmaker[Session], org: Org) -> None:
    _store(session_factory, org)
    with session_factory() as s:
        everything = rq.area_losses(s, EVERYTHING, D)
        county_k1 = rq.area_losses(s, Scope(Level.COUNTY, org.county_ids["k1"]), D)
        station_c = rq.area_losses(s, Scope(Level.STATION, org.station_ids["c"]), D)
        area_b = rq.area_losses(s, Scope(Level.AREA, org.area_ids["b"]), D)
        with pytest.raises(ValueError, match="not feeder"):
            rq.area_losses(s, Scope(Level.FEEDER, 1), D)
    losses = {a.code: (a.supply_wh, a.loss_sales_wh) for a in everything}
    assert {code: line_loss_pct(*v) for code, v in losses.items()} == {
        "T-a": Decimal("10.00"),
        "T-b": Decimal("-2.00"),
        "T-c": None,
    }
    assert {a.station_id for a in station_c} == {org.station_ids["c"]}
    assert sorted(a.code for a in county_k1) == ["T-a", "T-b"]
    assert [a.code for a in area_b] == ["T-b"]


def test_day_kpis_and_curves_of_a_scope(session_factory: sessionmaker[Session], org: Org) -> None:
    _store(session_factory, org)
    with session_factory() as s:
        k1 = rq.day_kpis(s, Scope(Level.COUNTY, org.county_ids["k1"]), D)
        everything = rq.day_kpis(s, EVERYTHING, D)
        curve = rq.load_curve(s, EVERYTHING, D)
        window = rq.load_points(
            s, EVERYTHING, MIDNIGHT + timedelta(minutes=10), MIDNIGHT + timedelta(minutes=40)
        )
        area = rq.area_curve(s, org.area_ids["a"], D, 1)
        area_day = rq.day_kpis(s, Scope(Level.AREA, org.area_ids["a"]), D)
    # k1 = 台区 a and b: both computable; 7 active meters, all read.
    assert (k1.supply_wh, k1.loss_sales_wh, k1.sales_wh) == (11_000, 10_020, 10_020)
    assert line_loss_pct(k1.supply_wh, k1.loss_sales_wh) == Decimal("8.91")  # 980 / 11000
    assert (k1.meters_read, k1.meters_expected) == (7, 7)
    assert success_rate_pct(k1.meters_read, k1.meters_expected) == Decimal("100.00")
    assert area_day.supply_wh is not None and area_day.areas == 1
    assert (everything.areas, everything.areas_computable) == (3, 2)
    assert everything.meters_expected == 9  # the removed meter is not expected
    assert [(p[1], p[2]) for p in curve] == [(7_000, 3), (7_003, 3), (7_006, 3)]
    assert everything.load_max_w == 7_006
    assert window == [
        (MIDNIGHT + timedelta(minutes=15), 7_003, 3),
        (MIDNIGHT + timedelta(minutes=30), 7_006, 3),
    ]
    assert [w for _slot, w in area] == [1_000, 1_001, 1_002]
