"""``smc emulator --concentrators N`` and ``--from-db``: emulated concentrators in their own
process dial the console's front end (here, in this process), log in and answer Q/GDW 1376.1
requests; usage errors exit 2 with a message instead of a traceback."""

from __future__ import annotations

import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select as sql_select

from console import __main__ as cli
from db.engine import create_db_engine, make_session_factory
from db.models import Concentrator, Meter
from drivers.gdw376.frontend import EventKind, FrontEnd, TerminalEvent
from drivers.gdw376.session import Afn
from drivers.gdw376.units import ALL_POINTS, DataUnit

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stopped with SIGTERM")


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(0.02)


class Front:
    """The console's front end on a free port, counting logins by terminal."""

    def __init__(self) -> None:
        self.logins: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()
        self.front = FrontEnd(on_event=self._on_event)
        self.host, self.port = self.front.listen("127.0.0.1", 0)

    def _on_event(self, event: TerminalEvent) -> None:
        if event.kind is EventKind.LOGIN:
            with self._lock:
                self.logins[event.key] = self.logins.get(event.key, 0) + 1


@pytest.fixture
def front() -> Iterator[Front]:
    f = Front()
    yield f
    f.front.stop()


class Emulator:
    """``smc emulator ...`` in a child process; ``first`` is the first line it prints."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "console", "emulator", *args, "--duration", "300"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        self.first = self.process.stdout.readline().strip() if ready else ""
        if not self.first:
            _out, err = self.stop()
            raise AssertionError(f"the emulator printed nothing; stderr: {err}")

    def stop(self) -> tuple[str, str]:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: the emulator's own clean stop
        return self.process.communicate(timeout=30)


def test_generated_concentrators_dial_in_and_answer(front: Front) -> None:
    target = f"tcp://127.0.0.1:{front.port}"
    emulator = Emulator(
        "--concentrators", "5", "--meters-per-concentrator", "4", "--connect", target,
        "--district", "3302", "--latency", "0", "--heartbeat", "0.5",
    )  # fmt: skip
    try:
        assert emulator.first == f"{target} 5 concentrators"
        wait_until(lambda: len(front.logins) == 5, what="five logins")
        assert sorted(front.logins) == [("3302", t) for t in range(1, 6)]
        reply = front.front.request(("3302", 4), Afn.CURRENT, [DataUnit(ALL_POINTS, 129)])
        units = reply.result(30).units
        assert [u.pn for u in units] == [1, 2, 3, 4]
    finally:
        _out, err = emulator.stop()
    assert emulator.process.returncode == 0, err


def test_the_county_in_the_database_dials_in(front: Front, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'county.db'}"
    assert cli.main(["db", "demo", "--profile", "small", "--days", "1", "--db", url]) == 0
    engine = create_db_engine(url)
    with make_session_factory(engine)() as session:
        hubs = session.execute(
            sql_select(Concentrator.district_code, Concentrator.terminal_address)
        ).all()
        hub_id, district, terminal = session.execute(
            sql_select(Concentrator.id, Concentrator.district_code, Concentrator.terminal_address)
            .order_by(Concentrator.id)
            .limit(1)
        ).one()
        points = {
            pn: address
            for pn, address in session.execute(
                sql_select(Meter.point_no, Meter.comm_address).where(
                    Meter.concentrator_id == hub_id, Meter.point_no.is_not(None)
                )
            )
            if pn is not None
        }
    engine.dispose()
    target = f"tcp://127.0.0.1:{front.port}"
    emulator = Emulator("--from-db", "--db", url, "--connect", target, "--latency", "0")
    try:
        assert emulator.first == f"{target} {len(hubs)} concentrators"
        wait_until(lambda: len(front.logins) == len(hubs), what="every concentrator's login")
        assert sorted(front.logins) == sorted((d, t) for d, t in hubs)
        reply = front.front.request(
            (district, terminal), Afn.QUERY, [DataUnit(0, 10, {"serials": sorted(points)})]
        ).result(30)
        rows = [row for unit in reply.units for row in unit.values["meters"]]  # type: ignore[attr-defined]
        assert {r["pn"]: r["address"] for r in rows} == points
    finally:
        _out, err = emulator.stop()
    assert emulator.process.returncode == 0, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--concentrators", "3"], "--connect"),
        (["--concentrators", "0", "--connect", "tcp://127.0.0.1:1"], "count"),
        (["--concentrators", "2", "--meters-per-concentrator", "3000", "--connect",
          "tcp://127.0.0.1:1"], "meters per concentrator"),
        (["--concentrators", "2", "--connect", "127.0.0.1"], "tcp://HOST:PORT"),
        (["--from-db", "--db", "sqlite:////nonexistent/county.db", "--connect",
          "tcp://127.0.0.1:1"], "no database"),
        (["--meters", "2", "--connect", "tcp://127.0.0.1:1"], "for concentrators"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert cli.main(["emulator", *argv, "--duration", "0"]) == 2
    assert message in capsys.readouterr().err
