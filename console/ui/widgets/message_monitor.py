"""报文监视: the live frames on the concentrators' links, in a dock beside any view.

Frames arrive on the front end's thread into a bounded, locked buffer; a GUI timer moves them to
the table in batches, so a storm of frames costs one model update per tick, never one per frame.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
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
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.collection.frames import FrameBuffer
from console.ui import format as fmt
from console.ui import theme

if TYPE_CHECKING:
    from console.collection.api import CollectionConsole
    from drivers.link.traffic import Traffic

ROW_CAP = 5_000  # rows kept in the table; older ones scroll away
FLUSH_MS = 200
FLUSH_MAX = 2_000  # rows added per tick at most: 10,000 frames/s stays 5 small updates a second
HEX_SHOWN = 48  # bytes of a frame shown in the table (all of it in the detail pane)
SUMMARY_CHARS = 160

Describe = Callable[[bytes], dict[str, object]]
_ModelIndex = QModelIndex | QPersistentModelIndex


translate = QCoreApplication.translate  # a name lupdate recognises


def hex_text(raw: bytes, limit: int | None = None) -> str:
    shown = raw if limit is None else raw[:limit]
    text = shown.hex(" ").upper()
    return text + " …" if limit is not None and len(raw) > limit else text


ALL_POINTS = 0xFFFF  # DA FF 00: every measurement point


def _pn_text(pns: list[int]) -> str:
    if ALL_POINTS in pns:
        return "p*"
    values = sorted(set(pns))
    if len(values) > 2 and values[-1] - values[0] == len(values) - 1:
        return f"p{values[0]}..p{values[-1]}"
    shown = ",".join(f"p{p}" for p in values[:4])
    return shown + ",…" if len(values) > 4 else shown


def _code(value: object, width: int = 2) -> str:
    return f"{value:0{width}X}" if isinstance(value, int) else str(value)


def _name(entry: dict[str, Any], key: str, chinese: bool) -> str:
    """The report's Chinese name when the UI is Chinese and the report has one."""
    return str((chinese and entry.get(f"{key}_zh")) or entry.get(key) or "")


def _gdw376_summary(report: dict[str, Any], chinese: bool) -> str:
    parts = [f"AFN {_code(report.get('afn', '?'))}"]
    groups: dict[tuple[str, str], list[int]] = {}
    for item in report.get("items") or []:
        if not isinstance(item, dict):
            continue
        fn = item.get("fn", "?")
        key = (f"F{fn}" if isinstance(fn, int) else str(fn), _name(item, "name", chinese))
        pn = item.get("pn")
        groups.setdefault(key, []).extend([pn] if isinstance(pn, int) else [])
    if not groups:  # no data units (a bare confirmation): say what the AFN is
        return " ".join([*parts, _name(report, "afn_name", chinese)]).strip()
    for (fn, name), pns in groups.items():
        words = [fn]
        if pns:
            words.append(_pn_text(pns))
        if name:
            words.append(name)
        parts.append(" ".join(words))
    return " · ".join(parts) if len(parts) > 2 else " ".join(parts)


def _value_text(value: object) -> str:
    if not isinstance(value, dict):
        return str(value)
    unit = value.get("unit") or ""
    text = f"{value.get('name', '')} = {value.get('value', '')}"
    return f"{text} {unit}" if unit else text


def summarize(report: dict[str, Any], *, chinese: bool = False) -> str:
    """One line out of an ``smc decode`` report: what the frame is and what it carries."""
    if not report.get("valid", True):
        return translate("MessageMonitor", "Cannot decode: {error}").format(
            error=report.get("error", "?")
        )
    if "afn" in report:
        text = _gdw376_summary(report, chinese)
    else:
        words = [str(report.get(k)) for k in ("protocol", "function", "di") if report.get(k)]
        values = report.get("values") or []
        if isinstance(values, list) and values:
            words.append(_value_text(values[0]) + (" …" if len(values) > 1 else ""))
        text = " ".join(words)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


@dataclass(slots=True)
class _Row:
    traffic: Traffic
    device: str
    summary: str | None = None  # decoded when first shown


class MessageModel(QAbstractTableModel):
    """The newest ``cap`` frames, oldest first; each frame is decoded when a view first asks."""

    TIME, DEVICE, DIRECTION, LENGTH, HEX, SUMMARY = range(6)
    ROW_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, cap: int = ROW_CAP, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cap = cap
        self._rows: list[_Row] = []
        self._describe: Describe | None = None
        self._chinese = QLocale().language() == QLocale.Language.Chinese
        self._palette = theme.current()
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._headers = [
            self.tr("Time"),
            self.tr("Device"),
            self.tr("Direction"),
            self.tr("Bytes"),
            self.tr("Frame (hex)"),
            self.tr("Decoded"),
        ]

    def set_describe(self, describe: Describe | None) -> None:
        self._describe = describe

    def set_palette(self, palette: theme.Palette) -> None:
        self._palette = palette
        if self._rows:
            top = self.index(0, self.DIRECTION)
            bottom = self.index(len(self._rows) - 1, self.DIRECTION)
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.ForegroundRole])

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def append(self, frames: Sequence[Traffic]) -> None:
        if not frames:
            return
        frames = frames[-self.cap :]
        excess = len(self._rows) + len(frames) - self.cap
        if excess > 0:  # the oldest rows scroll away first, so the model never exceeds the cap
            self.beginRemoveRows(QModelIndex(), 0, excess - 1)
            del self._rows[:excess]
            self.endRemoveRows()
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(frames) - 1)
        self._rows.extend(_Row(t, t.terminal or t.remote) for t in frames)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()

    def traffic(self, row: int) -> Traffic:
        return self._rows[row].traffic

    def device(self, row: int) -> str:
        return self._rows[row].device

    def summary(self, row: int) -> str:
        item = self._rows[row]
        if item.summary is None:
            item.summary = summarize(self.report(item.traffic.raw), chinese=self._chinese)
        return item.summary

    def report(self, raw: bytes) -> dict[str, Any]:
        if self._describe is None:
            return {"valid": False, "error": translate("MessageMonitor", "no decoder")}
        try:
            return dict(self._describe(raw))
        except Exception as err:  # a decoder bug must not break the monitor
            return {"valid": False, "error": str(err)}

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        traffic = self._rows[row].traffic
        up = traffic.direction == "up"
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TIME:
                return traffic.at.strftime("%H:%M:%S.") + f"{traffic.at.microsecond // 1000:03d}"
            if column == self.DEVICE:
                return self._rows[row].device
            if column == self.DIRECTION:
                return self.tr("↑ up") if up else self.tr("↓ down")
            if column == self.LENGTH:
                return fmt.number(len(traffic.raw))
            if column == self.HEX:
                return hex_text(traffic.raw, HEX_SHOWN)
            return self.summary(row)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.DIRECTION:
            return QColor(self._palette.accent if up else self._palette.curve_today)
        if role == Qt.ItemDataRole.FontRole and column == self.HEX:
            return self._mono
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.LENGTH:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.DEVICE:
            return traffic.remote
        if role == self.ROW_ROLE:
            return row
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

    def filterAcceptsRow(self, source_row: int, source_parent: _ModelIndex) -> bool:
        if not self._text:
            return True
        model = self.sourceModel()
        assert isinstance(model, MessageModel)
        traffic = model.traffic(source_row)
        return self._text in traffic.terminal.lower() or self._text in traffic.remote.lower()


class MessageMonitor(QDockWidget):
    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        row_cap: int = ROW_CAP,
        flush_ms: int = FLUSH_MS,
        flush_max: int = FLUSH_MAX,
    ) -> None:
        super().__init__(self.tr("Message monitor"), parent)
        self.setObjectName("MessageMonitor")
        self.buffer = FrameBuffer(row_cap)
        self.flush_max = flush_max
        self.skipped = 0  # frames that arrived faster than the table can show them
        self._console: CollectionConsole | None = None
        self.model = MessageModel(row_cap, self)
        self.proxy = DeviceFilter(self)
        self.proxy.setSourceModel(self.model)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addLayout(self._build_bar())
        layout.addWidget(self._build_split(), 1)
        self.setWidget(body)

        self._timer = QTimer(self)
        self._timer.setInterval(flush_ms)
        self._timer.timeout.connect(self.flush)
        self._timer.start()
        self._show_status()

    def _build_bar(self) -> QHBoxLayout:
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter by device: terminal address or remote"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.set_text)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self._on_pause)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(self.clear)
        self.status = QLabel()
        self.status.setObjectName("ViewSubtitle")
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

    # ------------------------------------------------------------------ wiring
    def set_console(self, console: CollectionConsole | None) -> None:
        """Listen to ``console``'s frames (a ``CollectionConsole``; ``None``: stop listening)."""
        if self._console is not None:
            self._console.remove_traffic_listener(self.buffer.push)
        self._console = console
        self.model.set_describe(None if console is None else console.describe_frame)
        if console is not None:
            # The buffer, not this widget, is the listener: it never touches Qt.
            console.add_traffic_listener(self.buffer.push)
        self._show_status()

    def apply_palette(self, palette: theme.Palette) -> None:
        self.model.set_palette(palette)

    # ------------------------------------------------------------------ frames
    def flush(self) -> None:
        if self.pause_button.isChecked():
            self._show_status()
            return
        frames, overflow = self.buffer.take()
        self.skipped += overflow
        if len(frames) > self.flush_max:
            self.skipped += len(frames) - self.flush_max
            frames = frames[-self.flush_max :]
        if frames:
            scroll = self.table.verticalScrollBar()
            follow = scroll.value() >= scroll.maximum() - 2
            self.model.append(frames)
            if follow:
                self.table.scrollToBottom()
        self._show_status()

    def clear(self) -> None:
        self.buffer.take()
        self.model.clear()
        self.skipped = 0
        self.detail.clear()
        self._show_status()

    def _on_pause(self, paused: bool) -> None:
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        if not paused:
            self.flush()

    def _show_status(self) -> None:
        if self._console is None:
            self.status.setText(self.tr("Not listening: the concentrator front end is off."))
            return
        text = self.tr("{shown} of {total} frames").format(
            shown=fmt.number(self.proxy.rowCount()), total=fmt.number(self.model.rowCount())
        )
        if self.pause_button.isChecked():
            text += self.tr(" · paused, {waiting} waiting").format(
                waiting=fmt.number(len(self.buffer))
            )
        if self.skipped:
            text += self.tr(
                " · {skipped} not shown (arrived faster than the table scrolls)"
            ).format(skipped=fmt.number(self.skipped))
        self.status.setText(text)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        row = self.proxy.mapToSource(current).row()
        traffic = self.model.traffic(row)
        report = self.model.report(traffic.raw)
        direction = self.tr("↑ up") if traffic.direction == "up" else self.tr("↓ down")
        lines = [
            f"{traffic.at:%Y-%m-%d %H:%M:%S}.{traffic.at.microsecond // 1000:03d}  {direction}",
            self.tr("Device: {device} · remote: {remote} · {n} bytes").format(
                device=traffic.terminal or fmt.DASH, remote=traffic.remote, n=len(traffic.raw)
            ),
            "",
            *(hex_text(traffic.raw[i : i + 16]) for i in range(0, len(traffic.raw), 16)),
            "",
            json.dumps(report, ensure_ascii=False, indent=2, default=str),
        ]
        self.detail.setPlainText("\n".join(lines))
