"""Virtual table models over plain data: a view hands over rows of text (and the object each
row shows); Qt asks for the cells it paints, never one item object per cell."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex
NO_INDEX = QModelIndex()


class RowsModel(QAbstractTableModel):
    """A read-only table of text rows, each with the plain object it shows (``payload``),
    optional text colours per cell and tooltips per row."""

    PAYLOAD_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(
        self,
        headers: Sequence[str],
        *,
        right: Sequence[int] = (),
        mono: Sequence[int] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.header_tips: dict[int, str] = {}
        self._right, self._mono_columns = set(right), set(mono)
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._rows: list[list[str]] = []
        self._colours: list[dict[int, str]] = []
        self._tips: list[str | None] = []
        self._payloads: list[object] = []

    def set_rows(
        self,
        rows: Sequence[Sequence[str]],
        payloads: Sequence[object] = (),
        colours: Sequence[dict[int, str]] = (),
        tips: Sequence[str | None] = (),
    ) -> None:
        self.beginResetModel()
        self._rows = [list(r) for r in rows]
        self._payloads = list(payloads) or [None] * len(rows)
        self._colours = list(colours) or [{} for _ in rows]
        self._tips = list(tips) or [None] * len(rows)
        self.endResetModel()

    def payload(self, row: int) -> object:
        return self._payloads[row]

    def text(self, row: int, column: int) -> str:
        return self._rows[row][column]

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tips.get(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[row][column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[row] or self._rows[row][column]
        if role == Qt.ItemDataRole.ForegroundRole and column in self._colours[row]:
            return QColor(self._colours[row][column])
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column in self._mono_columns:
            return self._mono
        if role == self.PAYLOAD_ROLE:
            return self._payloads[row]
        return None


def table_view(model: QAbstractItemModel, stretch: int = -1) -> QTableView:
    """A read-only, row-selecting table over ``model``; column ``stretch`` takes the room left."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Sized by the rows in view, not by the first thousand: every change of the rows asked
    # the model for each cell of them on the GUI thread.
    header.setResizeContentsPrecision(0)
    if stretch >= 0:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return view
