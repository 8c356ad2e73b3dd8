"""The emulator host: one thread runs every device's timed callbacks in time order, never early,
and a broken callback is logged without stopping the others."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from drivers.emulator.host import EmulatorHost

WAIT = 10.0  # generous: only reached if the host is broken
EPS = 1e-6  # float slack when comparing monotonic readings, not a timing margin


@pytest.fixture
def host() -> Iterator[EmulatorHost]:
    running = EmulatorHost("test-host")
    running.start()
    yield running
    running.stop()


def test_callbacks_run_in_time_order_and_never_early(host: EmulatorHost) -> None:
    ran: list[tuple[str, float, float]] = []
    done = threading.Event()

    def record(label: str, when: float) -> None:
        ran.append((label, when, time.monotonic()))
        if len(ran) == 4:
            done.set()

    t0 = time.monotonic()
    schedule = [("third", 0.06), ("first", 0.02), ("fourth", 0.08), ("second", 0.04)]
    for label, delay in schedule:
        host.call_at(t0 + delay, record, label, t0 + delay)
    assert done.wait(WAIT)
    assert [label for label, _, _ in ran] == ["first", "second", "third", "fourth"]
    assert all(at >= when - EPS for _, when, at in ran)


def test_same_time_callbacks_keep_their_order(host: EmulatorHost) -> None:
    ran: list[int] = []
    done = threading.Event()
    when = time.monotonic() + 0.01
    for n in range(5):
        host.call_at(when, ran.append, n)
    host.call_at(when, done.set)
    assert done.wait(WAIT)
    assert ran == [0, 1, 2, 3, 4]


def test_call_later_waits_at_least_its_delay(host: EmulatorHost) -> None:
    done = threading.Event()
    ran_at: list[float] = []
    t0 = time.monotonic()

    def run() -> None:
        ran_at.append(time.monotonic())
        done.set()

    host.call_later(0.05, run)
    assert done.wait(WAIT)
    assert ran_at[0] - t0 >= 0.05 - EPS


def test_callbacks_run_on_the_host_thread(host: EmulatorHost) -> None:
    names: list[str] = []
    done = threading.Event()

    def run() -> None:
        names.append(threading.current_thread().name)
        done.set()

    host.call_later(0.0, run)
    assert done.wait(WAIT)
    assert names == ["test-host"]


def test_an_earlier_event_wakes_a_host_waiting_for_a_later_one(host: EmulatorHost) -> None:
    done = threading.Event()
    host.call_later(3600.0, done.set)  # the host now sleeps until this one...
    host.call_later(0.01, done.set)  # ...unless told about an earlier one
    assert done.wait(WAIT)


def test_a_failing_callback_is_logged_and_the_host_goes_on(
    host: EmulatorHost, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="drivers.emulator.host")
    done = threading.Event()

    def broken() -> None:
        raise RuntimeError("meter firmware crashed")

    t0 = time.monotonic()
    host.call_at(t0, broken)
    host.call_at(t0 + 0.01, done.set)
    assert done.wait(WAIT)
    assert host.running
    failures = [r for r in caplog.records if r.name == "drivers.emulator.host"]
    assert len(failures) == 1
    assert "failed" in failures[0].getMessage()
    assert failures[0].exc_info is not None
    assert isinstance(failures[0].exc_info[1], RuntimeError)


def host_threads(name: str) -> int:
    return [t.name for t in threading.enumerate()].count(name)


def test_start_is_idempotent_and_stop_ends_the_thread() -> None:
    host = EmulatorHost("test-host-stop")
    assert not host.running
    host.start()
    host.start()
    assert host_threads("test-host-stop") == 1
    ran: list[int] = []
    host.call_later(3600.0, ran.append, 1)
    host.stop()
    assert host_threads("test-host-stop") == 0
    # A stopped host can be started again; what was pending before the stop is dropped.
    done = threading.Event()
    host.start()
    try:
        host.call_later(0.0, done.set)
        assert done.wait(WAIT)
    finally:
        host.stop()
    assert ran == []
