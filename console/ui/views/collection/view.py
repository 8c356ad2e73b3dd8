"""采集监控: the device tree, the success rate against its target, the 30-day trend, who drags
the rate down, the collection jobs, 点抄 and, in a dock, the live frames.

Every ``CollectionConsole`` call runs on a worker (``BaseView.tasks``). The figures follow the
data: commits of freezes, attempts, link states, the archive or the thresholds (events,
coalesced to one refresh every two seconds; when the view is hidden, one when it is shown)
and the day changing at midnight; nothing polls.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.collection.api import (
    CollectionConsole,
    DragRow,
    FrontEndStatus,
    KpiSummary,
    TreeNode,
)
from console.core import events as changes
from console.core.events import FrontEndFailed, FrontEndListening
from console.core.scope import EVERYTHING, Level, OrgUnit, Scope
from console.ui import format as fmt
from console.ui import icons, theme
from console.ui.kit.failures import failure_text
from console.ui.kit.jobs import JobsPanel
from console.ui.kit.midnight import MidnightTimer
from console.ui.kit.panels import error_banner, label, panel
from console.ui.kit.view import BaseView, ViewKit
from console.ui.views.collection.drilldown import DrillDownDialog
from console.ui.views.collection.monitor import MessageMonitor
from console.ui.views.collection.ranking import RankingPanel
from console.ui.views.collection.reads import ReadBar
from console.ui.views.collection.schedule import ScheduleEditor
from console.ui.views.collection.texts import frontend_problem
from console.ui.views.collection.tiles import CollectionTiles
from console.ui.views.collection.tree import DeviceTreeModel
from console.ui.views.collection.trend import DAYS, TrendChart

log = logging.getLogger(__name__)
COALESCE_MS = 2_000  # a county's pass commits thousands of batches: one refresh for them all
DATA_CHANGES = (
    changes.FreezesStored,
    changes.AttemptsStored,
    changes.LinkStatesStored,
    changes.ArchiveChanged,
    changes.ThresholdsChanged,
)


@dataclass(frozen=True, slots=True)
class Figures:
    """What one refresh of the scope brought: the KPIs, the trend and the ranking."""

    day: date
    scope: Scope
    kpis: KpiSummary
    trend: list[tuple[date, Decimal | None]]
    concentrators: list[DragRow]
    meters: list[DragRow]
    as_of: datetime


class CollectionView(BaseView):
    def __init__(self, api: CollectionConsole, kit: ViewKit, parent: QWidget | None = None) -> None:
        super().__init__("collection", kit, parent)
        assert self.tasks is not None
        self.api, self._kit, self._tasks = api, kit, self.tasks
        self._scope, self._scope_name = EVERYTHING, ""
        self._unit_scope, self._unit_name = EVERYTHING, ""
        self._selected_meter: tuple[int, str] | None = None
        self._settled: set[str] = set()
        self._figures_error = False  # the error banner says the figures could not be read
        self._archive_changed = False  # an ArchiveChanged arrived while the view was hidden
        self.frontend: FrontEndStatus | None = None
        self.figures: Figures | None = None
        self.drill_dialog: DrillDownDialog | None = None

        self.frontend_banner = error_banner()
        self.frontend_note = label("", "EmptyNote", wrap=True)
        self.frontend_note.hide()
        self.error = error_banner()
        self.monitor = MessageMonitor(kit.runner, api.listen_traffic, api.describe_frame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addLayout(self._build_header())
        layout.addWidget(self.frontend_banner)
        layout.addWidget(self.frontend_note)
        layout.addWidget(self.error)
        layout.addWidget(self._build_body(), 1)

        kit.add_dock(self.monitor)
        self.monitor.hide()  # the header's button opens it
        self.monitor.set_available(False, self.tr("Asking the front end whether it listens…"))
        self.monitor_button.toggled.connect(self.monitor.setVisible)
        self.monitor.visibilityChanged.connect(
            lambda _v: self.monitor_button.setChecked(not self.monitor.isHidden())
        )
        self.destroyed.connect(self.monitor.deleteLater)
        kit.events.on(DATA_CHANGES, self._data_changed, owner=self, coalesce_ms=COALESCE_MS)
        kit.events.on((FrontEndFailed, FrontEndListening), self._frontend_changed, owner=self)
        self.midnight = MidnightTimer(kit.now, self)
        self.midnight.passed.connect(lambda _day: self.refresh())
        self.apply_palette(theme.current())
        self._show_read_state()
        self.refresh()

    # ------------------------------------------------------------------ layout
    def _build_header(self) -> QHBoxLayout:
        self.subtitle = label(self.tr("Loading…"), "ViewSubtitle")
        # A long scope name must not widen the window: the subtitle takes what is left.
        self.subtitle.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.monitor_button = QPushButton(self.tr("Message monitor"))
        self.monitor_button.setCheckable(True)
        self.monitor_button.setToolTip(self.tr("Show the live frames on the concentrators' links"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        header = QHBoxLayout()
        header.addWidget(label(self.tr("Collection monitor"), "ViewTitle"))
        header.addSpacing(12)
        header.addWidget(self.subtitle, 1)
        header.addWidget(self.monitor_button)
        header.addWidget(self.refresh_button)
        return header

    def _build_tree(self) -> QFrame:
        self.tree = QTreeView()
        # The tree owns its model, so it is gone before the model's items are.
        self.tree_model = DeviceTreeModel(self.api.children, self._tasks, self.tree)
        self.tree_model.failed.connect(self._tree_failed)
        self.tree_model.loaded.connect(self._tree_loaded)
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(14)  # five levels deep: keep room for the names
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)  # the rows in view, not a thousand of them
        self.tree.selectionModel().selectionChanged.connect(self._tree_selection)
        self.read_bar = ReadBar(self.api, self._tasks)
        self.read_bar.failed.connect(self._show_error)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.read_bar)
        return panel(self.tr("Devices"), content, margin=10)

    def _build_body(self) -> QSplitter:
        self.tiles = CollectionTiles()
        self.trend = TrendChart()
        self.jobs = JobsPanel(
            self.tr("Collection jobs"), self._kit, self.api.jobs, self.api.run_job,
            self.api.cancel_job, feature="collection",
        )  # fmt: skip
        self.schedule = ScheduleEditor(self.api, self._tasks, self)
        self.schedule.failed.connect(self._show_error)
        self.jobs.add_button(self.schedule.button)
        self.ranking = RankingPanel()
        self.ranking.drill_requested.connect(self.drill_down)
        self.ranking.meter_chosen.connect(self._meter_chosen)
        middle = QSplitter()
        middle.addWidget(panel(self.tr("Success rate, last 30 days"), self.trend))
        middle.addWidget(self.jobs)
        middle.setStretchFactor(0, 3)
        middle.setStretchFactor(1, 2)
        middle.setSizes([560, 380])
        middle.setChildrenCollapsible(False)  # a dragged splitter keeps the jobs' buttons whole
        lower = QSplitter(Qt.Orientation.Vertical)
        lower.addWidget(middle)
        lower.addWidget(self.ranking)
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        lower.setSizes([360, 340])
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(10)
        right_layout.addWidget(self.tiles)
        right_layout.addWidget(lower, 1)
        body = QSplitter()
        body.addWidget(self._build_tree())
        body.addWidget(right)
        body.setStretchFactor(0, 1)
        body.setStretchFactor(1, 3)
        body.setSizes([420, 880])
        return body

    def apply_palette(self, palette: theme.Palette) -> None:
        self.refresh_button.setIcon(icons.icon("refresh", palette.text))
        self.trend.apply_palette(palette)
        self.tree.viewport().update()  # the state lights and red counts take the new colours
        if self.figures is not None:  # the ranking's costs are painted in the palette's red
            self.ranking.show_rows(self.figures.concentrators, self.figures.meters)

    # ------------------------------------------------------------------ scope
    def set_unit(self, unit: OrgUnit | None) -> None:
        self._unit_scope = EVERYTHING if unit is None else unit.scope
        self._unit_name = "" if unit is None else unit.name
        self.tree.clearSelection()
        self._set_scope(self._unit_scope, self._unit_name)

    def _set_scope(self, scope: Scope, name: str) -> None:
        if scope == self._scope and name == self._scope_name:
            return
        self._scope, self._scope_name = scope, name
        self._load_figures(supersede=True)

    def _tree_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.tree.selectionModel().selectedRows()
        node = self.tree_model.node(rows[0]) if rows else None
        if node is None:
            self._selected_meter = None
            self._set_scope(self._unit_scope, self._unit_name)
        elif node.kind is Level.METER:
            self._selected_meter = (node.id, node.name)
            owner = self.tree_model.ancestor(rows[0], Level.CONCENTRATOR)
            owner = owner or self.tree_model.ancestor(rows[0], Level.AREA)
            if owner is not None:
                self._set_scope(owner.scope, owner.name)
        else:
            self._selected_meter = None
            self._set_scope(node.scope, node.name)
        self._show_read_state()

    def _meter_chosen(self, row: DragRow) -> None:
        self._selected_meter = (row.drag.id, row.drag.name)
        self._show_read_state()

    def _selected_area(self) -> TreeNode | None:
        rows = self.tree.selectionModel().selectedRows()
        return self.tree_model.ancestor(rows[0], Level.AREA) if rows else None

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """Everything again: the front end's state, the figures, the tree's states, the jobs."""
        self._tasks.run("frontend", self.api.frontend, self._show_frontend, self._frontend_failed)
        self._load_figures(supersede=False)
        if self.tree_model.day is not None:
            self.tree_model.refresh(self.tree_model.day)
        self.jobs.reload()

    def _data_changed(self, events: Sequence[object]) -> None:
        archive = any(isinstance(e, changes.ArchiveChanged) for e in events)
        self._archive_changed = self._archive_changed or archive
        self.on_screen("data", self._follow_data)

    def _follow_data(self) -> None:
        if self._archive_changed:
            self._archive_changed = False
            self.tree_model.reset(self.tree_model.day or self._kit.now().date())
        elif self.tree_model.day is not None:
            self.tree_model.refresh(self.tree_model.day)
        self._load_figures(supersede=False)

    def _load_figures(self, *, supersede: bool) -> None:
        api, scope, now = self.api, self._scope, self._kit.now

        def load() -> Figures:
            day = api.today()
            concentrators, meters = api.drags(day, scope)
            return Figures(
                day, scope, api.kpis(day, scope),
                [(d, pct) for d, _rate, pct in api.trend(day, scope, DAYS)],
                concentrators, meters, now(),
            )  # fmt: skip

        if supersede:  # a new scope: what is on its way for the old one is of no use
            self._tasks.run("figures", load, self._show_figures, self._figures_failed)
        else:  # the data changed: the running load is only about to be stale
            self._tasks.rerun("figures", load, self._show_figures, self._figures_failed)

    def _show_figures(self, figures: Figures) -> None:
        if figures.scope != self._scope:
            return  # a refresh of the scope before: the new scope's is on its way
        if figures.day != self.tree_model.day:  # the first load, or a new day
            self.tree_model.reset(figures.day)
        self.figures = figures
        if self._figures_error:  # read again: that error is over (others stay)
            self._figures_error = False
            self.error.hide()
        self.subtitle.setText(
            self.tr("{scope} · daily freeze of {day} · as of {time}").format(
                scope=self._scope_name or self.tr("All"),
                day=figures.day.isoformat(),
                time=fmt.clock_time_seconds(figures.as_of),
            )
        )
        self.tiles.show_summary(figures.kpis)
        self.trend.set_data(figures.trend, figures.kpis.target_pct, figures.kpis.alarm_pct)
        self.ranking.show_rows(figures.concentrators, figures.meters)
        self._settle("figures")

    def _figures_failed(self, err: BaseException) -> None:
        log.error("collection view: cannot read the figures", exc_info=err)
        message = self.tr("Cannot read the collection figures: {error}").format(
            error=failure_text(err)
        )
        self._show_error(message)
        self._figures_error = True
        self.subtitle.setText(self.tr("The figures could not be read"))
        if self.tree_model.day is None:  # the tree does not wait for the figures
            self.tree_model.reset(self._kit.now().date())
        if self.figures is None:  # nothing shown yet: no "Loading…" may stay behind
            self.tiles.show_failure(self.tr("Not available"))
            self.trend.show_failure(message)
            self.ranking.show_failure(message)
        self._settle("figures")

    def _tree_loaded(self, node: TreeNode | None) -> None:
        model = self.tree_model
        if node is None:  # the counties: open them, so that the stations show at once
            counties = [model.index(row, 0) for row in range(model.rowCount())]
            for index in counties:
                model.fetchMore(index)  # a hidden tree's expand() would not fetch
                self.tree.expand(index)
            if not any(model.hasChildren(index) for index in counties):
                self._settle("tree")
        elif node.kind is Level.COUNTY:
            self._settle("tree")

    def _tree_failed(self, message: str) -> None:
        log.error("collection view: %s", message)
        self._show_error(message)
        self._settle("tree")

    def _settle(self, part: str) -> None:
        """``ready`` once the figures and the tree's first levels show (or say why not);
        ``loaded`` after every refresh of the figures from then on."""
        self._settled.add(part)
        if {"tree", "figures"} <= self._settled and (part == "figures" or not self.is_ready):
            self._mark_loaded()

    def _show_error(self, message: str) -> None:
        self._figures_error = False  # whoever calls says whether it is about the figures
        self.error.setText(message)
        self.error.show()

    # ------------------------------------------------------------------ the front end
    def _frontend_changed(self, _event: object) -> None:
        self._tasks.run("frontend", self.api.frontend, self._show_frontend, self._frontend_failed)

    def _show_frontend(self, status: FrontEndStatus) -> None:
        self.frontend = status
        problem = frontend_problem(status)
        listening = status.address is not None
        if status.enabled and not listening:
            log.error("the concentrator front end is not listening: %s", status.error)
        self.frontend_banner.setVisible(status.enabled and not listening)
        self.frontend_banner.setText(problem or "")
        self.frontend_note.setVisible(not status.enabled)
        self.frontend_note.setText(problem or "")
        self.monitor.set_available(listening, problem or "")
        self.monitor_button.setEnabled(status.enabled)
        self.read_bar.set_concentrators(listening)

    def _frontend_failed(self, err: BaseException) -> None:
        log.error("collection view: cannot ask the front end's state", exc_info=err)
        message = self.tr("Cannot ask whether the concentrator front end listens: {error}").format(
            error=failure_text(err)
        )
        self.frontend_banner.setText(message)
        self.frontend_banner.show()
        self.monitor.set_available(False, message)

    # ------------------------------------------------------------------ drill-down
    def drill_down(self, row: DragRow) -> None:
        figures = self.figures
        if figures is None:
            return
        if self.drill_dialog is None:
            self.drill_dialog = DrillDownDialog(self)
        dialog, day = self.drill_dialog, figures.day
        dialog.show_loading(row)
        dialog.show()
        dialog.raise_()

        def failed(err: BaseException) -> None:
            log.error("collection view: cannot load the drill-down", exc_info=err)
            dialog.show_failure(row, failure_text(err))

        self._tasks.run(
            "drill", lambda: self.api.failed_meters(day, row.drag),
            lambda meters: dialog.show_meters(row, meters), failed,
        )  # fmt: skip

    # ------------------------------------------------------------------ 点抄
    def _show_read_state(self) -> None:
        area = self._selected_area()
        self.read_bar.select(self._selected_meter, (area.id, area.name) if area else None)
