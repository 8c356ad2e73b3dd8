"""One collection run: read every active meter through its link and store what was read.

Buses are read in parallel, one owner per bus; the run's own thread is the only database
writer and stores each bus's results in one transaction as they come in. Meters that fail are
recorded with their error; the run never stops for one bad meter or one dead link.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby

from sqlalchemy.orm import Session, sessionmaker

from console.collection.turns import LinkTurns
from console.core.clock import Clock
from db.engine import writing
from db.ingest import (
    FreezeRow,
    IntervalRow,
    MeterReadState,
    RegisterRow,
    update_meter_states,
    upsert_daily_freezes,
    upsert_interval_readings,
    upsert_register_readings,
)
from db.models import MeterRole, RunStatus
from db.queries.collection import ReadTarget, abandon_running, finish_run, read_targets, start_run
from drivers.bus import Bus, BusOptions
from drivers.dlt645 import dataids
from drivers.dlt645.session import ReadRequest
from drivers.errors import DriverError, FrameError, FrameKind
from drivers.link import Transport, open_link

log = logging.getLogger(__name__)

SUPPORTED_PROTOCOLS = ("dlt645-2007",)


@dataclass(frozen=True, slots=True)
class CollectionOptions:
    workers: int = 16
    timeout_s: float = 1.0
    retries: int = 1


@dataclass(frozen=True, slots=True)
class MeterResult:
    target: ReadTarget
    read_at: datetime
    register_wh: int | None = None
    power_w: int | None = None
    freeze_wh: int | None = None
    error: str | None = None
    error_kind: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class CollectionSummary:
    run_id: int
    trigger: str
    day: date
    started_at: datetime
    finished_at: datetime
    status: RunStatus
    planned: int
    ok: int
    failed: int
    freezes_stored: int
    errors_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


Progress = Callable[[int, int], None]


def _number(value: dataids.Value) -> Decimal:
    if not isinstance(value.value, Decimal):
        raise FrameError(FrameKind.VALUE_FORMAT, f"{value.field.name_en}: expected a number")
    return value.value


def _slot_start(at: datetime) -> datetime:
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


class CollectionService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        clock: Clock,
        options: CollectionOptions | None = None,
        *,
        link_opener: Callable[[str], Transport] = open_link,
        links: LinkTurns | None = None,
    ) -> None:
        self._sf = session_factory
        self._clock = clock
        self.options = options or CollectionOptions()
        self._open_link = link_opener
        self.links = links or LinkTurns()  # shared with 点抄 (OnDemandReader)
        self._run_lock = threading.Lock()

    def recover(self) -> int:
        """Close out runs a killed process left 'running'."""
        with self._sf.begin() as session:
            return abandon_running(session, self._clock.now())

    def run(
        self,
        trigger: str = "scheduled",
        *,
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> CollectionSummary:
        """Read every active meter once. Only one run at a time (a second caller waits)."""
        with self._run_lock:
            return self._run(trigger, cancel or threading.Event(), progress)

    def _run(
        self, trigger: str, cancel: threading.Event, progress: Progress | None
    ) -> CollectionSummary:
        started = self._clock.now()
        day = started.date()
        with self._sf.begin() as session:
            targets = read_targets(session, day)
            run_id = start_run(session, trigger, started, len(targets))
        log.info("collection run %d (%s): %d meters", run_id, trigger, len(targets))
        ok = failed = freezes = 0
        kinds: Counter[str] = Counter()
        by_link = [list(g) for _url, g in groupby(targets, key=lambda t: t.link_url)]
        status = RunStatus.FINISHED
        error: str | None = None
        t0 = time.monotonic()
        try:
            with ThreadPoolExecutor(self.options.workers, thread_name_prefix="bus") as pool:
                futures = [pool.submit(self._read_link, group, cancel) for group in by_link]
                for future in as_completed(futures):
                    results = future.result()
                    freezes += self._store(results)
                    for r in results:
                        if r.ok:
                            ok += 1
                        else:
                            failed += 1
                            kinds[r.error_kind or "error"] += 1
                    if progress is not None:
                        progress(ok + failed, len(targets))
            if cancel.is_set():
                status = RunStatus.CANCELLED
        except Exception as err:  # a bug or a database failure: record it, then let it surface
            status, error = RunStatus.FAILED, f"{type(err).__name__}: {err}"
            raise
        finally:
            finished = self._clock.now()
            with self._sf.begin() as session:
                finish_run(
                    session,
                    run_id,
                    finished_at=finished,
                    status=status,
                    meters_ok=ok,
                    meters_failed=failed,
                    error=error,
                )
            log.info(
                "collection run %d %s in %.1f s: %d ok, %d failed %s",
                run_id,
                status.value,
                time.monotonic() - t0,
                ok,
                failed,
                dict(kinds) or "",
            )
        return CollectionSummary(
            run_id,
            trigger,
            day,
            started,
            finished,
            status,
            len(targets),
            ok,
            failed,
            freezes,
            dict(kinds),
        )

    # ------------------------------------------------------------------ reading (bus threads)
    def _read_link(
        self, targets: Sequence[ReadTarget], cancel: threading.Event
    ) -> list[MeterResult]:
        url = targets[0].link_url
        turn = self.links.of(url)
        options = BusOptions(timeout_s=self.options.timeout_s, retries=self.options.retries)
        results: list[MeterResult] = []
        turn.take()
        try:
            transport = self._open_link(url)
        except DriverError as err:
            turn.give_back()
            now = self._clock.now()
            return [
                MeterResult(t, now, error=f"link {url}: {err}", error_kind="link") for t in targets
            ]
        try:
            bus = Bus(transport, options)
            for target in targets:
                if cancel.is_set():
                    break
                if turn.wanted:  # a 点抄 waits for this bus: its turn between two meters
                    transport.close()
                    turn.give_back()
                    turn.take()
                    transport = self._open_link(url)
                    bus = Bus(transport, options)
                results.append(self._read_meter(bus, target))
        except DriverError as err:  # the link could not be opened again after a 点抄
            now = self._clock.now()
            done = {r.target.meter_id for r in results}
            results += [
                MeterResult(t, now, error=f"link {url}: {err}", error_kind="link")
                for t in targets
                if t.meter_id not in done
            ]
        finally:
            transport.close()
            turn.give_back()
        return results

    def _read(self, bus: Bus, target: ReadTarget, di: int) -> dataids.Value:
        """The first value of one data identifier (the total, for energy blocks)."""
        request = ReadRequest(target.comm_address, dataids.lookup(di))
        return request.interpret(bus.transact(request))[0]

    def _read_meter(self, bus: Bus, target: ReadTarget) -> MeterResult:
        read_at = self._clock.now()
        if target.protocol not in SUPPORTED_PROTOCOLS:
            return MeterResult(
                target,
                read_at,
                error=f"protocol {target.protocol} is not supported",
                error_kind="unsupported",
            )
        ct = target.ct_ratio
        try:
            energy = _number(self._read(bus, target, dataids.FORWARD_ACTIVE_TOTAL))
            register_wh = int(energy * 1000) * ct
            power_w = None
            if target.role == MeterRole.SUMMARY.value:
                kw = _number(self._read(bus, target, dataids.ACTIVE_POWER_TOTAL))
                power_w = round(kw * 1000 * ct)
            freeze_wh = None
            if not target.has_freeze:
                freeze_wh = self._read_todays_freeze(bus, target, read_at.date())
        except FrameError as err:
            return MeterResult(
                target, read_at, error=str(err), error_kind=f"frame:{err.kind.value}"
            )
        except DriverError as err:
            return MeterResult(target, read_at, error=str(err), error_kind=type(err).__name__)
        return MeterResult(target, read_at, register_wh, power_w, freeze_wh)

    def _read_todays_freeze(self, bus: Bus, target: ReadTarget, day: date) -> int | None:
        """The register frozen at 00:00 today, or ``None`` if the meter has not frozen it yet."""
        frozen_at = self._read(bus, target, dataids.LAST_DAILY_FREEZE_TIME).value
        if not isinstance(frozen_at, datetime) or frozen_at.date() != day:
            return None
        energy = _number(self._read(bus, target, dataids.LAST_DAILY_FREEZE_FORWARD_ACTIVE))
        return int(energy * 1000) * target.ct_ratio

    # ------------------------------------------------------------------ storing (run thread)
    def _store(self, results: Sequence[MeterResult]) -> int:
        registers, freezes, points, states = [], [], [], []
        for r in results:
            mid = r.target.meter_id
            states.append(MeterReadState(mid, r.read_at, r.ok, r.error))
            if not r.ok or r.register_wh is None:
                continue
            registers.append(RegisterRow(mid, r.read_at.date(), r.register_wh, r.read_at))
            if r.freeze_wh is not None:  # frozen at 00:00 of the day it was read (checked on read)
                freezes.append(FreezeRow(mid, r.read_at.date(), r.freeze_wh, r.read_at))
            if r.power_w is not None:
                points.append(
                    IntervalRow(mid, _slot_start(r.read_at), r.power_w, r.register_wh, r.read_at)
                )
        with writing(self._sf) as session:
            upsert_register_readings(session, registers)
            upsert_daily_freezes(session, freezes)
            upsert_interval_readings(session, points)
            update_meter_states(session, states)
        return len(freezes)
