"""Every scripted meter condition seen through the DL/T 645-2007 client: a dead or unpowered
meter is silent (and a power cut leaves its record), reverse energy, phase loss, an opened
cover, a drifting clock, garbled and slow replies."""

from __future__ import annotations

import time as timing
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest

from drivers.api import ClientOptions
from drivers.dlt645.client import Dlt645Client
from drivers.dlt645.dataids import lookup
from drivers.dlt645.emulated import Dlt645Bus
from drivers.emulator.core import Condition, MeterCore
from drivers.errors import FrameError, MeterTimeoutError
from drivers.link import open_link

MakeCore = Callable[..., MeterCore]  # fixtures of conftest.py
Serve = Callable[..., tuple[str, Dlt645Bus]]

ADDRESS = "123456789012"
START = datetime(2026, 11, 21, 10, 7, 30)  # where conftest's cores stop their clocks
EPS = 1e-6  # float slack when comparing monotonic readings, not a timing margin


def kwh(wh: int) -> Decimal:
    return Decimal(wh // 10) / 100


def set_clock(core: MeterCore, at: datetime) -> None:
    core.clock = lambda: at


def connect(url: str, *, timeout_s: float = 1.0, retries: int = 0) -> Dlt645Client:
    return Dlt645Client(
        open_link(url), ADDRESS, ClientOptions(timeout_s=timeout_s, retries=retries)
    )


def served(serve: Serve, core: MeterCore, **options: float) -> tuple[Dlt645Client, Dlt645Bus]:
    url, device = serve([core])
    return connect(url, **options), device


# ----------------------------------------------------------------------------- silence


def test_dead_meter_times_out(serve: Serve, make_core: MakeCore) -> None:
    core = make_core(ADDRESS)
    client, device = served(serve, core, timeout_s=0.05, retries=1)
    core.dead = True
    with pytest.raises(MeterTimeoutError) as info:
        client.read_values(0x00010000)
    assert ADDRESS in str(info.value)
    assert "00010000" in str(info.value)
    assert (client.bus.stats.attempts, client.bus.stats.timeouts) == (2, 2)
    core.dead = False
    assert client.read_values(0x04000401) == {"address": ADDRESS}
    assert device.requests_seen == 3  # it heard both attempts, and said nothing


def test_power_cut_silences_the_meter_and_leaves_a_record(
    serve: Serve, make_core: MakeCore
) -> None:
    core = make_core(ADDRESS)
    client, _device = served(serve, core, timeout_s=0.05)
    core.begin(Condition.POWER_OFF)
    with pytest.raises(MeterTimeoutError):
        client.read_values(0x00010000)
    set_clock(core, START + timedelta(minutes=30))
    with pytest.raises(MeterTimeoutError):
        client.read_values(0x03110000)
    core.end(Condition.POWER_OFF)
    assert client.read_values(0x03110000) == {"count": Decimal(1)}
    assert client.read_values(0x03110001) == {
        "start": START,
        "end": START + timedelta(minutes=30),
    }
    # Nothing was metered while the supply was cut.
    assert client.read_values(0x00010000) == {"total": kwh(core.model.register_wh(START))}


# ----------------------------------------------------------------------------- theft patterns


def test_reverse_energy(serve: Serve, make_core: MakeCore) -> None:
    core = make_core(ADDRESS)
    client, _device = served(serve, core)
    assert client.read_values(0x04000501) == {"word1": "0000"}
    core.begin(Condition.REVERSE)
    set_clock(core, START + timedelta(hours=1))
    # RampModel meters 1 Wh a second: the hour's 3600 Wh went into the reverse register.
    assert client.read_values(0x00020000) == {"total": Decimal("3.60")}
    assert client.read_values(0x00010000) == {"total": kwh(core.model.register_wh(START))}
    # Combined active energy is forward plus reverse.
    combined = kwh(core.model.register_wh(START + timedelta(hours=1)))
    assert client.read_values(0x00000000) == {"total": combined}
    # Status word 1, bit 4: active power reversed; the power reads negative (2100 W at 11:07).
    assert client.read_values(0x04000501) == {"word1": "0010"}
    assert client.read_values(0x02030000) == {"total": Decimal("-2.1000")}
    core.end(Condition.REVERSE)
    assert client.read_values(0x04000501) == {"word1": "0000"}
    assert client.read_values(0x02030000) == {"total": Decimal("2.1000")}
    assert client.read_values(0x00020000) == {"total": Decimal("3.60")}  # what flowed stays


def test_phase_loss_on_a_three_phase_meter(serve: Serve, make_core: MakeCore) -> None:
    core = make_core(ADDRESS, phases=3)
    client, _device = served(serve, core)
    core.begin(Condition.PHASE_LOSS, phase=1)  # phase B
    voltage = client.read_values(0x0201FF00)
    assert voltage["b"] == 0
    for key in ("a", "c"):
        value = voltage[key]
        assert isinstance(value, Decimal)
        assert abs(value - Decimal(220)) <= Decimal("220") * Decimal("0.03"), key
    current = client.read_values(0x0202FF00)
    assert current["b"] == 0
    assert current["a"] != 0
    assert client.read_values(0x0203FF00)["b"] == 0
    # Only two of the three phases are metered: an hour of 3600 Wh adds 2400 Wh.
    set_clock(core, START + timedelta(hours=1))
    total = client.read_values(0x00010000)["total"]
    assert isinstance(total, Decimal)
    assert abs(total - kwh(core.model.register_wh(START) + 2400)) <= Decimal("0.01")
    core.end(Condition.PHASE_LOSS)
    assert client.read_values(0x02010200)["b"] != 0


def test_cover_open_record(serve: Serve, make_core: MakeCore) -> None:
    core = make_core(ADDRESS, phases=3)
    client, _device = served(serve, core)
    opened = START - timedelta(hours=1)
    closed = opened + timedelta(minutes=2)
    core.open_cover(at=opened, closed_after_s=120)
    assert client.read_values(0x03300D00) == {"count": Decimal(1)}
    assert lookup(0x03300D01).size == 60  # two times of 6 bytes, twelve registers of 4
    record = client.read_values(0x03300D01)
    assert (record["start"], record["end"]) == (opened, closed)
    for when, at in (("before", opened), ("after", closed)):
        regs = core.registers(at)
        assert record[f"forward_{when}"] == kwh(regs.forward[0])
        assert record[f"reverse_{when}"] == kwh(regs.reverse[0])
        for n, wh in enumerate(regs.reactive, start=1):
            assert record[f"q{n}_{when}"] == kwh(wh)
    assert record["forward_after"] != record["forward_before"]  # 120 Wh flowed meanwhile


def test_cover_open_energies_of_a_meter_with_a_fast_clock(
    serve: Serve, make_core: MakeCore
) -> None:
    core = make_core(ADDRESS)
    client, _device = served(serve, core)
    core.set_clock_drift(offset_s=3600)  # the meter's clock is an hour fast
    opened = START - timedelta(hours=2)  # true time
    core.open_cover(at=opened, closed_after_s=60)
    record = client.read_values(0x03300D01)
    assert record["start"] == opened + timedelta(hours=1)  # as the meter's clock showed it
    # The energy when the cover was opened: RampModel meters 1 Wh a second.
    assert record["forward_before"] == kwh(core.model.register_wh(opened))


def test_load_profile_during_a_past_power_cut(serve: Serve, make_core: MakeCore) -> None:
    core = make_core(ADDRESS)
    client, _device = served(serve, core)
    core.begin(Condition.POWER_OFF, at=datetime(2026, 11, 21, 8, 0))
    core.end(Condition.POWER_OFF, at=datetime(2026, 11, 21, 9, 0))
    _label, (record,) = client.read_load_profile("06000001@2026-11-21T08:30*1")
    values = {v.key: v.value for v in record.values}
    assert values["voltage_a"] == 0
    assert values["active_total"] == 0


# ----------------------------------------------------------------------------- clock


def test_clock_offset_and_drift(serve: Serve, make_core: MakeCore) -> None:
    core = make_core(ADDRESS)
    client, _device = served(serve, core)
    core.set_clock_drift(offset_s=300)
    assert client.read_values(0x04000102) == {"time": time(10, 12, 30)}
    core.set_clock_drift(offset_s=300, drift_s_per_day=60)
    set_clock(core, START + timedelta(hours=12))  # half a day: 30 s more
    assert client.read_values(0x04000102) == {"time": time(22, 13, 0)}
    assert client.read_values(0x04000101) == {"date": START.date()}


# ----------------------------------------------------------------------------- the link


def test_garbled_replies_fail_after_the_retries(serve: Serve, make_core: MakeCore) -> None:
    core = make_core(ADDRESS)
    client, device = served(serve, core, timeout_s=0.1, retries=1)
    core.bit_error_rate = 0.05  # about one flipped bit in every 2.5 bytes
    with pytest.raises((FrameError, MeterTimeoutError)):
        client.read_values(0x00010000)
    stats = client.bus.stats
    assert stats.attempts == 2
    assert stats.frame_errors + stats.timeouts == 2
    core.bit_error_rate = 0.0
    assert client.read_values(0x04000401) == {"address": ADDRESS}
    assert device.requests_seen == 3  # both requests arrived whole: the replies were spoilt


def test_slow_replies_need_a_longer_timeout(serve: Serve, make_core: MakeCore) -> None:
    core = make_core(ADDRESS)
    url, _device = serve([core])
    core.extra_delay_s = 0.3
    patient = connect(url, timeout_s=2.0)
    t0 = timing.monotonic()
    assert patient.read_values(0x04000401) == {"address": ADDRESS}
    assert timing.monotonic() - t0 >= 0.3 - EPS
    # Last, so that the late reply it leaves behind meets no other request.
    hasty = Dlt645Client(patient.bus.transport, ADDRESS, ClientOptions(timeout_s=0.1, retries=0))
    with pytest.raises(MeterTimeoutError, match=r"0\.1 s"):
        hasty.read_values(0x04000401)
