"""English that a zh_CN user would see: every widget's text, placeholder and tooltip, every item
model's display text, tooltips and headers (tree models: the rows already fetched), combo box
items, tab titles, and the text items of plots. Protocol tokens, units, codes and numbers are
allowed; anything else written in Latin letters is a leak.

    with zh_cn_ui(tmp_path):
        view = build_the_view()  # after the translators: strings are translated when made
        ...  # bring it into every state worth checking
        assert english_leaks(view, *dialogs) == []
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QLibraryInfo, QLocale, QModelIndex, Qt, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QGraphicsTextItem,
    QGraphicsView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

ROOT = Path(__file__).resolve().parents[3]
TS = ROOT / "resources" / "translations" / "smc_zh_CN.ts"

# Tokens of the trade a Chinese screen shows as they are.
ALLOWED = frozenset(
    {
        "AFN", "DL/T", "Q/GDW", "IEC", "DI", "Pn", "Fn", "ERC", "SEQ", "PRM", "TpV", "Tp",
        "FIR", "FIN", "CON", "ACD", "FCB", "FCV", "EC", "EC1", "EC2", "PW", "DAR", "OAD",
        "OBIS", "RS-485", "TCP", "IP", "kWh", "kW", "kvar", "kvarh", "kVA", "V", "A", "Hz",
        "bps", "mmhhDDMM", "Excel", "CSV",
    }
)  # fmt: skip
_TOKEN = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:[/-][A-Za-z0-9]+)*")
_CODE = re.compile(
    r"[FfPpT]\d+|ERC\d+|[0-9A-F]{2,}|(?:dlt645|dlt698|qgdw1376|iec62056)[-.\d]*|EC\d|[A-Z]"
    r"|[A-Z]{1,5}-?\d{3,}"
)  # codes, hex, protocol names, a single capital (phase A, tariffs 1～M), asset numbers
_CONFIG_SECTION = re.compile(r"\[[a-z_]+\]")  # a configuration file's section, e.g. [frontend]
# Data that is not language: file paths, URLs, host:port, file names, a database's name.
_NOT_WORDS = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://\S*"  # a URL (sqlite:///..., postgresql+psycopg://...)
    r"|(?<![A-Za-z0-9])(?:[A-Za-z]:)?(?:[\\/][^\s\\/（），,;]+)+[\\/]?"  # a path
    r"|\b[\w.-]+:\d{1,5}\b"  # host:port
    r"|\b[\w-]+\.(?:db|toml|log|png|csv|xlsx|qm|ts)\b"  # a file name
    r"|\b(?:SQLite|PostgreSQL|pid)\b"
)


def english_words(text: str, allow: Iterable[str] = ()) -> list[str]:
    """The Latin-letter words of ``text`` that are neither allowed tokens nor codes."""
    allowed = ALLOWED | set(allow)
    text = _NOT_WORDS.sub(" ", _CONFIG_SECTION.sub(" ", text))
    found = []
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        if word in allowed or _CODE.fullmatch(word):
            continue
        found.append(word)
    return found


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    try:
        return int(model.columnCount(parent))
    except TypeError:  # a list widget's own model keeps columnCount private: one column
        return 1


def _model_texts(model: QAbstractItemModel, where: str) -> Iterator[tuple[str, str]]:
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        count = _columns(model, QModelIndex()) if orientation == Qt.Orientation.Horizontal else 0
        for section in range(count):
            for role in roles:
                value = model.headerData(section, orientation, role)
                if isinstance(value, str):
                    yield f"{where} header {section}", value
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            for column in range(_columns(model, parent)):
                index = model.index(row, column, parent)
                for role in roles:
                    value = index.data(role)
                    if isinstance(value, str):
                        yield f"{where} [{row},{column}]", value
            first = model.index(row, 0, parent)
            if model.rowCount(first):
                stack.append(first)


def _own_texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """The texts a widget of a text-bearing kind shows itself."""
    if isinstance(widget, (QLabel, QAbstractButton, QAbstractSpinBox)):
        yield "", widget.text()
    if isinstance(widget, QLineEdit):
        yield "", widget.text()
        yield " placeholder", widget.placeholderText()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        yield "", widget.toPlainText()
        yield " placeholder", widget.placeholderText()
    if isinstance(widget, QGroupBox):
        yield "", widget.title()


def _listed_texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """The texts a widget lists: combo box items, tabs, item models, plot labels."""
    if isinstance(widget, QComboBox):
        for i in range(widget.count()):
            yield f" item {i}", widget.itemText(i)
            tip = widget.itemData(i, Qt.ItemDataRole.ToolTipRole)
            yield f" item {i} tooltip", tip if isinstance(tip, str) else ""
    if isinstance(widget, QTabBar):
        for i in range(widget.count()):
            yield f" tab {i}", widget.tabText(i)
            yield f" tab {i} tooltip", widget.tabToolTip(i)
    # A header view shows its view's model: walked there.
    if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
        model = widget.model()
        if model is not None:
            yield from _model_texts(model, "")
    if isinstance(widget, QGraphicsView) and widget.scene() is not None:
        for item in widget.scene().items():
            if isinstance(item, QGraphicsTextItem):
                yield " plot text", item.toPlainText()


def _widget_texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    where = f"{type(widget).__name__}#{widget.objectName() or '?'}"
    yield f"{where} tooltip", widget.toolTip()
    if widget.isWindow() or isinstance(widget, QDockWidget):
        yield f"{where} title", widget.windowTitle()
    for part, text in (*_own_texts(widget), *_listed_texts(widget)):
        yield f"{where}{part}", text


def english_leaks(*roots: QWidget, allow: Iterable[str] = ()) -> list[str]:
    """``where: text`` of every English text in ``roots`` and their children."""
    leaks = []
    allowed = tuple(allow)
    for root in roots:
        for widget in [root, *root.findChildren(QWidget)]:
            for where, text in _widget_texts(widget):
                words = english_words(text, allowed) if text else []
                if words:
                    leaks.append(f"{where}: {words} in {text!r}")
    return leaks


@contextmanager
def zh_cn_ui(workdir: Path) -> Iterator[None]:
    """The console's zh_CN catalogue (compiled from the committed .ts) and Qt's own, with
    the zh_CN locale, until the block ends."""
    app = QApplication.instance()
    assert app is not None
    qm = workdir / "smc_zh_CN.qm"
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(lrelease), "-silent", str(TS), "-qm", str(qm)], check=True, timeout=120)
    own, qt = QTranslator(), QTranslator()
    assert own.load(str(qm))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    assert qt.load("qtbase_zh_CN", qt_dir), "Qt's own zh_CN catalogue is missing"
    before = QLocale()
    QLocale.setDefault(QLocale("zh_CN"))
    app.installTranslator(own)
    app.installTranslator(qt)
    try:
        yield
    finally:
        app.removeTranslator(own)
        app.removeTranslator(qt)
        QLocale.setDefault(before)
