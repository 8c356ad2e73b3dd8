"""A decoded frame (the ``smc decode`` report) in the UI language, for the message monitor: one
line that says what the frame is, and the full report as labelled, indented lines.

Keys and English words are worded by ``report_words``; names of Q/GDW 1376.1 items come with
the report (``name_zh``, ``afn_name_zh``); values (numbers, times, hex) are shown as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from console.ui.views.collection.report_words import WORDS, error_kind_text, label_of, word
from console.ui.views.collection.texts import readable

translate = QCoreApplication.translate  # a name lupdate recognises
SUMMARY_CHARS = 160
ALL_POINTS = 0xFFFF  # DA FF 00: every measurement point

_SKIP = object()
_WORDED = {"direction", "function", "function_name", "error_bits"}
_FOLDED = {"name_zh", "afn_name_zh"}  # shown in place of ``name``/``afn_name`` in Chinese


def _name(entry: Mapping[str, Any], key: str, chinese: bool) -> str:
    """The report's Chinese name when the UI is Chinese (nothing when it has none)."""
    if chinese:
        return str(entry.get(f"{key}_zh") or "")
    return str(entry.get(key) or "")


def _why(report: Mapping[str, Any], chinese: bool) -> str:
    if chinese or not report.get("error"):
        return error_kind_text(report.get("error_kind", "?"))
    return str(report["error"])


def _points(pns: list[int]) -> str:
    if ALL_POINTS in pns:
        return "p*"
    values = sorted(set(pns))
    if len(values) > 2 and values[-1] - values[0] == len(values) - 1:
        return f"p{values[0]}..p{values[-1]}"
    shown = ",".join(f"p{p}" for p in values[:4])
    return shown + ",…" if len(values) > 4 else shown


def _code(value: object) -> str:
    return f"{value:02X}" if isinstance(value, int) else str(value)


def _gdw376(report: Mapping[str, Any], chinese: bool) -> str:
    parts = [f"AFN {_code(report.get('afn', '?'))}"]
    groups: dict[tuple[str, str], list[int]] = {}
    forwarded = ""
    for item in report.get("items") or []:
        if not isinstance(item, Mapping):
            continue
        fn = item.get("fn", "?")
        key = (f"F{fn}" if isinstance(fn, int) else str(fn), _name(item, "name", chinese))
        pn = item.get("pn")
        groups.setdefault(key, []).extend([pn] if isinstance(pn, int) else [])
        if isinstance(item.get("forwarded"), Mapping) and not forwarded:
            forwarded = summarize(item["forwarded"], chinese=chinese)
    if not groups:  # no data units (a bare confirmation): say what the AFN is
        text = " ".join([*parts, _name(report, "afn_name", chinese)]).strip()
    else:
        for (fn, name), pns in groups.items():
            parts.append(" ".join(w for w in (fn, _points(pns) if pns else "", name) if w))
        text = " · ".join(parts) if len(parts) > 2 else " ".join(parts)
    if not report.get("valid", True):
        text += " · " + translate("FrameReport", "data units not decoded: {why}").format(
            why=_why(report, chinese)
        )
    return f"{text} → {forwarded}" if forwarded else text


def _meter_value(value: object, chinese: bool) -> str:
    if not isinstance(value, Mapping):
        return str(value)
    name = str(value.get("name_zh") or "") if chinese else str(value.get("name") or "")
    if chinese and not name and value.get("name") in WORDS:
        name = word(str(value["name"]))
    unit = str(value.get("unit") or "")
    text = f"{value.get('value', '')} {unit}".strip()
    return f"{name} = {text}" if name else text


def summarize(report: Mapping[str, Any], *, chinese: bool = False) -> str:
    """One line out of a report: what the frame is and what it carries."""
    if "afn" in report:
        text = _gdw376(report, chinese)
    elif not report.get("valid", True):
        return translate("FrameReport", "Cannot decode: {why}").format(why=_why(report, chinese))
    else:
        function = report.get("function")
        words = [str(report.get("protocol") or ""), word(str(function)) if function else ""]
        words.append(str(report.get("di") or ""))
        values = report.get("values") or []
        if isinstance(values, list) and values:
            words.append(_meter_value(values[0], chinese) + (" …" if len(values) > 1 else ""))
        text = " ".join(w for w in words if w)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def _scalar(key: str, value: object) -> str:
    if isinstance(value, bool):
        return translate("FrameReport", "yes") if value else translate("FrameReport", "no")
    if value is None:
        return "—"
    if key in _WORDED and isinstance(value, str):
        return word(value)
    if key == "error_kind":
        return error_kind_text(value)
    if key in ("afn", "control") and isinstance(value, int):
        return _code(value)  # hex, as the standards write them
    return readable(str(value))


def detail_lines(report: Mapping[str, Any], *, chinese: bool = False) -> list[str]:
    """The whole report as "label: value" lines, nested parts indented."""
    out: list[str] = []
    _mapping(report, 0, out, chinese)
    return out


def _shown(entry: Mapping[str, Any], key: str, value: object, chinese: bool) -> object:
    """What is shown for ``key`` (``_SKIP``: nothing) in the UI language."""
    if key in _FOLDED:
        return _SKIP
    if key in ("name", "afn_name"):
        return _name(entry, key, chinese) or _SKIP  # an English-only name stays out of zh_CN
    if key == "error" and chinese:
        return _SKIP  # the driver's English text; error_kind says it in the UI language
    if key == "warning" and chinese:
        return translate("FrameReport", "the data identifier is not in the standard's table")
    return value


def _items(items: list[Any], depth: int, out: list[str], chinese: bool) -> None:
    """Q/GDW 1376.1 data units: "p1 F161 name", then what each carries."""
    pad = "  " * depth
    out.append(f"{pad}{label_of('items')}:")
    for item in items:
        if isinstance(item, Mapping):
            head = f"p{item.get('pn', '?')} F{item.get('fn', '?')}"
            out.append(f"{pad}  {head} {_name(item, 'name', chinese)}".rstrip())
            rest = {k: v for k, v in item.items() if k not in ("pn", "fn", "name")}
            _mapping(rest, depth + 2, out, chinese)


def _mapping(entry: Mapping[str, Any], depth: int, out: list[str], chinese: bool) -> None:
    pad = "  " * depth
    for key, raw in entry.items():
        value = _shown(entry, key, raw, chinese)
        if value is _SKIP:
            continue
        if key == "items" and isinstance(value, list):
            _items(value, depth, out, chinese)
        elif isinstance(value, Mapping):
            out.append(f"{pad}{label_of(key)}:")
            _mapping(value, depth + 1, out, chinese)
        elif isinstance(value, list):
            _sequence(key, value, depth, out, chinese)
        else:
            out.append(f"{pad}{label_of(key)}: {_scalar(key, value)}")


def _sequence(key: str, values: list[Any], depth: int, out: list[str], chinese: bool) -> None:
    pad = "  " * depth
    if not any(isinstance(v, Mapping) for v in values):
        shown = ", ".join(_scalar(key, v) for v in values)
        out.append(f"{pad}{label_of(key)}: {shown if values else '—'}")
        return
    out.append(f"{pad}{label_of(key)}:")
    for i, value in enumerate(values, 1):
        if isinstance(value, Mapping) and "value" in value and "name" in value:
            out.append(f"{pad}  {_meter_value(value, chinese)}")  # a meter value: name = value
        elif isinstance(value, Mapping):
            out.append(f"{pad}  [{i}]")
            _mapping(value, depth + 2, out, chinese)
        else:
            out.append(f"{pad}  {_scalar(key, value)}")
