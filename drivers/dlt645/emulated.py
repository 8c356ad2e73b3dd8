"""Emulated DL/T 645 meters (2007 or 1997) and the multi-drop bus they hang on.

A meter answers every control function from its ``MeterCore`` through the same codec and
identifier tables the client uses, with real meters' rules: broadcast time is accepted once a
day and only within five minutes, writes and clears need the right password level, a baud
change is answered at the old rate and applied after.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from drivers.dlt645 import dataids, dataids97
from drivers.dlt645.codec import (
    ABNORMAL,
    BROADCAST_ADDRESS,
    DIR_RESPONSE,
    FOLLOW_UP,
    Frame,
    StreamDecoder,
    address_from_wire,
    address_to_wire,
    encode,
)
from drivers.dlt645.meter_values import load_profile_records, values_1997, values_2007
from drivers.dlt645.session import (
    ERR97_DI,
    ERR97_ILLEGAL,
    ERR97_PASSWORD,
    ERR_BAUD,
    ERR_NO_DATA,
    ERR_OTHER,
    ERR_PASSWORD,
    Function,
    Function97,
    Password,
    baud_from_word,
    time_from_wire,
)
from drivers.dlt645.values import DataItem, decode_values, encode_values
from drivers.emulator.core import MeterCore, Registers
from drivers.emulator.device import DeviceOptions, DevicePort
from drivers.errors import FrameError

BROADCAST_SYNC_LIMIT = timedelta(minutes=5)
MAX_DATA = 200


class Dlt645Meter:
    """One meter. ``passwords`` maps level (PA) to its six digits."""

    def __init__(
        self, core: MeterCore, *, version: str = "2007", passwords: dict[int, str] | None = None
    ) -> None:
        if version not in ("2007", "1997"):
            raise ValueError(f"DL/T 645 versions are 2007 and 1997, not {version!r}")
        if len(core.address) != 12 or not core.address.isdigit():
            # Checked here: a bad address would otherwise break every request on the bus.
            raise ValueError(f"a meter address is 12 digits, got {core.address!r}")
        self.core = core
        self.version = version
        self.address = core.address
        self.passwords = dict(passwords or {0: "000000", 2: "000000", 4: "000000"})
        self.instant_freezes: list[tuple[datetime, Registers]] = []
        self.demand_period_min = 15
        self.demand_slide_min = 1
        self.last_broadcast_sync: datetime | None = None
        self.pending_baud: int | None = None
        self._follow_ups: dict[int, list[bytes]] = {}

    # ------------------------------------------------------------------ addressing
    def accepts(self, address: str) -> bool:
        if address in (self.address, BROADCAST_ADDRESS):
            return True
        return all(want in ("A", have) for want, have in zip(address, self.address, strict=True))

    # ------------------------------------------------------------------ dispatch
    def handle(self, frame: Frame) -> Frame | None:
        """The reply to ``frame``, or ``None`` when a real meter would stay silent."""
        if frame.is_response or not self.accepts(frame.address) or not self.core.answers:
            return None
        if frame.function == Function.BROADCAST_TIME:  # same code in both versions
            self._broadcast_time(frame)
            return None
        if frame.address == BROADCAST_ADDRESS:
            return None  # a freeze to everyone, say: done, but nobody answers
        if self.version == "1997":
            try:
                return self._handle_1997(frame)
            except (FrameError, ValueError):  # a value that does not fit, a garbled password
                return self._abnormal(frame.function, ERR97_ILLEGAL)
        handlers = {
            Function.READ: self._read,
            Function.READ_FOLLOW_UP: self._read_follow_up,
            Function.READ_ADDRESS: self._read_address,
            Function.WRITE: self._write,
            Function.WRITE_ADDRESS: self._write_address,
            Function.FREEZE: self._freeze,
            Function.CHANGE_BAUD: self._change_baud,
            Function.CHANGE_PASSWORD: self._change_password,
            Function.CLEAR_DEMAND: self._clear,
            Function.CLEAR_METER: self._clear,
            Function.CLEAR_EVENTS: self._clear,
        }
        try:
            handler = handlers.get(Function(frame.function))
        except ValueError:
            handler = None
        if handler is None:
            return self._abnormal(frame.function, ERR_OTHER)
        try:
            return handler(frame)
        except (FrameError, ValueError):
            return self._abnormal(frame.function, ERR_OTHER)

    def _reply(
        self, function: int, data: bytes = b"", *, more: bool = False, address: str | None = None
    ) -> Frame:
        control = DIR_RESPONSE | (FOLLOW_UP if more else 0) | function
        return Frame(address or self.address, control, data)

    def _abnormal(self, function: int, status: int) -> Frame:
        return Frame(self.address, DIR_RESPONSE | ABNORMAL | function, bytes((status,)))

    # ------------------------------------------------------------------ reads (2007)
    def _read(self, frame: Frame) -> Frame:
        if len(frame.data) < 4:
            return self._abnormal(Function.READ, ERR_OTHER)
        di = int.from_bytes(frame.data[:4], "little")
        now = self.core.true_now()
        if di in dataids.LOAD_PROFILE:
            chunks = self._load_profile(di, frame.data[4:], now)
            if not chunks:
                return self._abnormal(Function.READ, ERR_NO_DATA)
            self._follow_ups[di] = chunks[1:]
            return self._reply(Function.READ, frame.data[:4] + chunks[0], more=len(chunks) > 1)
        item = dataids.ITEMS.get(di)
        values = values_2007(self, item, now) if item else None
        if item is None or values is None:
            return self._abnormal(Function.READ, ERR_NO_DATA)
        return self._reply(Function.READ, item.di_wire + encode_values(item, values))

    def _read_follow_up(self, frame: Frame) -> Frame:
        if len(frame.data) < 5:
            return self._abnormal(Function.READ_FOLLOW_UP, ERR_OTHER)
        di = int.from_bytes(frame.data[:4], "little")
        pending = self._follow_ups.get(di)
        if not pending:
            return self._abnormal(Function.READ_FOLLOW_UP, ERR_NO_DATA)
        chunk = pending.pop(0)
        return self._reply(
            Function.READ_FOLLOW_UP, frame.data[:4] + chunk + frame.data[4:5], more=bool(pending)
        )

    def _load_profile(self, di: int, request: bytes, now: datetime) -> list[bytes]:
        records = load_profile_records(self, di, request, now)
        room = MAX_DATA - 4 - 1  # DI, and the SEQ byte of follow-up frames
        chunks: list[bytes] = []
        current = b""
        for record in records:
            if current and len(current) + len(record) > room:
                chunks.append(current)
                current = b""
            current += record
        if current:
            chunks.append(current)
        return chunks

    def _read_address(self, frame: Frame) -> Frame:
        return self._reply(Function.READ_ADDRESS, address_to_wire(self.address))

    # ------------------------------------------------------------------ writes and commands
    def _authorised(self, password: Password) -> bool:
        return self.passwords.get(password.level) == password.code and password.level <= 4

    def _write(self, frame: Frame) -> Frame:
        data = frame.data
        if len(data) < 12:
            return self._abnormal(Function.WRITE, ERR_OTHER)
        if not self._authorised(Password.from_wire(data[4:8])):
            return self._abnormal(Function.WRITE, ERR_PASSWORD)
        item = dataids.ITEMS.get(int.from_bytes(data[:4], "little"))
        if item is None or not item.writable:
            return self._abnormal(Function.WRITE, ERR_OTHER)
        self._apply_write(item, data[12:])
        return self._reply(Function.WRITE)

    def _apply_write(self, item: DataItem, raw: bytes) -> None:
        value = decode_values(item, raw)[0].value
        meter_now = self.core.meter_time()
        if item.di in (0x04000101, 0xC010) and isinstance(value, type(meter_now.date())):
            self.core.sync_clock(datetime.combine(value, meter_now.time()))
        elif item.di in (0x04000102, 0xC011) and not isinstance(value, (str, datetime)):
            self.core.sync_clock(datetime.combine(meter_now.date(), value))  # type: ignore[arg-type]
        elif item.di == 0x04000103:
            self.demand_period_min = int(value)  # type: ignore[arg-type]
        elif item.di == 0x04000104:
            self.demand_slide_min = int(value)  # type: ignore[arg-type]

    def _write_address(self, frame: Frame) -> Frame:
        if "A" not in frame.address or len(frame.data) != 6:
            return self._abnormal(Function.WRITE_ADDRESS, ERR_OTHER)
        self.address = address_from_wire(frame.data)
        return self._reply(Function.WRITE_ADDRESS)

    def _freeze(self, frame: Frame) -> Frame:
        if len(frame.data) != 4:
            return self._abnormal(Function.FREEZE, ERR_OTHER)
        if frame.data == b"\x99\x99\x99\x99":  # freeze now
            now = self.core.true_now()
            self.instant_freezes.insert(0, (self.core.meter_time(now), self.core.registers(now)))
            del self.instant_freezes[3:]
        return self._reply(Function.FREEZE)

    def _change_baud(self, frame: Frame) -> Frame:
        try:
            rate = baud_from_word(frame.data[0] if frame.data else 0)
        except FrameError:
            return self._abnormal(Function.CHANGE_BAUD, ERR_BAUD)
        self.pending_baud = rate  # the bus switches once this reply has gone out
        return self._reply(Function.CHANGE_BAUD, frame.data[:1])

    def _change_password(self, frame: Frame) -> Frame:
        data = frame.data
        if len(data) != 12:
            return self._abnormal(Function.CHANGE_PASSWORD, ERR_OTHER)
        old, new = Password.from_wire(data[4:8]), Password.from_wire(data[8:12])
        if not self._authorised(old) or old.level > new.level:
            return self._abnormal(Function.CHANGE_PASSWORD, ERR_PASSWORD)
        self.passwords[new.level] = new.code
        return self._reply(Function.CHANGE_PASSWORD, new.wire())

    def _clear(self, frame: Frame) -> Frame:
        fn = Function(frame.function)
        if len(frame.data) < 8 or not self._authorised(Password.from_wire(frame.data[:4])):
            return self._abnormal(fn, ERR_PASSWORD)
        core = self.core
        if fn == Function.CLEAR_DEMAND:
            core.demand_cleared_at = core.true_now()
        elif fn == Function.CLEAR_METER:
            core.clear_energy()
        else:
            event = (
                int.from_bytes(frame.data[8:12], "little") if len(frame.data) >= 12 else 0xFFFFFFFF
            )
            # All events: FFFFFFFF; one kind: that record's DI3 DI2 DI1 and DI0 = FF.
            if event in (0xFFFFFFFF, 0x031100FF):
                core.clear_power_down_records()
            if event in (0xFFFFFFFF, 0x03300DFF):
                core.cover_records.clear()
        return self._reply(fn)

    def _broadcast_time(self, frame: Frame) -> None:
        """A real meter takes a broadcast sync once a day and only within five minutes."""
        try:
            target = time_from_wire(frame.data)
        except FrameError:
            return
        meter_now = self.core.meter_time()
        if abs(target - meter_now) > BROADCAST_SYNC_LIMIT:
            return
        if (
            self.last_broadcast_sync is not None
            and self.last_broadcast_sync.date() == meter_now.date()
        ):
            return
        self.core.sync_clock(target)
        self.last_broadcast_sync = target

    # ------------------------------------------------------------------ DL/T 645-1997
    def _handle_1997(self, frame: Frame) -> Frame | None:
        fn = frame.function
        if fn == Function97.READ:
            if len(frame.data) < 2:
                return self._abnormal(fn, ERR97_DI)
            item = dataids97.ITEMS.get(int.from_bytes(frame.data[:2], "little"))
            values = values_1997(self, item, self.core.true_now()) if item else None
            if item is None or values is None:
                return self._abnormal(fn, ERR97_DI)
            return self._reply(fn, item.di_wire + encode_values(item, values))
        if fn == Function97.WRITE:
            if len(frame.data) < 6:
                return self._abnormal(fn, ERR97_DI)
            if not self._authorised(Password.from_wire(frame.data[2:6])):
                return self._abnormal(fn, ERR97_PASSWORD)
            item = dataids97.ITEMS.get(int.from_bytes(frame.data[:2], "little"))
            if item is None or not item.writable:
                return self._abnormal(fn, ERR97_DI)
            try:
                self._apply_write(item, frame.data[6:])
            except FrameError:
                return self._abnormal(fn, ERR97_DI)
            return self._reply(fn)
        return self._abnormal(fn, ERR97_DI)


class Dlt645Bus:
    """The device side of one RS-485 bus: every meter on it hears every request."""

    def __init__(self, meters: Sequence[Dlt645Meter], options: DeviceOptions | None = None) -> None:
        self.meters = list(meters)
        self.options = options or DeviceOptions()
        self._decoder = StreamDecoder()
        self.requests_seen = 0
        self._by_address: dict[str, Dlt645Meter] = {}

    def _addressed(self, address: str) -> Sequence[Dlt645Meter]:
        """The meters that may answer ``address``: all of them for a wildcard or broadcast,
        else the one meter with it (looked up, not asked one by one: a bus has hundreds)."""
        if "A" in address or address == BROADCAST_ADDRESS:
            return self.meters
        meter = self._by_address.get(address)
        if meter is None or meter.address != address:  # meters added, or an address written
            self._by_address = {m.address: m for m in self.meters}
            meter = self._by_address.get(address)
        return () if meter is None else (meter,)

    def receive(self, data: bytes, port: DevicePort) -> None:
        for item in self._decoder.feed(data):
            if isinstance(item, FrameError):
                continue  # a garbled request gets no reply, as from a real meter
            self.requests_seen += 1
            for meter in self._addressed(item.address):
                reply = meter.handle(item)
                if reply is None:
                    continue
                delay = self.options.reply_delay_s + meter.core.extra_delay_s
                port.send(meter.core.garble(encode(reply)), delay)
                if meter.pending_baud is not None:
                    rate, meter.pending_baud = meter.pending_baud, None
                    port.later(delay, partial(port.set_baudrate, rate))


def make_device(
    cores: Sequence[MeterCore], options: DeviceOptions, *, version: str = "2007"
) -> Dlt645Bus:
    return Dlt645Bus([Dlt645Meter(core, version=version) for core in cores], options)
