"""``spy+URL``: any link, with every byte both ways reported with a timestamp.

By default each chunk is logged (logger ``drivers.link.spy``) as hex; listeners (the
console's message monitor) get ``(direction, data, unix time)`` for every chunk. Chunks, not
``drivers.link.traffic.Traffic``: a spy sees bytes as the link moved them (a frame may come in
pieces), says ``tx``/``rx`` from the end it wraps (it cannot tell the master from the device)
and does not know the device's name; its user, who knows all three, makes the ``Traffic``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from drivers.link.base import Transport

log = logging.getLogger(__name__)

Listener = Callable[[str, bytes, float], None]  # direction "tx" | "rx", bytes, time.time()


def format_traffic(direction: str, data: bytes, at: float) -> str:
    """``10:07:30.125 TX FE FE 68 ...``: one chunk as a line of a traffic log."""
    stamp = time.strftime("%H:%M:%S", time.localtime(at)) + f".{int(at * 1000) % 1000:03d}"
    return f"{stamp} {direction.upper()} {data.hex(' ').upper()}"


class SpyTransport:
    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.listeners: list[Listener] = [self._log]

    @property
    def url(self) -> str:
        return "spy+" + self.inner.url

    def _log(self, direction: str, data: bytes, at: float) -> None:
        log.info("%s %s", self.inner.url, format_traffic(direction, data, at))

    def _report(self, direction: str, data: bytes) -> None:
        at = time.time()
        for listener in list(self.listeners):
            listener(direction, data, at)

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def write(self, data: bytes) -> None:
        self._report("tx", data)
        self.inner.write(data)

    def read(self, max_bytes: int, deadline: float) -> bytes:
        data = self.inner.read(max_bytes, deadline)
        if data:
            self._report("rx", data)
        return data

    def set_baudrate(self, baudrate: int) -> None:
        self.inner.set_baudrate(baudrate)
