"""采集计划: the jobs' schedule (the ``[schedule]`` section) in a dialog, read and saved on a
worker (saving writes the configuration file); a value the service refuses keeps the dialog
open with the reason, and nothing changes."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from console.collection.api import CollectionCommands
from console.core.config import ConfigError, check_section
from console.ui.kit.failures import failure_text
from console.ui.kit.language import chinese
from console.ui.kit.panels import error_banner, label
from console.ui.kit.tasks import Tasks

log = logging.getLogger(__name__)


class ScheduleDialog(QDialog):
    """The jobs' schedule, edited in place; saved by the view (on a worker: it writes a file)."""

    def __init__(self, values: dict[str, object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Collection schedule"))
        self._loaded = dict(values)
        self.freeze_start = self._time(values.get("freeze_start"))
        self.freeze_retry = self._minutes(values.get("freeze_retry_min"), 5, 240)
        self.freeze_cutoff = self._time(values.get("freeze_cutoff"))
        self.curves = QCheckBox(self.tr("Collect 15-minute curves"))
        self.curves.setChecked(bool(values.get("curves", True)))
        self.events_every = self._minutes(values.get("events_every_min"), 1, 1440)
        self.clock_check = self._time(values.get("clock_check"))
        self.labels = {
            "freeze_start": self.tr("Daily freeze: first pass at"),
            "freeze_retry_min": self.tr("then re-try the missing every"),
            "freeze_cutoff": self.tr("until"),
            "curves": self.tr("Collect 15-minute curves"),
            "events_every_min": self.tr("Poll events every"),
            "clock_check": self.tr("Check clocks daily at"),
        }
        form = QFormLayout()
        form.addRow(self.labels["freeze_start"], self.freeze_start)
        form.addRow(self.labels["freeze_retry_min"], self.freeze_retry)
        form.addRow(self.labels["freeze_cutoff"], self.freeze_cutoff)
        form.addRow("", self.curves)
        form.addRow(self.labels["events_every_min"], self.events_every)
        form.addRow(self.labels["clock_check"], self.clock_check)
        self.error = error_banner()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.rejected.connect(self.reject)  # Save closes it only once the values are stored
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button = save
        note = label(
            self.tr(
                "Saved to the configuration file ([schedule]); the jobs change at once. How far "
                "a clock may drift before it is set is a threshold (系统管理)."
            ),
            "KpiCaption",
            wrap=True,
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

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
        """What was loaded (keys this dialog does not edit kept as they were), as edited."""
        return {
            **self._loaded,
            "freeze_start": self.freeze_start.time().toString("HH:mm"),
            "freeze_retry_min": self.freeze_retry.value(),
            "freeze_cutoff": self.freeze_cutoff.time().toString("HH:mm"),
            "curves": self.curves.isChecked(),
            "events_every_min": self.events_every.value(),
            "clock_check": self.clock_check.time().toString("HH:mm"),
        }

    def saving(self) -> None:
        self.save_button.setEnabled(False)
        self.error.hide()

    def show_refusal(self, err: BaseException) -> None:
        """The service refused the schedule (nothing changed): say which value, stay open."""
        self.save_button.setEnabled(True)
        self.error.setText(self.refusal_text(err))
        self.error.show()

    def refusal_text(self, err: BaseException) -> str:
        if not chinese():
            return self.tr("Not saved: {error}").format(error=err)
        # The checker's text is English: name the field it is about (the text is in the log).
        field = self.labels.get(getattr(err, "key", ""))
        if field is not None:
            return self.tr("Not saved: the value of “{field}” is not accepted.").format(field=field)
        return self.tr("Not saved: a value is not accepted (details in the log).")


class ScheduleEditor(QObject):
    """The 采集计划… button's flow: read the schedule, show it, save it."""

    failed = Signal(str)  # the schedule could not be read: for the view's error banner

    def __init__(self, api: CollectionCommands, tasks: Tasks, parent: QWidget) -> None:
        super().__init__(parent)
        self._api, self._tasks, self._parent = api, tasks, parent
        self.dialog: ScheduleDialog | None = None
        self.button = QPushButton(self.tr("Schedule…"))
        self.button.setToolTip(self.tr("Change when the jobs run"))
        self.button.clicked.connect(self.open)

    def open(self) -> None:
        self.button.setEnabled(False)
        self._tasks.run("schedule", self._api.schedule, self._loaded, self._not_loaded)

    def _loaded(self, values: dict[str, object]) -> None:
        self.button.setEnabled(True)
        dialog = self.dialog = ScheduleDialog(values, self._parent)
        dialog.buttons.accepted.connect(lambda: self._save(dialog))
        dialog.open()

    def _not_loaded(self, err: BaseException) -> None:
        self.button.setEnabled(True)
        log.error("cannot read the schedule", exc_info=err)
        self.failed.emit(
            self.tr("Cannot read the schedule: {error}").format(error=failure_text(err))
        )

    def _save(self, dialog: ScheduleDialog) -> None:
        dialog.saving()
        chosen = dialog.values()
        try:  # checked here first: a refusal then names its field (the service checks again)
            check_section("schedule", chosen)
        except ConfigError as err:
            log.warning("the schedule was not saved: %s", err)
            dialog.show_refusal(err)
            return

        def refused(err: BaseException) -> None:
            log.warning("the schedule was not saved: %s", err)
            dialog.show_refusal(err)

        self._tasks.run(
            "save schedule", lambda: self._api.set_schedule(chosen),
            lambda _none: dialog.accept(), refused,
        )  # fmt: skip
