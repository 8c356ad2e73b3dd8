"""On PostgreSQL a commit's changes reach every process listening on the server — only once
committed, once each, and not back to their own bus (run when SMC_TEST_PG_URL names one)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from console.core.bus import Envelope, EventBus
from console.core.changes import PostgresListener, decode_notification, publish_commits
from db import changes
from db.changes import FreezesStored, ThresholdsChanged
from tests.console.conditions import wait_for

PG = os.environ.get("SMC_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not PG, reason="no PostgreSQL server (SMC_TEST_PG_URL)")


@pytest.fixture
def buses() -> Iterator[tuple[EventBus, EventBus]]:
    here, there = EventBus(name="here"), EventBus(name="there")
    here.start()
    there.start()
    yield here, there
    here.stop()
    there.stop()


def test_a_commit_reaches_another_process_once_and_a_rollback_never(
    buses: tuple[EventBus, EventBus],
) -> None:
    here, there = buses
    assert PG is not None
    engine = create_engine(PG)
    factory = sessionmaker(engine)
    stop = publish_commits(factory, here, notify=True)
    listener = PostgresListener(PG, there)
    mine = PostgresListener(PG, here)  # a process hears its own notifications: dropped
    arrived: list[Envelope] = []
    got = threading.Event()

    def on_there(envelope: Envelope) -> None:
        arrived.append(envelope)
        got.set()

    there.subscribe_envelopes(on_there)
    on_here: list[object] = []
    here.subscribe((ThresholdsChanged, FreezesStored), on_here.append)
    listener.start()
    mine.start()
    try:
        assert listener.listening.wait(10) and mine.listening.wait(10)
        with pytest.raises(RuntimeError), factory.begin() as s:
            changes.record(s, ThresholdsChanged((1,)))
            raise RuntimeError("rolled back")
        with factory.begin() as s:
            s.execute(text("SELECT 1"))
            changes.record(s, ThresholdsChanged((2,)))
            changes.record(s, changes.freezes([], range(8000)))  # too big for NOTIFY's 8 kB
        assert got.wait(10)
        wait_for(lambda: len(arrived) == 2, 10, "both of the commit's changes")
        kinds = [type(e.event) for e in arrived]
        assert kinds == [ThresholdsChanged, FreezesStored]
        assert arrived[0].event == ThresholdsChanged((2,))  # never the rolled-back one
        freezes = arrived[1].event
        assert freezes.meters == 8000 and freezes.meter_ids is None  # ids dropped, count kept
        assert all(e.origin == here.origin for e in arrived)
        # The same envelope by a second route (the service's channel) is dropped there too.
        assert not there.deliver(arrived[0])
        assert here.flush() and there.flush()
        assert on_here == [ThresholdsChanged((2,)), freezes]  # once: its own, not the echo
        with pytest.raises(ValueError, match="not a console event"):
            decode_notification('{"hello": 1}')
    finally:
        listener.stop()
        mine.stop()
        stop()
        engine.dispose()
