"""An emulated DL/T 645-2007 meter and the multi-drop bus it hangs on.

The meter answers from a ``RegisterModel`` (see ``load.py``) at the emulator clock's time,
through the same codec and data-identifier table the client uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from drivers.dlt645 import dataids
from drivers.dlt645.codec import (
    ABNORMAL,
    BROADCAST_ADDRESS,
    DIR_RESPONSE,
    Frame,
    StreamDecoder,
    address_to_wire,
    encode,
)
from drivers.dlt645.session import Function
from drivers.emulator.load import RegisterModel, slot_of
from drivers.errors import FrameError

Clock = Callable[[], datetime]

ERR_OTHER = 0x01
ERR_NO_DATA = 0x02


def displayed_wh(primary_wh: int, ct_ratio: int = 1) -> int:
    """The register a meter shows for ``primary_wh`` (secondary side, truncated to 0.01 kWh),
    converted back to primary Wh the way the master station does (times the CT ratio)."""
    return primary_wh // ct_ratio // 10 * 10 * ct_ratio


def secondary_kw(primary_w: int, ct_ratio: int = 1) -> Decimal:
    """Active power as the meter shows it: secondary-side kW with four decimals."""
    return (Decimal(primary_w) / (1000 * ct_ratio)).quantize(Decimal("0.0001"))


def displayed_power_w(primary_w: int, ct_ratio: int = 1) -> int:
    """The primary power in W that the master station computes from the shown value."""
    return round(secondary_kw(primary_w, ct_ratio) * 1000 * ct_ratio)


def _kwh(wh: int) -> Decimal:
    """A secondary-side register as the meter shows it: kWh with two decimals, truncated."""
    return Decimal(wh // 10).scaleb(-2)


class EmulatedMeter:
    """One meter: address, load model, and scriptable conditions (``dead`` meters never answer).

    A CT-connected meter (``ct_ratio`` > 1, e.g. a 台区 summary meter) measures the secondary
    side: its registers and powers are the primary values divided by the ratio.
    """

    def __init__(
        self,
        address: str,
        model: RegisterModel,
        clock: Clock,
        *,
        ct_ratio: int = 1,
        nominal_voltage: float = 220.0,
        power_factor: float = 0.95,
    ) -> None:
        address_to_wire(address)  # validates
        if ct_ratio < 1:
            raise ValueError(f"CT ratio must be >= 1, got {ct_ratio}")
        self.address = address
        self.model = model
        self.clock = clock
        self.ct_ratio = ct_ratio
        self.nominal_voltage = nominal_voltage
        self.power_factor = power_factor
        self.dead = False
        self.clock_offset = timedelta(0)

    # ------------------------------------------------------------------ frame handling
    def accepts(self, address: str) -> bool:
        if address in (self.address, BROADCAST_ADDRESS):
            return True
        return all(want in ("A", have) for want, have in zip(address, self.address, strict=True))

    def handle(self, frame: Frame) -> Frame | None:
        """The reply to ``frame``, or ``None`` when a real meter would stay silent."""
        if self.dead or frame.is_response or not self.accepts(frame.address):
            return None
        if frame.address == BROADCAST_ADDRESS:
            return None  # broadcasts are never answered
        fn = frame.function
        if fn == Function.READ:
            return self._read(frame)
        if fn == Function.READ_ADDRESS:
            return Frame(self.address, DIR_RESPONSE | fn, address_to_wire(self.address))
        return self._abnormal(fn, ERR_OTHER)

    def _abnormal(self, fn: int, status: int) -> Frame:
        return Frame(self.address, DIR_RESPONSE | ABNORMAL | fn, bytes((status,)))

    def _read(self, frame: Frame) -> Frame:
        if len(frame.data) < 4:
            return self._abnormal(Function.READ, ERR_OTHER)
        di = int.from_bytes(frame.data[:4], "little")
        item = dataids.ITEMS.get(di)
        values = self.values(item, self.clock() + self.clock_offset) if item else None
        if item is None or values is None:
            return self._abnormal(Function.READ, ERR_NO_DATA)
        return Frame(
            self.address,
            DIR_RESPONSE | Function.READ,
            frame.data[:4] + dataids.encode_values(item, values),
        )

    # ------------------------------------------------------------------ register values
    def values(self, item: dataids.DataItem, now: datetime) -> dict[str, object] | None:
        """Field values for ``item`` at ``now``; ``None`` if this meter does not support it."""
        di = item.di
        group = di >> 24
        if group == 0x00:
            return self._energy(item, now)
        if group == 0x02:
            return self._instantaneous(item, now)
        if di == 0x04000101:
            return {"date": now.date()}
        if di == 0x04000102:
            return {"time": now.time().replace(microsecond=0)}
        if di in (0x04000401, 0x04000402):
            return {item.fields[0].key: self.address}
        if di >> 16 == 0x0506:
            return self._daily_freeze(item, now)
        return None

    def _energy_parts(self, di2: int, at: datetime) -> tuple[int, ...] | None:
        forward = self.model.tariff_registers_wh(at)
        if di2 in (0x00, 0x01):  # combined active = forward - reverse, and reverse is zero
            return forward
        if di2 == 0x02:
            return (0, 0, 0, 0)
        if di2 in (0x03, 0x05):  # inductive load: quadrant I reactive ~ 33 % of active
            return tuple(r // 3 for r in forward)
        if di2 in (0x04, 0x08):  # a little capacitive energy in quadrant IV
            return tuple(r // 50 for r in forward)
        if di2 in (0x06, 0x07):
            return (0, 0, 0, 0)
        return None

    def _energy(self, item: dataids.DataItem, now: datetime) -> dict[str, object] | None:
        di2, di1 = (item.di >> 16) & 0xFF, (item.di >> 8) & 0xFF
        parts = self._energy_parts(di2, now)
        if parts is None:
            return None
        registers = self._registers_kwh(parts)
        if di1 == 0xFF:
            return registers
        key = item.fields[0].key
        return {key: registers[key]}

    def _registers_kwh(self, primary: tuple[int, ...]) -> dict[str, object]:
        """Total and tariff registers as shown: secondary side, each truncated on its own."""
        ct = self.ct_ratio
        shown: dict[str, object] = {"total": _kwh(sum(primary) // ct)}
        for t, wh in enumerate(primary, start=1):
            shown[f"t{t}"] = _kwh(wh // ct)
        return shown

    def _instantaneous(self, item: dataids.DataItem, now: datetime) -> dict[str, object] | None:
        primary_w = self.model.power_w(now)
        power_w = primary_w / self.ct_ratio
        slot, _ = slot_of(now)
        # Voltage sags a little at the evening peak; the phase differs per meter.
        phase = (int(self.address[-4:]) % 97) / 97 * 2 * math.pi
        volts = self.nominal_voltage * (1.0 + 0.025 * math.cos(2 * math.pi * slot / 96 + phase))
        pf = self.power_factor
        amps = power_w / (volts * pf) if volts else 0.0
        q_w = power_w * math.tan(math.acos(pf))
        di2 = (item.di >> 16) & 0xFF
        per_phase: dict[int, tuple[float, int, str]] = {  # value, decimals, total-or-phase-A
            0x01: (volts, 1, "a"),
            0x02: (amps, 3, "a"),
            0x03: (power_w / 1000, 4, "total"),
            0x04: (q_w / 1000, 4, "total"),
            0x05: (power_w / pf / 1000, 4, "total"),
            0x06: (pf, 3, "total"),
        }
        if item.di == 0x02800002:
            return {"frequency": Decimal("50.00")}
        if item.di == dataids.ACTIVE_POWER_TOTAL:  # exact, so the master's figures reconcile
            return {"total": secondary_kw(primary_w, self.ct_ratio)}
        if di2 not in per_phase:
            return None
        value, decimals, main = per_phase[di2]
        quant = Decimal(1).scaleb(-decimals)
        out: dict[str, object] = {}
        for f in item.fields:
            if f.key in (main, "a"):  # a single-phase meter carries everything on phase A
                out[f.key] = Decimal(str(value)).quantize(quant)
            else:
                out[f.key] = Decimal(0)
        return out

    def _daily_freeze(self, item: dataids.DataItem, now: datetime) -> dict[str, object] | None:
        n = item.di & 0xFF
        kind = (item.di >> 8) & 0xFF
        frozen_at = datetime.combine(now.date(), datetime.min.time()) - timedelta(days=n - 1)
        if kind == 0x00:
            return {"time": frozen_at}
        if kind == 0x01:
            return self._registers_kwh(self.model.tariff_registers_wh(frozen_at))
        return None


class EmulatedBus:
    """The device side of one multi-drop link: every meter on it hears every request."""

    def __init__(
        self,
        meters: Iterable[EmulatedMeter],
        write: Callable[[bytes], None],
        schedule: Callable[[float, Callable[[bytes], None], bytes], None],
        *,
        reply_delay_s: float = 0.0,
    ) -> None:
        self.meters = {m.address: m for m in meters}
        self._write = write
        self._schedule = schedule
        self.reply_delay_s = reply_delay_s
        self._decoder = StreamDecoder()
        self.requests_seen = 0

    def feed(self, data: bytes) -> None:
        """Bytes that have fully arrived on the device side of the link."""
        for item in self._decoder.feed(data):
            if isinstance(item, FrameError):
                continue  # a garbled request gets no reply, as from a real meter
            self.requests_seen += 1
            meter = self.meters.get(item.address)
            candidates = (meter,) if meter is not None else tuple(self.meters.values())
            for m in candidates:
                reply = m.handle(item)
                if reply is not None:
                    self._schedule(self.reply_delay_s, self._write, encode(reply))
