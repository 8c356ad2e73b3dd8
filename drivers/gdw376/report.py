"""``smc decode`` for Q/GDW 1376.1: one frame (either direction) as a JSON-ready report, and the
cheap sniff that tells a 376.1 frame (``68 L L 68``) from the meter protocols'.

A frame that fails the frame layer (checksum, end byte, lengths, header) raises ``FrameError``.
A frame that passes it but whose data units cannot be decoded (an Fn outside the table, a unit
cut short, a value that is not BCD) is still reported: every frame field, ``"valid": false``,
``"error"``/``"error_kind"`` from the units layer and the data units' bytes as ``raw_data``; the
checksum proved the bytes arrived as sent, so what the frame says about itself is worth showing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal

from drivers.dlt645 import report as dlt645_report
from drivers.dlt698 import report as dlt698_report
from drivers.errors import FrameError
from drivers.gdw376 import codec
from drivers.gdw376.codec import FCB, FCV, Frame
from drivers.gdw376.units import AFN_NAMES, ALL_POINTS, DataUnit, decode_units, fn_info

PROTOCOL = "qgdw1376.1"
Report = dict[str, object]

# The AFNs ``units`` has no data units for, named here so that every frame gets a name.
_OTHER_AFNS: dict[int, tuple[str, str]] = {
    0x01: ("reset", "复位"),
    0x03: ("relay station command", "中继站命令"),
    0x06: ("authentication and key negotiation", "身份认证及密钥协商"),
    0x08: ("request cascaded terminals' reports", "请求被级联终端主动上报"),
    0x09: ("request terminal configuration", "请求终端配置"),
    0x0B: ("request task data", "请求任务数据"),
    0x0F: ("file transfer", "文件传输"),
}
_AFNS = {**_OTHER_AFNS, **AFN_NAMES}

# Function codes of C by PRM: 1 = the station that starts the exchange, 0 = the answering one.
_FUNCTIONS: dict[bool, dict[int, str]] = {
    True: {
        1: "reset",
        4: "user data",
        9: "link test",
        10: "request class 1 data",
        11: "request class 2 data",
    },
    False: {
        0: "confirm",
        8: "user data response",
        9: "deny: no requested data",
        11: "link status",
    },
}

# Meter protocols whose frames AFN 10 F1 carries to and from the meters behind a concentrator:
# (sniff, describe) of each.
_FORWARDED: tuple[tuple[Callable[[bytes], bool], Callable[[bytes], Report]], ...] = (
    (dlt645_report.looks_like, dlt645_report.describe),
    (dlt698_report.looks_like, dlt698_report.describe),
)


def looks_like(raw: bytes) -> bool:
    """``68 L L 68`` with equal length fields carrying the 376.1 protocol id."""
    return codec.looks_like(raw)


def header_offset(raw: bytes) -> int:
    """Where the header ``looks_like`` accepts starts, or -1: the first ``68 L L 68`` with equal
    length fields, if they carry the 376.1 protocol id."""
    i = raw.find(codec.START)
    while 0 <= i <= len(raw) - codec.HEADER_LEN:
        if raw[i + 5] == codec.START and raw[i + 1 : i + 3] == raw[i + 3 : i + 5]:
            return i if raw[i + 1] & 0b11 == codec.PROTOCOL_ID else -1
        i = raw.find(codec.START, i + 1)
    return -1


def function_name(prm: bool, function: int) -> str:
    return _FUNCTIONS[prm].get(function, f"reserved function {function}")


def json_ready(value: object) -> object:
    """Decimals as exact strings, dates and times in ISO form, bytes as spaced hex; mappings
    and lists are converted item by item, everything else (int, bool, str, None) kept."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.hex(" ").upper()
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value


def _forwarded(payload: object) -> Report | None:
    """The report of a meter frame carried by AFN 10 F1, if it is one we know."""
    if not isinstance(payload, (bytes, bytearray)) or not payload:
        return None
    raw = bytes(payload)
    for sniff, describe_meter_frame in _FORWARDED:
        if sniff(raw):
            try:
                return describe_meter_frame(raw)
            except FrameError as err:
                return {"valid": False, "error": str(err), "error_kind": str(err.kind)}
    return None


def _item(afn: int, unit: DataUnit) -> Report:
    info = fn_info(afn, unit.fn)
    item: Report = {
        "pn": unit.pn,  # 0: the terminal itself; ALL_POINTS (65535): every point (DA FF 00)
        "fn": unit.fn,
        "name": info.name_en if info is not None else f"F{unit.fn}",
        "name_zh": info.name_zh if info is not None else "",
        "values": json_ready(unit.values),
    }
    if unit.pn == ALL_POINTS:
        item["all_points"] = True
    if afn == 0x10:
        forwarded = _forwarded(unit.values.get("payload"))
        if forwarded is not None:
            item["forwarded"] = forwarded
    return item


def _head(frame: Frame) -> Report:
    afn_en, afn_zh = _AFNS.get(frame.afn, ("reserved", "备用"))
    address = frame.address
    report: Report = {
        "protocol": PROTOCOL,
        "valid": True,
        "direction": "uplink" if frame.uplink else "downlink",
        "prm": frame.prm,
        "function": frame.function,
        "function_name": function_name(frame.prm, frame.function),
        "control": f"{frame.control:02X}",
        "address": {
            "district": address.district,
            "terminal": address.terminal,
            "master": address.master,
            "group": address.group,
        },
        "afn": frame.afn,
        "afn_name": afn_en,
        "afn_name_zh": afn_zh,
        "seq": {
            "tpv": frame.tp is not None,
            "fir": frame.fir,
            "fin": frame.fin,
            "con": frame.con,
            "number": frame.sequence,
        },
    }
    if frame.uplink:
        report["acd"] = frame.acd
    else:
        report["fcb"] = bool(frame.control & FCB)
        report["fcv"] = bool(frame.control & FCV)
    if frame.ec is not None:
        report["ec"] = {"ec1": frame.ec[0], "ec2": frame.ec[1]}
    if frame.pw is not None:
        report["pw"] = frame.pw.hex(" ").upper()
    if frame.tp is not None:
        report["tp"] = frame.tp._asdict()
    return report


def describe(raw: bytes) -> Report:
    """The report of one frame; raises ``FrameError`` (what was expected and what came) only
    when the frame layer rejects it (see the module docstring for undecodable data units)."""
    frame = codec.decode(raw)
    report = _head(frame)
    try:
        units = decode_units(frame.afn, frame.uplink, frame.data)
    except FrameError as err:
        report["valid"] = False
        report["items"] = []
        report["raw_data"] = frame.data.hex(" ").upper()
        report["error"] = str(err)
        report["error_kind"] = str(err.kind)
        return report
    report["items"] = [_item(frame.afn, unit) for unit in units]
    return report
