"""``smc decode HEX...``: one frame pasted from a log, decoded to a JSON object.

Spaces are optional, leading garbage and FE wake-up bytes are allowed. Exit 0 for a valid
frame, 1 with ``{"valid": false, "error": ..., "error_kind": ...}`` for anything else.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from drivers.errors import FrameError, FrameKind
from drivers.protocols import ProtocolSpec, all_protocols, protocol

CHOICES = ("auto", "dlt645", "dlt645-2007", "dlt645-1997", "iec62056-21", "qgdw1376.1", "dlt698.45")
NOT_INSTALLED = {"qgdw1376.1": "Q/GDW 1376.1 (concentrators) arrives with the collection front end"}


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("decode", help="decode one frame from a log (hex) and print JSON")
    p.add_argument(
        "--protocol",
        choices=CHOICES,
        default="auto",
        help="protocol of the frame (default: recognise it)",
    )
    p.add_argument(
        "hex", nargs="+", metavar="HEX", help="the frame's bytes in hex; spaces optional"
    )


def _invalid(error: str, kind: FrameKind | str) -> dict[str, object]:
    return {"valid": False, "error": error, "error_kind": str(kind)}


def parse_hex(parts: list[str]) -> bytes:
    text = "".join(parts).replace(" ", "").replace(":", "").replace("-", "")
    if text[:2].lower() == "0x":
        text = text[2:]
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise FrameError(
            FrameKind.VALUE_FORMAT,
            "the input is not hexadecimal bytes (expected e.g. 68 11 22 ... 16)",
        ) from None


def _specs(name: str) -> list[ProtocolSpec]:
    if name == "auto":
        return all_protocols()
    if name == "dlt645":
        return [protocol("dlt645-2007")]  # its decoder tells 2007 from 1997 by the control code
    return [protocol(name)]


def decode(raw: bytes, name: str = "auto") -> dict[str, object]:
    """The report for ``raw``; never raises for bad input."""
    if name in NOT_INSTALLED:
        return _invalid(f"{name}: not installed yet ({NOT_INSTALLED[name]})", FrameKind.UNSUPPORTED)
    candidates = _specs(name)
    if name == "auto":
        candidates = [spec for spec in candidates if spec.looks_like(raw)] or candidates[:1]
    errors: list[FrameError] = []
    for spec in candidates:
        try:
            return spec.describe(raw)
        except FrameError as err:
            errors.append(err)
    if not errors:
        return _invalid("no known protocol recognises these bytes", FrameKind.HEADER)
    first = errors[0]
    return _invalid(str(first), first.kind)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        raw = parse_hex(args.hex)
    except FrameError as err:
        report = _invalid(str(err), err.kind)
    else:
        report = decode(raw, args.protocol)
    json.dump(report, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 0 if report.get("valid") else 1
