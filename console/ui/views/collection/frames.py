"""How a frame on a link is shown, in the 点抄 results and in the message monitor alike: its
time to the millisecond, its direction, its bytes in hex."""

from __future__ import annotations

from datetime import datetime

HEX_SHOWN = 48  # bytes of a frame shown in a table cell (all of them in the details)


def hex_text(raw: bytes, limit: int | None = None) -> str:
    shown = raw if limit is None else raw[:limit]
    text = shown.hex(" ").upper()
    return text + " …" if limit is not None and len(raw) > limit else text


def hex_lines(raw: bytes, width: int = 16) -> list[str]:
    return [hex_text(raw[i : i + width]) for i in range(0, len(raw), width)]


def time_text(at: datetime) -> str:
    return f"{at:%H:%M:%S}.{at.microsecond // 1000:03d}"
