"""DL/T 645-2007 client requests, sans-IO: each request knows its bytes, which reply is its own,
and how to turn that reply into values or a typed error.

The bus (``drivers.bus``) moves the bytes; nothing here touches a transport or a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from drivers.dlt645.codec import Frame, StreamDecoder, encode
from drivers.dlt645.dataids import DataItem, Value, decode_values
from drivers.errors import FrameError, FrameKind, MeterRejectedError


class Function(IntEnum):
    """Low five bits of the control code (DL/T 645-2007 §4.1.3)."""

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


# Error-status byte of an abnormal reply, bit 0 first (DL/T 645-2007 §4.2, table of error info).
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


def decode_error_bits(status: int) -> tuple[str, ...]:
    return tuple(en for bit, (en, _zh) in enumerate(ERROR_BITS) if status & (1 << bit))


DEFAULT_WAKE_UP = 4


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """Read one data identifier from one meter (control 0x11)."""

    address: str
    item: DataItem
    wake_up: int = DEFAULT_WAKE_UP

    def frame(self) -> Frame:
        return Frame(self.address, Function.READ, self.item.di_wire)

    def encode(self) -> bytes:
        return encode(self.frame(), wake_up=self.wake_up)

    def new_decoder(self) -> StreamDecoder:
        return StreamDecoder()

    def describe(self) -> str:
        return f"meter {self.address} item {self.item.di_hex} ({self.item.name_en})"

    def matches(self, frame: Frame) -> bool:
        if not frame.is_response or frame.function != Function.READ:
            return False
        if "A" not in self.address and frame.address != self.address:
            return False
        return frame.is_abnormal or frame.data[:4] == self.item.di_wire

    def interpret(self, frame: Frame) -> tuple[Value, ...]:
        if frame.is_abnormal:
            status = frame.data[0] if frame.data else 0
            bits = decode_error_bits(status)
            raise MeterRejectedError(
                f"meter {frame.address} rejected the read of {self.item.di_hex}: "
                f"{', '.join(bits) or 'no error bit set'} (status {status:02X})",
                bits,
            )
        if frame.has_follow_up:
            raise FrameError(
                FrameKind.UNSUPPORTED,
                f"meter {frame.address} announced follow-up frames for {self.item.di_hex}; "
                "reading follow-up frames (0x12) is not supported by this client",
            )
        return decode_values(self.item, frame.data[4:])
