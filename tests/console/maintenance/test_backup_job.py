"""The daily backup: a verified copy per run named by the injected clock, retention that deletes
only its own old files, a failed run that deletes nothing, its job at the set time on the job
host's workers with each run's outcome recorded, and the maintenance feature's wiring (SQLite
only; none for a database server or when ``[backup] enabled = false``)."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.app.database import prepare_database
from console.app.service import ServiceProcess
from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.config import (
    BackupSettings,
    ConfigError,
    DatabaseSettings,
    DemoSettings,
    Settings,
    parse_settings,
)
from console.core.jobs import JobFinished, JobHost, LastRun
from console.core.paths import resource
from console.maintenance import feature as maintenance
from console.maintenance.backup_job import JOB_ID as BACKUP_JOB
from console.maintenance.backup_job import BackupDone, BackupFailed, BackupOutcome, DailyBackup
from console.maintenance.feature import daily_backup
from db.backup import DAILY, MANUAL, OK, backup_name, integrity_check, list_backups
from db.engine import sqlite_path, sqlite_url

WAIT_S = 30
NIGHT = datetime(2026, 11, 1, 2, 30)


def db_file(engine: Engine) -> Path:
    path = sqlite_path(str(engine.url))
    assert path is not None
    return path


def job(engine: Engine, directory: Path, clock: FixedClock, keep: int = 14) -> DailyBackup:
    return DailyBackup(db_file(engine), directory, hour=2, minute=30, keep=keep, clock=clock)


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


class ThreadNoting(DailyBackup):
    """Notes the thread each backup runs on."""

    threads: list[threading.Thread]

    def run_once(self) -> BackupOutcome:
        self.threads.append(threading.current_thread())
        return super().run_once()


class Finished:
    """The ``JobFinished`` events of a bus; ``wait(n)`` until there are ``n``."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[JobFinished] = []
        self._cond = threading.Condition()
        bus.subscribe(JobFinished, self._on)

    def _on(self, event: JobFinished) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait(self, n: int) -> LastRun:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.events) >= n, WAIT_S), "no backup ran"
            return self.events[n - 1].last


def _damaged_database(path: Path) -> Path:
    """A SQLite file with enough rows that its middle is data, then overwritten there."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (k TEXT, v TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(f"k{i}", "v" * 200) for i in range(3000)])
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 8192] = b"\xab" * 8192
    path.write_bytes(bytes(data))
    return path


def test_the_job_runs_at_the_set_time_on_the_job_hosts_workers_and_says_how_it_went(
    engine: Engine, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = FixedClock(NIGHT)
    backups = tmp_path / "backups"
    daily = ThreadNoting(db_file(engine), backups, hour=23, minute=5, keep=14, clock=clock)
    daily.threads = []
    spec = daily.job()
    assert (spec.id, spec.feature) == (BACKUP_JOB, "maintenance")
    assert spec.run_at_start is None  # a backup waits for its time
    # The trigger itself: the next 23:05 after any moment.
    after = datetime(2026, 11, 21, 23, 6).astimezone()
    fire = spec.trigger.get_next_fire_time(None, after)
    assert (fire.day, fire.hour, fire.minute) == (22, 23, 5)
    bus = EventBus()
    bus.start()
    finished = Finished(bus)
    host = JobHost(engine, session_factory, bus, clock)
    host.add(spec)
    try:
        host.start()
        next_run = host.next_run_at(BACKUP_JOB)
        assert next_run is not None and (next_run.hour, next_run.minute) == (23, 5)
        assert next_run - datetime.now() <= timedelta(days=1)
        host.run_now(BACKUP_JOB)
        done = finished.wait(1)
        # The same job for a damaged file: the run fails and says why.
        damaged = _damaged_database(tmp_path / "other.db")
        broken = ThreadNoting(damaged, backups, hour=23, minute=5, keep=14, clock=clock)
        broken.threads = daily.threads
        host.add(broken.job())
        host.run_now(BACKUP_JOB)
        failed = finished.wait(2)
    finally:
        host.shutdown()
        bus.stop()
    assert isinstance(daily.last, BackupDone) and isinstance(broken.last, BackupFailed)
    assert (done.status, done.ok, done.failed) == ("finished", 1, 0)
    assert done.message == str(backups / "test-daily-20261101-023000.db") == str(daily.last.path)
    assert (failed.status, failed.ok, failed.failed) == ("failed", 0, 1)
    assert failed.message == broken.last.message and "integrity check" in failed.message
    assert len(daily.threads) == 2
    assert not any(t is threading.main_thread() for t in daily.threads)
    assert [b.path for b in list_backups(backups, "test")] == [daily.last.path]


def _service(settings: Settings, clock: FixedClock) -> ServiceProcess:
    return ServiceProcess(
        settings,
        prepare_database(settings, clock=clock),
        clock,
        features=[maintenance.FEATURE],
    )


def test_the_maintenance_feature_backs_up_a_sqlite_file_only(
    tmp_path: Path, clock: FixedClock
) -> None:
    backups = tmp_path / "my-backups"
    settings = Settings(
        database=DatabaseSettings(url=sqlite_url(tmp_path / "console.db")),
        demo=DemoSettings(enabled=False),
        backup=BackupSettings(time="03:15", keep=7, dir=str(backups)),
    )
    service = _service(settings, clock)
    try:
        daily = daily_backup(service.infra)
        assert daily is not None
        assert (daily.directory, daily.keep, (daily.hour, daily.minute)) == (backups, 7, (3, 15))
        assert daily.db_file == tmp_path / "console.db"
        service.start()
        next_run = service.jobs.next_run_at(BACKUP_JOB)
        assert next_run is not None and (next_run.hour, next_run.minute) == (3, 15)
        (state,) = service.jobs.states("maintenance")
        assert state.params["keep"] == "7" and state.params["dir"] == str(backups)
    finally:
        service.stop()
        service.database.engine.dispose()
    assert not service.jobs.started
    server = dataclasses.replace(service.infra, db_url="postgresql+psycopg://smc@centre/smc")
    assert daily_backup(server) is None
    off = dataclasses.replace(
        service.infra,
        settings=dataclasses.replace(settings, backup=BackupSettings(enabled=False)),
    )
    assert daily_backup(off) is None
    service_off = _service(off.settings, clock)
    try:
        assert service_off.jobs.states("maintenance") == []
    finally:
        service_off.database.engine.dispose()


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
    # The shipped file's [backup] table (the whole file is tests/console/test_config.py's).
    text = resource("config", "default.toml").read_text(encoding="utf-8")
    shipped = tomllib.loads(text)["backup"]
    assert parse_settings({"backup": shipped}, "default.toml").backup == BackupSettings()
    assert set(shipped) == {"enabled", "time", "keep", "dir"}
    for key in shipped:
        assert f"\n{key} = " in text.split("[backup]")[1].split("\n[")[0]
