"""``smc decode`` for DL/T 645: one frame (2007 or 1997) as a JSON-ready report.

The control code tells the version (2007 uses 0x11-0x1B, 1997 0x01-0x10; broadcast time 0x08
is the same in both and reported as 2007 unless 1997 is asked for).
"""

from __future__ import annotations

from drivers.api import json_value
from drivers.dlt645 import dataids, dataids97
from drivers.dlt645.codec import Frame, decode
from drivers.dlt645.loadprofile import parse_records
from drivers.dlt645.session import (
    Function,
    Function97,
    Password,
    baud_from_word,
    decode_error_bits,
    time_from_wire,
)
from drivers.dlt645.values import DataItem, Value, decode_values
from drivers.errors import FrameError, FrameKind

Report = dict[str, object]
_ONLY_1997 = {int(f) for f in Function97} - {int(f) for f in Function}


def _values(values: tuple[Value, ...] | list[Value]) -> list[dict[str, str]]:
    return [
        {"name": v.field.name_en, "name_zh": v.field.name_zh, "value": json_value(v.value),
         "unit": v.unit}
        for v in values
    ]  # fmt: skip


def looks_like(raw: bytes) -> bool:
    """A 68, six address bytes, a second 68, and the end byte 16 where the length puts it (the
    header alone also fits a DL/T 698.45 frame whose address has 68 in the right place)."""
    i = raw.find(0x68)
    while 0 <= i <= len(raw) - 8:
        if raw[i + 7] == 0x68:
            end = i + 11 + raw[i + 9] if len(raw) > i + 9 else len(raw)
            if end >= len(raw) or raw[end] == 0x16:  # a truncated frame still counts
                return True
        i = raw.find(0x68, i + 1)
    return False


def describe(raw: bytes, version: str | None = None) -> Report:
    frame = decode(raw)
    if version is None:
        version = "1997" if frame.function in _ONLY_1997 else "2007"
    report: Report = {
        "protocol": f"dlt645-{version}",
        "valid": True,
        "direction": "response" if frame.is_response else "request",
        "address": frame.address,
        "control": frame.control,
        "function": _function_name(frame.function, version),
        "abnormal": frame.is_abnormal,
        "follow_up": frame.has_follow_up,
        "values": [],
    }
    if frame.is_abnormal:
        status = frame.data[0] if frame.data else 0
        report["error_status"] = f"{status:02X}"
        report["error_bits"] = list(decode_error_bits(status, version=version))
        return report
    _describe_data(frame, version, report)
    report["values"] = report.pop("values")  # identifiers first, then what they carried
    return report


def _function_name(function: int, version: str) -> str:
    table = Function if version == "2007" else Function97
    try:
        return table(function).name.lower().replace("_", " ")
    except ValueError:
        return f"function {function:02X}"


def _describe_data(frame: Frame, version: str, report: Report) -> None:
    fn, data = frame.function, frame.data
    if fn == Function.BROADCAST_TIME:
        report["values"] = [{"name": "time", "value": time_from_wire(data).isoformat(), "unit": ""}]
        return
    if version == "1997":
        _describe_97(frame, report)
        return
    if fn in (Function.READ, Function.READ_FOLLOW_UP, Function.WRITE):
        _describe_item(frame, report)
    elif fn == Function.READ_ADDRESS and frame.is_response:
        report["values"] = [{"name": "communication address", "value": frame.address, "unit": ""}]
    elif fn == Function.CHANGE_BAUD and data:
        report["values"] = [
            {"name": "baud rate", "value": str(baud_from_word(data[0])), "unit": "bps"}
        ]
    elif fn == Function.FREEZE and len(data) == 4:
        pattern = data.hex().upper()
        report["values"] = [{"name": "freeze time mmhhDDMM", "value": pattern, "unit": ""}]
    elif fn == Function.CHANGE_PASSWORD and len(data) >= 8:
        new = Password.from_wire(data[-4:])
        report["values"] = [{"name": "new password level", "value": str(new.level), "unit": ""}]
    elif fn == Function.CLEAR_EVENTS and len(data) == 12:
        report["di"] = data[8:12][::-1].hex().upper()


def _describe_item(frame: Frame, report: Report) -> None:
    data = frame.data
    if frame.function == Function.WRITE and frame.is_response and not data:
        return  # a write's normal reply carries nothing: the meter did it
    if len(data) < 4:
        raise FrameError(
            FrameKind.LENGTH, f"expected a 4-byte data identifier, got {len(data)} bytes"
        )
    di = int.from_bytes(data[:4], "little")
    report["di"] = f"{di:08X}"
    body = data[4:]
    if frame.function == Function.READ_FOLLOW_UP:
        if body:
            report["seq"] = body[-1]
        body = body[:-1]
        if not frame.is_response:
            return
    if frame.function == Function.WRITE:
        if len(body) < 8:
            raise FrameError(FrameKind.LENGTH, "write: expected password and operator code")
        report["password_level"] = body[0]
        report["operator"] = body[4:8][::-1].hex().upper()
        body = body[8:]
    elif not frame.is_response:
        return  # a read request carries nothing but the DI (and a load-profile query)
    if di in dataids.LOAD_PROFILE:
        report["records"] = [
            {"time": r.at.isoformat(), "values": _values(r.values)} for r in parse_records(body)
        ]
        return
    item = dataids.ITEMS.get(di)
    _decode_into(item, "DL/T 645-2007", body, report)


def _decode_into(item: DataItem | None, table: str, body: bytes, report: Report) -> None:
    if item is None:
        report["warning"] = f"data identifier {report['di']} is not in the {table} table"
        report["raw_data"] = body.hex(" ").upper()
        return
    report["name"] = item.name_en
    report["name_zh"] = item.name_zh
    report["values"] = _values(decode_values(item, body))


def _describe_97(frame: Frame, report: Report) -> None:
    fn, data = frame.function, frame.data
    if fn not in (Function97.READ, Function97.WRITE) or len(data) < 2:
        return
    di = int.from_bytes(data[:2], "little")
    report["di"] = f"{di:04X}"
    body = data[2:]
    if fn == Function97.WRITE:
        if len(body) < 4:
            raise FrameError(FrameKind.LENGTH, "write: expected a password")
        report["password_level"] = body[0]
        body = body[4:]
    elif not frame.is_response:
        return
    _decode_into(dataids97.ITEMS.get(di), "DL/T 645-1997", body, report)
