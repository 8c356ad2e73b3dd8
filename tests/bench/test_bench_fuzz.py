"""Fuzz: 1,000,000 random and mutated frames through every decoder; anything raised that is not
a ``FrameError`` is a bug. Prints frames per second.

Seeds are real traffic: every protocol's client reading its emulated meter over ``loop://``
with every byte captured. Each fuzz frame is one of: random bytes; a seed with byte-level
mutations (bit flips, overwrites, inserts, deletes, truncation, splices, garbage around it);
or a seed whose payload is mutated and whose checksums are then made right again, so the
value decoders behind the checksum see hostile input too.

    python3 packaging/dev.py bench -k fuzz          (SMC_FUZZ_FRAMES=N for another count)
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from console.cli.decode import decode as smc_decode
from drivers.api import ClientOptions
from drivers.dlt645 import codec as c645
from drivers.dlt645 import report as r645
from drivers.dlt645.loadprofile import parse_records
from drivers.dlt698 import codec as c698
from drivers.dlt698 import report as r698
from drivers.dlt698.apdu import decode_apdu
from drivers.dlt698.axdr import decode_data
from drivers.emulator.device import attach_loop
from drivers.emulator.host import EmulatorHost
from drivers.emulator.scenario import EmulatorRun, MeterSpec, Scenario
from drivers.errors import DriverError, FrameError
from drivers.iec62056 import codec as ciec
from drivers.iec62056 import report as riec
from drivers.link.base import create_transport
from drivers.link.loop import create_loop, remove_loop
from drivers.link.spy import SpyTransport
from drivers.protocols import protocol

FRAMES = int(os.environ.get("SMC_FUZZ_FRAMES", "1000000"))
SEED = 20261121

# What each protocol's client reads to produce seed traffic (request and reply frames).
READS = {
    "dlt645-2007": [
        ["00010000", "0001FF00", "0201FF00", "02030000", "04000101", "04000102", "0F0F0F0F"],
        ["01010000", "03110000", "03110001", "05060101", "04000501"],
        ["06000001@2026-11-21T08:00*4"],
    ],
    "dlt645-1997": [["9010", "901F", "B611", "B621", "B630", "C010", "C011", "C032"]],
    "iec62056-21": [["1.8.0", "0.9.1", "0.9.2", "32.7.0", "31.7.0"]],
    "dlt698.45": [["00100200", "20000200", "20010200", "20040200", "40000200", "40010200"]],
}


def capture_seeds() -> dict[str, list[bytes]]:
    """Every message written and read while each protocol's client reads its emulator."""
    return {name: capture(name, batches) for name, batches in READS.items()}


def capture(name: str, batches: list[list[str]]) -> list[bytes]:
    spec = protocol(name)
    meters = (MeterSpec("000000000001", name, "commercial", ct_ratio=40, phases=3),)
    run = EmulatorRun(
        Scenario(meters, reply_delay_s=0.0, start=datetime(2026, 11, 21, 10, 7, 30)),
        {name: spec.make_device},
    )
    host = EmulatorHost(f"seeds-{name}")
    link_name = f"fuzz-seeds-{name}"
    attach_loop(host, create_loop(link_name), run.device())
    host.start()
    chunks: list[tuple[str, bytes]] = []

    def heard(direction: str, data: bytes, _at: float) -> None:
        # Chunks in a row in one direction are one message (a reply arrives in pieces).
        if chunks and chunks[-1][0] == direction:
            chunks[-1] = (direction, chunks[-1][1] + data)
        else:
            chunks.append((direction, data))

    transport = create_transport(f"spy+loop://{link_name}")
    assert isinstance(transport, SpyTransport)
    transport.listeners = [heard]
    transport.open()
    try:
        client = spec.open_client(
            transport, "000000000001", ClientOptions(timeout_s=1.0, retries=0)
        )
        for items in batches:
            # A rejected item still left its request and the abnormal reply.
            with contextlib.suppress(DriverError):
                client.read(items)
    finally:
        transport.close()
        host.stop()
        remove_loop(link_name)
    seeds = [data for _d, data in chunks if data.strip(b"\x00")]
    assert len(seeds) >= 2, f"{name}: no traffic captured"
    return seeds


# ---------------------------------------------------------------------------- mutations


def mutate_bytes(rng: random.Random, raw: bytes, others: list[bytes]) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op == 2:
            data[pos:pos] = rng.randbytes(rng.randint(1, 8))
        elif op == 3 and data:
            del data[pos : pos + rng.randint(1, 8)]
        elif op == 4:
            del data[pos:]
        elif op == 5:
            other = rng.choice(others)
            cut = rng.randrange(len(other) + 1)
            data = data[:pos] + other[cut:]
        elif op == 6:
            data = (
                bytearray(rng.randbytes(rng.randint(0, 16)))
                + data
                + rng.randbytes(rng.randint(0, 16))
            )
        else:
            interesting = (0x00, 0x16, 0x33, 0x68, 0x7F, 0x80, 0xFE, 0xFF, 0x02, 0x03, 0x0D)
            if data:
                data[min(pos, len(data) - 1)] = rng.choice(interesting)
    return bytes(data)


def mutate_payload(rng: random.Random, payload: bytes) -> bytes:
    data = bytearray(payload)
    for _ in range(rng.randint(1, 3)):
        pos = rng.randrange(len(data) + 1)
        op = rng.randrange(4)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op == 1:
            data[pos:pos] = rng.randbytes(rng.randint(1, 4))
        elif op == 2 and len(data) > 1:
            del data[pos : pos + rng.randint(1, 4)]
        elif data:
            data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
    return bytes(data)


def rechecked_645(rng: random.Random, raw: bytes) -> bytes | None:
    try:
        frame = c645.decode(raw)
    except FrameError:
        return None
    data = mutate_payload(rng, frame.data)[: c645.MAX_DATA_LEN]
    control = frame.control if rng.random() < 0.8 else rng.randrange(256)
    return c645.encode(c645.Frame(frame.address, control, data))


def rechecked_698(rng: random.Random, raw: bytes) -> bytes | None:
    try:
        frame = c698.decode(raw)
    except FrameError:
        return None
    apdu = mutate_payload(rng, frame.apdu) or b"\x00"
    try:
        return c698.encode(c698.Frame(frame.control, frame.server, frame.client, apdu))
    except ValueError:
        return None


def rechecked_iec(rng: random.Random, raw: bytes) -> bytes | None:
    start = max(raw.find(b"\x01"), raw.find(b"\x02"))
    end = max(raw.rfind(b"\x03"), raw.rfind(b"\x04"))
    if start < 0 or end <= start:
        return None
    body = raw[: start + 1] + mutate_payload(rng, raw[start + 1 : end]) + raw[end : end + 1]
    return body + bytes((ciec.bcc(body[start + 1 :]),))


RECHECK: dict[str, Callable[[random.Random, bytes], bytes | None]] = {
    "dlt645-2007": rechecked_645,
    "dlt645-1997": rechecked_645,
    "dlt698.45": rechecked_698,
    "iec62056-21": rechecked_iec,
}


# ---------------------------------------------------------------------------- decoders


def _stream(decoder_factory: Callable[[], object]) -> Callable[[bytes], object]:
    def feed_in_pieces(raw: bytes) -> object:
        decoder = decoder_factory()
        half = len(raw) // 2
        out = decoder.feed(raw[:half])  # type: ignore[attr-defined]
        out += decoder.feed(raw[half:])  # type: ignore[attr-defined]
        return out

    return feed_in_pieces


DECODERS: dict[str, Callable[[bytes], object]] = {
    "dlt645 decode": c645.decode,
    "dlt645 stream": _stream(c645.StreamDecoder),
    "dlt645-2007 describe": lambda raw: r645.describe(raw, version=None),
    "dlt645-1997 describe": lambda raw: r645.describe(raw, version="1997"),
    "dlt645 load profile": parse_records,
    "iec62056-21 decode": ciec.decode,
    "iec62056-21 stream": _stream(ciec.StreamDecoder),
    "iec62056-21 describe": riec.describe,
    "dlt698.45 decode": c698.decode,
    "dlt698.45 stream": _stream(c698.StreamDecoder),
    "dlt698.45 apdu": decode_apdu,
    "dlt698.45 a-xdr": decode_data,
    "dlt698.45 describe": r698.describe,
    "smc decode auto": smc_decode,
    "sniffs": lambda raw: (r645.looks_like(raw), riec.looks_like(raw), r698.looks_like(raw)),
}


def test_fuzz_every_decoder() -> None:
    seeds = capture_seeds()
    flat = [(name, raw) for name, frames in seeds.items() for raw in frames]
    all_raw = [raw for _, raw in flat]
    rng = random.Random(SEED)
    kinds: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    bugs: list[str] = []
    calls = 0
    start = time.perf_counter()
    for _ in range(FRAMES):
        roll = rng.random()
        name, seed = rng.choice(flat)
        raw: bytes | None = None
        if roll < 0.1:
            raw, kind = rng.randbytes(rng.randint(0, 300)), "random"
        elif roll < 0.55:
            raw, kind = mutate_bytes(rng, seed, all_raw), "mutated"
        else:
            raw, kind = RECHECK[name](rng, seed), "rechecked"
            if raw is None:
                raw, kind = mutate_bytes(rng, seed, all_raw), "mutated"
        kinds[kind] += 1
        for decoder_name, decoder in DECODERS.items():
            calls += 1
            try:
                decoder(raw)
                outcomes["ok"] += 1
            except FrameError:
                outcomes["FrameError"] += 1
            except Exception as err:  # what the fuzz run is looking for
                outcomes[type(err).__name__] += 1
                if len(bugs) < 20:
                    bugs.append(f"{decoder_name}: {type(err).__name__}: {err} <- {raw.hex()}")
    wall = time.perf_counter() - start
    print(
        f"\nfuzz: {FRAMES:,} frames ({', '.join(f'{k} {v:,}' for k, v in sorted(kinds.items()))})"
        f" x {len(DECODERS)} decoders = {calls:,} calls in {wall:.1f} s: "
        f"{FRAMES / wall:,.0f} frames/s, {calls / wall:,.0f} decoder calls/s; outcomes "
        f"{dict(outcomes)}; seeds {sum(len(v) for v in seeds.values())} captured chunks"
    )
    for line in bugs:
        print("  BUG", line)
    assert outcomes["ok"] > 0 and outcomes["FrameError"] > 0  # both paths were exercised
    assert not bugs
