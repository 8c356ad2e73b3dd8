"""采集监控's API (the collection feature's window part, reaching its service part in-process)
after a daily-freeze pass through the emulated concentrators with one offline: the figures
against the thresholds in force, the device tree with its red figures and link states, who
drags the rate down and what it costs, and 点抄 through a concentrator or forwarded to the
meter, with typed values and a typed failure."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil

import pytest

from console.collection.api import ReadPath, ReadValue
from console.core.clock import FixedClock
from console.kpi.collection import Grade
from db.models import AttemptResult
from db.scope import EVERYTHING
from drivers.link.traffic import Direction
from tests.console.collection.rig import Rig


def _pct(read: int, expected: int) -> Decimal:
    """The rate as DESIGN.md §6 defines it, half-up to 0.01 %, computed here independently."""
    return (Decimal(read) * 100 / Decimal(expected)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _short(read: int, expected: int, target: Decimal) -> int:
    """Meters still to read for the rate shown (half-up) to reach ``target``."""
    needed = ceil(Fraction(target - Decimal("0.005")) * expected / 100)
    return max(0, needed - read)


def test_the_collection_view_shows_the_pass_figures_tree_and_drags(
    rig: Rig, clock: FixedClock
) -> None:
    day = clock.now().date()
    offline = rig.concentrators[0]
    rig.take_offline(offline)
    summary = rig.collector().collect_freezes(day, trigger="test")
    window = rig.window

    kpis = window.kpis(day, EVERYTHING)
    assert (kpis.concentrators_online, kpis.concentrators_total) == (5, 6)
    assert kpis.rate.read == summary.ok and kpis.rate.expected == summary.planned
    assert kpis.meters_failing == summary.failed
    assert kpis.rate_pct == _pct(summary.ok, summary.planned)
    assert (kpis.target_pct, kpis.alarm_pct) == (Decimal("99.97"), Decimal("98"))
    assert kpis.grade is Grade.BAD  # a sixth of the county unread
    assert kpis.short == _short(summary.ok, summary.planned, Decimal("99.97")) > 0

    (county,) = window.children(None, day)
    assert county.failed == summary.failed
    stations = window.children(county, day)
    areas = [a for s in stations for a in window.children(s, day)]
    hubs = [c for a in areas for c in window.children(a, day)]
    assert sorted(bool(c.online) for c in hubs) == [False, True, True, True, True, True]
    down = next(c for c in hubs if not c.online)
    meters = window.children(down, day)
    assert len(meters) == len(offline.meters) and not any(m.last_read_ok for m in meters)
    assert down.failed == len(offline.meters)
    assert window.kpis(day, down.scope).concentrators_online == 0

    hub_drags, _meter_drags = window.drags(day, EVERYTHING)
    worst = hub_drags[0]
    assert (worst.drag.kind, worst.drag.id, worst.drag.failed) == (
        "concentrator",
        down.id,
        len(offline.meters),
    )
    assert worst.drag.reason is not None
    assert (worst.drag.reason.result, worst.drag.reason.count) == ("offline", len(offline.meters))
    assert worst.cost_hundredths == _pct(len(offline.meters) * 100, summary.planned)
    behind = window.failed_meters(day, worst.drag)
    assert sorted(r.drag.id for r in behind) == sorted(m.id for m in meters)
    assert {r.cost_hundredths for r in behind} == {_pct(100, summary.planned)}


def test_a_meter_is_read_on_demand_through_its_concentrator_or_forwarded(
    rig: Rig, clock: FixedClock
) -> None:
    day = clock.now().date()
    offline_key = rig.take_offline(rig.concentrators[0])
    window = rig.window
    hubs = [
        c
        for s in window.children(window.children(None, day)[0], day)
        for a in window.children(s, day)
        for c in window.children(a, day)
    ]
    down = next(c for c in hubs if not c.online)
    assert down.detail.startswith(f"{offline_key[0]}-{offline_key[1]:05d}")
    up = next(c for c in hubs if c.online)
    meter = window.children(up, day)[1]  # a customer meter (P1 is the summary meter)
    heard: list[object] = []
    stop_listening = window.listen_traffic(lambda frames, _dropped: heard.extend(frames))

    via_concentrator = window.read_meter(meter.id, ReadPath.CONCENTRATOR)
    stop_listening()

    assert via_concentrator.ok, via_concentrator.error
    assert via_concentrator.result == "ok"
    values = {(v.key, v.part): v for v in via_concentrator.values}
    for part in ("total", "T1", "T2", "T3", "T4"):
        assert ("forward_active_kwh", part) in values
    for part in ("A", "B", "C"):
        assert ("voltage_v", part) in values and values[("voltage_v", part)].unit == "V"
    total = values[("forward_active_kwh", "total")]
    assert total.unit == "kWh"
    assert {f.direction for f in via_concentrator.frames} == {Direction.DOWN, Direction.UP}
    assert set(via_concentrator.frames) <= set(heard)  # the live stream carried them too

    forwarded = window.read_meter(meter.id, ReadPath.FORWARD)
    assert forwarded.ok, forwarded.error
    energy = next(v for v in forwarded.values if v.key == "00010000")  # DL/T 645 DI
    assert isinstance(energy, ReadValue) and energy.unit == "kWh" and energy.name_zh
    assert Decimal(energy.value) == Decimal(total.value)  # the same register
    assert window.describe_frame(forwarded.frames[0].raw)["afn"] == 0x10

    behind_offline = window.children(down, day)[0]
    offline_read = window.read_meter(behind_offline.id, ReadPath.CONCENTRATOR)
    assert not offline_read.ok
    assert offline_read.result == AttemptResult.OFFLINE.value
    assert "offline" in (offline_read.error or "")
    with pytest.raises(LookupError, match="no meter 999999"):
        window.read_meter(999_999, ReadPath.CONCENTRATOR)
