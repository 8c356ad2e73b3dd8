"""Collection through concentrators (Q/GDW 1376.1): daily freezes, curves, events, clocks.

A pass runs one coroutine per concentrator on the front end's event loop (each with one
request in flight; the front end bounds how many are in flight across them all), and the
calling thread is the only database writer: results come back through a queue and are stored
in batches, one transaction each, through the data layer's idempotent ingest. Every request is
recorded as an attempt per meter. A request that timed out is made once more at the end of the
pass, when the rest is done and the load is lower: both attempts are recorded, and the meter
counts once, by the second. A pass that is stopped half-way (cancel, crash, restart) leaves
what it stored, and the next pass reads only what is still missing.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import queue
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from console.collection.outbox import Batch, Outbox, Started, Tally
from console.core.clock import Clock
from console.core.memory import postponed_full_collections
from db.engine import writing
from db.ingest import (
    AttemptRow,
    EventRow,
    FreezeRow,
    IntervalRow,
    MeterReadState,
    record_attempts,
    update_meter_states,
    upsert_daily_freezes,
    upsert_interval_readings,
    upsert_meter_events,
)
from db.models import AttemptResult, CollectionTask, EventKind, MeterRole, RunStatus
from db.queries.collection import (
    ConcentratorTarget,
    PointTarget,
    all_concentrators,
    concentrator_targets,
    finish_run,
    start_run,
)
from drivers.errors import (
    DriverError,
    FrameError,
    FrameKind,
    MeterRejectedError,
    MeterTimeoutError,
)
from drivers.gdw376.frontend import FrontEnd, OfflineError, TerminalKey, key_text
from drivers.gdw376.session import Afn, Reply
from drivers.gdw376.units import DataUnit

log = logging.getLogger(__name__)

F_DAILY_FORWARD = 161  # AFN 0D F161 日冻结正向有功电能示值
F_CLOCK = 2  # AFN 0C F2 终端日历时钟
F_SET_CLOCK = 31  # AFN 05 F31 对时命令
F_CURVE_POWER = 81
F_CURVE_VOLTAGE = (89, 90, 91)
F_CURVE_CURRENT = (92, 93, 94)
F_EVENTS_IMPORTANT = 1
DENSITY_15_MIN = 1


@dataclass(frozen=True, slots=True)
class GdwOptions:
    points_per_request: int = 32  # Pn per AFN 0D request (a reply of ~1.2 KB)
    batch_rows: int = 5000  # meters per database transaction
    timeout_s: float = 15.0
    retries: int = 2
    clock_drift_s: float = 300.0  # DESIGN.md §6: > 5 min -> set the clock
    curve_slots: int = 4  # each curve pass re-reads the last hour (fills gaps)


@dataclass(frozen=True, slots=True)
class PassSummary:
    task: CollectionTask
    run_id: int | None
    day: date
    started_at: datetime
    finished_at: datetime
    status: RunStatus
    planned: int
    ok: int
    failed: int
    stored: int
    results: dict[str, int] = field(default_factory=dict)  # each meter's last result
    retried: int = 0  # meters asked again at the end of the pass (ok or failed by then)

    @property
    def duration_s(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


Progress = Callable[[int, int], None]


# Schedules a read again for the end of the pass.
Later = Callable[[Callable[[], Awaitable[None]]], None]
ReadOne = Callable[[ConcentratorTarget, Outbox, threading.Event, Later | None], Awaitable[None]]


def link_url(target: ConcentratorTarget) -> str:
    """How an attempt names the concentrator's link: its own URL, or the front end's name for
    a concentrator that dials in."""
    return target.link_url or f"gdw376://{key_text(key_of(target))}"


def key_of(target: ConcentratorTarget) -> TerminalKey:
    return (target.district_code, target.terminal_address)


def terminal_point(target: ConcentratorTarget) -> PointTarget:
    """The concentrator itself as the target of an attempt (events, clock): no meter."""
    return PointTarget(0, 0, f"{target.terminal_address:05d}", 1, "concentrator")


def result_of(err: BaseException) -> AttemptResult:
    if isinstance(err, OfflineError):
        return AttemptResult.OFFLINE
    if isinstance(err, MeterTimeoutError):
        return AttemptResult.TIMEOUT
    if isinstance(err, MeterRejectedError):
        return AttemptResult.REJECTED
    if isinstance(err, FrameError):
        return AttemptResult.FRAME_ERROR
    return AttemptResult.LINK_ERROR


def _wh(kwh: object, ct: int) -> int | None:
    if not isinstance(kwh, Decimal):
        return None
    return int(kwh * 1000) * ct


def _is_time(value: object) -> bool:
    return isinstance(value, datetime)


def _chunks(points: Sequence[PointTarget], size: int) -> list[Sequence[PointTarget]]:
    return [points[i : i + size] for i in range(0, len(points), size)]


class ConcentratorCollector:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        front: FrontEnd,
        clock: Clock,
        options: GdwOptions | None = None,
    ) -> None:
        self._sf = session_factory
        self.front = front
        self._clock = clock
        self.options = options or GdwOptions()
        self._event_pointers: dict[TerminalKey, int] = {}

    # ------------------------------------------------------------------ the pass skeleton
    def _pass(
        self,
        task: CollectionTask,
        day: date,
        targets: list[ConcentratorTarget],
        read_one: ReadOne,
        *,
        trigger: str,
        cancel: threading.Event | None,
        progress: Progress | None,
        per_concentrator: bool = False,
    ) -> PassSummary:
        cancel = cancel or threading.Event()
        started = self._clock.now()
        planned = len(targets) if per_concentrator else sum(len(t.points) for t in targets)
        with self._sf.begin() as session:
            run_id = start_run(session, f"{task.value}:{trigger}", started, planned)
        results = Outbox(self.options.batch_rows * 4)
        later: list[Callable[[], Awaitable[None]]] = []

        async def everything() -> None:
            try:
                await asyncio.gather(*(read_one(t, results, cancel, later.append) for t in targets))
                if later and not cancel.is_set():
                    log.info("%s pass %d: %d requests timed out, made once more", task.value,
                             run_id, len(later))  # fmt: skip
                    await asyncio.gather(*(read() for read in later))
            finally:
                results.close()

        status = RunStatus.FINISHED
        error: str | None = None
        future = self.front.call(everything())
        tally = Tally()
        t0 = time.monotonic()
        try:
            self._drain(results, run_id, tally, planned, progress)
            future.result()
            if cancel.is_set():
                status = RunStatus.CANCELLED
        except BaseException as err:
            status, error = RunStatus.FAILED, f"{type(err).__name__}: {err}"
            cancel.set()
            results.abandon()
            raise
        finally:
            tally.close()
            finished_at = self._clock.now()
            with self._sf.begin() as session:
                finish_run(
                    session,
                    run_id,
                    finished_at=finished_at,
                    status=status,
                    meters_ok=tally.ok,
                    meters_failed=tally.failed,
                    error=error,
                )
            log.info(
                "%s pass %d %s in %.1f s: %d ok, %d failed %s, %d asked again at the end",
                task.value,
                run_id,
                status.value,
                time.monotonic() - t0,
                tally.ok,
                tally.failed,
                dict(tally.counts),
                tally.retried,
            )
        return PassSummary(
            task, run_id, day, started, finished_at, status, planned, tally.ok, tally.failed,
            tally.stored, dict(tally.counts), tally.retried,
        )  # fmt: skip

    def _drain(
        self,
        results: Outbox,
        run_id: int,
        tally: Tally,
        planned: int,
        progress: Progress | None,
    ) -> None:
        """Store what the coroutines put, in batches, until they are all done (``None``)."""
        finished = False
        while not finished:
            pending = Batch()
            item = results.queue.get()
            if item is None:
                break
            pending.extend(item)
            while len(pending) < self.options.batch_rows:
                try:
                    more = results.queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    finished = True
                    break
                pending.extend(more)
            tally.stored += self._store(pending, run_id)
            results.taken(len(pending))
            tally.count(pending)
            if progress is not None:
                progress(tally.ok + tally.failed, planned)

    def _store(self, batch: Batch, run_id: int) -> int:
        attempts = [a._replace(run_id=run_id) for a in batch.attempts + batch.provisional]
        with writing(self._sf) as session:
            stored = upsert_daily_freezes(session, batch.freezes)
            stored += upsert_interval_readings(session, batch.points)
            stored += upsert_meter_events(session, batch.events)
            record_attempts(session, attempts)
            update_meter_states(session, batch.states)
        return stored

    def _attempts(
        self,
        batch: Batch,
        target: ConcentratorTarget,
        points: Sequence[PointTarget],
        result: AttemptResult,
        error: str | None,
        *,
        task: CollectionTask,
        started: Started,
        provisional: bool = False,
        clock_drift_s: int | None = None,
    ) -> None:
        url, at, ms = link_url(target), started.at, started.ms
        rows = batch.provisional if provisional else batch.attempts
        if started.again and not provisional:
            batch.settled += len(points)
        for p in points:
            rows.append(
                AttemptRow(url, p.comm_address, task.value, at, ms, result.value, error,
                           p.meter_id or None, target.id, clock_drift_s=clock_drift_s)
            )  # fmt: skip
            if p.meter_id:
                ok = result == AttemptResult.OK
                batch.states.append(MeterReadState(p.meter_id, at, ok, error))

    def _failed(
        self,
        batch: Batch,
        target: ConcentratorTarget,
        points: Sequence[PointTarget],
        err: DriverError,
        *,
        task: CollectionTask,
        started: Started,
        later: Later | None,
        again: Callable[[], Awaitable[None]],
        result: AttemptResult | None = None,
    ) -> None:
        """Record a failed request (``result``: what it means, by default by its error); one
        that timed out is made ``again`` at the end of the pass (``later``), unless this was
        that attempt already."""
        retry = later is not None and isinstance(err, MeterTimeoutError)
        result = result or result_of(err)
        self._attempts(
            batch, target, points, result, str(err), task=task, started=started, provisional=retry
        )
        if retry:
            assert later is not None
            later(again)

    # ------------------------------------------------------------------ daily freezes
    def collect_freezes(
        self,
        day: date | None = None,
        *,
        trigger: str = "scheduled",
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> PassSummary:
        """Read the daily freeze of ``day`` (default: today's, frozen at 00:00) from every meter
        that has none stored yet."""
        day = day or self._clock.now().date()
        with postponed_full_collections():
            with self._sf() as session:
                targets = concentrator_targets(session, missing_freeze_on=day)
            return self._pass(
                CollectionTask.DAILY_FREEZE,
                day,
                targets,
                lambda t, put, stop, later: self._freeze_one(t, day, put, stop, later=later),
                trigger=trigger,
                cancel=cancel,
                progress=progress,
            )

    async def _freeze_one(
        self,
        target: ConcentratorTarget,
        day: date,
        put: Outbox,
        cancel: threading.Event,
        *,
        later: Later | None,
        chunks: Sequence[Sequence[PointTarget]] | None = None,
    ) -> None:
        key = key_of(target)
        task = CollectionTask.DAILY_FREEZE
        for chunk in chunks or _chunks(target.points, self.options.points_per_request):
            await put.room()
            if cancel.is_set():
                return
            batch = Batch()
            started = Started(self._clock.now, later is None)
            if not self.front.is_online(key) and target.link_url is None:
                self._attempts(
                    batch, target, chunk, AttemptResult.OFFLINE,
                    f"concentrator {key_text(key)} is offline", task=task, started=started,
                )  # fmt: skip
                put(batch)
                continue
            # Td_d names the day a freeze closes: the registers at 00:00 of ``day`` (the
            # console's DailyFreeze.day) are day - 1's frozen data.
            td = {"day": day - timedelta(days=1)}
            units = [DataUnit(p.pn, F_DAILY_FORWARD, td) for p in chunk]
            try:
                reply = await self.front.arequest(
                    key, Afn.HISTORY, units, timeout_s=self.options.timeout_s,
                    retries=self.options.retries, on_sent=started.sent,
                )  # fmt: skip
            except DriverError as err:
                # A concentrator denies a request none of whose points it has data for.
                rejected = isinstance(err, MeterRejectedError)
                self._failed(
                    batch, target, chunk, err, task=task, started=started, later=later,
                    again=functools.partial(
                        self._freeze_one, target, day, put, cancel, later=None, chunks=[chunk]
                    ),
                    result=AttemptResult.NO_DATA if rejected else None,
                )  # fmt: skip
                put(batch)
                continue
            self._freezes_from(batch, target, chunk, day, reply, started=started)
            put(batch)

    def _freezes_from(
        self,
        batch: Batch,
        target: ConcentratorTarget,
        chunk: Sequence[PointTarget],
        day: date,
        reply: Reply,
        *,
        started: Started,
    ) -> None:
        by_pn = {u.pn: u for u in reply.units if u.fn == F_DAILY_FORWARD}
        missing: list[PointTarget] = []
        good: list[PointTarget] = []
        now = self._clock.now()
        for p in chunk:
            unit = by_pn.get(p.pn)
            values = unit.values if unit is not None else {}
            regs = values.get("forward_active_kwh")
            total = _wh(regs[0], p.ct_ratio) if isinstance(regs, list) and regs else None
            if unit is None or values.get("day") != day - timedelta(days=1) or total is None:
                missing.append(p)
                continue
            assert isinstance(regs, list)
            tariffs = [_wh(v, p.ct_ratio) for v in regs[1:5]] if len(regs) == 5 else []
            batch.freezes.append(FreezeRow(p.meter_id, day, total, now, *(tariffs or (None,) * 4)))
            good.append(p)
        task = CollectionTask.DAILY_FREEZE
        self._attempts(batch, target, good, AttemptResult.OK, None, task=task, started=started)
        if missing:
            self._attempts(
                batch, target, missing, AttemptResult.NO_DATA,
                f"concentrator {key_text(key_of(target))} has no freeze of {day} for it",
                task=task, started=started,
            )  # fmt: skip

    # ------------------------------------------------------------------ curves
    def collect_curves(
        self,
        until: datetime | None = None,
        *,
        trigger: str = "scheduled",
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> PassSummary:
        """The last ``curve_slots`` quarter-hours before ``until`` (default: now) of every
        台区 summary meter and large customer: power, voltage and current per phase."""
        now = until or self._clock.now()
        end = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
        start = end - timedelta(minutes=15 * self.options.curve_slots)
        with postponed_full_collections():
            with self._sf() as session:
                targets = concentrator_targets(session, curve_meters=True)
            return self._pass(
                CollectionTask.CURVE,
                start.date(),
                targets,
                lambda t, put, stop, later: self._curves_one(t, start, put, stop, later=later),
                trigger=trigger,
                cancel=cancel,
                progress=progress,
            )

    async def _curves_one(
        self,
        target: ConcentratorTarget,
        start: datetime,
        put: Outbox,
        cancel: threading.Event,
        *,
        later: Later | None,
        points: Sequence[PointTarget] | None = None,
    ) -> None:
        key = key_of(target)
        count = self.options.curve_slots
        td = {"start": start, "density": DENSITY_15_MIN, "count": count}
        fns = (F_CURVE_POWER, *F_CURVE_VOLTAGE, *F_CURVE_CURRENT)
        for p in points or target.points:
            await put.room()
            if cancel.is_set():
                return
            batch = Batch()
            started = Started(self._clock.now, later is None)
            try:
                reply = await self.front.arequest(
                    key, Afn.HISTORY, [DataUnit(p.pn, fn, td) for fn in fns],
                    timeout_s=self.options.timeout_s, retries=self.options.retries,
                    on_sent=started.sent,
                )  # fmt: skip
            except DriverError as err:
                rejected = isinstance(err, MeterRejectedError)
                self._failed(
                    batch, target, [p], err, task=CollectionTask.CURVE, started=started,
                    later=later,
                    again=functools.partial(
                        self._curves_one, target, start, put, cancel, later=None, points=[p]
                    ),
                    result=AttemptResult.NO_DATA if rejected else None,
                )  # fmt: skip
                put(batch)
                continue
            series = {u.fn: u.values.get("points") for u in reply.units if u.pn == p.pn}
            power = series.get(F_CURVE_POWER)
            now = self._clock.now()
            for i in range(count):
                kw = power[i] if isinstance(power, list) and i < len(power) else None
                if not isinstance(kw, Decimal):
                    continue

                def at(
                    fn: int, scale: int, i: int = i, series: dict[int, object] = series
                ) -> int | None:
                    values = series.get(fn)
                    v = values[i] if isinstance(values, list) and i < len(values) else None
                    return round(v * scale) if isinstance(v, Decimal) else None

                ct = p.ct_ratio
                amps = [at(fn, 1000) for fn in F_CURVE_CURRENT]
                batch.points.append(
                    IntervalRow(
                        p.meter_id,
                        start + timedelta(minutes=15 * i),
                        round(kw * 1000 * ct),
                        None,
                        now,
                        at(F_CURVE_VOLTAGE[0], 10),
                        at(F_CURVE_VOLTAGE[1], 10),
                        at(F_CURVE_VOLTAGE[2], 10),
                        *(a * ct if a is not None else None for a in amps),
                    )
                )
            result = AttemptResult.OK if power else AttemptResult.NO_DATA
            self._attempts(
                batch, target, [p], result, None, task=CollectionTask.CURVE, started=started
            )
            put(batch)

    # ------------------------------------------------------------------ events
    def poll_events(
        self,
        *,
        trigger: str = "scheduled",
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> PassSummary:
        """New important events (AFN 0E F1) of every concentrator since the last poll."""
        with postponed_full_collections():
            with self._sf() as session:
                targets = concentrator_targets(session)
            return self._pass(
                CollectionTask.EVENTS,
                self._clock.now().date(),
                targets,
                self._events_one,
                trigger=trigger,
                cancel=cancel,
                progress=progress,
                per_concentrator=True,
            )

    async def _events_one(
        self,
        target: ConcentratorTarget,
        put: Outbox,
        cancel: threading.Event,
        later: Later | None,
    ) -> None:
        key = key_of(target)
        batch = Batch()
        started = Started(self._clock.now, later is None)
        me = [terminal_point(target)]
        if cancel.is_set():
            return
        try:
            head = await self.front.arequest(
                key, Afn.EVENTS,
                [DataUnit(0, F_EVENTS_IMPORTANT, {"start_pointer": 0, "end_pointer": 0})],
                timeout_s=self.options.timeout_s, retries=self.options.retries,
                on_sent=started.sent,
            )  # fmt: skip
            counter = int(str(head.units[0].values.get("ec1", 0))) if head.units else 0
            last = self._event_pointers.get(key)
            units: list[DataUnit] = []
            if last is not None and last != counter:
                reply = await self.front.arequest(
                    key, Afn.EVENTS,
                    [DataUnit(0, F_EVENTS_IMPORTANT,
                              {"start_pointer": last, "end_pointer": counter})],
                    timeout_s=self.options.timeout_s, retries=self.options.retries,
                )  # fmt: skip
                units = reply.units
            self._event_pointers[key] = counter
        except DriverError as err:
            self._failed(
                batch, target, me, err, task=CollectionTask.EVENTS, started=started,
                later=later, again=functools.partial(self._events_one, target, put, cancel, None),
            )  # fmt: skip
            put(batch)
            return
        batch.events += self.event_rows(target, units)
        self._attempts(
            batch, target, me, AttemptResult.OK, None, task=CollectionTask.EVENTS, started=started
        )
        put(batch)

    def event_rows(self, target: ConcentratorTarget, units: Sequence[DataUnit]) -> list[EventRow]:
        """Meter events from AFN 0E records: ERC14 (the 台区 lost supply: on its summary
        meter), ERC37 (cover opened), ERC10 (voltage/current loop abnormal)."""
        by_pn = {p.pn: p for p in target.points}
        summary = next((p for p in target.points if p.role == MeterRole.SUMMARY.value), None)
        now = self._clock.now()
        rows: list[EventRow] = []
        for unit in units:
            events = unit.values.get("events")
            if not isinstance(events, list):
                continue
            for ev in events:
                erc = ev.get("erc")
                off_at = ev.get("power_off_at")
                if erc == 14 and summary is not None and isinstance(off_at, datetime):
                    rows.append(
                        EventRow(summary.meter_id, EventKind.POWER_OFF.value, ev["power_off_at"],
                                 ev.get("power_on_at"), "ERC14", now)
                    )  # fmt: skip
                elif erc in (10, 37) and ev.get("pn") in by_pn and _is_time(ev.get("at")):
                    kind = EventKind.COVER_OPEN if erc == 37 else EventKind.LOOP_ABNORMAL
                    started = ev.get("opened_at") if erc == 37 else ev["at"]
                    rows.append(
                        EventRow(by_pn[ev["pn"]].meter_id, kind.value,
                                 started if isinstance(started, datetime) else ev["at"],
                                 ev.get("closed_at") if erc == 37 else None, f"ERC{erc}", now)
                    )  # fmt: skip
        return rows

    # ------------------------------------------------------------------ clocks
    def check_clocks(
        self,
        *,
        trigger: str = "scheduled",
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> PassSummary:
        """Read every concentrator's clock (AFN 0C F2); set those that drift by more than the
        threshold (AFN 05 F31). The attempt's error text records the drift."""
        with postponed_full_collections():
            with self._sf() as session:
                targets = all_concentrators(session)
            return self._pass(
                CollectionTask.CLOCK,
                self._clock.now().date(),
                targets,
                self._clock_one,
                trigger=trigger,
                cancel=cancel,
                progress=progress,
                per_concentrator=True,
            )

    async def _clock_one(
        self,
        target: ConcentratorTarget,
        put: Outbox,
        cancel: threading.Event,
        later: Later | None,
    ) -> None:
        if cancel.is_set():
            return
        key = key_of(target)
        batch = Batch()
        me = [terminal_point(target)]
        started = Started(self._clock.now, later is None)
        note: str | None = None
        drift: float | None = None
        try:
            reply = await self.front.arequest(
                key, Afn.CURRENT, [DataUnit(0, F_CLOCK)], timeout_s=self.options.timeout_s,
                retries=self.options.retries, on_sent=started.sent,
            )  # fmt: skip
            unit = reply.unit(0, F_CLOCK)
            clock = unit.values.get("clock") if unit is not None else None
            if not isinstance(clock, datetime):
                raise FrameError(FrameKind.VALUE_FORMAT, "the clock reply carries no time")
            drift = (clock - self._clock.now()).total_seconds()
            note = f"drift {drift:+.0f} s"
            if abs(drift) > self.options.clock_drift_s:
                await self.front.arequest(
                    key, Afn.CONTROL,
                    [DataUnit(0, F_SET_CLOCK, {"clock": self._clock.now().replace(microsecond=0)})],
                    timeout_s=self.options.timeout_s, retries=self.options.retries,
                )  # fmt: skip
                note += "; clock set"
        except DriverError as err:
            self._failed(
                batch, target, me, err, task=CollectionTask.CLOCK, started=started,
                later=later, again=functools.partial(self._clock_one, target, put, cancel, None),
            )  # fmt: skip
        else:
            self._attempts(
                batch, target, me, AttemptResult.OK, note, task=CollectionTask.CLOCK,
                started=started, clock_drift_s=None if drift is None else round(drift),
            )  # fmt: skip
        put(batch)
