"""A collection run over the emulated county: what is read, what is stored, what fails and why."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.orm import Session, sessionmaker

from console.collection.service import CollectionOptions, CollectionService
from console.core.clock import FixedClock
from console.demo.generator import DemoCounty
from console.demo.profiles import area_supply, consumer_load, is_dead
from db.models import RunStatus
from drivers.emulator.fleet import LoopFleet

# Dead meters cost timeout x attempts; 0.25 s still leaves a loaded CI box ample margin.
FAST = CollectionOptions(workers=3, timeout_s=0.25, retries=1)


def _service(sf: sessionmaker[Session], clock: FixedClock) -> CollectionService:
    return CollectionService(sf, clock, FAST)


def _models(county: DemoCounty, sf: sessionmaker[Session]) -> dict[int, tuple[object, int, bool]]:
    """meter id -> (load model, CT ratio, dead), rebuilt independently of the collector."""
    info = county.info
    with sf() as s:
        rows = s.execute(
            text(
                "SELECT m.id, m.comm_address, m.role, m.ct_ratio, c.customer_class, t.code "
                "FROM meter m JOIN transformer_area t ON t.id = m.transformer_area_id "
                "LEFT JOIN customer c ON c.id = m.customer_id ORDER BY t.code, m.id"
            )
        ).all()
    out: dict[int, tuple[object, int, bool]] = {}
    by_area: dict[str, list] = {}
    for r in rows:
        by_area.setdefault(r[5], []).append(r)
    for code, members in by_area.items():
        loads = {
            r[0]: consumer_load(info.seed, r[1], r[4], info.reference_day)
            for r in members
            if r[2] == "customer"
        }
        supply = area_supply(info.seed, code, list(loads.values()))
        for r in members:
            model = supply if r[2] == "summary" else loads[r[0]]
            out[r[0]] = (model, r[3], is_dead(info.seed, r[1], info.dead_meter_ratio))
    return out


def test_a_run_reads_every_live_meter_and_stores_what_the_meters_showed(
    fleet: LoopFleet,
    small_county: DemoCounty,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    summary = _service(session_factory, clock).run("test")
    models = _models(small_county, session_factory)
    dead = {mid for mid, (_m, _ct, d) in models.items() if d}
    assert dead
    assert summary.status is RunStatus.FINISHED
    assert summary.planned == len(models)
    assert summary.failed == len(dead)
    assert summary.ok == len(models) - len(dead)
    assert summary.errors_by_kind == {"MeterTimeoutError": len(dead)}

    now = clock.now()
    midnight = datetime.combine(now.date(), time.min)
    with session_factory() as s:
        registers = dict(
            s.execute(
                text("SELECT meter_id, forward_active_wh FROM register_reading WHERE day = :d"),
                {"d": now.date()},
            ).all()
        )
        freezes = dict(
            s.execute(
                text("SELECT meter_id, forward_active_wh FROM daily_freeze WHERE day = :d"),
                {"d": now.date()},
            ).all()
        )
        powers = dict(
            s.execute(
                text(
                    "SELECT meter_id, active_power_w FROM interval_reading WHERE slot_start = :t"
                ).bindparams(bindparam("t", type_=DateTime)),
                {"t": datetime(2026, 11, 21, 10, 0)},
            ).all()
        )
        states = {
            r[0]: (r[1], r[2])
            for r in s.execute(text("SELECT id, last_read_ok, last_error FROM meter"))
        }
    assert set(registers) == set(models) - dead
    assert set(freezes) == set(models) - dead
    for mid, (model, ct, is_dead_meter) in models.items():
        ok, error = states[mid]
        if is_dead_meter:
            assert not ok
            assert "no reply" in error
            continue
        assert ok and error is None
        # What a meter shows: secondary register truncated to 0.01 kWh; the master multiplies by CT.
        assert registers[mid] == model.register_wh(now) // ct // 10 * 10 * ct
        assert freezes[mid] == model.register_wh(midnight) // ct // 10 * 10 * ct
    summary_meters = {mid for mid, (m, ct, d) in models.items() if ct > 1 and not d}
    assert set(powers) == summary_meters
    for mid in summary_meters:
        model, ct, _ = models[mid]
        shown_kw = round(model.power_w(now) / ct / 1000, 4)
        assert abs(powers[mid] - shown_kw * 1000 * ct) <= 0.5 * ct


def _requests_seen(fleet: LoopFleet) -> int:
    """Requests every emulated bus has heard so far."""
    return sum(getattr(fleet.device(name), "requests_seen", 0) for name in fleet.links)


def test_a_second_run_is_idempotent_and_skips_freezes_already_stored(
    fleet: LoopFleet, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    service = _service(session_factory, clock)
    first = service.run("test")
    counts = lambda: (
        session_factory()
        .execute(
            text(
                "SELECT (SELECT count(*) FROM register_reading), (SELECT count(*) FROM daily_freeze), "
                "(SELECT count(*) FROM interval_reading)"
            )
        )
        .one()
    )
    before = tuple(counts())
    requests_before = _requests_seen(fleet)
    second = service.run("test")
    assert tuple(counts()) == before
    assert first.freezes_stored > 0
    assert second.freezes_stored == 0
    # Without freezes to fetch, a live customer meter costs one request and a summary meter two.
    requests = _requests_seen(fleet) - requests_before
    assert requests < first.planned * 2 + (first.failed * 2 * (FAST.retries + 1))


def test_later_reads_replace_earlier_ones_of_the_same_day(
    fleet: LoopFleet, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    service = _service(session_factory, clock)
    service.run("test")
    clock.advance(timedelta(minutes=20))
    service.run("test")
    with session_factory() as s:
        read_at = {
            datetime.fromisoformat(str(r[0]))
            for r in s.execute(text("SELECT read_at FROM register_reading"))
        }
        slots = s.scalar(
            text(
                "SELECT count(DISTINCT slot_start) FROM interval_reading WHERE slot_start >= :t"
            ).bindparams(bindparam("t", type_=DateTime)),
            {"t": datetime(2026, 11, 21, 10, 0)},
        )
    assert read_at == {clock.now()}
    assert slots == 2  # 10:00 and 10:15


def test_an_unreachable_link_fails_its_meters_with_the_reason(
    fleet: LoopFleet, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    with session_factory.begin() as s:
        s.execute(
            text("UPDATE meter SET link_url = 'loop://nowhere' WHERE transformer_area_id = 1")
        )
        lost = s.scalar(text("SELECT count(*) FROM meter WHERE transformer_area_id = 1"))
    summary = _service(session_factory, clock).run("test")
    assert summary.errors_by_kind.get("link") == lost
    with session_factory() as s:
        errors = [
            r[0]
            for r in s.execute(text("SELECT last_error FROM meter WHERE transformer_area_id = 1"))
        ]
    assert all("loop://nowhere" in e and "emulator" in e for e in errors)


def test_an_unsupported_protocol_is_reported_not_guessed(
    fleet: LoopFleet, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    with session_factory.begin() as s:
        meter_id = s.scalar(
            text("SELECT id FROM meter WHERE role = 'customer' ORDER BY id LIMIT 1")
        )
        s.execute(text("UPDATE meter SET protocol = 'dlt698.45' WHERE id = :m"), {"m": meter_id})
    summary = _service(session_factory, clock).run("test")
    assert summary.errors_by_kind.get("unsupported") == 1
    with session_factory() as s:
        assert "dlt698.45" in s.scalar(
            text("SELECT last_error FROM meter WHERE id = :m"), {"m": meter_id}
        )


def test_a_cancelled_run_stops_and_says_so(
    fleet: LoopFleet, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    cancel = threading.Event()
    cancel.set()
    summary = _service(session_factory, clock).run("test", cancel=cancel)
    assert summary.status is RunStatus.CANCELLED
    assert summary.ok + summary.failed < summary.planned
    with session_factory() as s:
        assert (
            s.scalar(text("SELECT status FROM collection_run WHERE id = :i"), {"i": summary.run_id})
            == "cancelled"
        )


def test_progress_and_the_run_record(
    fleet: LoopFleet, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    seen: list[tuple[int, int]] = []
    summary = _service(session_factory, clock).run(
        "test", progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (summary.planned, summary.planned)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with session_factory() as s:
        row = s.execute(
            text(
                "SELECT status, meters_planned, meters_ok, meters_failed, trigger "
                "FROM collection_run WHERE id = :i"
            ),
            {"i": summary.run_id},
        ).one()
    assert tuple(row) == ("finished", summary.planned, summary.ok, summary.failed, "test")


def test_recover_closes_runs_a_killed_process_left_open(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    with session_factory.begin() as s:
        s.execute(
            text(
                "INSERT INTO collection_run (trigger, started_at, status, meters_planned, meters_ok, "
                "meters_failed) VALUES ('scheduled', :t, 'running', 10, 3, 0)"
            ),
            {"t": clock.now()},
        )
    assert _service(session_factory, clock).recover() == 1
    with session_factory() as s:
        status, error = s.execute(text("SELECT status, error FROM collection_run")).one()
    assert status == "failed"
    assert "stopped before this run finished" in error


def test_a_run_across_midnight_files_each_freeze_under_its_own_day(
    fleet: LoopFleet,
    small_county: DemoCounty,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    """The run starts at 23:59:59; the meters are read after midnight and report the new day's
    freeze, which must be stored under the new day, not the day the run started."""
    start = datetime(2026, 11, 21, 23, 59, 59)
    after = datetime(2026, 11, 22, 0, 0, 30)

    class Midnight:  # the run's first reading of the clock is before midnight, the rest after
        calls = 0

        def now(self) -> datetime:
            self.calls += 1
            return start if self.calls == 1 else after

    clock.set(after)  # what the emulated meters see
    summary = CollectionService(session_factory, Midnight(), FAST).run("test")
    assert summary.started_at == start and summary.ok > 0
    models = _models(small_county, session_factory)
    new_midnight = datetime(2026, 11, 22)
    with session_factory() as s:
        by_day = dict(
            s.execute(
                text(
                    "SELECT day, count(*) FROM daily_freeze WHERE day >= '2026-11-21' GROUP BY day"
                )
            ).all()
        )
        stored = dict(
            s.execute(
                text(
                    "SELECT meter_id, forward_active_wh FROM daily_freeze WHERE day = '2026-11-22'"
                )
            ).all()
        )
    assert by_day == {"2026-11-22": summary.ok}  # nothing filed under the 21st
    for mid, wh in stored.items():
        model, ct, _dead = models[mid]
        assert wh == model.register_wh(new_midnight) // ct // 10 * 10 * ct
