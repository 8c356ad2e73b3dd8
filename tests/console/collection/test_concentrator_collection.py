"""A daily-freeze pass through concentrators over TCP: the small demo county's concentrators,
emulated, dial in to the front end of the collection feature's service part; failures are
injected (a concentrator offline, one that denies everything, dead meters); the stored freezes,
the recorded attempts and the KPI are checked against what the emulator knows, computed
independently of the collector; then 采集监控's API (the window part, reaching the service part
in-process) shows the pass and reads meters on demand."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import CollectionConsole, ReadPath, ReadValue
from console.collection.concentrators import ConcentratorCollector, GdwOptions
from console.collection.feature import CollectionServicePart, CollectionWindowPart
from console.collection.frontend import FrontEndService
from console.core import operator
from console.core.bus import EventBus
from console.core.changes import publish_commits
from console.core.clock import FixedClock
from console.core.config import (
    CollectionSettings,
    DatabaseSettings,
    DemoSettings,
    FrontEndSettings,
    Settings,
)
from console.core.features import Exposed, Infrastructure, LocalServices
from console.core.jobs import JobCommands, JobHost, JobsApi
from console.core.thresholds import ThresholdBook
from console.demo.concentrators import concentrators_from_db
from console.demo.generator import DemoCounty
from console.kpi.collection import Grade
from db.models import AttemptResult, Level, RunStatus
from db.queries.collection_kpi import success_rates
from db.scope import EVERYTHING
from drivers.emulator.concentrators import ConcentratorFleet
from drivers.emulator.core import displayed_wh
from drivers.gdw376.emulated import ConcentratorOptions, EmulatedConcentrator
from drivers.gdw376.frontend import EventKind, TerminalEvent, TerminalKey
from drivers.link.traffic import Direction

FAST = GdwOptions(timeout_s=0.3, retries=1, points_per_request=4, batch_rows=7)
WAIT_S = 15.0


class Links:
    """What the front end heard (logins, heartbeats, links lost) and what its writer stored;
    ``wait_heard``/``wait_stored`` until a condition on either holds."""

    def __init__(self, service: FrontEndService) -> None:
        self.online: set[TerminalKey] = set()
        self.stored: list[TerminalEvent] = []
        self._cond = threading.Condition()
        service.add_event_listener(self._heard)
        write = service._write

        def write_and_tell(events: list[TerminalEvent]) -> None:
            write(events)
            with self._cond:
                self.stored.extend(events)
                self._cond.notify_all()

        service._write = write_and_tell  # type: ignore[method-assign]

    def _heard(self, event: TerminalEvent) -> None:
        with self._cond:
            if event.kind in (EventKind.OFFLINE, EventKind.LOGOUT):
                self.online.discard(event.key)
            elif event.kind in (EventKind.LOGIN, EventKind.HEARTBEAT):
                self.online.add(event.key)
            self._cond.notify_all()

    def wait(self, condition: Callable[[], bool]) -> None:
        with self._cond:
            assert self._cond.wait_for(condition, WAIT_S), "the front end did not get there"

    def stored_offline(self, key: TerminalKey) -> bool:
        return any(e.key == key and e.kind is EventKind.OFFLINE for e in self.stored)


class Rig:
    """The collection feature's service and window parts in one process, its front end
    listening on a free port, the demo county's concentrators dialled in."""

    def __init__(
        self, db_url: str, engine: Engine, sf: sessionmaker[Session], clock: FixedClock
    ) -> None:
        self.sf = sf
        self.clock = clock
        settings = Settings(
            database=DatabaseSettings(url=db_url),
            demo=DemoSettings(enabled=False),
            collection=CollectionSettings(enabled=False),  # no jobs: the tests run the passes
            frontend=FrontEndSettings(host="127.0.0.1", port=0, timeout_s=0.3, retries=1),
        )
        self.bus = EventBus()
        self.bus.start()
        self._stop_publishing = publish_commits(sf, self.bus)
        exposed = Exposed()
        jobs = JobHost(engine, sf, self.bus, clock, persist=False)
        exposed.api("jobs", JobCommands(jobs, sf, clock), JobsApi)
        infra = Infrastructure(
            settings=settings,
            clock=clock,
            db_url=db_url,
            engine=engine,
            session_factory=sf,
            bus=self.bus,
            operator=operator.SERVICE,
            thresholds=ThresholdBook(sf, self.bus),
            jobs=jobs,
            exposed=exposed,
            services=LocalServices(exposed),
        )
        self.part = CollectionServicePart(infra)
        assert self.part.frontend is not None
        self.service = self.part.frontend
        self.links = Links(self.service)
        self.part.start()
        assert self.service.address is not None
        self.window: CollectionConsole = CollectionWindowPart(infra).api
        self.concentrators = concentrators_from_db(
            sf, clock.now, ConcentratorOptions(latency_s=0.0)
        )
        self.fleet = ConcentratorFleet(self.concentrators, ramp_s=0.0)
        self.fleet.connect("127.0.0.1", self.service.address[1])
        self.fleet.start()
        self.links.wait(lambda: len(self.links.online) == len(self.concentrators))

    def collector(self, options: GdwOptions = FAST) -> ConcentratorCollector:
        return ConcentratorCollector(self.sf, self.service.front, self.clock, options)

    def take_offline(self, conc: EmulatedConcentrator) -> TerminalKey:
        """Drop ``conc``'s link; returns once the front end has stored it offline."""
        key = (conc.address.district, conc.address.terminal)
        self.fleet.drop(conc.address, for_s=600)
        self.links.wait(lambda: self.links.stored_offline(key))
        assert not self.service.front.is_online(key)
        return key

    def stop(self) -> None:
        self.fleet.stop()
        self.part.stop()
        self._stop_publishing()
        self.bus.stop()


@pytest.fixture
def rig(
    small_county: DemoCounty,
    db_url: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> Iterator[Rig]:
    day = clock.now().date()
    with session_factory.begin() as s:  # the pass reads today's freeze: none stored yet
        s.execute(text("DELETE FROM daily_freeze WHERE day = :d"), {"d": day})
    r = Rig(db_url, engine, session_factory, clock)
    yield r
    r.stop()


def _expected_freezes(
    concentrators: list[EmulatedConcentrator], skip: set[object], day: date
) -> dict[str, int]:
    """address -> primary Wh the meter froze at 00:00 of ``day``, for every meter that answers
    behind a concentrator that is not in ``skip`` (straight from the emulated meters)."""
    out = {}
    for conc in concentrators:
        if conc.address in skip:
            continue
        for entry in conc.meters.values():
            core = entry.core
            if not core.answers:
                continue
            frozen_at, regs = core.daily_freeze(1)
            assert frozen_at.date() == day
            out[core.address] = displayed_wh(regs.forward[0], core.ct_ratio)
    return out


def _stored(sf: sessionmaker[Session], day: date) -> dict[str, int]:
    with sf() as s:
        rows = s.execute(
            text(
                "SELECT m.comm_address, f.forward_active_wh FROM daily_freeze f "
                "JOIN meter m ON m.id = f.meter_id WHERE f.day = :d"
            ),
            {"d": day},
        ).all()
    return {r[0]: r[1] for r in rows}


def test_a_pass_with_failures_stores_exactly_what_answered_and_the_kpi_agrees(
    rig: Rig, clock: FixedClock
) -> None:
    day = clock.now().date()
    offline, denying = rig.concentrators[0], rig.concentrators[1]
    rig.take_offline(offline)
    rig.fleet.set_error_rate(denying.address, 1.0)

    summary = rig.collector().collect_freezes(day, trigger="test")

    expected = _expected_freezes(rig.concentrators, {offline.address, denying.address}, day)
    all_meters = sum(len(c.meters) for c in rig.concentrators)
    assert summary.status is RunStatus.FINISHED
    assert summary.planned == all_meters
    assert summary.ok == len(expected)
    assert summary.failed == all_meters - len(expected)
    assert summary.results[AttemptResult.OFFLINE] == len(offline.meters)
    assert _stored(rig.sf, day) == expected

    with rig.sf() as s:
        county = success_rates(s, day, Level.COUNTY)
        attempts = s.execute(
            text(
                "SELECT result, COUNT(*) FROM collection_attempt WHERE run_id = :r GROUP BY result"
            ),
            {"r": summary.run_id},
        ).all()
    assert sum(c.expected for c in county) == all_meters
    assert sum(c.read for c in county) == len(expected)
    by_result = {str(r): int(n) for r, n in attempts}
    assert by_result[AttemptResult.OK] == len(expected)
    assert sum(by_result.values()) == all_meters


def test_a_pass_stopped_half_way_then_run_again_loses_and_duplicates_nothing(
    rig: Rig, clock: FixedClock
) -> None:
    day = clock.now().date()
    cancel = threading.Event()
    first = rig.collector()
    for conc in rig.concentrators:  # every request takes a while: the stop lands mid-pass
        rig.fleet.set_latency(conc.address, 0.1)

    def stop_after_some(done: int, _total: int) -> None:
        if done >= 10:
            cancel.set()

    partial = first.collect_freezes(day, trigger="test", cancel=cancel, progress=stop_after_some)
    assert partial.status is RunStatus.CANCELLED
    stored_first = _stored(rig.sf, day)
    expected = _expected_freezes(rig.concentrators, set(), day)
    assert 0 < len(stored_first) < len(expected)

    # A new collector, as after a restart: it reads only what is still missing.
    second = rig.collector().collect_freezes(day, trigger="test")
    assert second.planned == sum(len(c.meters) for c in rig.concentrators) - len(stored_first)
    assert _stored(rig.sf, day) == expected
    with rig.sf() as s:
        doubles = s.execute(
            text(
                "SELECT meter_id FROM collection_attempt WHERE task = 'daily_freeze' "
                "AND result = 'ok' GROUP BY meter_id HAVING COUNT(*) > 1"
            )
        ).all()
    assert doubles == []


def test_a_slow_concentrator_does_not_hold_up_the_others(rig: Rig, clock: FixedClock) -> None:
    slow = rig.concentrators[0]
    rig.fleet.set_latency(slow.address, 0.25)
    requests = -(-len(slow.meters) // FAST.points_per_request)
    t0 = time.monotonic()
    patient = GdwOptions(timeout_s=5.0, retries=0, points_per_request=4)
    summary = rig.collector(patient).collect_freezes(clock.now().date(), trigger="test")
    elapsed = time.monotonic() - t0
    assert summary.failed == summary.planned - summary.ok
    # Governed by the slow one's own requests, not by everyone waiting behind it.
    assert elapsed < requests * 0.25 + 2.0


def _pct(read: int, expected: int) -> Decimal:
    """The rate as DESIGN.md §6 defines it, half-up to 0.01 %, computed here independently."""
    return (Decimal(read) * 100 / Decimal(expected)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _short(read: int, expected: int, target: Decimal) -> int:
    """Meters still to read for the rate shown (half-up) to reach ``target``."""
    needed = ceil(Fraction(target - Decimal("0.005")) * expected / 100)
    return max(0, needed - read)


def test_the_collection_view_shows_the_pass_figures_tree_and_drags(
    rig: Rig, clock: FixedClock
) -> None:
    day = clock.now().date()
    offline = rig.concentrators[0]
    rig.take_offline(offline)
    summary = rig.collector().collect_freezes(day, trigger="test")
    window = rig.window

    kpis = window.kpis(day, EVERYTHING)
    assert (kpis.concentrators_online, kpis.concentrators_total) == (5, 6)
    assert kpis.rate.read == summary.ok and kpis.rate.expected == summary.planned
    assert kpis.meters_failing == summary.failed
    assert kpis.rate_pct == _pct(summary.ok, summary.planned)
    assert (kpis.target_pct, kpis.alarm_pct) == (Decimal("99.97"), Decimal("98"))
    assert kpis.grade is Grade.BAD  # a sixth of the county unread
    assert kpis.short == _short(summary.ok, summary.planned, Decimal("99.97")) > 0

    (county,) = window.children(None, day)
    assert county.failed == summary.failed
    stations = window.children(county, day)
    areas = [a for s in stations for a in window.children(s, day)]
    hubs = [c for a in areas for c in window.children(a, day)]
    assert sorted(bool(c.online) for c in hubs) == [False, True, True, True, True, True]
    down = next(c for c in hubs if not c.online)
    meters = window.children(down, day)
    assert len(meters) == len(offline.meters) and not any(m.last_read_ok for m in meters)
    assert down.failed == len(offline.meters)
    assert window.kpis(day, down.scope).concentrators_online == 0

    hub_drags, _meter_drags = window.drags(day, EVERYTHING)
    worst = hub_drags[0]
    assert (worst.drag.kind, worst.drag.id, worst.drag.failed) == (
        "concentrator",
        down.id,
        len(offline.meters),
    )
    assert worst.drag.reason is not None
    assert (worst.drag.reason.result, worst.drag.reason.count) == ("offline", len(offline.meters))
    assert worst.cost_hundredths == _pct(len(offline.meters) * 100, summary.planned)
    behind = window.failed_meters(day, worst.drag)
    assert sorted(r.drag.id for r in behind) == sorted(m.id for m in meters)
    assert {r.cost_hundredths for r in behind} == {_pct(100, summary.planned)}


def test_a_meter_is_read_on_demand_through_its_concentrator_or_forwarded(
    rig: Rig, clock: FixedClock
) -> None:
    day = clock.now().date()
    offline_key = rig.take_offline(rig.concentrators[0])
    window = rig.window
    hubs = [
        c
        for s in window.children(window.children(None, day)[0], day)
        for a in window.children(s, day)
        for c in window.children(a, day)
    ]
    down = next(c for c in hubs if not c.online)
    assert down.detail.startswith(f"{offline_key[0]}-{offline_key[1]:05d}")
    up = next(c for c in hubs if c.online)
    meter = window.children(up, day)[1]  # a customer meter (P1 is the summary meter)
    heard: list[object] = []
    stop_listening = window.listen_traffic(lambda frames, _dropped: heard.extend(frames))

    via_concentrator = window.read_meter(meter.id, ReadPath.CONCENTRATOR)
    stop_listening()

    assert via_concentrator.ok, via_concentrator.error
    assert via_concentrator.result == "ok"
    values = {(v.key, v.part): v for v in via_concentrator.values}
    for part in ("total", "T1", "T2", "T3", "T4"):
        assert ("forward_active_kwh", part) in values
    for part in ("A", "B", "C"):
        assert ("voltage_v", part) in values and values[("voltage_v", part)].unit == "V"
    total = values[("forward_active_kwh", "total")]
    assert total.unit == "kWh"
    assert {f.direction for f in via_concentrator.frames} == {Direction.DOWN, Direction.UP}
    assert set(via_concentrator.frames) <= set(heard)  # the live stream carried them too

    forwarded = window.read_meter(meter.id, ReadPath.FORWARD)
    assert forwarded.ok, forwarded.error
    energy = next(v for v in forwarded.values if v.key == "00010000")  # DL/T 645 DI
    assert isinstance(energy, ReadValue) and energy.unit == "kWh" and energy.name_zh
    assert Decimal(energy.value) == Decimal(total.value)  # the same register
    assert window.describe_frame(forwarded.frames[0].raw)["afn"] == 0x10

    behind_offline = window.children(down, day)[0]
    offline_read = window.read_meter(behind_offline.id, ReadPath.CONCENTRATOR)
    assert not offline_read.ok
    assert offline_read.result == AttemptResult.OFFLINE.value
    assert "offline" in (offline_read.error or "")
    with pytest.raises(LookupError, match="no meter 999999"):
        window.read_meter(999_999, ReadPath.CONCENTRATOR)


def test_a_database_failure_mid_pass_ends_it_failed_and_leaves_no_waiting_requests(
    rig: Rig, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    collector = rig.collector(GdwOptions(timeout_s=2.0, points_per_request=2, batch_rows=2))
    real_store = collector._store
    calls = []

    def failing_store(batch: object, run_id: int) -> int:
        calls.append(run_id)
        if len(calls) > 1:
            raise OSError("disk full")
        return real_store(batch, run_id)  # type: ignore[arg-type]

    monkeypatch.setattr(collector, "_store", failing_store)
    with pytest.raises(OSError, match="disk full"):
        collector.collect_freezes(clock.now().date(), trigger="test")

    async def unfinished() -> int:
        """Wait for the requests still on the front end's loop (not its watchdog) to end;
        how many did not in time."""
        others = [
            t
            for t in asyncio.all_tasks()
            if t is not asyncio.current_task() and t.get_coro().__qualname__ != "FrontEnd._watch"  # type: ignore[union-attr]
        ]
        if not others:
            return 0
        _done, pending = await asyncio.wait(others, timeout=WAIT_S)
        return len(pending)

    assert rig.service.front.call(unfinished()).result(WAIT_S + 5) == 0
    with rig.sf() as s:
        status = s.execute(text("SELECT status, error FROM collection_run")).one()
    assert status == ("failed", "OSError: disk full")


def test_link_states_are_stored_even_when_the_database_was_busy(
    small_county: DemoCounty,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = FrontEndService(session_factory, FrontEndSettings(host="127.0.0.1", port=0), clock)
    real_write, tries = service._write, []
    stored = threading.Event()

    def busy_once(events: list[TerminalEvent]) -> None:
        tries.append(len(events))
        if len(tries) == 1:
            raise OperationalError("UPDATE concentrator", {}, Exception("database is locked"))
        real_write(events)
        stored.set()

    monkeypatch.setattr(service, "_write", busy_once)
    service.start()
    try:
        service._on_event(TerminalEvent(EventKind.LOGIN, ("3301", 1), clock.now(), "10.0.0.9:4000"))
        assert stored.wait(WAIT_S), "the link state was never stored"
    finally:
        service.stop()
    assert tries == [1, 1]
    with session_factory() as s:
        row = s.execute(
            text("SELECT online, remote_address FROM concentrator WHERE terminal_address = 1")
        ).one()
    assert tuple(row) == (1, "10.0.0.9:4000")
