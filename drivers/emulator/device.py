"""How an emulated device meets a link: it receives bytes and answers through a ``DevicePort``.

Every protocol's emulated device implements ``EmulatedDevice.receive``; the same device then
serves a ``loop://`` link (here), a TCP connection or a pty (``serve.py``). All calls happen on
the emulator host's thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from drivers.emulator.host import EmulatorHost
from drivers.link.loop import LoopEndpoint, LoopLink


@dataclass(frozen=True, slots=True)
class DeviceOptions:
    """How an emulated device behaves on its link, whatever its protocol."""

    reply_delay_s: float = 0.02  # the meter's response time after a request's last byte
    max_baudrate: int = 9600  # IEC 62056-21: the rate a meter proposes in its identification


class DevicePort(Protocol):
    """The device's side of a link."""

    def send(self, data: bytes, delay_s: float = 0.0) -> None:
        """Put ``data`` on the wire after ``delay_s`` (the device's response time)."""
        ...

    def set_baudrate(self, baudrate: int) -> None:
        """Switch the device side's rate (IEC 62056-21 mode C after the acknowledgement)."""
        ...

    def later(self, delay_s: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` after ``delay_s``, after any ``send`` with the same delay (e.g. switch the
        rate once the reply that announced it has gone out at the old one)."""
        ...


class EmulatedDevice(Protocol):
    def receive(self, data: bytes, port: DevicePort) -> None:
        """Bytes that have fully arrived at the device."""
        ...


class LoopDevicePort:
    """A ``DevicePort`` on the device end of an in-process link."""

    def __init__(self, host: EmulatorHost, link: LoopLink) -> None:
        self._host = host
        self._link = link
        self._endpoint: LoopEndpoint = link.device

    def send(self, data: bytes, delay_s: float = 0.0) -> None:
        if not data:
            return
        if delay_s > 0:
            self._host.call_later(delay_s, self._endpoint.write, data)
        else:
            self._endpoint.write(data)

    def set_baudrate(self, baudrate: int) -> None:
        self._link.set_baudrate(baudrate)

    def later(self, delay_s: float, fn: Callable[[], None]) -> None:
        self._host.call_later(delay_s, fn)


def attach_loop(host: EmulatorHost, link: LoopLink, device: EmulatedDevice) -> LoopDevicePort:
    """Serve ``device`` on the device end of ``link``: arriving bytes reach it on the host."""
    port = LoopDevicePort(host, link)
    if not link.device.is_open:
        link.device.open()
    link.device.on_receive(lambda data, arrival: host.call_at(arrival, device.receive, data, port))
    return port
