"""The master station's front end (前置机): the concentrators' connections and requests.

One asyncio event loop in one worker thread carries every connection: concentrators that dial
in to the TCP server (the usual case in the field: they log in, then heartbeat), and those the
console reaches itself (``connect``: a TCP converter, or a serial maintenance port bridged by a
small reader thread). Each concentrator has one request in flight at a time, and at most
``max_in_flight`` are in flight across all of them (``drivers.gdw376.pacing``); a request that
gets no answer is re-sent a bounded number of times, sooner on a link whose round trips are
known to be short. Thousands of concentrators cost coroutines, not threads.

Other threads call ``request`` (a ``concurrent.futures.Future``) or run their own coroutines on
the loop with ``call``. Callbacks (``on_event``, ``on_traffic``) run on the loop thread and
must return quickly (hand the object to a queue).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from drivers.errors import DriverError, FrameError, MeterTimeoutError, TransportError
from drivers.gdw376.codec import EC_LEN, PW_LEN, TP_LEN, Address, Frame, parse
from drivers.gdw376.pacing import InFlight, RoundTrip
from drivers.gdw376.session import Afn, LinkFn, MasterSession, Pending, Reply
from drivers.gdw376.units import DataUnit, decode_units
from drivers.link.base import Transport, create_transport
from drivers.link.traffic import Direction, Traffic

log = logging.getLogger(__name__)

T = TypeVar("T")
TerminalKey = tuple[str, int]  # (district code, terminal address)


def key_of(address: Address) -> TerminalKey:
    return (address.district, address.terminal)


def key_text(key: TerminalKey) -> str:
    return f"{key[0]}-{key[1]:05d}"


class OfflineError(TransportError):
    """The concentrator has no connection to the front end (not logged in, or dropped)."""


@dataclass(frozen=True, slots=True)
class FrontEndOptions:
    # The longest wait for an answer before a request is re-sent (a GPRS round trip can take
    # seconds), and the wait while a concentrator's round trips are not known yet. A request
    # is given up (1 + retries) * timeout_s after it was first sent, however soon it was
    # re-sent: an answer to any of its attempts is taken until then.
    timeout_s: float = 15.0
    retries: int = 2  # re-sends after the first attempt
    # The shortest wait before a re-send, however short the round trips seen: a hiccup of the
    # concentrator or of this machine should not cost a re-send.
    min_timeout_s: float = 1.0
    # Requests in flight at once across every concentrator; more wait for a slot, with no
    # timeout running. Bounds the work queued at once in front of the concentrators (or of an
    # emulator answering them all) and the answers arriving at once here.
    max_in_flight: int = 256
    heartbeat_timeout_s: float = 900.0  # DESIGN.md §6: no heartbeat for 15 min -> offline
    # A connection that has not sent one valid frame by then is closed (a port scan, a
    # misconfigured modem, a half-open GPRS link): it would otherwise hold a socket forever.
    login_timeout_s: float = 120.0
    master: int = 1  # this station's MSA
    password: bytes = bytes(PW_LEN)


@dataclass(slots=True)
class RequestStats:
    """Counts since the front end was made (read from any thread: a snapshot to compare)."""

    requests: int = 0
    attempts: int = 0  # frames sent: requests and re-sends
    resent: int = 0  # attempts after a request's first (no answer in time, or a garbled one)
    late_answers: int = 0  # answers to an attempt before the request's last
    stale_answers: int = 0  # answers that came after their request was answered or given up
    given_up: int = 0  # requests that got no answer at all (MeterTimeoutError)


class EventKind(StrEnum):
    LOGIN = "login"
    LOGOUT = "logout"
    HEARTBEAT = "heartbeat"
    OFFLINE = "offline"
    REPORT = "report"  # events the concentrator reported on its own (AFN 0E)


@dataclass(frozen=True, slots=True)
class TerminalEvent:
    kind: EventKind
    key: TerminalKey
    at: datetime
    remote: str = ""
    units: tuple[DataUnit, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class TerminalState:
    key: TerminalKey
    online: bool
    remote: str
    logged_in_at: datetime | None
    last_seen_at: datetime | None  # the last frame of any kind from it


@dataclass(slots=True)
class _Exchange:
    """One request on its way: each attempt's ``Pending`` with the time its frame went out (an
    answer to any of them will do; its sequence number says which), and the future that the
    answer, or the error ending the attempt, is handed to."""

    future: asyncio.Future[Reply]
    attempts: list[tuple[Pending, float]]


@dataclass(slots=True)
class _Terminal:
    key: TerminalKey
    session: MasterSession
    lock: asyncio.Lock
    channel: _Channel | None = None
    url: str | None = None  # reached by the console (connect), not dialling in
    logged_in_at: datetime | None = None
    last_seen: float = 0.0  # monotonic
    last_seen_at: datetime | None = None
    waiting: _Exchange | None = None
    round_trip: RoundTrip = field(default_factory=RoundTrip)


def _frame_size(frame: Frame) -> int:
    aux = (PW_LEN if frame.pw is not None else 0) + (EC_LEN if frame.ec is not None else 0)
    return 16 + len(frame.data) + aux + (TP_LEN if frame.tp is not None else 0)


class _Channel:
    """One byte stream to one concentrator (once its first frame has named it)."""

    def __init__(self, front: FrontEnd, remote: str, write: Callable[[bytes], None]) -> None:
        self.front = front
        self.remote = remote
        self._write = write
        self._buf = bytearray()
        self.terminal: _Terminal | None = None
        self.opened_at = time.monotonic()
        self.closed = False
        self.close_hook: Callable[[], None] | None = None

    def send(self, raw: bytes) -> None:
        if self.closed:
            raise OfflineError(f"{self.remote}: the connection is closed")
        self._write(raw)
        self.front._traffic(self, Direction.DOWN, raw)

    def feed(self, data: bytes) -> None:
        buf = self._buf
        buf += data
        while buf:
            result, consumed = parse(buf)
            if isinstance(result, Frame):
                raw = bytes(buf[consumed - _frame_size(result) : consumed])
                del buf[:consumed]
                self.front._traffic(self, Direction.UP, raw, result)
                self.front._on_frame(self, result)
                continue
            if result is not None and consumed > 1:  # a whole broken frame: show it
                self.front._traffic(self, Direction.UP, bytes(buf[:consumed]), error=str(result))
            if consumed:
                del buf[:consumed]
            if result is None:
                break
            log.info("%s: bad frame dropped: %s", self.remote, result)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.close_hook is not None:
                self.close_hook()


class _Protocol(asyncio.Protocol):
    def __init__(self, front: FrontEnd) -> None:
        self.front = front
        self.channel: _Channel | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        remote = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        self.channel = _Channel(self.front, remote, transport.write)
        self.channel.close_hook = transport.close
        self.front._channels.add(self.channel)

    def data_received(self, data: bytes) -> None:
        if self.channel is not None:
            self.channel.feed(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.channel is not None:
            self.channel.closed = True
            self.front._channel_lost(self.channel, str(exc) if exc else "connection closed")


class FrontEnd:
    def __init__(
        self,
        options: FrontEndOptions | None = None,
        *,
        on_event: Callable[[TerminalEvent], None] | None = None,
        on_traffic: Callable[[Traffic], None] | None = None,
        now: Callable[[], datetime] = datetime.now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options or FrontEndOptions()
        self.on_event = on_event
        self.on_traffic = on_traffic
        self._now = now
        self._monotonic = monotonic  # round trips are measured on it
        self._in_flight = InFlight(self.options.max_in_flight)
        # Every concentrator's round trips together. Latency belongs to a link, but load (this
        # machine, the loop, whatever answers for many concentrators) slows them all at once:
        # no concentrator is re-sent to sooner than the fleet's round trips say.
        self._fleet = RoundTrip()
        self.stats = RequestStats()
        self._terminals: dict[TerminalKey, _Terminal] = {}
        self._channels: set[_Channel] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self.address: tuple[str, int] | None = None

    # ------------------------------------------------------------------ life cycle
    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise DriverError("the front end is not started")
        return self._loop

    def start(self) -> None:
        if self._thread is not None:
            return
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._watchdog = loop.create_task(self._watch())
            loop.call_soon(ready.set)
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="frontend", daemon=True)
        self._thread.start()
        ready.wait()

    def listen(self, host: str = "0.0.0.0", port: int = 0) -> tuple[str, int]:
        """Accept concentrators dialling in on ``host:port`` (0: any free port); the address."""
        self.start()

        async def serve() -> tuple[str, int]:
            self._server = await self.loop.create_server(
                lambda: _Protocol(self), host, port, backlog=4096, reuse_address=True
            )
            sock = self._server.sockets[0].getsockname()
            return str(sock[0]), int(sock[1])

        try:
            self.address = self.call(serve()).result()
        except OSError as err:
            raise TransportError(
                f"front end cannot listen on {host}:{port}: {err.strerror or err}"
            ) from err
        log.info("front end listening on %s:%d", *self.address)
        return self.address

    def stop(self, timeout: float = 5.0) -> None:
        if self._loop is None or self._thread is None:
            return
        loop = self._loop

        async def shutdown() -> None:
            if self._watchdog is not None:
                self._watchdog.cancel()
            if self._server is not None:
                self._server.close()
            for channel in list(self._channels):
                channel.close()
            for term in self._terminals.values():
                if term.waiting is not None and not term.waiting.future.done():
                    term.waiting.future.set_exception(OfflineError("the front end stopped"))

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(timeout)
        self._thread = None
        self._loop = None

    def call(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``coro`` on the front end's loop (from any other thread)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    # ------------------------------------------------------------------ concentrators
    def _terminal(self, key: TerminalKey) -> _Terminal:
        term = self._terminals.get(key)
        if term is None:
            address = Address(key[0], key[1])
            term = _Terminal(
                key,
                MasterSession(address, master=self.options.master, password=self.options.password),
                asyncio.Lock(),
            )
            self._terminals[key] = term
        return term

    def add_outbound(self, key: TerminalKey, url: str) -> None:
        """A concentrator the console reaches itself at ``url`` (``tcp://`` to a converter or
        its Ethernet port, ``serial://`` to its maintenance port); connected on first use."""

        def register() -> None:
            self._terminal(key).url = url

        self.start()
        self.loop.call_soon_threadsafe(register)

    def states(self) -> list[TerminalState]:
        """Every concentrator the front end has heard of (thread-safe snapshot)."""

        async def snapshot() -> list[TerminalState]:
            return [self._state(t) for t in self._terminals.values()]

        loop = self._loop
        if loop is None:
            return []
        if threading.current_thread() is self._thread or not loop.is_running():
            return [self._state(t) for t in list(self._terminals.values())]
        coro = snapshot()
        try:
            future = asyncio.run_coroutine_threadsafe(coro, loop)
        except RuntimeError:  # the loop closed meanwhile
            coro.close()
            return []
        try:
            return future.result(5.0)
        except (TimeoutError, concurrent.futures.CancelledError):
            return []  # stopping meanwhile

    def _state(self, term: _Terminal) -> TerminalState:
        channel = term.channel
        online = channel is not None and not channel.closed
        return TerminalState(
            term.key,
            online,
            channel.remote if channel is not None else (term.url or ""),
            term.logged_in_at,
            term.last_seen_at,
        )

    def is_online(self, key: TerminalKey) -> bool:
        term = self._terminals.get(key)
        return term is not None and term.channel is not None and not term.channel.closed

    def timeout_for(self, key: TerminalKey, timeout_s: float | None = None) -> float:
        """How long a request to ``key`` would now wait before its first re-send: the longer
        of its own and the fleet's adaptive timeouts, within [``min_timeout_s``,
        ``timeout_s``]; ``timeout_s`` until its round trips have been measured."""
        ceiling = self.options.timeout_s if timeout_s is None else timeout_s
        term = self._terminals.get(key)
        if term is None or term.round_trip.srtt is None:
            return ceiling
        floor = min(self.options.min_timeout_s, ceiling)
        return max(term.round_trip.timeout(floor, ceiling), self._fleet.timeout(floor, ceiling))

    @property
    def in_flight(self) -> tuple[int, int]:
        """Requests in flight now, and requests waiting for a slot."""
        return self._in_flight.count, self._in_flight.waiting

    # ------------------------------------------------------------------ requests
    def request(
        self,
        key: TerminalKey,
        afn: int,
        units: Sequence[DataUnit],
        *,
        timeout_s: float | None = None,
        retries: int | None = None,
        urgent: bool = True,
    ) -> concurrent.futures.Future[Reply]:
        """``arequest`` from another thread. Such a request is one person's (an on-demand
        read): by default it does not wait behind a pass's requests for a slot."""
        return self.call(
            self.arequest(key, afn, units, timeout_s=timeout_s, retries=retries, urgent=urgent)
        )

    async def arequest(
        self,
        key: TerminalKey,
        afn: int,
        units: Sequence[DataUnit],
        *,
        timeout_s: float | None = None,
        retries: int | None = None,
        urgent: bool = False,
        on_sent: Callable[[], None] | None = None,
    ) -> Reply:
        """Send a request and wait for its whole answer (on the loop). Raises ``OfflineError``,
        ``MeterTimeoutError`` after the retries, ``DeniedError``, or ``FrameError``.

        The request first waits for the concentrator's previous one and for a slot among the
        ``max_in_flight`` (``urgent``: no wait for a slot); ``on_sent`` is called when its
        first frame goes out, where its clock starts. An attempt unanswered after the
        concentrator's adaptive timeout (``timeout_s`` at most) is re-sent, ``retries`` times;
        the request is given up ``(1 + retries) * timeout_s`` after its first frame."""
        ceiling = self.options.timeout_s if timeout_s is None else timeout_s
        attempts = 1 + (self.options.retries if retries is None else retries)
        if key not in self._terminals:  # never heard of: no entry left behind in states()
            raise OfflineError(f"concentrator {key_text(key)} is offline (it never logged in)")
        term = self._terminal(key)
        async with term.lock, self._in_flight.slot(urgent=urgent):
            exchange = _Exchange(self.loop.create_future(), [])
            term.waiting = exchange
            try:
                return await self._exchange(
                    term, exchange, afn, units, ceiling=ceiling, attempts=attempts, on_sent=on_sent
                )
            finally:
                term.waiting = None
                if exchange.future.done() and not exchange.future.cancelled():
                    exchange.future.exception()  # an error nobody waited for is not news

    async def _exchange(
        self,
        term: _Terminal,
        exchange: _Exchange,
        afn: int,
        units: Sequence[DataUnit],
        *,
        ceiling: float,
        attempts: int,
        on_sent: Callable[[], None] | None,
    ) -> Reply:
        loop = self.loop
        self.stats.requests += 1
        give_up_at = 0.0
        last: Exception | None = None
        for attempt in range(attempts):
            channel = await self._channel_of(term)
            if exchange.future.done():  # an earlier attempt answered while connecting
                return exchange.future.result()
            raw, pending = term.session.request(afn, units)
            exchange.attempts.append((pending, self._monotonic()))
            channel.send(raw)
            self.stats.attempts += 1
            if attempt == 0:
                give_up_at = loop.time() + attempts * ceiling
                if on_sent is not None:
                    on_sent()
            else:
                self.stats.resent += 1
            if attempt == attempts - 1:
                wait = max(0.0, give_up_at - loop.time())
            else:  # backed off per re-send, as TCP does: a slow spell is not a lost frame
                wait = min(ceiling, self.timeout_for(term.key, ceiling) * 2**attempt)
            try:
                # Shielded: when the wait ends, the request still takes an answer to this
                # attempt during the next one.
                return await asyncio.wait_for(asyncio.shield(exchange.future), wait)
            except TimeoutError:
                last = None
            except FrameError as err:  # a garbled answer: ask again
                last = err
                exchange.future = loop.create_future()
        if last is not None:
            raise last
        self.stats.given_up += 1
        raise MeterTimeoutError(
            f"concentrator {key_text(term.key)} did not answer AFN {afn:02X}H "
            f"({attempts} attempts in {attempts * ceiling:g} s)"
        )

    async def _channel_of(self, term: _Terminal) -> _Channel:
        channel = term.channel
        if channel is not None and not channel.closed:
            return channel
        if term.url is None:
            raise OfflineError(f"concentrator {key_text(term.key)} is offline")
        return await self._connect(term)

    async def _connect(self, term: _Terminal) -> _Channel:
        url = term.url
        assert url is not None
        if url.startswith("tcp://"):
            host, _, port = url.removeprefix("tcp://").split("?", 1)[0].rpartition(":")
            try:
                _transport, protocol = await asyncio.wait_for(
                    self.loop.create_connection(lambda: _Protocol(self), host, int(port)),
                    self.options.timeout_s,
                )
            except (OSError, TimeoutError, ValueError) as err:
                raise OfflineError(f"{url}: cannot connect: {err}") from err
            channel = protocol.channel
            assert channel is not None
        else:
            channel = await self._bridge(url)
        self._attach(term, channel)
        return channel

    async def _bridge(self, url: str) -> _Channel:
        """A blocking link (a serial port) carried by a reader thread into the loop."""
        loop = self.loop
        try:
            link: Transport = create_transport(url)
            await loop.run_in_executor(None, link.open)
        except DriverError as err:
            raise OfflineError(f"{url}: {err}") from err
        stop = threading.Event()
        channel = _Channel(self, url, link.write)

        def reader() -> None:
            while not stop.is_set():
                try:
                    data = link.read(4096, time.monotonic() + 0.2)
                except DriverError as err:
                    loop.call_soon_threadsafe(self._channel_lost, channel, str(err))
                    return
                if data:
                    loop.call_soon_threadsafe(channel.feed, data)

        def close() -> None:
            stop.set()
            link.close()
            self._channel_lost(channel, "closed")

        channel.close_hook = close
        self._channels.add(channel)
        threading.Thread(target=reader, name=f"link {url}", daemon=True).start()
        return channel

    # ------------------------------------------------------------------ arriving frames (loop)
    def _traffic(
        self,
        channel: _Channel,
        direction: Direction,
        raw: bytes,
        frame: Frame | None = None,
        *,
        error: str = "",
    ) -> None:
        if self.on_traffic is None:
            return
        if channel.terminal is not None:
            name = key_text(channel.terminal.key)
        elif frame is not None:
            name = key_text(key_of(frame.address))
        else:
            name = ""
        self.on_traffic(Traffic(self._now(), name, direction, raw, channel.remote, error))

    def _attach(self, term: _Terminal, channel: _Channel) -> None:
        old = term.channel
        if old is not None and old is not channel:
            old.terminal = None  # a concentrator that reconnected: the old socket is stale
            old.close()
        term.channel = channel
        channel.terminal = term

    def _on_frame(self, channel: _Channel, frame: Frame) -> None:
        if not frame.uplink:
            return  # our own frame echoed, or another master's: not for us
        key = key_of(frame.address)
        term = self._terminal(key)
        if term.channel is not channel:
            self._attach(term, channel)
        term.last_seen = time.monotonic()
        term.last_seen_at = self._now()
        if frame.prm:
            self._terminal_started(term, channel, frame)
            return
        if term.waiting is None or not self._answer(term, term.waiting, frame):
            self.stats.stale_answers += 1
        if frame.con:
            self._confirm(term, channel, frame)

    def _answer(self, term: _Terminal, exchange: _Exchange, frame: Frame) -> bool:
        # The newest attempt first: a frame answering it is never mistaken for a break in an
        # older attempt's multi-frame answer.
        for index in range(len(exchange.attempts) - 1, -1, -1):
            pending, sent_at = exchange.attempts[index]
            if not pending.accept(frame):
                continue
            if pending.done and not exchange.future.done():
                if pending.error is not None:
                    exchange.future.set_exception(pending.error)
                else:
                    assert pending.result is not None
                    # Which attempt this answers is known (its sequence number), so the
                    # sample is sound even after a re-send (Karn's problem does not arise).
                    round_trip = self._monotonic() - sent_at
                    term.round_trip.add(round_trip)
                    self._fleet.add(round_trip)
                    if index < len(exchange.attempts) - 1:
                        self.stats.late_answers += 1
                    exchange.future.set_result(pending.result)
            return True
        return False

    def _terminal_started(self, term: _Terminal, channel: _Channel, frame: Frame) -> None:
        now = self._now()
        if frame.afn == Afn.LINK:
            try:
                fns = {u.fn for u in decode_units(frame.afn, True, frame.data)}
            except FrameError as err:
                log.info("%s: bad link frame: %s", channel.remote, err)
                return
            self._confirm(term, channel, frame)
            if LinkFn.LOGIN in fns:
                term.logged_in_at = now
                self._emit(TerminalEvent(EventKind.LOGIN, term.key, now, channel.remote))
            elif LinkFn.LOGOUT in fns:
                self._emit(TerminalEvent(EventKind.LOGOUT, term.key, now, channel.remote))
                channel.close()
            else:
                self._emit(TerminalEvent(EventKind.HEARTBEAT, term.key, now, channel.remote))
            return
        if frame.afn == Afn.EVENTS:
            try:
                units = tuple(decode_units(frame.afn, True, frame.data))
            except FrameError as err:
                log.info("%s: bad event report: %s", channel.remote, err)
                return
            if frame.con:
                self._confirm(term, channel, frame)
            self._emit(TerminalEvent(EventKind.REPORT, term.key, now, channel.remote, units))

    def _confirm(self, term: _Terminal, channel: _Channel, frame: Frame) -> None:
        try:
            answer = term.session.confirm(frame)
        except FrameError as err:
            log.info("%s: cannot confirm: %s", channel.remote, err)
            return
        if answer is not None and not channel.closed:
            channel.send(answer)

    def _channel_lost(self, channel: _Channel, reason: str) -> None:
        channel.closed = True
        self._channels.discard(channel)
        term = channel.terminal
        if term is None or term.channel is not channel:
            return
        term.channel = None
        if term.waiting is not None and not term.waiting.future.done():
            term.waiting.future.set_exception(OfflineError(f"{key_text(term.key)}: {reason}"))
        self._emit(
            TerminalEvent(EventKind.OFFLINE, term.key, self._now(), channel.remote, (), reason)
        )

    def _emit(self, event: TerminalEvent) -> None:
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception:
                log.exception("front-end listener failed on %r", event)

    async def _watch(self) -> None:
        """Close the links of concentrators silent for longer than the heartbeat timeout."""
        limit = self.options.heartbeat_timeout_s
        login_limit = self.options.login_timeout_s
        while True:
            await asyncio.sleep(min(30.0, max(0.05, min(limit, login_limit) / 4)))
            now = time.monotonic()
            for unnamed in [c for c in self._channels if c.terminal is None]:
                if now - unnamed.opened_at > login_limit:
                    log.info("%s: no valid frame in %g s, connection closed", unnamed.remote,
                             login_limit)  # fmt: skip
                    unnamed.close()
                    self._channels.discard(unnamed)
            for term in list(self._terminals.values()):
                channel = term.channel
                if channel is not None and term.url is None and now - term.last_seen > limit:
                    channel.close()
                    self._channel_lost(channel, f"no heartbeat for {limit:g} s")
