"""Serving an emulated device on a pseudo-terminal or a TCP port, for clients in other processes.

A pty and a socket carry bytes instantly (a pty also ignores parity), so ``TimedPort`` models
the wire itself: one half-duplex line at a baud rate and character format, requests delivered
to the device only after their transmission time, replies released when theirs has elapsed.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import sys
import threading
import time
from collections.abc import Callable

from drivers.emulator.device import EmulatedDevice
from drivers.emulator.host import EmulatorHost
from drivers.link.loop import char_bits


class TimedPort:
    """A ``DevicePort`` over an instant byte stream, with modelled wire time."""

    def __init__(
        self,
        host: EmulatorHost,
        write: Callable[[bytes], None],
        *,
        baudrate: int | None = None,
        char_format: str = "8E1",
    ) -> None:
        self._host = host
        self._write = write
        self.baudrate = baudrate
        self._bits = char_bits(char_format)
        self._busy_until = 0.0
        self._lock = threading.Lock()

    def _char_time(self) -> float:
        return self._bits / self.baudrate if self.baudrate else 0.0

    def arrival(self, size: int) -> float:
        """When ``size`` bytes that just came in would have finished arriving on the wire."""
        with self._lock:
            start = max(time.monotonic(), self._busy_until)
            self._busy_until = start + size * self._char_time()
            return self._busy_until

    def send(self, data: bytes, delay_s: float = 0.0) -> None:
        if data:
            self._host.call_later(delay_s, self._transmit, data)

    def _transmit(self, data: bytes) -> None:
        end = self.arrival(len(data))  # the line is busy while our reply goes out
        self._host.call_at(end, self._deliver, data)

    def _deliver(self, data: bytes) -> None:
        with contextlib.suppress(OSError):  # the client went away: nobody to answer
            self._write(data)

    def set_baudrate(self, baudrate: int) -> None:
        self.baudrate = baudrate

    def later(self, delay_s: float, fn: Callable[[], None]) -> None:
        self._host.call_later(delay_s, fn)


class _Reader(threading.Thread):
    """Selects over file descriptors and sockets; hands what arrives to the host."""

    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = os.pipe()
        self.selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._stopping = False

    def run(self) -> None:
        while not self._stopping:
            for key, _events in self.selector.select(timeout=1.0):
                if key.data is None:
                    os.read(self._wake_r, 64)
                    continue
                key.data()

    def stop(self) -> None:
        self._stopping = True
        os.write(self._wake_w, b"x")
        self.join(5)
        self.selector.close()
        os.close(self._wake_r)
        os.close(self._wake_w)


class PtyServer:
    """A device on a new pseudo-terminal; ``path`` is what a client opens (``/dev/pts/N``)."""

    def __init__(
        self,
        host: EmulatorHost,
        device: EmulatedDevice,
        *,
        baudrate: int | None = 2400,
        char_format: str = "8E1",
    ) -> None:
        if sys.platform == "win32":
            raise OSError("pseudo-terminals exist on Linux and macOS, not Windows; serve on TCP")
        import tty  # noqa: PLC0415  (POSIX only)

        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line editing: a wire, not a terminal
        os.set_blocking(self._master, False)
        self.path = os.ttyname(self._slave)
        self._host = host
        self._device = device
        self.port = TimedPort(host, self._write, baudrate=baudrate, char_format=char_format)
        self._reader = _Reader(f"pty {self.path}")
        self._reader.selector.register(self._master, selectors.EVENT_READ, self._on_readable)
        self._reader.start()

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self._master, view) :]
            except BlockingIOError:
                time.sleep(0.001)  # the client is not reading yet; a pty buffer is small

    def _on_readable(self) -> None:
        try:
            data = os.read(self._master, 4096)
        except (BlockingIOError, OSError):
            return
        if data:
            self._host.call_at(self.port.arrival(len(data)), self._device.receive, data, self.port)

    def close(self) -> None:
        self._reader.stop()
        os.close(self._master)
        os.close(self._slave)


class TcpServer:
    """A device per accepted connection (a serial server's behaviour: one bus per client)."""

    def __init__(
        self,
        host: EmulatorHost,
        device_factory: Callable[[], EmulatedDevice],
        address: tuple[str, int] = ("127.0.0.1", 0),
        *,
        baudrate: int | None = None,
        char_format: str = "8E1",
    ) -> None:
        self._host = host
        self._factory = device_factory
        self._baudrate = baudrate
        self._format = char_format
        self._listener = socket.create_server(address, reuse_port=False)
        self._listener.setblocking(False)
        self.address: tuple[str, int] = self._listener.getsockname()[:2]
        self.connections = 0
        self._open: set[socket.socket] = set()
        self._reader = _Reader(f"tcp {self.address[0]}:{self.address[1]}")
        self._reader.selector.register(self._listener, selectors.EVENT_READ, self._on_accept)
        self._reader.start()

    def _on_accept(self) -> None:
        try:
            conn, _peer = self._listener.accept()
        except BlockingIOError:
            return
        # Blocking: reads only happen once the selector says data is there, and sendall of a
        # reply must not fail on a momentarily full buffer.
        conn.setblocking(True)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        device = self._factory()
        port = TimedPort(
            self._host, conn.sendall, baudrate=self._baudrate, char_format=self._format
        )
        self._open.add(conn)
        self.connections += 1

        def on_readable() -> None:
            try:
                data = conn.recv(4096)
            except OSError:
                data = b""
            if not data:
                self._reader.selector.unregister(conn)
                self._open.discard(conn)
                conn.close()
                return
            self._host.call_at(port.arrival(len(data)), device.receive, data, port)

        self._reader.selector.register(conn, selectors.EVENT_READ, on_readable)

    def close(self) -> None:
        self._reader.stop()
        for conn in list(self._open):
            conn.close()
        self._listener.close()
