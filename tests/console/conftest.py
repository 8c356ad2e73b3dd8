"""Fixtures for the console's domain tests: a generated small demo county and its emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from console.core.clock import FixedClock
from console.demo.fleet import start_demo_fleet
from console.demo.generator import DemoCounty, generate_demo_county
from console.demo.profiles import PROFILES
from drivers.emulator.fleet import LoopFleet

SEED = 4242
DEAD_RATIO = 0.05  # high enough that the small county has dead meters to fail on


@pytest.fixture
def small_county(session_factory: sessionmaker[Session], clock: FixedClock) -> DemoCounty:
    return generate_demo_county(
        session_factory,
        profile=PROFILES["small"],
        seed=SEED,
        now=clock.now(),
        history_days=2,
        dead_meter_ratio=DEAD_RATIO,
    )


@pytest.fixture
def fleet(
    small_county: DemoCounty, session_factory: sessionmaker[Session], clock: FixedClock
) -> Iterator[LoopFleet]:
    started = start_demo_fleet(session_factory, clock.now)
    assert started is not None
    yield started
    started.stop()
