"""The IEC 62056-21 mode C client over a ``Transport`` (``drivers.api.MeterClient``): it moves the
bytes, keeps wire-time and reply deadlines, retries, and turns data sets into ``Reading`` values."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from drivers.api import ClientOptions, Reading, ReadingValue
from drivers.bus import link_lock
from drivers.errors import FrameError, MeterRejectedError, MeterTimeoutError
from drivers.iec62056.codec import StreamDecoder
from drivers.iec62056.dataset import (
    DataSet,
    Value,
    format_date,
    format_time,
    obis_key,
    to_date,
    to_datetime,
    to_decimal,
    to_int,
    to_time,
)
from drivers.iec62056.messages import (
    MODE_PROGRAMMING,
    MODE_READOUT,
    Ack,
    Command,
    DataMessage,
    Message,
    Nak,
)
from drivers.iec62056.obis import Field, Kind, lookup
from drivers.iec62056.session import INITIAL_BAUD, PROGRAMMING_STATES, Session, received_event
from drivers.link.base import Transport

PROTOCOL = "iec62056-21"
CHAR_BITS = 10  # 7E1: start, 7 data, parity, stop
WAKE_UP_S = 2.2  # IEC 62056-21 §6.3.4: NUL characters for 2.1-2.3 s ...
WAKE_UP_PAUSE_S = 1.6  # ... then 1.5-1.7 s of silence before the sign-on
T = TypeVar("T")


def wire_time(size: int, baudrate: int) -> float:
    return size * CHAR_BITS / baudrate


_TYPED: dict[Kind, Callable[[str], ReadingValue]] = {
    Kind.DECIMAL: to_decimal,
    Kind.INTEGER: to_int,
    Kind.TIME: to_time,
    Kind.DATE: to_date,
    Kind.DATETIME: to_datetime,
    Kind.TEXT: str,
}


def readings(item: str, data_set: DataSet) -> list[Reading]:
    """The readings of one data set: one per field of the OBIS table entry (1.6.0 has two)."""
    entry = lookup(item)
    if entry is None:  # not in the table: pass the first value through, a number if it has a unit
        first = data_set.value
        untyped: ReadingValue = to_decimal(first.text) if first.unit else first.text
        return [Reading(item, item, untyped, first.unit)]
    out = []
    fields: Sequence[Field] = entry.fields
    for field, value in zip(fields, data_set.values, strict=False):
        out.append(
            Reading(
                item,
                field.name,
                _typed(item, field, value),
                value.unit or field.unit,
                field.name_zh,
            )
        )
    return out


def _typed(item: str, field: Field, value: Value) -> ReadingValue:
    try:
        return _TYPED[field.kind](value.text)
    except FrameError as err:
        raise FrameError(err.kind, f"item {item} ({field.name}): {err}") from err


class _Conversation:
    """One sign-on's worth of I/O: the session, the decoder and the reply deadlines."""

    def __init__(self, client: IecClient) -> None:
        self.client = client
        self.session = Session()
        self._decoder = StreamDecoder(from_meter=True)
        self._pending: deque[Message | FrameError] = deque()
        self._sent_until = client.clock()
        self._baud = INITIAL_BAUD

    def send(self, data: bytes) -> None:
        """Write ``data`` and note when its last bit leaves at the current rate."""
        client = self.client
        client.transport.write(data)
        start = max(client.clock(), self._sent_until)
        self._sent_until = start + wire_time(len(data), self._baud)

    def switch_baud(self) -> None:
        """Change rate only once the option select has fully left (IEC 62056-21 §6.3.1)."""
        self.drain()
        self._baud = self.session.baud
        self.client.transport.set_baudrate(self._baud)

    def drain(self) -> None:
        remaining = self._sent_until - self.client.clock()
        if remaining > 0:
            self.client.sleep(remaining)

    def receive(self, expected: str) -> Message:
        """The meter's next message; what only a master sends (a sign-on, R1...) is skipped."""
        client = self.client
        timeout = client.options.timeout_s
        deadline = max(client.clock(), self._sent_until) + timeout
        while True:
            while self._pending:
                item = self._pending.popleft()
                if isinstance(item, FrameError):
                    raise item
                if received_event(item) is not None:
                    self.session.receive(item)
                    return item
            chunk = client.transport.read(4096, deadline)
            if not chunk:
                raise MeterTimeoutError(f"no {expected} within {timeout:g} s")
            # A long readout at 300 Bd may take many seconds: the deadline runs from the last byte.
            deadline = max(deadline, client.clock() + timeout)
            self._pending.extend(self._decoder.feed(chunk))

    def request(self, data: bytes, expected: str) -> Message:
        self.send(data)
        return self.receive(expected)


class IecClient:
    """Reads OBIS items from one mode C meter; ``address`` selects it on a multi-drop bus."""

    protocol: str = PROTOCOL

    def __init__(
        self,
        transport: Transport,
        address: str = "",
        options: ClientOptions | None = None,
        *,
        wake_up_s: float = WAKE_UP_S,
        wake_up_pause_s: float = WAKE_UP_PAUSE_S,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = transport
        self.address = address
        self.options = options or ClientOptions()
        self.wake_up_s = wake_up_s
        self.wake_up_pause_s = wake_up_pause_s
        self.sleep = sleep
        self.clock = clock
        # One conversation at a time on the link, shared with every other client on it.
        self._lock = link_lock(transport)

    @property
    def where(self) -> str:
        return f"{self.transport.url} meter {self.address or '(no address)'}"

    # ------------------------------------------------------------------ public API
    def read(self, items: Sequence[str]) -> list[Reading]:
        """Read ``items`` from the readout; those it lacks by R1 in programming mode."""
        with self._lock:
            return self._read(items)

    def _read(self, items: Sequence[str]) -> list[Reading]:
        if not items:
            return []
        codes = [obis_key(item) for item in items]
        found = {obis_key(s.address): s for s in self.readout().data_sets if s.address}
        missing = list(dict.fromkeys(code for code in codes if code not in found))
        if missing and not self.options.password:
            raise MeterRejectedError(
                f"{self.where}: item {missing[0]} is not in the readout "
                "(set a password to read it in programming mode)"
            )
        if missing:
            found.update(self.read_programming(missing))
        out: list[Reading] = []
        for item, code in zip(items, codes, strict=True):
            try:
                out.extend(readings(item, found[code]))
            except FrameError as err:
                raise FrameError(err.kind, f"{self.where}: {err}") from err
        return out

    def readout(self) -> DataMessage:
        """The data readout (mode C, option select Y = 0)."""
        return self._retrying("readout", self._readout_once)

    def read_programming(self, codes: Sequence[str]) -> dict[str, DataSet]:
        """R1 each of ``codes`` in one programming-mode session."""
        return self._retrying(
            "programming-mode read",
            lambda: self._programming(
                lambda conv: {code: self._read_one(conv, code) for code in codes}
            ),
        )

    def write(self, item: str, value: str) -> None:
        """W1 ``item(value)`` in programming mode."""
        self._retrying(
            "write", lambda: self._programming(lambda conv: self._write_one(conv, item, value))
        )

    def set_clock(self, at: datetime) -> None:
        """Set the meter's date and time (W1 0.9.2 then 0.9.1) in one programming session."""

        def both(conv: _Conversation) -> None:
            self._write_one(conv, "0.9.2", format_date(at))
            self._write_one(conv, "0.9.1", format_time(at))

        self._retrying("clock write", lambda: self._programming(both))

    # ------------------------------------------------------------------ the conversations
    def _retrying(self, what: str, attempt: Callable[[], T]) -> T:
        with self._lock:
            return self._attempts(what, attempt)

    def _attempts(self, what: str, attempt: Callable[[], T]) -> T:
        attempts = self.options.retries + 1
        last: FrameError | MeterTimeoutError | None = None
        for _ in range(attempts):
            try:
                return attempt()
            except (FrameError, MeterTimeoutError) as err:
                last = err
        if isinstance(last, FrameError):
            raise FrameError(
                last.kind,
                f"{self.where}: {what}: corrupt reply after {attempts} attempt(s): {last}",
            ) from last
        raise MeterTimeoutError(f"{self.where}: {what}: {last} ({attempts} attempt(s))") from last

    def _sign_on(self, mode: str) -> _Conversation:
        self.transport.set_baudrate(INITIAL_BAUD)
        self._discard_stale_input()
        if self.options.wake_up:
            self._wake_up()
        conv = _Conversation(self)
        conv.request(conv.session.sign_on(self.address), "identification")
        conv.send(conv.session.acknowledge(mode, switch_baud=self.options.switch_baud))
        conv.switch_baud()
        return conv

    def _readout_once(self) -> DataMessage:
        conv = self._sign_on(MODE_READOUT)
        conv.receive("readout")
        readout = conv.session.readout
        assert readout is not None  # the session only leaves READOUT_REQUESTED with one
        return readout

    def _programming(self, work: Callable[[_Conversation], T]) -> T:
        conv = self._sign_on(MODE_PROGRAMMING)
        try:
            conv.receive("password operand (P0)")
            if self.options.password:
                reply = conv.request(conv.session.password(self.options.password), "ACK to P1")
                if not isinstance(reply, Ack):
                    raise MeterRejectedError(
                        f"{self.where}: password refused ({_describe(reply)})", ("password",)
                    )
            return work(conv)
        finally:
            if conv.session.state in PROGRAMMING_STATES:
                conv.send(conv.session.close())
                conv.drain()

    def _command(self, conv: _Conversation, data: Callable[[], bytes], what: str) -> Message:
        """Send a command; a NAK (the meter could not read it) is answered by sending it again."""
        for _ in range(self.options.retries + 1):
            reply = conv.request(data(), f"reply to {what}")
            if not isinstance(reply, Nak):
                return reply
        raise MeterRejectedError(f"{self.where}: {what}: the meter kept answering NAK", ("NAK",))

    def _read_one(self, conv: _Conversation, code: str) -> DataSet:
        reply = self._command(conv, lambda: conv.session.read(code), f"R1 {code}")
        if isinstance(reply, DataMessage) and reply.error is None:
            sets = reply.data_sets
            for data_set in sets:
                if obis_key(data_set.address) == code:
                    return data_set
            if len(sets) == 1 and not sets[0].address:  # some meters omit the address
                return sets[0]
        raise MeterRejectedError(
            f"{self.where}: item {code}: the meter answered {_describe(reply)}",
            (_describe(reply),),
        )

    def _write_one(self, conv: _Conversation, item: str, value: str) -> None:
        reply = self._command(conv, lambda: conv.session.write(item, value), f"W1 {item}")
        if not isinstance(reply, Ack):
            raise MeterRejectedError(
                f"{self.where}: write of {item}({value}) refused: {_describe(reply)}",
                (_describe(reply),),
            )

    def _wake_up(self) -> None:
        count = max(1, round(self.wake_up_s * INITIAL_BAUD / CHAR_BITS))
        self.transport.write(b"\x00" * count)
        self.sleep(wire_time(count, INITIAL_BAUD) + self.wake_up_pause_s)

    def _discard_stale_input(self) -> None:
        """Drop late bytes of an earlier, abandoned conversation."""
        while self.transport.read(4096, self.clock()):
            pass


def _describe(message: Message) -> str:
    if isinstance(message, DataMessage):
        return f"error {message.error}" if message.error else "an unexpected data message"
    if isinstance(message, Command):
        return f"command {message.command}"
    return type(message).__name__.upper()
