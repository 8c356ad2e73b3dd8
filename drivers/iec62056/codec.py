"""IEC 62056-21 mode C codec, pure (no I/O, clock or logging): ``encode``, ``parse`` (one message,
bytes consumed), ``StreamDecoder`` (whole, split or byte by byte) and the strict ``decode``."""

from __future__ import annotations

import re
from functools import partial, reduce

from drivers import framing
from drivers.errors import FrameError, FrameKind
from drivers.iec62056.dataset import format_block, format_line, parse_block
from drivers.iec62056.messages import (
    ACK,
    BAUD_RATES,
    COMMAND_LETTERS,
    CR,
    ETX,
    LF,
    MAX_ADDRESS_LEN,
    MAX_BLOCK,
    MAX_COMMAND,
    MAX_IDENT_LEN,
    MAX_LINE,
    NAK,
    SOH,
    Ack,
    Command,
    DataMessage,
    Identification,
    Message,
    Nak,
    OptionSelect,
    SignOn,
)

_START = re.compile(rb"[/\x01\x02\x06\x15]")


def bcc(data: bytes | bytearray) -> int:
    """XOR of ``data``: pass the bytes after the first SOH/STX up to and including ETX."""
    return reduce(lambda acc, byte: acc ^ byte, data, 0)


def _ascii(text: str, what: str) -> bytes:
    if not all(" " <= ch <= "~" for ch in text):
        raise ValueError(f"{what} {text!r} must be printable ASCII")
    return text.encode("ascii")


def _with_bcc(body: bytes) -> bytes:
    return body + bytes((bcc(body[1:]),))


def encode(message: Message) -> bytes:
    """The wire bytes of ``message``; ``ValueError`` if a field cannot be sent as given."""
    if isinstance(message, SignOn):
        _check_address(message.address)
        return b"/?" + _ascii(message.address, "address") + b"!\r\n"
    if isinstance(message, Identification):
        _check_identification(message)
        escapes = "".join("\\" + w for w in message.enhanced)
        text = message.manufacturer + message.baud_char + escapes + message.identification
        return b"/" + _ascii(text, "identification") + b"\r\n"
    if isinstance(message, OptionSelect):
        fields = message.protocol + message.baud_char + message.mode
        if len(fields) != 3 or not fields.isdigit() or message.baud_char not in BAUD_RATES:
            raise ValueError(f"option select {fields!r}: expected V, Z ('0'-'6') and Y digits")
        return b"\x06" + fields.encode("ascii") + b"\r\n"
    if isinstance(message, Ack):
        return bytes((ACK,))
    if isinstance(message, Nak):
        return bytes((NAK,))
    if isinstance(message, Command):
        cmd = message.command
        if len(cmd) != 2 or cmd[0] not in COMMAND_LETTERS or not cmd[1].isdigit():
            raise ValueError(f"command {cmd!r}: expected one of {COMMAND_LETTERS} and a digit")
        body = b"\x01" + cmd.encode("ascii")
        if message.data is not None:
            body += b"\x02" + format_line((message.data,)).encode("ascii")
        return _with_bcc(body + b"\x03")
    block = format_block(message.lines).encode("ascii")  # format_block admits printable ASCII
    if message.readout:
        return _with_bcc(b"\x02" + block + b"!\r\n\x03")
    return _with_bcc(b"\x02" + block.removesuffix(b"\r\n") + b"\x03")


def _check_address(address: str) -> None:
    if len(address) > MAX_ADDRESS_LEN or not all(ch.isascii() and ch.isalnum() for ch in address):
        raise ValueError(f"device address {address!r}: expected up to 32 letters and digits")


def _check_identification(message: Identification) -> None:
    if len(message.manufacturer) != 3 or not message.manufacturer.isalpha():
        raise ValueError(f"manufacturer {message.manufacturer!r}: expected three letters")
    if message.baud_char not in BAUD_RATES:
        raise ValueError(f"baud character {message.baud_char!r}: mode C uses '0'-'6'")
    ident = message.identification
    if len(ident) > MAX_IDENT_LEN or set(ident) & set("/!\\"):
        raise ValueError(f"identification {ident!r}: up to 16 characters without / ! \\")
    if any(len(w) != 1 or w in "/!" for w in message.enhanced):
        raise ValueError(f"enhanced capabilities {message.enhanced!r}: one character each")


# ----------------------------------------------------------------------------- decoding


def _header_line(buf: bytes | bytearray, i: int) -> tuple[Message | FrameError | None, int]:
    """A '/' message: a sign-on or an identification, ended by CR LF."""
    end = i + 1
    limit = min(len(buf), i + MAX_LINE)
    while end < limit and 0x20 <= buf[end] <= 0x7E:
        end += 1
    if end >= len(buf):
        return None, i
    if end >= i + MAX_LINE:
        return FrameError(FrameKind.LENGTH, f"no CR LF within {MAX_LINE} bytes of '/'"), i + 1
    if buf[end] != CR:
        return None, -1  # a non-printable byte: this '/' was noise
    if end + 1 >= len(buf):
        return None, i
    if buf[end + 1] != LF:
        got = f"{buf[end + 1]:02X}"
        return FrameError(FrameKind.END_BYTE, f"expected CR LF, got 0D {got}"), end + 1
    text = bytes(buf[i + 1 : end]).decode("ascii")
    try:
        return _header_message(text), end + 2
    except FrameError as err:
        return err, end + 2


def _header_message(text: str) -> Message:
    if not text.startswith("?"):
        return _identification(text)
    if not text.endswith("!"):
        raise FrameError(FrameKind.HEADER, f"sign-on: expected '!' before CR LF, got {text!r}")
    address = text[1:-1]
    if len(address) > MAX_ADDRESS_LEN:
        raise FrameError(FrameKind.LENGTH, f"sign-on: device address {address!r} longer than 32")
    if not address.isalnum() and address:
        raise FrameError(
            FrameKind.HEADER, f"sign-on: device address {address!r}: expected letters and digits"
        )
    return SignOn(address)


def _identification(text: str) -> Identification:
    if len(text) < 4 or not text[:3].isalpha():
        raise FrameError(
            FrameKind.HEADER,
            f"identification: expected /XXXZ (3 manufacturer letters, baud char), got /{text!r}",
        )
    manufacturer, baud_char, rest = text[:3], text[3], text[4:]
    if baud_char not in BAUD_RATES:
        if "A" <= baud_char <= "I":
            kind, why = FrameKind.UNSUPPORTED, "is mode B; this client speaks mode C ('0'-'6')"
        elif baud_char.isdigit():
            kind, why = FrameKind.VALUE_FORMAT, "is reserved; mode C uses '0'-'6'"
        else:
            kind, why = FrameKind.UNSUPPORTED, "is mode A (no baud switch); expected '0'-'6'"
        raise FrameError(kind, f"identification: baud character {baud_char!r} {why}")
    # Every backslash starts an escape \W: an enhanced capability (\2: HDLC mode E available).
    enhanced: list[str] = []
    ident: list[str] = []
    pos = 0
    while pos < len(rest):
        if rest[pos] != "\\":
            ident.append(rest[pos])
            pos += 1
            continue
        if pos + 1 >= len(rest):
            raise FrameError(FrameKind.HEADER, "identification: expected a character after '\\'")
        enhanced.append(rest[pos + 1])
        pos += 2
    identification = "".join(ident)
    if set(identification + "".join(enhanced)) & set("/!"):
        raise FrameError(FrameKind.HEADER, f"identification {identification!r} contains / or !")
    if len(identification) > MAX_IDENT_LEN:
        raise FrameError(
            FrameKind.LENGTH,
            f"identification: expected at most {MAX_IDENT_LEN} characters, "
            f"got {len(identification)} ({identification!r})",
        )
    return Identification(manufacturer, baud_char, identification, tuple(enhanced))


def _option_select(buf: bytes | bytearray, i: int) -> tuple[Message | FrameError | None, int]:
    if len(buf) < i + 6:
        return None, i
    fields = bytes(buf[i + 1 : i + 4])
    if bytes(buf[i + 4 : i + 6]) != b"\r\n":
        got = bytes(buf[i + 4 : i + 6]).hex(" ").upper()
        return FrameError(FrameKind.END_BYTE, f"option select: expected CR LF, got {got}"), i + 4
    if not fields.isdigit():
        return (
            FrameError(FrameKind.VALUE_FORMAT, f"option select: expected digits, got {fields!r}"),
            i + 6,
        )
    text = fields.decode("ascii")
    if text[1] not in BAUD_RATES:
        return (
            FrameError(
                FrameKind.VALUE_FORMAT, f"option select: baud character {text[1]!r} not '0'-'6'"
            ),
            i + 6,
        )
    return OptionSelect(text[0], text[1], text[2]), i + 6


def _checked_block(
    buf: bytes | bytearray, i: int, limit: int
) -> tuple[bytes | FrameError | None, int]:
    """The bytes between the start character at ``i`` and ETX, once ETX and BCC have arrived."""
    etx = buf.find(ETX, i + 1, i + limit)
    if etx < 0:
        if len(buf) - i >= limit:
            return FrameError(FrameKind.LENGTH, f"no ETX within {limit} bytes"), i + 1
        return None, i
    if etx + 1 >= len(buf):
        return None, i
    expected = bcc(buf[i + 1 : etx + 1])
    if buf[etx + 1] != expected:
        return (
            FrameError(
                FrameKind.CHECKSUM,
                f"BCC mismatch: expected {expected:02X}, got {buf[etx + 1]:02X}",
            ),
            etx + 2,
        )
    body = bytes(buf[i + 1 : etx])
    if any(byte > 0x7E for byte in body):
        return FrameError(FrameKind.VALUE_FORMAT, "a byte above 7E in a 7-bit message"), etx + 2
    return body, etx + 2


def _command(buf: bytes | bytearray, i: int) -> tuple[Message | FrameError | None, int]:
    body, end = _checked_block(buf, i, MAX_COMMAND)
    if not isinstance(body, bytes):
        return body, end
    text = body.decode("ascii")
    cmd, rest = text[:2], text[2:]
    try:
        if len(cmd) < 2 or not cmd[1].isdigit():
            raise FrameError(
                FrameKind.HEADER, f"command: expected a letter and a digit, got {cmd!r}"
            )
        if cmd[0] not in COMMAND_LETTERS:
            raise FrameError(FrameKind.UNSUPPORTED, f"command {cmd!r}: not one of P W R E B")
        if not rest:
            return Command(cmd), end
        if rest[0] != "\x02":
            raise FrameError(FrameKind.HEADER, f"command {cmd}: expected STX or ETX after it")
        lines = parse_block(rest[1:])
        if len(lines) != 1 or len(lines[0]) != 1:
            raise FrameError(
                FrameKind.VALUE_FORMAT, f"command {cmd}: expected one data set, got {rest[1:]!r}"
            )
        return Command(cmd, lines[0][0]), end
    except FrameError as err:
        return err, end


def _data(buf: bytes | bytearray, i: int) -> tuple[Message | FrameError | None, int]:
    body, end = _checked_block(buf, i, MAX_BLOCK)
    if not isinstance(body, bytes):
        return body, end
    text = body.decode("ascii")
    readout = text.endswith("!\r\n")
    try:
        return DataMessage(parse_block(text.removesuffix("!\r\n")), readout), end
    except FrameError as err:
        return err, end


def parse(
    buf: bytes | bytearray, *, from_meter: bool | None = None
) -> tuple[Message | FrameError | None, int]:
    """Look for the first message in ``buf``.

    Returns ``(result, consumed)`` like the DL/T 645 codec: a message ending at ``consumed``; a
    ``FrameError`` for a complete but invalid candidate (``consumed`` skips it); or ``None`` when
    more data is needed, the first ``consumed`` bytes being garbage. ``from_meter=True`` reads a
    lone 0x06 as a bare ACK at once (meters never send an option select); otherwise a 0x06 at
    the end of ``buf`` waits for the next byte. Never raises.
    """
    size = len(buf)
    pos = 0
    while True:
        i = _find_start(buf, pos)
        if i < 0:
            return None, size
        lead = buf[i]
        result: Message | FrameError | None
        if lead == ord("/"):
            result, end = _header_line(buf, i)
            if end < 0:
                pos = i + 1
                continue
        elif lead == NAK:
            return Nak(), i + 1
        elif lead == ACK:
            if from_meter or (i + 1 < size and not 0x30 <= buf[i + 1] <= 0x39):
                return Ack(), i + 1
            result, end = _option_select(buf, i)
        elif lead == SOH:
            result, end = _command(buf, i)
        else:
            result, end = _data(buf, i)
        return result, end


def _find_start(buf: bytes | bytearray, pos: int) -> int:
    match = _START.search(buf, pos)
    return -1 if match is None else match.start()


def decode(raw: bytes) -> Message:
    """Decode one message (leading garbage allowed) or raise ``FrameError``."""
    result, start = parse(raw)
    if isinstance(result, FrameError):
        raise result
    if result is not None:
        return result
    rest = raw[start:]
    if rest == bytes((ACK,)):
        return Ack()
    if not rest:
        raise FrameError(FrameKind.HEADER, "no message start ('/', ACK, NAK, SOH or STX) found")
    lead = rest[0]
    if lead == ord("/"):
        need = "CR LF"
    elif lead == ACK:
        need = "ACK V Z Y CR LF (6 bytes)"
    else:
        need = "ETX and BCC"
    raise FrameError(
        FrameKind.TRUNCATED, f"message truncated: expected {need}, got {len(rest)} byte(s)"
    )


class StreamDecoder(framing.StreamDecoder[Message]):
    """Mode C messages out of a byte stream; ``from_meter`` as for ``parse``."""

    __slots__ = ()

    def __init__(self, *, from_meter: bool | None = None) -> None:
        super().__init__(partial(parse, from_meter=from_meter))
