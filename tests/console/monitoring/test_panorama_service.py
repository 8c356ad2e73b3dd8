"""The panorama snapshot equals the figures computed straight from the stored rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from console.collection.service import CollectionOptions, CollectionService
from console.core.clock import FixedClock
from console.monitoring.panorama import OrgUnit, PanoramaService
from drivers.emulator.fleet import LoopFleet


def _direct(sf: sessionmaker[Session], day: str, station: int | None) -> dict[str, object]:
    """The same figures with plain SQL, written independently of db.queries."""
    where = "AND f.supply_station_id = :st" if station else ""
    p = {"day": day, "st": station}
    scope = (
        "FROM meter m JOIN transformer_area t ON t.id = m.transformer_area_id "
        f"JOIN feeder f ON f.id = t.feeder_id WHERE m.status = 'active' {where}"
    )
    with sf() as s:
        expected = s.scalar(text(f"SELECT count(*) {scope}"), p)
        read = s.scalar(
            text(
                f"SELECT count(*) {scope} AND m.id IN (SELECT meter_id FROM daily_freeze "
                "WHERE day = :day)"
            ),
            p,
        )
        sales = s.execute(
            text(
                "SELECT coalesce(sum(r.forward_active_wh - z.forward_active_wh), 0), count(*) "
                "FROM register_reading r JOIN daily_freeze z ON z.meter_id = r.meter_id AND z.day = r.day "
                "JOIN meter m ON m.id = r.meter_id JOIN transformer_area t ON t.id = m.transformer_area_id "
                f"JOIN feeder f ON f.id = t.feeder_id WHERE r.day = :day AND m.role = 'customer' {where}"
            ),
            p,
        ).one()
        curve = s.execute(
            text(
                "SELECT i.slot_start, sum(i.active_power_w) FROM interval_reading i "
                "JOIN meter m ON m.id = i.meter_id JOIN transformer_area t ON t.id = m.transformer_area_id "
                f"JOIN feeder f ON f.id = t.feeder_id WHERE m.role = 'summary' AND date(i.slot_start) = :day "
                f"{where} GROUP BY i.slot_start ORDER BY i.slot_start"
            ),
            p,
        ).all()
    return {
        "expected": expected,
        "read": read,
        "sales_wh": sales[0],
        "sales_meters": sales[1],
        "curve": [(datetime.fromisoformat(str(t)), w) for t, w in curve],
    }


def test_snapshot_matches_direct_sql_for_the_county_and_each_station(
    fleet: LoopFleet, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    CollectionService(session_factory, clock, CollectionOptions(timeout_s=0.25, retries=0)).run(
        "test"
    )
    service = PanoramaService(session_factory, clock)
    units = service.org_units()
    assert [u.kind for u in units] == ["county", "station", "station"]
    for unit in [None, *units]:
        snap = service.snapshot(unit)
        station = unit.id if unit is not None and unit.kind == "station" else None
        direct = _direct(session_factory, "2026-11-21", station)
        assert snap.meters_expected == direct["expected"]
        assert snap.meters_read == direct["read"]
        assert snap.sales_wh == direct["sales_wh"]
        assert snap.sales_meters == direct["sales_meters"]
        assert [(p.slot_start, p.power_w) for p in snap.today] == direct["curve"]
        yesterday = _direct(session_factory, "2026-11-20", station)["curve"]
        assert [(p.slot_start, p.power_w) for p in snap.yesterday] == yesterday
        assert len(snap.yesterday) == 96
        # Current load: the summary meters' readings of the 10:00 slot, just collected.
        assert snap.load_slot == datetime(2026, 11, 21, 10, 0)
        assert snap.load_w == next(p.power_w for p in snap.today if p.slot_start == snap.load_slot)
    county = service.snapshot(units[0])
    stations = [service.snapshot(u) for u in units[1:]]
    assert county.meters_expected == sum(s.meters_expected for s in stations)
    assert county.sales_wh == sum(s.sales_wh for s in stations)


def test_units_and_rates() -> None:
    from console.monitoring.panorama import PanoramaSnapshot

    snap = PanoramaSnapshot(
        unit=OrgUnit("station", 2, "东岭供电所", 1),
        as_of=datetime(2026, 1, 1),
        day=datetime(2026, 1, 1).date(),
        sales_wh=1_234_567,
        sales_meters=3,
        load_w=987_654,
        load_meters=2,
        load_slot=None,
        summary_meters=2,
        meters_read=19_987,
        meters_expected=20_000,
        today=(),
        yesterday=(),
    )
    assert snap.sales_kwh == Decimal("1234.567")
    assert snap.load_kw == Decimal("987.654")
    assert snap.success_rate_pct == Decimal("99.94")  # 99.935 rounds half-even to 99.94
    empty = PanoramaSnapshot(
        unit=None,
        as_of=datetime(2026, 1, 1),
        day=datetime(2026, 1, 1).date(),
        sales_wh=0,
        sales_meters=0,
        load_w=None,
        load_meters=0,
        load_slot=None,
        summary_meters=0,
        meters_read=0,
        meters_expected=0,
        today=(),
        yesterday=(),
    )
    assert empty.success_rate_pct is None
    assert empty.load_kw is None


def test_no_collection_yet_means_no_sales_and_no_current_load(
    fleet: LoopFleet, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.advance(timedelta(hours=1))  # the generated curve ends at 09:45, more than 30 min ago
    snap = PanoramaService(session_factory, clock).snapshot(None)
    assert snap.sales_meters == 0 and snap.sales_wh == 0
    assert snap.load_w is None and snap.load_slot is None
    assert snap.meters_read == 0
    assert snap.meters_expected > 0
