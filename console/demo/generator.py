"""Generates the demo county into an empty database: topology, customers, meters and history.

Deterministic by seed. Written in pieces, each its own transaction (a county's history is too
big for one); the settings that mark the county finished come last, so an interrupted generation
leaves a partial county that a second run refuses, saying so. History (daily freezes, 台区 load
curves) is computed with the same load models the emulator answers from, so collected and
generated figures agree.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import repeat
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from console.core.i18n import translate
from console.core.memory import paused_gc
from console.demo import extras, names
from console.demo.profiles import (
    CT_RATIO_BY_KVA,
    CountyProfile,
    area_supply,
    consumer_load,
    is_dead,
)
from db import rollups
from db.engine import sqlite_path
from db.models import (
    AppSetting,
    AreaClass,
    Company,
    County,
    Customer,
    DailyFreeze,
    Feeder,
    IntervalReading,
    Meter,
    MeterRole,
    MeterStatus,
    Substation,
    SupplyStation,
    TransformerArea,
)
from db.queries.settings import (
    SETTING_DEAD_RATIO,
    SETTING_PROFILE,
    SETTING_REFERENCE_DAY,
    SETTING_SEED,
    DemoInfo,
    get_setting,
    set_setting,
)
from db.upsert import table_of, upsert_rows
from drivers.emulator.core import displayed_power_w, displayed_wh
from drivers.emulator.load import AreaSupply, ConsumerLoad

PROTOCOL = "dlt645-2007"
LINK_PREFIX = "loop://demo/"
SETTING_UNFINISHED = "demo.generating"  # present only while a generation is under way

Progress = Callable[[str, int, int], None]


class DemoStage(StrEnum):
    TOPOLOGY = "topology"
    HISTORY = "history"
    SAVING = "saving"


class DemoError(Exception):
    """The demo county cannot be generated here (e.g. the database already holds a county)."""


@dataclass(frozen=True, slots=True)
class DemoCounty:
    info: DemoInfo
    stations: int
    feeders: int
    areas: int
    customers: int
    meters: int
    freezes: int
    curve_points: int


# --------------------------------------------------------------------------- planning


@dataclass(slots=True)
class _Area:
    id: int
    code: str
    name: str
    feeder_id: int
    area_class: AreaClass
    lon: float
    lat: float
    place: str
    rated_kva: int = 0
    supply: AreaSupply | None = None
    summary_meter_id: int = 0


_CLASS_MIX = {  # residential, commercial, industrial, agricultural
    AreaClass.URBAN: (0.86, 0.12, 0.02, 0.0),
    AreaClass.RURAL: (0.84, 0.06, 0.02, 0.08),
    AreaClass.REMOTE: (0.86, 0.04, 0.0, 0.10),
}
_CLASSES = ("residential", "commercial", "industrial", "agricultural")
_KM_LAT = 1 / 111.0
_KM_LON = 1 / (111.0 * math.cos(math.radians(names.COUNTY_SEAT[1])))


def _split_count(total: int, parts: int, rng: random.Random, spread: float) -> list[int]:
    """``total`` split into ``parts`` positive counts that vary by about ``spread``."""
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    counts = [1 + math.floor(w * scale) for w in weights]
    order = sorted(range(parts), key=lambda i: weights[i] * scale % 1, reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _rated_kva(supply: AreaSupply, day: date, rng: random.Random) -> int:
    peak_kw = max(supply.slot_powers_w(day)) / 1000
    wanted = peak_kw / 0.6 * rng.uniform(0.7, 1.3)  # some transformers end up tight
    for kva in sorted(CT_RATIO_BY_KVA):
        if kva >= wanted:
            return kva
    return max(CT_RATIO_BY_KVA)


def generate_demo_county(
    session_factory: sessionmaker[Session],
    *,
    profile: CountyProfile,
    seed: int,
    now: datetime,
    history_days: int,
    dead_meter_ratio: float = 0.0,
    progress: Progress | None = None,
) -> DemoCounty:
    """Create the county in an empty database; raises ``DemoError`` if a county exists.

    Stored in pieces (the topology, groups of 台区 with their history, the rollups above them,
    the extras), each its own transaction, so a county of hundreds of millions of rows never
    waits in one; the settings that mark the county finished come last, in the final one."""
    report = progress or (lambda _stage, _done, _total: None)
    reference_day = now.date() - timedelta(days=history_days)
    info = DemoInfo(profile.name, seed, reference_day, dead_meter_ratio)

    # Hundreds of thousands of acyclic objects are built here: collector walks would only stall.
    with paused_gc(), _generating(session_factory) as transaction:
        with transaction() as session:
            _refuse_a_county(session)
            report(DemoStage.TOPOLOGY, 0, profile.areas)
            planner = _Planner(profile, seed, reference_day, dead_meter_ratio, report)
            for model, batch in planner.plan():
                session.execute(insert(model), batch)
            # Until the final transaction deletes it, this marks a county still being made.
            set_setting(session, SETTING_UNFINISHED, f"{profile.name} seed {seed}")
        history = _history(transaction, planner, profile=profile, info=info, now=now, report=report)
        report(DemoStage.SAVING, 0, 1)
        with transaction() as session:
            _extras(session, planner, info, now, history.month_starts)
        with transaction() as session:
            set_setting(session, SETTING_SEED, str(seed))
            set_setting(session, SETTING_PROFILE, profile.name)
            set_setting(session, SETTING_REFERENCE_DAY, reference_day.isoformat())
            set_setting(session, SETTING_DEAD_RATIO, repr(dead_meter_ratio))
            session.execute(delete(AppSetting).where(AppSetting.key == SETTING_UNFINISHED))
        report(DemoStage.SAVING, 1, 1)
    return DemoCounty(
        info,
        stations=profile.stations,
        feeders=profile.feeders,
        areas=profile.areas,
        customers=profile.customers,
        meters=profile.meters,
        freezes=history.freezes,
        curve_points=history.points,
    )


def generation_unfinished(session: Session) -> bool:
    """Whether the database holds a demo county whose generation stopped before the end."""
    return get_setting(session, SETTING_UNFINISHED) is not None


def _refuse_a_county(session: Session) -> None:
    if not session.scalar(select(func.count()).select_from(County)):
        return
    if generation_unfinished(session):
        path = sqlite_path(session.get_bind().engine.url.render_as_string(hide_password=False))
        if path is None:
            reason = translate(
                "SmcDb",
                "an earlier generation of the demo county into this database did not finish (it "
                "was interrupted) and left a partial county; delete the database (drop it and "
                "create it again) and generate again",
            )
        else:
            reason = translate(
                "SmcDb",
                "an earlier generation of the demo county into this database did not finish (it "
                "was interrupted) and left a partial county; delete the file {path} (and its -wal "
                "and -shm files) and generate again",
            )
        raise DemoError(reason.format(path=path))
    raise DemoError(
        translate(
            "SmcDb", "the database already holds a county; the demo county needs an empty one"
        )
    )


Transaction = Callable[[], AbstractContextManager[Session]]

# SQLite's page cache while generating, KiB (the default is 2 MiB): enough for the pages a
# block keeps writing to (the ends of each day's run in the freezes' day index, of each slot's
# in the curves' slot index, the rollup rows). Measured: 5 % faster than the default on a
# fifth of the large county; on the large county 256 MiB was no faster and added 240 MB of RSS.
_GENERATING_CACHE_KIB = 65_536


@contextmanager
def _generating(session_factory: sessionmaker[Session]) -> Iterator[Transaction]:
    """Transactions on one connection held for the whole generation, with a large page cache on
    SQLite; the cache size is put back before the connection returns to the pool."""
    with session_factory() as probe:
        engine = probe.get_bind().engine
    with engine.connect() as connection:
        saved = None
        if connection.dialect.name == "sqlite":
            saved = connection.exec_driver_sql("PRAGMA cache_size").scalar()
            connection.exec_driver_sql(f"PRAGMA cache_size=-{_GENERATING_CACHE_KIB}")
            connection.commit()

        @contextmanager
        def transaction() -> Iterator[Session]:
            with session_factory(bind=connection) as session, session.begin():
                yield session

        try:
            yield transaction
        finally:
            if saved is not None:
                try:
                    connection.rollback()
                    connection.exec_driver_sql(f"PRAGMA cache_size={int(saved)}")
                    connection.commit()
                except DBAPIError:
                    connection.invalidate()  # closed, not pooled with the generation's cache


@dataclass(slots=True)
class _MeterLoad:
    meter_id: int
    address: str
    model: ConsumerLoad | AreaSupply
    ct_ratio: int
    dead: bool


Rows = list[dict[str, object]]


@dataclass(slots=True)
class _Centre:
    lon: float
    lat: float
    town: str
    km_from_seat: float


class _Planner:
    """Draws the county from the seeded RNG; the draw order is part of the determinism."""

    def __init__(
        self, p: CountyProfile, seed: int, reference_day: date, dead_ratio: float, report: Progress
    ) -> None:
        self.p = p
        self.seed = seed
        self.rng = random.Random(seed)
        self.reference_day = reference_day
        self.dead_ratio = dead_ratio
        self.report = report
        self.centres: list[_Centre] = []
        self.feeder_station: list[int] = []
        self.areas: list[_Area] = []
        self.customers: Rows = []
        self.meters: Rows = []
        self.loads: list[_MeterLoad] = []

    def plan(self) -> list[tuple[type, Rows]]:
        company = [{"id": 1, "code": names.COMPANY[0], "name": names.COMPANY[1]}]
        county = [{"id": 1, "company_id": 1, "code": names.COUNTY[0], "name": names.COUNTY[1]}]
        stations = self._stations()
        substations: Rows = [
            {
                "id": i + 1,
                "county_id": 1,
                "code": f"B{i + 1:02d}",
                "name": names.SUBSTATIONS[i % len(names.SUBSTATIONS)],
                "voltage_kv": 110 if i == 0 else 35,
            }
            for i in range(self.p.substations)
        ]
        feeders = self._feeders()
        self._areas()
        area_rows: Rows = [
            {
                "id": a.id,
                "feeder_id": a.feeder_id,
                "code": a.code,
                "name": a.name,
                "rated_kva": a.rated_kva,
                "area_class": a.area_class.value,
                "longitude": a.lon,
                "latitude": a.lat,
            }
            for a in self.areas
        ]
        return [
            (Company, company),
            (County, county),
            (SupplyStation, stations),
            (Substation, substations),
            (Feeder, feeders),
            (TransformerArea, area_rows),
            (Customer, self.customers),
            (Meter, self.meters),
        ]

    def _stations(self) -> Rows:
        seat_lon, seat_lat = names.COUNTY_SEAT
        stations: Rows = []
        for i in range(self.p.stations):
            town = names.TOWNS[i % len(names.TOWNS)]
            stations.append(
                {"id": i + 1, "county_id": 1, "code": f"S{i + 1:02d}", "name": f"{town}供电所"}
            )
            if i == 0:  # the county seat
                self.centres.append(_Centre(seat_lon, seat_lat, town, 0.0))
                continue
            angle = 2 * math.pi * (i - 1) / max(1, self.p.stations - 1) + self.rng.uniform(
                -0.3, 0.3
            )
            km = self.rng.uniform(12, 26)
            self.centres.append(
                _Centre(
                    seat_lon + km * math.cos(angle) * _KM_LON,
                    seat_lat + km * math.sin(angle) * _KM_LAT,
                    town,
                    km,
                )
            )
        return stations

    def _feeders(self) -> Rows:
        p = self.p
        per_station = _split_count(p.feeders, p.stations, self.rng, 0.2)
        per_station.sort(reverse=True)  # the county seat's station runs the most feeders
        feeders: Rows = []
        for s_index, count in enumerate(per_station):
            town = self.centres[s_index].town
            for k in range(count):
                fid = len(feeders) + 1
                word = names.FEEDER_WORDS[(fid - 1) % len(names.FEEDER_WORDS)]
                suffix = "" if k < len(names.FEEDER_WORDS) else str(k)
                feeders.append(
                    {
                        "id": fid,
                        "substation_id": min(s_index, p.substations - 1) + 1,
                        "supply_station_id": s_index + 1,
                        "code": f"F{fid:03d}",
                        "name": f"10kV {town}{word}线{suffix}",
                    }
                )
                self.feeder_station.append(s_index)
        return feeders

    def _areas(self) -> None:
        area_counts = _split_count(self.p.areas, self.p.feeders, self.rng, 0.15)
        customer_counts = _split_count(self.p.customers, self.p.areas, self.rng, 0.3)
        for f_index, count in enumerate(area_counts):
            s_index = self.feeder_station[f_index]
            for _ in range(count):
                area = self._area(f_index + 1, self.centres[s_index], urban=s_index == 0)
                self._populate(area, customer_counts[area.id - 1])
                self.areas.append(area)
                self.report(DemoStage.TOPOLOGY, len(self.areas), self.p.areas)

    def _area(self, feeder_id: int, centre: _Centre, *, urban: bool) -> _Area:
        rng = self.rng
        a_no = len(self.areas) + 1
        area_class = AreaClass.URBAN if urban else AreaClass.RURAL
        radius = 2.5 if urban else 4.0
        dx, dy = rng.uniform(-radius, radius), rng.uniform(-radius, radius)
        if not urban and centre.km_from_seat + math.hypot(dx, dy) > 24 and rng.random() < 0.5:
            area_class = AreaClass.REMOTE
        town = centre.town
        place = f"{town}{rng.choice(names.STREETS)}" if urban else f"{town}{names.village(rng)}"
        label = rng.choice(names.ESTATES) if urban else "村"
        return _Area(
            id=a_no,
            code=f"TQ{a_no:04d}",
            name=f"{place}{label}{rng.randint(1, 6)}#台区",
            feeder_id=feeder_id,
            area_class=area_class,
            lon=round(centre.lon + dx * _KM_LON, 6),
            lat=round(centre.lat + dy * _KM_LAT, 6),
            place=place,
        )

    def _meter(
        self,
        area: _Area,
        address: str,
        asset: str,
        *,
        customer_id: int | None,
        ct_ratio: int,
        model: ConsumerLoad | AreaSupply,
    ) -> int:
        meter_id = len(self.meters) + 1
        self.meters.append(
            {
                "id": meter_id,
                "asset_no": asset,
                "comm_address": address,
                "protocol": PROTOCOL,
                "link_url": f"{LINK_PREFIX}{area.code}",
                "transformer_area_id": area.id,
                "customer_id": customer_id,
                "role": (MeterRole.CUSTOMER if customer_id else MeterRole.SUMMARY).value,
                "ct_ratio": ct_ratio,
                # As the emulator builds it (demo.fleet): a 台区's summary meter is three-phase.
                "phases": 1 if customer_id else 3,
                "status": MeterStatus.ACTIVE.value,
            }
        )
        dead = is_dead(self.seed, address, self.dead_ratio)
        self.loads.append(_MeterLoad(meter_id, address, model, ct_ratio, dead))
        return meter_id

    def _populate(self, area: _Area, customer_count: int) -> None:
        """The 台区's customers with their meters, then its transformer and summary meter."""
        rng, a_no = self.rng, area.id
        consumers: list[ConsumerLoad] = []
        for pos in range(1, customer_count + 1):
            cls = rng.choices(_CLASSES, weights=_CLASS_MIX[area.area_class])[0]
            address = f"{a_no:06d}{pos:06d}"
            cid = len(self.customers) + 1
            self.customers.append(
                {
                    "id": cid,
                    "number": f"31{a_no:04d}{pos:04d}",
                    "name": names.business(rng, cls, area.place),
                    "customer_class": cls,
                    "address": f"{area.place}{rng.randint(1, 199)}号",
                    "phone": f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                }
            )
            load = consumer_load(self.seed, address, cls, self.reference_day)
            consumers.append(load)
            self._meter(
                area, address, f"3330{a_no:05d}{pos:05d}", customer_id=cid, ct_ratio=1, model=load
            )
        area.supply = area_supply(self.seed, area.code, consumers)
        area.rated_kva = _rated_kva(area.supply, self.reference_day, rng)
        area.summary_meter_id = self._meter(
            area,
            f"{a_no:06d}000000",
            f"3330{a_no:05d}00000",
            customer_id=None,
            ct_ratio=CT_RATIO_BY_KVA[area.rated_kva],
            model=area.supply,
        )


# Meter-days without a freeze in history (a failed read): 2 in 10,000, so that about 3 % of
# 台区-days lose their line loss to a missed read (at 2 ‰ it was a third of them).
MISSED_READ_PER_10K = 2


def missed_read(seed: int, meter_id: int, day: date) -> bool:
    """Whether history lacks this meter's freeze of ``day`` (a cheap multiplicative hash:
    this runs for every meter-day, 106 million times in the large county)."""
    mixed = (meter_id * 2_654_435_761 + day.toordinal() * 40_503 + seed * 97) & 0xFFFFFFFF
    return (mixed * 2_246_822_519 >> 7) % 10_000 < MISSED_READ_PER_10K


# 台区 per transaction: about 4,000 meters with every day of their history. The block's
# freezes are held in memory for its rollups (at 400 days 1.6 million, some 250 MB) and make
# as much WAL; fewer, bigger blocks rewrite fewer pages of the curves' slot index.
BLOCK_AREAS = 48


@dataclass(slots=True)
class _History:
    freezes: int
    points: int
    month_starts: _MonthStarts


def _history(
    transaction: Transaction,
    planner: _Planner,
    *,
    profile: CountyProfile,
    info: DemoInfo,
    now: datetime,
    report: Progress,
) -> _History:
    """Daily freezes before today for every live meter (a few reads missed), and quarter-hour
    curves of the summary meters up to the last finished slot, stored a block of 台区 at a
    time with every day of each, a transaction per block: the freezes in primary-key order
    (appends, where day by day they went all over the index), the curves slot by slot, and
    the 台区 rollups computed from the rows in memory (``rollups.BulkLoad``). Then the
    station, county and month rollups, a transaction per month."""
    days = _history_days(info, now)
    freeze_days = [d for d in days if d < now.date()]  # today's is the collection's to read
    collected = [datetime.combine(d, time.min) + timedelta(minutes=37) for d in freeze_days]
    curve_from = days[0]
    if profile.curve_days is not None:
        curve_from = max(days[0], now.date() - timedelta(days=profile.curve_days))
    current_slot = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    curve_slots: list[tuple[date, list[tuple[datetime, datetime]]]] = []
    for day in days:
        if day < curve_from:
            continue
        midnight = datetime.combine(day, time.min)
        starts = [midnight + timedelta(minutes=15 * k) for k in range(96)]
        curve_slots.append(
            (day, [(s, s + timedelta(minutes=15, seconds=20)) for s in starts if s < current_slot])
        )
    bulk = rollups.BulkLoad(days[0] - timedelta(days=1), days[-1])
    months = bulk.months()
    total = len(planner.areas) + len(months)
    month_starts = _MonthStarts([d for d in freeze_days if d.day == 1], len(planner.loads))
    meters_of = _meters_by_area(planner)
    freezes = points = done = 0
    for first in range(0, len(planner.areas), BLOCK_AREAS):
        block = planner.areas[first : first + BLOCK_AREAS]
        known: dict[tuple[int, date], int] = {}
        curve: list[_Point] = []
        with transaction() as session:
            for area in block:
                rows = _area_freezes(
                    meters_of[area.id],
                    freeze_days,
                    collected,
                    seed=info.seed,
                    month_starts=month_starts,
                    known=known,
                )
                _store_freezes(session, rows)
                freezes += len(rows)
                curve.extend(_area_curve(area, meters_of[area.id], curve_slots))
                done += 1
                report(DemoStage.HISTORY, done, total)
            # The block's curves in one batch, slot by slot (a stable sort keeps the meters in
            # order within a slot): the slot index then takes each slot's points at one place,
            # and the upsert converts the slot times the 台区 share once.
            curve.sort(key=attrgetter("slot_start"))
            _store_curve(session, curve)
            bulk.add_areas(session, [a.id for a in block], known, curve)
        points += len(curve)
    for month in months:
        with transaction() as session:
            bulk.finish_month(session, month)
        done += 1
        report(DemoStage.HISTORY, done, total)
    return _History(freezes, points, month_starts)


def _meters_by_area(planner: _Planner) -> dict[int, list[_MeterLoad]]:
    """Each 台区's meters in id order: its customers', then its summary meter."""
    out: dict[int, list[_MeterLoad]] = {}
    for row, load in zip(planner.meters, planner.loads, strict=True):
        out.setdefault(int(row["transformer_area_id"]), []).append(load)  # type: ignore[call-overload]
    for meters in out.values():
        meters.sort(key=lambda m: m.meter_id)
    return out


class _MonthStarts:
    """Each meter's register at 00:00 of the first day of a month, kept as the history walks
    past it: the bills need them, and asked out of order a load model walks back to its
    reference day for each (hours for a county with a year of history)."""

    def __init__(self, days: Sequence[date], meters: int) -> None:
        self._by_day = {d: array("q", bytes(8 * (meters + 1))) for d in days}

    def keep(self, meter_id: int, day: date, wh: int) -> None:
        kept = self._by_day.get(day)
        if kept is not None:
            kept[meter_id] = wh

    def register(self, load: _MeterLoad) -> Callable[[date], int]:
        """``load``'s register at 00:00 of a day: kept, or from the model."""
        by_day, meter_id, model = self._by_day, load.meter_id, load.model

        def at(day: date) -> int:
            kept = by_day.get(day)
            return model.day_start_wh(day) if kept is None else kept[meter_id]

        return at


FreezeTuple = tuple[int, date, int, datetime]


def _area_freezes(
    meters: Sequence[_MeterLoad],
    days: Sequence[date],
    collected: Sequence[datetime],
    *,
    seed: int,
    month_starts: _MonthStarts,
    known: dict[tuple[int, date], int],
) -> list[FreezeTuple]:
    """The 台区's freezes in (meter, day) order, also put in ``known`` by (meter, day).

    The models walk the days in order for the whole 台区 at once, so each call steps one day
    on from the last (the customers' models cache their last day; the supply sums its
    customers' registers of the same day). ``collected``: each day's collection time."""
    walked = [m for m in meters if not (m.dead and isinstance(m.model, AreaSupply))]
    registers = [m.model.day_start_wh for m in walked]
    by_day = [[register(day) for register in registers] for day in days]
    series: list[tuple[int, ...]] = (
        list(zip(*by_day, strict=True)) if by_day else [() for _ in walked]
    )
    firsts = [(i, day) for i, day in enumerate(days) if day.day == 1]
    rows: list[FreezeTuple] = []
    for m, values in zip(walked, series, strict=True):
        mid, ct = m.meter_id, m.ct_ratio
        for i, day in firsts:
            month_starts.keep(mid, day, values[i])
        if m.dead:
            continue
        # Tuples built by zip (in C): this runs for every meter-day of the county.
        shown = [displayed_wh(wh, ct) for wh in values]
        keys = list(zip(repeat(mid), days, strict=False))
        meter_rows = list(zip(repeat(mid), days, shown, collected, strict=False))
        for i in reversed([i for i, day in enumerate(days) if missed_read(seed, mid, day)]):
            del keys[i], meter_rows[i], shown[i]
        rows.extend(meter_rows)
        known.update(zip(keys, shown, strict=True))
    return rows


_FREEZE_COLUMNS = ("meter_id", "day", "forward_active_wh", "collected_at")


def _store_freezes(session: Session, rows: list[FreezeTuple]) -> None:
    """Through the ingest path's upsert, the columns a demo meter keeps (the rest stay NULL)."""
    upsert_rows(session, table_of(DailyFreeze), _FREEZE_COLUMNS, rows, ("meter_id", "day"))


class _Point(NamedTuple):
    """A curve point as the generator stores it (the other columns stay NULL)."""

    meter_id: int
    slot_start: datetime
    active_power_w: int
    read_at: datetime


def _area_curve(
    area: _Area,
    meters: Sequence[_MeterLoad],
    curve_slots: Sequence[tuple[date, Sequence[tuple[datetime, datetime]]]],
) -> list[_Point]:
    """The summary meter's quarter-hour points in slot order: ``curve_slots`` holds each
    curve day with its finished slots from midnight on, and the time each slot is read."""
    summary = next(m for m in meters if m.meter_id == area.summary_meter_id)
    if summary.dead or area.supply is None:
        return []
    mid, ct = summary.meter_id, CT_RATIO_BY_KVA[area.rated_kva]
    rows: list[_Point] = []
    for day, slots in curve_slots:
        powers = area.supply.slot_powers_w(day)
        rows.extend(
            _Point(mid, start, displayed_power_w(powers[k], ct), read_at)
            for k, (start, read_at) in enumerate(slots)
        )
    return rows


def _store_curve(session: Session, rows: list[_Point]) -> None:
    upsert_rows(
        session, table_of(IntervalReading), _Point._fields, rows, ("meter_id", "slot_start")
    )


def _history_days(info: DemoInfo, now: datetime) -> list[date]:
    """The reference day up to today, both included."""
    return [
        info.reference_day + timedelta(days=n)
        for n in range((now.date() - info.reference_day).days + 1)
    ]


def _extras(
    session: Session,
    planner: _Planner,
    info: DemoInfo,
    now: datetime,
    month_starts: _MonthStarts,
) -> None:
    days = _history_days(info, now)
    rng = random.Random(info.seed ^ 0xE7)
    extras.add_tariffs(session, info.reference_day.replace(month=1, day=1))
    extras.add_concentrators(session, [a.id for a in planner.areas], info.reference_day)
    extras.add_weather(session, 1, days)
    by_area: dict[int, list[int]] = {}
    for row in planner.meters:
        by_area.setdefault(int(row["transformer_area_id"]), []).append(int(row["id"]))  # type: ignore[call-overload]
    extras.add_events(session, rng, by_area, days[:-1])
    load_of = {m.meter_id: m for m in planner.loads}
    class_of = {c["id"]: str(c["customer_class"]) for c in planner.customers}
    customers = [
        (
            int(row["customer_id"]),  # type: ignore[call-overload]
            class_of[row["customer_id"]],
            month_starts.register(load_of[int(row["id"])]),  # type: ignore[call-overload]
        )
        for row in planner.meters
        if row["customer_id"] is not None
    ]
    first = info.reference_day.replace(day=1)
    months = []
    while first < now.date():
        months.append(first)
        first = extras.next_month(first)
    extras.add_bills_and_payments(session, rng, customers, months, now.date())
