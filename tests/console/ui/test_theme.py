"""Both themes, judged by what they paint: disabled controls look disabled, item views are
readable in the dark theme, and the palettes' text colours reach WCAG AA on their backgrounds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QRect, QTime
from PySide6.QtGui import QColor, QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QListView,
    QPushButton,
    QSpinBox,
    QTableView,
    QTimeEdit,
    QToolButton,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from console.ui import theme

AA_BODY = 4.5  # WCAG 2 AA for body text
SAMPLE = "8888 城关供电所"  # digits and CJK strokes: thick enough to reach the full ink colour


@pytest.fixture(params=["light", "dark"])
def palette(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[theme.Palette]:
    yield theme.apply(qapp, request.param)
    theme.apply(qapp, "light")  # what the other widget tests expect


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[theme.Palette]:
    yield theme.apply(qapp, "dark")
    theme.apply(qapp, "light")


def _show(qtbot: QtBot, widget: QWidget, width: int, height: int) -> tuple[QImage, QWidget]:
    """``widget`` as it paints inside a window (whose background shows through flat controls),
    and the window, which the caller keeps while it looks at ``widget``."""
    window = QWidget()
    qtbot.addWidget(window)
    widget.setParent(window)
    widget.setGeometry(8, 8, width, height)
    window.resize(width + 16, height + 16)
    window.show()
    qtbot.waitExposed(window)
    return window.grab(widget.geometry()).toImage(), window


def _background(image: QImage, rect: QRect) -> QColor:
    """The colour most pixels of ``rect`` have: what the text sits on."""
    counts = Counter(
        image.pixel(x, y)
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    )
    return QColor.fromRgb(counts.most_common(1)[0][0])


def _ink(image: QImage, rect: QRect, background: QColor) -> QColor:
    """The pixel of ``rect`` that stands out most from ``background``: the text's colour."""
    pixels = {
        image.pixel(x, y)
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    }
    return max(
        (QColor.fromRgb(p) for p in pixels), key=lambda c: theme.contrast_ratio(c, background)
    )


def _looks(image: QImage, inset: int) -> tuple[QColor, QColor, float]:
    """Background, text colour and their contrast inside the widget's border."""
    rect = image.rect().adjusted(inset, inset, -inset, -inset)
    background = _background(image, rect)
    ink = _ink(image, rect, background)
    return background, ink, theme.contrast_ratio(ink, background)


def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def _push_button() -> QWidget:
    return QPushButton(SAMPLE)


def _tool_button() -> QWidget:
    button = QToolButton()
    button.setText(SAMPLE)
    return button


def _combo() -> QWidget:
    combo = QComboBox()
    combo.addItem(SAMPLE)
    return combo


def _line_edit() -> QWidget:
    return QLineEdit(SAMPLE)


def _spin_box() -> QWidget:
    box = QSpinBox()
    box.setRange(0, 9999)
    box.setValue(8888)
    return box


def _time_edit() -> QWidget:
    edit = QTimeEdit(QTime(8, 58))
    edit.setDisplayFormat("HH:mm")
    return edit


# A control and whether its background dims too (a tool button is flat in both states).
CONTROLS = [
    pytest.param(_push_button, True, id="QPushButton"),
    pytest.param(_tool_button, False, id="QToolButton"),
    pytest.param(_combo, True, id="QComboBox"),
    pytest.param(_line_edit, True, id="QLineEdit"),
    pytest.param(_spin_box, True, id="QSpinBox"),
    pytest.param(_time_edit, True, id="QTimeEdit"),
]


@pytest.mark.parametrize(("make", "dims"), CONTROLS)
def test_a_disabled_control_does_not_look_enabled(
    qtbot: QtBot, palette: theme.Palette, make: Callable[[], QWidget], dims: bool
) -> None:
    enabled, disabled = make(), make()
    disabled.setEnabled(False)
    on_bg, on_ink, on_contrast = _looks(_show(qtbot, enabled, 220, 34)[0], inset=4)
    off_bg, off_ink, off_contrast = _looks(_show(qtbot, disabled, 220, 34)[0], inset=4)
    where = f"{palette.name} theme, {type(enabled).__name__}"
    # Enabled: readable. Disabled: muted text, clearly weaker than the enabled text.
    assert on_contrast >= AA_BODY, f"{where}: enabled text {on_ink.name()} on {on_bg.name()}"
    assert off_contrast < AA_BODY, f"{where}: disabled text {off_ink.name()} on {off_bg.name()}"
    assert off_contrast <= on_contrast / 2, f"{where}: {off_contrast:.2f} vs {on_contrast:.2f}"
    assert _distance(on_ink, off_ink) >= 60, f"{where}: text {on_ink.name()} / {off_ink.name()}"
    if dims:  # flat and dim, not the enabled face with grey letters
        assert _distance(on_bg, off_bg) >= 30, f"{where}: face {on_bg.name()} / {off_bg.name()}"


def test_the_disabled_button_colours_are_the_palettes(qtbot: QtBot, palette: theme.Palette) -> None:
    button = QPushButton(SAMPLE)
    button.setEnabled(False)
    face, ink, _ = _looks(_show(qtbot, button, 220, 34)[0], inset=4)
    assert face.name() == palette.disabled_bg
    assert _distance(ink, QColor(palette.disabled_text)) <= 24  # antialiased glyph cores


def _model(rows: int, columns: int) -> QStandardItemModel:
    model = QStandardItemModel(rows, columns)
    model.setHorizontalHeaderLabels([f"{SAMPLE} {c}" for c in range(columns)])
    for row in range(rows):
        for column in range(columns):
            model.setItem(row, column, QStandardItem(SAMPLE))
    return model


def _table() -> QAbstractItemView:
    view = QTableView()
    view.verticalHeader().hide()
    return view


VIEWS = [
    pytest.param(_table, id="QTableView"),
    pytest.param(QTreeView, id="QTreeView"),
    pytest.param(QListView, id="QListView"),
]


@pytest.mark.parametrize("make", VIEWS)
def test_item_view_text_is_readable_in_the_dark_theme(
    qtbot: QtBot, dark: theme.Palette, make: Callable[[], QAbstractItemView]
) -> None:
    view = make()
    view.setModel(_model(4, 2))
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.selectionModel().select(
        view.model().index(2, 0),
        view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows,
    )
    image, _window = _show(qtbot, view, 420, 220)
    offset = view.viewport().mapTo(view, view.viewport().rect().topLeft())
    column = 1 if not isinstance(view, QListView) else 0  # past the tree's branch arrows
    cells = {"row": 0, "alternate row": 1, "selected row": 2}
    seen = {}
    for name, row in cells.items():
        rect = view.visualRect(view.model().index(row, column)).translated(offset)
        rect = rect.adjusted(2, 2, -2, -2)
        background = _background(image, rect)
        ink = _ink(image, rect, background)
        seen[name] = background
        contrast = theme.contrast_ratio(ink, background)
        assert contrast >= AA_BODY, f"{name}: {ink.name()} on {background.name()} ({contrast:.2f})"
    # The rows sit on the dark theme's colours, not on a light default.
    assert seen["row"].name() == dark.field
    assert seen["alternate row"].name() == dark.alt_row
    assert seen["selected row"].name() == dark.selection
    header = getattr(view, "header", None) or getattr(view, "horizontalHeader", None)
    if header is not None:
        section = header()
        rect = QRect(
            section.sectionViewportPosition(column) + 3,
            3,
            section.sectionSize(column) - 6,
            section.height() - 6,
        ).translated(section.mapTo(view, section.rect().topLeft()))
        background = _background(image, rect)
        ink = _ink(image, rect, background)
        assert background.name() == dark.header
        contrast = theme.contrast_ratio(ink, background)
        assert contrast >= AA_BODY, f"header: {ink.name()} on {background.name()}"


# Text colour, background, minimum contrast: every pair the stylesheet puts together.
PAIRS = [
    *[("text", bg, AA_BODY) for bg in ("window", "panel", "field", "alt_row", "header")],
    *[("text", bg, AA_BODY) for bg in ("hover", "selection", "button", "progress")],
    *[("muted", bg, AA_BODY) for bg in ("window", "panel", "field", "header", "hover")],
    *[(state, "panel", AA_BODY) for state in ("good", "warn", "bad", "accent")],
    ("bad", "bad_bg", AA_BODY),
    ("nav_text", "nav", AA_BODY),
    ("#ffffff", "accent_fill", AA_BODY),
    # Disabled text is meant to recede, yet stay legible.
    ("disabled_text", "disabled_bg", 2.2),
]


@pytest.mark.parametrize("name", ["light", "dark"])
def test_palette_text_pairs_reach_their_contrast(name: str) -> None:
    palette = theme.PALETTES[name]
    low = []
    for fg, bg, minimum in PAIRS:
        fg_colour = fg if fg.startswith("#") else getattr(palette, fg)
        ratio = theme.contrast_ratio(fg_colour, getattr(palette, bg))
        if ratio < minimum:
            low.append(f"{fg} on {bg}: {ratio:.2f} < {minimum}")
    assert not low, f"{name}: {low}"
    disabled = theme.contrast_ratio(palette.disabled_text, palette.disabled_bg)
    assert disabled < AA_BODY  # it must not read like enabled text


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    assert theme.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert theme.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_switching_themes_repaints_an_open_view(qtbot: QtBot, qapp: QApplication) -> None:
    view = _table()
    view.setModel(_model(2, 2))
    try:
        theme.apply(qapp, "light")
        light, _window = _show(qtbot, view, 300, 120)
        theme.apply(qapp, "dark")
        dark = view.grab().toImage()
    finally:
        theme.apply(qapp, "light")
    rect = view.visualRect(view.model().index(0, 1)).translated(
        view.viewport().mapTo(view, view.viewport().rect().topLeft())
    )
    assert _background(light, rect).name() == theme.LIGHT.field
    assert _background(dark, rect).name() == theme.DARK.field
