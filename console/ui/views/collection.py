"""采集监控: the device tree, the success rate against its 99.97 % target, who drags it down, the
collection jobs, on-demand reads (点抄) and, in a dock, the live frames.

Every ``CollectionConsole`` call runs on a worker thread through the TaskRunner; a newer request
supersedes an older one (generations), so a slow query never paints over a newer scope.
"""

from __future__ import annotations

import logging
import math
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg  # type: ignore[import-untyped]
import shiboken6
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFontDatabase, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTimeEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.app import AppContext
from console.collection.api import (  # type: ignore[attr-defined]  # KpiLevel: db's, re-exported
    CollectionConsole,
    JobState,
    KpiLevel,
    KpiSummary,
    NodeKind,
    OnDemandResult,
    ReadPath,
    Scope,
    TreeNode,
)
from console.monitoring.panorama import OrgUnit  # type: ignore[attr-defined]
from console.ui import format as fmt
from console.ui import icons, theme
from console.ui.bridge import CollectionBridge
from console.ui.kit.tasks import TaskRunner
from console.ui.views.base import BaseView
from console.ui.kit.empty_state import EmptyState
from console.ui.kit.tiles import KpiTile
from console.ui.widgets.message_monitor import MessageMonitor, hex_text

if TYPE_CHECKING:
    from db.queries.collection_kpi import Drag, SuccessRate

log = logging.getLogger(__name__)

REFRESH_MS = 60_000  # KPIs, trend and ranking
JOBS_REFRESH_MS = 3_000  # the job panel: progress moves while a job runs
TREND_DAYS = 30
WARN_BELOW_PCT = Decimal(98)  # under this the rate tile turns red (as on the panorama)
LOOKBACK_DAYS = 90  # db.queries.collection_kpi: a run this long reads "at least"
_Index = QModelIndex | QPersistentModelIndex


translate = QCoreApplication.translate  # a name lupdate recognises


def _label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    return label


def _panel(title: str, content: QWidget, margin: int = 14) -> QFrame:
    panel = QFrame()
    panel.setObjectName("Panel")
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(margin, 10, margin, 10)
    layout.addWidget(_label(title, "PanelTitle"))
    layout.addWidget(content, 1)
    return panel


def _day_time(at: datetime | None, day: date | None = None) -> str:
    if at is None:
        return fmt.DASH
    return f"{at:%H:%M}" if at.date() == day else f"{at:%m-%d %H:%M}"


def _submit(
    runner: TaskRunner,
    owner: QObject,
    fn: Callable[[], Any],
    on_done: str,
    on_error: str,
    *args: Any,
) -> None:
    """``runner.submit(fn)``, then ``owner.<on_done>(*args, result)`` or
    ``owner.<on_error>(*args, error)`` on the GUI thread.

    The pending task holds ``owner`` weakly and names the method: a task still running when
    the view closes neither keeps the view alive nor calls into a deleted widget.
    """
    ref = weakref.ref(owner)

    def deliver(method: str, value: Any) -> None:
        target = ref()
        if target is not None and shiboken6.isValid(target):  # not closed mid-query
            getattr(target, method)(*args, value)

    runner.submit(fn, lambda result: deliver(on_done, result), lambda e: deliver(on_error, e))


_DOTS: dict[str, QIcon] = {}


def _dot(colour: str) -> QIcon:
    """A round state light for the tree (drawn once per colour)."""
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


def scope_of(node: TreeNode) -> Scope:
    """The KPI scope a tree node stands for (a meter: its concentrator's, handled by caller)."""
    return (KpiLevel(node.kind.value), node.id)


# ---------------------------------------------------------------------------- device tree
class _Item:
    __slots__ = ("children", "fetched", "fetching", "node", "parent", "row")

    def __init__(self, node: TreeNode | None, parent: _Item | None, row: int) -> None:
        self.node = node
        self.parent = parent
        self.row = row
        self.children: list[_Item] = []
        self.fetched = False
        self.fetching = False


class DeviceTreeModel(QAbstractItemModel):
    """Counties → stations → 台区 → concentrators → meters, each level fetched on a worker
    thread the first time it is expanded."""

    NAME, FAILED, STATE = range(3)
    NODE_ROLE = Qt.ItemDataRole.UserRole + 1
    STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "online" / "offline" / "ok" / "failed" / ""

    loaded = Signal(object)  # the TreeNode whose children arrived (None: the top level)
    failed = Signal(str)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._console: CollectionConsole | None = None
        self._day: date | None = None
        self._root = _Item(None, None, 0)
        self._generation = 0
        self._palette = theme.current()
        self._headers = [self.tr("Device"), self.tr("Unread"), self.tr("State")]

    def reset(self, console: CollectionConsole | None, day: date | None) -> None:
        self.beginResetModel()
        self._generation += 1  # children still on their way belong to the old tree
        self._console, self._day = console, day
        self._root = _Item(None, None, 0)
        self.endResetModel()

    @property
    def day(self) -> date | None:
        return self._day

    def set_palette(self, palette: theme.Palette) -> None:
        self._palette = palette

    def _item(self, index: _Index) -> _Item:
        if not index.isValid():
            return self._root
        item = index.internalPointer()
        assert isinstance(item, _Item)
        return item

    def _index_of(self, item: _Item) -> QModelIndex:
        return QModelIndex() if item is self._root else self.createIndex(item.row, 0, item)

    def node(self, index: _Index) -> TreeNode | None:
        return self._item(index).node

    def ancestor(self, index: _Index, kind: NodeKind) -> TreeNode | None:
        item: _Item | None = self._item(index)
        while item is not None and item.node is not None:
            if item.node.kind == kind:
                return item.node
            item = item.parent
        return None

    # ------------------------------------------------------------------ structure
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        item = self._item(parent)
        if 0 <= row < len(item.children) and 0 <= column < len(self._headers):
            return self.createIndex(row, column, item.children[row])
        return QModelIndex()

    def parent(self, index: _Index | None = None) -> Any:
        if index is None:  # QObject.parent(): the tree that owns this model
            return QObject.parent(self)
        if not index.isValid():
            return QModelIndex()
        up = self._item(index).parent
        return QModelIndex() if up is None else self._index_of(up)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._item(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(self._headers)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        item = self._item(parent)
        if item.fetched:
            return bool(item.children)
        return item.node is None or item.node.has_children

    def canFetchMore(self, parent: _Index) -> bool:
        item = self._item(parent)
        has = item.node is None or item.node.has_children
        return self._console is not None and has and not item.fetched and not item.fetching

    def fetchMore(self, parent: _Index) -> None:
        item, console, day = self._item(parent), self._console, self._day
        if console is None or day is None or item.fetched or item.fetching:
            return
        item.fetching = True
        generation, node = self._generation, item.node
        fetch = lambda: console.children(node, day)  # noqa: E731
        _submit(self._runner, self, fetch, "_insert", "_fail", generation, item)

    def _insert(self, generation: int, item: _Item, children: list[TreeNode]) -> None:
        if generation != self._generation:
            return
        item.fetching, item.fetched = False, True
        if children:
            self.beginInsertRows(self._index_of(item), 0, len(children) - 1)
            item.children = [_Item(node, item, row) for row, node in enumerate(children)]
            self.endInsertRows()
        else:  # the expander goes away: nothing below after all
            index = self._index_of(item)
            if index.isValid():
                self.dataChanged.emit(index, index)
        self.loaded.emit(item.node)

    def _fail(self, generation: int, item: _Item, err: BaseException) -> None:
        if generation != self._generation:
            return
        item.fetching = False  # expanding again retries
        name = item.node.name if item.node else self.tr("the counties")
        self.failed.emit(
            self.tr("Cannot load the devices under {name}: {error}").format(name=name, error=err)
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    # ------------------------------------------------------------------ data
    def state(self, node: TreeNode) -> str:
        if node.kind == NodeKind.CONCENTRATOR and node.online is not None:
            return "online" if node.online else "offline"
        if node.kind == NodeKind.METER and node.last_read_ok is not None:
            return "ok" if node.last_read_ok else "failed"
        return ""

    def _state_text(self, node: TreeNode, *, long: bool = False) -> str:
        """Short for the column, long for the tooltip."""
        state, at = self.state(node), _day_time(node.last_read_at, self._day)
        if state == "online":
            text = self.tr("Online · heartbeat {time}") if long else self.tr("Online {time}")
        elif state == "offline":
            text = self.tr("Offline · last heartbeat {time}") if long else self.tr("Offline {time}")
        elif state == "ok":
            text = self.tr("Last attempt {time}: read") if long else self.tr("Read {time}")
        elif state == "failed":
            text = self.tr("Last attempt {time}: failed") if long else self.tr("Failed {time}")
        elif node.kind == NodeKind.METER:
            text = self.tr("Not read yet")
        else:
            text = ""
        return text.format(time=at)

    def _colour(self, node: TreeNode) -> str | None:
        state = self.state(node)
        if state in ("online", "ok"):
            return self._palette.good
        if state in ("offline", "failed"):
            return self._palette.bad
        if node.kind in (NodeKind.METER, NodeKind.CONCENTRATOR):
            return self._palette.muted
        return None

    def _display(self, node: TreeNode, column: int) -> str:
        if column == self.NAME:
            return node.name
        if column == self.FAILED:
            show = node.failed and node.kind != NodeKind.METER
            return fmt.number(node.failed) if show else ""
        return self._state_text(node)

    def _tooltip(self, node: TreeNode) -> str:
        lines = [node.name, node.detail, self._state_text(node, long=True)]
        if node.failed and node.kind != NodeKind.METER:
            lines.append(
                self.tr("{n} meters without a daily freeze of the day").format(
                    n=fmt.number(node.failed)
                )
            )
        return "\n".join(line for line in lines if line)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(node, column)
        if role == self.NODE_ROLE:
            return node
        if role == self.STATE_ROLE:
            return self.state(node)
        if role == Qt.ItemDataRole.DecorationRole and column == self.NAME:
            colour = self._colour(node)
            return None if colour is None else _dot(colour)
        if role == Qt.ItemDataRole.ForegroundRole:
            red = (column == self.FAILED and node.failed) or (
                column == self.STATE and self.state(node) in ("offline", "failed")
            )
            return QColor(self._palette.bad) if red else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.FAILED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node)
        return None


# ---------------------------------------------------------------------------- small tables
class RowsModel(QAbstractTableModel):
    """A read-only table of text rows, each with the plain object it shows (``payload``)."""

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
        self._payloads: list[object] = []

    def set_rows(
        self,
        rows: Sequence[Sequence[str]],
        payloads: Sequence[object] = (),
        colours: Sequence[dict[int, str]] = (),
    ) -> None:
        self.beginResetModel()
        self._rows = [list(r) for r in rows]
        self._payloads = list(payloads) or [None] * len(rows)
        self._colours = list(colours) or [{} for _ in rows]
        self.endResetModel()

    def payload(self, row: int) -> object:
        return self._payloads[row]

    def text(self, row: int, column: int) -> str:
        return self._rows[row][column]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
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

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[row][column]
        if role == Qt.ItemDataRole.ForegroundRole and column in self._colours[row]:
            return QColor(self._colours[row][column])
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column in self._mono_columns:
            return self._mono
        if role == self.PAYLOAD_ROLE:
            return self._payloads[row]
        return None


def _table(model: QAbstractItemModel, stretch: int = -1) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch >= 0:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return view


class NotedTable(QStackedWidget):
    """A table that, when empty, shows a sentence saying why instead of blank rows."""

    def __init__(self, table: QTableView, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.note = _label(note, "EmptyNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.addWidget(self.table)
        self.addWidget(self.note)
        self.setCurrentWidget(self.note)

    def show_rows(self, has_rows: bool, note: str | None = None) -> None:
        if note is not None:
            self.note.setText(note)
        self.setCurrentWidget(self.table if has_rows else self.note)


def drag_model(parent: QObject) -> RowsModel:
    headers = [
        translate("CollectionView", "Name"),
        translate("CollectionView", "台区"),
        translate("CollectionView", "Unread meters"),
        translate("CollectionView", "Cost (0.01 %)"),
        translate("CollectionView", "Reason"),
        translate("CollectionView", "Failing since"),
        translate("CollectionView", "Days"),
    ]
    model = RowsModel(headers, right=(2, 3, 6), parent=parent)
    model.header_tips[3] = translate(
        "CollectionView",
        "How much this device lowers the scope's success rate, in hundredths of a percentage "
        "point (−1.00 = −0.01 %)",
    )
    model.header_tips[6] = translate(
        "CollectionView", "Consecutive failing days (≥ 90: at least that many)"
    )
    return model


UNREAD_COLUMN = 2  # a meter's own row always says 1: meter tables hide it


def drag_rows(drags: Sequence[Drag], bad: str) -> tuple[list[list[str]], list[dict[int, str]]]:
    rows, colours = [], []
    for d in drags:
        days = f"≥{d.days_failing}" if d.days_failing >= LOOKBACK_DAYS else str(d.days_failing)
        rows.append(
            [
                d.name,
                d.area_name,
                fmt.number(d.failed),
                "−" + fmt.number(d.cost_hundredths, 2),
                d.reason or fmt.DASH,
                d.failing_since.isoformat(),
                days,
            ]
        )
        colours.append({3: bad})
    return rows, colours


# ---------------------------------------------------------------------------- trend
class TrendChart(QWidget):
    """The last 30 days' success rate against the dashed target line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.25)
        self.curve = item.plot([], [], connect="finite")
        self.target = pg.InfiniteLine(angle=0, movable=False)
        item.addItem(self.target)
        self.target_label = pg.TextItem(anchor=(0, 0))  # under the line: 100 % is the top
        item.addItem(self.target_label)
        self.note = _label(translate("CollectionView", "Loading the trend…"), "EmptyNote")
        self.note.setParent(self)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.note.raise_()
        self.setMinimumHeight(180)
        self._points: list[tuple[date, Decimal | None]] = []
        self._target = Decimal("99.97")
        self.apply_palette(theme.current())

    def apply_palette(self, palette: theme.Palette) -> None:
        self._palette = palette
        item = self.plot.getPlotItem()
        self.plot.setBackground(palette.panel)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setTextPen(palette.muted)
            axis.setPen(palette.border)
        item.setLabel("left", translate("CollectionView", "Success rate (%)"), color=palette.text)
        self.target.setPen(pg.mkPen(palette.good, width=1.6, style=Qt.PenStyle.DashLine))
        self.target_label.setColor(palette.good)
        self._draw()

    def set_data(self, points: Sequence[tuple[date, Decimal | None]], target: Decimal) -> None:
        self._points, self._target = list(points), target
        self._draw()

    def point_count(self) -> int:
        return sum(1 for _, rate in self._points if rate is not None)

    def _draw(self) -> None:
        palette, points = self._palette, self._points
        xs = list(range(len(points)))
        ys = [math.nan if r is None else float(r) for _, r in points]
        brushes = [
            pg.mkBrush(palette.good if r is not None and r >= self._target else palette.bad)
            for _, r in points
        ]
        self.curve.setData(
            xs,
            ys,
            pen=pg.mkPen(palette.curve_today, width=2),
            symbol="o",
            symbolSize=6,
            symbolPen=None,
            symbolBrush=brushes,
        )
        target = float(self._target)
        self.target.setPos(target)
        self.target_label.setText(
            translate("CollectionView", "target {pct} %").format(pct=fmt.number(self._target, 2))
        )
        self.target_label.setPos(-0.4, target)
        step = max(1, math.ceil(len(points) / 8))
        ticks = [(i, f"{d:%m-%d}") for i, (d, _) in enumerate(points) if i % step == 0]
        self.plot.getPlotItem().getAxis("bottom").setTicks([ticks, []])
        known = [y for y in ys if not math.isnan(y)]
        self.note.setVisible(not known)
        if points and not known:
            self.note.setText(
                translate("CollectionView", "No meter was due to be read in these 30 days.")
            )
        if known:
            low = min([*known, target])
            pad = max(0.02, (100 - low) * 0.15)
            self.plot.getPlotItem().setYRange(low - pad, 100 + pad / 3, padding=0)
            self.plot.getPlotItem().setXRange(-0.5, len(points) - 0.5, padding=0)

    def resizeEvent(self, event: Any) -> None:  # keep the note centred over the plot
        super().resizeEvent(event)
        self.note.setGeometry(self.rect().adjusted(30, 30, -30, -30))


# ---------------------------------------------------------------------------- jobs
_JOB_NAMES = {  # JobState.name is English: the view names the jobs it knows by id
    "daily_freeze": str(QT_TRANSLATE_NOOP("JobRow", "Daily freeze")),
    "curves": str(QT_TRANSLATE_NOOP("JobRow", "15-minute curves")),
    "events": str(QT_TRANSLATE_NOOP("JobRow", "Event polling")),
    "clock": str(QT_TRANSLATE_NOOP("JobRow", "Clock check")),
}
_JOB_SCHEDULES = {  # worded here from JobState.params, so that they are translated
    "daily_freeze": str(
        QT_TRANSLATE_NOOP(
            "JobRow", "Daily at {start}, re-tries every {retry_min} min until {cutoff}"
        )
    ),
    "curves": str(
        QT_TRANSLATE_NOOP("JobRow", "Every {every_min} min (2 min after the quarter-hour)")
    ),
    "events": str(QT_TRANSLATE_NOOP("JobRow", "Every {every_min} min")),
    "clock": str(
        QT_TRANSLATE_NOOP("JobRow", "Daily at {at}; sets clocks off by more than {drift_s} s")
    ),
}
_RUN_STATUSES = {
    "finished": str(QT_TRANSLATE_NOOP("JobRow", "finished")),
    "cancelled": str(QT_TRANSLATE_NOOP("JobRow", "cancelled")),
    "failed": str(QT_TRANSLATE_NOOP("JobRow", "failed")),
    "running": str(QT_TRANSLATE_NOOP("JobRow", "running")),
}


class JobRow(QFrame):
    run_clicked = Signal(str)
    cancel_clicked = Signal(str)

    def __init__(self, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.name = _label("", "PanelTitle")
        self.schedule = _label("", "ViewSubtitle")
        self.schedule.setWordWrap(True)
        self.info = _label("", "KpiCaption")
        self.info.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m")
        self.progress.setMaximumHeight(16)
        self.progress.hide()
        self.run_button = QPushButton(self.tr("Run now"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.run_button.clicked.connect(lambda: self.run_clicked.emit(self.job_id))
        self.cancel_button.clicked.connect(lambda: self.cancel_clicked.emit(self.job_id))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 4)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.run_button, 0, 1)
        grid.addWidget(self.cancel_button, 0, 2)
        grid.addWidget(self.schedule, 1, 0, 1, 3)
        grid.addWidget(self.info, 2, 0, 1, 3)
        grid.addWidget(self.progress, 3, 0, 1, 3)
        grid.setColumnStretch(0, 1)

    def show_state(self, job: JobState, day: date | None) -> None:
        known = _JOB_NAMES.get(job.id)
        self.name.setText(translate("JobRow", known) if known else job.name)
        template = _JOB_SCHEDULES.get(job.id)
        try:
            schedule = translate("JobRow", template).format(**job.params) if template else ""
        except (KeyError, IndexError):
            schedule = ""
        self.schedule.setText(schedule or job.schedule)
        result = job.last_result or self.tr("no run yet")
        if job.last_status in _RUN_STATUSES:
            result = self.tr("{status}: {ok} read, {failed} failed in {seconds} s").format(
                status=translate("JobRow", _RUN_STATUSES[job.last_status]),
                ok=f"{job.last_ok:,}",
                failed=f"{job.last_failed:,}",
                seconds=f"{job.last_seconds:.0f}",
            )
        self.info.setText(
            self.tr("Next {next} · last {last} · {result}").format(
                next=_day_time(job.next_run_at, day),
                last=_day_time(job.last_run_at, day),
                result=result,
            )
        )
        self.progress.setVisible(job.running)
        if job.running:
            self.progress.setRange(0, max(job.total, 0))  # 0..0: busy, total not known yet
            self.progress.setValue(job.done)
        self.run_button.setEnabled(not job.running)
        self.cancel_button.setEnabled(job.running)


class ScheduleDialog(QDialog):
    """The jobs' schedule (the ``[schedule]`` section), edited in place."""

    def __init__(self, values: dict[str, object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Collection schedule"))
        self.freeze_start = self._time(values.get("freeze_start"))
        self.freeze_retry = self._minutes(values.get("freeze_retry_min"), 5, 240)
        self.freeze_cutoff = self._time(values.get("freeze_cutoff"))
        self.curves = QCheckBox(self.tr("Collect 15-minute curves"))
        self.curves.setChecked(bool(values.get("curves", True)))
        self.events_every = self._minutes(values.get("events_every_min"), 1, 1440)
        self.clock_check = self._time(values.get("clock_check"))
        self.clock_drift = QSpinBox()
        self.clock_drift.setRange(1, 86400)
        self.clock_drift.setSuffix(self.tr(" s"))
        self.clock_drift.setValue(int(str(values.get("clock_drift_s", 300))))
        form = QFormLayout()
        form.addRow(self.tr("Daily freeze: first pass at"), self.freeze_start)
        form.addRow(self.tr("then re-try the missing every"), self.freeze_retry)
        form.addRow(self.tr("until"), self.freeze_cutoff)
        form.addRow("", self.curves)
        form.addRow(self.tr("Poll events every"), self.events_every)
        form.addRow(self.tr("Check clocks daily at"), self.clock_check)
        form.addRow(self.tr("Set a clock that is off by more than"), self.clock_drift)
        self.error = _label("", "ErrorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.rejected.connect(self.reject)  # Save closes it only once the values are stored
        self.buttons = buttons
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        note = _label(
            self.tr("Saved to the configuration file ([schedule]); the jobs change at once."),
            "KpiCaption",
        )
        note.setWordWrap(True)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _time(self, text: object) -> QTimeEdit:
        edit = QTimeEdit(QTime.fromString(str(text or "00:00"), "HH:mm"))
        edit.setDisplayFormat("HH:mm")
        return edit

    def _minutes(self, value: object, low: int, high: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(low, high)
        box.setSuffix(self.tr(" min"))
        box.setValue(int(str(value or low)))
        return box

    def values(self) -> dict[str, object]:
        return {
            "freeze_start": self.freeze_start.time().toString("HH:mm"),
            "freeze_retry_min": self.freeze_retry.value(),
            "freeze_cutoff": self.freeze_cutoff.time().toString("HH:mm"),
            "curves": self.curves.isChecked(),
            "events_every_min": self.events_every.value(),
            "clock_check": self.clock_check.time().toString("HH:mm"),
            "clock_drift_s": self.clock_drift.value(),
        }

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class JobPanel(QFrame):
    run_requested = Signal(str)
    cancel_requested = Signal(str)
    edit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Panel")
        self.rows: dict[str, JobRow] = {}
        self.note = _label(self.tr("Loading the jobs…"), "EmptyNote")
        self.note.setWordWrap(True)
        rows = QWidget()
        self._rows_layout = QVBoxLayout(rows)
        self._rows_layout.setContentsMargins(0, 0, 4, 0)
        self._rows_layout.setSpacing(2)
        self._rows_layout.addStretch(1)
        # Scrolls rather than squeezes when the message monitor takes the bottom of the window.
        scroll = QScrollArea()
        scroll.setObjectName("JobList")
        scroll.setWidget(rows)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows.setObjectName("JobRows")
        scroll.setStyleSheet(
            "#JobList, #JobList > #qt_scrollarea_viewport, #JobRows { background: transparent; }"
        )
        self.setMinimumWidth(300)  # a row's name and both buttons side by side
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 10, 10)
        self.edit_button = QPushButton(self.tr("Schedule…"))
        self.edit_button.setToolTip(self.tr("Change when the jobs run"))
        self.edit_button.clicked.connect(self.edit_requested)
        title = QHBoxLayout()
        title.addWidget(_label(self.tr("Collection jobs"), "PanelTitle"))
        title.addStretch(1)
        title.addWidget(self.edit_button)
        layout.addLayout(title)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)

    def show_jobs(self, jobs: Sequence[JobState], day: date | None) -> None:
        if [j.id for j in jobs] != list(self.rows):
            for row in self.rows.values():
                row.deleteLater()
            self.rows = {}
            for job in jobs:
                row = JobRow(job.id)
                row.run_clicked.connect(self.run_requested)
                row.cancel_clicked.connect(self.cancel_requested)
                self._rows_layout.insertWidget(self._rows_layout.count() - 1, row)
                self.rows[job.id] = row
        for job in jobs:
            self.rows[job.id].show_state(job, day)
        self.note.setVisible(not jobs)
        self.note.setText(self.tr("No collection job is scheduled."))

    def show_error(self, message: str) -> None:
        self.note.setText(message)
        self.note.show()


# ---------------------------------------------------------------------------- dialogs
class DrillDownDialog(QDialog):
    """The failing meters behind one concentrator, loaded on a worker thread."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(900, 440)
        self.summary = _label()
        self.summary.setWordWrap(True)
        self.model = drag_model(self)
        self.table = _table(self.model, stretch=4)
        self.table.setColumnHidden(UNREAD_COLUMN, True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def loading(self, drag: Drag) -> None:
        self.setWindowTitle(self.tr("Unread meters — {name}").format(name=drag.name))
        self.summary.setText(self.tr("Loading the unread meters of {name}…").format(name=drag.name))
        self.model.set_rows([])

    def show_meters(self, drag: Drag, meters: Sequence[Drag]) -> None:
        rows, colours = drag_rows(meters, theme.current().bad)
        self.model.set_rows(rows, meters, colours)
        self.summary.setText(
            self.tr(
                "{name} ({area}): {n} unread meters, together −{cost} (0.01 %). Most common "
                "reason: {reason}"
            ).format(
                name=drag.name,
                area=drag.area_name,
                n=fmt.number(len(meters)),
                cost=fmt.number(drag.cost_hundredths, 2),
                reason=drag.reason or fmt.DASH,
            )
        )

    def show_error(self, drag: Drag, err: BaseException) -> None:
        self.summary.setText(
            self.tr("Cannot load the unread meters of {name}: {error}").format(
                name=drag.name, error=err
            )
        )


_PATHS = (  # OnDemandResult.path is English free text; the known ones by their first word
    ("concentrator", str(QT_TRANSLATE_NOOP("CollectionView", "Via the concentrator (AFN 0C)"))),
    ("transparent", str(QT_TRANSLATE_NOOP("CollectionView", "Transparent forward (AFN 10)"))),
    ("forward", str(QT_TRANSLATE_NOOP("CollectionView", "Transparent forward (AFN 10)"))),
    ("direct", str(QT_TRANSLATE_NOOP("CollectionView", "Direct (DL/T 645)"))),
)


def path_text(path: str) -> str:
    for key, text in _PATHS:
        if path.lower().startswith(key):
            return translate("CollectionView", text)
    return path


class ReadResultDialog(QDialog):
    """点抄 results: one row per meter; its values and every frame it took, below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("On-demand read"))
        self.resize(960, 600)
        self.results: list[OnDemandResult] = []
        self.summary = _label()
        self.summary.setWordWrap(True)
        self.result_model = RowsModel(
            [self.tr("Meter"), self.tr("Path"), self.tr("Result"), self.tr("Time (ms)")],
            right=(3,),
            parent=self,
        )
        self.value_model = RowsModel(
            [self.tr("Value"), self.tr("Reading"), self.tr("Unit")], right=(1,), parent=self
        )
        self.frame_model = RowsModel(
            [self.tr("Time"), self.tr("Direction"), self.tr("Bytes"), self.tr("Frame (hex)")],
            right=(2,),
            mono=(3,),
            parent=self,
        )
        self.result_table = _table(self.result_model, stretch=2)
        self.result_table.setMaximumHeight(150)
        self.value_table = _table(self.value_model, stretch=0)
        self.frame_table = _table(self.frame_model, stretch=3)
        self.result_table.selectionModel().currentRowChanged.connect(
            lambda current, _old: self._show(current.row())
        )
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.value_table)
        split.addWidget(self.frame_table)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.result_table)
        layout.addWidget(split, 1)

    def show_results(self, results: Sequence[OnDemandResult]) -> None:
        self.results = list(results)
        palette = theme.current()
        ok = sum(1 for r in results if r.ok)
        self.summary.setText(
            self.tr("{n} meters read: {ok} answered, {failed} failed").format(
                n=fmt.number(len(results)), ok=fmt.number(ok), failed=fmt.number(len(results) - ok)
            )
        )
        rows, colours = [], []
        for r in results:
            text = (
                self.tr("OK")
                if r.ok
                else self.tr("Failed: {error}").format(error=r.error or fmt.DASH)
            )
            rows.append([r.meter_name, path_text(r.path), text, fmt.number(r.duration_ms)])
            colours.append({2: palette.good if r.ok else palette.bad})
        self.result_model.set_rows(rows, results, colours)
        if results:
            self.result_table.selectRow(0)
        self._show(0)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.results):
            self.value_model.set_rows([])
            self.frame_model.set_rows([])
            return
        result, palette = self.results[row], theme.current()
        self.value_model.set_rows([[v.name, v.value, v.unit] for v in result.values])
        frames, colours = [], []
        for f in result.frames:
            up = f.direction == "up"
            frames.append(
                [
                    f"{f.at:%H:%M:%S}.{f.at.microsecond // 1000:03d}",
                    self.tr("↑ up") if up else self.tr("↓ down"),
                    fmt.number(len(f.raw)),
                    hex_text(f.raw),
                ]
            )
            colours.append({1: palette.accent if up else palette.curve_today})
        self.frame_model.set_rows(frames, result.frames, colours)


# ---------------------------------------------------------------------------- the view
@dataclass(frozen=True, slots=True)
class CollectionSnapshot:
    day: date
    scope: Scope
    kpis: KpiSummary
    trend: list[tuple[date, SuccessRate]]
    concentrators: list[Drag]
    meters: list[Drag]
    as_of: datetime


def _snapshot(console: CollectionConsole, scope: Scope) -> CollectionSnapshot:
    day = console.today()
    concentrators, meters = console.drags(day, scope)
    return CollectionSnapshot(
        day=day,
        scope=scope,
        kpis=console.kpis(day, scope),
        trend=console.trend(day, scope, TREND_DAYS),
        concentrators=concentrators,
        meters=meters,
        as_of=datetime.now(),
    )


class CollectionView(BaseView):
    loaded = Signal(object)  # CollectionSnapshot, once it is on screen
    jobs_loaded = Signal(object)  # list[JobState]
    read_finished = Signal(object)  # list[OnDemandResult]

    def __init__(
        self,
        runner: TaskRunner,
        console: CollectionConsole | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("collection", parent)
        self._runner = runner
        self._console: CollectionConsole | None = None
        self._monitor: MessageMonitor | None = None
        self._scope: Scope = None
        self._scope_name = ""
        self._unit_scope: Scope = None
        self._unit_name = ""
        self._generation = 0
        self._jobs_in_flight = False
        self._selected_meter: tuple[int, str] | None = None
        self._reading = False
        self.schedule_dialog: ScheduleDialog | None = None
        self._settled: set[str] = set()
        self.snapshot: CollectionSnapshot | None = None
        self.drill_dialog: DrillDownDialog | None = None
        self.read_dialog: ReadResultDialog | None = None

        self._build_header()
        self.error = _label("", "ErrorBanner")
        self.error.setWordWrap(True)
        self.error.hide()
        self.empty = EmptyState(
            "collection",
            self.tr("Collection monitor"),
            self.tr(
                "The concentrator front end (前置机) is turned off in this installation, so "
                "there is no device tree, job panel or live frame to show. To collect through "
                "concentrators, set enabled = true under [frontend] in the configuration file "
                "and restart the console."
            ),
            self.tr("Front end off"),
        )
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._build_body())
        self.pages.setCurrentWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addLayout(self._header)
        layout.addWidget(self.error)
        layout.addWidget(self.pages, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._jobs_timer = QTimer(self)
        self._jobs_timer.setInterval(JOBS_REFRESH_MS)
        self._jobs_timer.timeout.connect(self.refresh_jobs)
        self.apply_palette(theme.current())
        self._enable_actions()
        if console is not None:
            self.set_console(console)

    # ------------------------------------------------------------------ layout
    def _build_header(self) -> None:
        title = _label(self.tr("Collection monitor"), "ViewTitle")
        self.subtitle = _label(self.tr("Waiting for the collection service…"), "ViewSubtitle")
        # A long scope name must not widen the window: the subtitle takes what is left.
        self.subtitle.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.monitor_button = QPushButton(self.tr("Message monitor"))
        self.monitor_button.setCheckable(True)
        self.monitor_button.setToolTip(self.tr("Show the live frames on the concentrators' links"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(self.subtitle, 1)
        header.addWidget(self.monitor_button)
        header.addWidget(self.refresh_button)
        self._header = header

    def _build_tree(self) -> QFrame:
        self.tree = QTreeView()
        # The tree owns its model, so it is gone before the model's items are.
        self.tree_model = DeviceTreeModel(self._runner, self.tree)
        self.tree_model.failed.connect(self._on_tree_failed)
        self.tree_model.loaded.connect(self._on_tree_loaded)
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(14)  # five levels deep: keep room for the names
        self.tree.setAlternatingRowColors(False)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().selectionChanged.connect(self._on_tree_selection)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self._build_read_bar())
        return _panel(self.tr("Devices"), content, margin=10)

    def _build_read_bar(self) -> QWidget:
        """点抄: the selected meter by the chosen path, or every meter of the selected 台区."""
        self.path_choice = QComboBox()
        for path, text in zip(
            (ReadPath.CONCENTRATOR, ReadPath.FORWARD, ReadPath.DIRECT),
            (_PATHS[0][1], _PATHS[1][1], _PATHS[3][1]),
            strict=True,
        ):
            self.path_choice.addItem(translate("CollectionView", text), path)
        self.path_choice.setToolTip(self.tr("How the selected meter is read"))
        self.path_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.path_choice.setMinimumContentsLength(10)
        self.read_meter_button = QPushButton(self.tr("Read selected meter"))
        self.read_meter_button.clicked.connect(self.read_selected_meter)
        self.read_area_button = QPushButton(self.tr("Read whole 台区"))
        self.read_area_button.clicked.connect(self.read_selected_area)
        bar = QWidget()
        grid = QGridLayout(bar)
        grid.setContentsMargins(0, 6, 0, 0)
        grid.addWidget(_label(self.tr("On-demand read via"), "KpiCaption"), 0, 0)
        grid.addWidget(self.path_choice, 0, 1)
        grid.addWidget(self.read_meter_button, 1, 0)
        grid.addWidget(self.read_area_button, 1, 1)
        grid.setColumnStretch(1, 1)
        return bar

    def _build_body(self) -> QWidget:
        tree_panel = self._build_tree()
        tiles = self._build_tiles()
        self.trend = TrendChart()
        trend_panel = _panel(self.tr("Success rate, last 30 days"), self.trend)
        self.jobs = JobPanel()
        self.jobs.run_requested.connect(self.run_job)
        self.jobs.cancel_requested.connect(self.cancel_job)
        self.jobs.edit_requested.connect(self.edit_schedule)
        middle = QSplitter(Qt.Orientation.Horizontal)
        middle.addWidget(trend_panel)
        middle.addWidget(self.jobs)
        middle.setStretchFactor(0, 3)
        middle.setStretchFactor(1, 2)
        middle.setSizes([560, 380])

        middle_and_ranking = QSplitter(Qt.Orientation.Vertical)
        middle_and_ranking.addWidget(middle)
        middle_and_ranking.addWidget(self._build_ranking())
        middle_and_ranking.setStretchFactor(0, 3)
        middle_and_ranking.setStretchFactor(1, 2)
        middle_and_ranking.setSizes([400, 300])

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(10)
        right_layout.addLayout(tiles)
        right_layout.addWidget(middle_and_ranking, 1)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(tree_panel)
        body.addWidget(right)
        body.setStretchFactor(0, 1)
        body.setStretchFactor(1, 3)
        body.setSizes([420, 880])
        return body

    def _build_tiles(self) -> QGridLayout:
        self.tiles = {
            "rate": KpiTile(self.tr("Collection success"), "%"),
            "meters": KpiTile(self.tr("Meters read / due"), self.tr("meters")),
            "failing": KpiTile(self.tr("Unread meters"), self.tr("meters")),
            "online": KpiTile(self.tr("Concentrators online"), self.tr("units")),
        }
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        for column, tile in enumerate(self.tiles.values()):
            tile.set_value(fmt.DASH, self.tr("Loading…"), "empty")
            grid.addWidget(tile, 0, column)
            grid.setColumnStretch(column, 1)

        return grid

    def _build_ranking(self) -> QWidget:
        self.concentrator_model = drag_model(self)
        self.meter_model = drag_model(self)
        self.concentrator_table = NotedTable(
            _table(self.concentrator_model, stretch=4), self.tr("Loading…")
        )
        self.meter_table = NotedTable(_table(self.meter_model, stretch=4), self.tr("Loading…"))
        self.meter_table.table.setColumnHidden(UNREAD_COLUMN, True)
        self.concentrator_table.table.doubleClicked.connect(
            lambda index: self.drill_down(index.row())
        )
        self.concentrator_table.table.setToolTip(
            self.tr("Double-click a concentrator to see its unread meters")
        )
        self.meter_table.table.selectionModel().currentRowChanged.connect(
            lambda current, _old: self._on_meter_row(current.row())
        )
        self.ranking_tabs = QTabWidget()
        self.ranking_tabs.addTab(self.concentrator_table, self.tr("Concentrators"))
        self.ranking_tabs.addTab(self.meter_table, self.tr("Meters"))
        panel = QFrame()
        panel.setObjectName("Panel")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(14, 10, 14, 10)
        title_row = QHBoxLayout()
        title_row.addWidget(_label(self.tr("Who drags the rate down"), "PanelTitle"))
        title_row.addSpacing(10)
        title_row.addWidget(
            _label(
                self.tr("costliest first · double-click a concentrator for its unread meters"),
                "ViewSubtitle",
            ),
            1,
        )
        layout.addLayout(title_row)
        layout.addWidget(self.ranking_tabs, 1)
        return panel

    def apply_palette(self, palette: theme.Palette) -> None:
        self.refresh_button.setIcon(icons.icon("refresh", palette.text))
        self.tree_model.set_palette(palette)
        self.tree.viewport().update()  # the state lights and red counts take the new colours

    # ------------------------------------------------------------------ wiring
    def attach(self, context: AppContext, bridge: CollectionBridge | None = None) -> None:
        self.set_console(getattr(context, "collection_console", None))

    def bind_monitor(self, monitor: MessageMonitor) -> None:
        """The main window's 报文监视 dock: this view's button shows and hides it."""
        self._monitor = monitor
        self.monitor_button.toggled.connect(monitor.setVisible)
        monitor.visibilityChanged.connect(self.monitor_button.setChecked)
        monitor.set_console(self._console)

    def set_console(self, console: CollectionConsole | None) -> None:
        self._console = console
        self.snapshot = None
        self.tree_model.reset(console, None)
        if self._monitor is not None:
            self._monitor.set_console(console)
        if console is None:
            self._timer.stop()
            self._jobs_timer.stop()
            self.pages.setCurrentWidget(self.empty)
            self.subtitle.setText(self.tr("The concentrator front end is off"))
            self._enable_actions()
            self._mark_ready()
            return
        self.pages.setCurrentIndex(1)
        self._enable_actions()
        self._timer.start()
        self._jobs_timer.start()
        self.refresh()
        self.refresh_jobs()

    def set_unit(self, unit: OrgUnit | None) -> None:
        if unit is None:
            self._unit_scope, self._unit_name = None, ""
        else:
            level = KpiLevel.STATION if unit.kind == "station" else KpiLevel.COUNTY
            self._unit_scope, self._unit_name = (level, unit.id), unit.name
        self.tree.clearSelection()
        self._set_scope(self._unit_scope, self._unit_name)

    def _set_scope(self, scope: Scope, name: str) -> None:
        if scope == self._scope and name == self._scope_name:
            return
        self._scope, self._scope_name = scope, name
        self.refresh()

    def _on_tree_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = self.tree.selectionModel().selectedRows()
        node = self.tree_model.node(indexes[0]) if indexes else None
        if node is None:
            self._selected_meter = None
            self._set_scope(self._unit_scope, self._unit_name)
        elif node.kind == NodeKind.METER:
            self._selected_meter = (node.id, node.name)
            owner = self.tree_model.ancestor(indexes[0], NodeKind.CONCENTRATOR)
            owner = owner or self.tree_model.ancestor(indexes[0], NodeKind.AREA)
            if owner is not None:
                self._set_scope(scope_of(owner), owner.name)
        else:
            self._selected_meter = None
            self._set_scope(scope_of(node), node.name)
        self._enable_actions()

    def _on_meter_row(self, row: int) -> None:
        if 0 <= row < self.meter_model.rowCount():
            drag = self.meter_model.payload(row)
            self._selected_meter = (drag.id, drag.name)  # type: ignore[attr-defined]
            self._enable_actions()

    def _selected_area(self) -> TreeNode | None:
        indexes = self.tree.selectionModel().selectedRows()
        return self.tree_model.ancestor(indexes[0], NodeKind.AREA) if indexes else None

    def _on_tree_loaded(self, node: TreeNode | None) -> None:
        model = self.tree_model
        if node is None:  # the counties: open them so the stations show at once
            counties = [model.index(row, 0) for row in range(model.rowCount())]
            for index in counties:
                model.fetchMore(index)  # a hidden tree's expand() would not fetch
                self.tree.expand(index)
            if not any(model.hasChildren(index) for index in counties):
                self._settle("tree")
        elif node.kind == NodeKind.COUNTY:
            self._settle("tree")

    def _on_tree_failed(self, message: str) -> None:
        self._show_error(message)
        self._settle("tree")

    def _settle(self, part: str) -> None:
        """Ready (screenshots wait for it) once the figures and the tree's first levels show."""
        self._settled.add(part)
        if {"tree", "figures"} <= self._settled:
            self._mark_ready()

    def _enable_actions(self, busy: bool = False) -> None:
        has = self._console is not None
        self.refresh_button.setEnabled(has)
        self.monitor_button.setEnabled(has and self._monitor is not None)
        self.refresh_button.setVisible(has)  # the empty state says why there is nothing to do
        self.monitor_button.setVisible(has)
        self.path_choice.setEnabled(has and not busy)
        self.read_meter_button.setEnabled(has and not busy and self._selected_meter is not None)
        self.read_area_button.setEnabled(has and not busy and self._selected_area() is not None)
        self._reading = busy
        name = self._selected_meter[1] if self._selected_meter else ""
        self.read_meter_button.setToolTip(
            self.tr("Read {name} now").format(name=name)
            if name
            else self.tr("Select a meter in the tree or in the ranking first")
        )

    def _show_error(self, message: str) -> None:
        log.error("collection view: %s", message)
        self.error.setText(message)
        self.error.show()

    # ------------------------------------------------------------------ KPIs, trend, ranking
    def refresh(self) -> None:
        console = self._console
        if console is None:
            return
        self._generation += 1
        generation, scope = self._generation, self._scope
        load = lambda: _snapshot(console, scope)  # noqa: E731
        _submit(self._runner, self, load, "_apply", "_fail", generation)

    def _fail(self, generation: int, err: BaseException) -> None:
        if generation == self._generation:
            self._show_error(
                self.tr("Cannot read the collection figures: {error}").format(error=err)
            )

    def _apply(self, generation: int, snap: CollectionSnapshot) -> None:
        if generation != self._generation:
            return  # a newer scope is on its way
        if snap.day != self.tree_model.day:  # first load, or the day rolled over
            self.tree_model.reset(self._console, snap.day)
            self.tree_model.fetchMore(QModelIndex())
        self.snapshot = snap
        self.error.hide()
        self.subtitle.setText(
            self.tr("{scope} · daily freeze of {day} · as of {time}").format(
                scope=self._scope_name or self.tr("All"),
                day=snap.day.isoformat(),
                time=fmt.clock_time_seconds(snap.as_of),
            )
        )
        self._show_tiles(snap.kpis)
        self.trend.set_data([(d, r.rate_pct) for d, r in snap.trend], snap.kpis.target_pct)
        self._show_ranking(snap)
        self.loaded.emit(snap)
        self._settle("figures")

    def _show_tiles(self, k: KpiSummary) -> None:
        rate, target, day = k.rate.rate_pct, k.target_pct, k.day.strftime("%m-%d")
        tile = self.tiles["rate"]
        if rate is None:
            tile.set_value(fmt.DASH, self.tr("No meter is due to be read in this scope."), "empty")
        elif rate >= target:
            tile.set_value(
                fmt.number(rate, 2),
                self.tr("Target {target} % met (+{gap} points)").format(
                    target=fmt.number(target, 2), gap=fmt.number(rate - target, 2)
                ),
                "good",
            )
        else:
            missing = math.ceil(k.rate.expected * target / 100) - k.rate.read
            tile.set_value(
                fmt.number(rate, 2),
                self.tr("{n} meters short of the {target} % target").format(
                    target=fmt.number(target, 2), n=fmt.number(missing)
                ),
                "warn" if rate >= WARN_BELOW_PCT else "bad",
            )
        self.tiles["meters"].set_value(
            f"{fmt.number(k.rate.read)} / {fmt.number(k.rate.expected)}",
            self.tr("Meters with a daily freeze of {day} / meters due").format(day=day),
            "normal" if k.rate.expected else "empty",
        )
        failing = k.meters_failing
        self.tiles["failing"].set_value(
            fmt.number(failing),
            self.tr("No valid daily freeze of {day}").format(day=day)
            if failing
            else self.tr("Every meter due has its daily freeze of {day}").format(day=day),
            "good" if not failing else "warn" if rate is not None and rate >= target else "bad",
        )
        online, total = k.concentrators_online, k.concentrators_total
        tile = self.tiles["online"]
        if not total:
            tile.set_value("0", self.tr("No concentrator in this scope."), "empty")
        else:
            offline = total - online
            tile.set_value(
                f"{fmt.number(online)} / {fmt.number(total)}",
                self.tr("{n} offline (no heartbeat for 15 min)").format(n=fmt.number(offline))
                if offline
                else self.tr("All logged in and sending heartbeats"),
                "good" if not offline else "bad" if not online else "warn",
            )

    def _show_ranking(self, snap: CollectionSnapshot) -> None:
        bad = theme.current().bad
        clean = self.tr("Nothing drags the rate down: every meter due has its daily freeze.")
        for model, table, drags, tab in (
            (self.concentrator_model, self.concentrator_table, snap.concentrators, 0),
            (self.meter_model, self.meter_table, snap.meters, 1),
        ):
            rows, colours = drag_rows(drags, bad)
            model.set_rows(rows, drags, colours)
            table.show_rows(bool(drags), clean)
            title = self.tr("Concentrators ({n})") if tab == 0 else self.tr("Meters ({n})")
            self.ranking_tabs.setTabText(tab, title.format(n=fmt.number(len(drags))))
        if not snap.concentrators and snap.meters:
            self.concentrator_table.show_rows(
                False,
                self.tr(
                    "No concentrator drags the rate down: the unread meters are read directly."
                ),
            )

    def drill_down(self, row: int) -> None:
        console, snap = self._console, self.snapshot
        if console is None or snap is None or not 0 <= row < len(snap.concentrators):
            return
        drag, day = snap.concentrators[row], snap.day
        if self.drill_dialog is None:
            self.drill_dialog = DrillDownDialog(self)
        dialog = self.drill_dialog
        dialog.loading(drag)
        dialog.show()
        dialog.raise_()
        load = lambda: console.failed_meters(day, drag)  # noqa: E731
        _submit(self._runner, dialog, load, "show_meters", "show_error", drag)

    # ------------------------------------------------------------------ jobs
    def refresh_jobs(self) -> None:
        console = self._console
        if console is None or self._jobs_in_flight:
            return
        self._jobs_in_flight = True
        _submit(self._runner, self, console.jobs, "_show_jobs", "_jobs_failed")

    def _show_jobs(self, jobs: list[JobState]) -> None:
        self._jobs_in_flight = False
        self.jobs.show_jobs(jobs, self.tree_model.day)
        self.jobs_loaded.emit(jobs)

    def _jobs_failed(self, err: BaseException) -> None:
        self._jobs_in_flight = False
        self.jobs.show_error(self.tr("Cannot read the job states: {error}").format(error=err))

    def run_job(self, job_id: str) -> None:
        self._job_action(job_id, "run")

    def cancel_job(self, job_id: str) -> None:
        self._job_action(job_id, "cancel")

    def _job_action(self, job_id: str, action: str) -> None:
        console = self._console
        if console is None:
            return
        row = self.jobs.rows.get(job_id)
        if row is not None:  # until the next poll shows the new state
            row.run_button.setEnabled(False)
            row.cancel_button.setEnabled(False)
        call: Callable[[str], None] = console.run_job if action == "run" else console.cancel_job
        _submit(
            self._runner, self, lambda: call(job_id), "_job_done", "_job_failed", action, job_id
        )

    def _job_done(self, _action: str, _job_id: str, _none: None) -> None:
        self.refresh_jobs()  # the new state at once, not at the next poll

    def _job_failed(self, action: str, job_id: str, err: BaseException) -> None:
        if action == "run":
            self._show_error(
                self.tr("Cannot start the job {job}: {error}").format(job=job_id, error=err)
            )
        else:
            self._show_error(
                self.tr("Cannot cancel the job {job}: {error}").format(job=job_id, error=err)
            )
        self.refresh_jobs()

    def edit_schedule(self) -> None:
        """The schedule dialog: loaded and saved on the worker thread (it writes a file)."""
        if self._console is None:
            return
        console = self._console
        _submit(self._runner, self, console.schedule, "_schedule_loaded", "_schedule_failed")

    def _schedule_loaded(self, values: dict[str, object]) -> None:
        dialog = ScheduleDialog(values, self)
        self.schedule_dialog = dialog

        def save() -> None:
            console = self._console
            if console is None:
                return
            dialog.save_button.setEnabled(False)
            chosen = dialog.values()
            _submit(
                self._runner, self, lambda: console.set_schedule(chosen), "_schedule_saved",
                "_schedule_rejected",
            )  # fmt: skip

        dialog.buttons.accepted.connect(save)
        dialog.open()

    def _schedule_saved(self, _none: None) -> None:
        if self.schedule_dialog is not None:
            self.schedule_dialog.done(QDialog.DialogCode.Accepted)
        self.refresh_jobs()

    def _schedule_rejected(self, err: BaseException) -> None:
        if self.schedule_dialog is not None:
            self.schedule_dialog.save_button.setEnabled(True)
            self.schedule_dialog.show_error(str(err))

    def _schedule_failed(self, err: BaseException) -> None:
        self._show_error(self.tr("Cannot read the schedule: {error}").format(error=err))

    # ------------------------------------------------------------------ on-demand read
    def read_selected_meter(self) -> None:
        console, meter = self._console, self._selected_meter
        if console is None or meter is None or self._reading:
            return
        path = ReadPath(self.path_choice.currentData())
        self._start_read(lambda: [console.read_meter(meter[0], path)])

    def read_selected_area(self) -> None:
        console, area = self._console, self._selected_area()
        if console is None or area is None or self._reading:
            return
        self._start_read(lambda: console.read_area(area.id))

    def _start_read(self, fn: Callable[[], list[OnDemandResult]]) -> None:
        self._enable_actions(busy=True)
        self.read_meter_button.setText(self.tr("Reading…"))
        _submit(self._runner, self, fn, "_read_done", "_read_failed")

    def _read_finished(self) -> None:
        self.read_meter_button.setText(self.tr("Read selected meter"))
        self._enable_actions()

    def _read_done(self, results: list[OnDemandResult]) -> None:
        self._read_finished()
        if self.read_dialog is None:
            self.read_dialog = ReadResultDialog(self)
        self.read_dialog.show_results(results)
        self.read_dialog.show()
        self.read_dialog.raise_()
        self.read_finished.emit(results)

    def _read_failed(self, err: BaseException) -> None:
        self._read_finished()
        self._show_error(self.tr("On-demand read failed: {error}").format(error=err))
