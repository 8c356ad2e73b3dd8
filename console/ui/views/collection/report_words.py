"""The words of the ``smc decode`` report in the UI language: its keys (labels), the few
English words in its values (directions, function names, a DL/T 645 abnormal reply's error
bits) and the kinds of decoding errors. Names of Q/GDW 1376.1 items come with the report."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QCoreApplication

from console.ui.kit.noop import QT_TRANSLATE_NOOP

CONTEXT = "FrameReport"
translate = QCoreApplication.translate  # a name lupdate recognises

LABELS: dict[str, str] = cast(
    dict[str, str],
    {
        # the frame
        "protocol": QT_TRANSLATE_NOOP("FrameReport", "protocol"),
        "valid": QT_TRANSLATE_NOOP("FrameReport", "valid"),
        "direction": QT_TRANSLATE_NOOP("FrameReport", "direction"),
        "prm": QT_TRANSLATE_NOOP("FrameReport", "initiating station (PRM)"),
        "function": QT_TRANSLATE_NOOP("FrameReport", "function"),
        "function_name": QT_TRANSLATE_NOOP("FrameReport", "function name"),
        "control": QT_TRANSLATE_NOOP("FrameReport", "control"),
        "address": QT_TRANSLATE_NOOP("FrameReport", "address"),
        "district": QT_TRANSLATE_NOOP("FrameReport", "district code"),
        "terminal": QT_TRANSLATE_NOOP("FrameReport", "terminal address"),
        "master": QT_TRANSLATE_NOOP("FrameReport", "master station address"),
        "group": QT_TRANSLATE_NOOP("FrameReport", "group address"),
        "afn": "AFN",
        "afn_name": QT_TRANSLATE_NOOP("FrameReport", "application function"),
        "seq": "SEQ",
        "tpv": "TpV",
        "fir": "FIR",
        "fin": "FIN",
        "con": "CON",
        "acd": "ACD",
        "fcb": "FCB",
        "fcv": "FCV",
        "number": QT_TRANSLATE_NOOP("FrameReport", "sequence number"),
        "ec": QT_TRANSLATE_NOOP("FrameReport", "event counters (EC)"),
        "ec1": QT_TRANSLATE_NOOP("FrameReport", "important events (EC1)"),
        "ec2": QT_TRANSLATE_NOOP("FrameReport", "normal events (EC2)"),
        "pw": QT_TRANSLATE_NOOP("FrameReport", "message authentication (PW)"),
        "tp": QT_TRANSLATE_NOOP("FrameReport", "time label (Tp)"),
        "items": QT_TRANSLATE_NOOP("FrameReport", "data units"),
        "pn": QT_TRANSLATE_NOOP("FrameReport", "measurement point (Pn)"),
        "fn": "Fn",
        "name": QT_TRANSLATE_NOOP("FrameReport", "name"),
        "values": QT_TRANSLATE_NOOP("FrameReport", "data"),
        "all_points": QT_TRANSLATE_NOOP("FrameReport", "every measurement point"),
        "forwarded": QT_TRANSLATE_NOOP("FrameReport", "forwarded meter frame"),
        "raw_data": QT_TRANSLATE_NOOP("FrameReport", "data units (hex)"),
        "error": QT_TRANSLATE_NOOP("FrameReport", "error"),
        "error_kind": QT_TRANSLATE_NOOP("FrameReport", "error"),
        "warning": QT_TRANSLATE_NOOP("FrameReport", "note"),
        # DL/T 645, DL/T 698.45, IEC 62056-21
        "abnormal": QT_TRANSLATE_NOOP("FrameReport", "abnormal reply"),
        "follow_up": QT_TRANSLATE_NOOP("FrameReport", "follow-up frame"),
        "di": QT_TRANSLATE_NOOP("FrameReport", "data identifier (DI)"),
        "error_status": QT_TRANSLATE_NOOP("FrameReport", "error status"),
        "error_bits": QT_TRANSLATE_NOOP("FrameReport", "errors"),
        "password_level": QT_TRANSLATE_NOOP("FrameReport", "password level"),
        "operator": QT_TRANSLATE_NOOP("FrameReport", "operator code"),
        "records": QT_TRANSLATE_NOOP("FrameReport", "load records"),
        "time": QT_TRANSLATE_NOOP("FrameReport", "time"),
        "value": QT_TRANSLATE_NOOP("FrameReport", "value"),
        "unit": QT_TRANSLATE_NOOP("FrameReport", "unit"),
        "address_type": QT_TRANSLATE_NOOP("FrameReport", "address type"),
        "client_address": QT_TRANSLATE_NOOP("FrameReport", "client address"),
        "logical_address": QT_TRANSLATE_NOOP("FrameReport", "logical address"),
        "dar": "DAR",
        "errors": QT_TRANSLATE_NOOP("FrameReport", "errors"),
        "item": QT_TRANSLATE_NOOP("FrameReport", "data item"),
        "oads": "OAD",
        "ack": QT_TRANSLATE_NOOP("FrameReport", "acknowledgement"),
        "baud": QT_TRANSLATE_NOOP("FrameReport", "baud rate"),
        "command": QT_TRANSLATE_NOOP("FrameReport", "command"),
        "data": QT_TRANSLATE_NOOP("FrameReport", "data"),
        "enhanced": QT_TRANSLATE_NOOP("FrameReport", "enhanced mode"),
        "identification": QT_TRANSLATE_NOOP("FrameReport", "identification"),
        "manufacturer": QT_TRANSLATE_NOOP("FrameReport", "manufacturer"),
        "message": QT_TRANSLATE_NOOP("FrameReport", "message"),
        "mode": QT_TRANSLATE_NOOP("FrameReport", "mode"),
        "protocol_control": QT_TRANSLATE_NOOP("FrameReport", "protocol control"),
        "readout": QT_TRANSLATE_NOOP("FrameReport", "readout"),
        # Q/GDW 1376.1 data units' values
        "clock": QT_TRANSLATE_NOOP("FrameReport", "terminal clock"),
        "day": QT_TRANSLATE_NOOP("FrameReport", "day"),
        "start": QT_TRANSLATE_NOOP("FrameReport", "start"),
        "density": QT_TRANSLATE_NOOP("FrameReport", "freeze density"),
        "count": QT_TRANSLATE_NOOP("FrameReport", "count"),
        "read_at": QT_TRANSLATE_NOOP("FrameReport", "read at"),
        "tariffs": QT_TRANSLATE_NOOP("FrameReport", "tariffs"),
        "start_pointer": QT_TRANSLATE_NOOP("FrameReport", "start pointer"),
        "end_pointer": QT_TRANSLATE_NOOP("FrameReport", "end pointer"),
        "forward_active_kwh": QT_TRANSLATE_NOOP("FrameReport", "forward active energy (kWh)"),
        "reverse_active_kwh": QT_TRANSLATE_NOOP("FrameReport", "reverse active energy (kWh)"),
        "forward_reactive_kvarh": QT_TRANSLATE_NOOP(
            "FrameReport", "forward reactive energy (kvarh)"
        ),
        "q1_reactive_kvarh": QT_TRANSLATE_NOOP("FrameReport", "quadrant I reactive energy (kvarh)"),
        "q2_reactive_kvarh": QT_TRANSLATE_NOOP(
            "FrameReport", "quadrant II reactive energy (kvarh)"
        ),
        "q3_reactive_kvarh": QT_TRANSLATE_NOOP(
            "FrameReport", "quadrant III reactive energy (kvarh)"
        ),
        "q4_reactive_kvarh": QT_TRANSLATE_NOOP(
            "FrameReport", "quadrant IV reactive energy (kvarh)"
        ),
        "active_power_kw": QT_TRANSLATE_NOOP("FrameReport", "active power (kW)"),
        "reactive_power_kvar": QT_TRANSLATE_NOOP("FrameReport", "reactive power (kvar)"),
        "apparent_power_kva": QT_TRANSLATE_NOOP("FrameReport", "apparent power (kVA)"),
        "power_factor_pct": QT_TRANSLATE_NOOP("FrameReport", "power factor (%)"),
        "voltage_v": QT_TRANSLATE_NOOP("FrameReport", "voltage (V)"),
        "current_a": QT_TRANSLATE_NOOP("FrameReport", "current (A)"),
        "neutral_current_a": QT_TRANSLATE_NOOP("FrameReport", "neutral current (A)"),
        "events": QT_TRANSLATE_NOOP("FrameReport", "event records"),
        "erc": "ERC",
        "raw": QT_TRANSLATE_NOOP("FrameReport", "record (hex)"),
        "at": QT_TRANSLATE_NOOP("FrameReport", "occurred at"),
        "phases": QT_TRANSLATE_NOOP("FrameReport", "phases"),
        "kind": QT_TRANSLATE_NOOP("FrameReport", "kind"),
        "power_off_at": QT_TRANSLATE_NOOP("FrameReport", "power off at"),
        "power_on_at": QT_TRANSLATE_NOOP("FrameReport", "power on at"),
        "opened_at": QT_TRANSLATE_NOOP("FrameReport", "cover opened at"),
        "closed_at": QT_TRANSLATE_NOOP("FrameReport", "cover closed at"),
        "port": QT_TRANSLATE_NOOP("FrameReport", "port"),
        "timeout_ms": QT_TRANSLATE_NOOP("FrameReport", "frame timeout (ms)"),
        "byte_timeout_ms": QT_TRANSLATE_NOOP("FrameReport", "byte timeout (ms)"),
        "payload": QT_TRANSLATE_NOOP("FrameReport", "forwarded bytes"),
        "points": QT_TRANSLATE_NOOP("FrameReport", "curve points"),
        "meters": QT_TRANSLATE_NOOP("FrameReport", "meters"),
        "serials": QT_TRANSLATE_NOOP("FrameReport", "serial numbers"),
        "serial": QT_TRANSLATE_NOOP("FrameReport", "serial number"),
        "baud_code": QT_TRANSLATE_NOOP("FrameReport", "baud rate code"),
        "password": QT_TRANSLATE_NOOP("FrameReport", "password"),
        "dec_digits": QT_TRANSLATE_NOOP("FrameReport", "decimal digits"),
        "int_digits": QT_TRANSLATE_NOOP("FrameReport", "integer digits"),
        "collector": QT_TRANSLATE_NOOP("FrameReport", "collector address"),
        "user_class": QT_TRANSLATE_NOOP("FrameReport", "user class"),
        "user_subclass": QT_TRANSLATE_NOOP("FrameReport", "user subclass"),
        "ok": QT_TRANSLATE_NOOP("FrameReport", "confirmed"),
    },
)
# The reports' own English words, worded: directions, function names (DL/T 645 from its
# Function enums, Q/GDW 1376.1 by PRM), value names of DL/T 645 functions without a DI, and
# the error bits of an abnormal DL/T 645 reply.
WORDS: dict[str, str] = cast(
    dict[str, str],
    {
        "uplink": QT_TRANSLATE_NOOP("FrameReport", "uplink"),
        "downlink": QT_TRANSLATE_NOOP("FrameReport", "downlink"),
        "request": QT_TRANSLATE_NOOP("FrameReport", "request"),
        "response": QT_TRANSLATE_NOOP("FrameReport", "response"),
        "read": QT_TRANSLATE_NOOP("FrameReport", "read data"),
        "read follow up": QT_TRANSLATE_NOOP("FrameReport", "read follow-up data"),
        "reread": QT_TRANSLATE_NOOP("FrameReport", "read again"),
        "read address": QT_TRANSLATE_NOOP("FrameReport", "read address"),
        "write": QT_TRANSLATE_NOOP("FrameReport", "write data"),
        "write address": QT_TRANSLATE_NOOP("FrameReport", "write address"),
        "broadcast time": QT_TRANSLATE_NOOP("FrameReport", "broadcast time"),
        "freeze": QT_TRANSLATE_NOOP("FrameReport", "freeze"),
        "change baud": QT_TRANSLATE_NOOP("FrameReport", "change baud rate"),
        "change password": QT_TRANSLATE_NOOP("FrameReport", "change password"),
        "clear demand": QT_TRANSLATE_NOOP("FrameReport", "clear demand"),
        "clear meter": QT_TRANSLATE_NOOP("FrameReport", "clear meter"),
        "clear events": QT_TRANSLATE_NOOP("FrameReport", "clear events"),
        "reset": QT_TRANSLATE_NOOP("FrameReport", "reset"),
        "user data": QT_TRANSLATE_NOOP("FrameReport", "user data"),
        "link test": QT_TRANSLATE_NOOP("FrameReport", "link test"),
        "request class 1 data": QT_TRANSLATE_NOOP("FrameReport", "request class 1 data"),
        "request class 2 data": QT_TRANSLATE_NOOP("FrameReport", "request class 2 data"),
        "confirm": QT_TRANSLATE_NOOP("FrameReport", "confirm"),
        "user data response": QT_TRANSLATE_NOOP("FrameReport", "user data response"),
        "deny: no requested data": QT_TRANSLATE_NOOP("FrameReport", "deny: no requested data"),
        "link status": QT_TRANSLATE_NOOP("FrameReport", "link status"),
        "time": QT_TRANSLATE_NOOP("FrameReport", "time"),
        "communication address": QT_TRANSLATE_NOOP("FrameReport", "communication address"),
        "baud rate": QT_TRANSLATE_NOOP("FrameReport", "baud rate"),
        "freeze time mmhhDDMM": QT_TRANSLATE_NOOP("FrameReport", "freeze time (mmhhDDMM)"),
        "new password level": QT_TRANSLATE_NOOP("FrameReport", "new password level"),
        "other error": QT_TRANSLATE_NOOP("FrameReport", "other error"),
        "no requested data": QT_TRANSLATE_NOOP("FrameReport", "no requested data"),
        "password error or unauthorised": QT_TRANSLATE_NOOP(
            "FrameReport", "password error or unauthorised"
        ),
        "baud rate cannot be changed": QT_TRANSLATE_NOOP(
            "FrameReport", "baud rate cannot be changed"
        ),
        "too many year time zones": QT_TRANSLATE_NOOP("FrameReport", "too many year time zones"),
        "too many daily periods": QT_TRANSLATE_NOOP("FrameReport", "too many daily periods"),
        "too many tariffs": QT_TRANSLATE_NOOP("FrameReport", "too many tariffs"),
        "reserved": QT_TRANSLATE_NOOP("FrameReport", "reserved"),
        "illegal data": QT_TRANSLATE_NOOP("FrameReport", "illegal data"),
        "data identifier error": QT_TRANSLATE_NOOP("FrameReport", "data identifier error"),
        "password error": QT_TRANSLATE_NOOP("FrameReport", "password error"),
    },
)
ERROR_KINDS: dict[str, str] = cast(
    dict[str, str],
    {
        "checksum": QT_TRANSLATE_NOOP("FrameReport", "checksum mismatch"),
        "end_byte": QT_TRANSLATE_NOOP("FrameReport", "wrong end byte"),
        "header": QT_TRANSLATE_NOOP("FrameReport", "not a frame header"),
        "truncated": QT_TRANSLATE_NOOP("FrameReport", "frame cut short"),
        "length": QT_TRANSLATE_NOOP("FrameReport", "impossible length"),
        "value_format": QT_TRANSLATE_NOOP("FrameReport", "a value is malformed"),
        "unsupported": QT_TRANSLATE_NOOP("FrameReport", "not supported"),
    },
)


def label_of(key: str) -> str:
    if key.startswith("after_") and key[6:] in LABELS:  # a cover-open record's second half
        return translate("FrameReport", "{field} after closing").format(field=label_of(key[6:]))
    text = LABELS.get(key)
    if text is None:
        return key
    return translate(CONTEXT, text)


def word(text: str) -> str:
    known = WORDS.get(text)
    return translate(CONTEXT, known) if known else text


def error_kind_text(kind: object) -> str:
    known = ERROR_KINDS.get(str(kind))
    return translate(CONTEXT, known) if known else str(kind)
