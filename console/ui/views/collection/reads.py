"""点抄 (on-demand read), the bar under the device tree: the selected meter by one of three
paths, or every meter of the selected 台区, read on a worker; the results open in a dialog.
Without a listening front end only the meter's own link can be used."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QGridLayout, QPushButton, QWidget

from console.collection.api import CollectionCommands, OnDemandResult, ReadPath
from console.ui.kit.failures import failure_text
from console.ui.kit.panels import label
from console.ui.kit.tasks import Tasks
from console.ui.views.collection.results import ReadResultDialog
from console.ui.views.collection.texts import path_text, path_tip

log = logging.getLogger(__name__)
PATHS = (ReadPath.CONCENTRATOR, ReadPath.FORWARD, ReadPath.DIRECT)
THROUGH_CONCENTRATOR = (ReadPath.CONCENTRATOR, ReadPath.FORWARD)


class ReadBar(QWidget):
    finished = Signal(object)  # list[OnDemandResult], once shown
    failed = Signal(str)  # the read itself failed: for the view's error banner

    def __init__(
        self, api: CollectionCommands, tasks: Tasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._api, self._tasks = api, tasks
        self._meter: tuple[int, str] | None = None
        self._area: tuple[int, str] | None = None
        self._busy = False
        self._concentrators = True
        self.dialog: ReadResultDialog | None = None
        self.path_choice = QComboBox()
        for path in PATHS:
            self.path_choice.addItem(path_text(path), path)
            self.path_choice.setItemData(
                self.path_choice.count() - 1, path_tip(path), Qt.ItemDataRole.ToolTipRole
            )
        self.path_choice.setToolTip(self.tr("How the selected meter is read"))
        self.path_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.path_choice.setMinimumContentsLength(10)
        self.meter_button = QPushButton(self.tr("Read selected meter"))
        self.meter_button.clicked.connect(self.read_meter)
        self.area_button = QPushButton(self.tr("Read whole 台区"))
        self.area_button.clicked.connect(self.read_area)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 6, 0, 0)
        grid.addWidget(label(self.tr("On-demand read via"), "KpiCaption"), 0, 0)
        grid.addWidget(self.path_choice, 0, 1)
        grid.addWidget(self.meter_button, 1, 0)
        grid.addWidget(self.area_button, 1, 1)
        grid.setColumnStretch(1, 1)
        self._show_state()

    def path(self) -> ReadPath:
        return ReadPath(self.path_choice.currentData())

    def select(self, meter: tuple[int, str] | None, area: tuple[int, str] | None) -> None:
        """What is selected: a meter (id, name) and the 台区 (id, name) it or the node is in."""
        self._meter, self._area = meter, area
        self._show_state()

    def set_concentrators(self, listening: bool) -> None:
        """Whether the front end listens (reads through a concentrator need it)."""
        self._concentrators = listening
        self._show_state()

    def read_meter(self) -> None:
        meter, path = self._meter, self.path()
        if meter is not None and not self._busy:
            self._start(lambda: [self._api.read_meter(meter[0], path)])

    def read_area(self) -> None:
        area = self._area
        if area is not None and not self._busy:
            self._start(lambda: self._api.read_area(area[0]))

    def _start(self, read: Callable[[], list[OnDemandResult]]) -> None:
        self._busy = True
        self._show_state()
        self._tasks.run("read", read, self._done, self._failed)

    def _done(self, results: list[OnDemandResult]) -> None:
        self._busy = False
        self._show_state()
        if self.dialog is None:
            self.dialog = ReadResultDialog(self.window())
        self.dialog.show_results(results)
        self.dialog.show()
        self.dialog.raise_()
        self.finished.emit(results)

    def _failed(self, err: BaseException) -> None:
        self._busy = False
        self._show_state()
        log.error("the on-demand read failed", exc_info=err)
        self.failed.emit(self.tr("On-demand read failed: {error}").format(error=failure_text(err)))

    def _show_state(self) -> None:
        busy, concentrators = self._busy, self._concentrators
        meter = self._meter[1] if self._meter else None
        area = self._area[1] if self._area else None
        model = self.path_choice.model()
        assert isinstance(model, QStandardItemModel)
        for row, path in enumerate(PATHS):
            item = model.item(row)
            if item is not None:
                item.setEnabled(concentrators or path not in THROUGH_CONCENTRATOR)
        if not concentrators and self.path() in THROUGH_CONCENTRATOR:
            self.path_choice.setCurrentIndex(PATHS.index(ReadPath.DIRECT))
        self.path_choice.setEnabled(not busy)
        self.meter_button.setEnabled(not busy and meter is not None)
        self.meter_button.setText(self.tr("Reading…") if busy else self.tr("Read selected meter"))
        self.meter_button.setToolTip(
            self.tr("Read {name} now").format(name=meter)
            if meter
            else self.tr("Select a meter in the tree or in the ranking first")
        )
        self.area_button.setEnabled(not busy and area is not None and concentrators)
        if not concentrators:
            tip = self.tr("A whole 台区 is read through its concentrator: the front end is not up")
        elif area:
            tip = self.tr("Read every meter of {name} through its concentrator").format(name=area)
        else:
            tip = self.tr("Select a 台区, or a device in it, in the tree first")
        self.area_button.setToolTip(tip)
