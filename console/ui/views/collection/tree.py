"""The device tree: county → supply station → 台区 → concentrator → meter, each level fetched on
a worker the first time it is opened; unread meters in red, a state light per concentrator
(online) and meter (last read), the last heartbeat or read. ``refresh`` asks again for every
level already open and updates it in place, so events keep the states current."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

from console.collection.api import TreeNode
from console.core.scope import Level
from console.ui import format as fmt
from console.ui import theme
from console.ui.kit.failures import failure_text
from console.ui.kit.panels import day_time
from console.ui.kit.tasks import Tasks

Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[TreeNode | None, date], list[TreeNode]]
_DOTS: dict[str, QIcon] = {}


def state_dot(colour: str) -> QIcon:
    """A round state light (drawn once per colour)."""
    if colour not in _DOTS:
        pm = QPixmap(14, 14)
        pm.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pm)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(colour)))
        painter.drawEllipse(2, 2, 10, 10)
        painter.end()
        _DOTS[colour] = QIcon(pm)
    return _DOTS[colour]


def node_state(node: TreeNode) -> str:
    """``online``/``offline`` (concentrators), ``ok``/``failed`` (meters) or ""."""
    if node.kind is Level.CONCENTRATOR and node.online is not None:
        return "online" if node.online else "offline"
    if node.kind is Level.METER and node.last_read_ok is not None:
        return "ok" if node.last_read_ok else "failed"
    return ""


class _Item:
    __slots__ = ("children", "fetched", "fetching", "node", "parent", "row")

    def __init__(self, node: TreeNode | None, parent: _Item | None, row: int) -> None:
        self.node = node
        self.parent = parent
        self.row = row
        self.children: list[_Item] = []
        self.fetched = False
        self.fetching = False

    @property
    def key(self) -> str:
        return "top" if self.node is None else f"{self.node.kind.value} {self.node.id}"


class DeviceTreeModel(QAbstractItemModel):
    NAME, FAILED, STATE = range(3)
    NODE_ROLE = Qt.ItemDataRole.UserRole + 1
    STATE_ROLE = Qt.ItemDataRole.UserRole + 2

    loaded = Signal(object)  # the TreeNode whose children arrived (None: the counties)
    failed = Signal(str)

    def __init__(self, fetch: Fetch, tasks: Tasks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._tasks = tasks
        self._day: date | None = None
        self._root = _Item(None, None, 0)
        self._generation = 0
        self._headers = [self.tr("Device"), self.tr("Unread"), self.tr("State")]

    @property
    def day(self) -> date | None:
        return self._day

    def reset(self, day: date) -> None:
        """Forget every level and load the counties of ``day``."""
        self.beginResetModel()
        self._generation += 1  # what is still on its way belongs to the old tree
        self._day = day
        self._root = _Item(None, None, 0)
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def refresh(self, day: date) -> None:
        """Ask again for every level already open (states, red counts) and update it."""
        if day != self._day:
            self.reset(day)
            return
        stack = [self._root]
        while stack:
            item = stack.pop()
            if item.fetched:
                stack.extend(item.children)
                self._refresh_item(item, day)

    def _refresh_item(self, item: _Item, day: date) -> None:
        generation, node = self._generation, item.node
        self._tasks.rerun(
            f"tree refresh {item.key}",
            lambda: self._fetch(node, day),
            lambda children: self._update(generation, item, children),
            lambda err: self._fail(generation, item, err),
        )

    # ------------------------------------------------------------------ structure
    def _item(self, index: Index) -> _Item:
        if not index.isValid():
            return self._root
        item = index.internalPointer()
        assert isinstance(item, _Item)
        return item

    def _index_of(self, item: _Item, column: int = 0) -> QModelIndex:
        if item is self._root:
            return QModelIndex()
        return self.createIndex(item.row, column, item)

    def node(self, index: Index) -> TreeNode | None:
        return self._item(index).node

    def ancestor(self, index: Index, kind: Level) -> TreeNode | None:
        """The node of ``kind`` at or above ``index``."""
        item: _Item | None = self._item(index)
        while item is not None and item.node is not None:
            if item.node.kind is kind:
                return item.node
            item = item.parent
        return None

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        item = self._item(parent)
        if 0 <= row < len(item.children) and 0 <= column < len(self._headers):
            return self.createIndex(row, column, item.children[row])
        return QModelIndex()

    def parent(self, index: Index | None = None) -> Any:
        if index is None:  # QObject.parent()
            return QObject.parent(self)
        if not index.isValid():
            return QModelIndex()
        up = self._item(index).parent
        return QModelIndex() if up is None else self._index_of(up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._item(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self._headers)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        item = self._item(parent)
        if item.fetched:
            return bool(item.children)
        return item.node is None or item.node.has_children

    def canFetchMore(self, parent: Index) -> bool:
        item = self._item(parent)
        wanted = item.node is None or item.node.has_children
        return self._day is not None and wanted and not item.fetched and not item.fetching

    def fetchMore(self, parent: Index) -> None:
        item, day = self._item(parent), self._day
        if day is None or item.fetched or item.fetching:
            return
        item.fetching = True
        generation, node = self._generation, item.node
        self._tasks.run(
            f"tree {generation} {item.key}",
            lambda: self._fetch(node, day),
            lambda children: self._insert(generation, item, children),
            lambda err: self._fail(generation, item, err),
        )

    def _insert(self, generation: int, item: _Item, children: list[TreeNode]) -> None:
        if generation != self._generation:
            return
        item.fetching, item.fetched = False, True
        if children:
            self.beginInsertRows(self._index_of(item), 0, len(children) - 1)
            item.children = [_Item(node, item, row) for row, node in enumerate(children)]
            self.endInsertRows()
        elif item is not self._root:  # the expander goes away: nothing below after all
            index = self._index_of(item)
            self.dataChanged.emit(index, index)
        self.loaded.emit(item.node)

    def _update(self, generation: int, item: _Item, children: list[TreeNode]) -> None:
        if generation != self._generation or not item.fetched:
            return
        same = [(c.kind, c.id) for c in children] == [
            (c.node.kind, c.node.id) for c in item.children if c.node is not None
        ]
        if same:  # states and counts: in place, the open levels below stay open
            for child, node in zip(item.children, children, strict=True):
                child.node = node
            if item.children:
                last = len(item.children) - 1
                top = self._index_of(item.children[0])
                bottom = self._index_of(item.children[last], len(self._headers) - 1)
                self.dataChanged.emit(top, bottom)
            return
        # The archive changed under this level: its rows are replaced (closing those below).
        parent = self._index_of(item)
        if item.children:
            self.beginRemoveRows(parent, 0, len(item.children) - 1)
            item.children = []
            self.endRemoveRows()
        if children:
            self.beginInsertRows(parent, 0, len(children) - 1)
            item.children = [_Item(node, item, row) for row, node in enumerate(children)]
            self.endInsertRows()
        elif item is not self._root:
            self.dataChanged.emit(parent, parent)

    def _fail(self, generation: int, item: _Item, err: BaseException) -> None:
        if generation != self._generation:
            return
        item.fetching = False  # opening it again tries again
        name = item.node.name if item.node else self.tr("the counties")
        self.failed.emit(
            self.tr("Cannot load the devices under {name}: {error}").format(
                name=name, error=failure_text(err)
            )
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    # ------------------------------------------------------------------ data
    def _state_text(self, node: TreeNode, *, long: bool = False) -> str:
        """Short for the column, long for the tooltip."""
        state, at = node_state(node), day_time(node.last_read_at, self._day)
        if state == "online":
            text = self.tr("Online · heartbeat {time}") if long else self.tr("Online {time}")
        elif state == "offline":
            text = self.tr("Offline · last heartbeat {time}") if long else self.tr("Offline {time}")
        elif state == "ok":
            text = self.tr("Last attempt {time}: read") if long else self.tr("Read {time}")
        elif state == "failed":
            text = self.tr("Last attempt {time}: failed") if long else self.tr("Failed {time}")
        elif node.kind is Level.METER:
            text = self.tr("Not read yet")
        else:
            text = ""
        return text.format(time=at)

    def _colour(self, node: TreeNode) -> str | None:
        palette, state = theme.current(), node_state(node)
        if state in ("online", "ok"):
            return palette.good
        if state in ("offline", "failed"):
            return palette.bad
        if node.kind in (Level.METER, Level.CONCENTRATOR):
            return palette.muted
        return None

    def _display(self, node: TreeNode, column: int) -> str:
        if column == self.NAME:
            return node.name
        if column == self.FAILED:
            show = node.failed and node.kind is not Level.METER
            return fmt.number(node.failed) if show else ""
        return self._state_text(node)

    def _tooltip(self, node: TreeNode) -> str:
        lines = [node.name, node.detail, self._state_text(node, long=True)]
        if node.failed and node.kind is not Level.METER:
            lines.append(
                self.tr("{n} meters without a daily freeze of the day").format(
                    n=fmt.number(node.failed)
                )
            )
        return "\n".join(line for line in lines if line)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(node, column)
        if role == self.NODE_ROLE:
            return node
        if role == self.STATE_ROLE:
            return node_state(node)
        if role == Qt.ItemDataRole.DecorationRole and column == self.NAME:
            colour = self._colour(node)
            return None if colour is None else state_dot(colour)
        if role == Qt.ItemDataRole.ForegroundRole:
            red = (column == self.FAILED and node.failed) or (
                column == self.STATE and node_state(node) in ("offline", "failed")
            )
            return QColor(theme.current().bad) if red else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.FAILED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node)
        return None
