"""采集监控's words for the collection's typed values: attempt results, why a unit drags the rate
down, 点抄 paths and value names, frame directions, the front end's state. The API hands over
codes (``AttemptResult`` values, ``ReadPath``, ``ReadValue.key``/``part``); the UI words them,
so that nothing English from the drivers reaches a Chinese screen (it is in the log)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QCoreApplication

from console.collection.api import FrontEndStatus, ListenProblem, ReadPath, ReadValue
from console.ui import format as fmt
from console.ui.kit.language import chinese
from console.ui.kit.noop import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from db.queries.collection_kpi import Reason

CONTEXT = "Collection"
translate = QCoreApplication.translate  # a name lupdate recognises

# db.models.AttemptResult values (console.ui does not import db). QT_TRANSLATE_NOOP returns
# its text; its stubs say object, hence the casts.
RESULTS: dict[Any, str] = cast(
    dict[Any, str],
    {
        "ok": QT_TRANSLATE_NOOP("Collection", "read"),
        "timeout": QT_TRANSLATE_NOOP("Collection", "timeout"),
        "rejected": QT_TRANSLATE_NOOP("Collection", "rejected"),
        "frame_error": QT_TRANSLATE_NOOP("Collection", "garbled reply"),
        "link_error": QT_TRANSLATE_NOOP("Collection", "link failure"),
        "no_data": QT_TRANSLATE_NOOP("Collection", "no data"),
        "offline": QT_TRANSLATE_NOOP("Collection", "offline"),
    },
)
PATHS: dict[Any, str] = cast(
    dict[Any, str],
    {
        ReadPath.CONCENTRATOR: QT_TRANSLATE_NOOP("Collection", "Via the concentrator (AFN 0C)"),
        ReadPath.FORWARD: QT_TRANSLATE_NOOP("Collection", "Forwarded to the meter (AFN 10)"),
        ReadPath.DIRECT: QT_TRANSLATE_NOOP("Collection", "The meter's own link"),
    },
)
PATH_TIPS: dict[Any, str] = cast(
    dict[Any, str],
    {
        ReadPath.CONCENTRATOR: QT_TRANSLATE_NOOP(
            "Collection", "The concentrator's latest data of the meter (AFN 0C F129 and F25)"
        ),
        ReadPath.FORWARD: QT_TRANSLATE_NOOP(
            "Collection",
            "The concentrator forwards a DL/T 645 read to the meter and its reply back (AFN 10 F1)",
        ),
        ReadPath.DIRECT: QT_TRANSLATE_NOOP(
            "Collection",
            "The meter's own RS-485, optical or converter link, without a concentrator",
        ),
    },
)
# ReadValue.key of the concentrator's current-data items (console.collection.reads).
QUANTITIES: dict[Any, str] = cast(
    dict[Any, str],
    {
        "forward_active_kwh": QT_TRANSLATE_NOOP("Collection", "Forward active energy"),
        "active_power_kw": QT_TRANSLATE_NOOP("Collection", "Active power"),
        "reactive_power_kvar": QT_TRANSLATE_NOOP("Collection", "Reactive power"),
        "apparent_power_kva": QT_TRANSLATE_NOOP("Collection", "Apparent power"),
        "voltage_v": QT_TRANSLATE_NOOP("Collection", "Voltage"),
        "current_a": QT_TRANSLATE_NOOP("Collection", "Current"),
        "neutral_current_a": QT_TRANSLATE_NOOP("Collection", "Neutral current"),
        "power_factor_pct": QT_TRANSLATE_NOOP("Collection", "Power factor"),
        "read_at": QT_TRANSLATE_NOOP("Collection", "Read at"),
    },
)
PARTS: dict[Any, str] = cast(
    dict[Any, str],
    {
        "total": QT_TRANSLATE_NOOP("Collection", "total"),
        "T1": QT_TRANSLATE_NOOP("Collection", "tariff 1 (peak)"),
        "T2": QT_TRANSLATE_NOOP("Collection", "tariff 2 (high)"),
        "T3": QT_TRANSLATE_NOOP("Collection", "tariff 3 (flat)"),
        "T4": QT_TRANSLATE_NOOP("Collection", "tariff 4 (valley)"),
        "A": QT_TRANSLATE_NOOP("Collection", "phase A"),
        "B": QT_TRANSLATE_NOOP("Collection", "phase B"),
        "C": QT_TRANSLATE_NOOP("Collection", "phase C"),
    },
)
DIRECTIONS: dict[Any, str] = cast(
    dict[Any, str],
    {
        "up": QT_TRANSLATE_NOOP("Collection", "↑ up"),
        "down": QT_TRANSLATE_NOOP("Collection", "↓ down"),
    },
)
# Why the front end does not listen (FrontEndStatus.problem).
_LISTEN_PROBLEMS = {
    ListenProblem.PORT_BUSY: QT_TRANSLATE_NOOP(
        "Collection", "the port is taken by another program"
    ),
    ListenProblem.PERMISSION: QT_TRANSLATE_NOOP("Collection", "this user may not open the port"),
    ListenProblem.ADDRESS: QT_TRANSLATE_NOOP("Collection", "this computer has no such address"),
}
_ISO_TIME = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)")


def readable(value: str) -> str:
    """A value as people read it: an ISO date-time with a space, not a T."""
    return _ISO_TIME.sub(r"\1 \2", value)


def result_text(result: str) -> str:
    """An ``AttemptResult`` value, worded (an unknown code is shown as it is)."""
    known = RESULTS.get(result)
    return translate(CONTEXT, known) if known else result


def reason_text(reason: Reason | None) -> str:
    """Why a unit fails: "offline", or a concentrator's most common result, "offline ×87"."""
    if reason is None:
        return fmt.DASH
    text = result_text(reason.result)
    return f"{text} ×{fmt.number(reason.count)}" if reason.count > 1 else text


def reason_tip(reason: Reason | None) -> str:
    """The driver's text of the latest failure, for the English UI only (Chinese: the log)."""
    if reason is None or not reason.error or chinese():
        return ""
    return reason.error


def path_text(path: ReadPath | str) -> str:
    known = PATHS.get(ReadPath(path)) if path in {p.value for p in ReadPath} else None
    return translate(CONTEXT, known) if known else str(path)


def path_tip(path: ReadPath) -> str:
    return translate(CONTEXT, PATH_TIPS[path])


def direction_text(direction: str) -> str:
    known = DIRECTIONS.get(str(direction))
    return translate(CONTEXT, known) if known else str(direction)


def value_name(value: ReadValue) -> str:
    """A 点抄 value's name: the concentrator's quantities and parts worded here; a meter
    protocol's own item by the standard's name in the UI language (its code when the standard
    has no name in it)."""
    quantity = QUANTITIES.get(value.key)
    if quantity is not None:
        name = translate(CONTEXT, quantity)
    elif chinese():
        name = value.name_zh or value.key
    else:
        name = value.name or value.key
    part = PARTS.get(value.part)
    if not value.part:
        return name
    part_text = translate(CONTEXT, part) if part else value.part
    return translate("Collection", "{name} ({part})").format(name=name, part=part_text)


def frontend_problem(status: FrontEndStatus) -> str | None:
    """What the view must say about the concentrator front end, or None when it listens."""
    if not status.enabled:
        return translate(
            "Collection",
            "The concentrator front end is turned off in this installation ([frontend] "
            "enabled = false): concentrators do not log in, and reads through them and the "
            "message monitor are unavailable. Meters on their own links are still collected.",
        )
    if status.address is not None:
        return None
    error = status.error or ""
    known = _LISTEN_PROBLEMS.get(status.problem) if status.problem is not None else None
    if known is not None:
        why = translate(CONTEXT, known)
    else:
        why = error if error and not chinese() else translate("Collection", "see the log")
    return translate(
        "Collection",
        "The concentrator front end is not listening{where}: {why}. Concentrators cannot log "
        "in; reads through them and the message monitor are unavailable until it is restarted.",
    ).format(
        where=translate("Collection", " on {address}").format(address=status.wanted)
        if status.wanted
        else "",
        why=why,
    )
