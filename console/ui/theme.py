"""Light and dark themes: one QSS template (resources/styles) filled from a palette, and the
matching plot colours. The palette's names say what a colour means, not what it looks like."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QColor, QFont, QPalette
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
    field: str  # where the user types or reads rows: inputs and item views
    alt_row: str
    header: str  # item-view header sections
    hover: str  # under the pointer: items, tool buttons, tabs
    selection: str  # selected rows and text; selected text stays in `text`
    button: str
    control_border: str  # buttons, inputs, scroll-bar handles: stronger than panel borders
    accent_fill: str  # accent as a background under white text (nav selection)
    progress: str  # a progress bar's filled part, readable under `text`
    disabled_text: str
    disabled_bg: str


# Text colours reach WCAG AA (4.5:1) on the backgrounds they sit on; the pairs checked are in
# tests/console/ui/test_theme.py (PAIRS).
LIGHT = Palette(
    "light",
    window="#f2f4f7",
    panel="#ffffff",
    border="#d9e0e7",
    text="#1f2933",
    muted="#5c6b7a",
    accent="#0a7c6f",
    nav="#0f2a33",
    nav_hover="#1b3d47",
    nav_text="#c5d3da",
    good="#1d8348",
    warn="#a86800",
    bad="#c53030",
    bad_bg="#fdecec",
    curve_today="#1668dc",
    curve_yesterday="#9aa5b1",
    grid="#e6eaef",
    field="#ffffff",
    alt_row="#f6f8fa",
    header="#eef1f5",
    hover="#e8f3f1",
    selection="#cfe9e5",
    button="#ffffff",
    control_border="#c3ccd6",
    accent_fill="#0a7c6f",
    progress="#7cc4ba",
    disabled_text="#8a96a3",
    disabled_bg="#eef1f4",
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
    field="#12161b",
    alt_row="#181d23",
    header="#252d36",
    hover="#26313b",
    selection="#163d3a",
    button="#27303a",
    control_border="#3d4955",
    accent_fill="#1a7f75",
    progress="#24615b",
    disabled_text="#6b7885",
    disabled_bg="#1f252c",
)
PALETTES = {"light": LIGHT, "dark": DARK}

_active = [LIGHT]  # the palette in use (a list, so apply() can swap it without `global`)


def current() -> Palette:
    return _active[0]


# Pictures the stylesheet points at: placeholder -> (resource folder, SVG name, colour: a
# palette name or a literal).
_GLYPHS = {
    "chevron": ("icons", "chevron-down", "muted"),
    "chevron_disabled": ("icons", "chevron-down", "disabled_text"),
    "chevron_up": ("styles/glyphs", "chevron-up", "muted"),
    "chevron_up_disabled": ("styles/glyphs", "chevron-up", "disabled_text"),
    "check": ("styles/glyphs", "check", "#ffffff"),  # on accent_fill
    "check_disabled": ("styles/glyphs", "check", "disabled_bg"),
    "close": ("styles/glyphs", "close", "muted"),
    "float": ("styles/glyphs", "float", "muted"),
}


def stylesheet(palette: Palette) -> str:
    template = resource("styles", "console.qss").read_text(encoding="utf-8")
    values = {k: getattr(palette, k) for k in Palette.__slots__}
    for key, (folder, name, colour) in _GLYPHS.items():
        tint = colour if colour.startswith("#") else getattr(palette, colour)
        values[key] = _tinted_svg(folder, name, tint).as_posix()
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


def _tinted_svg(folder: str, name: str, colour: str) -> Path:
    """QSS can only point at files: write the picture in ``colour`` to the cache directory."""
    target = user_cache_dir() / "icons" / f"{name}-{colour.lstrip('#')}.svg"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        text = resource(folder, f"{name}.svg").read_text(encoding="utf-8")
        target.write_text(text.replace("currentColor", colour), encoding="utf-8")
    return target


def qt_palette(palette: Palette) -> QPalette:
    """The same colours as a QPalette, for what the stylesheet does not reach: widgets Qt
    draws itself (message and file dialogs, check marks, spin-box arrows, branch arrows)."""
    qp = QPalette()
    groups = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)
    roles = {
        QPalette.ColorRole.Window: palette.window,
        QPalette.ColorRole.WindowText: palette.text,
        QPalette.ColorRole.Base: palette.field,
        QPalette.ColorRole.AlternateBase: palette.alt_row,
        QPalette.ColorRole.Text: palette.text,
        QPalette.ColorRole.PlaceholderText: palette.muted,
        QPalette.ColorRole.Button: palette.button,
        QPalette.ColorRole.ButtonText: palette.text,
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: palette.selection,
        QPalette.ColorRole.HighlightedText: palette.text,
        QPalette.ColorRole.ToolTipBase: palette.panel,
        QPalette.ColorRole.ToolTipText: palette.text,
        QPalette.ColorRole.Link: palette.accent,
        QPalette.ColorRole.LinkVisited: palette.accent,
        QPalette.ColorRole.Light: palette.panel,
        QPalette.ColorRole.Midlight: palette.border,
        QPalette.ColorRole.Mid: palette.control_border,
        QPalette.ColorRole.Dark: palette.control_border,
        QPalette.ColorRole.Shadow: palette.nav,
    }
    disabled = {
        QPalette.ColorRole.WindowText: palette.disabled_text,
        QPalette.ColorRole.Text: palette.disabled_text,
        QPalette.ColorRole.ButtonText: palette.disabled_text,
        QPalette.ColorRole.PlaceholderText: palette.disabled_text,
        QPalette.ColorRole.Base: palette.disabled_bg,
        QPalette.ColorRole.Button: palette.disabled_bg,
        QPalette.ColorRole.Highlight: palette.border,
        QPalette.ColorRole.HighlightedText: palette.disabled_text,
    }
    for role, colour in roles.items():
        for group in groups:
            qp.setColor(group, role, QColor(colour))
        qp.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled.get(role, colour)))
    return qp


def contrast_ratio(foreground: QColor | str, background: QColor | str) -> float:
    """WCAG 2 contrast ratio of two opaque colours: 1.0 (none) to 21.0 (black on white)."""

    def luminance(colour: QColor | str) -> float:
        c = QColor(colour)
        linear = [
            v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
            for v in (c.redF(), c.greenF(), c.blueF())
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def apply(app: QApplication, name: str) -> Palette:
    """Set the application style, palette, font and stylesheet for theme ``name``
    (``light`` or ``dark``); switching at run time restyles every open widget."""
    palette = PALETTES[name]
    # Fusion draws from the palette on every platform; the native Windows styles ignore most of
    # it, so a dark theme there would keep light check boxes, arrows and message boxes.
    if app.property("smc_style") != "fusion":
        app.setStyle("Fusion")
        app.setProperty("smc_style", "fusion")
    app.setPalette(qt_palette(palette))
    font = QFont()
    font.setFamilies(CJK_FAMILIES)
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(stylesheet(palette))
    _active[0] = palette
    return palette
