"""The service process: started by the first window for its database (and stopped when the
last one leaves), found and shared by a second window, run alone as ``smc service`` for
windows with its address and secret; its events reach the windows; a wrong secret, a dead
service and a busy front-end port are said, not hung on."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from console.app import runtime
from console.app.window import StartupError, WindowContext, start_window
from console.collection.api import CollectionCommands
from console.core.clock import SystemClock
from console.core.config import (
    CollectionSettings,
    DatabaseSettings,
    DemoSettings,
    FrontEndSettings,
    ServiceSettings,
    Settings,
)
from console.core.events import RegistersStored
from console.core.jobs import JobFinished
from console.core.rpc import ServiceError, ServiceLink
from db.engine import sqlite_url
from drivers.link.traffic import Traffic
from tests.console.conditions import wait_for

SECRET = "a-shared-secret-for-tests"


def _settings(db: Path, *, demo: bool = True, frontend_port: int = 0) -> Settings:
    return Settings(
        database=DatabaseSettings(url=sqlite_url(db)),
        demo=DemoSettings(enabled=demo, profile="small", dead_meter_ratio=0.0, accounts=False),
        collection=CollectionSettings(interval_s=3600, timeout_s=0.1),
        frontend=FrontEndSettings(host="127.0.0.1", port=frontend_port, timeout_s=1.0),
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _start(settings: Settings) -> WindowContext:
    return start_window(settings, clock=SystemClock())


def test_a_window_starts_the_service_and_sees_its_jobs_frames_and_events(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "a.db")
    ctx = _start(settings)
    spawned = ctx.spawned
    frames: list[Traffic] = []
    changes: list[RegistersStored] = []
    try:
        assert spawned is not None and ctx.client is not None and ctx.welcome is not None
        assert ctx.welcome.pid == spawned.pid != os.getpid()
        record = runtime.read_record(settings.database.url)
        assert record is not None and record.pid == spawned.pid and record.host == "127.0.0.1"
        collection = ctx.apis["collection"]
        stop = collection.listen_traffic(lambda batch, _dropped: frames.extend(batch))
        ctx.bus.subscribe(RegistersStored, changes.append)
        with ctx.database.engine.connect() as c:  # the service writes the link states
            wait_for(
                lambda: (
                    c.execute(text("SELECT count(*) FROM concentrator WHERE online")).scalar() == 6
                ),
                what="6 concentrators online",
            )
        assert {j.id for j in collection.jobs()} == {
            "meter_reading", "daily_freeze", "curves", "events", "clock",
        }  # fmt: skip
        # An event the service publishes (the meters' reading stores registers) reaches here.
        collection.run_job("meter_reading")
        wait_for(lambda: changes, what="RegistersStored from the service")
        assert changes[0].meters > 0
        # Frames of the front end: the concentrators' clock check talks to each of them at any
        # hour (the start-up freeze pass does so only from freeze_start, 00:10, on).
        collection.run_job("clock")
        wait_for(lambda: any(f.terminal for f in frames), what="frames from the front end")
        stop()
        with pytest.raises(ValueError, match="freeze_start"):
            collection.set_schedule({"freeze_start": "25:00"})
        with pytest.raises(ValueError, match="no call 'reschedule'"):
            ctx.client.call("collection", "reschedule")  # only the protocol's calls cross
    finally:
        ctx.shutdown()
    spawned.wait(30)  # owned: it stops when its only window leaves
    assert spawned.returncode == 0
    assert runtime.read_record(settings.database.url) is None
    with pytest.raises(ServiceError):
        ctx.apis["collection"].jobs()


def test_a_second_window_attaches_to_the_running_service_which_outlives_the_first(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path / "b.db", demo=False)
    first = _start(settings)
    second: WindowContext | None = None
    try:
        assert first.spawned is not None and first.welcome is not None
        pid = first.welcome.pid
        second = _start(settings)
        assert second.spawned is None and second.welcome is not None
        assert second.welcome.pid == pid  # no second service, no busy port
        first.shutdown()
        assert second.apis["collection"].jobs()  # still served
        assert _alive(pid)
    finally:
        first.shutdown()
        if second is not None:
            second.shutdown()
    first.spawned.wait(30)  # type: ignore[union-attr]


def test_a_service_that_dies_fails_the_calls_and_the_window_says_so(tmp_path: Path) -> None:
    ctx = _start(_settings(tmp_path / "c.db", demo=False))
    lost = threading.Event()
    try:
        ctx.bus.subscribe(ServiceLink, lambda e: lost.set() if not e.connected else None)
        assert ctx.spawned is not None
        os.kill(ctx.spawned.pid, signal.SIGKILL)
        assert lost.wait(10)
        with pytest.raises(ServiceError):
            ctx.apis["collection"].jobs()
    finally:
        ctx.shutdown()


def test_a_busy_front_end_port_is_reported_and_the_rest_works(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    ctx = _start(_settings(tmp_path / "d.db", demo=False, frontend_port=port))
    try:
        status = ctx.infra.service("collection", CollectionCommands).frontend()
        assert status.address is None and status.error is not None
        assert status.problem == "port_busy" and status.wanted == f"127.0.0.1:{port}"
        assert str(port) in status.error
        assert ctx.apis["collection"].jobs()  # the service runs; only the front end does not
    finally:
        ctx.shutdown()
        taken.close()


def _smc_service(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "console", "service", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def test_smc_service_alone_serves_windows_that_know_its_secret(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text(
        f'[frontend]\nhost = "127.0.0.1"\nport = 0\n[service]\nsecret = "{SECRET}"\n'
        '[demo]\nprofile = "small"\naccounts = false\n[collection]\ninterval_s = 3600\n',
        encoding="utf-8",
    )
    db = sqlite_url(tmp_path / "e.db")
    server = _smc_service("--config", str(config), "--db", db, "--listen", "127.0.0.1:0")
    try:
        assert server.stdout is not None
        word, host, port = server.stdout.readline().split()
        assert word == "ready" and host == "127.0.0.1" and int(port) > 0
        base = dataclasses.replace(_settings(tmp_path / "e.db"), demo=DemoSettings(enabled=False))
        attach = dataclasses.replace(
            base, service=ServiceSettings(attach=f"{host}:{port}", secret=SECRET)
        )
        window = _start(attach)
        try:
            assert window.spawned is None and window.welcome is not None
            assert window.welcome.pid == server.pid
            finished = threading.Event()
            window.bus.subscribe(
                JobFinished, lambda e: finished.set() if e.job_id == "meter_reading" else None
            )
            window.apis["collection"].run_job("meter_reading")
            assert finished.wait(30)  # the service's job events reach the attached window
        finally:
            window.shutdown()
        assert server.poll() is None  # not owned: it keeps running without windows
        wrong = dataclasses.replace(
            base, service=ServiceSettings(attach=f"{host}:{port}", secret="x" * 20)
        )
        with pytest.raises(StartupError, match="refused the shared secret"):
            _start(wrong)
        # A second `smc service` for the same database does not start a second one.
        again = _smc_service("--config", str(config), "--db", db)
        out, _ = again.communicate(timeout=60)
        assert out.split() == ["running", host, port] and again.returncode == 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    assert server.returncode == 0
    assert runtime.read_record(db) is None


def test_smc_service_says_why_it_cannot_start(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[service]\nlisten = "0.0.0.0:9002"\n', encoding="utf-8")
    server = _smc_service("--config", str(bad), "--db", sqlite_url(tmp_path / "f.db"))
    out, _ = server.communicate(timeout=60)
    assert server.returncode == 2
    assert out.startswith("failed ") and "needs a secret" in out
