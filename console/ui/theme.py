"""Light and dark themes: one QSS template (resources/styles) filled from a palette, and the
matching plot colours. The palette's names say what a colour means, not what it looks like."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from console.core.paths import resource, user_cache_dir

# Fonts that carry Chinese, in order of preference; Qt falls back through the list.
CJK_FAMILIES = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans SC",
    "SimHei",
]


@dataclass(frozen=True, slots=True)
class Palette:
    name: str
    window: str
    panel: str
    border: str
    text: str
    muted: str
    accent: str
    nav: str
    nav_hover: str
    nav_text: str
    good: str
    warn: str
    bad: str
    bad_bg: str
    curve_today: str
    curve_yesterday: str
    grid: str


LIGHT = Palette(
    "light",
    window="#f2f4f7",
    panel="#ffffff",
    border="#d9e0e7",
    text="#1f2933",
    muted="#667788",
    accent="#0a7c6f",
    nav="#0f2a33",
    nav_hover="#1b3d47",
    nav_text="#c5d3da",
    good="#2e9d5b",
    warn="#c77c02",
    bad="#d64545",
    bad_bg="#fdecec",
    curve_today="#1668dc",
    curve_yesterday="#9aa5b1",
    grid="#e6eaef",
)
DARK = Palette(
    "dark",
    window="#14181d",
    panel="#1d232a",
    border="#2f3944",
    text="#e3e8ee",
    muted="#93a1ae",
    accent="#26a69a",
    nav="#0b1418",
    nav_hover="#18262c",
    nav_text="#b7c5cc",
    good="#4cc07a",
    warn="#f0a932",
    bad="#f06a6a",
    bad_bg="#3a2224",
    curve_today="#5aa2ff",
    curve_yesterday="#6b7885",
    grid="#2a323b",
)
PALETTES = {"light": LIGHT, "dark": DARK}

_active = [LIGHT]  # the palette in use (a list, so apply() can swap it without `global`)


def current() -> Palette:
    return _active[0]


def stylesheet(palette: Palette) -> str:
    template = resource("styles", "console.qss").read_text(encoding="utf-8")
    values = {k: getattr(palette, k) for k in Palette.__slots__}
    values["chevron"] = _tinted_svg("chevron-down", palette.muted).as_posix()
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


def _tinted_svg(name: str, colour: str) -> Path:
    """QSS can only point at files: write the icon in ``colour`` to the cache directory."""
    target = user_cache_dir() / "icons" / f"{name}-{colour.lstrip('#')}.svg"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        text = resource("icons", f"{name}.svg").read_text(encoding="utf-8")
        target.write_text(text.replace("currentColor", colour), encoding="utf-8")
    return target


def apply(app: QApplication, name: str) -> Palette:
    """Set the application font and stylesheet for theme ``name`` (``light`` or ``dark``)."""
    palette = PALETTES[name]
    font = QFont()
    font.setFamilies(CJK_FAMILIES)
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(stylesheet(palette))
    _active[0] = palette
    return palette
