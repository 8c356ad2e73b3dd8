"""The thresholds editor: every threshold of DESIGN.md §6 with its unit, the program's default,
the county-wide value and one supply station's own; the version in force (when, by whom, why);
a change is saved as a new version with a comment, and the history of versions is listed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.admin.api import ThresholdTable, ThresholdValueError, VersionConflictError
from console.ui import theme
from console.ui.kit.noop import QT_TRANSLATE_NOOP
from console.ui.kit.panels import error_banner, label

CONTEXT = "Thresholds"
translate = QCoreApplication.translate
Key = tuple[str, int | None]

NAMES = {
    "collection.target_pct": QT_TRANSLATE_NOOP("Thresholds", "Collection success target"),
    "collection.alarm_pct": QT_TRANSLATE_NOOP("Thresholds", "Collection success: red below"),
    "line_loss.high_pct": QT_TRANSLATE_NOOP("Thresholds", "Line loss: high above (高损)"),
    "line_loss.negative_pct": QT_TRANSLATE_NOOP("Thresholds", "Line loss: negative below (负损)"),
    "voltage.single_upper_pct": QT_TRANSLATE_NOOP("Thresholds", "220 V voltage: upper limit"),
    "voltage.single_lower_pct": QT_TRANSLATE_NOOP("Thresholds", "220 V voltage: lower limit"),
    "voltage.three_phase_pct": QT_TRANSLATE_NOOP("Thresholds", "380 V voltage: ± limit"),
    "loading.heavy_pct": QT_TRANSLATE_NOOP("Thresholds", "Transformer heavy load (重载) from"),
    "loading.overload_pct": QT_TRANSLATE_NOOP("Thresholds", "Transformer overload (过载) from"),
    "loading.light_pct": QT_TRANSLATE_NOOP("Thresholds", "Transformer light load below"),
    "loading.duration_min": QT_TRANSLATE_NOOP("Thresholds", "Heavy or overload lasting at least"),
    "imbalance.pct": QT_TRANSLATE_NOOP("Thresholds", "Three-phase imbalance above"),
    "imbalance.min_load_pct": QT_TRANSLATE_NOOP(
        "Thresholds", "Imbalance counted from a load rate of"
    ),
    "offline.meter_hours": QT_TRANSLATE_NOOP("Thresholds", "Meter offline after no read for"),
    "clock.drift_s": QT_TRANSLATE_NOOP("Thresholds", "Clock drift: set the clock above"),
    "repair.arrival_urban_min": QT_TRANSLATE_NOOP("Thresholds", "Repair arrival, urban (城区)"),
    "repair.arrival_rural_min": QT_TRANSLATE_NOOP("Thresholds", "Repair arrival, rural (农村)"),
    "repair.arrival_remote_min": QT_TRANSLATE_NOOP("Thresholds", "Repair arrival, remote (边远)"),
    "repair.restore_urban_h": QT_TRANSLATE_NOOP("Thresholds", "Restoration after arrival, urban"),
    "repair.restore_rural_h": QT_TRANSLATE_NOOP("Thresholds", "Restoration after arrival, rural"),
}
UNITS = {
    "%": "%",
    "min": QT_TRANSLATE_NOOP("Thresholds", "min"),
    "h": QT_TRANSLATE_NOOP("Thresholds", "h"),
    "s": QT_TRANSLATE_NOOP("Thresholds", "s"),
}
NAME, UNIT, DEFAULT, COUNTY, STATION = range(5)
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def threshold_name(key: str) -> str:
    known = NAMES.get(key)
    return translate(CONTEXT, known) if known else key


def save_error_text(err: BaseException) -> str:
    """Why a save was refused, in the UI's language."""
    if isinstance(err, ThresholdValueError):
        d = err.definition
        name = threshold_name(err.key)
        if d is None or err.problem == "unknown":
            why = translate("Thresholds", "no such threshold")
        elif err.problem == "number":
            why = translate("Thresholds", "not a number")
        elif err.problem == "decimals":
            why = translate("Thresholds", "at most {n} decimals").format(n=d.digits)
        else:
            why = translate("Thresholds", "must be between {low} and {high} {unit}").format(
                low=_text(d.low), high=_text(d.high), unit=translate(CONTEXT, UNITS[d.unit])
            )
        return translate("Thresholds", "Not saved: {name} = “{value}”: {why}.").format(
            name=name, value=err.text, why=why
        )
    if isinstance(err, VersionConflictError):
        return translate(
            "Thresholds",
            "Not saved: {by} saved version {current} meanwhile. Discard your changes to see "
            "theirs, then make yours again.",
        ).format(by=err.by, current=err.current)
    return translate("Thresholds", "Not saved: the database did not take it ({kind}).").format(
        kind=type(err).__name__
    )


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


class ThresholdEditor(QWidget):
    """Edits a ``ThresholdTable``; ``save_requested`` carries (values, comment, version)."""

    save_requested = Signal(object, str, object)
    reload_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._table: ThresholdTable | None = None
        self._filling = False
        self.version = label(translate("Thresholds", "Loading the thresholds…"), "ViewSubtitle")
        self.version.setWordWrap(True)
        self.station = QComboBox()
        self.station.currentIndexChanged.connect(self._fill)
        self.save_button = QPushButton(translate("Thresholds", "Save as a new version…"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._save)
        self.reset_button = QPushButton(translate("Thresholds", "Discard changes"))
        self.reset_button.setEnabled(False)
        self.reset_button.clicked.connect(self.reload_requested)
        self.error = error_banner()
        self.grid = QTableWidget(0, 5)
        self.grid.setHorizontalHeaderLabels([
            translate("Thresholds", "Threshold"), translate("Thresholds", "Unit"),
            translate("Thresholds", "Default"), translate("Thresholds", "County-wide"),
            translate("Thresholds", "This supply station"),
        ])  # fmt: skip
        self.grid.verticalHeader().hide()
        self.grid.setAlternatingRowColors(True)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.grid.itemChanged.connect(self._edited)
        top = QHBoxLayout()
        top.addWidget(QLabel(translate("Thresholds", "Supply station:")))
        top.addWidget(self.station)
        top.addStretch(1)
        top.addWidget(self.reset_button)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.version)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.grid, 1)
        note = label(
            translate(
                "Thresholds",
                "An empty county-wide value means the default; an empty station value means the "
                "county-wide one. Every save is a new version; the earlier ones are kept.",
            ),
            "KpiCaption",
            wrap=True,
        )
        layout.addWidget(note)
        self.edits: dict[Key, str] = {}

    # ------------------------------------------------------------------ showing
    def show_table(self, table: ThresholdTable) -> None:
        self._table = table
        self.edits = {}
        self.error.hide()
        v = table.version
        if v is None:
            self.version.setText(
                translate(
                    "Thresholds", "No version saved yet: the program's defaults are in force."
                )
            )
        else:
            text = translate("Thresholds", "Version {n} in force since {at}, saved by {by}").format(
                n=v.version, at=f"{v.created_at:%Y-%m-%d %H:%M}", by=v.created_by
            )
            if v.comment:
                text += translate("Thresholds", " · “{comment}”").format(comment=v.comment)
            self.version.setText(text)
        current = self.station.currentData()
        self.station.blockSignals(True)
        self.station.clear()
        for s in table.stations:
            self.station.addItem(f"{s.county} · {s.name}", s.id)
        index = self.station.findData(current)
        self.station.setCurrentIndex(max(index, 0))
        self.station.blockSignals(False)
        self._fill()
        self._dirty()

    def _station(self) -> int | None:
        data = self.station.currentData()
        return int(data) if data is not None else None

    def _value(self, key: Key) -> str:
        if key in self.edits:
            return self.edits[key]
        assert self._table is not None
        return _text(self._table.values.get(key))

    def _fill(self) -> None:
        table = self._table
        if table is None:
            return
        self._filling = True
        station = self._station()
        muted = QColor(theme.current().muted)
        self.grid.setRowCount(len(table.definitions))
        for row, d in enumerate(table.definitions):
            cells = (
                (threshold_name(d.key), False),
                (translate(CONTEXT, UNITS.get(d.unit, d.unit)), False),
                (_text(d.default), False),
                (self._value((d.key, None)), True),
                (self._value((d.key, station)) if station is not None else "", station is not None),
            )
            for column, (text, editable) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, d.key)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if editable:
                    flags |= Qt.ItemFlag.ItemIsEditable
                    item.setToolTip(
                        translate("Thresholds", "Between {low} and {high} {unit}").format(
                            low=_text(d.low), high=_text(d.high),
                            unit=translate(CONTEXT, UNITS.get(d.unit, d.unit)),
                        )
                    )  # fmt: skip
                else:
                    item.setForeground(muted if column == DEFAULT else item.foreground())
                if column in (DEFAULT, COUNTY, STATION):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setFlags(flags)
                self.grid.setItem(row, column, item)
        self._filling = False

    # ------------------------------------------------------------------ editing
    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling or self._table is None:
            return
        key = str(item.data(Qt.ItemDataRole.UserRole))
        station = None if item.column() == COUNTY else self._station()
        self.edits[(key, station)] = item.text().strip()
        self._dirty()

    def _dirty(self) -> None:
        changed = any(self._value(k) != _text(self._stored(k)) for k in self.edits)
        self.save_button.setEnabled(changed)
        self.reset_button.setEnabled(changed)

    def _stored(self, key: Key) -> Decimal | None:
        assert self._table is not None
        return self._table.values.get(key)

    def values(self) -> dict[Key, str]:
        """Every value of the new version: the stored ones with the edits applied (an emptied
        cell removes the value: the default or the county's applies again)."""
        assert self._table is not None
        merged = {k: _text(v) for k, v in self._table.values.items()}
        merged.update(self.edits)
        return {k: v for k, v in merged.items() if v}

    def _save(self, *, ask: Callable[[], tuple[str, bool]] | None = None) -> None:
        comment, ok = (ask or self._ask_comment)()
        if not ok:
            return
        table = self._table
        assert table is not None
        self.save_button.setEnabled(False)
        version = table.version.version if table.version is not None else None
        self.save_requested.emit(self.values(), comment, version)

    def _ask_comment(self) -> tuple[str, bool]:
        return QInputDialog.getText(
            self,
            translate("Thresholds", "Save the thresholds"),
            translate(
                "Thresholds", "Why are they changed? (kept with the version and the audit log)"
            ),
        )

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self._dirty()
