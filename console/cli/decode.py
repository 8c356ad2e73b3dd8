"""``smc decode HEX...``: one frame pasted from a log, decoded to a JSON object.

Spaces are optional, leading garbage and FE wake-up bytes are allowed. Exit 0 for a valid
frame, 1 with ``{"valid": false, "error": ..., "error_kind": ...}`` for anything else.
The decoding itself is ``drivers.describe`` (the message monitor uses it too).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from drivers.describe import describe, invalid
from drivers.errors import FrameError, FrameKind

CHOICES = ("auto", "dlt645", "dlt645-2007", "dlt645-1997", "iec62056-21", "qgdw1376.1", "dlt698.45")


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


def decode(raw: bytes, name: str = "auto") -> dict[str, object]:
    """The report for ``raw``; never raises for bad input."""
    return describe(raw, name)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        raw = parse_hex(args.hex)
    except FrameError as err:
        report = invalid(str(err), err.kind)
    else:
        report = decode(raw, args.protocol)
    json.dump(report, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 0 if report.get("valid") else 1
