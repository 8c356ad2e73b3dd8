"""报文监视: the live frames on the concentrators' links, in a dock beside any view, decoded in
the UI language; filter by device, pause, clear. It listens only while it is open: frames come
in batches through ``listen_traffic`` (in-process or from the service process alike), and the
table keeps the newest ``ROW_CAP``. A frame is decoded, on a worker, when its row is first
shown or selected: during a county-wide pass thousands arrive each second and decoding them
all took a core from the window."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.ui import format as fmt
from console.ui import theme
from console.ui.kit.language import chinese
from console.ui.kit.panels import label
from console.ui.kit.streams import LiveStream, Subscribe
from console.ui.kit.tasks import TaskRunner
from console.ui.views.collection.decoded import detail_lines, summarize
from console.ui.views.collection.frames import HEX_SHOWN, hex_lines, hex_text, time_text
from console.ui.views.collection.texts import direction_text

if TYPE_CHECKING:
    from drivers.link.traffic import Traffic

log = logging.getLogger(__name__)
ROW_CAP = 5_000  # rows kept in the table; older ones scroll away
Describe = Callable[[bytes], dict[str, object]]
Index = QModelIndex | QPersistentModelIndex


@dataclass(slots=True)
class _Row:
    seq: int
    traffic: Traffic
    report: dict[str, Any] | None = None  # decoded on a worker
    summary: str | None = None  # worded when first shown
    asked: bool = False  # its decoding is under way


class MessageModel(QAbstractTableModel):
    """The newest ``cap`` frames, oldest first."""

    TIME, DEVICE, DIRECTION, LENGTH, HEX, SUMMARY = range(6)

    def __init__(self, cap: int = ROW_CAP, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cap = cap
        self._rows: list[_Row] = []
        self._next_seq = 0
        self._wanted: list[tuple[int, bytes]] = []  # (seq, raw) of rows shown undecoded
        self.on_wanted: Callable[[], None] | None = None  # the first row of a batch is wanted
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._headers = [
            self.tr("Time"), self.tr("Device"), self.tr("Direction"), self.tr("Bytes"),
            self.tr("Frame (hex)"), self.tr("Decoded"),
        ]  # fmt: skip

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def append(self, frames: Sequence[Traffic]) -> None:
        """Add ``frames`` (undecoded: a row is decoded when it is first shown)."""
        frames = list(frames)[-self.cap :]
        if not frames:
            return
        excess = len(self._rows) + len(frames) - self.cap
        if excess > 0:  # the oldest rows scroll away first: the model never exceeds the cap
            self.beginRemoveRows(QModelIndex(), 0, excess - 1)
            del self._rows[:excess]
            self.endRemoveRows()
        first = len(self._rows)
        rows = [_Row(self._next_seq + i, t) for i, t in enumerate(frames)]
        self._next_seq += len(rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def want(self, row: int) -> None:
        """Row ``row`` is shown or selected: have it decoded if it is not (``take_wanted``)."""
        item = self._rows[row]
        if item.report is not None or item.asked:
            return
        item.asked = True
        self._wanted.append((item.seq, item.traffic.raw))
        if len(self._wanted) == 1 and self.on_wanted is not None:
            self.on_wanted()

    def take_wanted(self) -> list[tuple[int, bytes]]:
        wanted, self._wanted = self._wanted, []
        return wanted

    def decoded(self, reports: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Reports of rows by seq (rows that scrolled away meanwhile are skipped)."""
        if not self._rows or not reports:
            return
        first = self._rows[0].seq
        touched = []
        for seq, report in reports:
            row = seq - first
            if 0 <= row < len(self._rows):
                self._rows[row].report, self._rows[row].summary = report, None
                touched.append(row)
        if touched:
            top, bottom = self.index(min(touched), self.SUMMARY), self.index(max(touched), 5)
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.DisplayRole])

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._wanted.clear()
        self.endResetModel()

    def traffic(self, row: int) -> Traffic:
        return self._rows[row].traffic

    def report(self, row: int) -> dict[str, Any] | None:
        return self._rows[row].report

    def summary(self, row: int) -> str:
        item = self._rows[row]
        if item.report is None:
            self.want(row)
            return "…"
        if item.summary is None:
            item.summary = summarize(item.report, chinese=chinese())
        return item.summary

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        traffic = self._rows[row].traffic
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TIME:
                return time_text(traffic.at)
            if column == self.DEVICE:
                return traffic.terminal or traffic.remote
            if column == self.DIRECTION:
                return direction_text(traffic.direction)
            if column == self.LENGTH:
                return fmt.number(len(traffic.raw))
            if column == self.HEX:
                return hex_text(traffic.raw, HEX_SHOWN)
            return self.summary(row)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.DIRECTION:
            palette = theme.current()
            return QColor(palette.accent if traffic.direction == "up" else palette.curve_today)
        if role == Qt.ItemDataRole.FontRole and column == self.HEX:
            return self._mono
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.LENGTH:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.DEVICE:
            return traffic.remote
        return None


class DeviceFilter(QSortFilterProxyModel):
    """Keeps the frames whose terminal address or remote end contains the typed text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._text:
            return True
        model = self.sourceModel()
        assert isinstance(model, MessageModel)
        traffic = model.traffic(source_row)
        return self._text in traffic.terminal.lower() or self._text in traffic.remote.lower()


class MessageMonitor(QDockWidget):
    def __init__(
        self,
        runner: TaskRunner,
        listen: Subscribe,
        describe: Describe,
        *,
        row_cap: int = ROW_CAP,
        flush_ms: int = 200,
        flush_max: int = 2_000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Message monitor"), parent)
        self.setObjectName("MessageMonitor")
        self._runner, self._listen, self._describe = runner, listen, describe
        self.dropped = 0  # frames that could not be shown (arrived faster than shown)
        self._available, self._unavailable_reason = True, ""
        self.model = MessageModel(row_cap, self)
        self.model.on_wanted = lambda: QTimer.singleShot(0, self, self._decode_wanted)
        self.proxy = DeviceFilter(self)
        self.proxy.setSourceModel(self.model)
        self.stream = LiveStream(
            runner, self._arrived, cap=row_cap, flush_ms=flush_ms, flush_max=flush_max,
            parent=self,
        )  # fmt: skip
        self.stream.failed.connect(self._listen_failed)
        self.stream.waiting_changed.connect(lambda _n: self._show_status())
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addLayout(self._build_bar())
        layout.addWidget(self._build_split(), 1)
        self.setWidget(body)
        self.visibilityChanged.connect(lambda _visible: self._follow())
        self._show_status()

    def _build_bar(self) -> QHBoxLayout:
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter by device: terminal address or remote"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self._on_pause)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(self.clear)
        self.status = label("", "ViewSubtitle")
        bar = QHBoxLayout()
        bar.addWidget(self.filter, 2)
        bar.addWidget(self.pause_button)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.status, 3)
        return bar

    def _build_split(self) -> QSplitter:
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in ((0, 96), (1, 104), (2, 64), (3, 52), (4, 330)):
            header.resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.detail.setPlaceholderText(self.tr("Select a frame to see it decoded in full."))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 2)
        return split

    # ------------------------------------------------------------------ listening
    def set_available(self, available: bool, reason: str = "") -> None:
        """Whether there are frames to listen to (the front end listens), and why not."""
        self._available, self._unavailable_reason = available, reason
        self._follow()

    def _follow(self) -> None:
        """Listen while open and available; an idle or closed monitor costs the service nothing."""
        if self._available and not self.isHidden():
            self.stream.start(self._listen)
        else:
            self.stream.stop()
        self._show_status()

    def _listen_failed(self, err: BaseException) -> None:
        log.error("the message monitor cannot listen to the frames: %s", err)
        self._show_status(self.tr("Cannot listen to the frames (details in the log)."))

    def _arrived(self, frames: list[Traffic], dropped: int) -> None:
        self.dropped += dropped
        if frames:
            scroll = self.table.verticalScrollBar()
            follow = scroll.value() >= scroll.maximum() - 2
            self.model.append(frames)
            if follow:
                self.table.scrollToBottom()
        self._show_status()

    def _decode_wanted(self) -> None:
        wanted = self.model.take_wanted()
        if wanted:
            describe = self._describe
            self._runner.submit(
                lambda: [(seq, _report(describe, raw)) for seq, raw in wanted],
                self._decoded,
                owner=self,
            )

    def _decoded(self, reports: list[tuple[int, dict[str, Any]]]) -> None:
        self.model.decoded(reports)
        current = self.table.currentIndex()
        if current.isValid():  # the selected frame may have been waiting for its report
            self._show_detail(current, current)

    # ------------------------------------------------------------------ actions
    def flush(self) -> None:
        self.stream.flush()
        self._show_status()

    def clear(self) -> None:
        self.stream.clear()
        self.model.clear()
        self.dropped = 0
        self.detail.clear()
        self._show_status()

    def _filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_status()

    def _on_pause(self, paused: bool) -> None:
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.stream.set_paused(paused)
        self._show_status()

    def _show_status(self, problem: str = "") -> None:
        if problem or not self._available:
            self.status.setText(problem or self._unavailable_reason)
            return
        text = self.tr("{shown} of {total} frames").format(
            shown=fmt.number(self.proxy.rowCount()), total=fmt.number(self.model.rowCount())
        )
        if self.stream.paused:
            text += self.tr(" · paused, {waiting} waiting").format(
                waiting=fmt.number(self.stream.waiting)
            )
        if self.dropped:
            text += self.tr(" · {n} not shown (they came faster than the table can show)").format(
                n=fmt.number(self.dropped)
            )
        self.status.setText(text)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        row = self.proxy.mapToSource(current).row()
        traffic, report = self.model.traffic(row), self.model.report(row)
        lines = [
            f"{traffic.at:%Y-%m-%d} {time_text(traffic.at)}  {direction_text(traffic.direction)}",
            self.tr("Device: {device} · remote: {remote} · {n} bytes").format(
                device=traffic.terminal or fmt.DASH, remote=traffic.remote, n=len(traffic.raw)
            ),
            "",
            *hex_lines(traffic.raw),
            "",
        ]
        if report is None:
            self.model.want(row)
            lines.append(self.tr("Decoding…"))
        else:
            lines += detail_lines(report, chinese=chinese())
        self.detail.setPlainText("\n".join(lines))


def _report(describe: Describe, raw: bytes) -> dict[str, Any]:
    try:
        return dict(describe(raw))
    except Exception as err:  # a decoder bug must not break the monitor (logged)
        log.exception("the frame %s could not be described", raw.hex(" ").upper())
        return {"valid": False, "error": str(err), "error_kind": "unsupported"}
