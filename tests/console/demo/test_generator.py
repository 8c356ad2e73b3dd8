"""The demo county: deterministic, complete, consistent with the emulator, marked finished only
at the end."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from console.core.clock import FixedClock
from console.demo import generator
from console.demo.generator import (
    DemoCounty,
    DemoError,
    generate_demo_county,
    generation_unfinished,
    missed_read,
)
from console.demo.profiles import PROFILES, consumer_load, is_dead
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import upgrade
from db.queries.settings import demo_info


def _table_digest(sf: sessionmaker[Session]) -> dict[str, list[tuple[object, ...]]]:
    tables = (
        "supply_station",
        "feeder",
        "transformer_area",
        "customer",
        "meter",
        "daily_freeze",
        "interval_reading",
    )
    with sf() as s:
        return {
            t: [tuple(r) for r in s.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2"))]
            for t in tables
        }


def test_counts_follow_the_profile(
    small_county: DemoCounty, session_factory: sessionmaker[Session]
) -> None:
    p = PROFILES["small"]
    with session_factory() as s:
        count = lambda table: s.scalar(text(f"SELECT count(*) FROM {table}"))
        assert count("supply_station") == p.stations
        assert count("feeder") == p.feeders
        assert count("transformer_area") == p.areas
        assert count("customer") == p.customers
        assert count("meter") == p.meters
        assert s.scalar(text("SELECT count(*) FROM meter WHERE role = 'summary'")) == p.areas
        # Every 台区 has exactly one summary meter, and every customer exactly one meter.
        assert (
            s.scalar(
                text(
                    "SELECT count(*) FROM (SELECT transformer_area_id FROM meter WHERE role='summary' "
                    "GROUP BY transformer_area_id HAVING count(*) = 1)"
                )
            )
            == p.areas
        )
        assert s.scalar(text("SELECT count(DISTINCT customer_id) FROM meter")) == p.customers
    assert small_county.meters == p.meters


def test_the_demo_profile_matches_design_md() -> None:
    p = PROFILES["demo"]
    assert (p.meters, p.areas, p.feeders) == (20_000, 250, 20)


def test_same_seed_same_county(tmp_path, clock: FixedClock) -> None:
    digests = []
    for name in ("a", "b"):
        engine = create_db_engine(sqlite_url(tmp_path / f"{name}.db"))
        upgrade(engine)
        sf = make_session_factory(engine)
        generate_demo_county(sf, profile=PROFILES["small"], seed=7, now=clock.now(), history_days=1)
        digests.append(_table_digest(sf))
        engine.dispose()
    assert digests[0] == digests[1]
    assert digests[0]["meter"]


def test_history_agrees_with_what_the_emulated_meters_will_report(
    small_county: DemoCounty, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    info = small_county.info
    yesterday = clock.now().date() - timedelta(days=1)
    midnight = datetime.combine(yesterday, time.min)
    with session_factory() as s:
        rows = s.execute(
            text(
                "SELECT m.comm_address, c.customer_class, f.forward_active_wh FROM meter m "
                "JOIN customer c ON c.id = m.customer_id "
                "JOIN daily_freeze f ON f.meter_id = m.id AND f.day = :day"
            ),
            {"day": yesterday},
        ).all()
    assert rows
    for address, cls, stored in rows:
        model = consumer_load(info.seed, address, cls, info.reference_day)
        # A direct meter shows kWh with two decimals: the register truncated to 10 Wh.
        assert stored == model.register_wh(midnight) // 10 * 10


def test_dead_meters_have_no_history_and_live_ones_have_every_day(
    small_county: DemoCounty, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    info = small_county.info
    with session_factory() as s:
        meters = s.execute(text("SELECT id, comm_address FROM meter")).all()
        freezes = dict(
            s.execute(text("SELECT meter_id, count(*) FROM daily_freeze GROUP BY meter_id")).all()
        )
    dead = [m for m in meters if is_dead(info.seed, m[1], info.dead_meter_ratio)]
    assert dead, "the fixture's dead ratio should make at least one dead meter"
    missed = 0
    for meter_id, address in meters:
        days = [info.reference_day + timedelta(days=n) for n in range(2)]
        kept = [d for d in days if not missed_read(info.seed, meter_id, d)]
        missed += len(days) - len(kept)
        expected = 0 if is_dead(info.seed, address, info.dead_meter_ratio) else len(kept)
        assert freezes.get(meter_id, 0) == expected
    assert missed <= 1  # about 2 per 10,000 meter-days
    # Today's freeze is left for the collector to read.
    with session_factory() as s:
        assert (
            s.scalar(
                text("SELECT count(*) FROM daily_freeze WHERE day = :d"), {"d": clock.now().date()}
            )
            == 0
        )


def test_load_curves_stop_at_the_last_finished_slot(
    small_county: DemoCounty, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    with session_factory() as s:
        last = s.scalar(text("SELECT max(slot_start) FROM interval_reading"))
        summary_only = s.scalar(
            text(
                "SELECT count(*) FROM interval_reading r JOIN meter m ON m.id = r.meter_id "
                "WHERE m.role != 'summary'"
            )
        )
    assert datetime.fromisoformat(str(last)) == datetime(2026, 11, 21, 9, 45)  # now is 10:07:30
    assert summary_only == 0


def test_settings_record_the_seed_and_reference_day(
    small_county: DemoCounty, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    with session_factory() as s:
        info = demo_info(s)
    assert info == small_county.info
    assert info is not None
    assert info.reference_day == clock.now().date() - timedelta(days=2)


def test_a_second_generation_is_refused_and_changes_nothing(
    small_county: DemoCounty, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    before = _table_digest(session_factory)
    with pytest.raises(DemoError, match="already holds a county"):
        generate_demo_county(
            session_factory, profile=PROFILES["small"], seed=1, now=clock.now(), history_days=1
        )
    assert _table_digest(session_factory) == before


def test_a_failure_while_planning_leaves_the_database_empty(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    def explode(stage: str, done: int, total: int) -> None:
        if stage == "topology" and done > 0:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        generate_demo_county(
            session_factory,
            profile=PROFILES["small"],
            seed=1,
            now=clock.now(),
            history_days=1,
            progress=explode,
        )
    with session_factory() as s:
        assert s.scalar(text("SELECT count(*) FROM meter")) == 0
        assert s.scalar(text("SELECT count(*) FROM county")) == 0
        assert s.scalar(text("SELECT count(*) FROM app_setting")) == 0


def test_an_interrupted_generation_leaves_a_county_that_a_rerun_refuses(
    session_factory: sessionmaker[Session], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history is committed a block of 台区 at a time: a crash leaves a partial county,
    which must not pass for a finished one, nor for real data."""
    monkeypatch.setattr(generator, "BLOCK_AREAS", 2)

    def explode(stage: str, done: int, total: int) -> None:
        if stage == "history" and done == 3:  # the first block of two 台区 is committed
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        generate_demo_county(
            session_factory,
            profile=PROFILES["small"],
            seed=1,
            now=clock.now(),
            history_days=2,
            progress=explode,
        )
    with session_factory() as s:
        assert s.scalar(text("SELECT count(*) FROM meter")) == PROFILES["small"].meters
        assert s.scalar(text("SELECT count(DISTINCT meter_id) FROM daily_freeze")) > 0
        assert demo_info(s) is None
        assert generation_unfinished(s)
    before = _table_digest(session_factory)
    with pytest.raises(DemoError, match="did not finish") as refused:
        generate_demo_county(
            session_factory, profile=PROFILES["small"], seed=1, now=clock.now(), history_days=2
        )
    assert "delete the file" in str(refused.value)
    assert str(session_factory.kw["bind"].url.database) in str(refused.value)
    assert _table_digest(session_factory) == before


def test_a_finished_county_is_not_marked_unfinished(
    small_county: DemoCounty, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:
        assert not generation_unfinished(s)
        keys = {k for (k,) in s.execute(text("SELECT key FROM app_setting"))}
    assert keys == {"demo.seed", "demo.profile", "demo.reference_day", "demo.dead_meter_ratio"}


def test_progress_is_reported_for_every_stage(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    seen: dict[str, tuple[int, int]] = {}
    generate_demo_county(
        session_factory,
        profile=PROFILES["small"],
        seed=1,
        now=clock.now(),
        history_days=1,
        progress=lambda st, d, t: seen.__setitem__(st, (d, t)),
    )
    assert set(seen) == {"topology", "history", "saving"}
    assert all(done == total for done, total in seen.values())
