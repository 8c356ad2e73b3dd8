"""The window's frame around the views: the top bar (scope, clock, theme) and the status bar
(database, the service, the meters' last reading, alarms)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import QLocale, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QToolButton,
    QWidget,
)

from console.core.jobs import JobState
from console.core.scope import Level, OrgUnit
from console.ui import format as fmt
from console.ui import icons, theme
from console.ui.kit.panels import named


class TopBar(QFrame):
    unit_changed = Signal(object)  # OrgUnit | None
    theme_toggled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TopBar")
        self.setFixedHeight(56)
        self.scope = QComboBox()
        self.scope.setEnabled(False)
        self.scope.addItem(self.tr("Loading organisation…"), None)
        self.scope.currentIndexChanged.connect(self._emit_unit)
        self.clock = named(QLabel(), "ClockLabel")
        self.operator = named(QLabel(), "TopBarMuted")
        self.operator.hide()
        self._now: Callable[[], datetime] = datetime.now
        self.theme_button = QToolButton()
        self.theme_button.setAutoRaise(True)
        self.theme_button.setToolTip(self.tr("Switch between the light and the dark theme"))
        self.theme_button.clicked.connect(self.theme_toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 0, 14, 0)
        layout.addWidget(named(QLabel(self.tr("Scope")), "TopBarMuted"))
        layout.addWidget(self.scope)
        layout.addStretch(1)
        layout.addWidget(self.operator)
        layout.addSpacing(16)
        layout.addWidget(self.clock)
        layout.addSpacing(8)
        layout.addWidget(self.theme_button)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        self._tick()

    def set_operator(self, text: str) -> None:
        """Who signed in at this window (hidden until someone has)."""
        self.operator.setText(text)
        self.operator.setVisible(bool(text))

    def set_clock(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._tick()

    def _tick(self) -> None:
        now = self._now()
        weekday = QLocale().dayName(now.isoweekday())
        # Not strftime: it imports ``time`` on every call, through PySide's import hook.
        self.clock.setText(
            f"{now.year:04d}-{now.month:02d}-{now.day:02d} {weekday} "
            f"{now.hour:02d}:{now.minute:02d}:{now.second:02d}"
        )

    def apply_palette(self, palette: theme.Palette) -> None:
        self.theme_button.setIcon(icons.icon("theme", palette.muted))

    def set_units(self, units: list[OrgUnit]) -> None:
        self.scope.blockSignals(True)
        self.scope.clear()
        for unit in units:
            if unit.level is Level.COUNTY:
                label = self.tr("{name} (whole county)").format(name=unit.name)
            else:
                label = f"　{unit.name}"  # indented under its county
            self.scope.addItem(label, unit)
        if not units:
            self.scope.addItem(self.tr("No organisation in the database"), None)
        self.scope.setEnabled(bool(units))
        self.scope.blockSignals(False)
        self._emit_unit()

    def _emit_unit(self) -> None:
        self.unit_changed.emit(self.scope.currentData())


class StatusPanel(QObject):
    """The status bar's permanent fields: database, service, meter reading, active alarms."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        bar = window.statusBar()
        bar.setSizeGripEnabled(False)
        self.database = QLabel(self.tr("Database: opening…"))
        self.service = QLabel(self.tr("Service: starting…"))
        self.collection = QLabel(self.tr("Meter reading: starting…"))
        self.alarms = QLabel(self.tr("Alarms: early warning not installed"))
        self.alarms.setToolTip(
            self.tr("The active-alarm count appears once early warning is installed.")
        )
        bar.addWidget(self.database, 1)
        bar.addPermanentWidget(self.service)
        bar.addPermanentWidget(self.collection)
        bar.addPermanentWidget(self.alarms)

    @staticmethod
    def _state(label: QLabel, state: str) -> None:
        label.setProperty("state", state)
        label.style().unpolish(label)
        label.style().polish(label)

    def set_database(self, text: str) -> None:
        self.database.setText(self.tr("Database: {db}").format(db=text))

    def set_service(self, where: str, connected: bool, error: str = "") -> None:
        if where == "window":
            self.service.setText(self.tr("Service: in this window"))
            self.service.setToolTip(
                self.tr("The front end, collection and jobs run inside this window's process.")
            )
            self._state(self.service, "normal")
        elif connected:
            self.service.setText(self.tr("Service: connected"))
            self.service.setToolTip(
                self.tr("Attached to the service at {where}").format(where=where)
            )
            self._state(self.service, "normal")
        else:
            self.service.setText(self.tr("Service: connection lost, reconnecting…"))
            self.service.setToolTip(
                self.tr("The service at {where} cannot be reached; the figures shown may be "
                        "old. Reconnecting by itself.").format(where=where)
            )  # fmt: skip
            self._state(self.service, "bad")

    def set_service_error(self, message: str) -> None:
        self.service.setText(self.tr("Service: not answering"))
        self.service.setToolTip(message)
        self._state(self.service, "bad")

    def show_reading(self, job: JobState | None) -> None:
        """The meters' own-link reading (the demo's live figures): last run and next."""
        if job is None:
            self.collection.setText(self.tr("Meter reading: off"))
            self.collection.setToolTip(self.tr("See [collection] in the configuration"))
            self._state(self.collection, "normal")
            return
        if job.running:
            self.set_reading_running(job.done, job.total)
            return
        last = job.last
        if last is None or last.finished_at is None:
            text = self.tr("Meter reading: no run yet")
        else:
            seconds = (last.finished_at - last.started_at).total_seconds()
            text = self.tr("Meter reading: {time}, {ok}/{planned} meters, {seconds} s").format(
                time=fmt.clock_time(last.finished_at),
                ok=fmt.number(last.ok),
                planned=fmt.number(last.planned),
                seconds=fmt.number(Decimal(str(round(seconds, 1))), 1),
            )
        if job.next_run_at is not None:
            text += self.tr(" · next {time}").format(time=fmt.clock_time(job.next_run_at))
        self.collection.setText(text)
        failed = last is not None and last.status == "failed"
        self.collection.setToolTip(last.message if failed and last is not None else "")
        self._state(self.collection, "bad" if failed else "normal")

    def set_reading_running(self, done: int, total: int) -> None:
        if total:
            text = self.tr("Meter reading: {done}/{total} meters…").format(
                done=fmt.number(done), total=fmt.number(total)
            )
        else:
            text = self.tr("Meter reading: starting a run…")
        self.collection.setText(text)
        self._state(self.collection, "busy")

    def set_failed(self, message: str) -> None:
        self.database.setText(self.tr("Start-up failed: {message}").format(message=message))
        self._state(self.database, "bad")
