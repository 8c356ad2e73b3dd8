"""One frame of any protocol the console speaks, described as the ``smc decode`` JSON report.

Shared by ``smc decode`` and the message monitor. Q/GDW 1376.1 is not a meter protocol (no
``ProtocolSpec``: no meter client, no emulated meter): its decoder is called here directly, and
tried first when the bytes look like its header.
"""

from __future__ import annotations

from collections.abc import Callable

from drivers.errors import FrameError, FrameKind
from drivers.gdw376 import report as gdw376_report
from drivers.protocols import all_protocols, protocol

GDW1376 = "qgdw1376.1"
Describe = Callable[[bytes], dict[str, object]]
SNIFF_LEN = 8  # 68 A0..A5 68: enough for DL/T 645's sniff to tell where its frame starts


def invalid(error: str, kind: FrameKind | str) -> dict[str, object]:
    return {"valid": False, "error": error, "error_kind": str(kind)}


def _decoders(raw: bytes, name: str) -> list[Describe]:
    """The decoders to try, in order; the first one's error is the one reported."""
    if name == GDW1376:
        return [gdw376_report.describe]
    if name == "dlt645":
        # Its decoder tells 2007 from 1997 by the control code.
        return [protocol("dlt645-2007").describe]
    if name != "auto":
        return [protocol(name).describe]
    specs = all_protocols()
    start = gdw376_report.header_offset(raw)
    if start >= 0:
        # 68 L L 68 with equal lengths and protocol id 10 is no DL/T 645 header (that needs a
        # second 68 after six address bytes), so 376.1 goes first and its error is the one
        # reported. A meter protocol gets a turn only for a frame starting at that same 68
        # (a 645 address can look like L L 68): a 376.1 frame that fails its checksum must not
        # turn into the DL/T 645 frame it forwards.
        head = raw[start : start + SNIFF_LEN]
        return [gdw376_report.describe, *(s.describe for s in specs if s.looks_like(head))]
    return [spec.describe for spec in specs if spec.looks_like(raw)] or [specs[0].describe]


def describe(raw: bytes, name: str = "auto") -> dict[str, object]:
    """The report for ``raw`` (``name``: a protocol, or ``auto``); never raises for bad input."""
    errors: list[FrameError] = []
    for decoder in _decoders(raw, name):
        try:
            return decoder(raw)
        except FrameError as err:
            errors.append(err)
    if not errors:
        return invalid("no known protocol recognises these bytes", FrameKind.HEADER)
    first = errors[0]
    return invalid(str(first), first.kind)
