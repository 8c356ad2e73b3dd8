"""A county's emulated concentrators on one asyncio loop in one thread (not a thread each).

``connect`` mode is the field's: every concentrator dials the console's front end over TCP,
logs in, heartbeats, answers requests after its latency and redials with backoff when the link
drops. ``listen`` mode is a TCP converter's: the master connects to each concentrator's port.
Scripts drop a concentrator for a while, slow it, make it deny, or cut its 台区's supply.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from drivers.emulator.core import Clock, MeterCore
from drivers.emulator.load import AreaSupply, ConsumerLoad, CustomerClass, unit_random
from drivers.emulator.scenario import generated
from drivers.errors import FrameError
from drivers.gdw376.codec import Address, StreamDecoder
from drivers.gdw376.emulated import (
    ConcentratorOptions,
    EmulatedConcentrator,
    MeterEntry,
    user_class_of,
)

log = logging.getLogger(__name__)

Key = tuple[str, int]  # (district code, terminal address)
CONNECT_TIMEOUT_S = 10.0


def key_of(address: Address) -> Key:
    return (address.district, address.terminal)


@dataclass(slots=True, eq=False)
class _Station:
    """One concentrator's link state, owned by the loop thread."""

    conc: EmulatedConcentrator
    transport: asyncio.Transport | None = None
    away_until: float = 0.0  # monotonic: dropped by a script, stays away until then
    task: asyncio.Task[None] | None = None
    server: asyncio.Server | None = None
    endpoint: tuple[str, int] | None = None
    connections: int = 0
    cut_checks: list[asyncio.TimerHandle] = field(default_factory=list)


class _Link(asyncio.Protocol):
    """One TCP connection of one concentrator: frames in, answers out after the latency."""

    def __init__(self, station: _Station, *, dial_in: bool) -> None:
        self.station = station
        self.dial_in = dial_in
        self.decoder = StreamDecoder()
        self.transport: asyncio.Transport | None = None
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._beat: asyncio.TimerHandle | None = None
        self._reported_since_login = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        st, conc = self.station, self.station.conc
        if st.transport is not None or not conc.powered or time.monotonic() < st.away_until:
            transport.abort()  # one link at a time, none while dark or dropped by a script
            return
        self.transport = st.transport = transport
        st.connections += 1
        if self.dial_in:
            transport.write(conc.login())
            self._arm_heartbeat()

    def _arm_heartbeat(self) -> None:
        loop = asyncio.get_running_loop()
        self._beat = loop.call_later(self.station.conc.options.heartbeat_s, self._heartbeat)

    def _heartbeat(self) -> None:
        transport, conc = self.transport, self.station.conc
        if transport is None or transport.is_closing():
            return
        if not conc.powered:
            transport.abort()
            return
        transport.write(conc.heartbeat())
        self._report()
        self._arm_heartbeat()

    def _report(self) -> None:
        assert self.transport is not None
        while (report := self.station.conc.pending_event_report()) is not None:
            self.transport.write(report)

    def data_received(self, data: bytes) -> None:
        conc = self.station.conc
        loop = asyncio.get_running_loop()
        for item in self.decoder.feed(data):
            if isinstance(item, FrameError):
                continue  # a garbled request gets no answer
            answer = conc.handle(item)
            if answer:
                loop.call_later(conc.options.latency_s, self._send, b"".join(answer))
        if self.dial_in and conc.logged_in and not self._reported_since_login:
            self._reported_since_login = True
            self._report()  # what happened while it was away (power cuts: ERC14)

    def _send(self, raw: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(raw)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._beat is not None:
            self._beat.cancel()
        if self.transport is not None and self.station.transport is self.transport:
            self.station.transport = None
            self.station.conc.logged_in = False
        self.transport = None
        if not self.lost.done():
            self.lost.set_result(None)


class ConcentratorFleet:
    """Emulated concentrators served from one thread. Scripting methods are thread-safe."""

    def __init__(
        self,
        concentrators: Iterable[EmulatedConcentrator] = (),
        *,
        ramp_s: float | None = None,
        backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        seed: int = 0,
        name: str = "concentrators",
    ) -> None:
        self.name = name
        self.ramp_s = ramp_s  # first dials spread over this long (None: 1 ms per concentrator)
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._rng = random.Random(seed)
        self._stations: dict[Key, _Station] = {}
        self._target: tuple[str, int] | None = None
        self._listen: tuple[str, int] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        for conc in concentrators:
            self.add(conc)

    # ------------------------------------------------------------------ set-up
    def add(self, concentrator: EmulatedConcentrator) -> None:
        if self._thread is not None:
            raise RuntimeError("add concentrators before start()")
        key = key_of(concentrator.address)
        if key in self._stations:
            raise ValueError(f"two concentrators at {concentrator.address}")
        self._stations[key] = _Station(concentrator)

    def connect(self, host: str, port: int) -> None:
        """Each concentrator dials ``host:port`` (the front end) once started."""
        self._target = (host, port)

    def listen(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Each concentrator listens: the n-th on ``port + n`` (``port`` 0: any free port)."""
        self._listen = (host, port)

    @property
    def concentrators(self) -> list[EmulatedConcentrator]:
        return [st.conc for st in self._stations.values()]

    def concentrator(self, address: Address | Key) -> EmulatedConcentrator:
        return self._station(address).conc

    def _station(self, address: Address | Key) -> _Station:
        key = key_of(address) if isinstance(address, Address) else address
        try:
            return self._stations[key]
        except KeyError:
            raise KeyError(f"no emulated concentrator at {key[0]}-{key[1]:05d}") from None

    def endpoints(self) -> dict[Key, tuple[str, int]]:
        """Listen mode: where each concentrator accepts the master (once started)."""
        return {k: st.endpoint for k, st in self._stations.items() if st.endpoint is not None}

    def online(self) -> int:
        """Concentrators connected now (dial-in: and logged in)."""
        return sum(
            st.transport is not None and (st.conc.logged_in or self._target is None)
            for st in self._stations.values()
        )

    def connections(self, address: Address | Key) -> int:
        """How many connections this concentrator has made or accepted."""
        return self._station(address).connections

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        if self._thread is not None:
            return
        if self._target is None and self._listen is None:
            raise RuntimeError("connect(host, port) or listen(host, port) before start()")
        raise_open_file_limit(len(self._stations) + 64)
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            try:
                loop.run_forever()
            finally:
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name=self.name, daemon=True)
        self._thread.start()
        ready.wait()
        asyncio.run_coroutine_threadsafe(self._begin(), loop).result()

    async def _begin(self) -> None:
        loop = asyncio.get_running_loop()
        ramp = self.ramp_s if self.ramp_s is not None else len(self._stations) / 1000
        for i, st in enumerate(self._stations.values()):
            for cut in st.conc.future_cuts():
                self._schedule_cut(st, cut)
            if self._listen is not None:
                host, port = self._listen
                server = await loop.create_server(
                    functools.partial(_Link, st, dial_in=False),
                    host,
                    port + i if port else 0,
                    reuse_address=True,
                )
                st.server = server
                sock = server.sockets[0].getsockname()
                st.endpoint = (str(sock[0]), int(sock[1]))
            else:
                st.task = loop.create_task(self._dial(st, self._rng.uniform(0, ramp)))
        log.info("%d emulated concentrators started", len(self._stations))

    def stop(self, timeout: float = 1.0) -> None:
        """Close every connection and server and end the thread (within ``timeout``)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._loop = self._thread = None

    async def _shutdown(self) -> None:
        tasks = []
        for st in self._stations.values():
            for handle in st.cut_checks:
                handle.cancel()
            if st.task is not None:
                st.task.cancel()
                tasks.append(st.task)
            if st.server is not None:
                st.server.close()
            if st.transport is not None:
                st.transport.abort()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.sleep(0)  # the aborted transports close their sockets on the next turn

    def __enter__(self) -> ConcentratorFleet:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ dialling in
    async def _dial(self, st: _Station, first_delay_s: float) -> None:
        assert self._target is not None
        host, port = self._target
        loop = asyncio.get_running_loop()
        await asyncio.sleep(first_delay_s)
        backoff = self.backoff_s
        while True:
            await self._until_available(st)
            try:
                _transport, link = await asyncio.wait_for(
                    loop.create_connection(functools.partial(_Link, st, dial_in=True), host, port),
                    CONNECT_TIMEOUT_S,
                )
            except (OSError, TimeoutError) as err:
                log.debug("%s cannot reach %s:%d: %s", st.conc.address, host, port, err)
                await asyncio.sleep(backoff * (0.5 + self._rng.random()))
                backoff = min(backoff * 2, self.max_backoff_s)
                continue
            backoff = self.backoff_s
            await link.lost
            # The front end closed the link, or the network did: redial after a pause.
            await asyncio.sleep(self.backoff_s * (0.5 + self._rng.random()))

    async def _until_available(self, st: _Station) -> None:
        """Wait while the station is dropped by a script or its supply is cut."""
        conc = st.conc
        while True:
            away = st.away_until - time.monotonic()
            if away > 0:
                await asyncio.sleep(away)
                continue
            if conc.powered:
                return
            back = conc.power_returns_at()
            wait = 5.0 if back is None else _real_seconds(conc.clock, back)
            await asyncio.sleep(min(max(wait, 0.01), 5.0))

    # ------------------------------------------------------------------ scripting
    def _call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn`` on the loop thread (directly when not running or already there)."""
        loop = self._loop
        if loop is None or threading.current_thread() is self._thread:
            fn(*args)
        else:
            loop.call_soon_threadsafe(fn, *args)

    def drop(self, address: Address | Key, for_s: float) -> None:
        """Close the concentrator's connection; it stays away ``for_s``, then logs in again."""
        st = self._station(address)

        def go() -> None:
            st.away_until = time.monotonic() + for_s
            if st.transport is not None:
                st.transport.abort()

        self._call(go)

    def set_latency(self, address: Address | Key, seconds: float) -> None:
        conc = self._station(address).conc
        self._call(lambda: conc.set_options(latency_s=seconds))

    def set_error_rate(self, address: Address | Key | None, rate: float) -> None:
        """The probability that a request is denied (``address`` None: every concentrator)."""
        if not 0 <= rate <= 1:
            raise ValueError(f"an error rate is 0-1, got {rate}")
        stations = self._stations.values() if address is None else [self._station(address)]
        for st in stations:
            self._call(functools.partial(st.conc.set_options, error_rate=rate))

    def power_cut(self, address: Address | Key, start: datetime, end: datetime) -> None:
        """The 台区 loses supply from ``start`` to ``end`` (emulator time): the concentrator
        drops off, comes back at ``end``, logs in and reports ERC14."""
        st = self._station(address)

        def go() -> None:
            st.conc.power_cut(start, end)
            if self._loop is not None:
                self._schedule_cut(st, start)

        self._call(go)

    def _schedule_cut(self, st: _Station, start: datetime) -> None:
        loop = asyncio.get_running_loop()

        def check() -> None:
            if st.transport is not None and not st.conc.powered:
                st.transport.abort()

        delay = max(0.0, _real_seconds(st.conc.clock, start)) + 0.001
        st.cut_checks = [h for h in st.cut_checks if not h.cancelled()]
        st.cut_checks.append(loop.call_later(delay, check))


def _real_seconds(clock: Clock, until: datetime) -> float:
    """Real seconds until emulator time ``until`` (an ``AcceleratedClock`` runs faster)."""
    speed = float(getattr(clock, "speed", 1.0))
    return (until - clock()).total_seconds() / speed


def raise_open_file_limit(need: int) -> None:
    """Raise the soft limit on open files to the hard one when ``need`` sockets would not fit
    (Linux defaults to 1,024; a county has 3,000 concentrators)."""
    if sys.platform == "win32":
        return
    import resource  # noqa: PLC0415  (POSIX only)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= need:
        return
    target = hard if hard != resource.RLIM_INFINITY else max(need, 65536)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as err:
        log.warning("cannot raise the open-file limit to %d: %s", target, err)
    if target < need:
        log.warning("open-file limit %d is below the %d sockets needed", target, need)


# --------------------------------------------------------------------------- generated county

# Mean daily energy of customers on a public 台区 (Wh/day, log-uniform between the two).
_MEAN_DAILY_WH = {
    CustomerClass.RESIDENTIAL: (2_500, 12_000),
    CustomerClass.COMMERCIAL: (12_000, 120_000),
    CustomerClass.INDUSTRIAL: (60_000, 300_000),
    CustomerClass.AGRICULTURAL: (6_000, 50_000),
}
# Summary meter CT ratio by transformer rating (kVA), secondary 5 A.
_CT_BY_KVA = ((100, 30), (200, 60), (315, 100), (400, 120), (500, 160), (630, 200))


def generated_area(
    terminal: int, meters: int, clock: Clock, *, seed: int = 1, reference: date | None = None
) -> list[MeterEntry]:
    """One 台区's meters: the summary meter at pn 1 (three-phase, behind a CT, measuring its
    customers plus the line loss) and ``meters - 1`` customers (scenario's class mix) after it.
    Meter addresses are the terminal address and the pn, six digits each."""
    reference = reference or clock().date() - timedelta(days=30)
    entries: list[MeterEntry] = []
    loads: list[ConsumerLoad] = []
    specs = generated(meters - 1, seed=seed * 100_003 + terminal).meters if meters > 1 else ()
    for pn, spec in enumerate(specs, start=2):
        address = f"{terminal:06d}{pn:06d}"
        key = int(address)
        cls = CustomerClass(spec.customer_class)
        low, high = _MEAN_DAILY_WH[cls]
        load = ConsumerLoad(
            cls,
            round(low * (high / low) ** unit_random(seed, key, 1)),
            int(unit_random(seed, key, 2) * 2**62),
            reference,
            round(100_000 + unit_random(seed, key, 3) * 20_000_000),
        )
        loads.append(load)
        core = MeterCore(address, load, clock, seed=seed ^ key)
        entries.append(MeterEntry(pn, core, user_class=user_class_of(cls.value)))
    peak_kva = sum(c.mean_daily_wh for c in loads) / 24 * 2.5 / 1000 / 0.8
    ct = next((ct for kva, ct in _CT_BY_KVA if kva >= peak_kva), _CT_BY_KVA[-1][1])
    loss = 0.015 + 0.04 * unit_random(seed, terminal, 21)
    supply = AreaSupply(loads, loss, round(5_000_000 + unit_random(seed, terminal, 23) * 4e7))
    summary = MeterCore(f"{terminal:06d}{1:06d}", supply, clock, ct_ratio=ct, phases=3)
    return [MeterEntry(1, summary, user_class=user_class_of(None, 3, summary=True)), *entries]


def generated_concentrators(
    count: int,
    meters: int,
    clock: Clock,
    *,
    district: str = "3301",
    seed: int = 1,
    options: ConcentratorOptions | None = None,
) -> list[EmulatedConcentrator]:
    """Concentrators 1..``count`` of ``district``, ``meters`` each (built on first use)."""
    if not 1 <= count <= 0xFFFF:
        raise ValueError(f"concentrator count must be 1 to 65535, got {count}")
    if not 1 <= meters <= 2040:
        raise ValueError(f"meters per concentrator must be 1 to 2040, got {meters}")
    reference = clock().date() - timedelta(days=30)
    return [
        EmulatedConcentrator(
            Address(district, terminal),
            functools.partial(
                generated_area, terminal, meters, clock, seed=seed, reference=reference
            ),
            clock,
            options,
            summary_pn=1,
        )
        for terminal in range(1, count + 1)
    ]
