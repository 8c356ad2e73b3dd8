"""Emulator scenarios: the TOML file (and every way it can be wrong), generated meter sets, the
accelerated clock, and each scripted action as it changes the meters and, where it shows on
the wire, as a client sees it."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from drivers.api import ClientOptions
from drivers.dlt645.client import Dlt645Client
from drivers.emulator.core import Condition
from drivers.emulator.device import attach_loop
from drivers.emulator.host import EmulatorHost
from drivers.emulator.scenario import (
    ACTIONS,
    AcceleratedClock,
    CompositeDevice,
    EmulatorRun,
    MeterSpec,
    Scenario,
    ScenarioError,
    Step,
    generated,
    load_scenario,
)
from drivers.errors import MeterTimeoutError
from drivers.link import open_link
from drivers.link.loop import create_loop, remove_loop
from drivers.protocols import all_protocols, protocol

START = datetime(2026, 11, 21, 10, 7, 30)
FACTORIES = {spec.name: spec.make_device for spec in all_protocols()}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_scenario_file(tmp_path: Path) -> None:
    scenario = load_scenario(
        write(
            tmp_path,
            """
[emulator]
protocol = "dlt698.45"
reply_delay_ms = 35
error_rate = 0.001
clock_speed = 60
seed = 7
baud = 9600
format = "8N1"
max_baud = 19200
start = 2026-11-21T08:00:00

[[meter]]
address = "310000000001"
class = "industrial"
phases = 3
ct_ratio = 40
daily_kwh = 250.5

[[meter]]
address = "310000000002"
protocol = "dlt645-1997"

[[event]]
at_s = 600
action = "power_off"
meters = ["310000000001"]
duration_s = 1800

[[event]]
at_s = 60
action = "garble"
meters = "310000000002"
value = 0.01
""",
        )
    )
    assert scenario.reply_delay_s == pytest.approx(0.035)
    assert (scenario.bit_error_rate, scenario.clock_speed, scenario.seed) == (0.001, 60.0, 7)
    assert (scenario.baudrate, scenario.char_format, scenario.max_baudrate) == (9600, "8N1", 19200)
    assert scenario.start == datetime(2026, 11, 21, 8, 0)
    assert scenario.meters == (
        MeterSpec("310000000001", "dlt698.45", "industrial", 250.5, 40, 3),
        MeterSpec("310000000002", "dlt645-1997", "residential"),
    )
    # Steps are played in time order whatever the file's order.
    assert scenario.steps == (
        Step(60.0, "garble", ("310000000002",), 0.01),
        Step(600.0, "power_off", ("310000000001",), 0.0, 1800.0),
    )


def test_a_meter_count_instead_of_entries(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, "[emulator]\nmeters = 5\nseed = 3\n"))
    assert [m.address for m in scenario.meters] == [f"{n:012d}" for n in range(1, 6)]
    assert scenario.meters == generated(5, seed=3).meters


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[emulator\n", "scenario.toml"),  # TOML syntax: the parser's message, with the file
        ("", "no [[meter]] entries and no meter count"),
        ("[emulator]\nmeters = 0\n", "no [[meter]] entries"),
        ("[emulator]\nmeters = 3\nspeed = 2\n", "[emulator] has no key 'speed'"),
        ("[emulator]\nmeters = 3\nreply_delay_ms = 'fast'\n", "reply_delay_ms = 'fast' is not"),
        ('[[meter]]\naddress = "12"\n', "#1: address must be 12 digits"),
        ("[[meter]]\nclass = 'commercial'\n", "#1: 'address'"),
        ('[[meter]]\naddress = "310000000001"\nclass = "farm"\n', "class must be one of"),
        ('[[meter]]\naddress = "310000000001"\nphases = 2\n', "phases must be 1 or 3"),
        ('[[meter]]\naddress = "310000000001"\nct_ratio = 0\n', "ct_ratio must be at least 1"),
        ('[[meter]]\naddress = "310000000001"\nclas = "x"\n', "no key 'clas'"),
        (
            '[[meter]]\naddress = "310000000001"\n[[meter]]\naddress = "310000000001"\n',
            "two meters share an address",
        ),
        (
            '[[meter]]\naddress = "310000000001"\n[[event]]\naction = "explode"\n',
            "#1: action must be one of power_off",
        ),
        (
            '[[meter]]\naddress = "310000000001"\n[[event]]\naction = "dead"\n'
            'meters = ["310000000009"]\n',
            "no meter at 310000000009",
        ),
        (
            '[[meter]]\naddress = "310000000001"\n[[event]]\naction = "dead"\nduration = 5\n',
            "no key 'duration'",
        ),
        (
            '[[meter]]\naddress = "310000000001"\n[[event]]\naction = "dead"\nat_s = "soon"\n',
            "[[event]] #1",
        ),
    ],
)
def test_errors_name_the_file_the_entry_and_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, text))
    assert message in str(info.value)
    assert str(tmp_path / "scenario.toml") in str(info.value)


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nope\.toml"):
        load_scenario(tmp_path / "nope.toml")


def test_generated_meters_are_deterministic_and_bounded() -> None:
    assert generated(40, seed=9) == generated(40, seed=9)
    classes = {m.customer_class for m in generated(200).meters}
    assert "residential" in classes and len(classes) > 1  # a mix, mostly households
    for count in (0, 2041):
        with pytest.raises(ScenarioError, match="1 to 2040"):
            generated(count)


def test_the_accelerated_clock_runs_faster_from_its_start() -> None:
    clock = AcceleratedClock(START, speed=3600)
    first = clock()
    assert START <= first < START + timedelta(minutes=10)
    target = clock.monotonic_at(7200)  # two emulator hours = two real seconds
    assert target - time.monotonic() <= 2.0
    with pytest.raises(ScenarioError, match="positive"):
        AcceleratedClock(START, speed=0)


def test_a_protocol_without_an_emulated_device_is_refused() -> None:
    scenario = Scenario((MeterSpec("000000000001", "qgdw1376.1"),))
    with pytest.raises(ScenarioError, match="no emulated device for protocol"):
        EmulatorRun(scenario, FACTORIES)


def make_run(**changes: object) -> EmulatorRun:
    meters = (MeterSpec("000000000001"), MeterSpec("000000000002", phases=3, ct_ratio=20))
    scenario = Scenario(meters, start=START, reply_delay_s=0.0)
    return EmulatorRun(dataclasses.replace(scenario, **changes), FACTORIES)  # type: ignore[arg-type]


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_changes_the_meter_it_names_and_no_other(action: str) -> None:
    run = make_run()
    target, other = run.cores["000000000002"], run.cores["000000000001"]
    before = dataclasses.replace(other)
    if action in ("power_on", "forward", "phase_restore", "alive", "normal"):
        undone = {"power_on": "power_off", "forward": "reverse", "phase_restore": "phase_loss",
                  "alive": "dead", "normal": "garble"}[action]  # fmt: skip
        run.apply(Step(0, undone, ("000000000002",), 0.5))
    run.apply(Step(0, action, ("000000000002",), 1.0, 30.0))
    now = run.clock()
    checks = {
        "power_off": lambda: not target.powered and not target.answers,
        "power_on": lambda: target.powered,
        "reverse": lambda: target._active(Condition.REVERSE, now) is not None,
        "forward": lambda: target._active(Condition.REVERSE, now) is None,
        "phase_loss": lambda: (
            (ep := target._active(Condition.PHASE_LOSS, now)) is not None and ep.phase == 1
        ),
        "phase_restore": lambda: target._active(Condition.PHASE_LOSS, now) is None,
        "cover_open": lambda: (
            len(target.cover_records) == 1
            and target.cover_records[0].end == target.cover_records[0].start + timedelta(seconds=30)
        ),
        "clock_drift": lambda: target.clock_offset_s == 1.0,
        "dead": lambda: target.dead and not target.answers,
        "alive": lambda: not target.dead and target.answers,
        "garble": lambda: target.bit_error_rate == 1.0,
        "slow": lambda: target.extra_delay_s == pytest.approx(0.001),
        "normal": lambda: target.bit_error_rate == 0.0 and target.extra_delay_s == 0.0,
    }
    assert set(checks) == set(ACTIONS)
    assert checks[action]()
    assert other.episodes == before.episodes and other.answers and not other.cover_records
    assert (other.bit_error_rate, other.extra_delay_s, other.clock_offset_s) == (0, 0, 0)


@pytest.fixture
def served() -> Iterator[tuple[EmulatorRun, EmulatorHost, str]]:
    """A run at 1000x emulator speed served on a loop link; its steps are scheduled by tests."""
    steps = (
        Step(1.0, "dead", ("000000000001",), duration_s=200.0),  # 1 ms .. 201 ms real time
        Step(1.0, "power_off", ("000000000002",)),
    )
    run = make_run(steps=steps, clock_speed=1000.0)
    host = EmulatorHost("scenario-test")
    link = create_loop("scenario-test")
    attach_loop(host, link, run.device())
    host.start()
    yield run, host, "loop://scenario-test"
    host.stop()
    remove_loop("scenario-test")


def test_scheduled_steps_and_their_undo_are_seen_by_a_client(
    served: tuple[EmulatorRun, EmulatorHost, str],
) -> None:
    run, host, url = served
    run.schedule(host)
    transport = open_link(url)
    options = ClientOptions(timeout_s=0.1, retries=0)
    first = Dlt645Client(transport, "000000000001", options)
    second = Dlt645Client(transport, "000000000002", options)
    try:
        deadline = time.monotonic() + 10
        while run.cores["000000000001"].answers and time.monotonic() < deadline:
            time.sleep(0.001)
        with pytest.raises(MeterTimeoutError):
            second.read(["00010000"])  # powered off for good
        # The dead meter comes back by itself when the step's duration is over.
        while not run.cores["000000000001"].answers and time.monotonic() < deadline:
            time.sleep(0.005)
        assert first.read(["00010000"])[0].unit == "kWh"
        assert not run.cores["000000000002"].powered
    finally:
        transport.close()


def test_two_protocols_share_one_bus() -> None:
    meters = (
        MeterSpec("000000000001", "dlt645-2007"),
        MeterSpec("000000000002", "dlt698.45"),
        MeterSpec("000000000003", "dlt645-1997"),
    )
    run = EmulatorRun(Scenario(meters, start=START, reply_delay_s=0.0), FACTORIES)
    device = run.device()
    assert isinstance(device, CompositeDevice)
    host = EmulatorHost("composite")
    attach_loop(host, create_loop("composite"), device)
    host.start()
    transport = open_link("loop://composite")
    try:
        options = ClientOptions(timeout_s=1.0, retries=0)
        values = {
            m.protocol: protocol(m.protocol)
            .open_client(transport, m.address, options)
            .read([item])[0]
            for m, item in zip(meters, ("00010000", "00100200", "9010"), strict=True)
        }
    finally:
        transport.close()
        host.stop()
        remove_loop("composite")
    assert {name: reading.unit for name, reading in values.items()} == {
        "dlt645-2007": "kWh",
        "dlt698.45": "kWh",
        "dlt645-1997": "kWh",
    }
