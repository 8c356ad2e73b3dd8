"""The DL/T 698.45 ``ProtocolSpec``: client, ``smc decode`` report, sniff and emulated device.

Registered by ``drivers.protocols`` (explicitly, so that a frozen bundle contains it).
"""

from __future__ import annotations

from drivers.dlt698 import client, emulated, report
from drivers.protocols import ProtocolSpec

SPEC = ProtocolSpec(
    name=client.PROTOCOL,
    title="DL/T 698.45",
    serial_defaults={"baud": "2400", "bytesize": "8", "parity": "E", "stopbits": "1"},
    default_items=("00100200", "20000200", "20010200", "40000200"),
    open_client=client.open_client,
    describe=report.describe,
    looks_like=report.looks_like,
    make_device=emulated.make_device,
)
