"""Bus efficiency: 32 DL/T 645-2007 meters x 4 items over ``loop://`` with wire time modelled at
2400 Bd 8E1 and a 20 ms meter reply delay, read by the real client, bus and link.

Efficiency = (bytes on the wire x 11 bits / 2400 + replies x 20 ms) / wall time: how close the
master comes to the line's own limit. Target >= 0.95.

    python3 packaging/dev.py bench -k bus
"""

from __future__ import annotations

import dataclasses
import time

from drivers.api import ClientOptions
from drivers.dlt645.client import Dlt645Client
from drivers.emulator.device import attach_loop
from drivers.emulator.host import EmulatorHost
from drivers.emulator.scenario import EmulatorRun, generated
from drivers.link import open_link
from drivers.link.loop import create_loop, remove_loop
from drivers.protocols import protocol

METERS = 32
ITEMS = ("00010000", "02010100", "02020100", "02030000")  # energy, voltage, current, power
BAUD, BITS_PER_CHAR, REPLY_DELAY_S = 2400, 11, 0.020
TARGET = 0.95


def test_bus_efficiency() -> None:
    spec = protocol("dlt645-2007")
    scenario = dataclasses.replace(generated(METERS), reply_delay_s=REPLY_DELAY_S)
    run = EmulatorRun(scenario, {spec.name: spec.make_device})
    host = EmulatorHost("bench-bus")
    link = create_loop("bench-bus", baudrate=BAUD, char_format="8E1")
    attach_loop(host, link, run.device())
    host.start()
    transport = open_link("loop://bench-bus")
    try:
        clients = [
            Dlt645Client(transport, m.address, ClientOptions(timeout_s=1.0, retries=0))
            for m in scenario.meters
        ]
        start = time.perf_counter()
        readings = [r for client in clients for r in client.read(ITEMS)]
        wall = time.perf_counter() - start
    finally:
        transport.close()
        host.stop()
        remove_loop("bench-bus")
    assert len(readings) == METERS * len(ITEMS)
    wire_bytes = sum(c.bus.stats.bytes_out + c.bus.stats.bytes_in for c in clients)
    replies = sum(c.bus.stats.exchanges for c in clients)
    retries = sum(c.bus.stats.attempts - c.bus.stats.exchanges for c in clients)
    ideal = wire_bytes * BITS_PER_CHAR / BAUD + replies * REPLY_DELAY_S
    efficiency = ideal / wall
    print(
        f"\nbus: {METERS} meters x {len(ITEMS)} items at {BAUD} Bd 8E1, {REPLY_DELAY_S * 1000:.0f}"
        f" ms reply delay: {replies} exchanges, {wire_bytes} bytes on the wire, {retries} "
        f"retries; ideal {ideal:.2f} s, measured {wall:.2f} s, efficiency {efficiency:.3f} "
        f"(target {TARGET})"
    )
    assert retries == 0
    assert efficiency >= TARGET
