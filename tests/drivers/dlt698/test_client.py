"""The DL/T 698.45 client against the emulated meter over ``loop://``: Normal and NormalList
reads equal to what the ``MeterCore`` says (worked out here), LINK, rejections, and every
condition of the core as the client sees it."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from drivers.api import ClientOptions, Reading
from drivers.dlt698.apdu import GetRequestNormal, GetRequestNormalList, LinkRequest, decode_apdu
from drivers.dlt698.client import MAX_OADS_PER_REQUEST, Dlt698Client, open_client
from drivers.dlt698.codec import StreamDecoder
from drivers.dlt698.emulated import make_device
from drivers.emulator.core import Condition, MeterCore
from drivers.emulator.device import DeviceOptions, attach_loop
from drivers.emulator.host import EmulatorHost
from drivers.errors import FrameError, FrameKind, MeterRejectedError, MeterTimeoutError
from drivers.link.loop import LoopLink, create_loop, remove_loop

NOW = datetime(2026, 11, 21, 10, 7, 30)
ADDRESS = "123456789012"
FAST = ClientOptions(timeout_s=1.0, retries=0)
SHORT = ClientOptions(timeout_s=0.15, retries=1)
EPS = 1e-3  # clock granularity slack for lower-bound timing asserts
_names = itertools.count()


class SteadyModel:
    """Registers that grow by one Wh per second per tariff; constant power."""

    def tariff_registers_wh(self, at: datetime) -> tuple[int, int, int, int]:
        grown = int((at - datetime(2026, 1, 1)).total_seconds())
        return (100_000 + grown, 200_000 + grown, 300_000 + grown, 400_000 + grown)

    def register_wh(self, at: datetime) -> int:
        return sum(self.tariff_registers_wh(at))

    def power_w(self, at: datetime) -> int:
        return 2_345


def make_core(address: str = ADDRESS, **kwargs: object) -> MeterCore:
    return MeterCore(address, SteadyModel(), lambda: NOW, **kwargs)  # type: ignore[arg-type]


@dataclass
class Bench:
    """An emulator host, a loop link with the emulated meters on it, and what the master sent."""

    host: EmulatorHost
    link: LoopLink
    sent: list[bytes] = field(default_factory=list)

    def client(self, address: str = ADDRESS, options: ClientOptions = FAST) -> Dlt698Client:
        return Dlt698Client(self.link.master, address, options, clock=lambda: NOW)

    def requests(self) -> list[object]:
        frames = StreamDecoder().feed(b"".join(self.sent))
        return [decode_apdu(f.apdu) for f in frames if not isinstance(f, FrameError)]


class BenchMaker:
    """Puts emulated meters on a fresh ``loop://`` link served by one emulator host."""

    def __init__(self, host: EmulatorHost) -> None:
        self.host = host
        self.names: list[str] = []

    def __call__(self, cores: list[MeterCore], options: DeviceOptions | None = None) -> Bench:
        name = f"dlt698-test-{next(_names)}"
        self.names.append(name)
        link = create_loop(name)
        device = make_device(cores, options or DeviceOptions(reply_delay_s=0.0))
        attach_loop(self.host, link, device)
        bench = Bench(self.host, link)

        def record(data: bytes) -> list[tuple[float, bytes]]:
            bench.sent.append(data)
            return [(0.0, data)]

        link.master.set_manipulator(record)
        link.master.open()
        return bench


@pytest.fixture
def make_bench() -> Iterator[BenchMaker]:
    host = EmulatorHost("dlt698-test")
    host.start()
    maker = BenchMaker(host)
    yield maker
    host.stop()
    for name in maker.names:
        remove_loop(name)


def kwh(primary_wh: int, ct: int = 1) -> Decimal:
    """What the meter shows: secondary kWh with two decimals, truncated."""
    return Decimal(primary_wh // ct // 10) / 100


def fixed(value: float, places: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places))


# ----------------------------------------------------------------------------- reads


def test_read_one_array_oad_with_get_normal(make_bench: BenchMaker) -> None:
    meter = make_core()
    bench = make_bench([meter])
    readings = bench.client().read(["00100200"])
    regs = meter.registers(NOW)
    assert readings == [
        Reading("00100201", "forward active energy total", kwh(regs.forward[0]), "kWh", "正向有功电能总"),
        *(
            Reading(f"0010020{t + 1}", f"forward active energy tariff {t}", kwh(regs.forward[t]),
                    "kWh", f"正向有功电能费率{t}")
            for t in range(1, 5)
        ),
    ]  # fmt: skip
    (request,) = bench.requests()
    assert isinstance(request, GetRequestNormal)


def test_read_several_oads_with_one_normal_list(make_bench: BenchMaker) -> None:
    meter = make_core(phases=3)
    bench = make_bench([meter])
    items = ["20000200", "20010200", "20040200", "200A0201", "200F0200", "40000200", "40010200"]
    readings = bench.client().read(items)
    inst = meter.instant(NOW)
    expected = {
        **{f"2000020{i + 1}": (fixed(v, "0.1"), "V") for i, v in enumerate(inst.voltage_v)},
        **{f"2001020{i + 1}": (fixed(a, "0.001"), "A") for i, a in enumerate(inst.current_a)},
        **{f"2004020{i + 1}": (fixed(p, "0.1"), "W") for i, p in enumerate(inst.active_w)},
        "200A0201": (fixed(inst.power_factor[0], "0.001"), ""),
        "200F0200": (fixed(inst.frequency_hz, "0.01"), "Hz"),
        "40000200": (NOW, ""),
        "40010200": (ADDRESS, ""),
    }
    assert {r.item: (r.value, r.unit) for r in readings} == expected
    assert [r.item for r in readings][:3] == ["20000201", "20000202", "20000203"]
    (request,) = bench.requests()
    assert isinstance(request, GetRequestNormalList)
    assert [str(oad) for oad in request.oads] == items


def test_a_ct_meter_reads_secondary_values(make_bench: BenchMaker) -> None:
    meter = make_core(ct_ratio=50)
    bench = make_bench([meter])
    readings = bench.client().read(["00100201", "20040201"])
    regs, inst = meter.registers(NOW), meter.instant(NOW)
    assert [r.value for r in readings] == [
        kwh(regs.forward[0], 50),
        fixed(inst.active_w[0] / 50, "0.1"),
    ]


def test_many_items_are_chunked(make_bench: BenchMaker) -> None:
    bench = make_bench([make_core()])
    items = ["200F0200"] * (MAX_OADS_PER_REQUEST + 2)
    readings = bench.client().read(items)
    assert len(readings) == len(items)
    assert [
        len(r.oads) if isinstance(r, GetRequestNormalList) else 1 for r in bench.requests()
    ] == [
        MAX_OADS_PER_REQUEST,
        2,
    ]


def test_wildcard_address_reaches_the_single_meter(make_bench: BenchMaker) -> None:
    bench = make_bench([make_core()])
    (reading,) = bench.client("AAAAAAAAAAAA").read(["40010200"])
    assert reading.value == ADDRESS


def test_two_meters_on_one_link(make_bench: BenchMaker) -> None:
    other = "123456789099"
    bench = make_bench([make_core(), make_core(other, ct_ratio=10)])
    assert bench.client(other).read(["40010200"])[0].value == other
    assert bench.client(ADDRESS).read(["40010200"])[0].value == ADDRESS
    sent = len(bench.sent)
    assert bench.client().read([]) == []
    assert len(bench.sent) == sent  # nothing asked, nothing sent


def test_open_client_uses_the_client_address(make_bench: BenchMaker) -> None:
    bench = make_bench([make_core()])
    client = open_client(bench.link.master, ADDRESS, ClientOptions(client_address=0x21))
    assert client.protocol == "dlt698.45"
    client.read(["200F0200"])
    (frame,) = StreamDecoder().feed(bench.sent[0])
    assert not isinstance(frame, FrameError)
    assert frame.client == 0x21


def test_link_login_heartbeat_and_logout(make_bench: BenchMaker) -> None:
    meter = make_core()
    meter.set_clock_drift(offset_s=-30)
    bench = make_bench([meter])
    client = bench.client()
    login = client.login(heartbeat_s=120)
    assert (login.clock_trusted, login.result_code, login.request_time) == (True, 0, NOW)
    assert login.receive_time == NOW - timedelta(seconds=30)
    assert client.heartbeat().result_code == 0
    assert client.logout().result_code == 0
    kinds = [
        (r.request_type.name, r.heartbeat_s) for r in bench.requests() if isinstance(r, LinkRequest)
    ]
    assert kinds == [("LOGIN", 120), ("HEARTBEAT", 300), ("LOGOUT", 0)]


# ----------------------------------------------------------------------------- refusals


def test_unknown_oad_is_rejected_with_the_dar(make_bench: BenchMaker) -> None:
    bench = make_bench([make_core()])
    with pytest.raises(MeterRejectedError) as info:
        bench.client().read(["20000200", "30000200"])
    assert info.value.error_bits == ("object undefined",)
    message = str(info.value)
    assert ADDRESS in message and "30000200" in message and "DAR 4" in message


def test_element_out_of_range_is_rejected(make_bench: BenchMaker) -> None:
    bench = make_bench([make_core()])
    with pytest.raises(MeterRejectedError, match="out of range"):
        bench.client().read(["00100206"])


def test_an_item_that_is_not_an_oad(make_bench: BenchMaker) -> None:
    bench = make_bench([make_core()])
    with pytest.raises(ValueError, match=re.escape("'0010020' is not a DL/T 698.45 OAD")):
        bench.client().read(["00100200", "0010020"])
    assert bench.sent == []


def test_bad_addresses_are_refused(make_bench: BenchMaker) -> None:
    bench = make_bench([make_core()])
    with pytest.raises(ValueError):
        bench.client("12345678901")
    with pytest.raises(ValueError):
        bench.client(options=ClientOptions(client_address=256))


# ----------------------------------------------------------------------------- conditions


@pytest.mark.parametrize("condition", ["dead", "power_off"])
def test_a_silent_meter_times_out_after_every_retry(make_bench: BenchMaker, condition: str) -> None:
    meter = make_core(dead=condition == "dead")
    if condition == "power_off":
        meter.begin(Condition.POWER_OFF, at=NOW - timedelta(hours=1))
    bench = make_bench([meter])
    started = time.monotonic()
    with pytest.raises(MeterTimeoutError, match=re.escape("no reply within 0.15 s (2 attempt")):
        bench.client(options=SHORT).read(["00100200"])
    assert time.monotonic() - started >= 2 * SHORT.timeout_s - EPS
    assert len(bench.requests()) == 2


def test_a_garbled_meter_gives_a_checksum_error_or_a_timeout(make_bench: BenchMaker) -> None:
    bench = make_bench([make_core(bit_error_rate=0.02)])
    with pytest.raises((FrameError, MeterTimeoutError)) as info:
        bench.client(options=SHORT).read(["00100200"])
    if isinstance(info.value, FrameError):
        assert info.value.kind is FrameKind.CHECKSUM
        assert "corrupt reply after 2 attempt(s)" in str(info.value)


def test_a_slow_meter_within_the_timeout_is_still_read(make_bench: BenchMaker) -> None:
    meter = make_core(extra_delay_s=0.1)
    bench = make_bench([meter], options=DeviceOptions(reply_delay_s=0.02))
    started = time.monotonic()
    (reading,) = bench.client().read(["200F0200"])
    assert time.monotonic() - started >= 0.12 - EPS
    assert reading.value == Decimal("50.00")


def test_a_meter_slower_than_the_timeout_times_out(make_bench: BenchMaker) -> None:
    bench = make_bench([make_core(extra_delay_s=0.5)])
    with pytest.raises(MeterTimeoutError):
        bench.client(options=ClientOptions(timeout_s=0.1, retries=0)).read(["200F0200"])
