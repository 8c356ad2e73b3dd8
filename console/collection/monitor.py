"""The real ``CollectionConsole`` behind 采集监控: queries, jobs, the front end and 点抄."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import (
    JobState,
    KpiSummary,
    NodeKind,
    OnDemandResult,
    ReadPath,
    ReadValue,
    Scope,
    TreeNode,
)
from console.collection.concentrators import key_of
from console.collection.frontend import FrontEndService
from console.collection.jobs import ConcentratorJobs
from console.core.clock import Clock
from console.core.config import ConfigError, ScheduleSettings, save_section
from console.core.paths import default_config_path
from db.queries import devices
from db.queries.collection import all_concentrators
from db.queries.collection_kpi import (
    Drag,
    KpiLevel,
    SuccessRate,
    drag_ranking,
    failed_meters,
    success_rates,
    success_trend,
)
from db.queries.devices import DeviceRow, MeterLink
from drivers.api import ClientOptions, json_value
from drivers.describe import describe
from drivers.dlt645 import dataids
from drivers.dlt645.codec import decode as decode_645
from drivers.dlt645.session import ReadRequest
from drivers.errors import DriverError, MeterTimeoutError
from drivers.gdw376.frontend import TerminalKey, key_text
from drivers.gdw376.session import Afn
from drivers.gdw376.units import DataUnit
from drivers.link.base import create_transport
from drivers.link.spy import SpyTransport
from drivers.link.traffic import Direction, Traffic
from drivers.protocols import protocol

log = logging.getLogger(__name__)

SUCCESS_TARGET_PCT = Decimal("99.97")
F_CURRENT_ENERGY, F_CURRENT_POWER = 129, 25
_FORWARD_READS = (dataids.FORWARD_ACTIVE_TOTAL, dataids.ACTIVE_POWER_TOTAL)
RS485_PORT = 2  # the concentrator's RS-485 meter-reading port (port 1: AC sampling)
# Transparent-forward control byte: 2400 bps (D5-D7 = 3), even parity (D3 on, D2 = 0: even),
# 8 data bits (D0-D1 = 3), one stop bit (D4 = 0).
DLT645_2400_8E1 = 0b011_0_1_0_11
_CHILD_KIND = {
    None: NodeKind.COUNTY,
    NodeKind.COUNTY: NodeKind.STATION,
    NodeKind.STATION: NodeKind.AREA,
    NodeKind.AREA: NodeKind.CONCENTRATOR,
    NodeKind.CONCENTRATOR: NodeKind.METER,
}
_LEVEL = {
    NodeKind.COUNTY: KpiLevel.COUNTY,
    NodeKind.STATION: KpiLevel.STATION,
    NodeKind.AREA: KpiLevel.AREA,
    NodeKind.CONCENTRATOR: KpiLevel.CONCENTRATOR,
}


class CollectionMonitor:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        clock: Clock,
        frontend: FrontEndService,
        jobs: ConcentratorJobs | None,
        *,
        config_path: Path | None = None,
    ) -> None:
        self._sf = session_factory
        self._clock = clock
        self.frontend = frontend
        self.jobs_ = jobs
        self.config_path = config_path or default_config_path()
        self._schedule = jobs.schedule if jobs is not None else ScheduleSettings()

    def today(self) -> date:
        return self._clock.now().date()

    # ------------------------------------------------------------------ tree and KPIs
    def children(self, node: TreeNode | None, day: date) -> list[TreeNode]:
        kind = _CHILD_KIND.get(node.kind if node is not None else None)
        if kind is None or (node is None and kind is not NodeKind.COUNTY):
            return []
        with self._sf() as session:
            if node is None:
                rows = devices.counties(session)
            elif node.kind is NodeKind.COUNTY:
                rows = devices.stations(session, node.id)
            elif node.kind is NodeKind.STATION:
                rows = devices.areas(session, node.id)
            elif node.kind is NodeKind.AREA:
                rows = devices.concentrators(session, node.id)
            else:
                rows = devices.meters(session, node.id)
            failed = self._failed(session, kind, node, day)
        online = self._online() if kind is NodeKind.CONCENTRATOR else {}
        return [self._node(kind, r, failed.get(str(r.id), 0), online) for r in rows]

    def _failed(
        self, session: Session, kind: NodeKind, parent: TreeNode | None, day: date
    ) -> dict[str, int]:
        level = _LEVEL.get(kind)
        if level is None:
            return {}
        within = (_LEVEL[parent.kind], parent.id) if parent is not None else None
        return {r.key: r.failed for r in success_rates(session, day, level, within=within)}

    def _online(self) -> dict[TerminalKey, bool]:
        return {s.key: s.online for s in self.frontend.front.states()}

    @staticmethod
    def _node(
        kind: NodeKind, row: DeviceRow, failed: int, online: dict[TerminalKey, bool]
    ) -> TreeNode:
        is_online = row.online
        if row.terminal is not None:  # a concentrator: the front end knows best
            is_online = online.get(row.terminal, False)
        return TreeNode(
            kind, row.id, row.name, row.children > 0, is_online, row.last_at, row.last_ok,
            failed, row.detail,
        )  # fmt: skip

    def kpis(self, day: date, scope: Scope) -> KpiSummary:
        """The scope's rate for ``day`` and its concentrators online now (the concentrators
        in a station or 台区 scope: those with meters expected there)."""
        with self._sf() as session:
            trend = success_trend(session, day, 1, within=scope)
            rate = trend[-1][1] if trend else SuccessRate("", "", 0, 0)
            concentrators = all_concentrators(session)
            if scope is not None:
                inside = {
                    r.key for r in success_rates(session, day, KpiLevel.CONCENTRATOR, within=scope)
                }
                concentrators = [c for c in concentrators if str(c.id) in inside]
        states = self._online()
        online = sum(1 for c in concentrators if states.get(key_of(c)))
        return KpiSummary(day, rate, SUCCESS_TARGET_PCT, online, len(concentrators), rate.failed)

    def trend(self, last_day: date, scope: Scope, days: int = 30) -> list[tuple[date, SuccessRate]]:
        """The daily rates, from the first day anything was collected: the days before the
        database holds any freeze are not 0 %, they are before collection began."""
        with self._sf() as session:
            rates = success_trend(session, last_day, days, within=scope)
            # Where collection began is the county's affair: a scope that read nothing from
            # the start is failing, not new.
            overall = rates if scope is None else success_trend(session, last_day, days)
        first = next((i for i, (_d, r) in enumerate(overall) if r.read > 0), len(rates))
        return rates[first:]

    def drags(self, day: date, scope: Scope) -> tuple[list[Drag], list[Drag]]:
        with self._sf() as session:
            return drag_ranking(session, day, within=scope)

    def failed_meters(self, day: date, drag: Drag) -> list[Drag]:
        with self._sf() as session:
            if drag.kind == "concentrator":
                return failed_meters(session, day, concentrator_id=drag.id)
            return [drag]

    # ------------------------------------------------------------------ jobs
    def jobs(self) -> list[JobState]:
        return self.jobs_.states() if self.jobs_ is not None else []

    def schedule(self) -> dict[str, object]:
        return dataclasses.asdict(self._schedule)

    def set_schedule(self, values: dict[str, object]) -> None:
        try:
            settings = save_section(self.config_path, "schedule", dict(values))
        except ConfigError as err:
            raise ValueError(str(err)) from err
        self._schedule = settings.schedule
        if self.jobs_ is not None:
            self.jobs_.apply(settings.schedule)
            collector = self.jobs_.collector
            collector.options = dataclasses.replace(
                collector.options, clock_drift_s=settings.schedule.clock_drift_s
            )
        log.info("schedule changed in 采集监控 and saved to %s", self.config_path)

    def run_job(self, job_id: str) -> None:
        if self.jobs_ is not None:
            self.jobs_.run_now(job_id)

    def cancel_job(self, job_id: str) -> None:
        if self.jobs_ is not None:
            self.jobs_.cancel(job_id)

    # ------------------------------------------------------------------ 点抄
    def read_meter(self, meter_id: int, path: ReadPath) -> OnDemandResult:
        with self._sf() as session:
            link = devices.meter_link(session, meter_id)
        if link is None:
            return OnDemandResult(meter_id, "?", path.value, False, error=f"no meter {meter_id}")
        t0 = time.monotonic()
        frames: list[Traffic] = []
        try:
            if path is ReadPath.DIRECT:
                values = self._read_direct(link, frames)
            else:
                values = self._read_via_concentrator(link, path, frames)
        except (DriverError, ValueError) as err:
            return OnDemandResult(
                meter_id, link.asset_no, _PATHS[path], False, frames=frames, error=str(err),
                duration_ms=round((time.monotonic() - t0) * 1000),
            )  # fmt: skip
        return OnDemandResult(
            meter_id, link.asset_no, _PATHS[path], True, values, frames,
            duration_ms=round((time.monotonic() - t0) * 1000),
        )  # fmt: skip

    def read_area(self, area_id: int) -> list[OnDemandResult]:
        with self._sf() as session:
            ids = devices.area_meter_ids(session, area_id)
        return [self.read_meter(mid, ReadPath.CONCENTRATOR) for mid in ids]

    def _capture(self, name: str, frames: list[Traffic]) -> Callable[[Traffic], None]:
        lock = threading.Lock()

        def listen(traffic: Traffic) -> None:
            if traffic.terminal == name:
                with lock:
                    frames.append(traffic)

        return listen

    def _read_via_concentrator(
        self, link: MeterLink, path: ReadPath, frames: list[Traffic]
    ) -> list[ReadValue]:
        if link.district_code is None or link.terminal_address is None or link.point_no is None:
            raise ValueError(f"meter {link.asset_no} is not behind a concentrator")
        key = (link.district_code, link.terminal_address)
        listen = self._capture(key_text(key), frames)
        self.frontend.add_traffic_listener(listen)
        front = self.frontend.front
        try:
            if path is ReadPath.CONCENTRATOR:
                pn = link.point_no
                units = [DataUnit(pn, F_CURRENT_ENERGY), DataUnit(pn, F_CURRENT_POWER)]
                reply = front.request(key, Afn.CURRENT, units).result()
                return _values_of(reply.units)
            values = []
            for di in _FORWARD_READS:
                request = ReadRequest(link.comm_address, dataids.lookup(di))
                reply = front.request(
                    key, Afn.FORWARD,
                    [DataUnit(0, 1, {"port": RS485_PORT, "control": DLT645_2400_8E1,
                                     "timeout_ms": 2000, "byte_timeout_ms": 100,
                                     "payload": request.encode()})],
                ).result()  # fmt: skip
                payload = reply.units[0].values.get("payload") if reply.units else b""
                if not isinstance(payload, bytes) or not payload:
                    raise MeterTimeoutError(
                        f"meter {link.comm_address} did not answer the forwarded read"
                    )
                for v in request.interpret(decode_645(payload)):
                    values.append(ReadValue(v.field.name_en, json_value(v.value), v.unit))
            return values
        finally:
            self.frontend.remove_traffic_listener(listen)

    def _read_direct(self, link: MeterLink, frames: list[Traffic]) -> list[ReadValue]:
        spec = protocol(link.protocol)
        spy = SpyTransport(create_transport(link.link_url))

        def record(direction: str, data: bytes, _at: float) -> None:
            frames.append(
                Traffic(self._clock.now(), link.asset_no,
                        Direction.DOWN if direction == "tx" else Direction.UP, data, link.link_url)
            )  # fmt: skip

        spy.listeners.append(record)
        spy.open()
        try:
            client = spec.open_client(spy, link.comm_address, ClientOptions())
            readings = client.read(list(spec.default_items))
        finally:
            spy.close()
        return [ReadValue(r.name, json_value(r.value), r.unit) for r in readings]

    # ------------------------------------------------------------------ frames
    def describe_frame(self, raw: bytes) -> dict[str, object]:
        return describe(raw)

    def add_traffic_listener(self, listener: Callable[[Traffic], None]) -> None:
        self.frontend.add_traffic_listener(listener)

    def remove_traffic_listener(self, listener: Callable[[Traffic], None]) -> None:
        self.frontend.remove_traffic_listener(listener)


_PATHS = {
    ReadPath.CONCENTRATOR: "concentrator (AFN 0C F129/F25)",
    ReadPath.FORWARD: "transparent forward (AFN 10 F1, DL/T 645)",
    ReadPath.DIRECT: "direct",
}
_NAMES = {
    "forward_active_kwh": ("Forward active energy", "kWh"),
    "active_power_kw": ("Active power", "kW"),
    "reactive_power_kvar": ("Reactive power", "kvar"),
    "voltage_v": ("Voltage", "V"),
    "current_a": ("Current", "A"),
    "power_factor_pct": ("Power factor", "%"),
    "read_at": ("Read at", ""),
}
_PARTS = {
    "forward_active_kwh": ("total", "T1 sharp", "T2 peak", "T3 flat", "T4 valley"),
    "active_power_kw": ("total", "A", "B", "C"),
    "reactive_power_kvar": ("total", "A", "B", "C"),
    "power_factor_pct": ("total", "A", "B", "C"),
    "voltage_v": ("A", "B", "C"),
    "current_a": ("A", "B", "C"),
}


def _values_of(units: list[DataUnit]) -> list[ReadValue]:
    out: list[ReadValue] = []
    for unit in units:
        for key, (name, unit_text) in _NAMES.items():
            value = unit.values.get(key)
            if value is None or (key == "read_at" and out):
                continue
            if isinstance(value, list):
                parts = _PARTS.get(key, ())
                for i, v in enumerate(value):
                    label = parts[i] if i < len(parts) else str(i)
                    text = json_value(v) if v is not None else "—"
                    out.append(ReadValue(f"{name} ({label})", text, unit_text))
            else:
                out.append(ReadValue(name, json_value(value), unit_text))  # type: ignore[arg-type]
    return out
