"""Serving an emulated device on a pseudo-terminal and on TCP: bytes reach the device and the
client only after their modelled wire time (a pty and a socket are instant and a pty ignores
parity), each TCP connection gets its own device, and closing releases everything.

Timing assertions are lower bounds only: a loaded machine may be later, never earlier.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from drivers.api import ClientOptions
from drivers.emulator.device import DevicePort
from drivers.emulator.host import EmulatorHost
from drivers.emulator.scenario import EmulatorRun, generated
from drivers.emulator.serve import PtyServer, TcpServer, TimedPort
from drivers.link import open_link
from drivers.protocols import protocol

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

REQUEST = bytes(range(0x40, 0x40 + 16))
REPLY = bytes(range(0x60, 0x60 + 24))
DELAY_S = 0.03
EPS = 1e-6  # float slack for comparing monotonic readings, not a timing margin


class Echo:
    """A device that answers any 16 bytes with REPLY after DELAY_S and notes arrivals."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, bytes]] = []
        self._buffer = b""

    def receive(self, data: bytes, port: DevicePort) -> None:
        self.arrivals.append((time.monotonic(), data))
        self._buffer += data
        while len(self._buffer) >= len(REQUEST):
            self._buffer = self._buffer[len(REQUEST) :]
            port.send(REPLY, DELAY_S)


@pytest.fixture
def host() -> Iterator[EmulatorHost]:
    h = EmulatorHost("serve-test")
    h.start()
    yield h
    h.stop()


def read_exactly(link: object, size: int, timeout: float = 10.0) -> bytes:
    got = b""
    deadline = time.monotonic() + timeout
    while len(got) < size and time.monotonic() < deadline:
        got += link.read(size - len(got), deadline)  # type: ignore[attr-defined]
    return got


def test_pty_models_wire_time_both_ways(host: EmulatorHost) -> None:
    device = Echo()
    server = PtyServer(host, device, baudrate=2400, char_format="8E1")
    link = open_link(f"serial://{server.path}?baud=2400&parity=E")
    try:
        sent = time.monotonic()
        link.write(REQUEST)
        assert read_exactly(link, len(REPLY)) == REPLY
        done = time.monotonic()
    finally:
        link.close()
        server.close()
    char_s = 11 / 2400
    arrived = max(t for t, _ in device.arrivals)
    assert b"".join(d for _, d in device.arrivals) == REQUEST
    assert arrived - sent >= len(REQUEST) * char_s - EPS  # the request took its wire time
    assert done - sent >= (len(REQUEST) + len(REPLY)) * char_s + DELAY_S - EPS


def test_pty_without_a_rate_is_instant_but_keeps_the_reply_delay(host: EmulatorHost) -> None:
    server = PtyServer(host, Echo(), baudrate=None)
    link = open_link(f"serial://{server.path}")
    try:
        sent = time.monotonic()
        link.write(REQUEST)
        assert read_exactly(link, len(REPLY)) == REPLY
        assert time.monotonic() - sent >= DELAY_S - EPS
    finally:
        link.close()
        server.close()


def test_a_closed_pty_is_gone(host: EmulatorHost) -> None:
    server = PtyServer(host, Echo())
    path = server.path
    assert os.path.exists(path)
    server.close()
    deadline = time.monotonic() + 5
    while os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not os.path.exists(path)


def test_timed_port_rate_changes_apply_to_later_replies(host: EmulatorHost) -> None:
    delivered: list[tuple[float, bytes]] = []
    lock = threading.Lock()

    def write(data: bytes) -> None:
        with lock:
            delivered.append((time.monotonic(), data))

    port = TimedPort(host, write, baudrate=300, char_format="7E1")
    start = time.monotonic()
    port.send(b"A" * 3)  # 3 chars x 10 bits at 300 Bd = 100 ms
    port.later(0.0, lambda: port.set_baudrate(9600))
    port.send(b"B" * 3, 0.0)  # queued behind the first on the half-duplex line
    deadline = time.monotonic() + 5
    while len(delivered) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert [d for _, d in delivered] == [b"AAA", b"BBB"]
    assert delivered[0][0] - start >= 3 * 10 / 300 - EPS
    # The second waited for the first, then took only its own 9600 Bd time.
    assert delivered[1][0] - start >= 3 * 10 / 300 + 3 * 10 / 9600 - EPS


def test_tcp_gives_each_connection_its_own_device(host: EmulatorHost) -> None:
    devices: list[Echo] = []

    def factory() -> Echo:
        devices.append(Echo())
        return devices[-1]

    server = TcpServer(host, factory, baudrate=9600)
    url = f"tcp://{server.address[0]}:{server.address[1]}"
    first, second = open_link(url), open_link(url)
    try:
        for link in (first, second):
            sent = time.monotonic()
            link.write(REQUEST)
            assert read_exactly(link, len(REPLY)) == REPLY
            assert time.monotonic() - sent >= (len(REQUEST) + len(REPLY)) * 11 / 9600 + DELAY_S
        assert server.connections == 2
        assert len(devices) == 2
        assert all(b"".join(d for _, d in dev.arrivals) == REQUEST for dev in devices)
    finally:
        first.close()
        second.close()
        server.close()
    with pytest.raises(OSError), socket.create_connection(server.address, timeout=1):
        pass  # the listener is closed


@pytest.mark.parametrize("name", ["dlt645-2007", "dlt645-1997", "iec62056-21", "dlt698.45"])
def test_every_protocols_client_reads_its_emulator_over_tcp(host: EmulatorHost, name: str) -> None:
    spec = protocol(name)
    run = EmulatorRun(generated(3, name), {name: spec.make_device})
    server = TcpServer(host, run.device)
    link = open_link(f"tcp://{server.address[0]}:{server.address[1]}")
    try:
        client = spec.open_client(link, "000000000003", ClientOptions(timeout_s=2.0))
        readings = client.read([spec.default_items[0]])
    finally:
        link.close()
        server.close()
    assert readings and readings[0].unit == "kWh"
    assert float(readings[0].value) > 0  # type: ignore[arg-type]
