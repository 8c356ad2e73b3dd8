"""Canary for the Qt binding: regressions here crash a long-running console, so catch them here.

PySide6-Essentials 6.12.0 decremented the reference count of ``True`` on every emit of a
``Signal(bool)`` to a Python callable; after a few thousand button clicks CPython 3.11 frees
``True`` and aborts. pyproject.toml excludes that release; this test fails on any like it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QPushButton


class _Emitter(QObject):
    flag = Signal(bool)
    number = Signal(int)
    anything = Signal(object)


def test_emitting_bool_signals_keeps_true_and_false_alive(qapp: QApplication) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.flag.connect(received.append)
    emitter.number.connect(received.append)
    emitter.anything.connect(received.append)
    before = (sys.getrefcount(True), sys.getrefcount(False))
    for _ in range(200):
        emitter.flag.emit(True)
        emitter.flag.emit(False)
        emitter.number.emit(1)
        emitter.anything.emit(None)
    received.clear()
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before


def test_button_clicks_keep_true_and_false_alive(qapp: QApplication) -> None:
    button = QPushButton()
    clicks: list[bool] = []
    # A lambda, not clicks.append: a builtin would bind to the no-argument clicked() overload.
    button.clicked.connect(lambda checked: clicks.append(checked))  # noqa: PLW0108  # noqa: PLW0108 (a builtin binds to the no-argument clicked())
    before = (sys.getrefcount(True), sys.getrefcount(False))
    for _ in range(200):
        button.click()
    assert len(clicks) == 200
    clicks.clear()
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
