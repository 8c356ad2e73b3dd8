"""DL/T 645-2007 commands end to end, client to emulated meter over ``loop://``: write (with
the right and a wrong password, to a read-only item), write address, freeze, change baud,
change password, the three clears, broadcast time with a real meter's rules, and silence on a
garbled request. Each is checked by what it visibly does to the meter."""

from __future__ import annotations

import time as timing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from drivers.api import ClientOptions
from drivers.dlt645.client import Dlt645Client
from drivers.dlt645.codec import StreamDecoder
from drivers.dlt645.dataids import lookup
from drivers.dlt645.emulated import Dlt645Bus
from drivers.dlt645.session import (
    Function,
    Password,
    Request,
    change_baud_request,
    read_request,
)
from drivers.emulator.core import Condition, MeterCore
from drivers.emulator.fleet import LoopFleet
from drivers.errors import MeterRejectedError, MeterTimeoutError
from drivers.link import open_link

MakeCore = Callable[..., MeterCore]  # fixtures of conftest.py
Serve = Callable[..., tuple[str, Dlt645Bus]]

ADDRESS = "123456789012"
START = datetime(2026, 11, 21, 10, 7, 30)  # where conftest's cores stop their clocks
EPS = 1e-6  # float slack when comparing monotonic readings, not a timing margin
PASSWORDS = {0: "111111", 2: "123456", 4: "444444"}
OPERATOR = "12345678"
TARIFF_KEYS = ("total", "t1", "t2", "t3", "t4")


@dataclass
class Setup:
    core: MeterCore
    device: Dlt645Bus
    client: Dlt645Client
    url: str


def kwh(wh: int) -> Decimal:
    return Decimal(wh // 10) / 100


def set_clock(core: MeterCore, at: datetime) -> None:
    """Move the emulator's clock for ``core`` (the conftest cores start at ``START``)."""
    core.clock = lambda: at


@pytest.fixture
def setup(serve: Serve, make_core: MakeCore) -> Setup:
    core = make_core(ADDRESS)
    assert core.clock() == START
    url, device = serve([core])
    device.meters[0].passwords = dict(PASSWORDS)
    options = ClientOptions(timeout_s=1.0, retries=0, password="02:123456", operator=OPERATOR)
    return Setup(core, device, Dlt645Client(open_link(url), ADDRESS, options), url)


def rejected(setup: Setup, request: Request) -> MeterRejectedError:
    """Send a hand-built ``request`` and return the meter's rejection."""
    with pytest.raises(MeterRejectedError) as info:
        request.check(setup.client.bus.transact(request))
    return info.value


# ----------------------------------------------------------------------------- write


def test_write_time_and_date_with_the_right_password(setup: Setup) -> None:
    setup.client.write(0x04000102, {"time": time(11, 0, 0)})
    assert setup.core.meter_time() == datetime(2026, 11, 21, 11, 0, 0)
    assert setup.client.read_values(0x04000102) == {"time": time(11, 0, 0)}
    setup.client.write(0x04000101, {"date": date(2026, 12, 1)})
    assert setup.core.meter_time() == datetime(2026, 12, 1, 11, 0, 0)  # the time is kept
    assert setup.client.read_values(0x04000101) == {"date": date(2026, 12, 1)}


def test_write_with_a_wrong_password_is_refused(setup: Setup) -> None:
    for password in (Password(2, "654321"), Password(3, "123456"), Password(5, "123456")):
        with pytest.raises(MeterRejectedError, match="password error or unauthorised") as info:
            setup.client.write(0x04000102, {"time": time(11, 0, 0)}, password)
        assert info.value.error_bits == ("password error or unauthorised",)
        assert "04000102" in str(info.value)
    assert setup.core.meter_time() == START  # the clock did not move


def test_write_of_a_parameter(setup: Setup) -> None:
    setup.client.write(0x04000103, {"minutes": 30})
    assert setup.client.read_values(0x04000103) == {"minutes": Decimal(30)}
    assert setup.device.meters[0].demand_period_min == 30


def test_write_to_a_read_only_identifier_is_refused(setup: Setup) -> None:
    with pytest.raises(ValueError, match="not writable"):  # the client will not build it
        setup.client.write(0x00010000, {"total": Decimal(0)})
    assert setup.client.bus.stats.exchanges == 0
    # By hand: DI 00010000, password 02 123456, operator 12345678, then 0.00 kWh.
    data = bytes.fromhex("00 00 01 00 02 56 34 12 78 56 34 12 00 00 00 00")
    error = rejected(setup, Request(ADDRESS, Function.WRITE, data))
    assert error.error_bits == ("other error",)
    regs = setup.core.registers()
    assert setup.client.read_values(0x00010000) == {"total": kwh(regs.forward[0])}
    assert regs.forward[0] > 0


# ----------------------------------------------------------------------------- address


def test_write_address_then_only_the_new_one_answers(setup: Setup) -> None:
    setup.client.write_address("000000000042")
    assert setup.client.address == "000000000042"
    assert setup.client.read_values(0x04000401) == {"address": "000000000042"}
    old = Dlt645Client(
        setup.client.bus.transport, ADDRESS, ClientOptions(timeout_s=0.05, retries=0)
    )
    with pytest.raises(MeterTimeoutError, match=ADDRESS):
        old.read_values(0x00010000)
    # Not even a reply from the new address to a request for the old one.
    with pytest.raises(MeterTimeoutError):
        old.bus.transact(AnyReply(read_request(ADDRESS, lookup(0x00010000))))
    assert setup.client.read_address() == "000000000042"


def test_write_address_needs_the_wildcard(setup: Setup) -> None:
    # Addressed to the meter itself rather than AA..AA: refused, the address stays.
    request = Request(ADDRESS, Function.WRITE_ADDRESS, bytes.fromhex("42 00 00 00 00 00"))
    assert rejected(setup, request).error_bits == ("other error",)
    assert setup.client.read_values(0x04000401) == {"address": ADDRESS}


# ----------------------------------------------------------------------------- freeze


def test_freeze_now_makes_an_instant_freeze_record(setup: Setup) -> None:
    client, core = setup.client, setup.core
    client.freeze()
    first = core.registers()
    assert client.read_values(0x05010001) == {"time": datetime(2026, 11, 21, 10, 7)}
    assert client.read_values(0x05010101) == dict(
        zip(TARIFF_KEYS, map(kwh, first.forward), strict=True)
    )
    set_clock(core, START + timedelta(hours=1))
    client.freeze()
    second = core.registers()
    assert second.forward[0] - first.forward[0] == 3600  # RampModel: 1 Wh per second
    # The latest is "last 1"; the earlier one moved to "last 2".
    assert client.read_values(0x05010001) == {"time": datetime(2026, 11, 21, 11, 7)}
    assert client.read_values(0x05010101)["total"] == kwh(second.forward[0])
    assert client.read_values(0x05010002) == {"time": datetime(2026, 11, 21, 10, 7)}
    assert client.read_values(0x05010102)["total"] == kwh(first.forward[0])
    with pytest.raises(MeterRejectedError, match="no requested data"):
        client.read_values(0x05010003)


def test_a_scheduled_freeze_is_no_instant_freeze(setup: Setup) -> None:
    setup.client.freeze("00009999")  # every day at 00:00
    with pytest.raises(MeterRejectedError, match="no requested data"):
        setup.client.read_values(0x05010001)


# ----------------------------------------------------------------------------- baud rate


def test_change_baud_answers_at_the_old_rate(
    serve: Serve, make_core: MakeCore, fleet: LoopFleet
) -> None:
    delay = 0.02  # the meter's response time
    url, _device = serve([make_core(ADDRESS)], baudrate=2400, reply_delay_s=delay)
    link = fleet.link(url.removeprefix("loop://"))
    client = Dlt645Client(open_link(url), ADDRESS, ClientOptions(timeout_s=2.0, retries=0))
    request_bytes = len(change_baud_request(ADDRESS, 9600).encode())  # 17 with wake-up bytes
    reply_bytes = 13  # 68 A0..A5 68 97 01 53 CS 16
    t0 = timing.monotonic()
    client.change_baud(9600)
    elapsed = timing.monotonic() - t0
    # Request and reply both at 2400 bps, 11 bits a character (8E1).
    assert elapsed >= (request_bytes + reply_bytes) * 11 / 2400 + delay - EPS
    assert link.baudrate == 9600
    assert client.read_values(0x04000401) == {"address": ADDRESS}  # still talking, at 9600


def test_an_invalid_rate_word_is_refused(
    serve: Serve, make_core: MakeCore, fleet: LoopFleet
) -> None:
    url, _device = serve([make_core(ADDRESS)], baudrate=2400)
    link = fleet.link(url.removeprefix("loop://"))
    client = Dlt645Client(open_link(url), ADDRESS, ClientOptions(timeout_s=2.0, retries=0))
    # Word 03 (two rate bits set) +33 = 36: 646 + 0x17 (23) + 0x01 + 0x36 (54) = 724 = 0x2D4.
    by_hand = bytes.fromhex("FE FE FE FE 68 12 90 78 56 34 12 68 17 01 36 D4 16")
    request = Request(ADDRESS, Function.CHANGE_BAUD, b"\x03")
    assert request.encode() == by_hand
    with pytest.raises(MeterRejectedError, match="baud rate cannot be changed") as info:
        request.check(client.bus.transact(request))
    assert info.value.error_bits == ("baud rate cannot be changed",)
    assert link.baudrate == 2400
    with pytest.raises(ValueError, match="9600"):
        client.change_baud(115200)  # not a DL/T 645 rate: never sent
    assert client.read_values(0x04000401) == {"address": ADDRESS}


# ----------------------------------------------------------------------------- password


def test_change_password_then_write_with_the_new_one(setup: Setup) -> None:
    client, core = setup.client, setup.core
    client.change_password(Password(2, "123456"), Password(2, "654321"))
    assert setup.device.meters[0].passwords[2] == "654321"
    with pytest.raises(MeterRejectedError, match="password error or unauthorised"):
        client.write(0x04000102, {"time": time(12, 0, 0)}, Password(2, "123456"))
    assert core.meter_time() == START
    client.write(0x04000102, {"time": time(12, 0, 0)}, Password(2, "654321"))
    assert core.meter_time() == datetime(2026, 11, 21, 12, 0, 0)


def test_only_a_higher_level_may_change_a_password(setup: Setup) -> None:
    with pytest.raises(MeterRejectedError, match="password error or unauthorised"):
        setup.client.change_password(Password(4, "444444"), Password(2, "000000"))
    assert setup.device.meters[0].passwords[2] == "123456"
    setup.client.change_password(Password(0, "111111"), Password(4, "999999"))
    assert setup.device.meters[0].passwords[4] == "999999"


# ----------------------------------------------------------------------------- clears


def test_clear_demand(setup: Setup) -> None:
    client, core = setup.client, setup.core
    # RampModel: the month's largest demand is 3300 W, first at 1 November 23:00-23:15.
    assert client.read_values(0x01010000) == {
        "total": Decimal("3.3000"),
        "total_time": datetime(2026, 11, 1, 23, 15),
    }
    client.clear_demand()
    assert client.read_values(0x01010000) == {
        "total": Decimal("0.0000"),
        "total_time": datetime(2026, 11, 21, 10, 7),
    }
    # Half an hour on, the first whole slot after the clear (10:15-10:30, 2000 W) counts.
    set_clock(core, START + timedelta(minutes=30))
    assert client.read_values(0x01010000) == {
        "total": Decimal("2.0000"),
        "total_time": datetime(2026, 11, 21, 10, 30),
    }


def test_clear_meter(setup: Setup) -> None:
    client, core = setup.client, setup.core
    core.begin(Condition.POWER_OFF, at=START - timedelta(hours=2))
    core.end(Condition.POWER_OFF, at=START - timedelta(hours=1))
    assert client.read_values(0x03110000) == {"count": Decimal(1)}
    assert client.read_values(0x00010000)["total"] != 0
    client.clear_meter()
    assert client.read_values(0x0001FF00) == dict.fromkeys(TARIFF_KEYS, Decimal(0))
    assert client.read_values(0x00000000) == {"total": Decimal(0)}
    assert client.read_values(0x03110000) == {"count": Decimal(0)}
    assert client.read_values(0x01010000)["total"] == 0
    set_clock(core, START + timedelta(hours=1))
    assert client.read_values(0x00010000) == {"total": Decimal("3.60")}  # 3600 Wh since


def test_clear_events(setup: Setup) -> None:
    client, core = setup.client, setup.core
    core.begin(Condition.POWER_OFF, at=START - timedelta(hours=2))
    core.end(Condition.POWER_OFF, at=START - timedelta(hours=1))
    core.open_cover(at=START - timedelta(minutes=30), closed_after_s=60)
    client.clear_events(0x031100FF)  # power-down records only: the record's DI, DI0 = FF
    assert client.read_values(0x03110000) == {"count": Decimal(0)}
    assert client.read_values(0x03300D00) == {"count": Decimal(1)}
    client.clear_events()  # every event
    assert client.read_values(0x03300D00) == {"count": Decimal(0)}


@pytest.mark.parametrize("condition", [Condition.POWER_OFF, Condition.REVERSE])
def test_clear_events_leaves_the_energy_registers_alone(setup: Setup, condition: Condition) -> None:
    client, core = setup.client, setup.core
    core.begin(condition, at=START - timedelta(hours=2))
    core.end(condition, at=START - timedelta(hours=1))
    forward = client.read_values(0x00010000)
    reverse = client.read_values(0x00020000)
    client.clear_events(0x03110000)
    assert client.read_values(0x00010000) == forward
    assert client.read_values(0x00020000) == reverse


def test_clears_need_the_password(setup: Setup) -> None:
    client, core = setup.client, setup.core
    core.open_cover(at=START - timedelta(minutes=30), closed_after_s=60)
    wrong = Password(2, "000000")
    for clear in (client.clear_demand, client.clear_meter):
        with pytest.raises(MeterRejectedError, match="password error or unauthorised"):
            clear(wrong)
    with pytest.raises(MeterRejectedError, match="password error or unauthorised"):
        client.clear_events(password=wrong)
    assert client.read_values(0x00010000)["total"] == kwh(core.registers().forward[0]) != 0
    assert client.read_values(0x01010000)["total"] == Decimal("3.3000")
    assert client.read_values(0x03300D00) == {"count": Decimal(1)}
    bare = Dlt645Client(client.bus.transport, ADDRESS, ClientOptions(retries=0))
    with pytest.raises(ValueError, match="needs a password"):
        bare.clear_meter()


# ----------------------------------------------------------------------------- broadcast time


def meter_time(setup: Setup) -> time:
    """The meter's clock as read over the link (which also waits for the broadcast before)."""
    value = setup.client.read_values(0x04000102)["time"]
    assert isinstance(value, time)
    return value


def test_broadcast_time_is_taken_once_a_day(setup: Setup) -> None:
    client, core = setup.client, setup.core
    client.broadcast_time(START + timedelta(minutes=3))
    assert meter_time(setup) == time(10, 10, 30)
    assert client.bus.stats.exchanges == 1  # the broadcast itself awaited no reply
    assert setup.device.requests_seen == 2
    client.broadcast_time(START + timedelta(minutes=4))  # a second sync the same day
    assert meter_time(setup) == time(10, 10, 30)
    set_clock(core, START + timedelta(days=1))  # the meter shows 2026-11-22 10:10:30
    client.broadcast_time(datetime(2026, 11, 22, 10, 12, 30))
    assert meter_time(setup) == time(10, 12, 30)
    assert core.meter_time() == datetime(2026, 11, 22, 10, 12, 30)


@pytest.mark.parametrize(
    "offset",
    [timedelta(minutes=5, seconds=1), -timedelta(minutes=5, seconds=1), timedelta(hours=1)],
    ids=["5min1s-ahead", "5min1s-behind", "1h-ahead"],
)
def test_broadcast_time_beyond_five_minutes_is_ignored(setup: Setup, offset: timedelta) -> None:
    setup.client.broadcast_time(START + offset)
    assert meter_time(setup) == time(10, 7, 30)
    assert setup.core.clock_offset_s == 0
    # An ignored sync does not use up the day's one.
    setup.client.broadcast_time(START + timedelta(minutes=5))
    assert meter_time(setup) == time(10, 12, 30)


def test_broadcast_time_behind_is_taken_too(setup: Setup) -> None:
    setup.client.broadcast_time(START - timedelta(minutes=2))
    assert meter_time(setup) == time(10, 5, 30)
    assert setup.core.clock_offset_s == -120


# ----------------------------------------------------------------------------- garbled request


@dataclass(frozen=True)
class AnyReply:
    """A request that takes any frame heard as its reply; ``garble`` spoils its checksum."""

    request: Request
    garble: bool = False

    def encode(self) -> bytes:
        raw = self.request.encode()
        if not self.garble:
            return raw
        return raw[:-2] + bytes(((raw[-2] + 1) & 0xFF,)) + raw[-1:]

    def new_decoder(self) -> StreamDecoder:
        return StreamDecoder()

    def matches(self, frame: object) -> bool:
        return True

    def describe(self) -> str:
        return ("garbled " if self.garble else "") + self.request.describe()


def test_a_garbled_request_gets_no_reply(setup: Setup) -> None:
    quick = Dlt645Client(
        setup.client.bus.transport, ADDRESS, ClientOptions(timeout_s=0.05, retries=1)
    )
    with pytest.raises(MeterTimeoutError, match="garbled"):
        quick.bus.transact(AnyReply(read_request(ADDRESS, lookup(0x00010000)), garble=True))
    assert quick.bus.stats.timeouts == 2
    assert setup.device.requests_seen == 0
    assert quick.read_values(0x04000401) == {"address": ADDRESS}
    assert setup.device.requests_seen == 1
