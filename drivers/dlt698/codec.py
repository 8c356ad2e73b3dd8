"""DL/T 698.45 link-layer frame codec: bytes <-> ``Frame`` with no I/O, clock or logging.

``parse`` finds one frame in a buffer and says how many bytes it consumed; ``StreamDecoder``
feeds a byte stream through it; ``decode`` is the strict one-frame form used by ``smc decode``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from drivers import framing
from drivers.dlt698.crc import crc16, crc_bytes
from drivers.errors import FrameError, FrameKind

START = 0x68
END = 0x16
WAKE_UP = 0xFE

# Length field L: 2 bytes, little-endian; bits 0-13 count the bytes from L through FCS.
LENGTH_MASK = 0x3FFF
LENGTH_UNIT_KB = 0x4000  # bit 14: the length counts kilobytes (not supported here)
LENGTH_RESERVED = 0x8000

# Control field C.
DIR_FROM_SERVER = 0x80  # DIR: 0 = sent by the client (master), 1 = sent by the server (meter)
PRM_CLIENT_STARTED = 0x40  # PRM: 1 = the exchange was started by the client
FRAGMENT = 0x20  # the APDU is one fragment of a longer one
SCRAMBLED = 0x08  # the frame's user data is scrambled (+0x33)
FUNCTION_MASK = 0x07

SA_OFFSET = 5  # 68 L L C AF: the server address follows the AF byte
MAX_SA_LEN = 16
WILDCARD_NIBBLE = "A"
_DIGITS = frozenset("0123456789")
_DIGITS_AND_WILDCARD = _DIGITS | {WILDCARD_NIBBLE}


class Function(IntEnum):
    """Function code, bits 0-2 of the control field."""

    LINK = 1  # link management: login, heartbeat, logout
    USER_DATA = 3  # application data (GET, SET, ...)


class AddressType(IntEnum):
    """Server-address type, bits 6-7 of the AF byte."""

    SINGLE = 0
    WILDCARD = 1
    GROUP = 2
    BROADCAST = 3  # the broadcast address is AA

    @property
    def allows_wildcard(self) -> bool:
        return self in (AddressType.WILDCARD, AddressType.BROADCAST)


@dataclass(frozen=True, slots=True)
class ServerAddress:
    """SA: ``address`` as printed (high digit first), ``A`` for a wildcard digit."""

    address: str
    type: AddressType = AddressType.SINGLE
    logical: int = 0  # logical address 0-3 (bits 4-5 of AF)

    def __post_init__(self) -> None:
        text = self.address
        if not text or len(text) % 2 or len(text) > 2 * MAX_SA_LEN:
            raise ValueError(f"server address must be 2-32 digits (even), got {text!r}")
        if not set(text) <= (_DIGITS_AND_WILDCARD if self.type.allows_wildcard else _DIGITS):
            raise ValueError(f"{self.type.name.lower()} server address {text!r} is not BCD digits")
        if not 0 <= self.logical <= 3:
            raise ValueError(f"logical address must be 0-3, got {self.logical}")

    @property
    def af(self) -> int:
        return (self.type << 6) | (self.logical << 4) | (len(self.address) // 2 - 1)

    def wire(self) -> bytes:
        return bytes.fromhex(self.address)[::-1]

    def matches(self, address: str) -> bool:
        """Whether a meter with communication address ``address`` is addressed by this SA."""
        if self.type is AddressType.SINGLE:
            return address == self.address
        if self.type is AddressType.WILDCARD:
            return len(address) == len(self.address) and all(
                want in (WILDCARD_NIBBLE, have)
                for want, have in zip(self.address, address, strict=True)
            )
        return False  # group and broadcast requests are never answered


def server_address(address: str) -> ServerAddress:
    """A 12-digit nameplate address as an SA: a wildcard address if it has any ``A`` digit."""
    text = address.upper()
    kind = AddressType.WILDCARD if WILDCARD_NIBBLE in text else AddressType.SINGLE
    return ServerAddress(text, kind)


@dataclass(frozen=True, slots=True)
class Frame:
    """One DL/T 698.45 frame: control byte, server address (SA), client address (CA), APDU."""

    control: int
    server: ServerAddress
    client: int
    apdu: bytes

    @property
    def from_server(self) -> bool:
        return bool(self.control & DIR_FROM_SERVER)

    @property
    def client_started(self) -> bool:
        return bool(self.control & PRM_CLIENT_STARTED)

    @property
    def function(self) -> int:
        return self.control & FUNCTION_MASK


def control_byte(function: Function, *, from_server: bool, client_started: bool = True) -> int:
    dir_bit = DIR_FROM_SERVER if from_server else 0
    return dir_bit | (PRM_CLIENT_STARTED if client_started else 0) | function


def encode(frame: Frame, *, wake_up: int = 0) -> bytes:
    """Encode ``frame``; ``wake_up`` FE bytes are put in front as meters on RS-485 expect."""
    if not 0 <= frame.control <= 0xFF or not 0 <= frame.client <= 0xFF:
        raise ValueError(f"control {frame.control} and client address {frame.client} are bytes")
    if not frame.apdu:
        raise ValueError("a frame carries an APDU of at least one byte")
    sa = frame.server.wire()
    length = 2 + 1 + 1 + len(sa) + 1 + 2 + len(frame.apdu) + 2
    if length > LENGTH_MASK:
        raise ValueError(f"frame of {length} bytes exceeds the {LENGTH_MASK}-byte length field")
    header = length.to_bytes(2, "little") + bytes((frame.control, frame.server.af)) + sa
    header += bytes((frame.client,))
    body = header + crc_bytes(header) + frame.apdu
    return bytes((WAKE_UP,)) * wake_up + bytes((START,)) + body + crc_bytes(body) + bytes((END,))


def hcs_index(buf: bytes | bytearray, i: int) -> int:
    """Index of the HCS of a candidate frame starting at ``i`` (its AF byte must be present)."""
    return i + SA_OFFSET + (buf[i + 4] & 0x0F) + 1 + 1


def _address(buf: bytes | bytearray, i: int) -> ServerAddress:
    af = buf[i + 4]
    raw = bytes(buf[i + SA_OFFSET : i + SA_OFFSET + (af & 0x0F) + 1])
    kind = AddressType(af >> 6)
    text = raw[::-1].hex().upper()
    try:
        return ServerAddress(text, kind, (af >> 4) & 0x03)
    except ValueError:
        raise FrameError(
            FrameKind.HEADER,
            f"{kind.name.lower()} server address {raw.hex(' ').upper()} (AF {af:02X}) is not BCD "
            f"(expected digits 0-9{', A for a wildcard' if kind.allows_wildcard else ''})",
        ) from None


def parse(buf: bytes | bytearray) -> tuple[Frame | FrameError | None, int]:
    """Look for the first frame in ``buf``.

    Returns ``(result, consumed)``: a ``Frame`` ending at ``consumed``; a ``FrameError`` for a
    candidate whose header checks but which is invalid (``consumed`` skips it); or ``None`` when
    more data is needed, in which case the first ``consumed`` bytes are garbage that can be
    dropped. A 68 whose HCS does not check is taken for garbage: without a valid header the
    length cannot be trusted, so resynchronising is all one can do. Never raises.
    """
    size = len(buf)
    pos = 0
    while True:
        i = buf.find(START, pos)
        if i < 0:
            return None, size
        if size - i < SA_OFFSET or size < hcs_index(buf, i) + 2:
            return None, i
        hcs = hcs_index(buf, i)
        if crc16(buf[i + 1 : hcs]) != buf[hcs] | buf[hcs + 1] << 8:
            pos = i + 1
            continue
        result, end = _parse_checked_header(buf, i, hcs)
        return (None, i) if result is None else (result, end)


def _parse_checked_header(
    buf: bytes | bytearray, i: int, hcs: int
) -> tuple[Frame | FrameError | None, int]:
    """The frame at ``i`` whose HCS checks; ``(None, end)`` if it ends beyond the buffer."""
    field = buf[i + 1] | buf[i + 2] << 8
    after_header = hcs + 2
    if field & LENGTH_UNIT_KB:
        return (
            FrameError(
                FrameKind.UNSUPPORTED,
                f"length field {field:04X} counts kilobytes (bit 14); only byte lengths are "
                "supported",
            ),
            after_header,
        )
    if field & LENGTH_RESERVED:
        return (
            FrameError(FrameKind.LENGTH, f"length field {field:04X} has reserved bit 15 set"),
            after_header,
        )
    length = field & LENGTH_MASK
    minimum = (after_header - (i + 1)) + 1 + 2  # header, one APDU byte, FCS
    if length < minimum:
        return (
            FrameError(
                FrameKind.LENGTH,
                f"length {length} is impossible: this header needs at least {minimum}",
            ),
            after_header,
        )
    end = i + 1 + length + 1
    if len(buf) < end:
        return None, end
    fcs = end - 3
    expected = crc16(buf[i + 1 : fcs])
    got = buf[fcs] | buf[fcs + 1] << 8
    if expected != got:
        return (
            FrameError(FrameKind.CHECKSUM, f"FCS mismatch: expected {expected:04X}, got {got:04X}"),
            end,
        )
    if buf[end - 1] != END:
        return FrameError(FrameKind.END_BYTE, f"end byte: expected 16, got {buf[end - 1]:02X}"), end
    control = buf[i + 3]
    if control & FRAGMENT:
        return (
            FrameError(FrameKind.UNSUPPORTED, "fragmented APDUs (control bit 5) are not supported"),
            end,
        )
    if control & SCRAMBLED:
        return (
            FrameError(FrameKind.UNSUPPORTED, "scrambled user data (control bit 3) is unsupported"),
            end,
        )
    try:
        server = _address(buf, i)
    except FrameError as err:
        return err, end
    client = buf[hcs - 1]  # CA is the last byte the HCS covers
    return Frame(control, server, client, bytes(buf[after_header:fcs])), end


def _hcs_error(buf: bytes, i: int) -> FrameError | None:
    """Why the complete header at ``i`` is bad, or ``None`` if its HCS checks."""
    hcs = hcs_index(buf, i)
    expected = crc16(buf[i + 1 : hcs])
    got = buf[hcs] | buf[hcs + 1] << 8
    if expected == got:
        return None
    return FrameError(FrameKind.CHECKSUM, f"HCS mismatch: expected {expected:04X}, got {got:04X}")


def _header_complete(buf: bytes, i: int) -> bool:
    return len(buf) - i >= SA_OFFSET and len(buf) >= hcs_index(buf, i) + 2


def decode(raw: bytes) -> Frame:
    """Decode one frame (leading wake-up bytes and garbage allowed) or raise ``FrameError``."""
    result, consumed = parse(raw)
    if isinstance(result, Frame):
        return result
    if isinstance(result, FrameError):
        raise result
    # Incomplete: diagnose the frame parse is waiting for if its header checks (a frame cut
    # short), else the first 68 (a header cut short, or corrupt).
    first = raw.find(START)
    if first < 0:
        raise FrameError(FrameKind.HEADER, "no start byte 68 found")
    waiting = consumed < len(raw) and _header_complete(raw, consumed)
    i = consumed if waiting and _hcs_error(raw, consumed) is None else first
    have = len(raw) - i
    if not _header_complete(raw, i):
        need = SA_OFFSET if have < SA_OFFSET else hcs_index(raw, i) + 2 - i
        raise FrameError(
            FrameKind.TRUNCATED, f"frame truncated: expected at least {need} bytes, got {have}"
        )
    error = _hcs_error(raw, i)
    if error is not None:
        raise error
    need = ((raw[i + 1] | raw[i + 2] << 8) & LENGTH_MASK) + 2
    raise FrameError(FrameKind.TRUNCATED, f"frame truncated: expected {need} bytes, got {have}")


class StreamDecoder(framing.StreamDecoder[Frame]):
    """DL/T 698.45 frames out of a byte stream, whole or in pieces."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(parse)
