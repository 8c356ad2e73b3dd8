"""``serial://``: what pyserial is asked for (a pty ignores parity, so only this shows the
character format), reads with deadlines, echo removal, and errors that name the port."""

from __future__ import annotations

import os
import sys
import termios
import time
from collections.abc import Iterator
from typing import Any

import pytest
import serial

from drivers.errors import LinkUrlError, TransportError
from drivers.link import create_transport
from drivers.link.serial_link import SerialTransport

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


@pytest.fixture
def pty() -> Iterator[tuple[int, str]]:
    """A pseudo-terminal in raw mode: (master fd, slave path)."""
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    path = os.ttyname(slave)
    yield master, path
    os.close(master)
    os.close(slave)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every keyword set pyserial's ``Serial`` is constructed with."""
    calls: list[dict[str, Any]] = []
    real = serial.Serial

    def recording(*args: Any, **kwargs: Any) -> serial.Serial:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(serial, "Serial", recording)
    return calls


def transport(url: str) -> SerialTransport:
    created = create_transport(url)
    assert isinstance(created, SerialTransport)
    return created


def test_defaults_are_dl_t_645s_2400_8e1() -> None:
    t = transport("serial:///dev/ttyUSB0")
    assert t.port == "/dev/ttyUSB0"
    assert t.settings == {
        "baudrate": 2400,
        "bytesize": serial.EIGHTBITS,
        "parity": serial.PARITY_EVEN,
        "stopbits": serial.STOPBITS_ONE,
    }


def test_windows_port_names_keep_their_case() -> None:
    assert transport("serial://COM3?baud=9600").port == "COM3"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("parity=X", "parity must be one of N, E, O, M, S, not 'X'"),
        ("stopbits=3", "stopbits must be 1, 1.5 or 2"),
        ("bytesize=9", "bytesize must be 5 to 8"),
        ("baud=fast", "baud='fast' is not an integer"),
        ("echo=maybe", "echo='maybe' is not 1/0"),
        ("turnaround_ms=x", "turnaround_ms='x' is not a number"),
    ],
)
def test_bad_settings_name_the_url_and_the_setting(query: str, message: str) -> None:
    url = f"serial:///dev/ttyS0?{query}"
    with pytest.raises(LinkUrlError, match=message) as info:
        create_transport(url)
    assert url in str(info.value)


def test_pyserial_gets_the_urls_character_format(
    pty: tuple[int, str], opened: list[dict[str, Any]]
) -> None:
    _master, path = pty
    t = transport(f"serial://{path}?baud=1200&bytesize=7&parity=E&stopbits=1")
    t.open()
    try:
        assert opened[0]["baudrate"] == 1200
        assert opened[0]["bytesize"] == serial.SEVENBITS
        assert opened[0]["parity"] == serial.PARITY_EVEN
        assert opened[0]["stopbits"] == serial.STOPBITS_ONE
        assert opened[0]["exclusive"] is True  # a second program must not share the bus
        # The terminal driver stores the speed even though a pty does not use it.
        fd = os.open(path, os.O_RDONLY | os.O_NOCTTY)
        try:
            attrs = termios.tcgetattr(fd)
        finally:
            os.close(fd)
        assert attrs[4] == attrs[5] == termios.B1200
    finally:
        t.close()


def test_set_baudrate_reaches_the_open_port(pty: tuple[int, str]) -> None:
    _master, path = pty
    t = transport(f"serial://{path}?baud=300&bytesize=7&parity=E")
    t.open()
    try:
        t.set_baudrate(9600)
        assert t.settings["baudrate"] == 9600
        fd = os.open(path, os.O_RDONLY | os.O_NOCTTY)
        try:
            assert termios.tcgetattr(fd)[4] == termios.B9600
        finally:
            os.close(fd)
    finally:
        t.close()


def test_bytes_both_ways_and_deadlines(pty: tuple[int, str]) -> None:
    master, path = pty
    t = transport(f"serial://{path}")
    t.open()
    try:
        t.write(b"\x68\x11")
        got = b""
        deadline = time.monotonic() + 5
        while len(got) < 2 and time.monotonic() < deadline:
            got += os.read(master, 16)
        assert got == b"\x68\x11"

        os.write(master, b"\x16")
        assert t.read(16, time.monotonic() + 5) == b"\x16"

        start = time.monotonic()
        assert t.read(16, start + 0.05) == b""  # nothing comes: empty at the deadline
        assert time.monotonic() - start >= 0.05
    finally:
        t.close()


def test_echo_of_our_own_request_is_dropped(pty: tuple[int, str]) -> None:
    master, path = pty
    t = transport(f"serial://{path}?echo=1")
    t.open()
    try:
        t.write(b"REQUEST")
        os.read(master, 64)
        os.write(master, b"REQUEST" + b"REPLY")  # a 2-wire converter hears our request
        got = b""
        deadline = time.monotonic() + 5
        while len(got) < 5 and time.monotonic() < deadline:
            got += t.read(64, deadline)
        assert got == b"REPLY"
    finally:
        t.close()


def test_echo_removal_stops_at_the_first_different_byte(pty: tuple[int, str]) -> None:
    master, path = pty
    t = transport(f"serial://{path}?echo=1")
    t.open()
    try:
        t.write(b"ABC")
        os.read(master, 64)
        os.write(master, b"AXC")  # no full echo: keep everything after the matching prefix
        got = b""
        deadline = time.monotonic() + 5
        while len(got) < 2 and time.monotonic() < deadline:
            got += t.read(64, deadline)
        assert got == b"XC"
    finally:
        t.close()


def test_a_second_open_of_the_same_port_says_busy(pty: tuple[int, str]) -> None:
    _master, path = pty
    first = transport(f"serial://{path}")
    first.open()
    try:
        with pytest.raises(TransportError, match="busy") as info:
            transport(f"serial://{path}").open()
        assert path in str(info.value)
    finally:
        first.close()


def test_a_missing_port_is_named() -> None:
    with pytest.raises(TransportError, match="cannot open /dev/ttyNOSUCH") as info:
        transport("serial:///dev/ttyNOSUCH").open()
    assert "serial:///dev/ttyNOSUCH" in str(info.value)


def test_use_before_open_is_an_error() -> None:
    t = transport("serial:///dev/ttyS9")
    with pytest.raises(TransportError, match="not open"):
        t.write(b"x")
    with pytest.raises(TransportError, match="not open"):
        t.read(1, time.monotonic())


def test_rs485_rts_switching_where_the_port_cannot_do_it_says_what_to_do(
    pty: tuple[int, str],
) -> None:
    _master, path = pty
    with pytest.raises(TransportError, match="cannot switch RS-485 by RTS") as info:
        transport(f"serial://{path}?rs485=1").open()
    assert "drop rs485=1" in str(info.value)
    # The failed open released the port.
    again = transport(f"serial://{path}")
    again.open()
    again.close()
