"""The emulated concentrator, read the way the console reads it: requests from a
``MasterSession``, every answer frame decoded by the codec and reassembled by ``Pending``;
values checked against the meters' cores and against a DL/T 645 read of the same meter."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from drivers.dlt645 import codec as dlt645_codec
from drivers.dlt645.dataids import lookup
from drivers.dlt645.session import interpret_read, read_request
from drivers.emulator.core import Condition, MeterCore, displayed_wh, secondary_kw
from drivers.emulator.load import ConsumerLoad, CustomerClass
from drivers.gdw376.codec import FIN, FIR, PRM_START, Address, Frame, decode
from drivers.gdw376.emulated import ConcentratorOptions, EmulatedConcentrator, MeterEntry
from drivers.gdw376.session import CONFIRM_ALL, DENY_ALL, Afn, DeniedError, MasterSession, Reply
from drivers.gdw376.units import ALL_POINTS, DataUnit, decode_units

NOW = datetime(2026, 11, 21, 10, 7, 30)  # a Saturday morning
ADDRESS = Address("3301", 42)


class Clock:
    """The emulator's clock, moved by the test."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def meter(clock: Clock, n: int, *, ct_ratio: int = 1, phases: int = 1) -> MeterCore:
    load = ConsumerLoad(CustomerClass.RESIDENTIAL, 6_000 + 500 * n, n, date(2026, 10, 1), 10**6)
    return MeterCore(f"{n:012d}", load, clock, ct_ratio=ct_ratio, phases=phases)


def concentrator(
    clock: Clock, count: int = 3, **options: object
) -> tuple[EmulatedConcentrator, list[MeterCore]]:
    cores = [meter(clock, n) for n in range(1, count + 1)]
    entries = [(pn, core, 30) for pn, core in enumerate(cores, start=1)]
    return EmulatedConcentrator(ADDRESS, entries, clock, ConcentratorOptions(**options)), cores  # type: ignore[arg-type]


def ask(
    conc: EmulatedConcentrator, afn: int, units: Sequence[DataUnit]
) -> tuple[Reply, list[Frame]]:
    """Send a request; the reassembled reply and the answer frames."""
    raw, pending = MasterSession(ADDRESS).request(afn, units)
    frames = [decode(f) for f in conc.handle(decode(raw))]
    for frame in frames:
        assert pending.accept(frame)
    assert pending.done
    if pending.error is not None:
        raise pending.error
    assert pending.result is not None
    return pending.result, frames


def read(conc: EmulatedConcentrator, afn: int, *units: DataUnit) -> Reply:
    return ask(conc, afn, units)[0]


def events_of(unit: DataUnit) -> list[dict[str, object]]:
    events = unit.values["events"]
    assert isinstance(events, list)
    return events


@pytest.fixture
def clock() -> Clock:
    return Clock()


# ---------------------------------------------------------------------- AFN 0C current data


def test_terminal_clock(clock: Clock) -> None:
    conc, _ = concentrator(clock)
    reply = read(conc, Afn.CURRENT, DataUnit(0, 2))
    assert reply.units == [DataUnit(0, 2, {"clock": NOW})]


def test_current_energy_is_what_the_meter_displays(clock: Clock) -> None:
    conc, cores = concentrator(clock)
    reply = read(conc, Afn.CURRENT, DataUnit(ALL_POINTS, 129))
    assert [u.pn for u in reply.units] == [1, 2, 3]
    for unit, core in zip(reply.units, cores, strict=True):
        shown = [Decimal(displayed_wh(wh)) / 1000 for wh in core.registers().forward]
        assert unit.values == {
            "read_at": NOW.replace(second=0),
            "tariffs": 4,
            "forward_active_kwh": shown,
        }


def test_instantaneous_values_of_a_single_phase_meter(clock: Clock) -> None:
    conc, cores = concentrator(clock)
    values = read(conc, Afn.CURRENT, DataUnit(2, 25)).unit(2, 25).values  # type: ignore[union-attr]
    inst = cores[1].instant()
    assert values["active_power_kw"] == [secondary_kw(inst.active_w[0])] * 2 + [None, None]
    assert values["voltage_v"][0] == Decimal(repr(inst.voltage_v[0])).quantize(Decimal("0.1"))  # type: ignore[index]
    assert values["voltage_v"][1:] == [None, None]  # type: ignore[index]
    assert values["power_factor_pct"][0] == Decimal("95.0")  # type: ignore[index]


# ---------------------------------------------------------------------- AFN 0D history


def test_daily_freeze_equals_the_cores_freeze(clock: Clock) -> None:
    """Td_d = yesterday: what the meters froze when yesterday closed, at 00:00 today."""
    conc, cores = concentrator(clock)
    yesterday = NOW.date() - timedelta(days=1)
    reply = read(conc, Afn.HISTORY, *(DataUnit(pn, 161, {"day": yesterday}) for pn in (1, 2, 3)))
    for unit, core in zip(reply.units, cores, strict=True):
        frozen_at, regs = core.daily_freeze(1)
        assert frozen_at == datetime.combine(NOW.date(), datetime.min.time())
        assert unit.values["day"] == yesterday
        expected = [Decimal(displayed_wh(wh)) / 1000 for wh in regs.forward]
        assert unit.values["forward_active_kwh"] == expected


def test_daily_freeze_agrees_with_a_dl_t_645_read_of_the_same_meter(clock: Clock) -> None:
    conc, cores = concentrator(clock)
    core = cores[0]
    core.ct_ratio = 30  # a CT meter: both show the secondary side
    item = lookup(0x05060101)  # last daily freeze, forward active energy
    request = read_request(core.address, item)
    payload = forward(conc, request.encode())
    shown = interpret_read(request, item, dlt645_codec.decode(payload))
    yesterday = NOW.date() - timedelta(days=1)  # the day the last freeze closed
    unit = read(conc, Afn.HISTORY, DataUnit(1, 1, {"day": yesterday})).unit(1, 1)
    assert unit is not None
    assert unit.values["forward_active_kwh"] == [v.value for v in shown]
    assert set(unit.values) >= {"forward_reactive_kvarh", "q1_reactive_kvarh", "q4_reactive_kvarh"}


@pytest.mark.parametrize("days_back", [0, 63])
def test_a_freeze_the_meter_does_not_have_is_denied(clock: Clock, days_back: int) -> None:
    """Today has not closed yet; the 62 freezes a meter keeps closed days 1-62 ago."""
    conc, _ = concentrator(clock)
    day = NOW.date() - timedelta(days=days_back)
    with pytest.raises(DeniedError):
        read(conc, Afn.HISTORY, DataUnit(1, 161, {"day": day}))
    ok = read(conc, Afn.HISTORY, DataUnit(1, 161, {"day": NOW.date() - timedelta(days=62)}))
    assert ok.unit(1, 161) is not None


def test_power_curve_comes_from_the_load_model_at_the_requested_slots(clock: Clock) -> None:
    conc, cores = concentrator(clock)
    start = datetime(2026, 11, 21, 9, 30)
    unit = read(conc, Afn.HISTORY, DataUnit(3, 81, {"start": start, "density": 1, "count": 4}))
    values = unit.units[0].values
    assert values["start"] == start and values["density"] == 1 and values["count"] == 4
    model = cores[2].model
    expected = [Decimal(model.power_w(start + timedelta(minutes=15 * i))) / 1000 for i in range(3)]
    assert values["points"] == [*expected, None]  # 10:15 has not happened yet


def test_reading_curve_and_energy_curve_agree(clock: Clock) -> None:
    conc, _ = concentrator(clock)
    request = {"start": datetime(2026, 11, 21, 6, 0), "density": 3, "count": 4}
    readings = read(conc, Afn.HISTORY, DataUnit(1, 101, request)).units[0].values["points"]
    energies = read(conc, Afn.HISTORY, DataUnit(1, 97, request)).units[0].values["points"]
    assert isinstance(readings, list) and isinstance(energies, list)
    assert energies[1:] == [b - a for a, b in itertools.pairwise(readings)]


# ---------------------------------------------------------------------- answers and denials


def test_a_long_answer_is_split_over_frames(clock: Clock) -> None:
    conc, _ = concentrator(clock, count=8, max_units_len=64)
    reply, frames = ask(conc, Afn.CURRENT, [DataUnit(ALL_POINTS, 129)])
    assert len(frames) == reply.frames == 8  # 35 bytes a unit: one per frame
    assert [u.pn for u in reply.units] == list(range(1, 9))
    assert frames[0].fir and not frames[0].fin
    assert frames[-1].fin and not any(f.fir for f in frames[1:])
    assert [f.sequence for f in frames] == [(frames[0].sequence + i) % 16 for i in range(8)]


def test_dead_meters_are_left_out_and_alone_denied(clock: Clock) -> None:
    conc, cores = concentrator(clock)
    cores[1].dead = True
    cores[2].begin(Condition.POWER_OFF)
    reply = read(conc, Afn.CURRENT, *(DataUnit(pn, 129) for pn in (1, 2, 3)))
    assert [u.pn for u in reply.units] == [1]
    with pytest.raises(DeniedError):
        read(conc, Afn.CURRENT, DataUnit(2, 129))
    with pytest.raises(DeniedError):
        read(conc, Afn.CURRENT, DataUnit(9, 129))  # no meter at p9


def raw_request(afn: int, data: bytes, seq: int = 3) -> Frame:
    return Frame(PRM_START | 11, ADDRESS, afn, FIR | FIN | seq, data)


def test_an_unknown_fn_is_denied(clock: Clock) -> None:
    conc, _ = concentrator(clock)
    # AFN 0C F3 (p0): not an Fn this terminal knows; the denial answers the request's SEQ.
    answer = [decode(f) for f in conc.handle(raw_request(Afn.CURRENT, bytes((0, 0, 0x04, 0))))]
    assert len(answer) == 1 and answer[0].afn == Afn.CONFIRM and answer[0].sequence == 3
    assert decode_units(Afn.CONFIRM, True, answer[0].data) == [DataUnit(0, DENY_ALL)]


def test_frames_for_another_terminal_are_ignored(clock: Clock) -> None:
    conc, _ = concentrator(clock)
    raw, _ = MasterSession(Address("3301", 43)).request(Afn.CURRENT, [DataUnit(0, 2)])
    assert conc.handle(decode(raw)) == []


def test_error_rate_denies_and_garble_rate_corrupts_one_byte(clock: Clock) -> None:
    conc, _ = concentrator(clock, error_rate=1.0)
    with pytest.raises(DeniedError):
        read(conc, Afn.CURRENT, DataUnit(0, 2))
    raw, _ = MasterSession(ADDRESS).request(Afn.CURRENT, [DataUnit(0, 2)])
    (good,) = concentrator(clock)[0].handle(decode(raw))
    (bad,) = concentrator(clock, garble_rate=1.0, seed=7)[0].handle(decode(raw))
    assert len(bad) == len(good)
    assert sum(a != b for a, b in zip(good, bad, strict=True)) == 1


def test_meters_are_built_on_first_use(clock: Clock) -> None:
    built: list[int] = []

    def make() -> list[MeterEntry]:
        built.append(1)
        return [MeterEntry(1, meter(clock, 1))]

    conc = EmulatedConcentrator(ADDRESS, make, clock)
    conc.login()
    read(conc, Afn.CURRENT, DataUnit(0, 2))
    assert built == [] and not conc.built
    read(conc, Afn.CURRENT, DataUnit(1, 129))
    assert built == [1] and conc.built


# ---------------------------------------------------------------------- AFN 0E events


def test_power_cut_gives_erc14_reported_and_readable(clock: Clock) -> None:
    conc, cores = concentrator(clock)
    off, on = NOW + timedelta(minutes=5), NOW + timedelta(minutes=50)
    conc.power_cut(off, on)
    assert conc.powered and conc.pending_event_report() is None
    clock.now = off + timedelta(minutes=1)
    assert [conc.powered, cores[0].powered] == [False, False]
    assert conc.power_returns_at() == on
    clock.now = on + timedelta(minutes=1)
    assert [conc.powered, cores[0].powered] == [True, True]
    report = decode(conc.pending_event_report() or b"")
    assert report.uplink and report.prm and report.afn == Afn.EVENTS and report.con
    (unit,) = decode_units(report.afn, True, report.data)
    event = {"erc": 14, "power_off_at": off.replace(second=0), "power_on_at": on.replace(second=0)}
    assert unit.values == {"ec1": 1, "ec2": 0, "start_pointer": 0, "end_pointer": 1,
                           "events": [event]}  # fmt: skip
    assert conc.pending_event_report() is None  # reported once
    reply = read(conc, Afn.EVENTS, DataUnit(0, 1, {"start_pointer": 0, "end_pointer": 1}))
    assert reply.units[0].values["events"] == [event]


def test_unread_important_events_set_acd_until_read(clock: Clock) -> None:
    conc, cores = concentrator(clock)
    cores[0].open_cover(closed_after_s=60)
    reply = read(conc, Afn.EVENTS, DataUnit(0, 1, {"start_pointer": 0, "end_pointer": 0}))
    assert reply.units[0].values["events"] == []
    assert read(conc, Afn.CURRENT, DataUnit(0, 2)).ec == (1, 0)  # ACD: an event waits
    reply = read(conc, Afn.EVENTS, DataUnit(0, 1, {"start_pointer": 0, "end_pointer": 1}))
    (event,) = events_of(reply.units[0])
    assert event["erc"] == 37 and event["pn"] == 1 and event["start"] is True
    assert (
        event["forward_active_kwh"] == Decimal(displayed_wh(cores[0].registers().forward[0])) / 1000
    )
    assert read(conc, Afn.CURRENT, DataUnit(0, 2)).ec is None
    clock.now += timedelta(minutes=2)  # the cover closes: its end record follows
    reply = read(conc, Afn.EVENTS, DataUnit(0, 1, {"start_pointer": 1, "end_pointer": 2}))
    (closed,) = events_of(reply.units[0])
    assert closed["start"] is False and closed["closed_at"] == NOW + timedelta(seconds=60)


def test_phase_loss_is_a_normal_event(clock: Clock) -> None:
    core = meter(clock, 7, phases=3)
    conc = EmulatedConcentrator(ADDRESS, [MeterEntry(1, core)], clock)
    core.begin(Condition.PHASE_LOSS, phase=1)
    reply = read(conc, Afn.EVENTS, DataUnit(0, 2, {"start_pointer": 0, "end_pointer": 1}))
    values = reply.units[0].values
    assert values["ec1"] == 0 and values["ec2"] == 1
    (event,) = events_of(reply.units[0])
    assert event["erc"] == 10 and event["phases"] == [False, True, False]
    assert event["voltage_v"] == [event["voltage_v"][0], Decimal(0), event["voltage_v"][2]]  # type: ignore[index]


# ---------------------------------------------------------------------- AFN 0A, 05, 10, 00


def test_meter_list(clock: Clock) -> None:
    conc, cores = concentrator(clock, count=40, max_units_len=256)
    reply = read(conc, Afn.QUERY, DataUnit(0, 10, {"serials": list(range(1, 41))}))
    rows = [row for unit in reply.units for row in unit.values["meters"]]  # type: ignore[attr-defined]
    assert len(reply.units) > 1  # 27 bytes a meter: the table is split over frames
    assert [r["pn"] for r in rows] == list(range(1, 41))
    assert rows[4] == {
        "serial": 5, "pn": 5, "port": 2, "baud_code": 3, "protocol": 30,
        "address": cores[4].address, "password": "000000000000", "tariffs": 4, "int_digits": 6,
        "dec_digits": 2, "collector": "000000000000", "user_class": 5, "user_subclass": 1,
    }  # fmt: skip


def test_set_clock_moves_the_terminals_clock(clock: Clock) -> None:
    conc, cores = concentrator(clock)
    target = NOW + timedelta(minutes=7, seconds=3)
    reply = read(conc, Afn.CONTROL, DataUnit(0, 31, {"clock": target}))
    assert reply.afn == Afn.CONFIRM and reply.units == [DataUnit(0, CONFIRM_ALL)]
    clock.now += timedelta(seconds=10)
    assert read(conc, Afn.CURRENT, DataUnit(0, 2)).units[0].values["clock"] == target + (
        timedelta(seconds=10)
    )
    assert cores[0].meter_time() == clock.now  # the meters keep their own clocks


def forward(conc: EmulatedConcentrator, payload: bytes) -> bytes:
    request = {"port": 2, "control": 0x6B, "timeout_ms": 2000, "byte_timeout_ms": 100}
    reply = read(conc, Afn.FORWARD, DataUnit(0, 1, {**request, "payload": payload}))
    (unit,) = reply.units
    assert unit.values["port"] == 2
    answer = unit.values["payload"]
    assert isinstance(answer, bytes)
    return answer


def test_forwarding_returns_the_meters_dl_t_645_reply(clock: Clock) -> None:
    conc, cores = concentrator(clock)
    item = lookup(0x00010000)
    request = read_request(cores[2].address, item)
    (total,) = interpret_read(request, item, dlt645_codec.decode(forward(conc, request.encode())))
    assert total.value == Decimal(displayed_wh(cores[2].registers().forward[0])) / 1000
    cores[2].dead = True
    assert forward(conc, request.encode()) == b""  # a silent meter: nothing comes back


def test_the_login_confirmation_marks_it_logged_in(clock: Clock) -> None:
    conc, _ = concentrator(clock)
    login = decode(conc.login())
    assert not conc.logged_in
    confirmation = MasterSession(ADDRESS).confirm(login)
    assert confirmation is not None
    assert conc.handle(decode(confirmation)) == []
    assert conc.logged_in


def test_a_broadcast_time_set_is_obeyed_without_an_answer(clock: Clock) -> None:
    conc, _ = concentrator(clock)
    broadcast = Address("3301", 0xFFFF, group=True)
    target = NOW + timedelta(minutes=3)
    raw, _ = MasterSession(broadcast).request(Afn.CONTROL, [DataUnit(0, 31, {"clock": target})])
    assert conc.handle(decode(raw)) == []
    assert conc.now() == target
    raw, _ = MasterSession(broadcast).request(Afn.CURRENT, [DataUnit(0, 2)])
    assert conc.handle(decode(raw)) == []
