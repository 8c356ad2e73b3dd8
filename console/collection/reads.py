"""点抄 (on-demand read): one meter, or a whole 台区, read now through its concentrator (AFN 0C
F129/F25), a DL/T 645 read forwarded by the concentrator (AFN 10 F1), or the meter's own link,
with every frame that crossed the link for it. Runs in the service process (it needs the front
end); the values come back typed (``ReadValue.key``/``part``) for the window to word."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import OnDemandResult, ReadPath, ReadValue
from console.collection.concentrators import result_of
from console.collection.frontend import FrontEndService
from console.collection.turns import LinkTurns
from console.core.clock import Clock
from db.models import AttemptResult
from db.queries import devices
from db.queries.devices import MeterLink
from drivers.api import ClientOptions, json_value
from drivers.dlt645 import dataids
from drivers.dlt645.codec import decode as decode_645
from drivers.dlt645.session import ReadRequest
from drivers.errors import DriverError, MeterTimeoutError
from drivers.gdw376.frontend import key_text
from drivers.gdw376.session import Afn
from drivers.gdw376.units import DataUnit
from drivers.link.base import create_transport
from drivers.link.spy import SpyTransport
from drivers.link.traffic import Direction, Traffic
from drivers.protocols import protocol

F_CURRENT_ENERGY, F_CURRENT_POWER = 129, 25
_FORWARD_READS = (dataids.FORWARD_ACTIVE_TOTAL, dataids.ACTIVE_POWER_TOTAL)
RS485_PORT = 2  # the concentrator's RS-485 meter-reading port (port 1: AC sampling)
# Transparent-forward control byte: 2400 bps (D5-D7 = 3), even parity (D3 on, D2 = 0: even),
# 8 data bits (D0-D1 = 3), one stop bit (D4 = 0).
DLT645_2400_8E1 = 0b011_0_1_0_11
# The concentrator's current-data items (AFN 0C F129/F25): (key, English name, unit, parts).
_ITEMS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("forward_active_kwh", "Forward active energy", "kWh", ("total", "T1", "T2", "T3", "T4")),
    ("active_power_kw", "Active power", "kW", ("total", "A", "B", "C")),
    ("reactive_power_kvar", "Reactive power", "kvar", ("total", "A", "B", "C")),
    ("voltage_v", "Voltage", "V", ("A", "B", "C")),
    ("current_a", "Current", "A", ("A", "B", "C")),
    ("power_factor_pct", "Power factor", "%", ("total", "A", "B", "C")),
    ("read_at", "Read at", "", ()),
)


class OnDemandReader:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        clock: Clock,
        frontend: FrontEndService | None,
        links: LinkTurns | None = None,
    ) -> None:
        self._sf = session_factory
        self._clock = clock
        self.frontend = frontend
        self._links = links or LinkTurns()  # the collection pass's, when it runs here

    def read_meter(self, meter_id: int, path: ReadPath) -> OnDemandResult:
        path = ReadPath(path)
        with self._sf() as session:
            link = devices.meter_link(session, meter_id)
        if link is None:
            raise LookupError(f"no meter {meter_id} in the archive")
        t0 = time.monotonic()
        frames: list[Traffic] = []
        try:
            if path is ReadPath.DIRECT:
                values = self._read_direct(link, frames)
            else:
                values = self._read_via_concentrator(link, path, frames)
        except (DriverError, ValueError) as err:
            result = result_of(err) if isinstance(err, DriverError) else AttemptResult.REJECTED
            return OnDemandResult(
                meter_id, link.asset_no, path, False, frames=frames, result=result.value,
                error=str(err), duration_ms=round((time.monotonic() - t0) * 1000),
            )  # fmt: skip
        return OnDemandResult(
            meter_id, link.asset_no, path, True, values, frames,
            duration_ms=round((time.monotonic() - t0) * 1000),
        )  # fmt: skip

    def read_area(self, area_id: int) -> list[OnDemandResult]:
        with self._sf() as session:
            ids = devices.area_meter_ids(session, area_id)
        return [self.read_meter(mid, ReadPath.CONCENTRATOR) for mid in ids]

    @staticmethod
    def _capture(name: str, frames: list[Traffic]) -> Callable[[Traffic], None]:
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
        if self.frontend is None:
            raise LookupError("the concentrator front end is switched off ([frontend] enabled)")
        frontend = self.frontend
        key = (link.district_code, link.terminal_address)
        listen = self._capture(key_text(key), frames)
        frontend.add_traffic_listener(listen)
        front = frontend.front
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
                item = request.item
                values += [
                    ReadValue(item.di_hex, "", json_value(v.value), v.unit, v.field.name_en,
                              v.field.name_zh)
                    for v in request.interpret(decode_645(payload))
                ]  # fmt: skip
            return values
        finally:
            frontend.remove_traffic_listener(listen)

    def _read_direct(self, link: MeterLink, frames: list[Traffic]) -> list[ReadValue]:
        url = link.link_url
        if url is None:
            raise ValueError(
                f"meter {link.asset_no} has no link of its own: read it through its concentrator"
            )
        spec = protocol(link.protocol)
        spy = SpyTransport(create_transport(url))

        def record(direction: str, data: bytes, _at: float) -> None:
            frames.append(
                Traffic(self._clock.now(), link.asset_no,
                        Direction.DOWN if direction == "tx" else Direction.UP, data, url)
            )  # fmt: skip

        spy.listeners.append(record)
        with self._links.of(url).interactive(url):
            spy.open()
            try:
                client = spec.open_client(spy, link.comm_address, ClientOptions())
                readings = client.read(list(spec.default_items))
            finally:
                spy.close()
        return [
            ReadValue(r.item, "", json_value(r.value), r.unit, r.name, r.name_zh) for r in readings
        ]


def _values_of(units: list[DataUnit]) -> list[ReadValue]:
    out: list[ReadValue] = []
    for unit in units:
        for key, name, unit_text, parts in _ITEMS:
            value = unit.values.get(key)
            if value is None or (key == "read_at" and out):
                continue
            if isinstance(value, list):
                for i, v in enumerate(value):
                    part = parts[i] if i < len(parts) else str(i)
                    text = json_value(v) if v is not None else "—"
                    out.append(ReadValue(key, part, text, unit_text, f"{name} ({part})"))
            else:
                out.append(ReadValue(key, "", json_value(value), unit_text, name))  # type: ignore[arg-type]
    return out
