"""DL/T 645-2007 and -1997 as registered protocols: client, decoder and emulated device."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from drivers.api import ClientOptions, MeterClient
from drivers.dlt645 import report
from drivers.dlt645.client import Dlt645Client
from drivers.dlt645.emulated import make_device
from drivers.emulator.core import MeterCore
from drivers.emulator.device import DeviceOptions, EmulatedDevice
from drivers.link.base import Transport
from drivers.protocols import ProtocolSpec

SERIAL_DEFAULTS = {"baud": "2400", "bytesize": "8", "parity": "E", "stopbits": "1"}


def _client(
    version: str, transport: Transport, address: str, options: ClientOptions
) -> MeterClient:
    return Dlt645Client(transport, address, options, version=version)


def _device(version: str, cores: Sequence[MeterCore], options: DeviceOptions) -> EmulatedDevice:
    return make_device(cores, options, version=version)


SPECS = (
    ProtocolSpec(
        name="dlt645-2007",
        title="DL/T 645-2007",
        serial_defaults=SERIAL_DEFAULTS,
        default_items=(
            "00010000",
            "0001FF00",
            "0201FF00",
            "0202FF00",
            "02030000",
            "04000101",
            "04000102",
        ),
        open_client=partial(_client, "2007"),
        describe=partial(report.describe, version=None),
        looks_like=report.looks_like,
        make_device=partial(_device, "2007"),
    ),
    ProtocolSpec(
        name="dlt645-1997",
        title="DL/T 645-1997",
        # 1997 meters usually talk at 1200 bps.
        serial_defaults={**SERIAL_DEFAULTS, "baud": "1200"},
        default_items=("9010", "901F", "B61F", "B62F", "B630", "C010", "C011"),
        open_client=partial(_client, "1997"),
        describe=partial(report.describe, version="1997"),
        looks_like=report.looks_like,
        make_device=partial(_device, "1997"),
    ),
)
