"""The daily backup job: a verified copy per run named by the injected clock, retention that
deletes only its own old files, a failed run that deletes nothing, the schedule at the set
time on a worker thread, and its wiring in bootstrap (SQLite only)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from console.app import _make_backup_job, bootstrap
from console.core.clock import FixedClock
from console.core.config import (
    BackupSettings,
    ConfigError,
    DatabaseSettings,
    DemoSettings,
    Settings,
    load_settings,
    parse_settings,
)
from console.core.paths import resource
from console.maintenance.backup_job import BackupDone, BackupFailed, BackupJob, BackupOutcome
from db.backup import DAILY, MANUAL, OK, backup_name, integrity_check, list_backups
from db.engine import sqlite_path, sqlite_url

WAIT_S = 30
NIGHT = datetime(2026, 11, 1, 2, 30)


def db_file(engine: Engine) -> Path:
    path = sqlite_path(str(engine.url))
    assert path is not None
    return path


def job(engine: Engine, directory: Path, clock: FixedClock, keep: int = 14) -> BackupJob:
    return BackupJob(db_file(engine), directory, hour=2, minute=30, keep=keep, clock=clock)


def test_each_run_writes_a_verified_backup_named_by_the_clock(
    engine: Engine, tmp_path: Path
) -> None:
    clock = FixedClock(NIGHT)
    outcome = job(engine, tmp_path / "backups", clock).run_once()
    assert isinstance(outcome, BackupDone)
    assert outcome.path == tmp_path / "backups" / "test-daily-20261101-023000.db"
    assert outcome.size == outcome.path.stat().st_size > 0
    assert outcome.deleted == []
    assert integrity_check(outcome.path) == OK


def test_retention_keeps_the_newest_daily_backups_and_nothing_else_is_touched(
    engine: Engine, tmp_path: Path
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    by_hand = backups / backup_name("test", MANUAL, NIGHT - timedelta(days=30))
    before_upgrade = backups / backup_name("test", "before-0003", NIGHT - timedelta(days=30))
    strangers = [backups / "test-daily-keep-me.db", backups / "notes.txt"]
    for path in (by_hand, before_upgrade, *strangers):
        path.write_bytes(b"x")
    clock = FixedClock(NIGHT)
    daily_job = job(engine, backups, clock, keep=3)

    outcomes = []
    for _day in range(5):
        outcomes.append(daily_job.run_once())
        clock.advance(timedelta(days=1))

    assert all(isinstance(o, BackupDone) for o in outcomes)
    kept = [b.path.name for b in list_backups(backups, "test", {DAILY})]
    assert kept == [
        "test-daily-20261103-023000.db",
        "test-daily-20261104-023000.db",
        "test-daily-20261105-023000.db",
    ]
    deleted = [p.name for o in outcomes if isinstance(o, BackupDone) for p in o.deleted]
    assert deleted == ["test-daily-20261101-023000.db", "test-daily-20261102-023000.db"]
    for path in (by_hand, before_upgrade, *strangers):
        assert path.exists(), path


def test_a_failed_backup_deletes_no_old_one(engine: Engine, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    clock = FixedClock(NIGHT)
    daily_job = job(engine, backups, clock, keep=1)
    first = daily_job.run_once()
    assert isinstance(first, BackupDone)
    engine.dispose()
    path = db_file(engine)
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\xab" * 4096
    path.write_bytes(bytes(data))
    clock.advance(timedelta(days=1))

    second = daily_job.run_once()

    assert isinstance(second, BackupFailed)
    assert "integrity check" in second.message
    assert daily_job.last == second
    assert [b.path for b in list_backups(backups, "test")] == [first.path]


def test_the_job_is_scheduled_at_the_set_time_and_runs_on_a_worker_thread(
    engine: Engine, tmp_path: Path
) -> None:
    daily_job = BackupJob(
        db_file(engine), tmp_path, hour=23, minute=5, keep=14, clock=FixedClock(NIGHT)
    )
    # The trigger itself: the next 23:05 after any moment.
    after = datetime(2026, 11, 21, 23, 6).astimezone()
    fire = daily_job.trigger.get_next_fire_time(None, after)
    assert (fire.day, fire.hour, fire.minute) == (22, 23, 5)
    done = threading.Event()
    seen: list[tuple[BackupOutcome, str]] = []

    def listener(outcome: BackupOutcome) -> None:
        seen.append((outcome, threading.current_thread().name))
        done.set()

    daily_job.add_listener(listener)
    try:
        daily_job.start()
        next_run = daily_job.next_run_time
        assert next_run is not None and (next_run.hour, next_run.minute) == (23, 5)
        assert next_run - datetime.now().astimezone() <= timedelta(days=1)
        daily_job.run_now()
        assert done.wait(WAIT_S), "the backup did not run"
    finally:
        daily_job.shutdown()
    [(outcome, thread)] = seen
    assert isinstance(outcome, BackupDone) and outcome.path.parent == tmp_path
    assert thread != threading.main_thread().name


def test_bootstrap_wires_the_job_for_sqlite_only(tmp_path: Path, clock: FixedClock) -> None:
    backups = tmp_path / "my-backups"
    settings = Settings(
        database=DatabaseSettings(url=sqlite_url(tmp_path / "console.db")),
        demo=DemoSettings(enabled=False),
        backup=BackupSettings(time="03:15", keep=7, dir=str(backups)),
    )
    ctx = bootstrap(settings, clock=clock)
    try:
        assert ctx.backup_job is not None
        assert (ctx.backup_job.directory, ctx.backup_job.keep) == (backups, 7)
        assert ctx.backup_job.db_file == tmp_path / "console.db"
        ctx.start_backups()
        next_run = ctx.backup_job.next_run_time
        assert next_run is not None and (next_run.hour, next_run.minute) == (3, 15)
    finally:
        ctx.shutdown()
    assert not ctx.backup_job._scheduler.running
    server = "postgresql+psycopg://smc@centre/smc"
    assert _make_backup_job(settings, server, backups, clock) is None
    off = Settings(backup=BackupSettings(enabled=False))
    assert _make_backup_job(off, sqlite_url(tmp_path / "x.db"), backups, clock) is None


def test_the_job_copies_a_database_another_connection_is_writing(
    engine: Engine, tmp_path: Path
) -> None:
    writer = sqlite3.connect(db_file(engine), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO app_setting (key, value) VALUES ('open', 'txn')")
        outcome = job(engine, tmp_path, FixedClock(NIGHT)).run_once()
    finally:
        writer.close()
    assert isinstance(outcome, BackupDone)
    copy = sqlite3.connect(outcome.path)
    try:
        assert copy.execute("SELECT count(*) FROM app_setting WHERE key = 'open'").fetchone() == (
            0,
        )
    finally:
        copy.close()


def test_the_backup_section_is_validated_and_documented() -> None:
    settings = parse_settings({"backup": {"time": "00:05", "keep": 30}}, "smc.toml")
    assert settings.backup.hour_minute == (0, 5) and settings.backup.keep == 30
    for bad in ("24:00", "2:30", "02:60", "0230"):
        with pytest.raises(ConfigError, match=r"\[backup\] time = .*expected \"HH:MM\""):
            parse_settings({"backup": {"time": bad}}, "smc.toml")
    with pytest.raises(ConfigError, match="at least 1"):
        parse_settings({"backup": {"keep": 0}}, "smc.toml")
    shipped = resource("config", "default.toml")
    assert load_settings(shipped, must_exist=True).backup == BackupSettings()
    text = shipped.read_text(encoding="utf-8")
    assert "[backup]" in text
    for key in ("enabled", "time", "keep", "dir"):
        assert f"\n{key} = " in text.split("[backup]")[1].split("\n[")[0]
