"""The meter protocols, registered explicitly (PyInstaller cannot follow string imports).

Each protocol package provides a ``ProtocolSpec``: its client for ``smc read``, its one-frame
decoder for ``smc decode`` and the message monitor, and its emulated device for the emulator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from drivers.api import ClientOptions, MeterClient
from drivers.emulator.core import MeterCore
from drivers.emulator.device import DeviceOptions, EmulatedDevice
from drivers.errors import LinkUrlError
from drivers.link.base import Transport

Report = dict[str, object]


@dataclass(frozen=True, slots=True)
class ProtocolSpec:
    name: str  # "dlt645-2007", "dlt645-1997", "iec62056-21", "dlt698.45"
    title: str
    # Serial settings a link URL gets when it names none (the standard's default).
    serial_defaults: Mapping[str, str]
    default_items: tuple[str, ...]  # what ``smc read`` reads when no --item is given
    open_client: Callable[[Transport, str, ClientOptions], MeterClient]
    describe: Callable[[bytes], Report]  # one frame -> the smc decode report; FrameError if bad
    looks_like: Callable[[bytes], bool]  # a cheap sniff for --protocol auto
    make_device: Callable[[Sequence[MeterCore], DeviceOptions], EmulatedDevice]


_REGISTRY: dict[str, ProtocolSpec] = {}


def register(spec: ProtocolSpec) -> None:
    _REGISTRY[spec.name] = spec


def protocol(name: str) -> ProtocolSpec:
    _load_builtin()
    spec = _REGISTRY.get(name)
    if spec is None:
        known = ", ".join(sorted(_REGISTRY))
        raise LinkUrlError(f"unknown protocol {name!r} (known: {known})")
    return spec


def all_protocols() -> list[ProtocolSpec]:
    _load_builtin()
    return list(_REGISTRY.values())


def _load_builtin() -> None:
    if _REGISTRY:
        return
    # Explicit imports, so that a frozen bundle contains every protocol.
    # Imported here, not at the top: the protocol packages import ProtocolSpec from this module.
    import drivers.dlt645.spec as dlt645_spec  # noqa: PLC0415
    import drivers.dlt698.spec as dlt698_spec  # noqa: PLC0415
    import drivers.iec62056.spec as iec62056_spec  # noqa: PLC0415

    for spec in (*dlt645_spec.SPECS, iec62056_spec.SPEC, dlt698_spec.SPEC):
        register(spec)
