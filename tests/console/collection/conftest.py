"""The collection tests' concentrator rig (tests/console/collection/rig.py) as a fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from console.core.clock import FixedClock
from console.demo.generator import DemoCounty
from tests.console.collection.rig import Rig


@pytest.fixture
def rig(
    small_county: DemoCounty,
    db_url: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> Iterator[Rig]:
    day = clock.now().date()
    with session_factory.begin() as s:  # the pass reads today's freeze: none stored yet
        s.execute(text("DELETE FROM daily_freeze WHERE day = :d"), {"d": day})
    r = Rig(db_url, engine, session_factory, clock)
    yield r
    r.stop()
