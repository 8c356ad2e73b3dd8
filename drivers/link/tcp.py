"""``tcp://HOST:PORT``: a meter behind a serial server (RS-485 to Ethernet converter) or a TCP
meter. ``connect_timeout`` (seconds, default 5). The converter owns the line's baud rate."""

from __future__ import annotations

import socket
import time

from drivers.errors import LinkUrlError, TransportError
from drivers.link.base import LinkUrl, Transport, register_scheme


class TcpTransport:
    def __init__(self, url: LinkUrl) -> None:
        self._text = url.text
        host, sep, port = url.target.rpartition(":")
        if not sep or not port.isdigit() or not 0 < int(port) < 65536:
            raise LinkUrlError(f"{url.text}: expected tcp://HOST:PORT")
        self.host, self.port = host.strip("[]"), int(port)
        self.connect_timeout = url.float_param("connect_timeout", 5.0)
        self._sock: socket.socket | None = None
        self.baudrate: int | None = None

    @property
    def url(self) -> str:
        return self._text

    def open(self) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        except OSError as err:
            reason = err.strerror or str(err)
            raise TransportError(
                f"{self.url}: cannot connect to {self.host}:{self.port}: {reason}"
            ) from err
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise TransportError(f"{self.url}: not connected")
        return self._sock

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def write(self, data: bytes) -> None:
        try:
            self._socket().sendall(data)
        except OSError as err:
            raise TransportError(f"{self.url}: send failed: {err.strerror or err}") from err

    def read(self, max_bytes: int, deadline: float) -> bytes:
        sock = self._socket()
        sock.settimeout(max(0.0, deadline - time.monotonic()))
        try:
            data = sock.recv(max_bytes)
        except (TimeoutError, BlockingIOError):
            return b""
        except OSError as err:
            raise TransportError(f"{self.url}: receive failed: {err.strerror or err}") from err
        if not data:
            raise TransportError(f"{self.url}: the other end closed the connection")
        return data

    def set_baudrate(self, baudrate: int) -> None:
        """A serial server's line rate is set on the converter; remembered, not applied."""
        self.baudrate = baudrate


def _from_url(url: LinkUrl) -> Transport:
    return TcpTransport(url)


register_scheme("tcp", _from_url)
