"""The jobs of the service, one row each: what it is, when it runs, its last run, its progress,
run now and cancel. The same panel lists every job in 系统管理 and a feature's own in its view;
it follows the job host's events (a run starting, its progress, its end) instead of polling."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.core.jobs import JobFinished, JobProgress, JobsChanged, JobStarted, JobState
from console.ui.kit.noop import QT_TRANSLATE_NOOP
from console.ui.kit.panels import day_time, label
from console.ui.kit.tasks import Tasks
from console.ui.kit.view import ViewKit

log = logging.getLogger(__name__)
CONTEXT = "Jobs"
translate = QCoreApplication.translate

# JobState.name and .schedule are English: the panel words the jobs it knows by id, from
# their params, so that they are translated.
NAMES = {
    "meter_reading": QT_TRANSLATE_NOOP("Jobs", "Meter reading (own links)"),
    "daily_freeze": QT_TRANSLATE_NOOP("Jobs", "Daily freeze"),
    "curves": QT_TRANSLATE_NOOP("Jobs", "15-minute curves"),
    "events": QT_TRANSLATE_NOOP("Jobs", "Event polling"),
    "clock": QT_TRANSLATE_NOOP("Jobs", "Clock check"),
    "backup": QT_TRANSLATE_NOOP("Jobs", "Daily backup"),
}
SCHEDULES = {
    "meter_reading": QT_TRANSLATE_NOOP("Jobs", "Every {every_s} s, and at start"),
    "daily_freeze": QT_TRANSLATE_NOOP(
        "Jobs", "Daily at {start}, re-tries every {retry_min} min until {cutoff}"
    ),
    "curves": QT_TRANSLATE_NOOP("Jobs", "Every {every_min} min (2 min after the quarter-hour)"),
    "events": QT_TRANSLATE_NOOP("Jobs", "Every {every_min} min"),
    "clock": QT_TRANSLATE_NOOP(
        "Jobs", "Daily at {at}; sets clocks off by more than the clock-drift threshold"
    ),
    "backup": QT_TRANSLATE_NOOP("Jobs", "Daily at {at}, the newest {keep} kept in {dir}"),
}
FEATURES = {
    "collection": QT_TRANSLATE_NOOP("Jobs", "Collection"),
    "maintenance": QT_TRANSLATE_NOOP("Jobs", "Maintenance"),
}
STATUSES = {
    "finished": QT_TRANSLATE_NOOP("Jobs", "finished"),
    "cancelled": QT_TRANSLATE_NOOP("Jobs", "cancelled"),
    "failed": QT_TRANSLATE_NOOP("Jobs", "failed"),
    "running": QT_TRANSLATE_NOOP("Jobs", "running"),
}
TRIGGERS = {
    "scheduled": QT_TRANSLATE_NOOP("Jobs", "as scheduled"),
    "manual": QT_TRANSLATE_NOOP("Jobs", "run by hand"),
    "startup": QT_TRANSLATE_NOOP("Jobs", "at start"),
}


def job_name(job: JobState) -> str:
    known = NAMES.get(job.id)
    return translate(CONTEXT, known) if known else job.name


def job_schedule(job: JobState) -> str:
    template = SCHEDULES.get(job.id)
    if template is None:
        return job.schedule
    try:
        return translate(CONTEXT, template).format(**job.params)
    except (KeyError, IndexError):
        return job.schedule


def last_run_text(job: JobState) -> str:
    last = job.last
    if last is None:
        return translate("Jobs", "no run yet")
    status = translate(CONTEXT, STATUSES.get(last.status, last.status))
    if last.finished_at is None:
        return status
    seconds = (last.finished_at - last.started_at).total_seconds()
    if last.planned:
        return translate("Jobs", "{status}: {ok} of {planned} ok, {failed} failed, {s} s").format(
            status=status, ok=f"{last.ok:,}", planned=f"{last.planned:,}",
            failed=f"{last.failed:,}", s=f"{seconds:,.0f}",
        )  # fmt: skip
    return translate("Jobs", "{status} in {s} s").format(status=status, s=f"{seconds:,.0f}")


MIN_WIDTH = 300  # px: a jobs panel never narrower


class JobRow(QFrame):
    run_clicked = Signal(str)
    cancel_clicked = Signal(str)

    def __init__(self, job_id: str, *, show_feature: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self._show_feature = show_feature
        self.name = label("", "PanelTitle")
        self.schedule = label("", "ViewSubtitle", wrap=True)
        self.info = label("", "KpiCaption", wrap=True)
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m")
        self.progress.setMaximumHeight(16)
        self.progress.hide()
        self.run_button = QPushButton(translate("Jobs", "Run now"))
        self.cancel_button = QPushButton(translate("Jobs", "Cancel"))
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
        name = job_name(job)
        if self._show_feature and job.feature in FEATURES:
            name = f"{translate(CONTEXT, FEATURES[job.feature])} · {name}"
        self.name.setText(name)
        self.schedule.setText(job_schedule(job))
        last = job.last
        trigger = ""
        if last is not None and last.trigger in TRIGGERS:
            trigger = translate(CONTEXT, TRIGGERS[last.trigger])
        self.info.setText(
            translate("Jobs", "Next {next} · last {last} {trigger} · {result}").format(
                next=day_time(job.next_run_at, day),
                last=day_time(last.started_at if last else None, day),
                trigger=trigger,
                result=last_run_text(job),
            )
        )
        self.info.setToolTip(last.message if last is not None and last.message else "")
        self.show_progress(job.running, job.done, job.total)

    def show_progress(self, running: bool, done: int, total: int) -> None:
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, max(total, 0))  # 0..0: busy, total not known yet
            self.progress.setValue(min(done, max(total, 0)))
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)


class JobsPanel(QFrame):
    """The jobs ``load()`` returns (of one feature, or all), kept current from the bus."""

    loaded = Signal()

    def __init__(
        self,
        title: str,
        kit: ViewKit,
        load: Callable[[], list[JobState]],
        run_now: Callable[[str], None],
        cancel: Callable[[str], None],
        *,
        feature: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Panel")
        self._kit = kit
        self._load, self._run_now, self._cancel = load, run_now, cancel
        self._feature = feature
        self._tasks = Tasks(kit.runner, self)
        self.rows: dict[str, JobRow] = {}
        self.jobs: list[JobState] = []
        self.note = label(translate("Jobs", "Loading the jobs…"), "EmptyNote", wrap=True)
        rows = QWidget()
        rows.setObjectName("JobRows")
        self._rows_layout = QVBoxLayout(rows)
        self._rows_layout.setContentsMargins(0, 0, 4, 0)
        self._rows_layout.setSpacing(2)
        self._rows_layout.addStretch(1)
        # Scrolls rather than squeezes when a dock takes the bottom of the window.
        scroll = QScrollArea()
        scroll.setObjectName("JobList")
        scroll.setWidget(rows)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll, self._rows_widget = scroll, rows
        self.setMinimumWidth(MIN_WIDTH)  # until the rows say how wide they are
        self.header = QHBoxLayout()
        self.header.addWidget(label(title, "PanelTitle"))
        self.header.addStretch(1)
        layout = self._outer = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 10, 10)
        layout.addLayout(self.header)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)
        kit.events.on(
            (JobStarted, JobFinished, JobsChanged), self._changed, owner=self, coalesce_ms=200
        )
        kit.events.on(JobProgress, self._progressed, owner=self)

    def add_button(self, button: QPushButton) -> None:
        self.header.addWidget(button)

    def reload(self) -> None:
        self._tasks.run("jobs", self._load, self._show, self._failed)

    def _changed(self, events: Sequence[object]) -> None:
        mine = (
            isinstance(e, JobsChanged) or getattr(e, "job_id", None) in self.rows for e in events
        )
        if not self.rows or any(mine):
            self.reload()

    def _progressed(self, event: JobProgress) -> None:
        row = self.rows.get(event.job_id)
        if row is not None:
            row.show_progress(True, event.done, event.total)

    def _show(self, jobs: list[JobState]) -> None:
        self.jobs = jobs
        if [j.id for j in jobs] != list(self.rows):
            for row in self.rows.values():
                row.deleteLater()
            self.rows = {}
            for job in jobs:
                row = JobRow(job.id, show_feature=self._feature is None)
                row.run_clicked.connect(self._run)
                row.cancel_clicked.connect(self._cancel_run)
                self._rows_layout.insertWidget(self._rows_layout.count() - 1, row)
                self.rows[job.id] = row
        day = self._kit.now().date()
        for job in jobs:
            self.rows[job.id].show_state(job, day)
        self._fit_width()
        self.note.setVisible(not jobs)
        self.note.setText(translate("Jobs", "No job is scheduled."))
        self.loaded.emit()

    def _fit_width(self) -> None:
        """As wide as the widest row's name and buttons, beside the scroll bar: the rows
        never scroll sideways, so a narrower list cut the 取消 buttons off. (Rows just added
        are shown later by Qt, so their layout does not count them yet: asked one by one.)"""
        widest = max((row.minimumSizeHint().width() for row in self.rows.values()), default=0)
        margins = self._rows_layout.contentsMargins()
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        rows = widest + margins.left() + margins.right() + bar
        self._scroll.setMinimumWidth(rows)
        # The panel's own minimum (not its hint) is what a splitter keeps to.
        outer = self._outer.contentsMargins()
        header = self.header.minimumSize().width()
        self.setMinimumWidth(max(MIN_WIDTH, rows, header) + outer.left() + outer.right())

    def _failed(self, err: BaseException) -> None:
        log.error("cannot read the jobs: %s", err)
        self.note.setText(translate("Jobs", "Cannot read the jobs: {error}").format(error=err))
        self.note.show()

    def _run(self, job_id: str) -> None:
        self.rows[job_id].run_button.setEnabled(False)
        self._tasks.run(f"run {job_id}", lambda: self._run_now(job_id), lambda _r: None,
                        self._action_failed)  # fmt: skip

    def _cancel_run(self, job_id: str) -> None:
        self.rows[job_id].cancel_button.setEnabled(False)
        self._tasks.run(f"cancel {job_id}", lambda: self._cancel(job_id), lambda _r: None,
                        self._action_failed)  # fmt: skip

    def _action_failed(self, err: BaseException) -> None:
        self._failed(err)
        self.reload()
