"""Feeding a byte stream through a protocol's ``parse``: whole frames, pieces or single bytes.

Every codec has a ``parse(buf) -> (frame | FrameError | None, consumed)`` that never raises;
``StreamDecoder`` keeps the bytes not yet consumed and returns what each chunk completed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from drivers.errors import FrameError

F = TypeVar("F")


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
