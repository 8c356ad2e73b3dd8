"""The collection service in its own process, and 采集监控's handle on it.

A county's daily-freeze pass keeps the front end's event loop and the database writer busy
for a minute or more. In the window's process those threads compete with the GUI thread for
CPython's interpreter lock, and the window stutters (``console/ui/gil.py``). Production
master stations run the front end (前置机) as a service of its own; so does the console: the
front end, the collector and the jobs run in a child process (``CollectionProcess``), and the
window talks to it through ``RemoteCollection``, the same ``CollectionConsole`` interface that
the in-process ``CollectionMonitor`` offers. Both processes share the database.

The wire is a ``multiprocessing`` pipe carrying pickled tuples:

- parent → child: ``("call", id, method, args)``, ``("listen", on)``, ``("start_jobs",)``,
  ``("stop",)``;
- child → parent: ``("ready", (host, port))``, ``("failed", message)``,
  ``("result", id, value)``, ``("error", id, kind, message)``, ``("traffic", frames, dropped)``.

Calls run on a small thread pool in the child, so a slow 点抄 of a whole 台区 does not hold up
the tree. Frames for the message monitor are forwarded only while someone listens, in batches
every 100 ms.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import itertools
import logging
import multiprocessing
import threading
from collections.abc import Callable
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

from console.collection.api import (
    CollectionConsole,
    JobState,
    KpiSummary,
    OnDemandResult,
    ReadPath,
    Scope,
    TreeNode,
)
from console.collection.frames import FrameBuffer
from console.collection.stack import build_stack
from console.core import paths
from console.core.clock import Clock
from console.core.config import Settings
from console.core.logs import setup_logging
from db.engine import create_db_engine, make_session_factory
from db.queries.collection_kpi import Drag, SuccessRate
from drivers.describe import describe
from drivers.link.traffic import Traffic

log = logging.getLogger(__name__)

# The methods of CollectionConsole the child answers (the rest are answered in the window).
CALLS = frozenset(
    {
        "children",
        "kpis",
        "trend",
        "drags",
        "failed_meters",
        "jobs",
        "schedule",
        "set_schedule",
        "run_job",
        "cancel_job",
        "read_meter",
        "read_area",
    }
)
TRAFFIC_EVERY_S = 0.1
TRAFFIC_BATCH_MAX = 2_000  # frames per batch at most; older ones are counted as dropped
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0
# Exceptions that cross the pipe as themselves; anything else arrives as ServiceError.
_KINDS: dict[str, type[Exception]] = {
    "ValueError": ValueError,
    "LookupError": LookupError,
    "KeyError": KeyError,
    "TimeoutError": TimeoutError,
}


class ServiceError(RuntimeError):
    """The collection service failed a call, is not running, or stopped."""


# ---------------------------------------------------------------------------- child side
def serve(settings: Settings, db_url: str, clock: Clock, conn: Connection, log_level: int) -> None:
    """The child process: build the collection stack, report the front end's address, answer
    calls until told to stop (or the window's process goes away)."""
    setup_logging(paths.user_log_dir(), level=log_level, file_name="collection.log")
    engine = create_db_engine(db_url)
    try:
        try:
            frontend, jobs, monitor = build_stack(
                settings, make_session_factory(engine), engine, clock
            )
            address = frontend.start()
        except Exception as err:  # the window shows why, rather than "the service stopped"
            log.exception("the collection service cannot start")
            conn.send(("failed", f"{type(err).__name__}: {err}"))
            return
        log.info("collection service: concentrators dial in to %s:%d", *address)
        server = _Server(conn, monitor)
        conn.send(("ready", address))
        try:
            server.run(start_jobs=jobs.start if jobs is not None else None)
        finally:
            if jobs is not None:
                jobs.shutdown()
            frontend.stop()
            server.close()
    finally:
        engine.dispose()
        log.info("collection service stopped")


class _Server:
    def __init__(self, conn: Connection, console: CollectionConsole) -> None:
        self.conn = conn
        self.console = console
        self._send_lock = threading.Lock()
        self._pool = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="call")
        self._frames = FrameBuffer(TRAFFIC_BATCH_MAX)
        self._listening = False
        self._stop = threading.Event()
        self._forwarder = threading.Thread(target=self._forward, name="traffic", daemon=True)

    def send(self, message: tuple[Any, ...]) -> None:
        with self._send_lock:
            self.conn.send(message)

    def run(self, *, start_jobs: Callable[[], None] | None) -> None:
        self._forwarder.start()
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                log.info("collection service: the window's process is gone")
                return
            kind = message[0]
            if kind == "stop":
                return
            if kind == "call":
                self._pool.submit(self._call, *message[1:])
            elif kind == "listen":
                self._listen(bool(message[1]))
            elif kind == "start_jobs" and start_jobs is not None:
                start_jobs()
                start_jobs = None  # once

    def _call(self, call_id: int, method: str, args: tuple[Any, ...]) -> None:
        try:
            if method not in CALLS:
                raise ValueError(f"the collection service has no call {method!r}")
            value = getattr(self.console, method)(*args)
            reply: tuple[Any, ...] = ("result", call_id, value)
        except Exception as err:
            kind = type(err).__name__ if type(err).__name__ in _KINDS else "ServiceError"
            reply = ("error", call_id, kind, f"{err}" if kind != "ServiceError" else
                     f"{type(err).__name__}: {err}")  # fmt: skip
        try:
            self.send(reply)
        except Exception as err:  # an unpicklable result is a bug; say so rather than hang
            log.exception("collection service: cannot send the answer to %s", method)
            self.send(("error", call_id, "ServiceError", f"cannot send the answer: {err}"))

    def _listen(self, on: bool) -> None:
        if on and not self._listening:
            self.console.add_traffic_listener(self._frames.push)
        elif not on and self._listening:
            self.console.remove_traffic_listener(self._frames.push)
        self._listening = on

    def _forward(self) -> None:
        while not self._stop.wait(TRAFFIC_EVERY_S):
            frames, dropped = self._frames.take()
            if frames or dropped:
                try:
                    self.send(("traffic", frames, dropped))
                except (OSError, ValueError):
                    return

    def close(self) -> None:
        self._stop.set()
        if self._listening:
            self._listen(False)
        self._pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------------------- window side
class CollectionProcess:
    """Starts and stops the collection service's process; ``console`` is 采集监控's handle."""

    def __init__(
        self,
        settings: Settings,
        db_url: str,
        clock: Clock,
        *,
        on_ready: Callable[[tuple[str, int]], None] | None = None,
    ) -> None:
        self._settings = settings
        self._db_url = db_url
        self._clock = clock
        self.on_ready = on_ready  # in the watcher thread, before the jobs start
        self.console = RemoteCollection(self, clock)
        self.address: tuple[str, int] | None = None
        self.error: str | None = None
        self._ready = threading.Event()
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._send_lock = threading.Lock()
        self._calls: dict[int, concurrent.futures.Future[Any]] = {}
        self._calls_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._reader: threading.Thread | None = None
        self._traffic_listeners: list[Callable[[Traffic], None]] = []
        self.dropped_frames = 0

    # -- life
    def start(self) -> None:
        """Spawn the service and return at once; ``wait_ready`` waits for its front end."""
        context = multiprocessing.get_context("spawn")  # no forked threads, same on Windows
        parent, child = context.Pipe()
        self._conn = parent
        self._process = context.Process(
            target=serve,
            args=(self._settings, self._db_url, self._clock, child,
                  logging.getLogger().getEffectiveLevel()),
            name="smc-collection",
            daemon=True,
        )  # fmt: skip
        try:
            self._process.start()
        except Exception as err:  # e.g. settings that cannot cross to the child
            log.exception("the collection service cannot start")
            self.error = f"the collection service cannot start: {err}"
            self._process = None
            self._ready.set()
            raise ServiceError(self.error) from err
        finally:
            child.close()
        self._reader = threading.Thread(target=self._read, name="collection-service", daemon=True)
        self._reader.start()

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> tuple[str, int]:
        if not self._ready.wait(timeout_s):
            raise ServiceError(f"the collection service did not start in {timeout_s:g} s")
        if self.address is None:
            raise ServiceError(self.error or "the collection service is not running")
        return self.address

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        process = self._process
        if process is None:
            return
        self._process = None
        with contextlib.suppress(ServiceError):
            self._send(("stop",))
        process.join(timeout_s)
        if process.is_alive():
            log.warning("the collection service did not stop in %g s: terminated", timeout_s)
            process.terminate()
            process.join(5)
        if self._conn is not None:
            self._conn.close()
        if self._reader is not None:
            self._reader.join(5)

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.is_alive()

    # -- calls
    def call(self, method: str, *args: Any) -> Any:
        """Run ``method`` of the service's CollectionConsole and return its result."""
        self.wait_ready()
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        call_id = next(self._ids)
        with self._calls_lock:
            self._calls[call_id] = future
        try:
            self._send(("call", call_id, method, args))
        except ServiceError:
            with self._calls_lock:
                self._calls.pop(call_id, None)
            raise
        return future.result()

    def listen(self, listener: Callable[[Traffic], None], on: bool) -> None:
        if on:
            self._traffic_listeners.append(listener)
        elif listener in self._traffic_listeners:
            self._traffic_listeners.remove(listener)
        if self._ready.is_set() and self.address is not None:
            self._send(("listen", bool(self._traffic_listeners)))

    def _send(self, message: tuple[Any, ...]) -> None:
        conn = self._conn
        if conn is None:
            raise ServiceError("the collection service is not running")
        try:
            with self._send_lock:
                conn.send(message)
        except (OSError, ValueError) as err:
            raise ServiceError(f"the collection service is not running: {err}") from err

    def _read(self) -> None:
        conn = self._conn
        assert conn is not None
        try:
            while True:
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    return
                self._dispatch(message)
        finally:
            self.error = self.error or "the collection service stopped"
            self._ready.set()
            with self._calls_lock:
                calls, self._calls = self._calls, {}
            for future in calls.values():
                future.set_exception(ServiceError(self.error))

    def _dispatch(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "traffic":
            _kind, frames, dropped = message
            self.dropped_frames += dropped
            for listener in list(self._traffic_listeners):
                for frame in frames:
                    listener(frame)
        elif kind in ("result", "error"):
            with self._calls_lock:
                future = self._calls.pop(message[1], None)
            if future is None:
                return
            if kind == "result":
                future.set_result(message[2])
            else:
                future.set_exception(_KINDS.get(message[2], ServiceError)(message[3]))
        elif kind == "ready":
            self.address = tuple(message[1])  # type: ignore[assignment]
            self._on_ready()
        elif kind == "failed":
            self.error = f"the concentrator front end is not running: {message[1]}"
            self._ready.set()

    def _on_ready(self) -> None:
        assert self.address is not None
        if self._traffic_listeners:  # before anything dials in: the monitor sees the logins
            self._send(("listen", True))
        if self.on_ready is not None:
            try:
                self.on_ready(self.address)
            except Exception:
                log.exception("starting what waits for the front end failed")
        self._ready.set()
        self._send(("start_jobs",))


class RemoteCollection:
    """``CollectionConsole`` answered by the collection service's process."""

    def __init__(self, process: CollectionProcess, clock: Clock) -> None:
        self._process = process
        self._clock = clock

    def today(self) -> date:
        return self._clock.now().date()

    def children(self, node: TreeNode | None, day: date) -> list[TreeNode]:
        return self._process.call("children", node, day)  # type: ignore[no-any-return]

    def kpis(self, day: date, scope: Scope) -> KpiSummary:
        return self._process.call("kpis", day, scope)  # type: ignore[no-any-return]

    def trend(self, last_day: date, scope: Scope, days: int = 30) -> list[tuple[date, SuccessRate]]:
        return self._process.call("trend", last_day, scope, days)  # type: ignore[no-any-return]

    def drags(self, day: date, scope: Scope) -> tuple[list[Drag], list[Drag]]:
        return self._process.call("drags", day, scope)  # type: ignore[no-any-return]

    def failed_meters(self, day: date, drag: Drag) -> list[Drag]:
        return self._process.call("failed_meters", day, drag)  # type: ignore[no-any-return]

    def jobs(self) -> list[JobState]:
        return self._process.call("jobs")  # type: ignore[no-any-return]

    def schedule(self) -> dict[str, object]:
        return self._process.call("schedule")  # type: ignore[no-any-return]

    def set_schedule(self, values: dict[str, object]) -> None:
        self._process.call("set_schedule", values)

    def run_job(self, job_id: str) -> None:
        self._process.call("run_job", job_id)

    def cancel_job(self, job_id: str) -> None:
        self._process.call("cancel_job", job_id)

    def read_meter(self, meter_id: int, path: ReadPath) -> OnDemandResult:
        return self._process.call("read_meter", meter_id, path)  # type: ignore[no-any-return]

    def read_area(self, area_id: int) -> list[OnDemandResult]:
        return self._process.call("read_area", area_id)  # type: ignore[no-any-return]

    def describe_frame(self, raw: bytes) -> dict[str, object]:
        return describe(raw)  # here: the monitor decodes on the GUI thread, per visible row

    def add_traffic_listener(self, listener: Callable[[Traffic], None]) -> None:
        self._process.listen(listener, True)

    def remove_traffic_listener(self, listener: Callable[[Traffic], None]) -> None:
        self._process.listen(listener, False)
