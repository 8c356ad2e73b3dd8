"""IEC 62056-21 messages for ``smc decode`` and the message monitor: one message -> a plain dict,
and a cheap sniff that tells a mode C message from other protocols' frames."""

from __future__ import annotations

import re

from drivers.iec62056.codec import decode
from drivers.iec62056.dataset import DataSet, format_line
from drivers.iec62056.messages import (
    Ack,
    Command,
    Identification,
    Message,
    Nak,
    OptionSelect,
    SignOn,
)

PROTOCOL = "iec62056-21"
MODES = {"0": "readout", "1": "programming", "2": "binary (HDLC)"}
Report = dict[str, object]

# What only IEC 62056-21 starts with: DL/T 645, DL/T 698.45 and Q/GDW 1376.1 all open with 68.
_SHAPE = re.compile(
    rb"/\?[0-9A-Za-z]{0,32}!\r\n"  # sign-on
    rb"|/[A-Za-z]{3}[0-9A-Z][\x20-\x7e]*\r\n"  # identification
    rb"|\x06[0-9]{3}\r\n|\x06\Z|\x15\Z"  # option select, bare ACK, bare NAK
    rb"|\x01[PWREB][0-9][\x02\x03]"  # command
    rb"|\x02[\x20-\x7e\r\n]*\x03"  # data message
)
_NOISE = re.compile(rb"[\x00\x80-\xff\r\n ]*")


def looks_like(raw: bytes) -> bool:
    """Whether ``raw`` opens, after line noise or wake-up NULs, like a mode C message."""
    start = _NOISE.match(raw)
    return _SHAPE.match(raw, start.end() if start else 0) is not None


def _values(data_set: DataSet) -> object:
    values = [{"value": v.text, "unit": v.unit} for v in data_set.values]
    return values[0] if len(values) == 1 else values


def _body(message: Message) -> Report:
    if isinstance(message, SignOn):
        return {"message": "request", "direction": "request", "address": message.address}
    if isinstance(message, Identification):
        return {
            "message": "identification",
            "direction": "response",
            "manufacturer": message.manufacturer,
            "baud": message.baud,
            "identification": message.identification,
            "enhanced": list(message.enhanced),
        }
    if isinstance(message, OptionSelect):
        return {
            "message": "ack",
            "direction": "request",
            "baud": message.baud,
            "mode": MODES.get(message.mode, f"mode {message.mode}"),
            "protocol_control": message.protocol,
        }
    if isinstance(message, (Ack, Nak)):
        return {"message": "ack", "direction": "response", "ack": type(message).__name__.upper()}
    if isinstance(message, Command):
        from_meter = message.command == "P0"
        return {
            "message": "command",
            "direction": "response" if from_meter else "request",
            "command": message.command,
            "data": None if message.data is None else format_line((message.data,)),
        }
    report: Report = {
        "message": "data",
        "direction": "response",
        "readout": message.readout,
        "values": {s.address: _values(s) for s in message.data_sets if message.error is None},
    }
    if message.error is not None:
        report["error"] = message.error
    return report


def describe(raw: bytes) -> Report:
    """The ``smc decode`` report of one message; ``FrameError`` (expected vs actual) if invalid."""
    message = decode(raw)
    return {"protocol": PROTOCOL, "valid": True, **_body(message)}
