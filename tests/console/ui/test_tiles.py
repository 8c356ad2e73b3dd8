"""A KPI tile never widens its window: a long figure is drawn smaller, whole. (The window
grew by itself during a county's pass, 1,440 to 1,509 px, as "264,739 / 265,000" came in.)"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from console.ui import theme
from console.ui.kit.tiles import FIT_MIN_WIDTH, KpiTile


def test_a_long_value_neither_widens_the_tile_nor_is_cut(
    qtbot: QtBot, themed_app: QApplication
) -> None:
    theme.apply(themed_app, "light")
    row = QWidget()
    layout = QHBoxLayout(row)
    tiles = [KpiTile("Meters read / due", "meters") for _ in range(4)]
    for tile in tiles:
        layout.addWidget(tile)
    qtbot.addWidget(row)
    tiles[0].set_value("12", "short")
    before = row.minimumSizeHint().width()
    tiles[0].set_value("264,739 / 265,000", "a caption long enough to need two lines or more")
    assert row.minimumSizeHint().width() <= before + 1  # the caption wraps; the value shrinks
    value = tiles[0]._value
    assert value.minimumSizeHint().width() <= FIT_MIN_WIDTH

    row.resize(4 * 230, 140)  # as in a 1,440-px window beside the device tree
    row.show()
    qtbot.waitExposed(row)
    squeezed = value.fitted_font()
    assert squeezed.pixelSize() < value.font().pixelSize()  # drawn smaller ...
    fitted = value.fontMetrics().horizontalAdvance(value.text()) * (
        squeezed.pixelSize() / value.font().pixelSize()
    )
    assert fitted <= value.contentsRect().width() + 2  # ... to fit whole
    row.resize(4 * 420, 140)
    # Room enough: the style's own size.
    qtbot.waitUntil(lambda: value.fitted_font() == value.font(), timeout=5_000)
    assert value.width() >= value.fontMetrics().horizontalAdvance(value.text())
