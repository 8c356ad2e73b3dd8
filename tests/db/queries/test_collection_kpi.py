"""db.queries.collection_kpi: 采集成功率 per unit and day, its trend, and what drags it down.

The conftest organisation gets three concentrators (one per 台区), a fourth holding only a
meter installed after the day, two meter models and a meter without a concentrator; freezes
(db.ingest) follow ``KPI_METERS``. Expected figures come from that table with plain Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from console.kpi.collection import cost_hundredths, success_rate_pct
from db import rollups
from db.ingest import AttemptRow, FreezeRow, record_attempts, upsert_daily_freezes
from db.models import Concentrator, Level, Meter, MeterRole, MeterStatus, RollupDay
from db.queries.collection_kpi import (
    LOOKBACK_DAYS,
    Drag,
    Reason,
    SuccessRate,
    drag_ranking,
    failed_meters,
    success_rates,
    success_rates_by_model,
    success_trend,
)
from db.scope import EVERYTHING, Scope
from db.upsert import table_of
from tests.db.conftest import LINK_TCP, LINK_USB1, STATION_COUNTY

if TYPE_CHECKING:
    from tests.db.conftest import Org

D = date(2026, 11, 21)
FIRST_READ = -12  # readings exist from D-12 to D
ALL = frozenset(range(FIRST_READ, 1))
HOLE = frozenset({-6, -5})  # 台区 c has no freeze at all: no rollup row of D-6


def _span(first: int, last: int) -> frozenset[int]:
    return frozenset(range(first, last + 1))


@dataclass(frozen=True, slots=True)
class KpiMeter:
    name: str  # a conftest MeterSpec name, or a meter added here
    area: str  # "a" | "b" | "c" (台区 = station key)
    concentrator: str | None
    model: str | None
    installed: int | None  # day offset from D
    read_on: frozenset[int]  # day offsets with a daily freeze
    status: str = MeterStatus.ACTIVE.value


KPI_METERS: tuple[KpiMeter, ...] = (
    KpiMeter("a_c1", "a", "A", "DDZY71", None, ALL),
    KpiMeter("a_c2", "a", "A", "DDZY71", -400, ALL),
    KpiMeter("a_c3", "a", "A", "DDZY71", None, _span(FIRST_READ, -3)),
    KpiMeter("a_c4", "a", "A", "DDZY71", -10, frozenset()),
    KpiMeter("a_removed", "a", "A", "DDZY71", None, ALL, MeterStatus.REMOVED.value),
    KpiMeter("a_sum", "a", "A", "DTZY71", None, ALL),
    KpiMeter("a_new", "a", "N", "DDZY71", 1, frozenset({0})),  # a freeze before its install
    KpiMeter("a_direct", "a", None, None, None, _span(FIRST_READ, -1)),
    KpiMeter("b_c1", "b", "B", "DDZY71", None, frozenset()),
    KpiMeter("b_c2", "b", "B", "DDZY71", -30, _span(FIRST_READ, -3)),
    KpiMeter("b_sum", "b", "B", "DTZY71", None, _span(FIRST_READ, -2)),
    KpiMeter("c_c1", "c", "C", "DDZY71", None, ALL - HOLE),
    KpiMeter("c_sum", "c", "C", "DTZY71", None, ALL - HOLE),
)
ADDED = {"a_new": "ASSET-0100", "a_direct": "ASSET-0102", "b_c2": "ASSET-0101"}
KPI_BY_NAME = {m.name: m for m in KPI_METERS}


def _day(offset: int) -> date:
    return D + timedelta(days=offset)


def _at(offset: int, hh: int) -> datetime:
    return datetime.combine(_day(offset), time(hh))


MODEL = "model"  # success rates grouped by meter model instead of an organisation level
LEVELS = (Level.COUNTY, Level.STATION, Level.AREA, Level.CONCENTRATOR, MODEL)


def _rates(
    session: Session, day: date, level: str, within: Scope = EVERYTHING
) -> list[SuccessRate]:
    if level == MODEL:
        return success_rates_by_model(session, day, within=within)
    return success_rates(session, day, Level(level), within=within)


def _pct(rate: SuccessRate) -> Decimal | None:
    return success_rate_pct(rate.read, rate.expected)


@dataclass(frozen=True, slots=True)
class KpiOrg:
    org: Org
    concentrators: dict[str, int]
    meters: dict[str, int]

    def unit(self, level: str, m: KpiMeter) -> str:
        """The SuccessRate key of the unit of ``level`` that ``m`` belongs to."""
        if level is Level.AREA:
            return str(self.org.area_ids[m.area])
        if level is Level.STATION:
            return str(self.org.station_ids[m.area])
        if level is Level.COUNTY:
            return str(self.org.county_ids[STATION_COUNTY[m.area]])
        if level is Level.CONCENTRATOR:
            return "" if m.concentrator is None else str(self.concentrators[m.concentrator])
        return m.model or ""


def _expected(m: KpiMeter, offset: int) -> bool:
    active = m.status == MeterStatus.ACTIVE.value
    return active and (m.installed is None or m.installed <= offset)


def _figures(
    kpi: KpiOrg, level: str, offset: int, meters: tuple[KpiMeter, ...] = KPI_METERS
) -> dict[str, tuple[int, int]]:
    """(expected, read) per unit key, from the table alone; units with nothing expected left out."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for m in meters:
        if _expected(m, offset):
            acc[kpi.unit(level, m)][0] += 1
            acc[kpi.unit(level, m)][1] += offset in m.read_on
    return {key: (e, r) for key, (e, r) in acc.items()}


@pytest.fixture
def kpi(session_factory: sessionmaker[Session], org: Org) -> KpiOrg:
    with session_factory() as session, session.begin():
        concentrators = {
            key: Concentrator(
                transformer_area_id=org.area_ids[area],
                asset_no=f"JZQ-{key}",
                district_code="3301",
                terminal_address=n,
            )
            for n, (key, area) in enumerate({"A": "a", "B": "b", "C": "c", "N": "a"}.items(), 1)
        }
        session.add_all(concentrators.values())
        session.flush()
        meter_ids = dict(org.meter_ids)
        for n, (name, asset) in enumerate(ADDED.items(), 1):
            spec = KPI_BY_NAME[name]
            meter = Meter(
                asset_no=asset,
                comm_address=f"{900 + n:012d}",
                protocol="dlt645-2007",
                link_url=LINK_TCP if spec.area == "b" else LINK_USB1,
                transformer_area_id=org.area_ids[spec.area],
                role=MeterRole.CUSTOMER.value,
                ct_ratio=1,
                status=spec.status,
            )
            session.add(meter)
            session.flush()
            meter_ids[name] = meter.id
        for spec in KPI_METERS:
            meter = session.get_one(Meter, meter_ids[spec.name])
            assert meter.status == spec.status
            meter.model = spec.model
            meter.install_date = None if spec.installed is None else _day(spec.installed)
            if spec.concentrator is not None:
                meter.concentrator_id = concentrators[spec.concentrator].id
        session.flush()
        upsert_daily_freezes(
            session,
            [
                FreezeRow(meter_ids[m.name], _day(k), 1_000 * (k + 100), _at(k, 1))
                for m in KPI_METERS
                for k in sorted(m.read_on)
            ],
        )
        rollups.recompute_all(session)
        return KpiOrg(org, {k: c.id for k, c in concentrators.items()}, meter_ids)


def _attempt(
    kpi: KpiOrg,
    name: str | None,
    at: datetime,
    result: str,
    error: str | None,
    *,
    concentrator: str | None = None,
) -> AttemptRow:
    mid = None if name is None else kpi.meters[name]
    target = name or f"JZQ-{concentrator}"
    return AttemptRow(
        LINK_TCP,
        target[:16],
        "daily_freeze",
        at,
        1_500,
        result,
        error,
        mid,
        None if concentrator is None else kpi.concentrators[concentrator],
    )


@pytest.fixture
def attempts(session_factory: sessionmaker[Session], kpi: KpiOrg) -> KpiOrg:
    rows = [
        _attempt(kpi, "a_c3", _at(-4, 1), "frame_error", "bad checksum"),  # before its run
        _attempt(kpi, "a_c3", _at(0, 1), "frame_error", "bad checksum"),
        _attempt(kpi, "a_c3", _at(0, 3), "timeout", "no answer"),  # the latest failure of D
        _attempt(kpi, "a_c3", _at(0, 5), "ok", None),  # a success is no reason
        _attempt(kpi, "a_c3", _at(1, 1), "rejected", "denied"),  # after the day
        _attempt(kpi, "a_c4", _at(-5, 2), "timeout", None),
        _attempt(kpi, "a_direct", _at(-2, 1), "link_error", "port busy"),  # read again since
        _attempt(kpi, "a_c1", _at(0, 1), "timeout", "no answer"),  # read after all
        _attempt(kpi, "b_sum", _at(-3, 1), "offline", "concentrator offline"),  # before B's run
        _attempt(kpi, "b_c2", _at(0, 2), "offline", "concentrator offline"),
        _attempt(kpi, None, _at(-1, 3), "link_error", "connection refused", concentrator="B"),
    ]
    with session_factory() as session, session.begin():
        record_attempts(session, rows)
    return kpi


# ---------------------------------------------------------------- the rate itself


@pytest.mark.parametrize(
    ("expected", "read", "pct"),
    [
        (10_000, 9_997, "99.97"),
        (3, 2, "66.67"),
        (3, 1, "33.33"),
        (32, 1, "3.13"),  # 3.125: half up, not to even
        (8, 8, "100.00"),
        (265_000, 264_920, "99.97"),  # 99.9698
        (5, 0, "0.00"),
    ],
)
def test_rate_is_rounded_half_up_to_a_hundredth(expected: int, read: int, pct: str) -> None:
    rate = SuccessRate("1", "x", expected, read)
    assert _pct(rate) == Decimal(pct)
    assert rate.failed == expected - read


def test_nothing_expected_has_no_rate() -> None:
    assert _pct(SuccessRate("", "", 0, 0)) is None
    assert SuccessRate("", "", 0, 0).ratio is None


# ---------------------------------------------------------------- success_rates


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("offset", [0, -1, -6, -11, FIRST_READ - 1])
def test_every_level_matches_the_table(
    session_factory: sessionmaker[Session], kpi: KpiOrg, level: str, offset: int
) -> None:
    with session_factory() as session:
        rates = _rates(session, _day(offset), level)
    assert {r.key: (r.expected, r.read) for r in rates} == _figures(kpi, level, offset)
    order = [(r.ratio, r.name) for r in rates]
    assert order == sorted(order, key=lambda o: (o[0] is None, o[0] or 0, o[1]))


def test_the_day_by_hand(session_factory: sessionmaker[Session], kpi: KpiOrg) -> None:
    with session_factory() as session:
        stations = success_rates(session, D, Level.STATION)
        counties = success_rates(session, D, Level.COUNTY)
        concentrators = success_rates(session, D, Level.CONCENTRATOR)
        models = _rates(session, D, MODEL)
    assert [(r.name, r.expected, r.read, _pct(r)) for r in stations] == [
        ("供电所S01", 3, 0, Decimal("0.00")),  # station b
        ("供电所S02", 6, 3, Decimal("50.00")),  # station a: a_new and a_removed not expected
        ("供电所S03", 2, 2, Decimal("100.00")),
    ]
    assert [(r.name, _pct(r)) for r in counties] == [
        ("甲县", Decimal("33.33")),
        ("乙县", Decimal("100.00")),
    ]
    # A tie at 0.00 goes by name: the meter without a concentrator ("") before JZQ-B; JZQ-N's
    # only meter is installed after the day, so it has no row.
    assert [(r.key, r.name, r.expected, r.read) for r in concentrators] == [
        ("", "", 1, 0),
        (str(kpi.concentrators["B"]), "JZQ-B", 3, 0),
        (str(kpi.concentrators["A"]), "JZQ-A", 5, 3),
        (str(kpi.concentrators["C"]), "JZQ-C", 2, 2),
    ]
    assert [(r.key, r.name, _pct(r)) for r in models] == [
        ("", "", Decimal("0.00")),
        ("DDZY71", "DDZY71", Decimal("42.86")),
        ("DTZY71", "DTZY71", Decimal("66.67")),
    ]


def test_scope_keeps_the_units_inside_it(
    session_factory: sessionmaker[Session], kpi: KpiOrg
) -> None:
    org = kpi.org
    with session_factory() as session:
        areas = success_rates(
            session, D, Level.AREA, within=Scope(Level.COUNTY, org.county_ids["k1"])
        )
        in_a = success_rates(
            session, D, Level.CONCENTRATOR, within=Scope(Level.AREA, org.area_ids["a"])
        )
        in_c = _rates(session, D, MODEL, within=Scope(Level.STATION, org.station_ids["c"]))
        county = success_rates(
            session, D, Level.COUNTY, within=Scope(Level.STATION, org.station_ids["a"])
        )
        one = success_rates(
            session, D, Level.AREA, within=Scope(Level.CONCENTRATOR, kpi.concentrators["B"])
        )
        with pytest.raises(ValueError, match="not by feeder"):
            success_rates(session, D, Level.FEEDER)
        with pytest.raises(ValueError, match="a level and an id"):
            Scope(Level.AREA, None)
    in_k1 = tuple(m for m in KPI_METERS if m.area in "ab")
    assert {r.key: (r.expected, r.read) for r in areas} == _figures(kpi, Level.AREA, 0, in_k1)
    in_area_a = tuple(m for m in KPI_METERS if m.area == "a")
    assert {r.key: (r.expected, r.read) for r in in_a} == _figures(
        kpi, Level.CONCENTRATOR, 0, in_area_a
    )
    assert [(r.key, r.expected, r.read) for r in in_c] == [("DDZY71", 1, 1), ("DTZY71", 1, 1)]
    assert [(r.key, r.expected, r.read) for r in county] == [(str(org.county_ids["k1"]), 6, 3)]
    assert [(r.key, r.expected, r.read) for r in one] == [(str(org.area_ids["b"]), 3, 0)]


def test_figures_equal_the_rollups(session_factory: sessionmaker[Session], kpi: KpiOrg) -> None:
    """Same definition as rollup_day. But rollup_day has no row of a 台区-day without any
    freeze of D or D+1 (area b from D-1, area c on D-6), and its station and county rows sum
    only the 台区 rows there are, so those 台区's unread meters are missing from them: here
    they count, as expected and unread."""
    levels = {
        Level.AREA: Level.AREA.value,
        Level.STATION: Level.STATION.value,
        Level.COUNTY: Level.COUNTY.value,
    }
    org = kpi.org
    gaps = 0
    with session_factory() as session:
        for offset in range(FIRST_READ - 1, 2):
            day = _day(offset)
            stored: dict[Level, dict[str, tuple[int, int]]] = {}
            for level, rollup_level in levels.items():
                stored[level] = {
                    str(unit): (e, r)
                    for unit, e, r in session.execute(
                        select(
                            RollupDay.unit_id, RollupDay.meters_expected, RollupDay.meters_read
                        ).where(RollupDay.level == rollup_level, RollupDay.day == day)
                    )
                }
            # Add the unread meters of the 台区 without a row to their station and county.
            areas = {r.key: r for r in success_rates(session, day, Level.AREA)}
            for key, area in org.area_ids.items():
                if str(area) in areas and str(area) not in stored[Level.AREA]:
                    assert areas[str(area)].read == 0
                    gaps += 1
                    units = {
                        Level.AREA: area,
                        Level.STATION: org.station_ids[key],
                        Level.COUNTY: org.county_ids[STATION_COUNTY[key]],
                    }
                    for level, unit in units.items():
                        e, r = stored[level].get(str(unit), (0, 0))
                        stored[level][str(unit)] = (e + areas[str(area)].expected, r)
            for level in levels:
                ours = success_rates(session, day, level)
                assert {r.key: (r.expected, r.read) for r in ours} == stored[level], (offset, level)
    assert gaps >= 3  # area b on D-1 and D, area c on D-6 (unless the rollups cover them)


# ---------------------------------------------------------------- success_trend


def _sum(figures: dict[str, tuple[int, int]]) -> tuple[int, int]:
    return sum(e for e, _ in figures.values()), sum(r for _, r in figures.values())


@pytest.mark.parametrize(
    "scope", [None, ("county", "k2"), ("station", "a"), ("area", "c"), ("concentrator", "A")]
)
def test_trend_matches_the_table_with_and_without_rollups(
    session_factory: sessionmaker[Session], kpi: KpiOrg, scope: tuple[str, str] | None
) -> None:
    within = EVERYTHING
    members = KPI_METERS
    if scope is not None:
        level = Level(scope[0])
        ids = {
            Level.COUNTY: kpi.org.county_ids,
            Level.STATION: kpi.org.station_ids,
            Level.AREA: kpi.org.area_ids,
            Level.CONCENTRATOR: kpi.concentrators,
        }[level]
        within = Scope(level, ids[scope[1]])
        members = tuple(m for m in KPI_METERS if kpi.unit(level, m) == str(within.id))
    with session_factory() as session:
        trend = success_trend(session, D, 15, within=within)
    assert [d for d, _ in trend] == [_day(k) for k in range(-14, 1)]
    for k, (_, rate) in zip(range(-14, 1), trend, strict=True):
        assert (rate.expected, rate.read) == _sum(_figures(kpi, Level.COUNTY, k, members)), k
    with session_factory() as session, session.begin():
        session.execute(delete(table_of(RollupDay)))
    with session_factory() as session:
        assert success_trend(session, D, 15, within=within) == trend


def test_trend_days_agree_with_the_day_figures(
    session_factory: sessionmaker[Session], kpi: KpiOrg
) -> None:
    station = kpi.org.station_ids["c"]
    with session_factory() as session:
        trend = success_trend(session, D, 14, within=Scope(Level.STATION, station))
        for day, rate in trend:
            (row,) = success_rates(
                session, day, Level.STATION, within=Scope(Level.STATION, station)
            )
            assert (rate.key, rate.name, rate.expected, rate.read) == (
                row.key,
                row.name,
                row.expected,
                row.read,
            )
    assert _pct(dict(trend)[_day(-6)]) == Decimal("0.00")  # no rollup row that day


def test_trend_keeps_days_with_nothing_expected(
    session_factory: sessionmaker[Session], kpi: KpiOrg
) -> None:
    with session_factory() as session:
        trend = success_trend(
            session, _day(1), 3, within=Scope(Level.CONCENTRATOR, kpi.concentrators["N"])
        )
        everything = success_trend(session, D, 1)
    assert [(d, r.name, r.expected, r.read, _pct(r)) for d, r in trend] == [
        (_day(-1), "JZQ-N", 0, 0, None),
        (D, "JZQ-N", 0, 0, None),  # its freeze of D predates its install
        (_day(1), "JZQ-N", 1, 0, Decimal("0.00")),
    ]
    assert everything == [(D, SuccessRate("", "", 11, 5))]


# ---------------------------------------------------------------- drag_ranking, failed_meters


def _cost(failed: int, expected: int) -> Decimal:
    """Hundredths of a percentage point, to 0.01, half up."""
    return (Decimal(failed * 10_000) / expected).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _cost_of(drag: Drag) -> Decimal:
    return cost_hundredths(drag.failed, drag.scope_expected)


def _drag(kpi: KpiOrg, name: str, reason: Reason | None, since: int, total: int) -> Drag:
    asset = ADDED.get(name) or f"ASSET-{[s.name for s in kpi.org.specs].index(name):04d}"
    return Drag(
        "meter",
        kpi.meters[name],
        asset,
        f"{KPI_BY_NAME[name].area} 台区",
        1,
        total,
        reason,
        _day(since),
        1 - since,
    )


def test_drag_ranking_of_the_day(session_factory: sessionmaker[Session], attempts: KpiOrg) -> None:
    kpi = attempts
    total = _sum(_figures(kpi, Level.AREA, 0))[0]
    assert total == 11
    with session_factory() as session:
        concentrators, meters = drag_ranking(session, D)
    assert concentrators == [
        # Nothing of B read since D-1 (b_sum read on D-2); b_c2's attempt of D is the reason.
        Drag(
            "concentrator",
            kpi.concentrators["B"],
            "JZQ-B",
            "b 台区",
            3,
            11,
            Reason("offline", 1),
            _day(-1),
            2,
        ),
        # a_c4 (installed D-10) never read: A has had an unread meter every day since.
        Drag(
            "concentrator",
            kpi.concentrators["A"],
            "JZQ-A",
            "a 台区",
            2,
            11,
            Reason("timeout", 2),
            _day(-10),
            11,
        ),
    ]
    # B's meters are the concentrator's fault; a_direct has no concentrator.
    assert meters == [
        _drag(kpi, "a_c3", Reason("timeout", 1, "no answer"), -2, total),
        _drag(kpi, "a_c4", Reason("timeout"), -10, total),
        _drag(kpi, "a_direct", None, 0, total),  # its failed attempt predates the run
    ]
    assert _cost_of(meters[0]) == Decimal("909.09")
    assert [_cost_of(c) for c in concentrators] == [Decimal("2727.27"), Decimal("1818.18")]
    assert _cost_of(concentrators[1]) == _cost(2, 11)


def test_drag_ranking_the_day_before(
    session_factory: sessionmaker[Session], attempts: KpiOrg
) -> None:
    kpi = attempts
    with session_factory() as session:
        concentrators, meters = drag_ranking(session, _day(-1), limit=1)
    # B's meters have no failed attempt in its run (from D-1): its own attempt is the reason.
    assert concentrators == [
        Drag(
            "concentrator",
            kpi.concentrators["B"],
            "JZQ-B",
            "b 台区",
            3,
            11,
            Reason("link_error", 1, "connection refused"),
            _day(-1),
            1,
        )
    ]
    assert [m.name for m in meters] == ["ASSET-0002"]  # limit 1: a_c3


def test_drag_ranking_within_a_station(
    session_factory: sessionmaker[Session], attempts: KpiOrg
) -> None:
    kpi = attempts
    with session_factory() as session:
        in_b = drag_ranking(session, D, within=Scope(Level.STATION, kpi.org.station_ids["b"]))
        in_a = drag_ranking(session, D, within=Scope(Level.STATION, kpi.org.station_ids["a"]))
    assert [(d.name, d.failed, _cost_of(d)) for d in in_b[0]] == [("JZQ-B", 3, Decimal("10000.00"))]
    assert in_b[1] == []
    assert [(d.name, d.failed, _cost_of(d)) for d in in_a[0]] == [("JZQ-A", 2, Decimal("3333.33"))]
    assert [(d.name, _cost_of(d)) for d in in_a[1]] == [
        ("ASSET-0002", Decimal("1666.67")),
        ("ASSET-0003", Decimal("1666.67")),
        ("ASSET-0102", Decimal("1666.67")),
    ]


def test_failed_meters_of_a_concentrator(
    session_factory: sessionmaker[Session], attempts: KpiOrg
) -> None:
    kpi = attempts
    with session_factory() as session:
        of_b = failed_meters(session, D, concentrator_id=kpi.concentrators["B"])
        of_area = failed_meters(session, D, area_id=kpi.org.area_ids["a"], limit=2)
        scoped = failed_meters(
            session,
            D,
            concentrator_id=kpi.concentrators["B"],
            within=Scope(Level.STATION, kpi.org.station_ids["b"]),
        )
        with pytest.raises(ValueError, match="concentrator_id or an area_id"):
            failed_meters(session, D)
    assert of_b == [
        # Never read, no install date: failing since the first freeze stored (D-12).
        _drag(kpi, "b_c1", None, FIRST_READ, 11),
        _drag(kpi, "b_sum", None, -1, 11),  # its offline attempt of D-3 predates the run
        _drag(kpi, "b_c2", Reason("offline", 1, "concentrator offline"), -2, 11),
    ]
    assert [d.name for d in of_area] == ["ASSET-0002", "ASSET-0003"]
    assert {_cost_of(d) for d in scoped} == {Decimal("3333.33")}


def test_runs_are_traced_back_at_most_the_look_back_window(
    session_factory: sessionmaker[Session], kpi: KpiOrg
) -> None:
    with session_factory() as session, session.begin():
        old = _day(-LOOKBACK_DAYS - 10)
        upsert_daily_freezes(session, [FreezeRow(kpi.meters["a_c1"], old, 1, _at(-100, 1))])
    with session_factory() as session:
        concentrators, _ = drag_ranking(session, D)
        (b_c1, *_) = failed_meters(session, D, concentrator_id=kpi.concentrators["B"])
    assert b_c1.name == "ASSET-0006"
    assert (b_c1.failing_since, b_c1.days_failing) == (_day(1 - LOOKBACK_DAYS), LOOKBACK_DAYS)
    # A: no unread meter on D-11, the day before a_c4 was installed; B: b_sum read on D-2.
    assert [(c.name, c.failing_since) for c in concentrators] == [
        ("JZQ-B", _day(-1)),
        ("JZQ-A", _day(-10)),
    ]
