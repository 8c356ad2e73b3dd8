"""SVG icons from resources/icons, tinted at run time (the files use ``currentColor``)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from console.core.paths import resource


@lru_cache(maxsize=64)
def _svg(name: str, color: str) -> bytes:
    text = resource("icons", f"{name}.svg").read_text(encoding="utf-8")
    return text.replace("currentColor", color).encode()


def pixmap(name: str, color: str, size: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(_svg(name, color)))
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    try:
        renderer.render(painter)
    finally:
        painter.end()
    return pm


def icon(name: str, color: str = "#000000") -> QIcon:
    result = QIcon()
    for size in (16, 20, 24, 32, 48):
        result.addPixmap(pixmap(name, color, size))
    return result
