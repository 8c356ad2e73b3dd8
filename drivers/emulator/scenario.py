"""An emulator session: which meters, which protocols, how fast time runs, what happens when.

A scenario comes from a meter count or a TOML file (``[emulator]`` settings, ``[[meter]]``
entries, ``[[event]]`` steps such as a power cut on some meters 60 s in, for 120 s). The run
builds a ``MeterCore`` per meter and one device serving all of them, and plays the steps on the
emulator host at emulator time (``clock_speed`` times faster than real time).
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from drivers.emulator.core import Condition, MeterCore
from drivers.emulator.device import DeviceOptions, DevicePort, EmulatedDevice
from drivers.emulator.host import EmulatorHost
from drivers.emulator.load import ConsumerLoad, CustomerClass, unit_random

ACTIONS = (
    "power_off",
    "power_on",
    "reverse",
    "forward",
    "phase_loss",
    "phase_restore",
    "cover_open",
    "clock_drift",
    "dead",
    "alive",
    "garble",
    "slow",
    "normal",
)
_MEAN_KWH = {
    "residential": (3.0, 12.0),
    "commercial": (15.0, 120.0),
    "industrial": (60.0, 300.0),
    "agricultural": (6.0, 50.0),
}


class ScenarioError(ValueError):
    """The scenario cannot be used; the message names the file, the entry and the problem."""


class AcceleratedClock:
    """Emulator time: starts at ``start`` and runs ``speed`` times faster than real time."""

    def __init__(self, start: datetime | None = None, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ScenarioError(f"clock speed must be positive, got {speed}")
        self.start = start or datetime.now().replace(microsecond=0)
        self.speed = speed
        self._mono0 = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._mono0) * self.speed)

    def monotonic_at(self, emulator_seconds: float) -> float:
        """The real monotonic time at which ``emulator_seconds`` of emulator time have passed."""
        return self._mono0 + emulator_seconds / self.speed


@dataclass(frozen=True, slots=True)
class MeterSpec:
    address: str
    protocol: str = "dlt645-2007"
    customer_class: str = "residential"
    mean_daily_kwh: float | None = None
    ct_ratio: int = 1
    phases: int = 1


@dataclass(frozen=True, slots=True)
class Step:
    at_s: float  # emulator seconds after the start
    action: str
    meters: tuple[str, ...] = ("*",)  # "*": every meter
    value: float = 0.0  # phase (0-2), seconds, bit-error rate, milliseconds, ...
    duration_s: float | None = None  # undo after this long (power_off -> power_on, ...)


@dataclass(frozen=True, slots=True)
class Scenario:
    meters: tuple[MeterSpec, ...]
    steps: tuple[Step, ...] = ()
    reply_delay_s: float = 0.02
    bit_error_rate: float = 0.0
    clock_speed: float = 1.0
    seed: int = 1
    baudrate: int | None = None  # model wire time at this rate (pty/TCP/loop); None: instant
    char_format: str = "8E1"
    max_baudrate: int = 9600  # IEC 62056-21 meters propose this rate
    start: datetime | None = None


def generated(count: int, protocol: str = "dlt645-2007", *, seed: int = 1) -> Scenario:
    """``count`` single-phase meters at addresses 000000000001, 000000000002, ..."""
    if not 1 <= count <= 2040:  # one concentrator's worth is the most a bus sensibly carries
        raise ScenarioError(f"meter count must be 1 to 2040, got {count}")
    classes = ("residential",) * 8 + ("commercial", "agricultural")
    meters = tuple(
        MeterSpec(f"{n:012d}", protocol, classes[int(unit_random(seed, n) * len(classes))])
        for n in range(1, count + 1)
    )
    return Scenario(meters, seed=seed)


def load_scenario(path: Path) -> Scenario:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ScenarioError(f"{path}: {err}") from None
    where = str(path)
    settings = dict(data.get("emulator", {}))
    protocol = str(settings.pop("protocol", "dlt645-2007"))
    count = settings.pop("meters", 0)
    scenario_kwargs: dict[str, Any] = {}
    conversions: dict[str, Callable[[Any], Any]] = {
        "reply_delay_ms": lambda v: ("reply_delay_s", float(v) / 1000),
        "error_rate": lambda v: ("bit_error_rate", float(v)),
        "clock_speed": lambda v: ("clock_speed", float(v)),
        "seed": lambda v: ("seed", int(v)),
        "baud": lambda v: ("baudrate", int(v) or None),
        "format": lambda v: ("char_format", str(v)),
        "max_baud": lambda v: ("max_baudrate", int(v)),
        "start": lambda v: ("start", v if isinstance(v, datetime) else datetime.fromisoformat(v)),
    }
    for key, value in settings.items():
        if key not in conversions:
            raise ScenarioError(
                f"{where}: [emulator] has no key {key!r} (known: protocol, meters, "
                f"{', '.join(conversions)})"
            )
        try:
            name, converted = conversions[key](value)
        except (TypeError, ValueError):
            raise ScenarioError(f"{where}: [emulator] {key} = {value!r} is not valid") from None
        scenario_kwargs[name] = converted
    meters = tuple(
        _meter(where, i, entry, protocol) for i, entry in enumerate(data.get("meter", []))
    )
    if not meters:
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ScenarioError(
                f"{where}: no [[meter]] entries and no meter count ([emulator] meters = N)"
            )
        meters = generated(count, protocol, seed=scenario_kwargs.get("seed", 1)).meters
    addresses = [m.address for m in meters]
    if len(set(addresses)) != len(addresses):
        raise ScenarioError(f"{where}: two meters share an address")
    steps = tuple(
        _step(where, i, entry, set(addresses)) for i, entry in enumerate(data.get("event", []))
    )
    return Scenario(meters, tuple(sorted(steps, key=lambda s: s.at_s)), **scenario_kwargs)


_METER_KEYS = ("address", "protocol", "class", "daily_kwh", "ct_ratio", "phases")
_EVENT_KEYS = ("at_s", "action", "meters", "value", "duration_s")


def _check_keys(label: str, entry: dict[str, Any], known: Sequence[str]) -> None:
    unknown = sorted(set(entry) - set(known))
    if unknown:
        raise ScenarioError(f"{label}: no key {unknown[0]!r} (known: {', '.join(known)})")


def _meter(where: str, index: int, entry: dict[str, Any], protocol: str) -> MeterSpec:
    _check_keys(f"{where}: [[meter]] #{index + 1}", entry, _METER_KEYS)
    try:
        spec = MeterSpec(
            address=str(entry["address"]),
            protocol=str(entry.get("protocol", protocol)),
            customer_class=str(entry.get("class", "residential")),
            mean_daily_kwh=float(entry["daily_kwh"]) if "daily_kwh" in entry else None,
            ct_ratio=int(entry.get("ct_ratio", 1)),
            phases=int(entry.get("phases", 1)),
        )
    except (KeyError, ValueError, TypeError) as err:
        raise ScenarioError(f"{where}: [[meter]] #{index + 1}: {err}") from None
    if len(spec.address) != 12 or not spec.address.isdigit():
        raise ScenarioError(f"{where}: [[meter]] #{index + 1}: address must be 12 digits")
    if spec.phases not in (1, 3):
        raise ScenarioError(f"{where}: [[meter]] #{index + 1}: phases must be 1 or 3")
    if spec.ct_ratio < 1:
        raise ScenarioError(f"{where}: [[meter]] #{index + 1}: ct_ratio must be at least 1")
    if spec.customer_class not in _MEAN_KWH:
        raise ScenarioError(
            f"{where}: [[meter]] #{index + 1}: class must be one of {', '.join(_MEAN_KWH)}"
        )
    return spec


def _step(where: str, index: int, entry: dict[str, Any], addresses: set[str]) -> Step:
    label = f"{where}: [[event]] #{index + 1}"
    _check_keys(label, entry, _EVENT_KEYS)
    action = str(entry.get("action", ""))
    if action not in ACTIONS:
        raise ScenarioError(f"{label}: action must be one of {', '.join(ACTIONS)}, not {action!r}")
    meters = entry.get("meters", ["*"])
    meters = tuple([meters] if isinstance(meters, str) else meters)
    unknown = [m for m in meters if m != "*" and m not in addresses]
    if unknown:
        raise ScenarioError(f"{label}: no meter at {', '.join(unknown)}")
    try:
        return Step(
            float(entry.get("at_s", 0)),
            action,
            meters,
            float(entry.get("value", 0)),
            float(entry["duration_s"]) if "duration_s" in entry else None,
        )
    except (TypeError, ValueError) as err:
        raise ScenarioError(f"{label}: {err}") from None


class CompositeDevice:
    """Several protocols' devices on one link: each hears every byte, ignores the others'."""

    def __init__(self, devices: Sequence[EmulatedDevice]) -> None:
        self.devices = list(devices)

    def receive(self, data: bytes, port: DevicePort) -> None:
        for device in self.devices:
            device.receive(data, port)


DeviceFactory = Callable[[Sequence[MeterCore], DeviceOptions], EmulatedDevice]


@dataclass
class EmulatorRun:
    """The cores of a scenario, a device factory per protocol, and the scripted steps."""

    scenario: Scenario
    device_factories: dict[str, DeviceFactory]
    clock: AcceleratedClock = field(init=False)
    cores: dict[str, MeterCore] = field(init=False)

    def __post_init__(self) -> None:
        sc = self.scenario
        self.clock = AcceleratedClock(sc.start, sc.clock_speed)
        reference = self.clock.start.date() - timedelta(days=30)
        self.cores = {m.address: self._core(m, reference) for m in sc.meters}
        missing = {m.protocol for m in sc.meters} - set(self.device_factories)
        if missing:
            raise ScenarioError(f"no emulated device for protocol(s) {', '.join(sorted(missing))}")

    def _core(self, spec: MeterSpec, reference: date) -> MeterCore:
        key = int(spec.address)
        low, high = _MEAN_KWH[spec.customer_class]
        mean = spec.mean_daily_kwh or low * (high / low) ** unit_random(self.scenario.seed, key, 1)
        model = ConsumerLoad(
            CustomerClass(spec.customer_class),
            round(mean * 1000),
            int(unit_random(self.scenario.seed, key, 2) * 2**62),
            reference,
            round(100_000 + unit_random(self.scenario.seed, key, 3) * 20_000_000),
        )
        core = MeterCore(
            spec.address,
            model,
            self.clock,
            ct_ratio=spec.ct_ratio,
            phases=spec.phases,
            seed=self.scenario.seed ^ key,
        )
        core.bit_error_rate = self.scenario.bit_error_rate
        return core

    def device(self) -> EmulatedDevice:
        """A fresh device serving every meter (one per link or per TCP connection)."""
        sc = self.scenario
        options = DeviceOptions(reply_delay_s=sc.reply_delay_s, max_baudrate=sc.max_baudrate)
        devices = []
        for protocol, factory in self.device_factories.items():
            cores = [self.cores[m.address] for m in sc.meters if m.protocol == protocol]
            if cores:
                devices.append(factory(cores, options))
        return devices[0] if len(devices) == 1 else CompositeDevice(devices)

    def schedule(self, host: EmulatorHost) -> None:
        """Play the scenario's steps on ``host`` at their emulator times."""
        for step in self.scenario.steps:
            host.call_at(self.clock.monotonic_at(step.at_s), self.apply, step)
            if step.duration_s is not None and step.action in _UNDO:
                undo = replace(step, action=_UNDO[step.action], duration_s=None)
                host.call_at(self.clock.monotonic_at(step.at_s + step.duration_s), self.apply, undo)

    def targets(self, step: Step) -> list[MeterCore]:
        if "*" in step.meters:
            return list(self.cores.values())
        return [self.cores[a] for a in step.meters]

    def apply(self, step: Step) -> None:
        for core in self.targets(step):
            _apply(core, step)


_UNDO = {
    "power_off": "power_on",
    "reverse": "forward",
    "phase_loss": "phase_restore",
    "dead": "alive",
    "garble": "normal",
    "slow": "normal",
}


def _set_dead(core: MeterCore, dead: bool) -> None:
    core.dead = dead


def _set_garble(core: MeterCore, rate: float) -> None:
    core.bit_error_rate = rate


def _set_slow(core: MeterCore, extra_s: float) -> None:
    core.extra_delay_s = extra_s


def _normal(core: MeterCore) -> None:
    core.bit_error_rate = 0.0
    core.extra_delay_s = 0.0


_ACTIONS: dict[str, Callable[[MeterCore, Step], None]] = {
    "power_off": lambda core, _s: core.begin(Condition.POWER_OFF),
    "power_on": lambda core, _s: core.end(Condition.POWER_OFF),
    "reverse": lambda core, _s: core.begin(Condition.REVERSE),
    "forward": lambda core, _s: core.end(Condition.REVERSE),
    "phase_loss": lambda core, s: core.begin(Condition.PHASE_LOSS, phase=int(s.value)),
    "phase_restore": lambda core, _s: core.end(Condition.PHASE_LOSS),
    "cover_open": lambda core, s: core.open_cover(closed_after_s=s.duration_s),
    "clock_drift": lambda core, s: core.set_clock_drift(offset_s=s.value),
    "dead": lambda core, _s: _set_dead(core, True),
    "alive": lambda core, _s: _set_dead(core, False),
    "garble": lambda core, s: _set_garble(core, s.value),
    "slow": lambda core, s: _set_slow(core, s.value / 1000),
    "normal": lambda core, _s: _normal(core),
}
assert set(_ACTIONS) == set(ACTIONS)


def _apply(core: MeterCore, step: Step) -> None:
    _ACTIONS[step.action](core, step)
