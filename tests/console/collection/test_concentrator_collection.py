"""A daily-freeze pass through concentrators over TCP: the small demo county's concentrators,
emulated, dial in to the front end of the collection feature's service part; failures are
injected (a concentrator offline, one that denies everything, dead meters); the stored freezes,
the recorded attempts and the KPI are checked against what the emulator knows, computed
independently of the collector."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import date

import pytest
from sqlalchemy import text
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
from drivers.gdw376.emulated import EmulatedConcentrator
from drivers.gdw376.frontend import EventKind, TerminalEvent
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
