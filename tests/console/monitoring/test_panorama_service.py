"""The panorama snapshot equals the figures computed straight from the stored rows; the current
load is the last complete quarter hour (a slot still coming in is shown as such); the success
rate is the same in the panorama and in 采集监控; the line-loss ranking judges each 台区 by its
own station's limits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from console.collection.queries import CollectionQueries
from console.collection.service import CollectionOptions, CollectionService
from console.core import thresholds
from console.core.clock import FixedClock
from console.core.thresholds import ThresholdBook
from console.kpi.collection import Grade, success_rate_pct
from console.kpi.line_loss import LossVerdict
from console.monitoring.panorama import (
    SETTLED_AFTER,
    SLOT,
    LoadPoint,
    PanoramaService,
    PanoramaSnapshot,
    current_load,
    load_points,
)
from db.models import Level
from db.queries.topology import OrgUnitRow, org_units
from db.scope import EVERYTHING, Scope
from drivers.emulator.fleet import LoopFleet
from tests.console.synthetic import SyntheticCounty, build_county, store_curve, store_freezes


def _panorama(sf: sessionmaker[Session], clock: FixedClock) -> PanoramaService:
    return PanoramaService(sf, clock, ThresholdBook(sf, None))


def _direct(sf: sessionmaker[Session], day: str, station: int | None) -> dict[str, object]:
    """The same figures with plain SQL, written independently of db.queries."""
    where = "AND f.supply_station_id = :st" if station else ""
    p = {"day": day, "st": station}
    scope = (
        "FROM meter m JOIN transformer_area t ON t.id = m.transformer_area_id "
        f"JOIN feeder f ON f.id = t.feeder_id WHERE m.status = 'active' {where}"
    )
    summary = (
        "FROM interval_reading i JOIN meter m ON m.id = i.meter_id "
        "JOIN transformer_area t ON t.id = m.transformer_area_id "
        f"JOIN feeder f ON f.id = t.feeder_id WHERE m.role = 'summary' {where}"
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
                f"SELECT i.slot_start, sum(i.active_power_w), count(*) {summary} "
                "AND date(i.slot_start) = :day GROUP BY i.slot_start ORDER BY i.slot_start"
            ),
            p,
        ).all()
    return {
        "expected": expected,
        "read": read,
        "sales_wh": sales[0],
        "sales_meters": sales[1],
        "curve": [(datetime.fromisoformat(str(t)), w, n) for t, w, n in curve],
    }


def _pct(read: int, expected: int) -> Decimal:
    return (Decimal(read) * 100 / Decimal(expected)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_snapshot_matches_direct_sql_for_the_county_and_each_station(
    fleet: LoopFleet, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    CollectionService(session_factory, clock, CollectionOptions(timeout_s=0.25, retries=0)).run(
        "test"
    )
    service = _panorama(session_factory, clock)
    with session_factory() as s:
        units = org_units(s)
    assert [u.level for u in units] == [Level.COUNTY, Level.STATION, Level.STATION]
    for unit in [None, *units]:
        snap = service.snapshot(unit)
        station = unit.id if unit is not None and unit.level is Level.STATION else None
        direct = _direct(session_factory, "2026-11-21", station)
        assert snap.meters_expected == direct["expected"]
        assert snap.meters_read == direct["read"]
        assert snap.success_pct == _pct(snap.meters_read, snap.meters_expected)
        assert snap.sales_wh == direct["sales_wh"]
        assert snap.sales_meters == direct["sales_meters"]
        curve = direct["curve"]
        assert isinstance(curve, list)
        assert [(p.slot_start, p.power_w, p.meters) for p in snap.today] == curve
        yesterday = _direct(session_factory, "2026-11-20", station)["curve"]
        assert isinstance(yesterday, list)
        assert [(p.slot_start, p.power_w, p.meters) for p in snap.yesterday] == yesterday
        assert len(snap.yesterday) == 96
        # The current load: the newest slot into which as many summary meters reported as
        # usually do (every one of them in the history); the 10:00 slot was just collected.
        usual = max(n for *_slot, n in yesterday + curve)
        complete = [(t, w) for t, w, n in curve if n >= usual]
        assert snap.load is not None
        assert (snap.load.slot_start, snap.load.power_w) == complete[-1]
        newest = curve[-1][0]
        assert newest == datetime(2026, 11, 21, 10, 0)
        if complete[-1][0] == newest:
            assert snap.incoming is None
        else:  # a dead summary meter: the 10:00 slot stays short of the usual count
            assert snap.incoming is not None and snap.incoming.slot_start == newest
    county = service.snapshot(units[0])
    stations = [service.snapshot(u) for u in units[1:]]
    assert county.meters_expected == sum(s.meters_expected for s in stations)
    assert county.sales_wh == sum(s.sales_wh for s in stations)


def test_before_todays_collection_there_are_no_sales_and_the_last_load_is_said_with_its_time(
    fleet: LoopFleet, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.advance(timedelta(hours=1))  # the generated curve ends at 09:45
    snap = _panorama(session_factory, clock).snapshot(None)
    assert snap.sales_meters == 0 and snap.sales_wh == 0
    assert snap.meters_read == 0
    assert snap.meters_expected > 0
    assert snap.success_pct == Decimal("0.00") and snap.success_grade is Grade.BAD
    # Its last quarter hour ended over an hour ago: not "current load", but said with its time.
    assert snap.load is None and snap.incoming is None
    last = snap.last_complete
    assert last is not None and last.slot_start == datetime(2026, 11, 21, 9, 45) and last.settled
    clock.set(datetime(2026, 11, 21, 10, 50))  # within the hour after it ended: current
    again = _panorama(session_factory, clock).snapshot(None)
    assert again.load is not None and again.load.slot_start == datetime(2026, 11, 21, 9, 45)


def test_units_and_rates() -> None:
    assert success_rate_pct(19_987, 20_000) == Decimal("99.94")  # 99.935 half-up
    assert success_rate_pct(19_993, 20_000) == Decimal("99.97")  # 99.965: half-even says 96
    assert success_rate_pct(0, 0) is None
    snap = PanoramaSnapshot(
        unit=OrgUnitRow(Level.STATION, 2, "东岭供电所", 1),
        as_of=datetime(2026, 1, 1),
        day=date(2026, 1, 1),
        sales_wh=1_234_567,
        sales_meters=3,
        load=None,
        incoming=None,
        last_complete=None,
        summary_meters=2,
        meters_read=19_987,
        meters_expected=20_000,
        success_pct=Decimal("99.94"),
        success_grade=Grade.WARN,
        target_pct=Decimal("99.97"),
        today=(),
        yesterday=(),
    )
    assert snap.sales_kwh == Decimal("1234.567")


T10 = datetime(2026, 11, 21, 10, 0)


def test_a_slot_is_complete_when_the_usual_count_reported_or_an_hour_after_its_end() -> None:
    now = T10 + timedelta(minutes=7)
    points = load_points([(T10 - SLOT, 900, 3), (T10, 400, 1)], 3, now)
    assert [(p.complete, p.settled) for p in points] == [(True, False), (False, False)]
    shown, incoming = current_load(points)
    assert shown is points[0] and incoming is points[1]
    late = load_points([(T10, 400, 1)], 3, T10 + SLOT + SETTLED_AFTER)
    assert late[0].settled and current_load(late) == (late[0], None)
    just_before = load_points([(T10, 400, 1)], 3, T10 + SLOT + SETTLED_AFTER - timedelta(seconds=1))
    assert current_load(just_before) == (None, just_before[0])
    assert current_load([]) == (None, None)
    assert LoadPoint(T10, 0, 0, 0, settled=False).complete  # nobody usually reports


def _station_unit(sf: sessionmaker[Session], station_id: int) -> OrgUnitRow:
    with sf() as s:
        return next(u for u in org_units(s) if u.level is Level.STATION and u.id == station_id)


def _areas_county(sf: sessionmaker[Session]) -> SyntheticCounty:
    """250 台区 in two stations, summary meters only."""
    return build_county(sf, [[1] * 125, [1] * 125])


def test_during_a_pass_the_load_is_the_last_complete_slot_and_the_partial_one_is_incoming(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    county = _areas_county(session_factory)
    summary = county.summary_ids
    assert len(summary) == 250
    slots = [T10 - SLOT * k for k in range(4, 0, -1)]  # 09:00 .. 09:45, every meter
    store_curve(session_factory, [(m, slot, 1_000 + m % 7) for slot in slots for m in summary], T10)
    reporting = summary[:86]  # 10:07:30, a collection pass is filling the 10:00 slot
    store_curve(session_factory, [(m, T10, 2_000) for m in reporting], clock.now())
    service = _panorama(session_factory, clock)

    snap = service.snapshot(None)

    assert snap.load is not None and snap.incoming is not None
    assert snap.load.slot_start == T10 - SLOT
    assert (snap.load.meters, snap.load.expected) == (250, 250)
    assert snap.load.power_w == sum(1_000 + m % 7 for m in summary)
    assert snap.incoming.slot_start == T10
    assert (snap.incoming.meters, snap.incoming.expected) == (86, 250)
    assert snap.incoming.power_w == 86 * 2_000 and not snap.incoming.complete
    assert [p.complete for p in snap.today] == [True] * 4 + [False]
    assert snap.summary_meters == 250

    # A station's own view: its share of the meters.
    station = _station_unit(session_factory, county.stations[0].id)
    own = service.snapshot(station)
    assert own.load is not None and own.incoming is not None
    assert (own.load.meters, own.incoming.meters, own.incoming.expected) == (125, 86, 125)

    # An hour after the slot's end nothing more comes: it is complete however few reported,
    # and by then no longer current: the tile says when it was.
    clock.set(T10 + SLOT + SETTLED_AFTER)
    settled = service.snapshot(None)
    last = settled.last_complete
    assert last is not None and last.slot_start == T10 and last.settled
    assert (last.meters, last.power_w) == (86, 86 * 2_000)
    assert settled.incoming is None and settled.load is None
    clock.set(T10 + SLOT + SETTLED_AFTER - timedelta(seconds=1))
    assert service.snapshot(None).incoming is not None


def test_the_success_rate_is_the_same_in_the_panorama_and_in_the_collection_view(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    county = build_county(session_factory, [[5_000, 5_000], [5_000, 5_000]])
    meters = county.meter_ids
    assert len(meters) == 20_000
    unread = set(county.stations[0].areas[0].customer_ids[:7])
    day = clock.now().date()
    store_freezes(
        session_factory, {m: 1_000_000 for m in meters if m not in unread}, day, clock.now()
    )
    book = ThresholdBook(session_factory, None)
    panorama = PanoramaService(session_factory, clock, book)
    queries = CollectionQueries(session_factory, clock, book)

    snap = panorama.snapshot(None)
    kpis = queries.kpis(day, EVERYTHING)

    assert success_rate_pct(19_993, 20_000) == Decimal("99.97")
    assert (snap.meters_read, snap.meters_expected) == (19_993, 20_000)
    assert (kpis.rate.read, kpis.rate.expected) == (19_993, 20_000)
    assert snap.success_pct == kpis.rate_pct == Decimal("99.97")
    assert snap.success_grade is kpis.grade is Grade.GOOD
    assert snap.target_pct == kpis.target_pct == Decimal("99.97")
    assert kpis.short == 0
    station = _station_unit(session_factory, county.stations[0].id)
    own = panorama.snapshot(station)
    own_kpis = queries.kpis(day, station.scope)
    assert own.success_pct == own_kpis.rate_pct == Decimal("99.93")  # 9,993 of 10,000
    assert own.success_grade is own_kpis.grade is Grade.WARN


def test_a_taiqu_that_read_nothing_counts_in_the_panoramas_rate_too(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    county = build_county(session_factory, [[10, 10], [10]])
    dead = set(county.stations[1].areas[0].meter_ids)  # its concentrator is down all day
    day = clock.now().date()
    read = {m: 1_000_000 for m in county.meter_ids if m not in dead}
    store_freezes(session_factory, read, day, clock.now())
    book = ThresholdBook(session_factory, None)

    snap = PanoramaService(session_factory, clock, book).snapshot(None)
    kpis = CollectionQueries(session_factory, clock, book).kpis(day, EVERYTHING)

    assert (kpis.rate.read, kpis.rate.expected) == (20, 30)
    assert (snap.meters_read, snap.meters_expected) == (20, 30)
    assert snap.success_pct == kpis.rate_pct == Decimal("66.67")


def _loss_county(sf: sessionmaker[Session], day: date, at: datetime) -> dict[str, int]:
    """Station A (own limits) with 台区 losing 5 %, 3 % and -2 %; station B (the county's)
    with 5 %, -2 % and one 不可算 (a customer meter without the next day's freeze)."""
    county = build_county(sf, [[3, 3, 3], [3, 3, 3]])
    losses: list[list[int | None]] = [[5, 3, -2], [5, -2, None]]
    today: dict[int, int] = {}
    tomorrow: dict[int, int] = {}
    for station, station_losses in zip(county.stations, losses, strict=True):
        for area, loss in zip(station.areas, station_losses, strict=True):
            supply = 100_000
            sales = supply * (100 - (loss or 0)) // 100
            today.update(dict.fromkeys(area.meter_ids, 5_000_000))
            tomorrow[area.summary_id] = 5_000_000 + supply
            first, second = area.customer_ids
            tomorrow[first] = 5_000_000 + sales // 2
            if loss is not None:
                tomorrow[second] = 5_000_000 + sales - sales // 2
    store_freezes(sf, today, day, at)
    store_freezes(sf, tomorrow, day + timedelta(days=1), at)
    return {"A": county.stations[0].id, "B": county.stations[1].id}


def test_the_line_loss_ranking_judges_each_taiqu_by_its_stations_limits(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    day = clock.now().date() - timedelta(days=1)
    stations = _loss_county(session_factory, day, clock.now())
    with session_factory.begin() as s:
        thresholds.save(
            s,
            {
                ("line_loss.high_pct", stations["A"]): "4",
                ("line_loss.negative_pct", stations["A"]): "-3",
            },
            at=clock.now(),
            by="os:li",
            comment="station A's own limits",
            expected_version=None,
        )
    service = _panorama(session_factory, clock)

    ranking = service.line_loss_ranking(EVERYTHING, day)

    assert [(r.code, r.loss_pct, r.verdict) for r in ranking] == [
        ("K9-S0-T0", Decimal("5.00"), LossVerdict.HIGH),  # above A's own 4 %
        ("K9-S1-T0", Decimal("5.00"), LossVerdict.OK),  # within the county's 6 %
        ("K9-S0-T1", Decimal("3.00"), LossVerdict.OK),
        ("K9-S0-T2", Decimal("-2.00"), LossVerdict.OK),  # above A's own -3 %
        ("K9-S1-T1", Decimal("-2.00"), LossVerdict.NEGATIVE),  # below the county's -1 %
        ("K9-S1-T2", None, LossVerdict.INCOMPUTABLE),
    ]
    assert ranking[0].supply_wh == 100_000 and ranking[0].sales_wh == 95_000
    station_a = service.line_loss_ranking(Scope(Level.STATION, stations["A"]), day, limit=2)
    assert [r.code for r in station_a] == ["K9-S0-T0", "K9-S0-T1"]
