"""DL/T 645-2007 frame codec: bytes <-> ``Frame`` with no I/O, clock or logging.

``parse`` finds one frame in a buffer and says how many bytes it consumed; ``StreamDecoder``
feeds a byte stream through it; ``decode`` is the strict one-frame form used by ``smc decode``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from drivers import framing
from drivers.errors import FrameError, FrameKind

START = 0x68
END = 0x16
WAKE_UP = 0xFE
HEADER_LEN = 10  # 68 A0..A5 68 C L
OVERHEAD = 12  # header + CS + 16
MAX_DATA_LEN = 200  # DL/T 645-2007 §4.1: L <= 200 for reads (writes are limited to 50)
BROADCAST_ADDRESS = "999999999999"
WILDCARD_ADDRESS = "AAAAAAAAAAAA"

# Control code bits (DL/T 645-2007 §4.1.3).
DIR_RESPONSE = 0x80
ABNORMAL = 0x40
FOLLOW_UP = 0x20
FUNCTION_MASK = 0x1F

# Every data byte is sent +0x33 and received -0x33; translate() does it in C.
_ADD33 = bytes((i + 0x33) & 0xFF for i in range(256))
_SUB33 = bytes((i - 0x33) & 0xFF for i in range(256))
_START_BYTE = bytes((START,))
_WAKE_UP_BYTE = bytes((WAKE_UP,))
_ADDRESS_NIBBLES = frozenset("0123456789A")


class Frame(NamedTuple):
    """One DL/T 645 frame: ``address`` as on the nameplate, ``data`` without the 0x33 offset.

    A named tuple rather than a frozen dataclass: a bus builds two per request and a named
    tuple costs a third of the time to create."""

    address: str
    control: int
    data: bytes = b""

    @property
    def is_response(self) -> bool:
        return bool(self.control & DIR_RESPONSE)

    @property
    def is_abnormal(self) -> bool:
        return bool(self.control & ABNORMAL)

    @property
    def has_follow_up(self) -> bool:
        return bool(self.control & FOLLOW_UP)

    @property
    def function(self) -> int:
        return self.control & FUNCTION_MASK


# A bus polls the same few hundred meters over and over: the address conversions are cached.
@lru_cache(maxsize=4096)
def address_to_wire(address: str) -> bytes:
    """Nameplate address (12 digits, ``A`` = wildcard digit) to the 6 wire bytes, low byte first."""
    text = address.upper()
    if len(text) != 12 or not set(text) <= _ADDRESS_NIBBLES:
        raise ValueError(f"meter address must be 12 digits 0-9 (A for wildcard), got {address!r}")
    return bytes.fromhex(text)[::-1]


@lru_cache(maxsize=4096)
def address_from_wire(raw: bytes) -> str:
    text = raw[::-1].hex().upper()
    if not set(text) <= _ADDRESS_NIBBLES:
        raise FrameError(
            FrameKind.HEADER,
            f"address {raw.hex(' ').upper()} is not BCD (digits 0-9 or wildcard A)",
        )
    return text


def encode(frame: Frame, *, wake_up: int = 0) -> bytes:
    """Encode ``frame``; ``wake_up`` FE bytes (0-4) are put in front as the standard allows."""
    if len(frame.data) > MAX_DATA_LEN:
        raise ValueError(f"data field is {len(frame.data)} bytes, DL/T 645 allows {MAX_DATA_LEN}")
    if not 0 <= frame.control <= 0xFF:
        raise ValueError(f"control code {frame.control} is not a byte")
    body = b"".join(
        (
            _START_BYTE,
            address_to_wire(frame.address),
            bytes((START, frame.control, len(frame.data))),
            frame.data.translate(_ADD33),
        )
    )
    return _WAKE_UP_BYTE * wake_up + body + bytes((sum(body) & 0xFF, END))


def _data_length(buf: bytes | bytearray, i: int) -> int:
    length = buf[i + 9]
    if length > MAX_DATA_LEN:
        raise FrameError(
            FrameKind.LENGTH, f"data length {length} exceeds the maximum {MAX_DATA_LEN}"
        )
    return length


def _frame_from(checked: bytes) -> Frame:
    """The frame from its first 68 up to CS, checksum verified."""
    return Frame(
        address_from_wire(checked[1:7]), checked[8], checked[HEADER_LEN:].translate(_SUB33)
    )


parse = framing.frame_scanner(
    header_len=HEADER_LEN,
    second_start=7,  # 68 A0..A5 68
    body_length=_data_length,
    checksum_from=0,  # CS covers the whole frame from the first 68
    build=_frame_from,
)
"""Look for the first frame in ``buf``: ``(Frame | FrameError | None, consumed)``, never raises
(``drivers.framing.frame_scanner`` says what ``consumed`` means for each)."""


def decode(raw: bytes) -> Frame:
    """Decode one frame (leading wake-up bytes and garbage allowed) or raise ``FrameError``."""
    result, start = parse(raw)
    if isinstance(result, Frame):
        return result
    if isinstance(result, FrameError):
        raise result
    if start >= len(raw):
        if START not in raw:
            raise FrameError(FrameKind.HEADER, "no start byte 68 found")
        raise FrameError(FrameKind.HEADER, "no second start byte 68 after the 6-byte address")
    have = len(raw) - start
    need = f"at least {OVERHEAD}" if have < HEADER_LEN else str(OVERHEAD + raw[start + 9])
    raise FrameError(FrameKind.TRUNCATED, f"frame truncated: expected {need} bytes, got {have}")


class StreamDecoder(framing.StreamDecoder[Frame]):
    """DL/T 645 frames out of a byte stream, whole or in pieces."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(parse)
