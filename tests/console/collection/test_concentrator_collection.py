"""A daily-freeze pass through concentrators over TCP: the small demo county's concentrators,
emulated, dial in to a real front end; failures are injected (a concentrator offline, one that
denies everything, dead meters); the stored freezes, the recorded attempts and the KPI are
checked against what the emulator knows, computed independently of the collector."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import bindparam, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import ReadPath
from console.collection.concentrators import ConcentratorCollector, GdwOptions
from console.collection.frontend import FrontEndService
from console.collection.monitor import CollectionMonitor
from console.core.clock import FixedClock
from console.core.config import FrontEndSettings
from console.demo.concentrators import concentrators_from_db
from console.demo.generator import DemoCounty
from db.models import AttemptResult, RunStatus
from db.queries.collection_kpi import KpiLevel, success_rates
from drivers.emulator.concentrators import ConcentratorFleet
from drivers.emulator.core import displayed_wh
from drivers.errors import MeterTimeoutError
from drivers.gdw376.emulated import ConcentratorOptions, EmulatedConcentrator
from drivers.gdw376.frontend import Direction, EventKind, TerminalEvent, TerminalKey
from drivers.gdw376.session import Reply
from drivers.gdw376.units import DataUnit

FAST = GdwOptions(timeout_s=0.3, retries=1, points_per_request=4, batch_rows=7)


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


class Rig:
    def __init__(self, sf: sessionmaker[Session], clock: FixedClock) -> None:
        self.sf = sf
        self.clock = clock
        self.service = FrontEndService(
            sf, FrontEndSettings(host="127.0.0.1", port=0, timeout_s=0.3, retries=1), clock
        )
        address = self.service.start()
        self.concentrators = concentrators_from_db(
            sf, clock.now, ConcentratorOptions(latency_s=0.0)
        )
        self.fleet = ConcentratorFleet(self.concentrators, ramp_s=0.0)
        self.fleet.connect("127.0.0.1", address[1])
        self.fleet.start()
        front = self.service.front
        _wait(lambda: sum(s.online for s in front.states()) == len(self.concentrators))

    def collector(self, options: GdwOptions = FAST) -> ConcentratorCollector:
        return ConcentratorCollector(self.sf, self.service.front, self.clock, options)

    def stop(self) -> None:
        self.fleet.stop()
        self.service.stop()


@pytest.fixture
def rig(
    small_county: DemoCounty, session_factory: sessionmaker[Session], clock: FixedClock
) -> Iterator[Rig]:
    day = clock.now().date()
    with session_factory.begin() as s:  # the pass reads today's freeze: none stored yet
        s.execute(text("DELETE FROM daily_freeze WHERE day = :d"), {"d": day})
    r = Rig(session_factory, clock)
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
    rig.fleet.drop(offline.address, for_s=600)
    rig.fleet.set_error_rate(denying.address, 1.0)
    _wait(
        lambda: (
            not rig.service.front.is_online((offline.address.district, offline.address.terminal))
        )
    )

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
        county = success_rates(s, day, KpiLevel.COUNTY)
        attempts = s.execute(
            text(
                "SELECT result, COUNT(*) FROM collection_attempt WHERE run_id = :r GROUP BY result"
            ),
            {"r": summary.run_id},
        ).all()
    assert sum(c.expected for c in county) == all_meters
    assert sum(c.read for c in county) == len(expected)
    assert dict(attempts)[AttemptResult.OK] == len(expected)
    assert sum(n for _r, n in attempts) == all_meters


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


class TimesOutOnce:
    """Stands in for the front end's ``arequest``: the first request to ``key`` times out
    without reaching the concentrator; the others go through. Logs (concentrator, first point)
    of every request in the order they were made."""

    def __init__(self, rig: Rig, key: TerminalKey, then: Callable[[], None] = lambda: None):
        self.front = rig.service.front
        self.real = self.front.arequest
        self.key = key
        self.then = then
        self.calls: list[tuple[TerminalKey, int]] = []

    async def __call__(
        self, key: TerminalKey, afn: int, units: Sequence[DataUnit], **kw: Any
    ) -> Reply:
        self.calls.append((key, units[0].pn))
        if key == self.key and [k for k, _pn in self.calls].count(key) == 1:
            self.then()
            raise MeterTimeoutError(f"concentrator {key} did not answer (injected)")
        return await self.real(key, afn, units, **kw)


def _attempts_of(sf: sessionmaker[Session], run_id: int | None) -> list[tuple[str, str]]:
    with sf() as s:
        rows = s.execute(
            text(
                "SELECT target_address, result FROM collection_attempt WHERE run_id = :r "
                "ORDER BY started_at, id"
            ),
            {"r": run_id},
        ).all()
    return [(r[0], r[1]) for r in rows]


def test_a_request_that_timed_out_is_made_again_at_the_end_of_the_pass_and_counts_once(
    rig: Rig, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = clock.now().date()
    victim = rig.concentrators[2]
    key = (victim.address.district, victim.address.terminal)
    first_chunk = sorted(victim.meters)[: FAST.points_per_request]
    # The second try must not share the first one's start: the clock moves between them.
    flaky = TimesOutOnce(rig, key, then=lambda: clock.advance(timedelta(seconds=1)))
    monkeypatch.setattr(rig.service.front, "arequest", flaky)

    summary = rig.collector().collect_freezes(day, trigger="test")

    expected = _expected_freezes(rig.concentrators, set(), day)
    all_meters = sum(len(c.meters) for c in rig.concentrators)
    assert summary.status is RunStatus.FINISHED
    assert (summary.planned, summary.ok, summary.retried) == (
        all_meters, len(expected), len(first_chunk)
    )  # fmt: skip
    assert summary.failed == all_meters - len(expected)  # dead meters only: no timeout left
    assert AttemptResult.TIMEOUT not in summary.results
    assert _stored(rig.sf, day) == expected
    # Asked again once, after every other request of the pass.
    assert flaky.calls.count((key, first_chunk[0])) == 2
    assert flaky.calls[-1] == (key, first_chunk[0])
    # Both attempts are on record; the meter's state is the second's.
    attempts = _attempts_of(rig.sf, summary.run_id)
    assert len(attempts) == all_meters + len(first_chunk)
    addresses = {victim.meters[pn].core.address for pn in first_chunk}
    timeouts = [a for a, result in attempts if result == AttemptResult.TIMEOUT]
    assert sorted(timeouts) == sorted(addresses)
    with rig.sf() as s:
        states = s.execute(
            text(
                "SELECT comm_address, last_read_ok FROM meter WHERE comm_address IN :a"
            ).bindparams(bindparam("a", expanding=True)),
            {"a": sorted(addresses)},
        ).all()
    assert {a: bool(ok) for a, ok in states} == {a: a in expected for a in addresses}


def test_a_timeout_left_unretried_by_a_stop_counts_as_failed(
    rig: Rig, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = rig.concentrators[2]
    key = (victim.address.district, victim.address.terminal)
    cancel = threading.Event()
    monkeypatch.setattr(rig.service.front, "arequest", TimesOutOnce(rig, key, then=cancel.set))

    summary = rig.collector().collect_freezes(clock.now().date(), trigger="test", cancel=cancel)

    assert summary.status is RunStatus.CANCELLED
    assert summary.retried == 0
    assert summary.results[AttemptResult.TIMEOUT] == FAST.points_per_request
    assert summary.failed >= FAST.points_per_request
    assert summary.ok + summary.failed == len(_attempts_of(rig.sf, summary.run_id))


def test_the_monitor_shows_the_pass_and_reads_a_meter_on_demand(
    rig: Rig, clock: FixedClock
) -> None:
    day = clock.now().date()
    offline = rig.concentrators[0]
    rig.fleet.drop(offline.address, for_s=600)
    key = (offline.address.district, offline.address.terminal)
    _wait(lambda: not rig.service.front.is_online(key))
    summary = rig.collector().collect_freezes(day, trigger="test")
    monitor = CollectionMonitor(rig.sf, clock, rig.service, None)

    kpis = monitor.kpis(day, None)
    assert (kpis.concentrators_online, kpis.concentrators_total) == (5, 6)
    assert kpis.rate.read == summary.ok and kpis.rate.expected == summary.planned
    assert kpis.meters_failing == summary.failed

    (county,) = monitor.children(None, day)
    assert county.failed == summary.failed
    stations = monitor.children(county, day)
    areas = [a for s in stations for a in monitor.children(s, day)]
    hubs = [c for a in areas for c in monitor.children(a, day)]
    assert sorted(c.online for c in hubs) == [False, True, True, True, True, True]
    down = next(c for c in hubs if not c.online)
    meters = monitor.children(down, day)
    assert len(meters) == len(offline.meters) and not any(m.last_read_ok for m in meters)
    assert down.failed == len(offline.meters)

    up = next(c for c in hubs if c.online)
    meter = monitor.children(up, day)[1]  # a customer meter (P1 is the summary meter)
    via_concentrator = monitor.read_meter(meter.id, ReadPath.CONCENTRATOR)
    assert via_concentrator.ok, via_concentrator.error
    names = {v.name for v in via_concentrator.values}
    assert "Forward active energy (total)" in names and "Voltage (A)" in names
    assert {f.direction for f in via_concentrator.frames} == {Direction.DOWN, Direction.UP}
    forwarded = monitor.read_meter(meter.id, ReadPath.FORWARD)
    assert forwarded.ok, forwarded.error
    total = next(v for v in via_concentrator.values if v.name == "Forward active energy (total)")
    assert Decimal(forwarded.values[0].value) == Decimal(total.value)  # the same register
    assert monitor.describe_frame(forwarded.frames[0].raw)["afn"] == 0x10
    offline_read = monitor.read_meter(meters[0].id, ReadPath.CONCENTRATOR)
    assert not offline_read.ok and "offline" in (offline_read.error or "")


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

    async def pending_requests() -> int:
        return sum(1 for t in asyncio.all_tasks() if t is not asyncio.current_task())

    _wait(lambda: rig.service.front.call(pending_requests()).result(2) <= 1)  # the watchdog
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

    def busy_once(events: list[TerminalEvent]) -> None:
        tries.append(len(events))
        if len(tries) == 1:
            raise OperationalError("UPDATE concentrator", {}, Exception("database is locked"))
        real_write(events)

    monkeypatch.setattr(service, "_write", busy_once)
    service.start()
    try:
        service._on_event(TerminalEvent(EventKind.LOGIN, ("3301", 1), clock.now(), "10.0.0.9:4000"))
        _wait(lambda: len(tries) >= 2)
    finally:
        service.stop()
    with session_factory() as s:
        row = s.execute(
            text("SELECT online, remote_address FROM concentrator WHERE terminal_address = 1")
        ).one()
    assert tuple(row) == (1, "10.0.0.9:4000")
