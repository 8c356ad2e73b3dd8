"""The concentrator fleet over real TCP on 127.0.0.1: a small master station stub (one asyncio
loop in a thread) confirms logins and heartbeats; the fleet logs in, heartbeats, answers,
comes back after a drop or a power cut, and leaves no socket open when stopped."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from datetime import datetime, timedelta
from typing import Any, TypeVar

import pytest

from drivers.emulator.concentrators import (
    ConcentratorFleet,
    generated_area,
    generated_concentrators,
)
from drivers.emulator.scenario import AcceleratedClock
from drivers.errors import FrameError
from drivers.gdw376.codec import Address, Frame, StreamDecoder
from drivers.gdw376.emulated import ConcentratorOptions, EmulatedConcentrator
from drivers.gdw376.session import Afn, DeniedError, LinkFn, MasterSession, Pending, Reply
from drivers.gdw376.units import DataUnit, decode_units

NOW = datetime(2026, 11, 21, 10, 7, 30)
DISTRICT = "3301"
T = TypeVar("T")


def wait_until(condition: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what or condition}")
        time.sleep(0.01)


class MasterStub:
    """What the fleet dials: confirms link tests and event reports, counts what it saw, and
    can send a request to a logged-in concentrator."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.logins: Counter[int] = Counter()
        self.heartbeats: Counter[int] = Counter()
        self.reports: list[tuple[int, list[DataUnit]]] = []
        self.open = 0
        self._writers: dict[int, asyncio.StreamWriter] = {}
        self._waiting: dict[int, tuple[Pending, asyncio.Future[Reply]]] = {}
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.server = self._run(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port: int = self.server.sockets[0].getsockname()[1]

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open += 1
        decoder = StreamDecoder()
        try:
            while data := await reader.read(4096):
                for frame in decoder.feed(data):
                    if not isinstance(frame, FrameError):
                        self._on_frame(frame, writer)
        except ConnectionError:
            pass
        finally:
            self.open -= 1
            writer.close()

    def _on_frame(self, frame: Frame, writer: asyncio.StreamWriter) -> None:
        terminal = frame.address.terminal
        self._writers[terminal] = writer
        if frame.prm:
            units = decode_units(frame.afn, True, frame.data)
            if frame.afn == Afn.LINK:
                fns = {u.fn for u in units}
                self.logins[terminal] += LinkFn.LOGIN in fns
                self.heartbeats[terminal] += LinkFn.HEARTBEAT in fns
            elif frame.afn == Afn.EVENTS:
                self.reports.append((terminal, units))
            answer = MasterSession(frame.address).confirm(frame)
            if answer is not None:
                writer.write(answer)
            return
        waiting = self._waiting.get(terminal)
        if waiting is not None and waiting[0].accept(frame) and waiting[0].done:
            pending, future = waiting
            if pending.error is not None:
                future.set_exception(pending.error)
            elif pending.result is not None:
                future.set_result(pending.result)

    def request(self, terminal: int, afn: int, units: list[DataUnit]) -> Reply:
        async def ask() -> Reply:
            raw, pending = MasterSession(Address(DISTRICT, terminal)).request(afn, units)
            future: asyncio.Future[Reply] = self.loop.create_future()
            self._waiting[terminal] = (pending, future)
            self._writers[terminal].write(raw)
            return await asyncio.wait_for(future, 5)

        return self._run(ask())

    def close(self) -> None:
        async def shut() -> None:
            self.server.close()
            for writer in self._writers.values():
                writer.close()

        self._run(shut())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()


@pytest.fixture
def master() -> Iterator[MasterStub]:
    stub = MasterStub()
    yield stub
    stub.close()


def fleet_of(
    count: int, master: MasterStub, clock: Callable[[], datetime], **options: object
) -> ConcentratorFleet:
    opts = ConcentratorOptions(heartbeat_s=0.2, latency_s=0.0, **options)  # type: ignore[arg-type]
    concs = generated_concentrators(count, 4, clock, district=DISTRICT, options=opts)
    fleet = ConcentratorFleet(concs, ramp_s=0.2, backoff_s=0.05)
    fleet.connect("127.0.0.1", master.port)
    return fleet


def test_every_concentrator_logs_in_and_heartbeats(master: MasterStub) -> None:
    with fleet_of(50, master, lambda: NOW) as fleet:
        wait_until(lambda: len(master.logins) == 50, what="50 logins")
        wait_until(lambda: fleet.online() == 50, what="50 confirmed logins")
        wait_until(lambda: min(master.heartbeats[t] for t in range(1, 51)) >= 2, what="beats")
        assert set(master.logins.values()) == {1}
        assert not any(c.built for c in fleet.concentrators)  # nobody asked for meter data


def test_a_dropped_concentrator_comes_back_and_logs_in_again(master: MasterStub) -> None:
    with fleet_of(5, master, lambda: NOW) as fleet:
        wait_until(lambda: fleet.online() == 5)
        fleet.drop(Address(DISTRICT, 3), 0.3)
        wait_until(lambda: master.open == 4, what="the dropped link closed")
        wait_until(lambda: master.logins[3] == 2, what="a second login")
        wait_until(lambda: fleet.online() == 5)
        assert fleet.connections((DISTRICT, 3)) == 2
        assert [master.logins[t] for t in (1, 2, 4, 5)] == [1, 1, 1, 1]


def test_a_link_the_master_closes_is_redialled(master: MasterStub) -> None:
    with fleet_of(2, master, lambda: NOW) as fleet:
        wait_until(lambda: fleet.online() == 2)
        master.loop.call_soon_threadsafe(master._writers[2].close)
        wait_until(lambda: master.logins[2] == 2, what="a login after the master hung up")


def test_requests_are_answered_after_the_latency(master: MasterStub) -> None:
    with fleet_of(2, master, lambda: NOW) as fleet:
        wait_until(lambda: fleet.online() == 2)
        reply = master.request(1, Afn.CURRENT, [DataUnit(0, 2)])
        assert reply.units == [DataUnit(0, 2, {"clock": NOW})]
        fleet.set_latency(Address(DISTRICT, 1), 0.3)
        started = time.monotonic()
        master.request(1, Afn.CURRENT, [DataUnit(0, 2)])
        assert time.monotonic() - started >= 0.3
        fleet.set_error_rate(Address(DISTRICT, 2), 1.0)
        with pytest.raises(DeniedError):
            master.request(2, Afn.CURRENT, [DataUnit(0, 2)])


def test_power_cut_drops_the_link_and_reports_erc14_after_the_new_login(
    master: MasterStub,
) -> None:
    clock = AcceleratedClock(NOW, speed=600)  # 0.1 s real = 1 min emulator time
    with fleet_of(3, master, clock) as fleet:
        wait_until(lambda: fleet.online() == 3)
        off, on = clock() + timedelta(minutes=2), clock() + timedelta(minutes=5)
        fleet.power_cut(Address(DISTRICT, 2), off, on)
        wait_until(lambda: master.open == 2, what="the link gone with the supply")
        assert clock() >= off
        wait_until(lambda: master.logins[2] == 2, what="a login after the power returned")
        assert clock() >= on
        wait_until(lambda: bool(master.reports), what="an event report")
        ((terminal, units),) = master.reports
        events = units[0].values["events"]
        assert isinstance(events, list)
        (event,) = events
        assert terminal == 2 and event["erc"] == 14
        assert event["power_off_at"] == off.replace(second=0, microsecond=0)
        assert event["power_on_at"] == on.replace(second=0, microsecond=0)


def test_stop_closes_every_socket_within_a_second(master: MasterStub) -> None:
    fleet = fleet_of(20, master, lambda: NOW)
    fleet.start()
    wait_until(lambda: master.open == 20)
    started = time.monotonic()
    fleet.stop()
    assert time.monotonic() - started < 1.0
    wait_until(lambda: master.open == 0, what="every connection closed")


def test_listen_mode_answers_the_master_on_each_concentrators_port() -> None:
    concs = generated_concentrators(3, 2, lambda: NOW, options=ConcentratorOptions(latency_s=0))
    fleet = ConcentratorFleet(concs)
    fleet.listen("127.0.0.1", 0)
    with fleet:
        endpoints = fleet.endpoints()
        assert sorted(endpoints) == [(DISTRICT, 1), (DISTRICT, 2), (DISTRICT, 3)]
        raw, pending = MasterSession(Address(DISTRICT, 2)).request(Afn.CURRENT, [DataUnit(0, 2)])
        with socket.create_connection(endpoints[(DISTRICT, 2)], timeout=5) as sock:
            sock.sendall(raw)
            decoder = StreamDecoder()
            while not pending.done:
                for frame in decoder.feed(sock.recv(4096)):
                    assert isinstance(frame, Frame) and pending.accept(frame)
        assert pending.result is not None
        assert pending.result.units == [DataUnit(0, 2, {"clock": NOW})]


def test_a_generated_area_has_its_summary_meter_first() -> None:
    entries = generated_area(12, 6, lambda: NOW, seed=3)
    assert [e.pn for e in entries] == [1, 2, 3, 4, 5, 6]
    summary = entries[0]
    assert summary.core.phases == 3 and summary.core.ct_ratio > 1 and summary.user_class == 6
    assert [e.core.address for e in entries] == [f"000012{pn:06d}" for pn in range(1, 7)]
    day = timedelta(days=1)
    sold = sum(
        e.core.registers(NOW).forward[0] - e.core.registers(NOW - day).forward[0]
        for e in entries[1:]
    )
    supplied = summary.core.registers(NOW).forward[0] - summary.core.registers(NOW - day).forward[0]
    assert 0.005 < (supplied - sold) / supplied < 0.06  # the 台区's line loss
    assert generated_area(12, 6, lambda: NOW, seed=3)[3].core.address == entries[3].core.address


def test_a_concentrator_address_is_unique_in_a_fleet() -> None:
    conc = EmulatedConcentrator(Address(DISTRICT, 1), [], lambda: NOW)
    with pytest.raises(ValueError, match="two concentrators"):
        ConcentratorFleet([conc, EmulatedConcentrator(Address(DISTRICT, 1), [], lambda: NOW)])
