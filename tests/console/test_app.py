"""Bootstrap: database, demo county, emulator and services come up (and go down) together."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import time
from pathlib import Path

import pytest
from console.collection.remote import ServiceError
from sqlalchemy import text

from console.app import StartupStage, bootstrap, describe_db
from console.core.clock import FixedClock, SystemClock
from console.core.config import (
    CollectionSettings,
    DatabaseSettings,
    DemoSettings,
    FrontEndSettings,
    Settings,
)
from console.demo.generator import SETTING_UNFINISHED, DemoError
from db.engine import create_db_engine, sqlite_url
from db.errors import DatabaseTooNewError
from drivers.errors import TransportError
from drivers.link import open_link
from drivers.link.traffic import Traffic


def _settings(db: Path, *, demo: bool = True, collection: bool = True) -> Settings:
    return Settings(
        database=DatabaseSettings(url=sqlite_url(db)),
        demo=DemoSettings(enabled=demo, profile="small", dead_meter_ratio=0.0),
        collection=CollectionSettings(enabled=collection, interval_s=3600, timeout_s=0.1),
    )


def test_first_start_creates_the_demo_county_and_serves_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    stages: list[str] = []
    ctx = bootstrap(
        _settings(tmp_path / "a.db"), clock=clock, progress=lambda s, d, t: stages.append(s)
    )
    try:
        assert ctx.demo_created is not None
        assert ctx.meters == 54
        assert ctx.fleet is not None and ctx.fleet.meter_count == 54
        assert ctx.scheduler is not None
        assert ctx.migration.from_revision is None
        assert stages[0] == StartupStage.DATABASE
        assert StartupStage.DEMO_TOPOLOGY in stages and StartupStage.EMULATOR in stages
        assert stages[-1] == StartupStage.READY
        summary = ctx.collection.run("test")  # the emulator answers through the real path
        assert summary.ok == 54
        assert ctx.last_run() is not None and ctx.last_run().ok == 54  # type: ignore[union-attr]
    finally:
        ctx.shutdown()
    with pytest.raises(TransportError):  # the loop links are gone with the emulator
        open_link("loop://demo/TQ0001")


def test_a_second_start_keeps_the_county_and_runs_the_emulator_again(
    tmp_path: Path, clock: FixedClock
) -> None:
    settings = _settings(tmp_path / "b.db")
    bootstrap(settings, clock=clock).shutdown()
    ctx = bootstrap(settings, clock=clock)
    try:
        assert ctx.demo_created is None
        assert ctx.fleet is not None and ctx.fleet.meter_count == 54
        with ctx.session_factory() as s:
            assert s.scalar(text("SELECT count(*) FROM county")) == 1
    finally:
        ctx.shutdown()


def test_no_demo_means_no_county_and_no_emulator(tmp_path: Path, clock: FixedClock) -> None:
    ctx = bootstrap(_settings(tmp_path / "c.db", demo=False, collection=False), clock=clock)
    try:
        assert ctx.fleet is None and ctx.demo_created is None and ctx.scheduler is None
        assert ctx.meters == 0
        assert ctx.collection.run("test").planned == 0
    finally:
        ctx.shutdown()


def test_a_database_from_a_newer_program_is_refused_untouched(
    tmp_path: Path, clock: FixedClock
) -> None:
    db = tmp_path / "d.db"
    bootstrap(_settings(db, demo=False), clock=clock).shutdown()
    engine = create_db_engine(sqlite_url(db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()
    before = db.read_bytes()
    with pytest.raises(DatabaseTooNewError, match=r"0999.*newer version of the console"):
        bootstrap(_settings(db), clock=clock)
    engine = create_db_engine(sqlite_url(db))
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM meter")) == 0  # no demo county was added
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0999"
    engine.dispose()
    assert len(db.read_bytes()) == len(before)


def test_describe_db_never_shows_a_password() -> None:
    assert (
        describe_db("postgresql+psycopg://smc:secret@centre/smc")
        == "postgresql+psycopg://smc:***@centre/smc"
    )
    assert describe_db("sqlite:////data/smc.db") == "SQLite /data/smc.db"


def test_a_failure_after_the_emulator_started_stops_it(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.collection.service import CollectionService

    def broken_recover(self: CollectionService) -> int:
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(CollectionService, "recover", broken_recover)
    with pytest.raises(RuntimeError, match="disk I/O error"):
        bootstrap(_settings(tmp_path / "e.db"), clock=clock)
    with pytest.raises(TransportError):  # the emulator's links were taken down again
        open_link("loop://demo/TQ0001")


def test_the_front_end_starts_and_the_demo_concentrators_dial_in(
    tmp_path: Path, clock: FixedClock
) -> None:
    settings = dataclasses.replace(
        _settings(tmp_path / "f.db"),
        frontend=FrontEndSettings(host="127.0.0.1", port=0, timeout_s=1.0),
    )
    ctx = bootstrap(settings, clock=clock)
    try:
        assert ctx.frontend is not None and ctx.collection_console is not None
        ctx.start_frontend()
        front = ctx.frontend.front
        assert ctx.frontend.address is not None and ctx.frontend.address[1] > 0
        deadline = time.monotonic() + 10
        while sum(s.online for s in front.states()) < 6 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sum(s.online for s in front.states()) == 6  # one per 台区 of the small county
        assert {j.id for j in ctx.collection_console.jobs()} == {
            "daily_freeze",
            "curves",
            "events",
            "clock",
        }
    finally:
        ctx.shutdown()
    engine = create_db_engine(settings.database.url)
    with engine.connect() as c:  # the links' states were written down, offline at the end
        stored = c.execute(text("SELECT online, last_heartbeat_at FROM concentrator")).all()
    engine.dispose()
    assert len(stored) == 6
    assert all(not online and seen is not None for online, seen in stored), stored


def test_without_the_front_end_there_is_no_collection_console(
    tmp_path: Path, clock: FixedClock
) -> None:
    settings = dataclasses.replace(
        _settings(tmp_path / "g.db", demo=False), frontend=FrontEndSettings(enabled=False)
    )
    ctx = bootstrap(settings, clock=clock)
    try:
        assert ctx.frontend is None and ctx.collection_console is None
        ctx.start_frontend()  # nothing to start: no error
    finally:
        ctx.shutdown()


def test_with_the_system_clock_the_front_end_runs_in_a_process_of_its_own(
    tmp_path: Path,
) -> None:
    """[frontend] separate_process (the default): the front end, collector and jobs run in a
    child process; 采集监控 reaches them through the same interface, frames included."""
    settings = dataclasses.replace(
        _settings(tmp_path / "p.db"),
        frontend=FrontEndSettings(host="127.0.0.1", port=0, timeout_s=1.0),
    )
    ctx = bootstrap(settings, clock=SystemClock())
    frames: list[Traffic] = []
    try:
        assert ctx.frontend is None and ctx.jobs is None  # nothing of it in this process
        process, console = ctx.collection_process, ctx.collection_console
        assert process is not None and console is not None
        console.add_traffic_listener(frames.append)
        ctx.start_frontend()
        host, port = process.wait_ready(60)
        assert host == "127.0.0.1" and port > 0
        engine = create_db_engine(settings.database.url)
        deadline = time.monotonic() + 30
        online = 0
        while online < 6 and time.monotonic() < deadline:  # the child writes the link states
            with engine.connect() as c:
                online = c.execute(text("SELECT COUNT(*) FROM concentrator WHERE online")).scalar()
            time.sleep(0.05)
        engine.dispose()
        assert online == 6
        assert {j.id for j in console.jobs()} == {"daily_freeze", "curves", "events", "clock"}
        county = console.children(None, console.today())
        assert [n.kind for n in county] == ["county"]
        logins = [f for f in frames if console.describe_frame(f.raw).get("afn") == 2]
        assert len({f.terminal for f in logins}) == 6  # every concentrator's login reached us
        with pytest.raises(ValueError, match="freeze_start"):
            console.set_schedule({"freeze_start": "25:00"})
        with pytest.raises(ValueError, match="no call"):
            process.call("shutdown")  # only the CollectionConsole calls cross
    finally:
        ctx.shutdown()
    assert not process.running
    with pytest.raises(ServiceError):
        console.jobs()


def test_a_collection_service_that_dies_fails_the_calls_instead_of_hanging(
    tmp_path: Path,
) -> None:
    settings = dataclasses.replace(
        _settings(tmp_path / "k.db", demo=False),
        frontend=FrontEndSettings(host="127.0.0.1", port=0),
    )
    ctx = bootstrap(settings, clock=SystemClock())
    try:
        process = ctx.collection_process
        assert process is not None and ctx.collection_console is not None
        ctx.start_frontend()
        process.wait_ready(60)
        assert process.running
        os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(ServiceError):
            ctx.collection_console.jobs()
    finally:
        ctx.shutdown()


def test_a_collection_service_that_cannot_listen_says_why(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    settings = dataclasses.replace(
        _settings(tmp_path / "t.db", demo=False),
        frontend=FrontEndSettings(host="127.0.0.1", port=port),
    )
    ctx = bootstrap(settings, clock=SystemClock())
    try:
        process = ctx.collection_process
        assert process is not None and ctx.collection_console is not None
        ctx.start_frontend()
        with pytest.raises(ServiceError, match="front end is not running") as failed:
            process.wait_ready(60)
        assert str(port) in str(failed.value)
        with pytest.raises(ServiceError, match="front end is not running"):
            ctx.collection_console.jobs()
    finally:
        ctx.shutdown()
        taken.close()


def test_a_demo_county_left_half_made_stops_the_start_with_a_way_out(
    tmp_path: Path, clock: FixedClock
) -> None:
    settings = dataclasses.replace(
        _settings(tmp_path / "h.db"), frontend=FrontEndSettings(enabled=False)
    )
    bootstrap(settings, clock=clock).shutdown()
    engine = create_db_engine(settings.database.url)
    with engine.begin() as c:  # as a generation cut off after its topology leaves it
        c.execute(
            text("INSERT INTO app_setting (key, value) VALUES (:k, 'small seed 1')"),
            {"k": SETTING_UNFINISHED},
        )
    engine.dispose()
    with pytest.raises(DemoError, match=r"never finished.*delete the database file"):
        bootstrap(settings, clock=clock)
