"""Emulated devices served on named ``loop://`` links, all driven by one ``EmulatorHost``.

The console opens ``loop://NAME`` exactly as it would open a serial port; the bytes it writes
reach the emulated device on the host thread after the modelled wire time.
"""

from __future__ import annotations

from collections.abc import Sequence

from drivers.emulator.core import MeterCore
from drivers.emulator.device import EmulatedDevice, attach_loop
from drivers.emulator.host import EmulatorHost
from drivers.link.loop import LoopLink, create_loop, remove_loop


class LoopFleet:
    def __init__(
        self,
        host: EmulatorHost | None = None,
        *,
        baudrate: int | None = None,
        char_format: str = "8E1",
    ) -> None:
        self.host = host or EmulatorHost()
        self.baudrate = baudrate
        self.char_format = char_format
        self._links: dict[str, LoopLink] = {}
        self._devices: dict[str, EmulatedDevice] = {}
        self._cores: dict[str, MeterCore] = {}

    def add_bus(self, name: str, device: EmulatedDevice, cores: Sequence[MeterCore] = ()) -> str:
        """Serve ``device`` (the meters ``cores``) on a new link ``loop://name``; the URL."""
        link = create_loop(name, baudrate=self.baudrate, char_format=self.char_format)
        attach_loop(self.host, link, device)
        self._links[name] = link
        self._devices[name] = device
        for core in cores:
            self._cores[core.address] = core
        return f"loop://{name}"

    def meter(self, address: str) -> MeterCore:
        """The core of an emulated meter, to script its conditions."""
        return self._cores[address]

    def device(self, name: str) -> EmulatedDevice:
        return self._devices[name]

    def link(self, name: str) -> LoopLink:
        return self._links[name]

    @property
    def links(self) -> list[str]:
        return list(self._links)

    @property
    def cores(self) -> dict[str, MeterCore]:
        """Every emulated meter by address (a copy of the index, the cores themselves)."""
        return dict(self._cores)

    @property
    def meter_count(self) -> int:
        return len(self._cores)

    def start(self) -> None:
        self.host.start()

    def stop(self) -> None:
        self.host.stop()
        for name, link in self._links.items():
            link.device.on_receive(None)
            link.device.close()
            remove_loop(name)
        self._links.clear()
        self._devices.clear()
        self._cores.clear()

    def __enter__(self) -> LoopFleet:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
