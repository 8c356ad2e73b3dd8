"""``loop://NAME``: a named in-process link between a master and emulated devices.

Tests and the emulator share it. It can model wire time (baud rate and character format, one
half-duplex wire for both directions as on RS-485) and has a manipulator hook per direction that
splits, delays, drops, duplicates or corrupts bytes.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

from drivers.errors import LinkUrlError, TransportError
from drivers.link.base import LinkUrl, Transport, register_scheme

# A manipulator turns one write into pieces, each with an extra delay in seconds.
Manipulator = Callable[[bytes], Iterable[tuple[float, bytes]]]
# A sink receives bytes pushed to a device endpoint and the monotonic time the last one arrives.
Sink = Callable[[bytes, float], None]


def char_bits(char_format: str) -> int:
    """Bits on the wire per character of a format like ``8E1`` (start + data + parity + stop)."""
    fmt = char_format.upper()
    if len(fmt) != 3 or fmt[0] not in "5678" or fmt[1] not in "NEOMS" or fmt[2] not in "12":
        raise ValueError(f"character format {char_format!r} is not like 8E1, 7E1 or 8N1")
    return 1 + int(fmt[0]) + (0 if fmt[1] == "N" else 1) + int(fmt[2])


class _Chunk:
    __slots__ = ("char_time", "data", "offset", "start")

    def __init__(self, data: bytes, start: float, char_time: float) -> None:
        self.data = data
        self.start = start
        self.char_time = char_time
        self.offset = 0

    def ready(self, now: float) -> int:
        """How many not-yet-read bytes have fully arrived by ``now``."""
        if now < self.start:
            return 0
        if self.char_time == 0.0:
            arrived = len(self.data)
        else:
            arrived = min(len(self.data), math.floor((now - self.start) / self.char_time + 1e-9))
        return arrived - self.offset

    def next_ready_at(self) -> float:
        return self.start + (self.offset + 1) * self.char_time


class _Direction:
    __slots__ = ("busy_until", "chunks", "manipulator", "sink")

    def __init__(self) -> None:
        self.chunks: deque[_Chunk] = deque()
        self.sink: Sink | None = None
        self.manipulator: Manipulator | None = None
        self.busy_until = 0.0


class LoopEndpoint:
    """One end of a ``LoopLink``; satisfies the ``Transport`` protocol."""

    def __init__(
        self, link: LoopLink, role: str, outbound: _Direction, inbound: _Direction
    ) -> None:
        self._link = link
        self._role = role
        self._out = outbound
        self._in = inbound
        self._open = False

    @property
    def url(self) -> str:
        return f"loop://{self._link.name}"

    @property
    def is_open(self) -> bool:
        return self._open

    def open(self) -> None:
        with self._link.lock:
            if self._open:
                raise TransportError(
                    f"{self.url} ({self._role} end) is already open by another owner"
                )
            self._open = True

    def close(self) -> None:
        with self._link.lock:
            self._open = False

    def write(self, data: bytes) -> None:
        if not self._open:
            raise TransportError(f"{self.url}: write on a closed link")
        self._link.send(self._out, bytes(data))

    def read(self, max_bytes: int, deadline: float) -> bytes:
        if not self._open:
            raise TransportError(f"{self.url}: read on a closed link")
        return self._link.receive(self._in, max_bytes, deadline)

    def set_baudrate(self, baudrate: int) -> None:
        self._link.set_baudrate(baudrate)

    def on_receive(self, sink: Sink | None) -> None:
        """Push incoming bytes to ``sink`` instead of buffering them (used by the emulator host)."""
        self._link.set_sink(self._in, sink)

    def set_manipulator(self, manipulator: Manipulator | None) -> None:
        """Alter the bytes this end sends (split, delay, drop, duplicate, corrupt)."""
        self._out.manipulator = manipulator


class LoopLink:
    """A pair of endpoints joined by one wire. ``baudrate=None`` moves bytes instantly."""

    def __init__(
        self,
        name: str,
        *,
        baudrate: int | None = None,
        char_format: str = "8E1",
        half_duplex: bool = True,
    ) -> None:
        self.name = name
        self.lock = threading.Condition()
        self.half_duplex = half_duplex
        self.char_bits = char_bits(char_format)
        self.baudrate = baudrate
        self._wire_busy_until = 0.0
        to_device, to_master = _Direction(), _Direction()
        self.master = LoopEndpoint(self, "master", to_device, to_master)
        self.device = LoopEndpoint(self, "device", to_master, to_device)

    @property
    def char_time(self) -> float:
        return 0.0 if not self.baudrate else self.char_bits / self.baudrate

    def set_baudrate(self, baudrate: int) -> None:
        if baudrate <= 0:
            raise ValueError(f"baud rate must be positive, got {baudrate}")
        with self.lock:
            self.baudrate = baudrate

    def set_sink(self, direction: _Direction, sink: Sink | None) -> None:
        with self.lock:
            direction.sink = sink
            pending = list(direction.chunks)
            direction.chunks.clear()
        if sink is not None:
            for chunk in pending:
                sink(chunk.data[chunk.offset :], chunk.start + len(chunk.data) * chunk.char_time)

    def send(self, direction: _Direction, data: bytes) -> None:
        now = time.monotonic()
        pieces: Iterable[tuple[float, bytes]] = (
            ((0.0, data),) if direction.manipulator is None else direction.manipulator(data)
        )
        deliveries: list[tuple[bytes, float]] = []
        with self.lock:
            char_time = self.char_time
            sink = direction.sink
            for delay, piece in pieces:
                if not piece:
                    continue
                busy = self._wire_busy_until if self.half_duplex else direction.busy_until
                start = max(now + delay, busy)
                end = start + len(piece) * char_time
                if self.half_duplex:
                    self._wire_busy_until = end
                else:
                    direction.busy_until = end
                if sink is not None:
                    deliveries.append((piece, end))
                else:
                    direction.chunks.append(_Chunk(piece, start, char_time))
            self.lock.notify_all()
        for piece, end in deliveries:  # outside the lock: the sink may write back
            sink(piece, end)  # type: ignore[misc]

    def receive(self, direction: _Direction, max_bytes: int, deadline: float) -> bytes:
        chunks = direction.chunks
        with self.lock:
            while True:
                now = time.monotonic()
                out = bytearray()
                while chunks and len(out) < max_bytes:
                    chunk = chunks[0]
                    ready = chunk.ready(now)
                    if ready <= 0:
                        break
                    take = min(ready, max_bytes - len(out))
                    out += chunk.data[chunk.offset : chunk.offset + take]
                    chunk.offset += take
                    if chunk.offset < len(chunk.data):
                        break
                    chunks.popleft()
                if out:
                    return bytes(out)
                if now >= deadline:
                    return b""
                wake = deadline
                if chunks:
                    wake = min(wake, chunks[0].next_ready_at())
                self.lock.wait(max(0.0, wake - now))


_LINKS: dict[str, LoopLink] = {}
_REGISTRY_LOCK = threading.Lock()


def create_loop(
    name: str,
    *,
    baudrate: int | None = None,
    char_format: str = "8E1",
    half_duplex: bool = True,
) -> LoopLink:
    """Create the named link; ``loop://NAME`` then opens its master end."""
    with _REGISTRY_LOCK:
        if name in _LINKS:
            raise TransportError(f"loop://{name} already exists")
        link = LoopLink(name, baudrate=baudrate, char_format=char_format, half_duplex=half_duplex)
        _LINKS[name] = link
        return link


def remove_loop(name: str) -> None:
    with _REGISTRY_LOCK:
        _LINKS.pop(name, None)


def get_loop(name: str) -> LoopLink:
    with _REGISTRY_LOCK:
        link = _LINKS.get(name)
    if link is None:
        raise TransportError(f"no in-process link named loop://{name} (is the emulator running?)")
    return link


def _from_url(url: LinkUrl) -> Transport:
    if url.params:
        raise LinkUrlError(f"{url.text}: loop links take no parameters (got {sorted(url.params)})")
    return get_loop(url.target).master


register_scheme("loop", _from_url)
