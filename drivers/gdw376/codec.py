"""Q/GDW 1376.1-2013 frame codec: bytes <-> ``Frame`` with no I/O, clock or logging.

A frame is ``68 L L 68 C A AFN SEQ <data units> [AUX] CS 16``. L (2 bytes, sent twice and
checked equal) is the user-data length shifted left by two with the protocol id (``10``) in
its low bits; the user data is C, A, AFN, SEQ, the data units and AUX; CS is their byte sum.
AUX is PW (16 bytes, downlink, for the AFNs that need it), EC (2 bytes, uplink, when ACD is
set) and Tp (6 bytes, when SEQ's TpV is set), in that order. This layer splits AUX off; the
data units are ``drivers.gdw376.units``' business.

``parse`` finds one frame in a buffer and says how many bytes it consumed; ``StreamDecoder``
feeds a byte stream through it; ``decode`` is the strict one-frame form of ``smc decode``.
"""

from __future__ import annotations

from typing import NamedTuple

from drivers import framing
from drivers.errors import FrameError, FrameKind

START = 0x68
END = 0x16
HEADER_LEN = 6  # 68 L L 68
PROTOCOL_ID = 0b10  # Q/GDW 1376.1 (and 376.1-2009); 0b01 was Q/GDW 130-2005
MAX_USER_DATA = 0x3FFF  # 14 bits; networks allow the whole range
MIN_USER_DATA = 8  # C, A (5), AFN, SEQ
PW_LEN, EC_LEN, TP_LEN = 16, 2, 6

# Control field C.
DIR_UPLINK = 0x80  # 0: master -> terminal, 1: terminal -> master
PRM_START = 0x40  # 1: this station started the exchange
ACD = 0x20  # uplink: the terminal has events waiting (EC follows in AUX)
FCB = 0x20  # downlink: frame count bit
FCV = 0x10  # downlink: FCB is valid
FUNCTION_MASK = 0x0F

# Sequence field SEQ.
TPV = 0x80  # a time tag Tp follows in AUX
FIR = 0x40  # first frame of a message
FIN = 0x20  # last frame of a message
CON = 0x10  # the receiver must confirm
SEQ_MASK = 0x0F  # PSEQ / RSEQ

# The downlink AFNs whose frames carry the 16-byte password PW: reset, set parameters,
# control, authentication, file transfer, data forwarding.
PW_AFNS = frozenset((0x01, 0x04, 0x05, 0x06, 0x0F, 0x10))

BROADCAST_TERMINAL = 0xFFFF  # with the group flag: every terminal


class Address(NamedTuple):
    """A = district code (行政区划码, 4 BCD digits as printed), terminal address (1-65535),
    master station address (MSA, 0-127) and the group-address flag."""

    district: str
    terminal: int
    master: int = 0
    group: bool = False

    def __str__(self) -> str:
        return f"{self.district}-{self.terminal:05d}"


class TimeTag(NamedTuple):
    """Tp: the sender's frame counter, when it sent the frame (day, h, min, s) and how many
    minutes the frame stays valid (0: no check)."""

    pfc: int
    day: int
    hour: int
    minute: int
    second: int
    delay_min: int = 0


class Frame(NamedTuple):
    control: int
    address: Address
    afn: int
    seq: int
    data: bytes = b""  # the data units (DA DT data ...), AUX removed
    pw: bytes | None = None
    ec: tuple[int, int] | None = None  # (EC1 important, EC2 normal) event counters
    tp: TimeTag | None = None

    @property
    def uplink(self) -> bool:
        return bool(self.control & DIR_UPLINK)

    @property
    def prm(self) -> bool:
        return bool(self.control & PRM_START)

    @property
    def acd(self) -> bool:
        return self.uplink and bool(self.control & ACD)

    @property
    def function(self) -> int:
        return self.control & FUNCTION_MASK

    @property
    def fir(self) -> bool:
        return bool(self.seq & FIR)

    @property
    def fin(self) -> bool:
        return bool(self.seq & FIN)

    @property
    def con(self) -> bool:
        return bool(self.seq & CON)

    @property
    def sequence(self) -> int:
        return self.seq & SEQ_MASK


def _bcd_byte(value: int, what: str) -> int:
    if not 0 <= value <= 99:
        raise ValueError(f"{what} {value} does not fit two BCD digits")
    return (value // 10) << 4 | value % 10


def _from_bcd(byte: int, what: str) -> int:
    hi, lo = byte >> 4, byte & 0x0F
    if hi > 9 or lo > 9:
        raise FrameError(FrameKind.VALUE_FORMAT, f"{what} {byte:02X} is not BCD")
    return hi * 10 + lo


def address_to_wire(address: Address) -> bytes:
    district = address.district
    if len(district) != 4 or not district.isdigit():
        raise ValueError(f"district code must be 4 digits, got {district!r}")
    if not 0 <= address.terminal <= 0xFFFF:
        raise ValueError(f"terminal address {address.terminal} is not 0-65535")
    if not 0 <= address.master <= 0x7F:
        raise ValueError(f"master station address {address.master} is not 0-127")
    raw = bytes.fromhex(district)
    return bytes(
        (
            raw[1],
            raw[0],
            address.terminal & 0xFF,
            address.terminal >> 8,
            address.master << 1 | int(address.group),
        )
    )


def address_from_wire(raw: bytes | bytearray) -> Address:
    district = f"{raw[1]:02X}{raw[0]:02X}"
    if not district.isdigit():
        raise FrameError(FrameKind.HEADER, f"district code {district} is not BCD")
    return Address(district, raw[2] | raw[3] << 8, raw[4] >> 1, bool(raw[4] & 1))


def _tp_to_wire(tp: TimeTag) -> bytes:
    if not 0 <= tp.pfc <= 0xFF or not 0 <= tp.delay_min <= 0xFF:
        raise ValueError(f"time tag counter/delay out of range: {tp}")
    return bytes(
        (
            tp.pfc,
            _bcd_byte(tp.second, "Tp second"),
            _bcd_byte(tp.minute, "Tp minute"),
            _bcd_byte(tp.hour, "Tp hour"),
            _bcd_byte(tp.day, "Tp day"),
            tp.delay_min,
        )
    )


def _tp_from_wire(raw: bytes | bytearray) -> TimeTag:
    second = _from_bcd(raw[1], "Tp second")
    minute = _from_bcd(raw[2], "Tp minute")
    hour = _from_bcd(raw[3], "Tp hour")
    day = _from_bcd(raw[4], "Tp day")
    return TimeTag(raw[0], day, hour, minute, second, raw[5])


def encode(frame: Frame) -> bytes:
    """Encode ``frame``; SEQ's TpV and an uplink C's ACD follow from ``tp`` and ``ec``."""
    if not 0 <= frame.afn <= 0xFF or not 0 <= frame.control <= 0xFF:
        raise ValueError(f"AFN {frame.afn} / control {frame.control} is not a byte")
    seq = (frame.seq & ~TPV & 0xFF) | (TPV if frame.tp is not None else 0)
    control = frame.control
    aux = bytearray()
    if control & DIR_UPLINK:
        control = (control & ~ACD & 0xFF) | (ACD if frame.ec is not None else 0)
        if frame.pw is not None:
            raise ValueError("an uplink frame carries no password (PW)")
        if frame.ec is not None:
            aux += bytes(frame.ec)
    else:
        if frame.ec is not None:
            raise ValueError("a downlink frame carries no event counter (EC)")
        if frame.afn in PW_AFNS:
            if frame.pw is None or len(frame.pw) != PW_LEN:
                raise ValueError(f"AFN {frame.afn:02X}H needs a {PW_LEN}-byte password (PW)")
            aux += frame.pw
        elif frame.pw is not None:
            raise ValueError(f"AFN {frame.afn:02X}H carries no password (PW)")
    if frame.tp is not None:
        aux += _tp_to_wire(frame.tp)
    user = b"".join(
        (
            bytes((control,)),
            address_to_wire(frame.address),
            bytes((frame.afn, seq)),
            frame.data,
            aux,
        )
    )
    if len(user) > MAX_USER_DATA:
        raise ValueError(f"user data is {len(user)} bytes, the L field allows {MAX_USER_DATA}")
    length = (len(user) << 2 | PROTOCOL_ID).to_bytes(2, "little")
    return b"".join(
        (bytes((START,)), length, length, bytes((START,)), user, bytes((sum(user) & 0xFF, END)))
    )


def _split(user: bytes) -> Frame:
    """User data (C through AUX, checksum already verified) to a ``Frame``."""
    control = user[0]
    address = address_from_wire(user[1:6])
    afn, seq = user[6], user[7]
    end = len(user)
    tp = ec = pw = None
    if seq & TPV:
        end -= TP_LEN
        if end < MIN_USER_DATA:
            raise FrameError(FrameKind.LENGTH, "TpV is set but the frame has no room for Tp")
        tp = _tp_from_wire(user[end : end + TP_LEN])
    if control & DIR_UPLINK:
        if control & ACD:
            end -= EC_LEN
            if end < MIN_USER_DATA:
                raise FrameError(FrameKind.LENGTH, "ACD is set but the frame has no room for EC")
            ec = (user[end], user[end + 1])
    elif afn in PW_AFNS:
        end -= PW_LEN
        if end < MIN_USER_DATA:
            raise FrameError(
                FrameKind.LENGTH, f"AFN {afn:02X}H needs a 16-byte password (PW); too short"
            )
        pw = user[end : end + PW_LEN]
    return Frame(control, address, afn, seq, user[MIN_USER_DATA:end], pw, ec, tp)


def _user_data_length(buf: bytes | bytearray, i: int) -> int:
    """The user-data length in the header at ``i`` (``buf[i + 5]`` is a second 68); a
    ``FrameError`` says why the header is impossible."""
    l1 = buf[i + 1] | buf[i + 2] << 8
    l2 = buf[i + 3] | buf[i + 4] << 8
    if l1 != l2:
        raise FrameError(
            FrameKind.HEADER, f"the two length fields differ: {l1 & 0xFFFF:04X} vs {l2:04X}"
        )
    if l1 & 0b11 != PROTOCOL_ID:
        raise FrameError(
            FrameKind.HEADER,
            f"protocol id {l1 & 0b11:02b} in the length field is not Q/GDW 1376.1 (10)",
        )
    length = l1 >> 2
    if length < MIN_USER_DATA:
        raise FrameError(
            FrameKind.LENGTH, f"user data length {length} is below the minimum {MIN_USER_DATA}"
        )
    return length


parse = framing.frame_scanner(
    header_len=HEADER_LEN,
    second_start=5,  # 68 L L 68
    body_length=_user_data_length,
    checksum_from=HEADER_LEN,  # CS covers the user data only
    build=_split,
)
"""Look for the first frame in ``buf``: ``(Frame | FrameError | None, consumed)``, never raises
(``drivers.framing.frame_scanner`` says what ``consumed`` means for each)."""


def decode(raw: bytes) -> Frame:
    """Decode one frame (leading garbage allowed) or raise ``FrameError``."""
    result, start = parse(raw)
    if isinstance(result, Frame):
        return result
    if isinstance(result, FrameError):
        raise result
    if start >= len(raw):
        if START in raw:  # parse dropped every 68: none had a second 68 after L L
            raise FrameError(
                FrameKind.HEADER, "no frame header 68 L L 68 found (no second start byte 68)"
            )
        raise FrameError(FrameKind.HEADER, "no start byte 68 found")
    have = len(raw) - start
    if have < HEADER_LEN:
        need = f"at least {HEADER_LEN + MIN_USER_DATA + 2}"
    else:  # parse keeps a candidate only when its second 68 is in place
        need = str(HEADER_LEN + ((raw[start + 1] | raw[start + 2] << 8) >> 2) + 2)
    raise FrameError(FrameKind.TRUNCATED, f"frame truncated: expected {need} bytes, got {have}")


def looks_like(raw: bytes) -> bool:
    """``68 L L 68`` with equal length fields carrying the 376.1 protocol id."""
    i = raw.find(START)
    while 0 <= i <= len(raw) - HEADER_LEN:
        if raw[i + 5] == START and raw[i + 1 : i + 3] == raw[i + 3 : i + 5]:
            return raw[i + 1] & 0b11 == PROTOCOL_ID
        i = raw.find(START, i + 1)
    return False


class StreamDecoder(framing.StreamDecoder[Frame]):
    """Q/GDW 1376.1 frames out of a byte stream, whole or in pieces."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(parse)
