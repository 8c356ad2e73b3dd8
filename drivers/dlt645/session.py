"""DL/T 645 client requests, sans-IO: each knows its bytes, which reply is its own, and how to
turn that reply into values or a typed error. Every 2007 control function, and the 1997 ones.

The bus (``drivers.bus``) moves the bytes; nothing here touches a transport or a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from drivers.dlt645.codec import (
    BROADCAST_ADDRESS,
    WILDCARD_ADDRESS,
    Frame,
    StreamDecoder,
    address_from_wire,
    address_to_wire,
    encode,
)
from drivers.dlt645.values import DataItem, Value, decode_values, encode_values
from drivers.errors import FrameError, FrameKind, MeterRejectedError


class Function(IntEnum):
    """Low five bits of the control code, DL/T 645-2007 §4.1.3."""

    BROADCAST_TIME = 0x08
    READ = 0x11
    READ_FOLLOW_UP = 0x12
    READ_ADDRESS = 0x13
    WRITE = 0x14
    WRITE_ADDRESS = 0x15
    FREEZE = 0x16
    CHANGE_BAUD = 0x17
    CHANGE_PASSWORD = 0x18
    CLEAR_DEMAND = 0x19
    CLEAR_METER = 0x1A
    CLEAR_EVENTS = 0x1B


class Function97(IntEnum):
    """Control functions of DL/T 645-1997."""

    READ = 0x01
    READ_FOLLOW_UP = 0x02
    REREAD = 0x03
    WRITE = 0x04
    BROADCAST_TIME = 0x08
    WRITE_ADDRESS = 0x0A
    CHANGE_BAUD = 0x0C
    CHANGE_PASSWORD = 0x0F
    CLEAR_DEMAND = 0x10


# Error-status byte of an abnormal reply, bit 0 first.
ERROR_BITS: tuple[tuple[str, str], ...] = (
    ("other error", "其他错误"),
    ("no requested data", "无请求数据"),
    ("password error or unauthorised", "密码错/未授权"),
    ("baud rate cannot be changed", "通信速率不能更改"),
    ("too many year time zones", "年时区数超"),
    ("too many daily periods", "日时段数超"),
    ("too many tariffs", "费率数超"),
    ("reserved", "保留"),
)
ERROR_BITS_97: tuple[tuple[str, str], ...] = (
    ("illegal data", "非法数据"),
    ("data identifier error", "数据标识错"),
    ("password error", "密码错"),
    ("reserved", "保留"),
    ("too many year time zones", "年时区数超"),
    ("too many daily periods", "日时段数超"),
    ("too many tariffs", "费率数超"),
    ("reserved", "保留"),
)

ERR_OTHER, ERR_NO_DATA, ERR_PASSWORD, ERR_BAUD = 0x01, 0x02, 0x04, 0x08
ERR97_ILLEGAL, ERR97_DI, ERR97_PASSWORD = 0x01, 0x02, 0x04


def decode_error_bits(status: int, *, version: str = "2007") -> tuple[str, ...]:
    table = ERROR_BITS if version == "2007" else ERROR_BITS_97
    return tuple(en for bit, (en, _zh) in enumerate(table) if status & (1 << bit))


# Communication rate word of control code 0x17 (DL/T 645-2007 table of 通信速率特征字):
# exactly one of D1..D6 set; D0 and D7 are reserved.
BAUD_WORD: Mapping[int, int] = {
    600: 0x02,
    1200: 0x04,
    2400: 0x08,
    4800: 0x10,
    9600: 0x20,
    19200: 0x40,
}


def baud_from_word(word: int) -> int:
    for rate, bit in BAUD_WORD.items():
        if word == bit:
            return rate
    allowed = ", ".join(f"{bit:02X}" for bit in BAUD_WORD.values())
    raise FrameError(FrameKind.VALUE_FORMAT, f"baud rate word {word:02X} is not one of {allowed}")


def _bcd(value: int) -> int:
    return (value // 10) << 4 | value % 10


def _from_bcd(byte: int) -> int:
    if byte >> 4 > 9 or byte & 0x0F > 9:
        raise FrameError(FrameKind.VALUE_FORMAT, f"byte {byte:02X} is not BCD")
    return (byte >> 4) * 10 + (byte & 0x0F)


def time_to_wire(when: datetime) -> bytes:
    """Broadcast time sync data: ss mm hh DD MM YY, seconds first, year last."""
    return bytes(
        _bcd(v)
        for v in (when.second, when.minute, when.hour, when.day, when.month, when.year % 100)
    )


def time_from_wire(data: bytes) -> datetime:
    if len(data) != 6:
        raise FrameError(FrameKind.LENGTH, f"broadcast time: expected 6 bytes, got {len(data)}")
    ss, mm, hh, dd, mo, yy = (_from_bcd(b) for b in data)
    try:
        return datetime(2000 + yy, mo, dd, hh, mm, ss)
    except ValueError as err:
        raise FrameError(
            FrameKind.VALUE_FORMAT, f"broadcast time: {data.hex(' ')} ({err})"
        ) from None


@dataclass(frozen=True, slots=True)
class Password:
    """A password level (PA) and its six digits, e.g. ``Password(2, "123456")``."""

    level: int
    code: str

    def __post_init__(self) -> None:
        if not 0 <= self.level <= 9 or len(self.code) != 6 or not self.code.isdigit():
            raise ValueError(
                f"password must be a level 0-9 and six digits, got {self.level}, {self.code!r}"
            )

    def wire(self) -> bytes:
        return bytes((self.level,)) + bytes.fromhex(self.code)[::-1]

    @classmethod
    def from_wire(cls, data: bytes) -> Password:
        if len(data) != 4:
            raise FrameError(FrameKind.LENGTH, f"password: expected 4 bytes, got {len(data)}")
        code = data[1:][::-1].hex()
        if not code.isdigit():
            raise FrameError(FrameKind.VALUE_FORMAT, f"password digits {code!r} are not BCD")
        if data[0] > 9:
            raise FrameError(FrameKind.VALUE_FORMAT, f"password level {data[0]:02X} is not 0-9")
        return cls(data[0], code)

    @classmethod
    def parse(cls, text: str) -> Password:
        """``"02:123456"`` or ``"02123456"``."""
        digits = text.replace(":", "")
        if len(digits) != 8 or not digits.isdigit():
            raise ValueError(f"password {text!r} is not LL:DDDDDD (level and six digits)")
        return cls(int(digits[:2]), digits[2:])


def operator_wire(operator: str) -> bytes:
    text = operator or "00000000"
    if len(text) != 8:
        raise ValueError(f"operator code must be 8 hex digits, got {operator!r}")
    return bytes.fromhex(text)[::-1]


DEFAULT_WAKE_UP = 4
_DI_FIRST = frozenset(
    (
        *(Function.READ, Function.READ_FOLLOW_UP, Function.WRITE),
        *(Function97.READ, Function97.READ_FOLLOW_UP, Function97.WRITE),
    )
)


@dataclass(frozen=True, slots=True)
class Request:
    """What every request shares: the meter it is for, its function and data, and the reply."""

    address: str
    function: int
    data: bytes = b""
    version: str = "2007"
    wake_up: int = DEFAULT_WAKE_UP

    def frame(self) -> Frame:
        return Frame(self.address, self.function, self.data)

    def encode(self) -> bytes:
        return encode(self.frame(), wake_up=self.wake_up)

    def new_decoder(self) -> StreamDecoder:
        return StreamDecoder()

    def describe(self) -> str:
        name = _function_name(self.function, self.version)
        return f"meter {self.address} {name}"

    def _of_di(self) -> str:
        """`` of 0F0F0F0F`` for reads and writes, whose data opens with the DI."""
        if self.function not in _DI_FIRST:
            return ""
        size = 4 if self.version == "2007" else 2
        return f" of {self.data[:size][::-1].hex().upper()}" if len(self.data) >= size else ""

    def matches(self, frame: Frame) -> bool:
        if not frame.is_response or frame.function != self.function:
            return False
        return "A" in self.address or frame.address == self.address

    def check(self, frame: Frame) -> Frame:
        """Raise ``MeterRejectedError`` for an abnormal reply; the frame otherwise."""
        if frame.is_abnormal:
            status = frame.data[0] if frame.data else 0
            bits = decode_error_bits(status, version=self.version)
            raise MeterRejectedError(
                f"meter {frame.address} rejected {_function_name(self.function, self.version)}"
                f"{self._of_di()}: {', '.join(bits) or 'no error bit set'} (status {status:02X})",
                bits,
            )
        return frame


def _function_name(function: int, version: str) -> str:
    enum: type[IntEnum] = Function if version == "2007" else Function97
    try:
        return enum(function).name.lower().replace("_", " ")
    except ValueError:
        return f"function {function:02X}"


def read_request(address: str, item: DataItem, extra: bytes = b"") -> Request:
    """Read one data identifier (2007: 0x11; 1997: 0x01); ``extra`` follows the DI."""
    version = "2007" if item.di_size == 4 else "1997"
    function = Function.READ if version == "2007" else Function97.READ
    return Request(address, function, item.di_wire + extra, version)


def follow_up_request(address: str, item: DataItem, seq: int) -> Request:
    """Ask for follow-up frame ``seq`` of a read whose reply announced more (2007: 0x12)."""
    return Request(address, Function.READ_FOLLOW_UP, item.di_wire + bytes((seq & 0xFF,)))


def read_payload(request: Request, item: DataItem, frame: Frame) -> bytes:
    """The data after the DI of a (follow-up) read reply, its own reply checked."""
    request.check(frame)
    if frame.data[: item.di_size] != item.di_wire:
        raise FrameError(
            FrameKind.HEADER,
            f"reply carries DI {frame.data[: item.di_size][::-1].hex().upper()}, "
            f"expected {item.di_hex}",
        )
    body = frame.data[item.di_size :]
    if request.function == Function.READ_FOLLOW_UP:
        body = body[:-1]  # the SEQ byte closes a follow-up frame's data
    return body


def interpret_read(request: Request, item: DataItem, frame: Frame) -> tuple[Value, ...]:
    if frame.has_follow_up:
        raise FrameError(
            FrameKind.UNSUPPORTED,
            f"meter {frame.address} announced follow-up frames for {item.di_hex}; read it with the "
            "client, which fetches them",
        )
    return decode_values(item, read_payload(request, item, frame))


def read_address_request() -> Request:
    return Request(WILDCARD_ADDRESS, Function.READ_ADDRESS)


def read_address_reply(frame: Frame) -> str:
    return address_from_wire(frame.data[:6]) if len(frame.data) >= 6 else frame.address


def write_request(
    address: str,
    item: DataItem,
    values: Mapping[str, object],
    password: Password,
    operator: str = "",
) -> Request:
    if not item.writable:
        raise ValueError(f"{item.di_hex} ({item.name_en}) is not writable")
    if item.di_size == 4:
        data = item.di_wire + password.wire() + operator_wire(operator)
        return Request(address, Function.WRITE, data + encode_values(item, values))
    data = item.di_wire + password.wire()
    return Request(address, Function97.WRITE, data + encode_values(item, values), "1997")


def write_address_request(new_address: str) -> Request:
    return Request(WILDCARD_ADDRESS, Function.WRITE_ADDRESS, address_to_wire(new_address))


def freeze_request(address: str, pattern: str = "99999999") -> Request:
    """Freeze at ``pattern`` = mmhhDDMM (99 = every); all 99: freeze now (瞬时冻结)."""
    if len(pattern) != 8 or not pattern.isdigit():
        raise ValueError(f"freeze pattern must be 8 digits mmhhDDMM, got {pattern!r}")
    return Request(address, Function.FREEZE, bytes.fromhex(pattern))


def change_baud_request(address: str, baudrate: int) -> Request:
    if baudrate not in BAUD_WORD:
        raise ValueError(f"DL/T 645-2007 rates are {sorted(BAUD_WORD)}, not {baudrate}")
    return Request(address, Function.CHANGE_BAUD, bytes((BAUD_WORD[baudrate],)))


def change_password_request(address: str, old: Password, new: Password) -> Request:
    di = (0x04000C00 | new.level).to_bytes(4, "little")
    return Request(address, Function.CHANGE_PASSWORD, di + old.wire() + new.wire())


def clear_request(
    address: str,
    function: Function,
    password: Password,
    operator: str = "",
    event_di: int = 0xFFFFFFFF,
) -> Request:
    """Maximum-demand (0x19), meter (0x1A) or event (0x1B, all events by default) clear."""
    if function not in (Function.CLEAR_DEMAND, Function.CLEAR_METER, Function.CLEAR_EVENTS):
        raise ValueError(f"{function!r} is not a clear")
    data = password.wire() + operator_wire(operator)
    if function == Function.CLEAR_EVENTS:
        data += event_di.to_bytes(4, "little")
    return Request(address, function, data)


def broadcast_time_frame(when: datetime) -> Frame:
    """Broadcast time sync (0x08; the same in 1997): no meter answers it."""
    return Frame(BROADCAST_ADDRESS, Function.BROADCAST_TIME, time_to_wire(when))


@dataclass(frozen=True, slots=True)
class ItemExchange:
    """A request as the bus sees it; a read's reply must also carry the read's DI."""

    request: Request
    item: DataItem | None = None

    def encode(self) -> bytes:
        return self.request.encode()

    def new_decoder(self) -> StreamDecoder:
        return StreamDecoder()

    def describe(self) -> str:
        what = f" of {self.item.di_hex} ({self.item.name_en})" if self.item else ""
        return self.request.describe() + what

    def matches(self, frame: Frame) -> bool:
        if not self.request.matches(frame):
            return False
        if self.item is None or frame.is_abnormal:
            return True
        return frame.data[: self.item.di_size] == self.item.di_wire


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """Read one data identifier; a reply only matches if it carries the same DI (or is abnormal)."""

    address: str
    item: DataItem
    wake_up: int = DEFAULT_WAKE_UP
    extra: bytes = b""
    # Built once: the bus encodes the request and matches every reply frame against it.
    exchange: ItemExchange = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        base = read_request(self.address, self.item, self.extra)
        request = Request(base.address, base.function, base.data, base.version, self.wake_up)
        object.__setattr__(self, "exchange", ItemExchange(request, self.item))

    @property
    def request(self) -> Request:
        return self.exchange.request

    def frame(self) -> Frame:
        return self.request.frame()

    def encode(self) -> bytes:
        return self.request.encode()

    def new_decoder(self) -> StreamDecoder:
        return StreamDecoder()

    def describe(self) -> str:
        return f"meter {self.address} item {self.item.di_hex} ({self.item.name_en})"

    def matches(self, frame: Frame) -> bool:
        return self.exchange.matches(frame)

    def interpret(self, frame: Frame) -> tuple[Value, ...]:
        return interpret_read(self.request, self.item, frame)  # an abnormal reply raises
