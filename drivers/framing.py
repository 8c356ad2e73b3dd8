"""Finding frames in a byte stream: the shared 68 ... CS 16 scanner and the stream feeder.

Every codec has a ``parse(buf) -> (frame | FrameError | None, consumed)`` that never raises;
``frame_scanner`` builds that ``parse`` for the protocols framed as ``68 <header> 68 ... CS 16``
with a byte-sum checksum (DL/T 645, Q/GDW 1376.1); ``StreamDecoder`` keeps the bytes not yet
consumed and returns what each chunk completed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from drivers.errors import FrameError, FrameKind

F = TypeVar("F")

START = 0x68
END = 0x16
TRAILER_LEN = 2  # CS 16


def frame_scanner(
    *,
    header_len: int,
    second_start: int,
    body_length: Callable[[bytes | bytearray, int], int],
    checksum_from: int,
    build: Callable[[bytes], F],
) -> Callable[[bytes | bytearray], tuple[F | FrameError | None, int]]:
    """A ``parse`` for frames ``68 ... 68 ... <body> CS 16`` found anywhere in a buffer.

    For a frame starting at ``i``: its header is ``header_len`` bytes and holds a second 68 at
    ``i + second_start``; ``body_length(buf, i)`` reads the number of bytes between the header
    and CS from that header, or raises ``FrameError`` when the header is impossible; CS is the
    byte sum mod 256 of the frame's bytes from offset ``checksum_from`` up to CS. ``build``
    gets those checked bytes (as ``bytes``, whatever the buffer) and turns them into the
    protocol's frame or raises ``FrameError``; both standards put everything a frame says
    inside what CS covers.

    The ``parse`` returns ``(result, consumed)``: a frame ending at ``consumed``; a
    ``FrameError`` for a candidate that is complete but invalid (``consumed`` skips it, or only
    its first 68 when the header is impossible, since the length cannot be trusted); or
    ``None`` when more data is needed, in which case the first ``consumed`` bytes are garbage
    that can be dropped. It never raises.
    """
    # The parameters are closed over rather than kept on an object: parse runs for every chunk
    # a bus receives and cell loads are the cheapest lookups Python has.
    overhead = header_len + TRAILER_LEN

    def parse(buf: bytes | bytearray) -> tuple[F | FrameError | None, int]:
        """Look for the first frame in ``buf``; never raises."""
        size = len(buf)
        pos = 0
        while True:
            i = buf.find(START, pos)
            if i < 0:
                return None, size
            if size - i < header_len:
                return None, i
            if buf[i + second_start] != START:
                pos = i + 1  # a stray 0x68 in garbage
                continue
            try:
                length = body_length(buf, i)
            except FrameError as err:
                return err, i + 1
            end = i + overhead + length
            if size < end:
                return None, i
            cs = end - 2
            checked = buf[i + checksum_from : cs]
            expected = sum(checked) & 0xFF
            if buf[cs] != expected:
                return (
                    FrameError(
                        FrameKind.CHECKSUM,
                        f"checksum mismatch: expected {expected:02X}, got {buf[cs]:02X}",
                    ),
                    end,
                )
            if buf[end - 1] != END:
                return (
                    FrameError(
                        FrameKind.END_BYTE, f"end byte: expected {END:02X}, got {buf[end - 1]:02X}"
                    ),
                    end,
                )
            if checked.__class__ is not bytes:
                # A StreamDecoder's bytearray: one copy here instead of one per field in build.
                checked = bytes(checked)
            try:
                return build(checked), end
            except FrameError as err:
                return err, end

    return parse


class StreamDecoder(Generic[F]):
    __slots__ = ("_buf", "_parse")

    def __init__(self, parse: Callable[[bytearray], tuple[F | FrameError | None, int]]) -> None:
        self._buf = bytearray()
        self._parse = parse

    def feed(self, data: bytes) -> list[F | FrameError]:
        self._buf += data
        out: list[F | FrameError] = []
        while self._buf:
            result, consumed = self._parse(self._buf)
            if consumed:
                del self._buf[:consumed]
            if result is None:
                break
            out.append(result)
        return out

    def reset(self) -> None:
        self._buf.clear()
