"""``smc service``: the service process on its own, until told to stop (SIGTERM, Ctrl+C, the
Windows service manager) or, when a window started it (``owned``), until its last window
leaves. One line on standard output says how the start went, for whoever started it:

    ready HOST PORT      windows attach there
    running HOST PORT    a service for this database already runs there (nothing started)
    failed MESSAGE       it could not start (exit 1)
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable

from console import __version__
from console.app import runtime
from console.app.database import StartupStage, prepare_database
from console.app.service import ServiceProcess
from console.core.clock import Clock, SystemClock
from console.core.config import Settings
from console.core.database import describe_db, resolve_db_url

log = logging.getLogger(__name__)

Announce = Callable[[str], None]


def _progress(stage: StartupStage, done: int, total: int) -> None:
    if total and (done == total or done % max(1, total // 10) == 0):
        log.info("starting: %s %d/%d", stage.value, done, total)


def run_service(
    settings: Settings,
    *,
    announce: Announce,
    owned: bool = False,
    clock: Clock | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Run the service until it is told to stop; the exit code."""
    clock = clock or SystemClock()
    url = resolve_db_url(settings)
    lock = runtime.ServiceLock(url)
    if not lock.acquire():
        record = runtime.read_record(url)
        if record is None:
            announce(f"failed a service for {describe_db(url)} is starting on this machine")
            return 1
        announce(f"running {record.host} {record.port}")
        return 0
    service: ServiceProcess | None = None
    try:
        try:
            database = prepare_database(settings, clock=clock, progress=_progress)
            service = ServiceProcess(settings, database, clock)
            host, port = service.start(
                listen=settings.service.listen_address,
                secret=runtime.service_secret(settings),
                owned=owned,
            ) or ("", 0)
        except Exception as err:
            log.exception("the service cannot start")
            announce(f"failed {_reason(err)}")
            return 1
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        runtime.write_record(
            url, runtime.ServiceRecord(os.getpid(), host, port, describe_db(url), __version__)
        )
        announce(f"ready {host} {port}")
        log.info("service ready for %s: windows attach to %s:%d", describe_db(url), host, port)
        service.wait(stop)
        return 0
    finally:
        if service is not None:
            service.stop()
            service.database.engine.dispose()
            runtime.remove_record(url, os.getpid())
        lock.release()
        log.info("service stopped")


def _reason(err: BaseException) -> str:
    text = str(err) or type(err).__name__
    return " ".join(text.split())  # one line


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT (Ctrl+C) end the service cleanly."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _s, _f: stop.set())
