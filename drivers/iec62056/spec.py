"""The IEC 62056-21 mode C protocol record for the registry in ``drivers.protocols``:
its client, its one-message decoder and sniff, and its emulated meter."""

from __future__ import annotations

from drivers.api import ClientOptions, MeterClient
from drivers.iec62056.client import PROTOCOL, IecClient
from drivers.iec62056.emulated import make_device
from drivers.iec62056.report import describe, looks_like
from drivers.link.base import Transport
from drivers.protocols import ProtocolSpec


def open_client(transport: Transport, address: str, options: ClientOptions) -> MeterClient:
    return IecClient(transport, address, options)


SPEC = ProtocolSpec(
    name=PROTOCOL,
    title="IEC 62056-21 mode C",
    serial_defaults={"baud": "300", "bytesize": "7", "parity": "E", "stopbits": "1"},
    default_items=("1.8.0", "0.9.1", "0.9.2", "32.7.0", "31.7.0"),
    open_client=open_client,
    describe=describe,
    looks_like=looks_like,
    make_device=make_device,
)
