"""A window's start with the service parts in its own process (a test's fixed clock): the
database, the demo county and its emulator, the features' parts, and their stop."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from console.app.database import StartupStage, open_database
from console.app.window import WindowContext, start_window
from console.collection.api import CollectionCommands, ReadPath
from console.core.clock import FixedClock
from console.core.config import (
    CollectionSettings,
    DatabaseSettings,
    DemoSettings,
    FrontEndSettings,
    ServiceSettings,
    Settings,
)
from console.core.database import describe_db
from console.core.events import FrontEndListening
from console.core.jobs import JobFinished
from console.demo.generator import SETTING_UNFINISHED, DemoError
from console.maintenance.feature import MaintenanceServicePart
from db.engine import create_db_engine, sqlite_url
from db.errors import DatabaseTooNewError
from drivers.errors import TransportError
from drivers.link import open_link
from tests.console.conditions import wait_for


def _settings(db: Path, *, demo: bool = True, collection: bool = True) -> Settings:
    return Settings(
        database=DatabaseSettings(url=sqlite_url(db)),
        demo=DemoSettings(enabled=demo, profile="small", dead_meter_ratio=0.0, accounts=False),
        collection=CollectionSettings(enabled=collection, interval_s=3600, timeout_s=0.1),
        frontend=FrontEndSettings(host="127.0.0.1", port=0, timeout_s=1.0),
        service=ServiceSettings(separate_process=False),
    )


def _finished(ctx: WindowContext, job_id: str, trigger: str | None = None) -> threading.Event:
    """Set when a run of ``job_id`` ends (of ``trigger`` only, if given: the start-up run may
    end after the test subscribed)."""
    done = threading.Event()

    def on(e: JobFinished) -> None:
        if e.job_id == job_id and (trigger is None or e.last.trigger == trigger):
            done.set()

    ctx.bus.subscribe(JobFinished, on)
    return done


def test_first_start_creates_the_demo_county_and_serves_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    stages: list[str] = []
    ctx = start_window(
        _settings(tmp_path / "a.db"), clock=clock, progress=lambda s, d, t: stages.append(s)
    )
    try:
        assert ctx.database.demo_created is not None and ctx.where == "window"
        assert ctx.database.migration is not None and ctx.database.migration.from_revision is None
        assert stages[0] == StartupStage.DATABASE and stages[-1] == StartupStage.READY
        assert StartupStage.DEMO_TOPOLOGY in stages and StartupStage.SERVICE in stages
        assert set(ctx.apis) == {"collection", "panorama", "admin", "accounts"}
        read = _finished(ctx, "meter_reading", trigger="manual")
        ctx.jobs.run_now("meter_reading")  # the emulator answers through the real path
        assert read.wait(30)
        states = {j.id: j for j in ctx.jobs.states()}
        last = states["meter_reading"].last
        assert last is not None and (last.ok, last.failed) == (54, 0)
        assert set(states) == {
            "meter_reading", "daily_freeze", "curves", "events", "clock", "backup",
        }  # fmt: skip
    finally:
        ctx.shutdown()
    with pytest.raises(TransportError):  # the loop links are gone with the emulator
        open_link("loop://demo/TQ0001")


def test_a_second_start_keeps_the_county(tmp_path: Path, clock: FixedClock) -> None:
    settings = _settings(tmp_path / "b.db")
    start_window(settings, clock=clock).shutdown()
    ctx = start_window(settings, clock=clock)
    try:
        assert ctx.database.demo_created is None
        with ctx.database.session_factory() as s:
            assert s.scalar(text("SELECT count(*) FROM county")) == 1
        assert ctx.service is not None  # its emulator runs again
        demo = dict(ctx.service.host.parts)["demo"]
        assert demo.fleet is not None and demo.fleet.meter_count == 54  # type: ignore[attr-defined]
    finally:
        ctx.shutdown()


def test_no_demo_means_no_county_no_emulator_and_no_collection_jobs(
    tmp_path: Path, clock: FixedClock
) -> None:
    ctx = start_window(_settings(tmp_path / "c.db", demo=False, collection=False), clock=clock)
    try:
        assert ctx.database.demo_created is None
        assert [j.id for j in ctx.jobs.states()] == ["backup"]
        with pytest.raises(TransportError):
            open_link("loop://demo/TQ0001")
    finally:
        ctx.shutdown()


def test_a_database_from_a_newer_program_is_refused_untouched(
    tmp_path: Path, clock: FixedClock
) -> None:
    db = tmp_path / "d.db"
    start_window(_settings(db, demo=False), clock=clock).shutdown()
    engine = create_db_engine(sqlite_url(db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()
    with pytest.raises(DatabaseTooNewError, match=r"0999.*newer version of the console"):
        start_window(_settings(db), clock=clock)
    database = open_database(sqlite_url(db))
    with database.session_factory() as s:
        assert s.scalar(text("SELECT count(*) FROM meter")) == 0  # no demo county was added
        assert s.scalar(text("SELECT version_num FROM alembic_version")) == "0999"
    database.engine.dispose()


def test_describe_db_never_shows_a_password() -> None:
    assert (
        describe_db("postgresql+psycopg://smc:secret@centre/smc")
        == "postgresql+psycopg://smc:***@centre/smc"
    )
    assert describe_db("sqlite:////data/smc.db") == "SQLite /data/smc.db"


def test_a_part_that_fails_to_start_stops_the_ones_started_before_it(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_self: MaintenanceServicePart) -> None:
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(MaintenanceServicePart, "start", broken)
    with pytest.raises(RuntimeError, match="disk I/O error"):
        start_window(_settings(tmp_path / "e.db"), clock=clock)
    with pytest.raises(TransportError):  # the demo part, started before, was stopped again
        open_link("loop://demo/TQ0001")


def test_the_front_end_listens_on_this_machine_only_in_the_demo_and_concentrators_dial_in(
    tmp_path: Path, clock: FixedClock
) -> None:
    settings = dataclasses.replace(
        _settings(tmp_path / "f.db"), frontend=FrontEndSettings(host="0.0.0.0", port=0)
    )
    ctx = start_window(settings, clock=clock)
    try:
        status = ctx.infra.service("collection", CollectionCommands).frontend()
        assert status.error is None and status.address is not None
        assert status.address[0] == "127.0.0.1"  # the demo never listens on all interfaces
        engine = ctx.database.engine
        with engine.connect() as c:
            wait_for(
                lambda: (
                    c.execute(text("SELECT count(*) FROM concentrator WHERE online")).scalar() == 6
                ),
                what="the demo's 6 concentrators online",
            )
    finally:
        ctx.shutdown()
    engine = create_db_engine(settings.database.url)
    with engine.connect() as c:  # the links' states were written down, offline at the end
        stored = c.execute(text("SELECT online, last_heartbeat_at FROM concentrator")).all()
    engine.dispose()
    assert len(stored) == 6
    assert all(not online and seen is not None for online, seen in stored), stored


def test_without_the_front_end_reads_through_concentrators_say_why(
    tmp_path: Path, clock: FixedClock
) -> None:
    settings = dataclasses.replace(
        _settings(tmp_path / "g.db"), frontend=FrontEndSettings(enabled=False)
    )
    heard: list[object] = []
    ctx = start_window(settings, clock=clock)
    try:
        ctx.bus.subscribe(FrontEndListening, heard.append)
        commands = ctx.infra.service("collection", CollectionCommands)
        assert commands.frontend().enabled is False
        with ctx.database.session_factory() as s:
            meter = s.scalar(text("SELECT id FROM meter WHERE concentrator_id IS NOT NULL"))
        with pytest.raises(LookupError, match=r"front end is switched off"):
            commands.read_meter(meter, ReadPath.CONCENTRATOR)
        direct = commands.read_meter(meter, ReadPath.DIRECT)  # its own link still works
        assert direct.ok and direct.values
        assert {j.id for j in ctx.jobs.states()} == {"meter_reading", "backup"}
    finally:
        ctx.shutdown()
    assert heard == []


def test_a_demo_county_left_half_made_stops_the_start_with_a_way_out(
    tmp_path: Path, clock: FixedClock
) -> None:
    settings = _settings(tmp_path / "h.db")
    start_window(settings, clock=clock).shutdown()
    engine = create_db_engine(settings.database.url)
    with engine.begin() as c:  # as a generation cut off after its topology leaves it
        c.execute(
            text("INSERT INTO app_setting (key, value) VALUES (:k, 'small seed 1')"),
            {"k": SETTING_UNFINISHED},
        )
    engine.dispose()
    with pytest.raises(DemoError, match=r"never finished.*delete the database file"):
        start_window(settings, clock=clock)
