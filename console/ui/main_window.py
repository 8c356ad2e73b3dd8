"""The main window: navigation on the left, top bar with scope and clock, the views, status bar.

The navigation and a "loading" page per view show at once; ``attach`` builds each view from
the registry with its feature's API when start-up on the worker thread has finished. Views
are created once and kept (switching never reloads them).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.app.window import WindowContext
from console.core.jobs import JobFinished, JobProgress, JobStarted, JobState
from console.core.rpc import ServiceLink
from console.core.scope import OrgUnit
from console.ui import icons, theme
from console.ui.kit.empty_state import EmptyState
from console.ui.kit.events import QtEvents
from console.ui.kit.panels import named
from console.ui.kit.tasks import TaskRunner, Tasks
from console.ui.kit.view import BaseView, ViewKit
from console.ui.settings_store import SettingsStore
from console.ui.shell import StatusPanel, TopBar
from console.ui.views import registry
from console.ui.views.not_installed import NotInstalledView

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1440, 900)
METER_READING = "meter_reading"  # the job whose first run a screenshot waits for


def _first_start_size(window: QWidget) -> QSize:
    """1440 x 900, or 92 % of a smaller screen (a 1366 x 768 field laptop)."""
    screen = window.screen() or QApplication.primaryScreen()
    if not screen:  # no screen at all (a stub says never; an offscreen platform may)
        return DEFAULT_SIZE
    available = screen.availableGeometry().size()
    return DEFAULT_SIZE.boundedTo(
        QSize(int(available.width() * 0.92), int(available.height() * 0.92))
    )


class _Loading(EmptyState):
    """A view's page until start-up has finished."""

    def __init__(self, key: str, icon: str, title: str) -> None:
        super().__init__(icon, title, QApplication.translate("MainWindow", "Starting…"))
        self.key = key


class MainWindow(QMainWindow):
    closing = Signal()
    settled = Signal()  # scope list loaded and the first meter reading over (or none due)

    def __init__(
        self, runner: TaskRunner, store: SettingsStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._store = store
        self._tasks = Tasks(runner, self)
        self._context: WindowContext | None = None
        self._units_loaded = False
        self._reading_settled = False
        self.is_settled = False
        self.events: QtEvents | None = None
        self.setWindowTitle(self.tr("Smart Marketing Console"))
        self.setWindowIcon(icons.icon("app", "#ffffff"))

        self._nav_items: dict[str, QListWidgetItem] = {}
        self._icons: dict[str, str] = {}
        self._views: dict[str, BaseView] = {}
        self._pages: dict[str, QWidget] = {}
        self._kit: ViewKit | None = None
        self._to_build: list[str] = []  # views not made yet, made one per event-loop turn
        self._unit: tuple[OrgUnit | None] | None = None  # the scope chosen, once there is one
        self.nav = named(QListWidget(), "NavList")
        self.stack = QStackedWidget()
        self.top_bar = TopBar()
        self.top_bar.unit_changed.connect(self._on_unit)
        self.top_bar.theme_toggled.connect(self.toggle_theme)
        self._create_pages()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.top_bar)
        right_layout.addWidget(self.stack, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._nav_bar())
        layout.addWidget(right, 1)
        self.setCentralWidget(central)
        self.status = StatusPanel(self)

        self.apply_palette(theme.current())
        self.resize(_first_start_size(self))
        geometry = store.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        last = store.last_view()
        self.switch_to(last if last in self._pages else "panorama")

    def _create_pages(self) -> None:
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for spec in registry.VIEWS:
            page = _Loading(spec.key, spec.icon_name, spec.translated_title)
            self._pages[spec.key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(spec.translated_title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setSizeHint(QSize(160, 44))
            self._nav_items[spec.key] = item
            self._icons[spec.key] = spec.icon_name
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_nav)

    def _nav_bar(self) -> QFrame:
        """The dark left column: logo and product name above the navigation list."""
        nav_bar = named(QFrame(), "NavBar")
        nav_bar.setFixedWidth(214)
        logo = QLabel()
        logo.setPixmap(icons.pixmap("app", "#ffffff", 34))
        brand_name = named(QLabel(self.tr("Smart Marketing Console")), "NavTitle")
        brand_name.setWordWrap(True)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(brand_name)
        names.addWidget(named(QLabel(self.tr("Marketing dispatch")), "NavSubtitle"))
        brand = QHBoxLayout()
        brand.setContentsMargins(16, 0, 12, 8)
        brand.addWidget(logo)
        brand.addLayout(names, 1)
        layout = QVBoxLayout(nav_bar)
        layout.setContentsMargins(0, 14, 0, 10)
        layout.addLayout(brand)
        layout.addSpacing(8)
        layout.addWidget(self.nav, 1)
        return nav_bar

    # ------------------------------------------------------------------ theme
    def toggle_theme(self) -> None:
        self.set_theme("dark" if theme.current().name == "light" else "light")

    def set_theme(self, name: str) -> None:
        """Switch the theme live and remember the choice (it wins over the config file)."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        palette = theme.apply(app, name)
        self._store.set_theme(name)
        self.apply_palette(palette)

    def apply_palette(self, palette: theme.Palette) -> None:
        for key, item in self._nav_items.items():
            item.setIcon(icons.icon(self._icons[key], palette.nav_text))
        for widget in self.findChildren(QWidget):
            apply = getattr(widget, "apply_palette", None)
            if apply is not None:
                apply(palette)

    # ------------------------------------------------------------------ views
    def view(self, key: str) -> BaseView:
        """The view ``key``, made now if it is not yet (``KeyError`` before start-up ends)."""
        if key not in self._views and self._kit is not None and key in self._pages:
            self._make(key)
        return self._views[key]

    def has_view(self, key: str) -> bool:
        return key in self._views or (self._kit is not None and key in self._pages)

    def current_key(self) -> str:
        return str(getattr(self.stack.currentWidget(), "key", ""))

    def switch_to(self, key: str) -> None:
        if key not in self._pages:
            raise KeyError(f"no view named {key!r} (views: {', '.join(self._pages)})")
        self.nav.setCurrentRow(list(self._pages).index(key))
        self.stack.setCurrentWidget(self._pages[key])

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
        if self._kit is not None and key not in self._views:
            self._make(key)
        self.stack.setCurrentWidget(self._pages[key])
        self._store.set_last_view(key)

    def _on_unit(self, unit: OrgUnit | None) -> None:
        self._unit = (unit,)
        for view in self._views.values():
            view.set_unit(unit)

    # ------------------------------------------------------------------ services
    @property
    def is_attached(self) -> bool:
        """Start-up has finished and the views are being made (not before a sign-in)."""
        return self._kit is not None

    def attach(self, context: WindowContext) -> None:
        """Start-up has finished: build the views with their APIs, follow the service."""
        self._context = context
        self.events = QtEvents(context.bus, self)
        self._kit = ViewKit(self.events, self._runner, context.clock.now, self._add_dock)
        self.status.set_database(context.db_label)
        self.status.set_service(context.where, True)
        self.top_bar.set_clock(context.clock.now)
        # The view on screen now; the others one per turn of the event loop, so that making
        # them all (half a second) never holds the window still.
        current = self.current_key()
        self._make(current)
        self._to_build = [spec.key for spec in registry.VIEWS if spec.key != current]
        QTimer.singleShot(0, self, self._make_next)
        self.events.on(ServiceLink, self._on_service_link, owner=self)
        self.events.on((JobStarted, JobFinished), self._on_job, owner=self)
        self.events.on(JobProgress, self._on_job_progress, owner=self)
        self._tasks.run("units", context.org_units, self._on_units, self._units_failed)
        self._tasks.run("jobs", context.jobs.states, self._on_jobs, self._jobs_failed)

    def _make_next(self) -> None:
        while self._to_build:
            key = self._to_build.pop(0)
            if key not in self._views:
                self._make(key)
                break
        if self._to_build:
            QTimer.singleShot(0, self, self._make_next)

    def _make(self, key: str) -> BaseView:
        """Make view ``key`` with its feature's API in place of its 'starting' page."""
        assert self._context is not None and self._kit is not None
        spec = next(s for s in registry.VIEWS if s.key == key)
        view = self._build(spec, self._context.apis.get(key), self._kit)
        old = self._pages[key]
        shown = self.stack.currentWidget() is old
        self.stack.insertWidget(self.stack.indexOf(old), view)
        if shown:
            self.stack.setCurrentWidget(view)
        self.stack.removeWidget(old)
        old.deleteLater()
        self._pages[key] = view
        self._views[key] = view
        palette = theme.current()
        for widget in (view, *view.findChildren(QWidget)):
            apply = getattr(widget, "apply_palette", None)
            if apply is not None:
                apply(palette)
        if self._unit is not None:
            view.set_unit(self._unit[0])
        return view

    @staticmethod
    def _build(spec: registry.ViewSpec, api: object, kit: ViewKit) -> BaseView:
        if spec.create is None:
            return NotInstalledView(
                spec.key,
                icon=spec.icon_name,
                title=spec.translated_title,
                text=QApplication.translate(registry.CONTEXT, spec.about),
                badge=QApplication.translate("MainWindow", "Not installed yet"),
            )
        if api is None:
            return NotInstalledView(
                spec.key,
                icon=spec.icon_name,
                title=spec.translated_title,
                text=QApplication.translate(
                    "MainWindow", "This capability did not start: see the log for why."
                ),
                badge=QApplication.translate("MainWindow", "Unavailable"),
            )
        return spec.create(api, kit)

    def _add_dock(self, dock: QDockWidget) -> None:
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)

    def _on_units(self, units: list[OrgUnit]) -> None:
        self.top_bar.set_units(units)
        self._units_loaded = True
        self._check_settled()

    def _units_failed(self, err: BaseException) -> None:
        log.error("cannot read the organisation: %s", err)
        self.top_bar.set_units([])
        self._units_loaded = True
        self._check_settled()

    def _on_jobs(self, jobs: list[JobState]) -> None:
        reading = next((j for j in jobs if j.id == METER_READING), None)
        self.status.show_reading(reading)
        if reading is None or (reading.last is not None and reading.last.finished_at is not None):
            self._reading_settled = True  # nothing to wait for, or it has run
        self._check_settled()

    def _jobs_failed(self, err: BaseException) -> None:
        log.error("cannot read the jobs: %s", err)
        self.status.set_service_error(str(err))
        self._reading_settled = True
        self._check_settled()

    def _on_job(self, event: JobStarted | JobFinished) -> None:
        if event.job_id != METER_READING or self._context is None:
            return
        if isinstance(event, JobStarted):
            self.status.set_reading_running(0, 0)
            return
        self._reading_settled = True
        context = self._context
        self._tasks.run("jobs", context.jobs.states, self._on_jobs, self._jobs_failed)

    def _on_job_progress(self, event: JobProgress) -> None:
        if event.job_id == METER_READING:
            self.status.set_reading_running(event.done, event.total)

    def _on_service_link(self, event: ServiceLink) -> None:
        self.status.set_service(event.address, event.connected, event.error)

    def _check_settled(self) -> None:
        if not self.is_settled and self._units_loaded and self._reading_settled:
            self.is_settled = True
            self.settled.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._store.set_geometry(self.saveGeometry())
        self._store.sync()
        self.closing.emit()
        super().closeEvent(event)
