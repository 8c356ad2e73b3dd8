"""The emulated concentrator (集中器): a Q/GDW 1376.1 terminal answering from its meters' cores.

No I/O: ``handle`` turns a master station's request frame into the answer frames, ``login``,
``heartbeat`` and ``pending_event_report`` give the frames it starts; ``ConcentratorFleet``
(``drivers.emulator.concentrators``) carries them over TCP. Values are what the meters show
(secondary side, registers truncated to 0.01 kWh), so a DL/T 645 read of a meter and a 376.1
read through its concentrator agree. A measurement point the terminal has no data for is left
out of the answer; when nothing is left the answer is a denial (AFN 00 F2), as real ones do.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from drivers.dlt645.emulated import Dlt645Bus, make_device
from drivers.emulator.core import Clock, Condition, Episode, MeterCore, Registers, secondary_kw
from drivers.emulator.device import DeviceOptions
from drivers.errors import FrameError
from drivers.gdw376.codec import Address, Frame, decode
from drivers.gdw376.session import DEFAULT_FRAME_UNITS_LEN, Afn, LinkFn, TerminalSession
from drivers.gdw376.units import (
    ALL_POINTS,
    ERCS,
    MAX_PN,
    DataUnit,
    decode_units,
    density_minutes,
    encode_units,
)

PROTOCOL_DLT645_2007 = 30  # F10 communication protocol codes
PROTOCOL_DLT645_1997 = 1
RS485_PORT = 2  # F10 port number of the first RS-485 meter-reading port
BAUD_2400 = 3  # F10 baud code: 0 default, 1 600, 2 1200, 3 2400, 4 4800, 5 7200, 6 9600
TARIFFS = 4
FREEZE_DAYS = 62  # daily freezes a meter keeps (DL/T 645-2007: 05060001-0506003E)
CURVE_FNS = {81: ("active", 0), 82: ("active", 1), 83: ("active", 2), 84: ("active", 3)}
CURVE_FNS |= {89 + i: ("voltage", i) for i in range(3)} | {92 + i: ("current", i) for i in range(3)}
CURVE_FNS |= {97: ("energy", 0), 101: ("reading", 0)}

# F10 user class (用户大类号) by customer class; the summary meter is 6 (公变考核计量点).
USER_CLASS_SUMMARY = 6
_USER_CLASS = {"residential": 5, "commercial": 4, "agricultural": 4, "industrial": 3}


def user_class_of(customer_class: str | None, phases: int = 1, *, summary: bool = False) -> int:
    """F10's user class: 3 three-phase and 4 single-phase business, 5 residential, 6 the
    台区 summary meter."""
    if summary:
        return USER_CLASS_SUMMARY
    user_class = _USER_CLASS.get(customer_class or "", 5)
    return 3 if phases == 3 and user_class == 4 else user_class


class MeterEntry(NamedTuple):
    """One meter behind the concentrator: measurement point number, core, F10 protocol code."""

    pn: int
    core: MeterCore
    protocol: int = PROTOCOL_DLT645_2007
    user_class: int = 5
    user_subclass: int = 1
    port: int = RS485_PORT


Meters = Iterable[MeterEntry | tuple[int, MeterCore, int]]
_Show = Callable[[float], Decimal | None]


@dataclass(frozen=True, slots=True)
class ConcentratorOptions:
    latency_s: float = 0.05  # round trip added before answering (GPRS)
    error_rate: float = 0.0  # probability that a request is denied (AFN 00 F2)
    garble_rate: float = 0.0  # probability that an answer frame has one corrupted byte
    max_units_len: int = DEFAULT_FRAME_UNITS_LEN  # data-unit bytes per answer frame
    heartbeat_s: float = 60.0
    seed: int = 0


def _q(value: float, places: int, limit: int) -> Decimal | None:
    """A measured value as the meter shows it; ``None`` when its format cannot hold it."""
    shown = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places))
    return shown if abs(shown) < limit else None


def _kw(value: float, ct: int) -> Decimal | None:
    shown = secondary_kw(value, ct)
    return shown if abs(shown) < 80 else None  # A.9: +-XX.XXXX


def shown_kwh(wh: int, ct: int = 1) -> Decimal:
    """A register as the meter displays it (secondary side, truncated to 0.01 kWh)."""
    return Decimal(wh // ct // 10).scaleb(-2)


def _fit_reading(wh: int, ct: int) -> Decimal | None:
    shown = shown_kwh(wh, ct)
    return shown if shown < 1_000_000 else None  # A.11: XXXXXX.XX


def _split_like(total: int, forward: Sequence[int]) -> list[int]:
    """A reactive total split over the tariffs as forward active energy is (as the emulated
    DL/T 645 meter does): total first, then tariffs 1-4."""
    base = forward[0] or 1
    parts = [total * forward[i] // base for i in range(1, TARIFFS)]
    return [total, *parts, total - sum(parts)]


# Events the terminal reports at once and counts in EC1; the others are normal events (EC2).
IMPORTANT_ERCS = frozenset({14, 37})
RING_SIZE = 255  # records kept per class; pointers run 0-255


class _Ring:
    """One class of event records: the newest ``RING_SIZE``, record k at pointer k mod 256."""

    __slots__ = ("count", "records")

    def __init__(self) -> None:
        self.count = 0  # records ever written
        self.records: deque[dict[str, object]] = deque(maxlen=RING_SIZE)

    def add(self, record: dict[str, object]) -> None:
        self.records.append(record)
        self.count += 1

    def get(self, pointer: int) -> dict[str, object] | None:
        back = (self.count - pointer) % 256  # 1: the newest record
        return self.records[-back] if 0 < back <= len(self.records) else None


def _record_size(record: Mapping[str, object]) -> int:
    erc = record["erc"]
    assert isinstance(erc, int)
    return 2 + ERCS[erc].size


class EventLog:
    """The terminal's event records (AFN 0E): two rings with their counters EC1 and EC2, what
    the master has read, what was reported on the terminal's own initiative."""

    def __init__(self) -> None:
        self.important = _Ring()
        self.normal = _Ring()
        self._seen: set[tuple[object, ...]] = set()
        self._reported = 0  # important records already reported actively
        self._read = 0  # important records the master has read or been told of

    def counters(self) -> tuple[int, int]:
        return self.important.count % 256, self.normal.count % 256

    @property
    def unread(self) -> bool:
        """Important events the master has not seen (ACD in every answer until it reads)."""
        return self.important.count > self._read

    def add(self, key: tuple[object, ...], record: dict[str, object]) -> None:
        """Record ``record`` once, whatever ``key`` says it is (scans find things again)."""
        if key in self._seen:
            return
        self._seen.add(key)
        (self.important if record["erc"] in IMPORTANT_ERCS else self.normal).add(record)

    def _unit(self, fn: int, start: int, records: list[dict[str, object]]) -> DataUnit:
        ec1, ec2 = self.counters()
        end = (start + len(records)) % 256
        values = {"ec1": ec1, "ec2": ec2, "start_pointer": start, "end_pointer": end}
        return DataUnit(0, fn, {**values, "events": records})

    def _units(
        self, fn: int, start: int, records: list[dict[str, object]], room: int
    ) -> list[DataUnit]:
        """``records`` from pointer ``start`` as units that fit ``room`` bytes each."""
        units: list[DataUnit] = []
        chunk: list[dict[str, object]] = []
        size = 0
        room -= 8  # DA DT, EC1 EC2 Pm Pn
        for record in records:
            one = _record_size(record)
            if chunk and size + one > room:
                units.append(self._unit(fn, start, chunk))
                start, chunk, size = (start + len(chunk)) % 256, [], 0
            chunk.append(record)
            size += one
        return [*units, self._unit(fn, start, chunk)]

    def read(self, important: bool, start: int, end: int, room: int) -> list[DataUnit]:
        """The records from pointer ``start`` up to ``end`` (excluded) that are still kept."""
        ring = self.important if important else self.normal
        records: list[dict[str, object]] = []
        first = start
        for i in range((end - start) % 256):
            record = ring.get((start + i) % 256)
            if record is None:
                if records:
                    break  # the rest has not happened yet
                first = (start + i + 1) % 256  # overwritten: start after it
                continue
            records.append(record)
        if important and (first + len(records)) % 256 == ring.count % 256:
            self._read = ring.count
        return self._units(1 if important else 2, first, records, room)

    def report(self, room: int) -> DataUnit | None:
        """The next important records not yet reported, as one AFN 0E F1 unit."""
        ring = self.important
        new = min(ring.count - self._reported, len(ring.records))
        if new <= 0:
            return None
        start = ring.count - new
        unit = self._units(1, start % 256, list(ring.records)[-new:], room)[0]
        events = unit.values["events"]
        assert isinstance(events, list)
        self._reported = start + len(events)
        self._read = max(self._read, self._reported)
        return unit


class _Capture:
    """The ``DevicePort`` of AFN 10 forwarding: the meter's reply bytes, no wire."""

    def __init__(self) -> None:
        self.data = bytearray()

    def send(self, data: bytes, delay_s: float = 0.0) -> None:
        self.data += data

    def set_baudrate(self, baudrate: int) -> None:
        pass

    def later(self, delay_s: float, fn: Callable[[], None]) -> None:
        fn()


class EmulatedConcentrator:
    """One terminal and the meters it reads. ``meters`` may be a zero-argument callable: the
    cores are then built on first use (a county's worth of idle concentrators stays cheap)."""

    def __init__(
        self,
        address: Address,
        meters: Meters | Callable[[], Meters],
        clock: Clock,
        options: ConcentratorOptions | None = None,
        *,
        summary_pn: int | None = None,
    ) -> None:
        self.address = address._replace(master=0, group=False)
        self.clock = clock
        self.options = options or ConcentratorOptions()
        self.summary_pn = summary_pn  # the 台区 summary meter: its supply is the terminal's
        self.clock_offset_s = 0.0
        self.logged_in = False
        self.session = TerminalSession(self.address, max_units_len=self.options.max_units_len)
        self.events = EventLog()
        self._factory = meters if callable(meters) else None
        self._entries = None if callable(meters) else self._check(meters)
        self._cuts: list[tuple[datetime, datetime]] = []  # own supply outages, emulator time
        self._login_seq: int | None = None
        self._buses: list[Dlt645Bus] | None = None  # AFN 10: the meters' RS-485 buses
        self._rng: random.Random | None = None

    # ------------------------------------------------------------------ meters and time
    def _check(self, meters: Meters) -> dict[int, MeterEntry]:
        entries = [MeterEntry(*e) for e in meters]
        pns = sorted(e.pn for e in entries)
        if len(set(pns)) != len(pns) or (pns and not 1 <= pns[0] <= pns[-1] <= MAX_PN):
            raise ValueError(
                f"concentrator {self.address}: measurement points must be unique and "
                f"1-{MAX_PN}, got {pns}"
            )
        return {e.pn: e for e in sorted(entries, key=lambda e: e.pn)}

    @property
    def meters(self) -> dict[int, MeterEntry]:
        """Its meters by measurement point (built now if they were given as a factory)."""
        if self._entries is None:
            assert self._factory is not None
            self._entries = self._check(self._factory())
            self._factory = None
        return self._entries

    @property
    def built(self) -> bool:
        """Whether the meters' cores exist yet."""
        return self._entries is not None

    def now(self) -> datetime:
        """The terminal's own clock (set by AFN 05 F31)."""
        return self.clock() + timedelta(seconds=self.clock_offset_s)

    def _true(self, terminal_time: datetime) -> datetime:
        return terminal_time - timedelta(seconds=self.clock_offset_s)

    def power_cut(self, start: datetime, end: datetime, *, meters: bool = True) -> None:
        """Cut the 台区's supply from ``start`` to ``end`` (emulator time): the terminal goes
        dark, and with ``meters`` every meter behind it too."""
        if end <= start:
            raise ValueError(f"a power cut ends after it starts: {start} .. {end}")
        self._cuts.append((start, end))
        if meters:
            for entry in self.meters.values():
                entry.core.episodes.append(Episode(Condition.POWER_OFF, start, end))

    def _outages(self) -> Iterator[tuple[datetime, datetime | None]]:
        yield from self._cuts
        if self._entries is not None and self.summary_pn in self._entries:
            for ep in self._entries[self.summary_pn].core.episodes:
                if ep.condition is Condition.POWER_OFF:
                    yield ep.start, ep.end

    @property
    def powered(self) -> bool:
        at = self.clock()
        return not any(s <= at and (e is None or at < e) for s, e in self._outages())

    def power_returns_at(self) -> datetime | None:
        """When the current outage ends (emulator time); ``None`` when powered or open-ended."""
        at = self.clock()
        ends = [e for s, e in self._outages() if s <= at and (e is None or at < e)]
        return None if not ends or None in ends else max(e for e in ends if e is not None)

    def future_cuts(self) -> list[datetime]:
        """When the scripted power cuts still to come start (emulator time)."""
        at = self.clock()
        return sorted(s for s, _e in self._cuts if s > at)

    # ------------------------------------------------------------------ frames it starts
    def login(self) -> bytes:
        raw = self.session.link(LinkFn.LOGIN)
        self._login_seq = decode(raw).sequence
        self.logged_in = False
        return raw

    def heartbeat(self) -> bytes:
        return self.session.link(LinkFn.HEARTBEAT)

    def logout(self) -> bytes:
        self.logged_in = False
        return self.session.link(LinkFn.LOGOUT)

    def pending_event_report(self) -> bytes | None:
        """An active AFN 0E F1 report of the important events recorded since the last one."""
        self._collect_events()
        unit = self.events.report(self.options.max_units_len)
        return None if unit is None else self.session.report_events(unit)

    # ------------------------------------------------------------------ requests
    def handle(self, frame: Frame) -> list[bytes]:
        """The answer frames to ``frame`` (none for frames not for this terminal)."""
        if frame.uplink or not self._addressed(frame.address):
            return []
        if frame.afn == Afn.CONFIRM:
            if not frame.prm and frame.sequence == self._login_seq:
                self.logged_in = True
            return []
        if not frame.prm or (frame.address.group and frame.afn != Afn.CONTROL):
            return []  # a broadcast is obeyed (time set), never answered
        if self.options.error_rate and self._random().random() < self.options.error_rate:
            return self._garbled([self.session.confirm(frame, ok=False)])
        answer = self._answer(frame)
        return [] if frame.address.group else self._garbled(answer)

    def _answer(self, frame: Frame) -> list[bytes]:
        handler = self._handlers().get(frame.afn)
        try:
            requests = decode_units(frame.afn, False, frame.data) if handler else []
        except FrameError:
            requests = []  # an Fn this terminal does not know
        units = [unit for request in requests for unit in handler(request)] if handler else []
        if frame.afn == Afn.CONTROL or not units:
            return [self.session.confirm(frame, ok=bool(units))]
        ec = self.events.counters() if self.events.unread else None
        try:
            return self.session.answer(frame, units, ec=ec)
        except ValueError:  # a value its format cannot carry: that unit has no data
            units = [u for u in units if _encodes(frame.afn, u)]
        if not units:
            return [self.session.confirm(frame, ok=False)]
        return self.session.answer(frame, units, ec=ec)

    def _addressed(self, address: Address) -> bool:
        if address.district != self.address.district:
            return False
        return address.terminal == self.address.terminal or (
            address.group and address.terminal == 0xFFFF
        )

    def _handlers(self) -> Mapping[int, Callable[[DataUnit], list[DataUnit]]]:
        return {
            Afn.CURRENT: self._current,
            Afn.HISTORY: self._history,
            Afn.EVENTS: self._events,
            Afn.QUERY: self._query,
            Afn.CONTROL: self._control,
            Afn.FORWARD: self._forward,
        }

    def _random(self) -> random.Random:
        if self._rng is None:
            self._rng = random.Random(self.options.seed << 20 ^ self.address.terminal)
        return self._rng

    def _garbled(self, frames: list[bytes]) -> list[bytes]:
        rate = self.options.garble_rate
        if not rate:
            return frames
        rng = self._random()
        out = []
        for raw in frames:
            damaged = bytearray(raw)
            if rng.random() < rate:
                damaged[rng.randrange(len(damaged))] ^= rng.randrange(1, 256)
            out.append(bytes(damaged))
        return out

    def _answering(self, pn: int) -> list[MeterEntry]:
        """The meters a request for ``pn`` reaches that answer at all."""
        meters = self.meters
        if pn == ALL_POINTS:
            return [e for e in meters.values() if e.core.answers]
        entry = meters.get(pn)
        return [entry] if entry is not None and entry.core.answers else []

    # ------------------------------------------------------------------ AFN 0C: current data
    def _current(self, request: DataUnit) -> list[DataUnit]:
        fn = request.fn
        if fn == 2:
            return [DataUnit(0, 2, {"clock": self.now()})] if request.pn == 0 else []
        build = {25: self._instant, 129: self._energy}.get(fn)
        if build is None:
            return []
        read_at = self.now().replace(second=0, microsecond=0)
        return [DataUnit(e.pn, fn, build(e.core, read_at)) for e in self._answering(request.pn)]

    def _instant(self, core: MeterCore, read_at: datetime) -> dict[str, object]:
        inst, ct = core.instant(), core.ct_ratio
        phases = (0, 1, 2) if core.phases == 3 else (0,)

        def per_phase(values: Sequence[float], show: _Show) -> list[Decimal | None]:
            return [show(values[i]) if i in phases else None for i in range(3)]

        def with_total(values: Sequence[float], show: _Show) -> list[Decimal | None]:
            return [show(values[0]), *per_phase(values[1:], show)]

        return {
            "read_at": read_at,
            "active_power_kw": with_total(inst.active_w, lambda v: _kw(v, ct)),
            "reactive_power_kvar": with_total(inst.reactive_var, lambda v: _kw(v, ct)),
            "power_factor_pct": with_total(inst.power_factor, lambda v: _q(v * 100, 1, 800)),
            "voltage_v": per_phase(inst.voltage_v, lambda v: _q(v, 1, 1000)),
            "current_a": per_phase(inst.current_a, lambda v: _q(v / ct, 3, 800)),
            "neutral_current_a": None,
            "apparent_power_kva": with_total(inst.apparent_va, lambda v: _kw(v, ct)),
        }

    def _energy(self, core: MeterCore, read_at: datetime) -> dict[str, object]:
        regs = core.registers()
        return {
            "read_at": read_at,
            "tariffs": TARIFFS,
            "forward_active_kwh": [shown_kwh(wh, core.ct_ratio) for wh in regs.forward],
        }

    # ------------------------------------------------------------------ AFN 0D: history
    def _history(self, request: DataUnit) -> list[DataUnit]:
        fn, values = request.fn, request.values
        if fn in (1, 161):
            day = values["day"]
            assert isinstance(day, date)
            out = []
            for entry in self._answering(request.pn):
                frozen = self._freeze(entry, day, fn)
                if frozen is not None:
                    out.append(DataUnit(entry.pn, fn, frozen))
            return out
        if fn in CURVE_FNS:
            start, density, count = values["start"], values["density"], values["count"]
            assert isinstance(start, datetime) and isinstance(density, int)
            assert isinstance(count, int)
            try:
                step = timedelta(minutes=density_minutes(density))
            except ValueError:
                return []
            times = [start + step * i for i in range(count)]
            return [
                DataUnit(e.pn, fn, {**values, "points": self._curve(e.core, fn, times, step)})
                for e in self._answering(request.pn)
            ]
        return []

    def _freeze(self, entry: MeterEntry, day: date, fn: int) -> dict[str, object] | None:
        """Day D's frozen data (Td_d = D) is what the meter froze at the end of D, at 00:00 of
        D+1 (``MeterCore.daily_freeze``): 376.1 dates a daily freeze by the day it closes."""
        core = entry.core
        n = (core.meter_time().date() - day).days
        if not 1 <= n <= FREEZE_DAYS:
            return None  # not frozen yet, or older than the meter keeps
        frozen_at, regs = core.daily_freeze(n)
        ct = core.ct_ratio
        read_at = min(frozen_at + timedelta(minutes=1 + entry.pn % 30), self.now())
        out: dict[str, object] = {
            "day": day,
            "read_at": read_at.replace(second=0, microsecond=0),
            "tariffs": TARIFFS,
            "forward_active_kwh": [shown_kwh(wh, ct) for wh in regs.forward],
        }
        if fn == 1:
            out |= _reactive_freeze(regs, ct)
        return out

    def _curve(
        self, core: MeterCore, fn: int, times: list[datetime], step: timedelta
    ) -> list[Decimal | None]:
        kind, index = CURVE_FNS[fn]
        ct, now = core.ct_ratio, self.clock()
        points: list[Decimal | None] = []
        for t in times:
            at = self._true(t)
            if at > now:
                points.append(None)  # not measured yet
            elif kind in ("energy", "reading"):
                reading = shown_kwh(core.registers(at).forward[0], ct)
                if kind == "energy":
                    before = shown_kwh(core.registers(at - step).forward[0], ct)
                    points.append(reading - before if 0 <= reading - before < 10_000 else None)
                else:
                    points.append(reading if reading < 1_000_000 else None)
            else:
                inst = core.instant(at)
                if kind == "active":
                    points.append(_q(inst.active_w[index] / ct / 1000, 4, 80))
                elif kind == "voltage":
                    points.append(_q(inst.voltage_v[index], 1, 1000))
                else:
                    points.append(_q(inst.current_a[index] / ct, 3, 800))
        return points

    # ------------------------------------------------------------------ AFN 0E: events
    def _events(self, request: DataUnit) -> list[DataUnit]:
        if request.pn != 0 or request.fn not in (1, 2):
            return []
        self._collect_events()
        start, end = request.values["start_pointer"], request.values["end_pointer"]
        assert isinstance(start, int) and isinstance(end, int)
        return self.events.read(request.fn == 1, start, end, self.options.max_units_len)

    def _collect_events(self) -> None:
        at, offset = self.clock(), timedelta(seconds=self.clock_offset_s)
        log = self.events
        for start, end in self._outages():
            if end is not None and end <= at:
                log.add((14, start), {"erc": 14, "power_off_at": start + offset,
                                      "power_on_at": end + offset})  # fmt: skip
        if self._entries is None:
            return  # no meter has been touched: none can have events
        for entry in self._entries.values():
            core = entry.core
            if core.cover_records:
                self._cover_events(entry.pn, core)
            if core.phases == 3 and core.episodes:
                self._phase_loss_events(entry.pn, core)

    def _cover_events(self, pn: int, core: MeterCore) -> None:
        """ERC37: one record when a cover opens, one when it closes (the meter's own record
        with the registers before opening and after closing)."""
        meter_now, ct = core.meter_time(), core.ct_ratio
        for count, record in enumerate(sorted(core.cover_records, key=lambda r: r.start), 1):
            closed = record.end is not None and record.end <= meter_now
            values: dict[str, object] = {"erc": 37, "at": record.end if closed else record.start,
                                         "pn": pn, "start": not closed, "count": count,
                                         "opened_at": record.start,
                                         "closed_at": record.end if closed else None}  # fmt: skip
            for prefix, moment in (("", record.start), ("after_", record.end if closed else None)):
                regs = None if moment is None else core.registers(core.true_time_of(moment))
                energies = (0, 0, 0, 0, 0, 0) if regs is None else (
                    regs.forward[0], regs.reverse[0], *regs.reactive)  # fmt: skip
                keys = ("forward_active_kwh", "reverse_active_kwh",
                        *(f"q{q}_reactive_kvarh" for q in range(1, 5)))  # fmt: skip
                for key, wh in zip(keys, energies, strict=True):
                    values[prefix + key] = None if regs is None else _fit_reading(wh, ct)
            self.events.add((37, pn, record.start, closed), values)

    def _phase_loss_events(self, pn: int, core: MeterCore) -> None:
        """ERC10 (断相): one record when a phase's voltage goes, one when it comes back."""
        now, ct = core.clock(), core.ct_ratio
        for ep in core.episodes:
            if ep.condition is not Condition.PHASE_LOSS or ep.start > now:
                continue
            ended = ep.end is not None and ep.end <= now
            at = ep.end if ended and ep.end is not None else ep.start
            inst = core.instant(at)
            values = {
                "erc": 10,
                "at": core.meter_time(at).replace(second=0),
                "pn": pn,
                "start": not ended,
                "phases": [i == ep.phase for i in range(3)],
                "kind": 1,  # D6-D7 = 01: phase failure
                "voltage_v": [_q(v, 1, 1000) for v in inst.voltage_v],
                "current_a": [_q(a / ct, 3, 800) for a in inst.current_a],
                "forward_active_kwh": shown_kwh(core.registers(at).forward[0], ct),
            }
            self.events.add((10, pn, ep.start, ended), values)

    # ------------------------------------------------------------------ AFN 0A, 05, 10
    def _query(self, request: DataUnit) -> list[DataUnit]:
        if request.fn != 10 or request.pn != 0:
            return []
        serials = request.values.get("serials") or list(self.meters)
        assert isinstance(serials, list)
        rows = [self._meter_row(self.meters[s]) for s in serials if s in self.meters]
        # A table longer than a frame is split over several units (one per frame).
        per_unit = max(1, (self.options.max_units_len - 6) // 27)
        return [
            DataUnit(0, 10, {"meters": rows[i : i + per_unit]})
            for i in range(0, len(rows), per_unit)
        ]

    @staticmethod
    def _meter_row(entry: MeterEntry) -> dict[str, object]:
        return {
            "serial": entry.pn,
            "pn": entry.pn,
            "port": entry.port,
            "baud_code": BAUD_2400,
            "protocol": entry.protocol,
            "address": entry.core.address,
            "password": "000000000000",
            "tariffs": TARIFFS,
            "int_digits": 6,
            "dec_digits": 2,
            "collector": "000000000000",
            "user_class": entry.user_class,
            "user_subclass": entry.user_subclass,
        }

    def _control(self, request: DataUnit) -> list[DataUnit]:
        if request.fn != 31 or request.pn != 0:
            return []
        clock = request.values["clock"]
        assert isinstance(clock, datetime)
        self.clock_offset_s = (clock - self.clock()).total_seconds()
        return [request]

    def _forward(self, request: DataUnit) -> list[DataUnit]:
        if request.fn != 1 or request.pn != 0:
            return []
        payload = request.values["payload"]
        assert isinstance(payload, bytes)
        if self._buses is None:
            options = DeviceOptions(reply_delay_s=0.0)
            self._buses = [
                make_device(cores, options, version=version)
                for code, version in (
                    (PROTOCOL_DLT645_2007, "2007"),
                    (PROTOCOL_DLT645_1997, "1997"),
                )
                if (cores := [e.core for e in self.meters.values() if e.protocol == code])
            ]
        port = _Capture()
        for bus in self._buses:
            bus.receive(payload, port)
        return [DataUnit(0, 1, {"port": request.values["port"], "payload": bytes(port.data)})]

    def set_options(self, **changes: object) -> None:
        """Change the options (latency, error rate ...) while it runs."""
        self.options = replace(self.options, **changes)  # type: ignore[arg-type]


def _reactive_freeze(regs: Registers, ct: int) -> dict[str, object]:
    q1, q2, _q3, q4 = regs.reactive
    return {
        key: [shown_kwh(wh, ct) for wh in _split_like(total, regs.forward)]
        for key, total in (
            ("forward_reactive_kvarh", q1 + q2),
            ("q1_reactive_kvarh", q1),
            ("q4_reactive_kvarh", q4),
        )
    }


def _encodes(afn: int, unit: DataUnit) -> bool:
    try:
        encode_units(afn, True, [unit])
    except ValueError:
        return False
    return True
