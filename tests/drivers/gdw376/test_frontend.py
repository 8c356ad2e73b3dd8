"""The front end over real TCP on 127.0.0.1: fake concentrators (plain sockets driven by
``TerminalSession`` from the test thread) log in and heartbeat, get requests and answer them,
go silent, drop and come back; 50 of them at once."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from drivers.errors import MeterTimeoutError
from drivers.gdw376.codec import Address, Frame, StreamDecoder, decode
from drivers.gdw376.frontend import (
    EventKind,
    FrontEnd,
    FrontEndOptions,
    OfflineError,
    TerminalEvent,
    TerminalKey,
    key_of,
)
from drivers.gdw376.session import (
    CONFIRM_EACH,
    FN_LINK_STATUS,
    Afn,
    DeniedError,
    LinkFn,
    Reply,
    TerminalSession,
)
from drivers.gdw376.units import DataUnit, decode_units
from drivers.link.traffic import Direction, Traffic

CLOCK = datetime(2024, 3, 15, 10, 20, 30)
DEADLINE_S = 5.0


def wait_until(condition: Callable[[], bool], what: str, timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


class FakeConcentrator:
    """A concentrator dialling in: a blocking socket and the terminal's session."""

    def __init__(self, port: int, terminal: int = 0x1234, district: str = "3301") -> None:
        self.address = Address(district, terminal)
        self.key: TerminalKey = key_of(self.address)
        self.session = TerminalSession(self.address)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
        host, local_port = self.sock.getsockname()[:2]
        self.remote = f"{host}:{local_port}"  # as the front end sees it
        self._decoder = StreamDecoder()
        self._frames: list[Frame] = []

    def send(self, raw: bytes) -> None:
        self.sock.sendall(raw)

    def receive(self) -> Frame:
        """The next frame from the front end (fails after the deadline)."""
        deadline = time.monotonic() + DEADLINE_S
        while not self._frames:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            data = self.sock.recv(4096)
            if not data:
                raise AssertionError(f"{self.key}: the front end closed the connection")
            for item in self._decoder.feed(data):
                assert isinstance(item, Frame), item
                self._frames.append(item)
        return self._frames.pop(0)

    def closed_by_peer(self) -> bool:
        self.sock.settimeout(DEADLINE_S)
        try:
            return self.sock.recv(4096) == b""
        except ConnectionResetError:
            return True

    def link(self, fn: LinkFn) -> Frame:
        """Send a login/heartbeat/logout and return the front end's confirmation."""
        self.send(self.session.link(fn))
        return self.receive()

    def answer_clock(self) -> Frame:
        """Take the next request (AFN 0C F2) and answer it with the clock."""
        request = self.receive()
        assert decode_units(request.afn, False, request.data) == [DataUnit(0, 2)]
        for raw in self.session.answer(request, [DataUnit(0, 2, {"clock": CLOCK})]):
            self.send(raw)
        return request

    def close(self) -> None:
        self.sock.close()


class Harness:
    def __init__(
        self, options: FrontEndOptions, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.events: list[TerminalEvent] = []
        self.traffic: list[Traffic] = []
        self.front = FrontEnd(
            options,
            on_event=self.events.append,
            on_traffic=self.traffic.append,
            monotonic=monotonic,
        )
        self.port = self.front.listen("127.0.0.1", 0)[1]
        self.fakes: list[FakeConcentrator] = []

    def fake(self, terminal: int = 0x1234) -> FakeConcentrator:
        fake = FakeConcentrator(self.port, terminal)
        self.fakes.append(fake)
        return fake

    def online(self, fake: FakeConcentrator) -> FakeConcentrator:
        confirmation = fake.link(LinkFn.LOGIN)
        assert confirmation.afn == Afn.CONFIRM
        return fake

    def kinds(self, key: TerminalKey) -> list[EventKind]:
        return [e.kind for e in list(self.events) if e.key == key]

    def close(self) -> None:
        for fake in self.fakes:
            fake.close()
        self.front.stop()


@pytest.fixture
def make_harness() -> Iterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def make(monotonic: Callable[[], float] = time.monotonic, **options: object) -> Harness:
        harness = Harness(FrontEndOptions(**options), monotonic)  # type: ignore[arg-type]
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()


@pytest.fixture
def harness(make_harness: Callable[..., Harness]) -> Harness:
    return make_harness(timeout_s=2.0, retries=0)


# ----------------------------------------------------------------------------- log in, heartbeat


def test_a_login_is_confirmed_and_the_concentrator_is_online(harness: Harness) -> None:
    fake = harness.fake()
    fake.session.link(LinkFn.HEARTBEAT)  # never sent: the login goes out with PSEQ 1
    raw = fake.session.link(LinkFn.LOGIN)
    fake.send(raw)
    confirmation = fake.receive()
    assert (confirmation.uplink, confirmation.prm) == (False, False)
    assert (confirmation.afn, confirmation.function) == (Afn.CONFIRM, FN_LINK_STATUS)
    assert confirmation.sequence == decode(raw).sequence == 1
    assert confirmation.address == fake.address._replace(master=1)
    assert decode_units(Afn.CONFIRM, False, confirmation.data) == [
        DataUnit(0, CONFIRM_EACH, {"afn": Afn.LINK, "items": [{"pn": 0, "fn": 1, "ok": True}]})
    ]
    wait_until(lambda: EventKind.LOGIN in harness.kinds(fake.key), "the login event")
    (state,) = harness.front.states()
    assert (state.key, state.online, state.remote) == (fake.key, True, fake.remote)
    assert state.logged_in_at is not None and state.last_seen_at is not None
    assert harness.front.is_online(fake.key)
    login_event = next(e for e in harness.events if e.kind == EventKind.LOGIN)
    assert login_event.remote == fake.remote


def test_heartbeats_are_confirmed_and_reported(harness: Harness) -> None:
    fake = harness.online(harness.fake())
    for pseq in (1, 2):
        confirmation = fake.link(LinkFn.HEARTBEAT)
        assert (confirmation.afn, confirmation.sequence) == (Afn.CONFIRM, pseq)
        items = decode_units(Afn.CONFIRM, False, confirmation.data)[0].values["items"]
        assert items == [{"pn": 0, "fn": 3, "ok": True}]
    wait_until(lambda: harness.kinds(fake.key).count(EventKind.HEARTBEAT) == 2, "2 heartbeats")
    assert harness.kinds(fake.key) == [EventKind.LOGIN, EventKind.HEARTBEAT, EventKind.HEARTBEAT]


def test_an_event_report_is_confirmed_and_passed_on(harness: Harness) -> None:
    fake = harness.online(harness.fake())
    event = {"erc": 14, "power_off_at": datetime(2024, 3, 15, 1, 2), "power_on_at": None}
    unit = DataUnit(
        0, 1, {"ec1": 1, "ec2": 0, "start_pointer": 0, "end_pointer": 1, "events": [event]}
    )
    fake.send(fake.session.report_events(unit))
    confirmation = fake.receive()
    assert (confirmation.afn, confirmation.function, confirmation.sequence) == (0, 0, 1)
    wait_until(lambda: EventKind.REPORT in harness.kinds(fake.key), "the report event")
    report = next(e for e in harness.events if e.kind == EventKind.REPORT)
    assert report.units == (unit,)


# ----------------------------------------------------------------------------- requests


def test_a_request_is_answered(harness: Harness) -> None:
    fake = harness.online(harness.fake())
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    request = fake.answer_clock()
    assert (request.uplink, request.prm, request.afn, request.function) == (False, True, 0x0C, 11)
    reply = future.result(DEADLINE_S)
    assert isinstance(reply, Reply)
    assert (reply.afn, reply.frames, reply.address.terminal) == (Afn.CURRENT, 1, 0x1234)
    assert reply.units == [DataUnit(0, 2, {"clock": CLOCK})]


def test_a_multi_frame_answer_is_reassembled(harness: Harness) -> None:
    fake = harness.online(harness.fake())
    fake.session = TerminalSession(fake.address, max_units_len=16)
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    request = fake.receive()
    units = [DataUnit(0, 2, {"clock": CLOCK}), DataUnit(0, 2, {"clock": CLOCK.replace(second=31)})]
    frames = fake.session.answer(request, units)
    assert len(frames) == 2
    fake.send(b"".join(frames))
    reply = future.result(DEADLINE_S)
    assert (reply.units, reply.frames) == (units, 2)


def test_a_concentrator_that_never_answers_times_out_after_the_retries(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(timeout_s=0.2, retries=2)
    fake = harness.online(harness.fake())
    started = time.monotonic()
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    sent = [fake.receive() for _ in range(3)]  # the first attempt and two re-sends
    with pytest.raises(MeterTimeoutError, match="3 attempts"):
        future.result(DEADLINE_S)
    elapsed = time.monotonic() - started
    assert 0.6 <= elapsed < 0.6 + 2.0
    assert [f.sequence for f in sent] == [0, 1, 2]  # every attempt has its own PSEQ
    # A late answer to the last attempt changes nothing; the next request still works.
    for raw in fake.session.answer(sent[-1], [DataUnit(0, 2, {"clock": CLOCK})]):
        fake.send(raw)
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)], timeout_s=2.0)
    assert fake.answer_clock().sequence == 3
    assert future.result(DEADLINE_S).units == [DataUnit(0, 2, {"clock": CLOCK})]


def test_a_denied_request_raises(harness: Harness) -> None:
    fake = harness.online(harness.fake())
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    fake.send(fake.session.confirm(fake.receive(), ok=False))
    with pytest.raises(DeniedError):
        future.result(DEADLINE_S)


def test_an_unknown_concentrator_is_offline(harness: Harness) -> None:
    future = harness.front.request(("3301", 99), Afn.CURRENT, [DataUnit(0, 2)])
    with pytest.raises(OfflineError, match="3301-00099"):
        future.result(DEADLINE_S)


def test_one_request_in_flight_per_concentrator(harness: Harness) -> None:
    fake = harness.online(harness.fake())
    first = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    second = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    request = fake.receive()

    async def nothing() -> None:
        return None

    # Both requests reached the loop before this no-op did: had the second not been waiting
    # for the first, its frame would already be in the traffic.
    harness.front.call(nothing()).result(DEADLINE_S)
    requests = [t for t in list(harness.traffic) if t.direction == Direction.DOWN]
    assert [decode(t.raw).afn for t in requests] == [Afn.CONFIRM, Afn.CURRENT]
    assert not second.done()
    for raw in fake.session.answer(request, [DataUnit(0, 2, {"clock": CLOCK})]):
        fake.send(raw)
    assert first.result(DEADLINE_S).units[0].values["clock"] == CLOCK
    assert fake.answer_clock().sequence == request.sequence + 1
    assert second.result(DEADLINE_S).units[0].values["clock"] == CLOCK


def test_fifty_concentrators_at_once(harness: Harness) -> None:
    fakes = [harness.online(harness.fake(terminal)) for terminal in range(1, 51)]
    wait_until(lambda: sum(s.online for s in harness.front.states()) == 50, "50 online")
    futures = [harness.front.request(f.key, Afn.CURRENT, [DataUnit(0, 2)]) for f in fakes]
    for fake in fakes:
        assert fake.answer_clock().address.terminal == fake.address.terminal
    replies = [future.result(DEADLINE_S) for future in futures]
    assert [r.address.terminal for r in replies] == list(range(1, 51))
    assert all(r.units == [DataUnit(0, 2, {"clock": CLOCK})] for r in replies)


# ----------------------------------------------------------------------------- going offline


def test_a_disconnect_goes_offline_and_a_new_login_comes_back(harness: Harness) -> None:
    fake = harness.online(harness.fake())
    fake.close()
    wait_until(lambda: EventKind.OFFLINE in harness.kinds(fake.key), "the offline event")
    offline = next(e for e in harness.events if e.kind == EventKind.OFFLINE)
    assert offline.remote == fake.remote
    assert not harness.front.is_online(fake.key)
    assert [s.online for s in harness.front.states()] == [False]
    with pytest.raises(OfflineError):
        harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)]).result(DEADLINE_S)

    again = harness.online(harness.fake())
    wait_until(lambda: harness.kinds(fake.key).count(EventKind.LOGIN) == 2, "the second login")
    (state,) = harness.front.states()
    assert (state.online, state.remote) == (True, again.remote)
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    again.answer_clock()
    assert future.result(DEADLINE_S).units == [DataUnit(0, 2, {"clock": CLOCK})]


def test_a_request_in_flight_fails_when_the_link_drops(harness: Harness) -> None:
    fake = harness.online(harness.fake())
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    fake.receive()
    fake.close()
    with pytest.raises(OfflineError):
        future.result(DEADLINE_S)


def test_a_logout_closes_the_link(harness: Harness) -> None:
    fake = harness.online(harness.fake())
    assert fake.link(LinkFn.LOGOUT).afn == Afn.CONFIRM
    assert fake.closed_by_peer()
    wait_until(lambda: EventKind.OFFLINE in harness.kinds(fake.key), "the offline event")
    assert harness.kinds(fake.key)[:2] == [EventKind.LOGIN, EventKind.LOGOUT]


def test_a_silent_concentrator_is_dropped_after_the_heartbeat_timeout(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(heartbeat_timeout_s=0.3)
    started = time.monotonic()  # before the login, the last frame the front end sees
    fake = harness.online(harness.fake())
    wait_until(lambda: EventKind.OFFLINE in harness.kinds(fake.key), "the heartbeat timeout")
    assert time.monotonic() - started >= 0.3
    offline = next(e for e in harness.events if e.kind == EventKind.OFFLINE)
    assert "heartbeat" in offline.reason
    assert not harness.front.is_online(fake.key)
    assert fake.closed_by_peer()


def test_a_connection_that_never_names_itself_is_closed_after_the_login_timeout(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(login_timeout_s=0.3)
    named = harness.online(harness.fake(0x0001))
    started = time.monotonic()
    silent = harness.fake(0x0002)  # connects, then never sends a frame
    assert silent.closed_by_peer()
    assert time.monotonic() - started >= 0.3
    assert harness.front.is_online(named.key)  # a logged-in concentrator stays
    heartbeat = named.link(LinkFn.HEARTBEAT)
    assert heartbeat.afn == Afn.CONFIRM


def test_a_request_to_a_concentrator_never_seen_fails_and_leaves_no_entry(
    harness: Harness,
) -> None:
    unknown = ("3301", 0x0999)
    with pytest.raises(OfflineError, match="never logged in"):
        harness.front.request(unknown, Afn.CURRENT, [DataUnit(0, 2)]).result(DEADLINE_S)
    assert unknown not in {st.key for st in harness.front.states()}


# ----------------------------------------------------------------------------- traffic


def test_traffic_carries_whole_frames_in_both_directions(harness: Harness) -> None:
    fake = harness.online(harness.fake())
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    fake.answer_clock()
    future.result(DEADLINE_S)
    wait_until(lambda: len(harness.traffic) == 4, "4 frames of traffic")
    seen = [(t.direction, decode(t.raw).afn, decode(t.raw).uplink) for t in harness.traffic]
    assert seen == [
        (Direction.UP, Afn.LINK, True),
        (Direction.DOWN, Afn.CONFIRM, False),
        (Direction.DOWN, Afn.CURRENT, False),
        (Direction.UP, Afn.CURRENT, True),
    ]
    assert {t.terminal for t in harness.traffic} == {"3301-04660"}
    assert {t.remote for t in harness.traffic} == {fake.remote}


# ----------------------------------------------------------------------------- pacing


def _answer(fake: FakeConcentrator, request: Frame) -> None:
    for raw in fake.session.answer(request, [DataUnit(0, 2, {"clock": CLOCK})]):
        fake.send(raw)


def _sent(harness: Harness) -> list[str]:
    """The concentrators a request frame has gone to so far, in order (after every call made
    to the loop before this one has run)."""

    async def nothing() -> None:
        return None

    harness.front.call(nothing()).result(DEADLINE_S)
    return [t.terminal for t in list(harness.traffic) if decode(t.raw).afn == Afn.CURRENT]


def test_no_more_requests_than_the_bound_are_in_flight(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(max_in_flight=2)
    fakes = [harness.online(harness.fake(terminal)) for terminal in range(1, 6)]
    futures = [
        harness.front.request(f.key, Afn.CURRENT, [DataUnit(0, 2)], urgent=False) for f in fakes
    ]
    first, second = fakes[0].receive(), fakes[1].receive()
    assert _sent(harness) == ["3301-00001", "3301-00002"]
    assert harness.front.in_flight == (2, 3)
    # A dispatcher's on-demand read (of another concentrator) does not queue behind the pass.
    other = harness.online(harness.fake(6))
    urgent = harness.front.request(other.key, Afn.CURRENT, [DataUnit(0, 2)], retries=0)
    other.answer_clock()
    assert urgent.result(DEADLINE_S).units[0].values["clock"] == CLOCK
    assert harness.front.in_flight == (2, 3)

    _answer(fakes[1], second)  # one answer frees one slot: the next in line goes out
    assert futures[1].result(DEADLINE_S).units[0].values["clock"] == CLOCK
    third = fakes[2].receive()
    assert _sent(harness)[-1] == "3301-00003" and harness.front.in_flight == (2, 2)
    _answer(fakes[0], first)
    _answer(fakes[2], third)
    for fake in fakes[3:]:
        fake.answer_clock()
    assert all(f.result(DEADLINE_S).units[0].values["clock"] == CLOCK for f in futures)
    assert harness.front.in_flight == (0, 0)


def test_a_request_waiting_for_a_slot_has_no_timeout_running(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(max_in_flight=1, timeout_s=0.3, retries=0)
    silent, answering = (harness.online(harness.fake(t)) for t in (1, 2))
    started = time.monotonic()
    lost = harness.front.request(silent.key, Afn.CURRENT, [DataUnit(0, 2)], urgent=False)
    waiting = harness.front.request(answering.key, Afn.CURRENT, [DataUnit(0, 2)], urgent=False)
    silent.receive()
    with pytest.raises(MeterTimeoutError):
        lost.result(DEADLINE_S)
    # It waited a whole timeout for its slot, and was still given its own.
    assert time.monotonic() - started >= 0.3
    answering.answer_clock()
    assert waiting.result(DEADLINE_S).units[0].values["clock"] == CLOCK


class FakeMonotonic:
    """The front end's round-trip clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_timeout_follows_a_slow_concentrator_and_recovers(
    make_harness: Callable[..., Harness],
) -> None:
    clock = FakeMonotonic()
    harness = make_harness(monotonic=clock, timeout_s=30.0, min_timeout_s=0.5, retries=0)
    fake = harness.online(harness.fake())
    assert harness.front.timeout_for(fake.key) == 30.0  # nothing measured yet

    def exchange(round_trip_s: float) -> float:
        future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
        request = fake.receive()
        clock.now += round_trip_s
        _answer(fake, request)
        future.result(DEADLINE_S)
        return harness.front.timeout_for(fake.key)

    quick = [exchange(0.1) for _ in range(10)]
    assert quick[-1] == 0.5  # the floor
    slow = [exchange(8.0) for _ in range(10)]
    assert slow[0] > 8.0 and all(8.0 < t <= 30.0 for t in slow)
    recovered = [exchange(0.1) for _ in range(40)]
    assert recovered[-1] == 0.5
    assert harness.front.timeout_for(fake.key, timeout_s=5.0) == 0.5
    assert harness.front.stats.resent == 0


def test_when_every_concentrator_slows_down_none_is_re_sent_to_sooner(
    make_harness: Callable[..., Harness],
) -> None:
    """Load slows every link at once: a concentrator measured fast is not re-sent to sooner
    than the round trips seen from the others now say."""
    clock = FakeMonotonic()
    harness = make_harness(monotonic=clock, timeout_s=30.0, min_timeout_s=0.5, retries=0)
    fast, busy = harness.online(harness.fake(1)), harness.online(harness.fake(2))
    assert harness.front.timeout_for(fast.key) == 30.0

    def exchange(fake: FakeConcentrator, round_trip_s: float) -> None:
        future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
        request = fake.receive()
        clock.now += round_trip_s
        _answer(fake, request)
        future.result(DEADLINE_S)

    for _ in range(10):
        exchange(fast, 0.05)
    assert harness.front.timeout_for(fast.key) == 0.5
    for _ in range(10):
        exchange(busy, 6.0)
    assert harness.front.timeout_for(fast.key) > 6.0  # its own round trips are still short
    for _ in range(40):
        exchange(fast, 0.05)
    assert harness.front.timeout_for(fast.key) == 0.5


def test_a_known_fast_concentrator_is_asked_again_soon_and_its_late_answer_counts(
    make_harness: Callable[..., Harness],
) -> None:
    clock = FakeMonotonic()
    harness = make_harness(monotonic=clock, timeout_s=10.0, min_timeout_s=0.05, retries=2)
    fake = harness.online(harness.fake())
    for _ in range(5):  # round trips of 10 ms: the timeout comes down to the floor
        future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
        request = fake.receive()
        clock.now += 0.01
        _answer(fake, request)
        future.result(DEADLINE_S)
    assert harness.front.timeout_for(fake.key) == 0.05

    started = time.monotonic()
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    first = fake.receive()
    again = fake.receive()  # re-sent well before the 10 s of timeout_s
    assert time.monotonic() - started < 5.0
    assert again.sequence == (first.sequence + 1) % 16
    clock.now += 0.2
    _answer(fake, first)  # the answer to the first frame arrives after the re-send
    assert future.result(DEADLINE_S).units[0].values["clock"] == CLOCK
    stats = harness.front.stats
    assert (stats.resent, stats.late_answers, stats.given_up) == (1, 1, 0)


def test_a_request_re_sent_early_still_waits_its_whole_patience(
    make_harness: Callable[..., Harness],
) -> None:
    clock = FakeMonotonic()
    harness = make_harness(monotonic=clock, timeout_s=0.4, min_timeout_s=0.02, retries=2)
    fake = harness.online(harness.fake())
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    request = fake.receive()
    clock.now += 0.001
    _answer(fake, request)
    future.result(DEADLINE_S)
    assert harness.front.timeout_for(fake.key) == 0.02

    started = time.monotonic()
    future = harness.front.request(fake.key, Afn.CURRENT, [DataUnit(0, 2)])
    sent = [fake.receive() for _ in range(3)]
    with pytest.raises(MeterTimeoutError, match=r"3 attempts in 1\.2 s"):
        future.result(DEADLINE_S)
    assert time.monotonic() - started >= 1.2  # (1 + retries) * timeout_s, as ever
    assert len({f.sequence for f in sent}) == 3
    assert harness.front.stats.given_up == 1
