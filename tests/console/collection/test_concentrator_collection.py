"""A daily-freeze pass through concentrators over TCP: the small demo county's concentrators,
emulated, dial in to the front end of the collection feature's service part; failures are
injected (a concentrator offline, one that denies everything, dead meters); the stored freezes,
the recorded attempts and the KPI are checked against what the emulator knows, computed
independently of the collector."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from console.collection.concentrators import GdwOptions
from console.collection.frontend import FrontEndService
from console.core.clock import FixedClock
from console.core.config import FrontEndSettings
from console.demo.generator import DemoCounty
from db.models import AttemptResult, Level, RunStatus
from db.queries.collection_kpi import success_rates
from drivers.emulator.core import displayed_wh
from drivers.errors import MeterTimeoutError
from drivers.gdw376.emulated import EmulatedConcentrator
from drivers.gdw376.frontend import EventKind, TerminalEvent, TerminalKey
from drivers.gdw376.session import Reply
from drivers.gdw376.units import DataUnit
from tests.console.collection.rig import FAST, WAIT_S, Rig


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


def test_the_clock_check_stores_each_drift_as_a_number_and_sets_the_clocks_beyond_it(
    rig: Rig, clock: FixedClock
) -> None:
    fast, slow = rig.concentrators[0], rig.concentrators[1]
    fast.clock_offset_s = 600.0  # beyond the 300 s threshold: set
    slow.clock_offset_s = -42.0  # within it: left alone

    summary = rig.collector().check_clocks(trigger="test")

    assert summary.status is RunStatus.FINISHED
    assert summary.ok == summary.planned == len(rig.concentrators)
    with rig.sf() as s:
        rows = s.execute(
            text(
                "SELECT c.district_code, c.terminal_address, a.clock_drift_s, a.error "
                "FROM collection_attempt a JOIN concentrator c ON c.id = a.concentrator_id "
                "WHERE a.run_id = :r"
            ),
            {"r": summary.run_id},
        ).all()
    drifts = {(d, t): (drift, note) for d, t, drift, note in rows}
    assert len(drifts) == len(rig.concentrators)
    for conc in rig.concentrators:
        drift, note = drifts[(conc.address.district, conc.address.terminal)]
        expected = {fast: 600, slow: -42}.get(conc, 0)
        assert drift == expected, conc.address
        assert ("clock set" in note) is (conc is fast)
    assert fast.clock_offset_s == 0.0 and slow.clock_offset_s == -42.0
