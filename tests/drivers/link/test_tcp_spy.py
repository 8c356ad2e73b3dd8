"""``tcp://`` (a serial server or a TCP meter) and ``spy+`` (every byte both ways, timestamped)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from drivers.errors import LinkUrlError, TransportError
from drivers.link import create_transport, open_link
from drivers.link.loop import create_loop, remove_loop
from drivers.link.spy import SpyTransport
from drivers.link.tcp import TcpTransport


@pytest.fixture
def echo_server() -> Iterator[tuple[str, int]]:
    """A server that answers every chunk with ``b"ok:" + chunk`` and closes on b"bye"."""
    listener = socket.create_server(("127.0.0.1", 0))
    address = listener.getsockname()[:2]

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            while data := conn.recv(1024):
                if data == b"bye":
                    return
                conn.sendall(b"ok:" + data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield address
    listener.close()
    thread.join(5)


def read_exactly(t: TcpTransport | SpyTransport, size: int) -> bytes:
    got = b""
    deadline = time.monotonic() + 5
    while len(got) < size and time.monotonic() < deadline:
        got += t.read(size - len(got), deadline)
    return got


@pytest.mark.parametrize(
    "url", ["tcp://10.0.0.2", "tcp://10.0.0.2:port", "tcp://10.0.0.2:0", "tcp://10.0.0.2:70000"]
)
def test_a_tcp_url_needs_host_and_port(url: str) -> None:
    with pytest.raises(LinkUrlError, match="expected tcp://HOST:PORT") as info:
        create_transport(url)
    assert url in str(info.value)


def test_ipv6_hosts_lose_their_brackets() -> None:
    t = create_transport("tcp://[::1]:8899")
    assert isinstance(t, TcpTransport)
    assert (t.host, t.port) == ("::1", 8899)


def test_round_trip_and_deadline(echo_server: tuple[str, int]) -> None:
    host, port = echo_server
    t = open_link(f"tcp://{host}:{port}")
    assert isinstance(t, TcpTransport)
    try:
        t.write(b"\x68\x16")
        assert read_exactly(t, 5) == b"ok:\x68\x16"
        start = time.monotonic()
        assert t.read(16, start + 0.05) == b""
        assert time.monotonic() - start >= 0.05
        t.set_baudrate(9600)  # the converter owns the line rate: remembered, nothing sent
        assert t.baudrate == 9600
        assert t.read(16, time.monotonic() + 0.01) == b""
    finally:
        t.close()


def test_the_other_end_closing_is_an_error_not_silence(echo_server: tuple[str, int]) -> None:
    host, port = echo_server
    t = open_link(f"tcp://{host}:{port}")
    try:
        t.write(b"bye")
        with pytest.raises(TransportError, match="closed the connection"):
            read_exactly(t, 1)
    finally:
        t.close()


def test_a_refused_connection_names_host_and_port() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    # Nothing listens on the port now.
    with pytest.raises(TransportError, match=f"cannot connect to 127.0.0.1:{port}"):
        open_link(f"tcp://127.0.0.1:{port}?connect_timeout=2")


def test_use_before_connect_is_an_error() -> None:
    t = create_transport("tcp://127.0.0.1:1")
    with pytest.raises(TransportError, match="not connected"):
        t.write(b"x")


def test_spy_reports_both_directions_and_logs_hex(
    echo_server: tuple[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    host, port = echo_server
    t = create_transport(f"spy+tcp://{host}:{port}")
    assert isinstance(t, SpyTransport)
    assert t.url == f"spy+tcp://{host}:{port}"
    seen: list[tuple[str, bytes, float]] = []
    t.listeners.append(lambda direction, data, at: seen.append((direction, data, at)))
    before = time.time()
    with caplog.at_level(logging.INFO, logger="drivers.link.spy"):
        t.open()
        try:
            t.write(b"\xfe\x68")
            assert read_exactly(t, 5) == b"ok:\xfe\x68"
        finally:
            t.close()
    directions = [d for d, _, _ in seen]
    assert directions[0] == "tx" and set(directions[1:]) == {"rx"}
    assert seen[0][1] == b"\xfe\x68"
    assert b"".join(data for d, data, _ in seen if d == "rx") == b"ok:\xfe\x68"
    assert all(before <= at <= time.time() for _, _, at in seen)
    assert any("TX" in r.getMessage() and "FE 68" in r.getMessage() for r in caplog.records)
    assert any("RX" in r.getMessage() and "6F 6B 3A" in r.getMessage() for r in caplog.records)


def test_spy_passes_baud_changes_through() -> None:
    link = create_loop("spy-baud", baudrate=300, char_format="7E1")
    try:
        t = create_transport("spy+loop://spy-baud")
        t.open()
        t.set_baudrate(9600)
        assert link.baudrate == 9600
        t.close()
    finally:
        remove_loop("spy-baud")
