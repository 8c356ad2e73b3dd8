"""The protocol-neutral emulated meter: what it measures and what has happened to it.

A ``MeterCore`` turns a load model (``load.py``) into registers and instantaneous values under
scripted conditions — power cut, reverse energy, phase loss, cover opened, clock drift, dead,
garbled or slow replies — and keeps the event records a real meter keeps. Each protocol's
emulated device (DL/T 645, IEC 62056-21, DL/T 698.45) answers from the same core.
All energies are primary-side Wh, powers W; a CT-connected meter divides when it displays.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from drivers.emulator.load import TOU_BY_HOUR, RegisterModel, slot_of

Clock = Callable[[], datetime]
Quad = tuple[int, int, int, int]
ZERO: Quad = (0, 0, 0, 0)


class Condition(StrEnum):
    """What an emulator script can do to a meter."""

    POWER_OFF = "power_off"  # supply cut: the meter is silent and measures nothing
    REVERSE = "reverse"  # energy flows backwards through the meter (a theft pattern)
    PHASE_LOSS = "phase_loss"  # one phase's voltage missing (a theft pattern on 3-phase meters)


@dataclass(slots=True)
class Episode:
    condition: Condition
    start: datetime
    end: datetime | None = None
    phase: int = 0  # PHASE_LOSS: 0, 1, 2 for A, B, C


@dataclass(frozen=True, slots=True)
class Record:
    """An event record as a meter keeps it (meter-clock times)."""

    start: datetime
    end: datetime | None


@dataclass(frozen=True, slots=True)
class Registers:
    """Energy registers, primary Wh: total first, then tariffs 1-4."""

    forward: tuple[int, int, int, int, int]
    reverse: tuple[int, int, int, int, int]
    # Reactive quadrants I-IV (totals only).
    reactive: Quad


@dataclass(frozen=True, slots=True)
class Instant:
    """Instantaneous values: per phase A, B, C; powers also as total first."""

    voltage_v: tuple[float, float, float]
    current_a: tuple[float, float, float]
    active_w: tuple[float, float, float, float]
    reactive_var: tuple[float, float, float, float]
    apparent_va: tuple[float, float, float, float]
    power_factor: tuple[float, float, float, float]
    frequency_hz: float
    angle_deg: tuple[float, float, float]


def _sub(a: Quad, b: Quad) -> Quad:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3])


def _add(a: Quad, b: Quad) -> Quad:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])


def _scale(a: Quad, factor: float) -> Quad:
    return (round(a[0] * factor), round(a[1] * factor), round(a[2] * factor), round(a[3] * factor))


def _with_total(q: Quad) -> tuple[int, int, int, int, int]:
    return (sum(q), q[0], q[1], q[2], q[3])


@dataclass(slots=True)
class MeterCore:
    """One emulated meter, whatever protocol it speaks."""

    address: str  # 12-digit communication address (DL/T 645, 698 server address)
    model: RegisterModel
    clock: Clock  # the emulator's clock (possibly accelerated)
    ct_ratio: int = 1
    phases: int = 1  # 1: single-phase (everything on phase A); 3: three-phase
    nominal_voltage: float = 220.0
    power_factor: float = 0.95
    serial_number: str = ""  # printed meter number; defaults to the address
    manufacturer: str = "SMC"  # three letters, as in an IEC 62056-21 identification
    seed: int = 0
    # Scriptable conditions.
    dead: bool = False
    bit_error_rate: float = 0.0
    extra_delay_s: float = 0.0
    clock_offset_s: float = 0.0
    clock_drift_s_per_day: float = 0.0
    episodes: list[Episode] = field(default_factory=list)
    cover_records: list[Record] = field(default_factory=list)
    # Meter clear (电表清零) and demand clear: registers and demand start again from these times.
    cleared_at: datetime | None = None
    demand_cleared_at: datetime | None = None
    # Event clear (事件清零): records ended by then are gone; the energy history is not.
    power_down_cleared_at: datetime | None = None
    # Made on the first garbled reply: a generator's state is 2.5 KB, times 20,000 meters.
    _rng: random.Random | None = field(default=None, init=False, repr=False)
    _drift_since: datetime | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.ct_ratio < 1:
            raise ValueError(f"CT ratio must be >= 1, got {self.ct_ratio}")
        if self.phases not in (1, 3):
            raise ValueError(f"a meter has 1 or 3 phases, not {self.phases}")
        if not self.serial_number:
            self.serial_number = self.address

    # ------------------------------------------------------------------ time
    def true_now(self) -> datetime:
        return self.clock()

    def meter_time(self, at: datetime | None = None) -> datetime:
        """What the meter's own clock says (offset and drift applied)."""
        at = at or self.clock()
        offset = self.clock_offset_s
        if self.clock_drift_s_per_day and self._drift_since is not None:
            offset += self.clock_drift_s_per_day * (at - self._drift_since).total_seconds() / 86400
        return (at + timedelta(seconds=offset)).replace(microsecond=0)

    def true_time_of(self, meter_time: datetime) -> datetime:
        """The emulator time at which the meter's clock shows ``meter_time`` (drift ignored)."""
        return meter_time - timedelta(seconds=self.clock_offset_s)

    # ------------------------------------------------------------------ conditions
    @property
    def powered(self) -> bool:
        return not self._active(Condition.POWER_OFF, self.clock())

    @property
    def answers(self) -> bool:
        """Whether the meter replies at all (a dead or unpowered meter is silent)."""
        return not self.dead and self.powered

    def _active(self, condition: Condition, at: datetime) -> Episode | None:
        for ep in self.episodes:
            if ep.condition is condition and ep.start <= at and (ep.end is None or at < ep.end):
                return ep
        return None

    def begin(self, condition: Condition, *, phase: int = 0, at: datetime | None = None) -> None:
        at = at or self.clock()
        if self._active(condition, at) is None:
            self.episodes.append(Episode(condition, at, None, phase))

    def end(self, condition: Condition, *, at: datetime | None = None) -> None:
        at = at or self.clock()
        ep = self._active(condition, at)
        if ep is not None:
            ep.end = at

    def open_cover(
        self, *, at: datetime | None = None, closed_after_s: float | None = None
    ) -> None:
        at = at or self.clock()
        start = self.meter_time(at)
        end = None if closed_after_s is None else start + timedelta(seconds=closed_after_s)
        self.cover_records.append(Record(start, end))

    def set_clock_drift(self, offset_s: float = 0.0, drift_s_per_day: float = 0.0) -> None:
        self.clock_offset_s = offset_s
        self.clock_drift_s_per_day = drift_s_per_day
        self._drift_since = self.clock()

    def sync_clock(self, meter_time: datetime) -> None:
        """A broadcast time sync: the meter's clock is set to ``meter_time`` now."""
        self.clock_offset_s = (meter_time - self.clock()).total_seconds()
        self.clock_drift_s_per_day = 0.0

    def garble(self, data: bytes) -> bytes:
        """Flip bits of a reply at the meter's bit-error rate (deterministic per meter)."""
        if not self.bit_error_rate or not data:
            return data
        rng = self._rng
        if rng is None:
            rng = self._rng = random.Random(
                self.seed or (int(self.address, 16) if self.address else 0)
            )
        out = bytearray(data)
        for i in range(len(out)):
            for bit in range(8):
                if rng.random() < self.bit_error_rate:
                    out[i] ^= 1 << bit
        return bytes(out)

    # ------------------------------------------------------------------ energy
    def _model_quad(self, at: datetime) -> Quad:
        return self.model.tariff_registers_wh(at)

    def _episode_energy(self, ep: Episode, at: datetime) -> Quad:
        """Model energy that flowed during ``ep`` up to ``at``."""
        if at <= ep.start:
            return ZERO
        end = at if ep.end is None or at < ep.end else ep.end
        return _sub(self._model_quad(end), self._model_quad(ep.start))

    def clear_energy(self, at: datetime | None = None) -> None:
        """电表清零: energy registers restart at zero, event records and demand are cleared."""
        at = at or self.clock()
        self.cleared_at = at
        self.demand_cleared_at = at
        self.clear_power_down_records(at)
        self.cover_records.clear()

    def clear_power_down_records(self, at: datetime | None = None) -> None:
        """Forget the power-down records that have ended; what they did to the registers stays
        (the episodes still explain the energy)."""
        self.power_down_cleared_at = at or self.clock()

    def registers(self, at: datetime | None = None) -> Registers:
        at = at or self.clock()
        regs = self._raw_registers(at)
        if self.cleared_at is None or at < self.cleared_at:
            return regs
        base = self._raw_registers(self.cleared_at)

        def since(now: tuple[int, ...], then: tuple[int, ...]) -> tuple[int, ...]:
            return tuple(a - b for a, b in zip(now, then, strict=True))

        fwd, rev, rea = (
            since(regs.forward, base.forward),
            since(regs.reverse, base.reverse),
            since(regs.reactive, base.reactive),
        )
        return Registers(
            (fwd[0], fwd[1], fwd[2], fwd[3], fwd[4]),
            (rev[0], rev[1], rev[2], rev[3], rev[4]),
            (rea[0], rea[1], rea[2], rea[3]),
        )

    def _raw_registers(self, at: datetime) -> Registers:
        forward = self._model_quad(at)
        reverse = ZERO
        for ep in self.episodes:
            flowed = self._episode_energy(ep, at)
            if ep.condition is Condition.POWER_OFF:
                forward = _sub(forward, flowed)
            elif ep.condition is Condition.REVERSE:
                forward = _sub(forward, flowed)
                reverse = _add(reverse, flowed)
            elif ep.condition is Condition.PHASE_LOSS and self.phases == 3:
                forward = _sub(forward, _scale(flowed, 1 / 3))  # the lost phase is not metered
        total_fwd = sum(forward)
        reactive = (total_fwd // 3, 0, sum(reverse) // 3, total_fwd // 50)
        return Registers(_with_total(forward), _with_total(reverse), reactive)

    # ------------------------------------------------------------------ instantaneous values
    def instant(self, at: datetime | None = None) -> Instant:
        at = at or self.clock()
        if self._active(Condition.POWER_OFF, at):
            zero3 = (0.0, 0.0, 0.0)
            zero4 = (0.0, 0.0, 0.0, 0.0)
            return Instant(zero3, zero3, zero4, zero4, zero4, zero4, 0.0, zero3)
        power = float(self.model.power_w(at))
        if self._active(Condition.REVERSE, at):
            power = -power
        slot, _ = slot_of(at)
        wobble = (int(self.address[-4:] or 0) % 97) / 97 * 2 * math.pi
        v = self.nominal_voltage * (1.0 + 0.025 * math.cos(2 * math.pi * slot / 96 + wobble))
        pf = self.power_factor
        lost = self._active(Condition.PHASE_LOSS, at)
        if self.phases == 1:
            shares = [1.0, 0.0, 0.0]
            volts = [v, 0.0, 0.0]
        else:
            shares = [1 / 3, 1 / 3, 1 / 3]
            volts = [v, v * 0.998, v * 1.003]
            if lost is not None:  # the lost phase reads nothing; the others carry the load
                volts[lost.phase] = 0.0
                shares = [0.0 if i == lost.phase else 0.5 for i in range(3)]
        p = tuple(power * s for s in shares)
        q = tuple(x * math.tan(math.acos(pf)) for x in p)
        s_ = tuple(abs(x) / pf for x in p)
        amps = tuple(abs(p[i]) / (volts[i] * pf) if volts[i] else 0.0 for i in range(3))
        pfs = tuple(pf if volts[i] else 0.0 for i in range(3))
        angles = (0.0, 120.0, 240.0) if self.phases == 3 else (0.0, 0.0, 0.0)
        return Instant(
            voltage_v=(volts[0], volts[1], volts[2]),
            current_a=(amps[0], amps[1], amps[2]),
            active_w=(sum(p), p[0], p[1], p[2]),
            reactive_var=(sum(q), q[0], q[1], q[2]),
            apparent_va=(sum(s_), s_[0], s_[1], s_[2]),
            power_factor=(pf, pfs[0], pfs[1], pfs[2]),
            frequency_hz=50.0,
            angle_deg=angles,
        )

    def max_demand(self, at: datetime | None = None, *, tariff: int = 0) -> tuple[float, datetime]:
        """Largest 15-minute mean active power this month (W) and its slot end, meter clock;
        ``tariff`` 1-4 limits it to that time-of-use period (0: all)."""
        at = at or self.clock()
        start = datetime.combine(at.date().replace(day=1), time.min)
        if self.demand_cleared_at is not None and self.demand_cleared_at > start:
            start = self.demand_cleared_at
        best, when = 0.0, start
        day = start.date()
        while day <= at.date():
            midnight = datetime.combine(day, time.min)
            for slot in range(96):
                slot_start = midnight + timedelta(minutes=15 * slot)
                if slot_start + timedelta(minutes=15) > at:
                    break
                if slot_start < start or (tariff and TOU_BY_HOUR[slot // 4] != tariff):
                    continue
                p = float(self.model.power_w(slot_start))
                if p > best:
                    best, when = p, slot_start + timedelta(minutes=15)
            day += timedelta(days=1)
        return best, self.meter_time(when)

    # ------------------------------------------------------------------ freezes and events
    def daily_freeze(self, n: int, at: datetime | None = None) -> tuple[datetime, Registers]:
        """The ``n``-th last daily freeze (1 = today's 00:00 by the meter's clock)."""
        if n < 1:
            raise ValueError(f"freeze numbers start at 1, got {n}")
        local_midnight = datetime.combine(self.meter_time(at).date(), time.min)
        frozen_at = local_midnight - timedelta(days=n - 1)
        return frozen_at, self.registers(self.true_time_of(frozen_at))

    def power_down_records(self, at: datetime | None = None) -> list[Record]:
        """Power-down (掉电) records, newest first, in meter-clock times."""
        at = at or self.clock()
        records = [
            Record(
                self.meter_time(ep.start),
                None if ep.end is None or ep.end > at else self.meter_time(ep.end),
            )
            for ep in self.episodes
            if ep.condition is Condition.POWER_OFF
            and ep.start <= at
            and not self._record_cleared(ep, at)
        ]
        return sorted(records, key=lambda r: r.start, reverse=True)

    def _record_cleared(self, ep: Episode, at: datetime) -> bool:
        cleared = self.power_down_cleared_at
        return cleared is not None and cleared <= at and ep.end is not None and ep.end <= cleared

    def cover_open_records(self) -> list[Record]:
        return sorted(self.cover_records, key=lambda r: r.start, reverse=True)

    def clock_battery_low(self) -> bool:
        return False

    def day_start(self, day: date) -> datetime:
        return datetime.combine(day, time.min)


def displayed_wh(primary_wh: int, ct_ratio: int = 1) -> int:
    """The register a meter shows for ``primary_wh`` (secondary side, truncated to 0.01 kWh),
    converted back to primary Wh the way the master station does (times the CT ratio)."""
    return primary_wh // ct_ratio // 10 * 10 * ct_ratio


def secondary_kw(primary_w: float, ct_ratio: int = 1) -> Decimal:
    """Active power as the meter shows it: secondary-side kW with four decimals."""
    return Decimal(repr(primary_w / (1000 * ct_ratio))).quantize(Decimal("0.0001"))


def displayed_power_w(primary_w: float, ct_ratio: int = 1) -> int:
    """The primary power in W that the master station computes from the shown value."""
    return round(secondary_kw(primary_w, ct_ratio) * 1000 * ct_ratio)
