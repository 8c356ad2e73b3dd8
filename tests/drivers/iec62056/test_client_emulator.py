"""The mode C client against the emulated meter over ``loop://`` with wire time at 300 Bd 7E1:
the baud switch, programming mode, addressing on a shared bus, and every emulated condition."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from datetime import time as clock_time
from decimal import Decimal

import pytest

from drivers.api import ClientOptions
from drivers.emulator.core import Condition, MeterCore
from drivers.emulator.device import DeviceOptions, attach_loop
from drivers.emulator.host import EmulatorHost
from drivers.errors import FrameError, FrameKind, MeterRejectedError, MeterTimeoutError
from drivers.iec62056.client import IecClient
from drivers.iec62056.emulated import EmulatedIecMeter
from drivers.link.base import Transport
from drivers.link.loop import LoopLink, create_loop, remove_loop

from .conftest import NOW, MakeCore, SettableClock

# Timing assertions are lower bounds only: the link never delivers a byte before its wire time,
# while a loaded machine may deliver it later.
_names = itertools.count()
EPS = 1e-6  # float slack for comparing monotonic readings, not a timing margin
FAST = DeviceOptions(reply_delay_s=0.0, max_baudrate=19200)


class Spy:
    """A transport wrapper that notes when bytes went out, came in, and the rate changed."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.writes: list[tuple[float, bytes]] = []
        self.reads: list[tuple[float, bytes]] = []
        self.bauds: list[tuple[float, int]] = []

    @property
    def url(self) -> str:
        return self.inner.url

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def write(self, data: bytes) -> None:
        self.writes.append((time.monotonic(), data))
        self.inner.write(data)

    def read(self, max_bytes: int, deadline: float) -> bytes:
        data = self.inner.read(max_bytes, deadline)
        if data:
            self.reads.append((time.monotonic(), data))
        return data

    def set_baudrate(self, baudrate: int) -> None:
        self.bauds.append((time.monotonic(), baudrate))
        self.inner.set_baudrate(baudrate)

    def received_after(self, moment: float) -> tuple[int, float]:
        """Bytes read after ``moment`` and when the last of them arrived."""
        later = [(t, data) for t, data in self.reads if t > moment]
        return sum(len(data) for _t, data in later), later[-1][0]


Bus = Callable[..., tuple[LoopLink, EmulatedIecMeter, Spy]]


@pytest.fixture
def bus() -> Iterator[Bus]:
    host = EmulatorHost("iec62056-test")
    host.start()
    names: list[str] = []

    def make(
        cores: list[MeterCore], options: DeviceOptions = FAST, **device: object
    ) -> tuple[LoopLink, EmulatedIecMeter, Spy]:
        name = f"iec62056-test-{next(_names)}"
        names.append(name)
        link = create_loop(name, baudrate=300, char_format="7E1")
        meter = EmulatedIecMeter(cores, options, **device)  # type: ignore[arg-type]
        attach_loop(host, link, meter)
        link.master.open()
        return link, meter, Spy(link.master)

    yield make
    host.stop()
    for name in names:
        remove_loop(name)


def client(spy: Spy, address: str = "", **options: object) -> IecClient:
    return IecClient(spy, address, ClientOptions(**options))  # type: ignore[arg-type]


def test_readout_after_a_switch_to_9600(bus: Bus, make_core: MakeCore) -> None:
    link, _, spy = bus([make_core(phases=3)], DeviceOptions(reply_delay_s=0.0, max_baudrate=9600))
    readings = client(spy).read(["1.8.0", "0.9.1", "0.9.2", "32.7.0", "31.7.0", "1.6.0"])
    assert link.baudrate == 9600
    assert [baud for _t, baud in spy.bauds] == [300, 9600]
    values = {(r.item, r.name): r.value for r in readings}
    assert values["1.8.0", "forward active energy (total)"] == Decimal("1000.01")
    assert values["0.9.1", "meter time"] == clock_time(10, 7, 30)
    assert values["1.6.0", "maximum demand time"] == datetime(2026, 11, 1, 0, 15)
    assert Decimal(200) < values["32.7.0", "voltage phase A"] < Decimal(240)  # type: ignore[operator]
    ack_at = spy.writes[1][0]
    assert spy.writes[1][1] == b"\x06050\r\n"
    assert spy.bauds[1][0] >= ack_at + 6 * 10 / 300 - EPS  # switched once the ACK had left
    size, done = spy.received_after(ack_at)
    assert size > 400  # the whole readout came after the ACK ...
    assert done - ack_at >= 6 * 10 / 300 + size * 10 / 9600 - EPS  # ... at 9600 Bd at the fastest


def test_staying_at_300_bd(bus: Bus, make_core: MakeCore) -> None:
    link, _, spy = bus([make_core()], readout_items=("1.8.0",))
    assert client(spy, switch_baud=False).read(["1.8.0"])[0].value == Decimal("1000.01")
    assert link.baudrate == 300
    assert {baud for _t, baud in spy.bauds} == {300}
    ack_at = spy.writes[1][0]
    size, done = spy.received_after(ack_at)
    assert done - ack_at >= (6 + size) * 10 / 300 - EPS


def test_wake_up_sequence(bus: Bus, make_core: MakeCore) -> None:
    _, _, spy = bus([make_core()], readout_items=("1.8.0",))
    reader = IecClient(spy, "", ClientOptions(wake_up=True), wake_up_s=0.1, wake_up_pause_s=0.05)
    assert reader.read(["1.8.0"])[0].value == Decimal("1000.01")
    (nul_at, nuls), (sign_on_at, sign_on) = spy.writes[:2]
    assert (nuls, sign_on) == (b"\x00" * 3, b"/?!\r\n")
    assert sign_on_at - nul_at >= 3 * 10 / 300 + 0.05 - EPS


def test_programming_mode_read_with_the_password(bus: Bus, make_core: MakeCore) -> None:
    _, _, spy = bus([make_core()], password="12345678", readout_items=("1.8.0",))
    readings = client(spy, password="12345678").read(["1.8.0", "1.8.2", "14.7.0"])
    assert [r.value for r in readings] == [Decimal("1000.01"), Decimal("200.00"), Decimal("50.00")]
    assert spy.writes[-1][1] == b"\x01B0\x03\x71"  # left programming mode (BCC in test_codec)


def test_a_wrong_password_is_refused(bus: Bus, make_core: MakeCore) -> None:
    core = make_core()
    _, _, spy = bus([core], password="12345678")
    with pytest.raises(MeterRejectedError, match="password refused"):
        client(spy, password="00000000").set_clock(datetime(2026, 11, 21, 8, 0))
    assert core.meter_time() == NOW


def test_clock_write_sets_the_meter_clock(bus: Bus, make_core: MakeCore) -> None:
    core = make_core()
    _, _, spy = bus([core])
    client(spy, password="00000000").set_clock(datetime(2026, 11, 20, 8, 0, 5))
    assert core.meter_time() == datetime(2026, 11, 20, 8, 0, 5)


def test_the_address_selects_one_meter_on_a_shared_bus(bus: Bus, make_core: MakeCore) -> None:
    cores = [make_core("000000000001"), make_core("000000000002", power_w=2_000)]
    _, _, spy = bus(cores, readout_items=("0.0.0", "1.7.0"))
    readings = client(spy, "000000000002").read(["0.0.0", "1.7.0"])
    assert [r.value for r in readings] == ["000000000002", Decimal("2.0000")]
    assert spy.writes[0][1] == b"/?000000000002!\r\n"


def test_an_unknown_address_gets_no_answer(bus: Bus, make_core: MakeCore) -> None:
    _, _, spy = bus([make_core("000000000001")])
    with pytest.raises(MeterTimeoutError, match="no identification"):
        client(spy, "42", timeout_s=0.2, retries=0).read(["1.8.0"])


@pytest.mark.parametrize("condition", ["dead", "power_off"])
def test_a_silent_meter_times_out_after_retries(
    bus: Bus, make_core: MakeCore, condition: str
) -> None:
    core = make_core()
    if condition == "dead":
        core.dead = True
    else:
        core.begin(Condition.POWER_OFF)
    _, _, spy = bus([core])
    with pytest.raises(MeterTimeoutError, match="2 attempt"):
        client(spy, timeout_s=0.2, retries=1).read(["1.8.0"])
    assert [data for _t, data in spy.writes] == [b"/?!\r\n"] * 2


# A data message fails its BCC; the identification has no BCC, so garble there shows as a broken
# line end, header or baud character instead.
GARBLE_KINDS = {FrameKind.CHECKSUM, FrameKind.END_BYTE, FrameKind.HEADER, FrameKind.LENGTH}
GARBLE_KINDS |= {FrameKind.VALUE_FORMAT, FrameKind.UNSUPPORTED}


def test_garbled_replies_are_a_frame_error_or_a_timeout(bus: Bus, make_core: MakeCore) -> None:
    core = make_core(phases=3)
    core.bit_error_rate = 0.05
    _, _, spy = bus([core])
    with pytest.raises((FrameError, MeterTimeoutError)) as info:
        client(spy, timeout_s=0.4, retries=1).read(["1.8.0"])
    assert "2 attempt" in str(info.value)
    assert spy.writes[0][1] == b"/?!\r\n"
    if isinstance(info.value, FrameError):
        assert info.value.kind in GARBLE_KINDS


def test_slow_replies_within_the_timeout_are_still_read(bus: Bus, make_core: MakeCore) -> None:
    core = make_core()
    core.extra_delay_s = 0.25
    _, _, spy = bus([core], readout_items=("1.8.0",))
    started = time.monotonic()
    assert client(spy, timeout_s=0.6).read(["1.8.0"])[0].value == Decimal("1000.01")
    assert time.monotonic() - started >= 2 * 0.25  # identification and readout both waited


def test_reverse_energy_grows_the_reverse_register(
    bus: Bus, make_core: MakeCore, emulator_clock: SettableClock
) -> None:
    core = make_core()
    core.begin(Condition.REVERSE)
    emulator_clock.advance(hours=2)
    _, _, spy = bus([core], readout_items=("1.8.0", "2.8.0"))
    forward, reverse = client(spy).read(["1.8.0", "2.8.0"])
    assert reverse.value == Decimal("2.46")  # was 0; 2 h at 1 234 W = 2 468 Wh, shown to 0.01 kWh
    assert forward.value == Decimal("1000.01")


def test_a_garbled_readout_fails_its_bcc(bus: Bus, make_core: MakeCore) -> None:
    core = make_core(phases=3)
    core.bit_error_rate = 0.001  # the short identification mostly survives, the readout never
    _, _, spy = bus([core])
    with pytest.raises(FrameError, match="BCC mismatch") as info:
        client(spy, timeout_s=0.4, retries=0).read(["1.8.0"])
    assert info.value.kind is FrameKind.CHECKSUM
