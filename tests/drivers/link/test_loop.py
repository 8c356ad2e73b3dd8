"""``loop://``: the named in-process link shared by tests and the emulator — the registry, bytes
both ways, deadlines, wire time at a baud rate, push mode and the byte manipulators.

Timing assertions are lower bounds only: the link must never deliver a byte before its wire time,
while a loaded machine may deliver it later.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable, Iterator

import pytest

from drivers.errors import LinkUrlError, TransportError
from drivers.link import Transport, open_link
from drivers.link.loop import LoopLink, char_bits, create_loop, get_loop, remove_loop

_names = itertools.count()
# Float slack for comparing monotonic readings with computed wire times (not a timing margin).
EPS = 1e-6


@pytest.fixture
def name() -> Iterator[str]:
    """A loop name no other test uses; the link is removed from the registry afterwards."""
    text = f"test-loop-{next(_names)}"
    yield text
    remove_loop(text)


@pytest.fixture
def link(name: str) -> LoopLink:
    """An instant link with both ends open."""
    created = create_loop(name)
    created.master.open()
    created.device.open()
    return created


def read_exactly(endpoint: Transport, count: int, timeout: float = 5.0) -> bytes:
    """Read ``count`` bytes, or what arrived by the deadline."""
    deadline = time.monotonic() + timeout
    out = b""
    while len(out) < count:
        chunk = endpoint.read(count - len(out), deadline)
        if not chunk:
            break
        out += chunk
    return out


# ----------------------------------------------------------------------------- registry


def test_loop_url_opens_the_master_end(name: str) -> None:
    created = create_loop(name)
    transport = open_link(f"loop://{name}")
    assert transport is created.master
    assert created.master.is_open
    assert not created.device.is_open
    assert transport.url == f"loop://{name}"
    assert get_loop(name) is created


def test_create_twice(name: str) -> None:
    create_loop(name)
    with pytest.raises(TransportError, match=f"loop://{name} already exists"):
        create_loop(name)


def test_unknown_loop_points_at_the_emulator() -> None:
    with pytest.raises(TransportError, match="emulator") as info:
        open_link("loop://nobody-created-this")
    assert "loop://nobody-created-this" in str(info.value)
    assert not isinstance(info.value, LinkUrlError)


def test_removed_loop_cannot_be_opened(name: str) -> None:
    create_loop(name)
    remove_loop(name)
    with pytest.raises(TransportError, match="emulator"):
        open_link(f"loop://{name}")
    remove_loop(name)  # removing twice is harmless


def test_loop_url_takes_no_parameters(name: str) -> None:
    create_loop(name)
    with pytest.raises(LinkUrlError, match="no parameters") as info:
        open_link(f"loop://{name}?baud=2400")
    assert f"loop://{name}?baud=2400" in str(info.value)


# ----------------------------------------------------------------------------- endpoints


def test_bytes_pass_both_ways(link: LoopLink) -> None:
    link.master.write(b"\x68request\x16")
    link.device.write(b"\x68reply\x16")
    assert read_exactly(link.device, 9) == b"\x68request\x16"
    assert read_exactly(link.master, 7) == b"\x68reply\x16"


def test_read_respects_max_bytes_and_keeps_the_rest(link: LoopLink) -> None:
    link.master.write(b"0123456789")
    deadline = time.monotonic() + 5.0
    assert link.device.read(4, deadline) == b"0123"
    assert link.device.read(100, deadline) == b"456789"


def test_successive_writes_arrive_in_order(link: LoopLink) -> None:
    for piece in (b"ab", b"cd", b"ef"):
        link.master.write(piece)
    assert read_exactly(link.device, 6) == b"abcdef"


def test_read_returns_empty_at_the_deadline(link: LoopLink) -> None:
    deadline = time.monotonic() + 0.05
    assert link.master.read(10, deadline) == b""
    assert time.monotonic() >= deadline
    assert link.master.read(10, time.monotonic() - 1.0) == b""  # a past deadline: poll


def test_blocked_reader_wakes_when_bytes_are_written(link: LoopLink) -> None:
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(read_exactly(link.device, 3, 10.0)))
    reader.start()
    link.master.write(b"xyz")
    reader.join(10.0)
    assert got == [b"xyz"]


def test_open_twice(name: str) -> None:
    created = create_loop(name)
    created.master.open()
    with pytest.raises(TransportError, match="already open"):
        created.master.open()
    with pytest.raises(TransportError, match="already open"):
        open_link(f"loop://{name}")
    created.master.close()
    created.master.open()  # a closed end can be opened again
    assert created.master.is_open


def test_closed_endpoint_refuses_io(name: str) -> None:
    created = create_loop(name)
    with pytest.raises(TransportError, match="write on a closed link"):
        created.master.write(b"x")
    with pytest.raises(TransportError, match="read on a closed link"):
        created.master.read(1, time.monotonic())
    created.master.open()
    created.master.close()
    with pytest.raises(TransportError, match=f"loop://{name}"):
        created.master.write(b"x")


# ----------------------------------------------------------------------------- wire time


@pytest.mark.parametrize(
    ("fmt", "bits"), [("8E1", 11), ("7E1", 10), ("8N1", 10), ("8O2", 12), ("7n1", 9)]
)
def test_char_bits(fmt: str, bits: int) -> None:
    assert char_bits(fmt) == bits


@pytest.mark.parametrize("fmt", ["", "8E", "8E1 ", "9E1", "8X1", "8E3", "E81"])
def test_char_bits_rejects(fmt: str) -> None:
    with pytest.raises(ValueError, match="8E1"):
        char_bits(fmt)


def test_link_rejects_bad_format_and_baud(name: str) -> None:
    with pytest.raises(ValueError, match="character format"):
        LoopLink(name, char_format="8Z1")
    created = LoopLink(name, baudrate=2400)
    with pytest.raises(ValueError, match="positive"):
        created.set_baudrate(0)
    created.master.set_baudrate(9600)
    assert created.char_time == pytest.approx(11 / 9600)
    assert LoopLink(name).char_time == 0.0


def test_bytes_never_arrive_before_wire_time(name: str) -> None:
    created = create_loop(name, baudrate=2400, char_format="8E1")
    created.master.open()
    created.device.open()
    char_time = 11 / 2400
    payload = bytes(range(24))
    t0 = time.monotonic()
    created.master.write(payload)
    got = b""
    deadline = t0 + 5.0
    while len(got) < len(payload):
        chunk = created.device.read(len(payload), deadline)
        assert chunk, "timed out"
        got += chunk
        # The n-th byte has taken n character times on the wire.
        assert time.monotonic() - t0 >= len(got) * char_time - EPS
    assert got == payload
    assert time.monotonic() - t0 >= 24 * 11 / 2400 - EPS  # 0.11 s at 2400 bps 8E1


def test_half_duplex_reply_waits_for_the_request(name: str) -> None:
    # One RS-485 pair: the device's reply cannot start before the request has left the wire.
    created = create_loop(name, baudrate=9600, char_format="8E1")
    created.master.open()
    created.device.open()
    char_time = 11 / 9600
    t0 = time.monotonic()
    created.master.write(bytes(40))
    created.device.write(b"\x16")
    assert read_exactly(created.master, 1) == b"\x16"
    assert time.monotonic() - t0 >= 41 * char_time - EPS


def test_baud_rate_change_applies_to_later_writes(name: str) -> None:
    created = create_loop(name, baudrate=115200, char_format="8N1")
    created.master.open()
    created.device.open()
    created.device.set_baudrate(1200)
    t0 = time.monotonic()
    created.master.write(bytes(6))
    assert read_exactly(created.device, 6) == bytes(6)
    assert time.monotonic() - t0 >= 6 * 10 / 1200 - EPS


# ----------------------------------------------------------------------------- push mode


def test_sink_receives_bytes_with_arrival_time(name: str) -> None:
    created = create_loop(name, baudrate=4800, char_format="8E1")
    created.master.open()
    created.device.open()
    received: list[tuple[bytes, float]] = []
    created.device.on_receive(lambda data, arrival: received.append((data, arrival)))
    t0 = time.monotonic()
    created.master.write(b"\x68\x16\x68")
    assert [data for data, _ in received] == [b"\x68\x16\x68"]
    assert received[0][1] >= t0 + 3 * 11 / 4800 - EPS
    # Nothing was buffered for read() while the sink was set.
    assert created.device.read(10, time.monotonic()) == b""


def test_sink_gets_what_was_buffered_and_can_be_removed(link: LoopLink) -> None:
    link.master.write(b"early")
    received: list[bytes] = []
    link.device.on_receive(lambda data, _arrival: received.append(data))
    assert received == [b"early"]
    link.device.on_receive(None)
    link.master.write(b"late")
    assert received == [b"early"]
    assert read_exactly(link.device, 4) == b"late"


def test_sink_may_write_back(link: LoopLink) -> None:
    # The emulator answers from inside the sink: that must not deadlock on the link lock.
    link.device.on_receive(lambda data, _arrival: link.device.write(data.upper()))
    link.master.write(b"ping")
    assert read_exactly(link.master, 4) == b"PING"


# ----------------------------------------------------------------------------- manipulators


def single_bytes(data: bytes) -> Iterable[tuple[float, bytes]]:
    return [(0.0, data[i : i + 1]) for i in range(len(data))]


def drop(data: bytes) -> Iterable[tuple[float, bytes]]:
    return []


def duplicate(data: bytes) -> Iterable[tuple[float, bytes]]:
    return [(0.0, data), (0.0, data)]


def corrupt_second_byte(data: bytes) -> Iterable[tuple[float, bytes]]:
    return [(0.0, data[:1] + bytes((data[1] ^ 0xFF,)) + data[2:])]


def test_manipulator_splits_into_single_bytes(link: LoopLink) -> None:
    pieces: list[bytes] = []
    link.device.on_receive(lambda data, _arrival: pieces.append(data))
    link.master.set_manipulator(single_bytes)
    link.master.write(b"\x68\xaa\x16")
    assert pieces == [b"\x68", b"\xaa", b"\x16"]


def test_split_bytes_read_back_whole(link: LoopLink) -> None:
    link.master.set_manipulator(single_bytes)
    link.master.write(b"abcdef")
    assert read_exactly(link.device, 6) == b"abcdef"


def test_manipulator_drops(link: LoopLink) -> None:
    link.master.set_manipulator(drop)
    link.master.write(b"lost")
    assert link.device.read(10, time.monotonic() + 0.02) == b""
    link.master.set_manipulator(None)
    link.master.write(b"kept")
    assert read_exactly(link.device, 4) == b"kept"


def test_manipulator_duplicates(link: LoopLink) -> None:
    link.master.set_manipulator(duplicate)
    link.master.write(b"ab")
    assert read_exactly(link.device, 4) == b"abab"


def test_manipulator_corrupts(link: LoopLink) -> None:
    link.master.set_manipulator(corrupt_second_byte)
    link.master.write(b"\x68\x12\x16")
    assert read_exactly(link.device, 3) == b"\x68\xed\x16"


def test_manipulator_acts_on_its_own_direction_only(link: LoopLink) -> None:
    link.device.set_manipulator(corrupt_second_byte)
    link.master.write(b"\x68\x12\x16")
    link.device.write(b"\x68\x12\x16")
    assert read_exactly(link.device, 3) == b"\x68\x12\x16"
    assert read_exactly(link.master, 3) == b"\x68\xed\x16"


def test_manipulator_delays(link: LoopLink) -> None:
    link.master.set_manipulator(lambda data: [(0.05, data)])
    t0 = time.monotonic()
    link.master.write(b"slow")
    assert read_exactly(link.device, 4) == b"slow"
    assert time.monotonic() - t0 >= 0.05 - EPS


def test_delayed_piece_keeps_its_place_on_the_wire(link: LoopLink) -> None:
    # A later piece with a shorter delay cannot overtake: there is one wire.
    link.master.set_manipulator(lambda data: [(0.03, data[:2]), (0.0, data[2:])])
    arrivals: list[tuple[bytes, float]] = []
    link.device.on_receive(lambda data, arrival: arrivals.append((data, arrival)))
    t0 = time.monotonic()
    link.master.write(b"abcd")
    assert [data for data, _ in arrivals] == [b"ab", b"cd"]
    assert all(arrival >= t0 + 0.03 - EPS for _, arrival in arrivals)
