"""The bus owner: request/reply exchanges against emulated meters over ``loop://`` — values,
timeouts and retries, corrupt replies, stale input, the inter-frame gap, broadcasts and
serialisation."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest

from drivers.bus import Bus, BusOptions
from drivers.dlt645 import dataids
from drivers.dlt645.codec import Frame, encode
from drivers.dlt645.dataids import lookup
from drivers.dlt645.emulated import make_device
from drivers.dlt645.session import ReadRequest
from drivers.dlt645.values import DataItem, Field, Value
from drivers.emulator.core import MeterCore
from drivers.emulator.device import DeviceOptions
from drivers.emulator.fleet import LoopFleet
from drivers.emulator.load import ConsumerLoad, CustomerClass
from drivers.errors import FrameError, FrameKind, MeterRejectedError, MeterTimeoutError
from drivers.link import open_link
from drivers.link.loop import LoopLink, create_loop, remove_loop

NOW = datetime(2026, 11, 21, 10, 7, 30)
ENERGY_TOTAL = lookup(dataids.FORWARD_ACTIVE_TOTAL)
ENERGY_BLOCK = lookup(0x0001FF00)
POWER_TOTAL = lookup(dataids.ACTIVE_POWER_TOTAL)
ADDR_1 = "000000000001"
ADDR_2 = "000000000002"
FAST = BusOptions(timeout_s=0.05, retries=1)
EPS = 1e-6  # float slack when comparing monotonic readings, not a timing margin

_names = itertools.count()


def fixed_clock() -> datetime:
    return NOW


def make_core(address: str, mean_daily_wh: int) -> MeterCore:
    model = ConsumerLoad(
        CustomerClass.RESIDENTIAL,
        mean_daily_wh,
        seed=int(address),
        reference_day=date(2026, 1, 1),
        reference_wh=1_234_567,
    )
    return MeterCore(address, model, fixed_clock)


def serve(fleet: LoopFleet, *cores: MeterCore) -> str:
    """Put DL/T 645-2007 meters on a new link that answer at once (no response delay)."""
    device = make_device(cores, DeviceOptions(reply_delay_s=0.0))
    return fleet.add_bus(f"test-bus-{next(_names)}", device, cores)


def shown_kwh(wh: int) -> Decimal:
    """A register as the meter displays it: kWh, truncated to two decimals (10 Wh)."""
    return Decimal(wh // 10) / 100


@pytest.fixture
def fleet() -> Iterator[LoopFleet]:
    with LoopFleet() as running:
        yield running


@pytest.fixture
def url(fleet: LoopFleet) -> str:
    return serve(fleet, make_core(ADDR_1, 8000))


def read(bus: Bus, address: str, item: DataItem) -> tuple[Value, ...]:
    request = ReadRequest(address, item)
    return request.interpret(bus.transact(request))


# ----------------------------------------------------------------------------- happy path


def test_read_returns_the_models_values(fleet: LoopFleet, url: str) -> None:
    bus = Bus(open_link(url), BusOptions(timeout_s=2.0))
    model = fleet.meter(ADDR_1).model
    (energy,) = read(bus, ADDR_1, ENERGY_TOTAL)
    assert energy.value == shown_kwh(model.register_wh(NOW))
    assert energy.value != 0
    block = read(bus, ADDR_1, ENERGY_BLOCK)
    tariffs = model.tariff_registers_wh(NOW)
    assert [v.value for v in block[1:]] == [shown_kwh(wh) for wh in tariffs]
    (power,) = read(bus, ADDR_1, POWER_TOTAL)
    assert power.value == (Decimal(model.power_w(NOW)) / 1000).quantize(Decimal("0.0001"))
    assert bus.name == url
    assert (bus.stats.exchanges, bus.stats.attempts, bus.stats.timeouts) == (3, 3, 0)
    request_bytes = len(ReadRequest(ADDR_1, ENERGY_TOTAL).encode())
    assert bus.stats.bytes_out == 3 * request_bytes
    # Replies: 12 bytes of frame + 4 of DI + 4, 20 and 3 bytes of values.
    assert bus.stats.bytes_in == 3 * 16 + 4 + 20 + 3


def test_unsupported_item_is_rejected_by_the_meter(url: str) -> None:
    not_in_table = DataItem(
        0x0F0F0F0F, "not served", "不支持", (Field("x", "x", "x", 1),)
    )  # the emulator only answers items of the DI table
    bus = Bus(open_link(url), BusOptions(timeout_s=2.0))
    with pytest.raises(MeterRejectedError) as info:
        read(bus, ADDR_1, not_in_table)
    assert info.value.error_bits == ("no requested data",)
    assert bus.stats.attempts == 1  # a rejection is an answer: no retry


def test_options_validation() -> None:
    with pytest.raises(ValueError, match="timeout"):
        BusOptions(timeout_s=0)
    with pytest.raises(ValueError, match="timeout"):
        BusOptions(timeout_s=-1.0)
    with pytest.raises(ValueError, match="retries"):
        BusOptions(retries=-1)
    with pytest.raises(ValueError, match="gap"):
        BusOptions(inter_frame_gap_s=-0.001)
    assert BusOptions(retries=0, inter_frame_gap_s=0.0).retries == 0


# ----------------------------------------------------------------------------- failures


def test_dead_meter_times_out_after_every_attempt(fleet: LoopFleet, url: str) -> None:
    fleet.meter(ADDR_1).dead = True
    options = BusOptions(timeout_s=0.05, retries=2)
    bus = Bus(open_link(url), options)
    t0 = time.monotonic()
    with pytest.raises(MeterTimeoutError) as info:
        bus.transact(ReadRequest(ADDR_1, ENERGY_TOTAL))
    assert time.monotonic() - t0 >= 3 * 0.05 - EPS  # each attempt waited its full timeout
    assert (bus.stats.exchanges, bus.stats.attempts, bus.stats.timeouts) == (1, 3, 3)
    message = str(info.value)
    for part in (url, ADDR_1, "00010000", "3 attempt(s)", "0.05 s"):
        assert part in message


def _corrupt_checksum(data: bytes) -> bytes:
    return data[:-2] + bytes((data[-2] ^ 0xFF,)) + data[-1:]


def corrupt_first(count: int) -> Callable[[bytes], Iterable[tuple[float, bytes]]]:
    """A manipulator that spoils the checksum of the first ``count`` writes."""
    seen = itertools.count()

    def manipulate(data: bytes) -> Iterable[tuple[float, bytes]]:
        return [(0.0, _corrupt_checksum(data) if next(seen) < count else data)]

    return manipulate


def test_corrupt_reply_is_retried(fleet: LoopFleet, url: str) -> None:
    fleet.link(url.removeprefix("loop://")).device.set_manipulator(corrupt_first(1))
    bus = Bus(open_link(url), BusOptions(timeout_s=2.0, retries=1))
    (energy,) = read(bus, ADDR_1, ENERGY_TOTAL)
    assert energy.value == shown_kwh(fleet.meter(ADDR_1).model.register_wh(NOW))
    assert (bus.stats.attempts, bus.stats.frame_errors, bus.stats.timeouts) == (2, 1, 0)


def test_every_reply_corrupt_raises_the_frame_error(fleet: LoopFleet, url: str) -> None:
    fleet.link(url.removeprefix("loop://")).device.set_manipulator(corrupt_first(10**6))
    bus = Bus(open_link(url), BusOptions(timeout_s=2.0, retries=2))
    with pytest.raises(FrameError) as info:
        bus.transact(ReadRequest(ADDR_1, ENERGY_TOTAL))
    assert info.value.kind is FrameKind.CHECKSUM
    assert isinstance(info.value.__cause__, FrameError)
    assert "corrupt reply after 3 attempt(s)" in str(info.value)
    assert url in str(info.value)
    assert (bus.stats.attempts, bus.stats.frame_errors, bus.stats.timeouts) == (3, 3, 0)


# ----------------------------------------------------------------------------- hand-made device


def _reply(kwh_bcd: bytes, address: str = ADDR_1) -> bytes:
    return encode(Frame(address, 0x91, ENERGY_TOTAL.di_wire + kwh_bcd))


@pytest.fixture
def link() -> Iterator[LoopLink]:
    name = f"test-bus-raw-{next(_names)}"
    created = create_loop(name)
    created.device.open()
    yield created
    remove_loop(name)


def test_stale_bytes_are_discarded_before_the_request(link: LoopLink) -> None:
    # A late reply to an earlier request (1.00 kWh) is already waiting when we ask again;
    # the device answers the new request with 2.00 kWh.
    stale = _reply(bytes.fromhex("00 01 00 00"))
    fresh = _reply(bytes.fromhex("00 02 00 00"))
    link.device.write(stale)
    link.device.on_receive(lambda _data, _arrival: link.device.write(fresh))
    bus = Bus(open_link(f"loop://{link.name}"), FAST)
    (energy,) = read(bus, ADDR_1, ENERGY_TOTAL)
    assert energy.value == Decimal("2.00")
    assert bus.stats.bytes_in == len(stale) + len(fresh)
    assert bus.stats.attempts == 1


def test_echo_and_other_devices_frames_are_ignored(link: LoopLink) -> None:
    def answer(data: bytes, _arrival: float) -> None:
        link.device.write(data)  # the request's echo on a 2-wire bus
        link.device.write(_reply(bytes.fromhex("00 09 00 00"), ADDR_2))  # someone else
        link.device.write(_reply(bytes.fromhex("00 03 00 00")))

    link.device.on_receive(answer)
    bus = Bus(open_link(f"loop://{link.name}"), FAST)
    (energy,) = read(bus, ADDR_1, ENERGY_TOTAL)
    assert energy.value == Decimal("3.00")
    assert bus.stats.attempts == 1


def test_inter_frame_gap_is_respected(link: LoopLink) -> None:
    arrivals: list[float] = []

    def answer(_data: bytes, arrival: float) -> None:
        arrivals.append(arrival)
        link.device.write(_reply(bytes.fromhex("00 01 00 00")))

    link.device.on_receive(answer)
    bus = Bus(open_link(f"loop://{link.name}"), BusOptions(timeout_s=1.0, inter_frame_gap_s=0.05))
    read(bus, ADDR_1, ENERGY_TOTAL)
    read(bus, ADDR_1, ENERGY_TOTAL)
    assert len(arrivals) == 2
    assert arrivals[1] - arrivals[0] >= 0.05 - EPS


def test_broadcast_goes_out_in_turn_and_awaits_no_reply(link: LoopLink) -> None:
    heard: list[tuple[bytes, float]] = []

    def answer(data: bytes, arrival: float) -> None:
        heard.append((data, arrival))
        if data != broadcast:  # nobody answers a broadcast
            link.device.write(_reply(bytes.fromhex("00 01 00 00")))

    link.device.on_receive(answer)
    # Broadcast time 2026-11-21 10:07:30 (control 08; bytes checked in dlt645/test_session.py).
    broadcast = bytes.fromhex("68 99 99 99 99 99 99 68 08 06 63 3A 43 54 44 59 45 16")
    stale = _reply(bytes.fromhex("00 09 00 00"))
    gap = 0.05
    bus = Bus(open_link(f"loop://{link.name}"), BusOptions(timeout_s=1.0, inter_frame_gap_s=gap))
    read(bus, ADDR_1, ENERGY_TOTAL)
    link.device.write(stale)  # a late reply, dropped before the broadcast goes out
    bus.broadcast(broadcast)
    (energy,) = read(bus, ADDR_1, ENERGY_TOTAL)
    assert energy.value == Decimal("1.00")
    request = ReadRequest(ADDR_1, ENERGY_TOTAL).encode()
    assert [data for data, _arrival in heard] == [request, broadcast, request]
    arrivals = [arrival for _data, arrival in heard]
    assert arrivals[1] - arrivals[0] >= gap - EPS  # the gap holds before a broadcast
    assert arrivals[2] - arrivals[1] >= gap - EPS  # and after it
    assert (bus.stats.exchanges, bus.stats.attempts, bus.stats.timeouts) == (2, 2, 0)
    assert bus.stats.bytes_out == 2 * len(request) + len(broadcast)
    assert bus.stats.bytes_in == 2 * 20 + len(stale)


# ----------------------------------------------------------------------------- threads


def read_from_two_threads(buses: dict[str, Bus], rounds: int) -> dict[str, list[object]]:
    """Each meter's energy read ``rounds`` times through its bus, both threads at once; what
    each read returned (or raised)."""
    start = threading.Barrier(len(buses))
    results: dict[str, list[object]] = {address: [] for address in buses}

    def worker(address: str) -> None:
        start.wait()
        for _ in range(rounds):
            try:
                (energy,) = read(buses[address], address, ENERGY_TOTAL)
                results[address].append(energy.value)
            except Exception as err:  # reported through the results, asserted by the caller
                results[address].append(err)

    threads = [threading.Thread(target=worker, args=(a,)) for a in buses]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30.0)
    return results


def two_meters(fleet: LoopFleet) -> tuple[str, dict[str, Decimal]]:
    """Two meters with different registers on one link with some wire time (unserialised
    exchanges would overlap); the link's URL and what each meter shows."""
    fleet.baudrate = 19200
    url = serve(fleet, make_core(ADDR_1, 8000), make_core(ADDR_2, 30000))
    expected = {a: shown_kwh(fleet.meter(a).model.register_wh(NOW)) for a in (ADDR_1, ADDR_2)}
    assert expected[ADDR_1] != expected[ADDR_2]
    return url, expected


def test_concurrent_callers_are_serialised(fleet: LoopFleet) -> None:
    url, expected = two_meters(fleet)
    bus = Bus(open_link(url), BusOptions(timeout_s=2.0, retries=0))
    results = read_from_two_threads({ADDR_1: bus, ADDR_2: bus}, rounds=8)
    assert results == {address: [expected[address]] * 8 for address in (ADDR_1, ADDR_2)}
    assert (bus.stats.exchanges, bus.stats.attempts) == (2 * 8, 2 * 8)


def test_clients_on_one_link_share_its_lock(fleet: LoopFleet) -> None:
    """Two buses (two meters' clients) on one transport: their exchanges never interleave."""
    url, expected = two_meters(fleet)
    transport = open_link(url)
    buses = {a: Bus(transport, BusOptions(timeout_s=2.0, retries=0)) for a in (ADDR_1, ADDR_2)}
    results = read_from_two_threads(buses, rounds=6)
    assert results == {a: [expected[a]] * 6 for a in (ADDR_1, ADDR_2)}
    assert all(bus.stats.timeouts == bus.stats.frame_errors == 0 for bus in buses.values())


def test_a_conversation_holds_the_link_against_other_buses(url: str) -> None:
    transport = open_link(url)
    holder, other = Bus(transport, FAST), Bus(transport, FAST)
    done = threading.Event()

    def exchange() -> None:
        read(other, ADDR_1, ENERGY_TOTAL)
        done.set()

    with holder.conversation() as held:
        assert held is transport
        thread = threading.Thread(target=exchange)
        thread.start()
        assert not done.wait(0.2)  # the other bus waits for the conversation to end
    thread.join(5)
    assert done.is_set()
