"""Emulated meters served on named ``loop://`` links, all driven by one ``EmulatorHost``.

The console opens ``loop://NAME`` exactly as it would open a serial port; the bytes it writes
reach the emulated bus on the host thread after the modelled wire time.
"""

from __future__ import annotations

from collections.abc import Iterable

from drivers.emulator.host import EmulatorHost
from drivers.emulator.meter import EmulatedBus, EmulatedMeter
from drivers.link.loop import LoopLink, create_loop, remove_loop


class LoopFleet:
    def __init__(
        self,
        host: EmulatorHost | None = None,
        *,
        reply_delay_s: float = 0.0,
        baudrate: int | None = None,
        char_format: str = "8E1",
    ) -> None:
        self.host = host or EmulatorHost()
        self.reply_delay_s = reply_delay_s
        self.baudrate = baudrate
        self.char_format = char_format
        self._links: dict[str, LoopLink] = {}
        self._buses: dict[str, EmulatedBus] = {}
        self._meters: dict[str, EmulatedMeter] = {}

    def add_bus(self, name: str, meters: Iterable[EmulatedMeter]) -> str:
        """Put ``meters`` on a new link ``loop://name`` and return that URL."""
        link = create_loop(name, baudrate=self.baudrate, char_format=self.char_format)
        meters = list(meters)
        host = self.host
        bus = EmulatedBus(
            meters,
            write=link.device.write,
            schedule=host.call_later,
            reply_delay_s=self.reply_delay_s,
        )
        link.device.open()
        link.device.on_receive(lambda data, arrival: host.call_at(arrival, bus.feed, data))
        self._links[name] = link
        self._buses[name] = bus
        for m in meters:
            self._meters[m.address] = m
        return f"loop://{name}"

    def meter(self, address: str) -> EmulatedMeter:
        return self._meters[address]

    def link(self, name: str) -> LoopLink:
        return self._links[name]

    @property
    def links(self) -> list[str]:
        return list(self._links)

    @property
    def meter_count(self) -> int:
        return len(self._meters)

    def start(self) -> None:
        self.host.start()

    def stop(self) -> None:
        self.host.stop()
        for name, link in self._links.items():
            link.device.on_receive(None)
            link.device.close()
            remove_loop(name)
        self._links.clear()
        self._buses.clear()
        self._meters.clear()

    def __enter__(self) -> LoopFleet:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
