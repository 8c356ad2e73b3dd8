"""采集监控's questions to the database on a synthetic county: each scope's rate judged against
the thresholds in force for it (a station's own target and alarm limit override the
county's), how many meters short of the target, what the draggers cost the scope's rate, the
tree's red figures, and a trend that starts on the first day anything was collected."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import DragRow, TreeNode
from console.collection.queries import CollectionQueries
from console.core import thresholds
from console.core.clock import FixedClock
from console.core.thresholds import ThresholdBook
from console.kpi.collection import Grade
from db.models import Concentrator, Level
from db.scope import EVERYTHING, Scope
from tests.console.synthetic import SyntheticCounty, build_county, store_freezes


def _county(sf: sessionmaker[Session], clock: FixedClock) -> SyntheticCounty:
    """Two stations of 2,000 meters (two 台区 of 1,000 each): station A reads all but one
    meter today (99.95 %), station B all but two (99.90 %); the county 3,997 of 4,000
    (99.925 %, shown 99.93 %). Yesterday every meter was read; nothing before."""
    county = build_county(sf, [[1_000, 1_000], [1_000, 1_000]])
    a, b = county.stations
    unread = {a.areas[0].customer_ids[0], *b.areas[1].customer_ids[:2]}
    today = clock.now().date()
    store_freezes(sf, dict.fromkeys(county.meter_ids, 1_000_000), today - timedelta(days=1),
                  clock.now())  # fmt: skip
    store_freezes(sf, {m: 1_001_000 for m in county.meter_ids if m not in unread}, today,
                  clock.now())  # fmt: skip
    return county


def _queries(sf: sessionmaker[Session], clock: FixedClock) -> CollectionQueries:
    return CollectionQueries(sf, clock, ThresholdBook(sf, None))


def test_each_scope_is_judged_by_its_own_thresholds_a_stations_overriding_the_countys(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    county = _county(session_factory, clock)
    a, b = county.stations
    day = clock.now().date()
    with session_factory.begin() as s:
        thresholds.save(
            s,
            {
                ("collection.target_pct", None): "99.92",
                ("collection.alarm_pct", None): "99.91",
                ("collection.target_pct", a.id): "99.96",
            },
            at=clock.now(),
            by="os:li",
            comment="targets per station",
            expected_version=None,
        )
    queries = _queries(session_factory, clock)

    whole = queries.kpis(day, Scope(Level.COUNTY, county.id))
    station_a = queries.kpis(day, Scope(Level.STATION, a.id))
    station_b = queries.kpis(day, Scope(Level.STATION, b.id))
    area = queries.kpis(day, Scope(Level.AREA, a.areas[0].id))

    assert (whole.rate_pct, whole.target_pct, whole.grade, whole.short) == (
        Decimal("99.93"), Decimal("99.92"), Grade.GOOD, 0,
    )  # fmt: skip
    # Its own 99.96 %: 99.95 % is short of it (the county's 99.92 % would call it good).
    assert (station_a.rate_pct, station_a.target_pct, station_a.alarm_pct) == (
        Decimal("99.95"), Decimal("99.96"), Decimal("99.91"),
    )  # fmt: skip
    assert (station_a.grade, station_a.short) == (Grade.WARN, 1)  # 2,000 of 2,000 to show 99.96
    # The county's limits: 99.90 % is below the alarm limit of 99.91 %.
    assert (station_b.rate_pct, station_b.target_pct, station_b.grade) == (
        Decimal("99.90"), Decimal("99.92"), Grade.BAD,
    )  # fmt: skip
    assert station_b.short == 1  # 1,999 of 2,000 shows 99.95 %, at or above 99.92 %
    assert (station_b.meters_failing, station_b.rate.read, station_b.rate.expected) == (
        2, 1_998, 2_000,
    )  # fmt: skip
    # A 台区 lies in its station: the station's own target.
    assert (area.rate_pct, area.target_pct, area.grade) == (
        Decimal("99.90"), Decimal("99.96"), Grade.BAD,
    )  # fmt: skip


def test_without_meters_due_there_is_no_rate_and_no_grade(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    kpis = _queries(session_factory, clock).kpis(clock.now().date(), EVERYTHING)
    assert (kpis.rate.expected, kpis.rate_pct, kpis.grade, kpis.short) == (0, None, None, 0)


def test_what_the_draggers_cost_is_in_hundredths_of_the_scopes_rate(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    county = _county(session_factory, clock)
    b = county.stations[1]
    day = clock.now().date()
    queries = _queries(session_factory, clock)

    hubs, meters = queries.drags(day, EVERYTHING)
    own_hubs, own_meters = queries.drags(day, Scope(Level.STATION, b.id))

    assert [(r.drag.id, r.drag.failed, r.cost_hundredths) for r in hubs] == [
        (b.areas[1].concentrator_id, 2, Decimal("5.00")),  # 2 of 4,000 meters: 0.05 points
        (county.stations[0].areas[0].concentrator_id, 1, Decimal("2.50")),
    ]
    assert {r.cost_hundredths for r in meters} == {Decimal("2.50")} and len(meters) == 3
    assert [(r.drag.failed, r.cost_hundredths) for r in own_hubs] == [(2, Decimal("10.00"))]
    assert {r.cost_hundredths for r in own_meters} == {Decimal("5.00")}
    behind = queries.failed_meters(day, hubs[0].drag)
    assert sorted(r.drag.id for r in behind) == sorted(b.areas[1].customer_ids[:2])
    assert queries.failed_meters(day, meters[0].drag) == [meters[0]]


def test_the_tree_shows_each_units_unread_meters_and_its_concentrators_link(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    county = _county(session_factory, clock)
    a, b = county.stations
    with session_factory.begin() as s:
        s.execute(
            update(Concentrator)
            .where(Concentrator.id == a.areas[0].concentrator_id)
            .values(online=True, last_heartbeat_at=datetime(2026, 11, 21, 10, 6))
        )
    day = clock.now().date()
    queries = _queries(session_factory, clock)

    (top,) = queries.children(None, day)
    stations = queries.children(top, day)
    areas = queries.children(stations[0], day)
    hubs = queries.children(areas[0], day)
    meters = queries.children(hubs[0], day)

    assert (top.kind, top.id, top.failed) == (Level.COUNTY, county.id, 3)
    assert [(n.id, n.failed) for n in stations] == [(a.id, 1), (b.id, 2)]
    assert [(n.id, n.failed) for n in areas] == [(a.areas[0].id, 1), (a.areas[1].id, 0)]
    assert [(n.kind, n.id, n.failed, n.online) for n in hubs] == [
        (Level.CONCENTRATOR, a.areas[0].concentrator_id, 1, True)
    ]
    assert hubs[0].last_read_at == datetime(2026, 11, 21, 10, 6)
    assert len(meters) == 1_000 and all(m.kind is Level.METER for m in meters)
    assert queries.children(meters[0], day) == []
    assert isinstance(hubs[0], TreeNode) and hubs[0].scope == Scope(Level.CONCENTRATOR, hubs[0].id)
    # Concentrators online: those with meters due in the scope.
    assert (queries.kpis(day, stations[0].scope).concentrators_online,
            queries.kpis(day, stations[0].scope).concentrators_total) == (1, 2)  # fmt: skip
    everything = queries.kpis(day, EVERYTHING)
    assert (everything.concentrators_online, everything.concentrators_total) == (1, 4)


def test_the_trend_starts_on_the_first_day_anything_was_collected(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    _county(session_factory, clock)
    yesterday = clock.now().date() - timedelta(days=1)
    queries = _queries(session_factory, clock)

    trend = queries.trend(clock.now().date(), EVERYTHING, days=30)

    assert [(d, r.read, r.expected, pct) for d, r, pct in trend] == [
        (yesterday, 4_000, 4_000, Decimal("100.00")),
        (clock.now().date(), 3_997, 4_000, Decimal("99.93")),
    ]
    # A county that never read anything: failing since collection began, not new.
    never = build_county(session_factory, [[5]], code="K8")
    days = queries.trend(clock.now().date(), Scope(Level.COUNTY, never.id), days=30)
    assert [(d, r.read, r.expected, pct) for d, r, pct in days] == [
        (yesterday, 0, 5, Decimal("0.00")),
        (clock.now().date(), 0, 5, Decimal("0.00")),
    ]


def test_a_run_traced_back_as_far_as_the_look_back_goes_reads_at_least() -> None:
    from console.collection.queries import _rows
    from db.queries.collection_kpi import LOOKBACK_DAYS, Drag

    def row(days: int) -> DragRow:
        (made,) = _rows([Drag("meter", 1, "M", "台区", 1, 100, None, date(2026, 1, 1), days)])
        return made

    assert row(LOOKBACK_DAYS).at_least and not row(LOOKBACK_DAYS - 1).at_least
    assert row(3).cost_hundredths == Decimal("100.00")  # 1 of 100: one point
