"""The front end's pacing, sans I/O: the round-trip estimator behind the adaptive timeout
(RFC 6298's arithmetic, a slow responder followed and forgotten), and the bound on requests in
flight (first come first served, urgent ones past the queue, no slot lost to a cancel)."""

from __future__ import annotations

import asyncio

import pytest

from drivers.gdw376.pacing import InFlight, RoundTrip

FLOOR, CEILING = 1.0, 15.0


async def _one_turn() -> None:
    """Let every task that is ready run once (no time passes)."""
    loop = asyncio.get_running_loop()
    turned = loop.create_future()
    loop.call_soon(turned.set_result, None)
    await turned


def test_before_any_round_trip_the_timeout_is_the_ceiling() -> None:
    assert RoundTrip().timeout(FLOOR, CEILING) == CEILING


def test_the_estimate_follows_rfc_6298() -> None:
    rtt = RoundTrip()
    rtt.add(2.0)
    assert (rtt.srtt, rtt.rttvar) == (2.0, 1.0)  # first sample: R, R/2
    assert rtt.timeout(FLOOR, CEILING) == 2.0 + 4 * 1.0
    rtt.add(4.0)
    assert rtt.rttvar == pytest.approx(0.75 * 1.0 + 0.25 * abs(2.0 - 4.0))
    assert rtt.srtt == pytest.approx(0.875 * 2.0 + 0.125 * 4.0)
    assert rtt.timeout(FLOOR, CEILING) == pytest.approx(2.25 + 4 * 1.25)
    assert rtt.samples == 2


def test_a_slow_responder_is_followed_up_to_the_ceiling_and_forgotten_when_it_recovers() -> None:
    rtt = RoundTrip()
    for _ in range(20):
        rtt.add(0.05)  # a concentrator on a fast link
    assert rtt.timeout(FLOOR, CEILING) == FLOOR  # never below the floor

    slow: list[float] = []
    for _ in range(20):  # it slows down to 6 s a round trip
        rtt.add(6.0)
        slow.append(rtt.timeout(FLOOR, CEILING))
    assert slow[0] > 6.0  # the first slow answer lifts the timeout past it at once
    assert max(slow) == CEILING  # the jump shows as deviation: capped
    peak = len(slow) - slow[::-1].index(CEILING)
    assert slow[peak:] == sorted(slow[peak:], reverse=True)  # then settles, steadily
    assert 6.0 < slow[-1] < 9.0  # steady at 6 s: little deviation left

    fast: list[float] = []
    for _ in range(40):  # and it recovers
        rtt.add(0.05)
        fast.append(rtt.timeout(FLOOR, CEILING))
    assert fast[0] > slow[-1]  # one fast answer is a change, not yet a recovery
    assert fast[-1] == FLOOR
    assert fast.index(FLOOR) < 35


def test_a_timeout_is_kept_within_its_bounds() -> None:
    rtt = RoundTrip()
    rtt.add(40.0)
    assert rtt.timeout(FLOOR, CEILING) == CEILING
    rtt = RoundTrip()
    rtt.add(-1.0)  # a clock that stepped back: no negative round trip
    assert rtt.srtt == 0.0 and rtt.timeout(FLOOR, CEILING) == FLOOR


def test_no_more_than_the_limit_are_in_flight_and_the_rest_go_in_order() -> None:
    async def scenario() -> None:
        gate = InFlight(2)
        order: list[str] = []

        async def request(name: str, done: asyncio.Event) -> None:
            async with gate.slot():
                order.append(name)
                await done.wait()

        events = {name: asyncio.Event() for name in "abcde"}
        tasks = [asyncio.create_task(request(n, e)) for n, e in events.items()]
        await _one_turn()  # every task has reached the gate
        assert order == ["a", "b"] and (gate.count, gate.waiting) == (2, 3)
        events["b"].set()
        await tasks[1]
        await _one_turn()
        assert order == ["a", "b", "c"] and gate.count == 2
        for name in "acde":
            events[name].set()
        await asyncio.gather(*tasks)
        assert order == ["a", "b", "c", "d", "e"]
        assert (gate.count, gate.waiting) == (0, 0)

    asyncio.run(scenario())


def test_an_urgent_request_does_not_wait_but_counts() -> None:
    async def scenario() -> None:
        gate = InFlight(1)
        await gate.acquire()
        await asyncio.wait_for(gate.acquire(urgent=True), 5.0)  # no wait for a slot
        assert gate.count == 2
        waiting = asyncio.create_task(gate.acquire())
        await _one_turn()
        gate.release()  # the urgent one is done: still one in flight, the waiter waits
        await _one_turn()
        assert not waiting.done()
        gate.release()
        await waiting
        assert gate.count == 1

    asyncio.run(scenario())


def test_a_cancelled_waiter_gives_its_place_and_its_slot_away() -> None:
    async def scenario() -> None:
        gate = InFlight(1)
        await gate.acquire()
        first = asyncio.create_task(gate.acquire())
        second = asyncio.create_task(gate.acquire())
        await _one_turn()
        first.cancel()  # gave up while waiting
        gate.release()
        await second  # the slot went to the next in line
        assert gate.count == 1 and first.cancelled()

        third = asyncio.create_task(gate.acquire())
        await _one_turn()
        gate.release()  # the slot is handed to ``third``...
        third.cancel()  # ...which is cancelled before it runs: the slot is passed back
        with pytest.raises(asyncio.CancelledError):
            await third
        assert (gate.count, gate.waiting) == (0, 0)

    asyncio.run(scenario())


def test_a_bound_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one request"):
        InFlight(0)
