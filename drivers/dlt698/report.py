"""``smc decode`` for DL/T 698.45: one frame -> a JSON-ready report, and a cheap sniff that tells
698.45 frames from DL/T 645 (68 A0..A5 68) and Q/GDW 1376.1 (68 L L L L 68) ones."""

from __future__ import annotations

from drivers.api import ReadingValue, json_value
from drivers.dlt698.apdu import (
    ERROR_NAMES,
    LINK_RESULT_NAMES,
    Apdu,
    ErrorResponse,
    GetRequestNormal,
    GetRequestNormalList,
    GetResponseNormal,
    GetResponseNormalList,
    LinkRequest,
    LinkResponse,
    ResultNormal,
    dar_name,
    decode_apdu,
    function_name,
)
from drivers.dlt698.axdr import Oad
from drivers.dlt698.codec import (
    LENGTH_MASK,
    LENGTH_RESERVED,
    LENGTH_UNIT_KB,
    SA_OFFSET,
    START,
    WAKE_UP,
    decode,
    hcs_index,
)
from drivers.dlt698.crc import crc16
from drivers.dlt698.oad import named_values

PROTOCOL = "dlt698.45"
Value = dict[str, str]


def _value(name: str, value: ReadingValue, unit: str = "", item: str = "") -> Value:
    text = str(value).lower() if isinstance(value, bool) else json_value(value)
    return {"item": item, "name": name, "value": text, "unit": unit}


def _results(apdu: Apdu) -> tuple[ResultNormal, ...]:
    """The Get-Results of a response, followed by those of its follow report."""
    if isinstance(apdu, (GetResponseNormal, GetResponseNormalList)):
        return apdu.results + (apdu.follow_report or ())
    if isinstance(apdu, ErrorResponse):
        return apdu.follow_report or ()
    return ()


def _oads(apdu: Apdu) -> list[Oad]:
    if isinstance(apdu, GetRequestNormal):
        return [apdu.oad]
    if isinstance(apdu, GetRequestNormalList):
        return list(apdu.oads)
    if isinstance(apdu, (GetResponseNormal, GetResponseNormalList)):
        return [r.oad for r in apdu.results]
    return []


def _values(apdu: Apdu) -> list[Value]:
    if isinstance(apdu, LinkRequest):
        return [
            _value("request type", apdu.request_type.name.lower()),
            _value("heartbeat period", apdu.heartbeat_s, "s"),
            _value("request time", apdu.request_time),
        ]
    if isinstance(apdu, LinkResponse):
        result = LINK_RESULT_NAMES.get(apdu.result_code, f"result {apdu.result_code}")
        return [
            _value("result", result),
            _value("clock trusted", apdu.clock_trusted),
            _value("request time", apdu.request_time),
            _value("receive time", apdu.receive_time),
            _value("response time", apdu.response_time),
        ]
    if isinstance(apdu, ErrorResponse):
        return [_value("error", ERROR_NAMES.get(apdu.error, f"other ({apdu.error})"))]
    out = []
    for item in _results(apdu):
        if item.data is not None:
            for nv in named_values(item.oad, item.data):
                out.append(_value(nv.name_en, nv.value, nv.unit, str(nv.oad)))
    return out


def describe(raw: bytes) -> dict[str, object]:
    """The report of one frame; raises ``FrameError`` (expected vs actual) if it is invalid."""
    frame = decode(raw)
    apdu = decode_apdu(frame.apdu)
    oads = _oads(apdu)
    errors = [
        {"item": str(r.oad), "dar": r.dar, "name": dar_name(r.dar)}
        for r in _results(apdu)
        if r.dar is not None
    ]
    is_request = isinstance(apdu, (LinkRequest, GetRequestNormal, GetRequestNormalList))
    return {
        "protocol": PROTOCOL,
        "valid": True,
        "direction": "request" if is_request else "response",
        "address": frame.server.address,
        "address_type": frame.server.type.name.lower(),
        "logical_address": frame.server.logical,
        "client_address": frame.client,
        "control": frame.control,
        "function": function_name(apdu),
        "abnormal": bool(errors) or isinstance(apdu, ErrorResponse),
        "di": str(oads[0]) if oads else "",
        "oads": [str(oad) for oad in oads],
        "values": _values(apdu),
        "errors": errors,
    }


def _is_dlt645(raw: bytes, i: int) -> bool:
    """68 A0..A5 68 C L DATA CS 16 with its byte-sum checksum."""
    if len(raw) - i < 12 or raw[i + 7] != START:
        return False
    end = i + 12 + raw[i + 9]
    return len(raw) >= end and sum(raw[i : end - 2]) & 0xFF == raw[end - 2] and raw[end - 1] == 0x16


def _is_gdw1376(raw: bytes, i: int) -> bool:
    """68 L L L L 68 ... CS 16, L sent twice, CS the sum of the user data."""
    if len(raw) - i < 8 or raw[i + 1 : i + 3] != raw[i + 3 : i + 5] or raw[i + 5] != START:
        return False
    end = i + 6 + (int.from_bytes(raw[i + 1 : i + 3], "little") >> 2) + 2
    return len(raw) >= end and sum(raw[i + 6 : end - 2]) & 0xFF == raw[end - 2]


def looks_like(raw: bytes) -> bool:
    """A cheap sniff: a 68 (after wake-up bytes), a plausible length and an HCS that checks."""
    i = len(raw) - len(raw.lstrip(bytes((WAKE_UP,))))
    if len(raw) - i < SA_OFFSET or raw[i] != START:
        return False
    if _is_dlt645(raw, i) or _is_gdw1376(raw, i):
        return False
    hcs = hcs_index(raw, i)
    if len(raw) < hcs + 2:
        return False
    field = raw[i + 1] | raw[i + 2] << 8
    minimum = (hcs + 2 - (i + 1)) + 1 + 2  # header from L through HCS, one APDU byte, FCS
    if field & (LENGTH_UNIT_KB | LENGTH_RESERVED) or (field & LENGTH_MASK) < minimum:
        return False
    return crc16(raw[i + 1 : hcs]) == raw[hcs] | raw[hcs + 1] << 8
