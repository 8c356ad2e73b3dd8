"""An emulated IEC 62056-21 mode C meter, or several on one RS-485 bus, over ``MeterCore`` objects:
sign-on, baud switch, readout and programming mode, honouring the core's conditions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cached_property

from drivers.emulator.core import Instant, MeterCore, Registers
from drivers.emulator.device import DeviceOptions, DevicePort
from drivers.errors import FrameError
from drivers.iec62056.codec import StreamDecoder, encode
from drivers.iec62056.dataset import (
    DataSet,
    Value,
    format_date,
    format_datetime,
    format_time,
    to_date,
    to_time,
)
from drivers.iec62056.messages import (
    BAUD_CHARS,
    MODE_PROGRAMMING,
    MODE_READOUT,
    Ack,
    Command,
    DataMessage,
    Identification,
    Message,
    Nak,
    OptionSelect,
    SignOn,
)
from drivers.iec62056.obis import BY_CODE, ITEMS, Field, Kind, ObisItem
from drivers.iec62056.session import INITIAL_BAUD

DEFAULT_PASSWORD = "00000000"
# Error messages (manufacturer-specific in IEC 62056-21; these are this emulator's).
ERR_UNKNOWN_ITEM = "ER01"
ERR_NOT_AUTHORISED = "ER02"
ERR_BAD_VALUE = "ER03"
ERR_READ_ONLY = "ER04"
Raw = Decimal | int | str


class _State(StrEnum):
    IDLE = "idle"
    IDENTIFIED = "identified"  # identification sent, awaiting the ACK
    PROGRAMMING = "programming"  # P0 sent, no password yet
    AUTHORISED = "authorised"  # password accepted


def proposed_baud_char(max_baudrate: int) -> str:
    """The fastest mode C rate the meter may propose, never below 300 Bd."""
    return BAUD_CHARS[max((r for r in BAUD_CHARS if r <= max_baudrate), default=INITIAL_BAUD)]


def identification_for(core: MeterCore, baud_char: str) -> Identification:
    model = "DTZY" if core.phases == 3 else "DDZY"  # three-phase / single-phase smart meter
    return Identification(core.manufacturer[:3], baud_char, f"SMC{model}")


class _Snapshot:
    """One instant of one meter; each quantity is computed at most once per reply."""

    def __init__(self, core: MeterCore) -> None:
        self.core = core
        self.at = core.clock()

    @cached_property
    def registers(self) -> Registers:
        return self.core.registers(self.at)

    @cached_property
    def instant(self) -> Instant:
        return self.core.instant(self.at)

    @cached_property
    def meter_now(self) -> datetime:
        return self.core.meter_time(self.at)

    def kwh(self, wh: int) -> Decimal:
        """Secondary-side register as displayed: 0.01 kWh, truncated (``displayed_wh``)."""
        return Decimal(wh // self.core.ct_ratio // 10).scaleb(-2)

    def secondary(self, value: float, scale: float = 1.0) -> Decimal:
        return Decimal(value / self.core.ct_ratio / scale)

    def demand(self) -> tuple[Raw, ...]:
        watts, when = self.core.max_demand(self.at)
        return self.secondary(watts, 1000), format_datetime(when)


def _energy(pick: Callable[[Registers], int]) -> Callable[[_Snapshot], tuple[Raw, ...]]:
    return lambda s: (s.kwh(pick(s.registers)),)


def _forward(tariff: int) -> Callable[[_Snapshot], tuple[Raw, ...]]:
    return _energy(lambda r: r.forward[tariff])


def _phase(
    pick: Callable[[Instant], tuple[float, ...]], index: int, *, secondary: bool
) -> Callable[[_Snapshot], tuple[Raw, ...]]:
    def value(s: _Snapshot) -> tuple[Raw, ...]:
        raw = pick(s.instant)[index]
        return (s.secondary(raw) if secondary else Decimal(raw),)

    return value


_SOURCES: dict[str, Callable[[_Snapshot], tuple[Raw, ...]]] = {
    "0.0.0": lambda s: (s.core.address,),
    "C.1.0": lambda s: (s.core.serial_number,),
    "0.9.1": lambda s: (format_time(s.meter_now),),
    "0.9.2": lambda s: (format_date(s.meter_now),),
    **{f"1.8.{i}": _forward(i) for i in range(5)},  # total, tariffs 1-4
    "2.8.0": _energy(lambda r: r.reverse[0]),
    "3.8.0": _energy(lambda r: r.reactive[0] + r.reactive[1]),  # quadrants I + II
    "4.8.0": _energy(lambda r: r.reactive[2] + r.reactive[3]),  # quadrants III + IV
    "1.6.0": _Snapshot.demand,
    **{
        code: _phase(lambda i: i.voltage_v, n, secondary=False)
        for n, code in enumerate(("32.7.0", "52.7.0", "72.7.0"))
    },
    **{
        code: _phase(lambda i: i.current_a, n, secondary=True)
        for n, code in enumerate(("31.7.0", "51.7.0", "71.7.0"))
    },
    "1.7.0": lambda s: (s.secondary(s.instant.active_w[0], 1000),),
    "13.7.0": lambda s: (Decimal(s.instant.power_factor[0]),),
    "14.7.0": lambda s: (Decimal(s.instant.frequency_hz),),
    "C.7.0": lambda s: (len(s.core.power_down_records(s.at)),),
    "F.F": lambda s: ("00000000",),
}


def _printed(field: Field, raw: Raw) -> Value:
    if field.kind is Kind.DECIMAL:
        step = Decimal(1).scaleb(-field.decimals)
        number = Decimal(raw).quantize(step, ROUND_HALF_UP)
        whole, _, fraction = f"{abs(number):f}".partition(".")
        sign = "-" if number < 0 else ""
        text = sign + whole.zfill(field.digits) + (f".{fraction}" if fraction else "")
        return Value(text, field.unit)
    if field.kind is Kind.INTEGER:
        return Value(str(raw).zfill(field.digits))
    return Value(str(raw))


def item_values(
    core: MeterCore, item: ObisItem, snapshot: _Snapshot | None = None
) -> DataSet | None:
    """The data set ``core`` shows for ``item``, or ``None`` if this meter has no such item."""
    source = _SOURCES.get(item.code)
    if source is None or (item.three_phase_only and core.phases != 3):
        return None
    raws = source(snapshot or _Snapshot(core))
    return DataSet(item.code, tuple(_printed(f, r) for f, r in zip(item.fields, raws, strict=True)))


def _operand(core: MeterCore) -> DataSet:
    """P0's operand; a meter that ciphers its password would mix it into P1 (not emulated)."""
    return DataSet("", (Value(core.serial_number[-16:]),))


def _error(text: str) -> bytes:
    return encode(DataMessage(((DataSet("", (Value(text),)),),), readout=False))


def _collide(replies: Sequence[bytes]) -> bytes:
    """Meters answering at once on one bus: the wire carries the AND of their bits."""
    out = bytearray(b"\xff" * max(len(r) for r in replies))
    for reply in replies:
        for i, byte in enumerate(reply):
            out[i] &= byte
    return bytes(out)


class EmulatedIecMeter:
    """One or more mode C meters sharing a link; the sign-on address picks who answers."""

    def __init__(
        self,
        cores: Sequence[MeterCore],
        options: DeviceOptions | None = None,
        *,
        password: str = DEFAULT_PASSWORD,
        readout_items: Sequence[str] | None = None,
    ) -> None:
        if not cores:
            raise ValueError("an emulated IEC 62056-21 bus needs at least one meter")
        self.cores = list(cores)
        self.options = options or DeviceOptions()
        self.password = password  # "" = no access protection
        self.readout_items = tuple(readout_items or (item.code for item in ITEMS))
        self._baud_char = proposed_baud_char(self.options.max_baudrate)
        self._decoder = StreamDecoder(from_meter=False)
        self._state = _State.IDLE
        self._selected: list[MeterCore] = []
        self._baud = INITIAL_BAUD

    def receive(self, data: bytes, port: DevicePort) -> None:
        for message in self._decoder.feed(data):
            self._handle(message, port)

    # ------------------------------------------------------------------ dispatch
    def _handle(self, message: Message | FrameError, port: DevicePort) -> None:
        if isinstance(message, SignOn):
            self._sign_on(message, port)
        elif isinstance(message, FrameError):
            if self._state in (_State.PROGRAMMING, _State.AUTHORISED):
                self._reply(port, lambda core: encode(Nak()))  # "say that again"
        elif isinstance(message, OptionSelect) and self._state is _State.IDENTIFIED:
            self._option_select(message, port)
        elif isinstance(message, Command) and self._state in (
            _State.PROGRAMMING,
            _State.AUTHORISED,
        ):
            self._command(message, port)
        # Anything else is ignored, as a meter ignores what it does not expect.

    def _switch(self, baud: int, port: DevicePort) -> None:
        if baud != self._baud:
            port.set_baudrate(baud)
            self._baud = baud

    def _addressed(self, core: MeterCore, address: str) -> bool:
        if not address:  # point to point: every meter on the wire takes it for itself
            return True
        wanted = address.lstrip("0")
        return wanted in (core.address.lstrip("0"), core.serial_number.lstrip("0"))

    def _sign_on(self, message: SignOn, port: DevicePort) -> None:
        self._switch(INITIAL_BAUD, port)  # a new sign-on always starts at 300 Bd
        self._selected = [
            core for core in self.cores if core.answers and self._addressed(core, message.address)
        ]
        self._state = _State.IDENTIFIED if self._selected else _State.IDLE
        self._reply(port, lambda core: encode(identification_for(core, self._baud_char)))

    def _option_select(self, message: OptionSelect, port: DevicePort) -> None:
        self._state = _State.IDLE
        if message.baud > self.options.max_baudrate:
            return
        self._switch(message.baud, port)
        if message.mode == MODE_READOUT:
            self._reply(port, lambda core: encode(self.readout(core)))
        elif message.mode == MODE_PROGRAMMING:
            self._state = _State.PROGRAMMING
            self._reply(port, lambda core: encode(Command("P0", _operand(core))))

    def _command(self, message: Command, port: DevicePort) -> None:
        if message.command == "B0":
            self._state = _State.IDLE
            self._switch(INITIAL_BAUD, port)
        elif message.command == "P1":
            given = message.data.value.text if message.data else ""
            if given == self.password:
                self._state = _State.AUTHORISED
                self._reply(port, lambda core: encode(Ack()))
            else:
                self._reply(port, lambda core: encode(Nak()))
        elif self.password and self._state is not _State.AUTHORISED:
            self._reply(port, lambda core: _error(ERR_NOT_AUTHORISED))
        elif message.command == "R1" and message.data is not None:
            address = message.data.address
            self._reply(port, lambda core: self._read(core, address))
        elif message.command == "W1" and message.data is not None:
            data = message.data
            self._reply(port, lambda core: self._write(core, data))
        else:
            self._reply(port, lambda core: _error(ERR_UNKNOWN_ITEM))

    def _reply(self, port: DevicePort, build: Callable[[MeterCore], bytes]) -> None:
        replies: list[bytes] = []
        delay = self.options.reply_delay_s
        for core in self._selected:
            if not core.answers:
                continue
            replies.append(core.garble(build(core)))
            delay = max(delay, self.options.reply_delay_s + core.extra_delay_s)
        if replies:
            port.send(_collide(replies), delay)

    # ------------------------------------------------------------------ content
    def readout(self, core: MeterCore) -> DataMessage:
        snapshot = _Snapshot(core)
        lines = []
        for code in self.readout_items:
            item = BY_CODE.get(code)
            data_set = None if item is None else item_values(core, item, snapshot)
            if data_set is not None:
                lines.append((data_set,))
        return DataMessage(tuple(lines), readout=True)

    def _read(self, core: MeterCore, address: str) -> bytes:
        item = BY_CODE.get(address)
        data_set = None if item is None else item_values(core, item)
        if data_set is None:
            return _error(ERR_UNKNOWN_ITEM)
        return encode(DataMessage(((data_set,),), readout=False))

    def _write(self, core: MeterCore, data: DataSet) -> bytes:
        if data.address not in ("0.9.1", "0.9.2"):
            return _error(ERR_READ_ONLY if data.address in BY_CODE else ERR_UNKNOWN_ITEM)
        now = core.meter_time()
        try:
            if data.address == "0.9.1":
                new = datetime.combine(now.date(), to_time(data.value.text))
            else:
                new = datetime.combine(to_date(data.value.text), now.time())
        except FrameError:
            return _error(ERR_BAD_VALUE)
        core.sync_clock(new)
        return encode(Ack())


def make_device(cores: Sequence[MeterCore], options: DeviceOptions) -> EmulatedIecMeter:
    return EmulatedIecMeter(cores, options)
