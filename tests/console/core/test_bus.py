"""The event bus: typed delivery in publishing order on the bus thread, failures logged once,
bridges that carry events between buses without echoes or duplicates."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import pytest

from console.core.bus import Envelope, EventBus


@dataclass(frozen=True)
class Base:
    n: int


@dataclass(frozen=True)
class Child(Base):
    pass


@dataclass(frozen=True)
class Other:
    text: str


@pytest.fixture
def bus() -> EventBus:
    b = EventBus(name="test-bus")
    b.start()
    yield b  # type: ignore[misc]
    b.stop()


def test_handlers_get_their_types_in_publishing_order_on_the_bus_thread(bus: EventBus) -> None:
    got: list[object] = []
    threads: set[str] = set()

    def on_base(event: Base) -> None:
        got.append(event)
        threads.add(threading.current_thread().name)

    bus.subscribe(Base, on_base)
    others: list[Other] = []
    bus.subscribe(Other, others.append)
    for i in range(50):
        bus.publish(Child(i) if i % 2 else Base(i))
    bus.publish(Other("x"))
    assert bus.flush()
    assert [e.n for e in got] == list(range(50))  # type: ignore[attr-defined]
    assert isinstance(got[1], Child)
    assert others == [Other("x")]
    assert threads == {"test-bus"}


def test_a_subscription_to_several_types_and_unsubscribing(bus: EventBus) -> None:
    got: list[object] = []
    stop = bus.subscribe((Child, Other), got.append)
    bus.publish(Base(1))
    bus.publish(Child(2))
    bus.publish(Other("y"))
    assert bus.flush()
    stop()
    bus.publish(Child(3))
    assert bus.flush()
    assert got == [Child(2), Other("y")]


def test_publishing_from_many_threads_loses_nothing(bus: EventBus) -> None:
    got: list[Base] = []
    bus.subscribe(Base, got.append)

    def publish(offset: int) -> None:
        for i in range(500):
            bus.publish(Base(offset + i))

    workers = [threading.Thread(target=publish, args=(k * 1000,)) for k in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert bus.flush()
    assert sorted(e.n for e in got) == sorted(k * 1000 + i for k in range(4) for i in range(500))


def test_a_failing_handler_is_logged_once_and_its_recovery_once(
    bus: EventBus, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[int] = []

    def fragile(event: Base) -> None:
        if event.n < 5:
            raise RuntimeError(f"cannot handle {event.n}")
        seen.append(event.n)

    bus.subscribe(Base, fragile, name="fragile")
    later: list[int] = []
    bus.subscribe(Base, lambda e: later.append(e.n))
    with caplog.at_level(logging.INFO, logger="console.core.bus"):
        for i in range(8):
            bus.publish(Base(i))
        assert bus.flush()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    recovered = [r for r in caplog.records if "recovered" in r.getMessage()]
    assert len(errors) == 1 and "cannot handle 0" in errors[0].getMessage()
    assert len(recovered) == 1 and "5 failure(s)" in recovered[0].getMessage()
    assert seen == [5, 6, 7]
    assert later == list(range(8))  # one handler's failure does not cost the others


def test_bridges_see_envelopes_and_a_second_bus_drops_echoes_and_duplicates() -> None:
    a, b = EventBus(name="a"), EventBus(name="b")
    a.start()
    b.start()
    try:
        carried: list[Envelope] = []
        a.subscribe_envelopes(carried.append)
        on_b: list[Base] = []
        b.subscribe(Base, on_b.append)
        a.publish(Base(1))
        a.publish(Base(2))
        assert a.flush()
        assert [e.event for e in carried] == [Base(1), Base(2)]
        assert all(e.origin == a.origin for e in carried)
        assert carried[0].seq < carried[1].seq
        for envelope in carried:
            assert b.deliver(envelope)
        assert not b.deliver(carried[0])  # a second route brings it again: dropped
        assert not a.deliver(carried[1])  # back to where it came from: dropped
        assert b.flush()
        assert on_b == [Base(1), Base(2)]
    finally:
        a.stop()
        b.stop()


def test_stop_delivers_what_was_queued() -> None:
    bus = EventBus()
    got: list[Base] = []
    bus.subscribe(Base, got.append)
    bus.start()
    for i in range(100):
        bus.publish(Base(i))
    bus.stop()
    assert len(got) == 100
    assert not bus.running
