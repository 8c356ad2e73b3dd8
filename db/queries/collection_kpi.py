"""采集成功率 (collection success rate, DESIGN.md §6) per county, supply station, 台区,
concentrator or meter model, and the concentrators and meters that drag it down.

"Should be read" and "read" are the rollups' definitions (``db.rollups.figures.area_day_figures``),
mirrored in SQL: a meter is expected on day D when it is active and was installed on or before D
(or has no install date); it is read when it has a daily freeze of D. Unlike ``rollup_day``, a
台区 without any freeze of D or D+1 still counts here (its meters are expected and unread).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import (
    AttemptResult,
    CollectionAttempt,
    Concentrator,
    County,
    DailyFreeze,
    Feeder,
    Level,
    Meter,
    MeterStatus,
    RollupDay,
    SupplyStation,
    TransformerArea,
)
from db.scope import EVERYTHING, Scope, meters_in

LOOKBACK_DAYS = 90  # how far back a failing run is traced (the day itself included)
_DAY = timedelta(days=1)
RATE_LEVELS = (Level.COUNTY, Level.STATION, Level.AREA, Level.CONCENTRATOR)


@dataclass(frozen=True, slots=True)
class SuccessRate:
    """One unit's day: ``key`` is its id as text (a model: the model, "" when unknown; a
    concentrator: "" for the meters read without one), ``name`` its name or asset number."""

    key: str
    name: str
    expected: int
    read: int

    @property
    def failed(self) -> int:
        return self.expected - self.read

    @property
    def ratio(self) -> Fraction | None:
        """read / expected, exactly (for ordering; the rate shown is ``console.kpi``'s)."""
        return Fraction(self.read, self.expected) if self.expected else None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a unit fails: its latest failed attempt's ``result`` (``db.models.AttemptResult``)
    and error text, or, for a concentrator, the most common result among its unread meters
    and how many had it (``count``)."""

    result: str
    count: int = 1
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Drag:
    """A concentrator or meter that costs the scope's rate on the day.

    ``failing_since`` is the first day of its current run of failing days. The run is traced
    back at most ``LOOKBACK_DAYS`` (the day included), and not before the first freeze stored
    (nothing was collected before it): a meter never read in that window is failing since its
    install date when that lies within the window, else since the window's first day, so
    ``days_failing`` == ``LOOKBACK_DAYS`` reads "at least". A concentrator none of whose
    meters was read fails on the days none was read; one with some read, on the days any was
    unread (since the day its first meter was installed, at the earliest).
    ``reason`` is the meter's latest failed collection attempt during that run; a
    concentrator's is the most common result of its unread meters' (offline ×87), else its
    own latest failed attempt's; attempts after the day are not looked at. What it costs the
    rate is ``console.kpi.collection.cost_hundredths(failed, scope_expected)``."""

    kind: str  # "concentrator" | "meter"
    id: int
    name: str
    area_name: str
    failed: int
    scope_expected: int  # the meters due in the scope the ranking was made for
    reason: Reason | None
    failing_since: date
    days_failing: int


def _expected_on(day: Any) -> ColumnElement[bool]:
    """Meters that should be read on ``day`` (a date, or a date column)."""
    return and_(
        Meter.status == MeterStatus.ACTIVE.value,
        or_(Meter.install_date.is_(None), Meter.install_date <= day),
    )


_frozen = aliased(DailyFreeze)
_NAME_OF: dict[Level, tuple[Any, Any]] = {
    Level.COUNTY: (County.id, County.name),
    Level.STATION: (SupplyStation.id, SupplyStation.name),
    Level.AREA: (TransformerArea.id, TransformerArea.name),
    Level.CONCENTRATOR: (Concentrator.id, Concentrator.asset_no),
}


def _frozen_on(day: date) -> ColumnElement[bool]:
    """The outer-join condition of ``_frozen``: the meter's freeze of ``day``."""
    return and_(_frozen.meter_id == Meter.id, _frozen.day == day)


def _counts(day: date, key: Any, within: Scope) -> Select[Any, int, int]:
    """(unit, expected, read) of the expected meters of the scope, grouped by ``key``."""
    return (
        select(
            key.label("unit"),
            func.count().label("expected"),
            func.count(_frozen.meter_id).label("read"),
        )
        .select_from(Meter)
        .outerjoin(_frozen, _frozen_on(day))
        .where(_expected_on(day), *meters_in(within))
        .group_by(key)
    )


def _worst_first(rates: list[SuccessRate]) -> list[SuccessRate]:
    rates.sort(key=lambda r: (r.ratio is None, r.ratio or 0, r.name, r.key))
    return rates


def success_rates(
    session: Session, day: date, level: Level, *, within: Scope = EVERYTHING
) -> list[SuccessRate]:
    """One row per unit of ``level`` (county, station, 台区 or concentrator) with meters
    expected on ``day`` (within the scope), worst rate first, then by name. 台区 counts are
    summed up to stations and counties the way ``rollup_day`` sums them."""
    level = Level(level)
    if level not in RATE_LEVELS:
        raise ValueError(f"success rates are by {', '.join(RATE_LEVELS)}, not by {level}")
    by = Meter.concentrator_id if level is Level.CONCENTRATOR else Meter.transformer_area_id
    counts = _counts(day, by, within).subquery()
    unit, name = _NAME_OF[level]
    q = select(unit, name, func.sum(counts.c.expected), func.sum(counts.c.read)).select_from(counts)
    if level is Level.CONCENTRATOR:  # meters without one: a row with key and name ""
        q = q.outerjoin(Concentrator, Concentrator.id == counts.c.unit)
    else:
        q = q.join(TransformerArea, TransformerArea.id == counts.c.unit)
    if level in (Level.STATION, Level.COUNTY):
        q = q.join(Feeder, Feeder.id == TransformerArea.feeder_id).join(
            SupplyStation, SupplyStation.id == Feeder.supply_station_id
        )
    if level is Level.COUNTY:
        q = q.join(County, County.id == SupplyStation.county_id)
    rows = session.execute(q.group_by(unit, name))
    return _worst_first(
        [SuccessRate("" if u is None else str(u), n or "", int(e), int(r)) for u, n, e, r in rows]
    )


def success_rates_by_model(
    session: Session, day: date, *, within: Scope = EVERYTHING
) -> list[SuccessRate]:
    """One row per meter model (表型号; "" when unknown), worst rate first."""
    model = func.coalesce(Meter.model, "")
    rows: Iterable[Any] = session.execute(_counts(day, model, within))
    return _worst_first([SuccessRate(m, m, int(e), int(r)) for m, e, r in rows])


def success_trend(
    session: Session, last_day: date, days: int = 30, *, within: Scope = EVERYTHING
) -> list[tuple[date, SuccessRate]]:
    """The scope's rate on each of the ``days`` days up to ``last_day``, oldest first; a day
    with nothing expected has ``rate_pct`` None. Without a scope it covers every county, with
    key and name "". Expected counts come from the meters' install dates; read counts from
    ``rollup_day`` (the same count, kept current by the ingest path) on the days it holds a row
    of the scope, otherwise, as for a concentrator, from the freezes themselves."""
    first = last_day - timedelta(days=days - 1)
    span = [first + _DAY * k for k in range(days)]
    scope = meters_in(within)
    installs = session.execute(
        select(Meter.install_date, func.count())
        .where(Meter.status == MeterStatus.ACTIVE.value, *scope)
        .group_by(Meter.install_date)
    )
    expected = _expected_counter((d, int(n)) for d, n in installs)
    read = _rollup_reads(session, first, last_day, within)
    missing = [d for d in span if d not in read]
    if missing:
        rows = session.execute(
            select(DailyFreeze.day, func.count())
            .join(Meter, Meter.id == DailyFreeze.meter_id)
            .where(DailyFreeze.day.in_(missing), _expected_on(DailyFreeze.day), *scope)
            .group_by(DailyFreeze.day)
        )
        read.update((d, int(n)) for d, n in rows)
    key, name = "", ""
    if within.level in _NAME_OF:
        unit_id, unit_name = _NAME_OF[within.level]
        key = str(within.id)
        name = session.scalar(select(unit_name).where(unit_id == within.id)) or ""
    return [(d, SuccessRate(key, name, expected(d), read.get(d, 0))) for d in span]


def _rollup_reads(session: Session, first: date, last: date, within: Scope) -> dict[date, int]:
    if within.level is None:
        level, unit = Level.COUNTY.value, None
    elif within.level in (Level.COUNTY, Level.STATION, Level.AREA):
        level, unit = within.level.value, within.id
    else:
        return {}
    q = select(RollupDay.day, func.sum(RollupDay.meters_read)).where(
        RollupDay.level == level, RollupDay.day >= first, RollupDay.day <= last
    )
    if unit is not None:
        q = q.where(RollupDay.unit_id == unit)
    return {d: int(n) for d, n in session.execute(q.group_by(RollupDay.day))}


def _expected_counter(installs: Iterable[tuple[date | None, int]]) -> Callable[[date], int]:
    """A function of the day: how many of the counted meters were installed by then."""
    undated = 0
    dated: list[tuple[date, int]] = []
    for installed, n in installs:
        if installed is None:
            undated += n
        else:
            dated.append((installed, n))
    dated.sort()

    def expected(day: date) -> int:
        return undated + sum(n for installed, n in dated if installed <= day)

    return expected


def _chunked(ids: Sequence[int], size: int = 5_000) -> Iterable[Sequence[int]]:
    # Well under SQLite's bound-parameter limit.
    return (ids[i : i + size] for i in range(0, len(ids), size))


def _window_start(session: Session, day: date) -> date:
    """The first day a failing run is traced back to: ``LOOKBACK_DAYS`` back, but not before
    the first stored freeze (before it nothing was collected, so nothing failed)."""
    start = day - _DAY * (LOOKBACK_DAYS - 1)
    first = session.scalar(select(func.min(DailyFreeze.day)))
    return start if first is None else max(start, min(first, day))


def _latest_failures(
    session: Session,
    by: Any,
    ids: Sequence[int],
    window: tuple[date, date],
    *extra: ColumnElement[bool],
) -> dict[int, tuple[datetime, str, str | None]]:
    """For each id of ``by`` (an attempt column): its latest failed attempt within the days
    ``window`` (first, last) as (started at, result, error)."""
    ca = CollectionAttempt
    lo = datetime.combine(window[0], time.min)
    hi = datetime.combine(window[1] + _DAY, time.min)
    out: dict[int, tuple[datetime, str, str | None]] = {}
    for chunk in _chunked(ids):
        ranked = (
            select(
                by.label("owner"),
                ca.started_at,
                ca.result,
                ca.error,
                func.row_number()
                .over(partition_by=by, order_by=(ca.started_at.desc(), ca.id.desc()))
                .label("rank"),
            )
            .where(
                by.in_(chunk),
                ca.result != AttemptResult.OK.value,
                ca.started_at >= lo,
                ca.started_at < hi,
                *extra,
            )
            .subquery()
        )
        for owner, at, result, error in session.execute(
            select(ranked.c.owner, ranked.c.started_at, ranked.c.result, ranked.c.error).where(
                ranked.c.rank == 1
            )
        ):
            out[owner] = (at, result, error)
    return out


def _meter_drags(
    session: Session,
    window: tuple[date, date],
    total: int,
    where: Sequence[ColumnElement[bool]],
    limit: int,
) -> list[Drag]:
    """The expected meters without a freeze of ``day`` among ``where``, by asset number (they
    all cost the same); ``window``: (first day a run is traced back to, the day)."""
    start, day = window
    rows = session.execute(
        select(Meter.id, Meter.asset_no, TransformerArea.name, Meter.install_date)
        .join(TransformerArea, TransformerArea.id == Meter.transformer_area_id)
        .outerjoin(_frozen, _frozen_on(day))
        .where(_frozen.meter_id.is_(None), _expected_on(day), *where)
        .order_by(Meter.asset_no, Meter.id)
        .limit(limit)
    ).all()
    ids = [r[0] for r in rows]
    last_read: dict[int, date] = {}
    for chunk in _chunked(ids):
        last_read.update(
            session.execute(
                select(DailyFreeze.meter_id, func.max(DailyFreeze.day))
                .where(
                    DailyFreeze.meter_id.in_(chunk),
                    DailyFreeze.day >= start,
                    DailyFreeze.day < day,
                )
                .group_by(DailyFreeze.meter_id)
            ).all()
        )
    latest = _latest_failures(session, CollectionAttempt.meter_id, ids, window)
    out = []
    for mid, asset, area, installed in rows:
        if mid in last_read:
            since = last_read[mid] + _DAY
        else:
            since = max(start, installed) if installed is not None else start
        attempt = latest.get(mid)
        reason = (
            Reason(attempt[1], 1, attempt[2]) if attempt and attempt[0].date() >= since else None
        )
        out.append(Drag("meter", mid, asset, area, 1, total, reason, since, (day - since).days + 1))
    return out


def _concentrator_since(
    session: Session, window: tuple[date, date], ids: Sequence[int], dead: set[int], within: Scope
) -> dict[int, date]:
    """Each concentrator's first day of its current failing run (see ``Drag``)."""
    start, day = window
    scope = [Meter.concentrator_id.in_(ids), *meters_in(within)]
    installs: dict[int | None, list[tuple[date | None, int]]] = defaultdict(list)
    for conc, installed, n in session.execute(
        select(Meter.concentrator_id, Meter.install_date, func.count())
        .where(Meter.status == MeterStatus.ACTIVE.value, *scope)
        .group_by(Meter.concentrator_id, Meter.install_date)
    ):
        installs[conc].append((installed, int(n)))
    reads = {
        (conc, d): int(n)
        for conc, d, n in session.execute(
            select(Meter.concentrator_id, DailyFreeze.day, func.count())
            .join(Meter, Meter.id == DailyFreeze.meter_id)
            .where(
                DailyFreeze.day >= start,
                DailyFreeze.day < day,
                _expected_on(DailyFreeze.day),
                *scope,
            )
            .group_by(Meter.concentrator_id, DailyFreeze.day)
        )
    }
    out: dict[int, date] = {}
    for conc in ids:
        expected = _expected_counter(installs[conc])
        d = day - _DAY
        while d >= start:
            n, read = expected(d), reads.get((conc, d), 0)
            if not n or (read > 0 if conc in dead else read == n):
                break
            d -= _DAY
        out[conc] = d + _DAY
    return out


def _concentrator_drags(
    session: Session,
    window: tuple[date, date],
    rows: Sequence[Any],
    *,
    dead: set[int],
    total: int,
    within: Scope,
) -> list[Drag]:
    """The concentrators of ``rows`` (unit, expected, read, asset_no, area_name) as drags."""
    ids = [r.unit for r in rows]
    day = window[1]
    since = _concentrator_since(session, window, ids, dead, within)
    owners: dict[int, int] = {}
    for chunk in _chunked(ids):
        unread = (
            select(Meter.id, Meter.concentrator_id)
            .outerjoin(_frozen, _frozen_on(day))
            .where(
                _frozen.meter_id.is_(None),
                _expected_on(day),
                Meter.concentrator_id.in_(chunk),
                *meters_in(within),
            )
        )
        owners.update((m, c) for m, c in session.execute(unread).all() if c is not None)
    results: dict[int, Counter[str]] = defaultdict(Counter)
    for mid, (at, result, _) in _latest_failures(
        session, CollectionAttempt.meter_id, sorted(owners), window
    ).items():
        if at.date() >= since[owners[mid]]:
            results[owners[mid]][result] += 1
    own = _latest_failures(
        session,
        CollectionAttempt.concentrator_id,
        [c for c in ids if not results[c]],
        window,
        CollectionAttempt.meter_id.is_(None),
    )
    out = []
    for r in rows:
        reason = None
        if results[r.unit]:
            result, n = min(results[r.unit].items(), key=lambda kv: (-kv[1], kv[0]))
            reason = Reason(result, n)
        elif r.unit in own and own[r.unit][0].date() >= since[r.unit]:
            reason = Reason(own[r.unit][1], 1, own[r.unit][2])
        failed = int(r.expected) - int(r.read)
        out.append(
            Drag(
                "concentrator",
                r.unit,
                r.asset_no,
                r.area_name or "",
                failed,
                total,
                reason,
                since[r.unit],
                (day - since[r.unit]).days + 1,
            )
        )
    return out


def drag_ranking(
    session: Session, day: date, *, within: Scope = EVERYTHING, limit: int = 20
) -> tuple[list[Drag], list[Drag]]:
    """(concentrators, meters) costing the scope's rate on ``day``, each by cost (the most
    unread meters first), then name, at most ``limit`` of each. Every unread meter counts
    towards its concentrator; the meter list leaves out the meters of concentrators none of
    whose meters was read (the concentrator is the fault), and keeps meters read without a
    concentrator."""
    counts = _counts(day, Meter.concentrator_id, within).subquery()
    rows = session.execute(
        select(
            counts.c.unit,
            counts.c.expected,
            counts.c.read,
            Concentrator.asset_no,
            TransformerArea.name.label("area_name"),
        )
        .select_from(counts)
        .outerjoin(Concentrator, Concentrator.id == counts.c.unit)
        .outerjoin(TransformerArea, TransformerArea.id == Concentrator.transformer_area_id)
    ).all()
    total = sum(int(r.expected) for r in rows)
    dead = {r.unit for r in rows if r.unit is not None and not r.read}
    failing = [r for r in rows if r.unit is not None and r.expected > r.read]
    failing.sort(key=lambda r: (-(int(r.expected) - int(r.read)), r.asset_no, r.unit))
    window = (_window_start(session, day), day)
    concentrators = _concentrator_drags(
        session, window, failing[:limit], dead=dead, total=total, within=within
    )
    alive = or_(Meter.concentrator_id.is_(None), Meter.concentrator_id.not_in(sorted(dead)))
    meters = _meter_drags(session, window, total, [*meters_in(within), alive], limit)
    return concentrators, meters


def failed_meters(
    session: Session,
    day: date,
    *,
    concentrator_id: int | None = None,
    area_id: int | None = None,
    limit: int = 500,
    within: Scope = EVERYTHING,
) -> list[Drag]:
    """The unread meters of one concentrator and/or 台区 on ``day``, by asset number, with
    their reasons; ``scope_expected`` is the meters due in ``within`` (default: everything,
    as ``drag_ranking``)."""
    where: list[ColumnElement[bool]] = []
    if concentrator_id is not None:
        where.append(Meter.concentrator_id == concentrator_id)
    if area_id is not None:
        where.append(Meter.transformer_area_id == area_id)
    if not where:
        raise ValueError("failed_meters needs a concentrator_id or an area_id")
    total = session.scalar(
        select(func.count()).select_from(Meter).where(_expected_on(day), *meters_in(within))
    )
    window = (_window_start(session, day), day)
    return _meter_drags(session, window, total or 0, where, limit)
