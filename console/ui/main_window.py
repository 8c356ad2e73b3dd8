"""The main window: navigation on the left, top bar with scope and clock, views, status bar.

Views are created once and kept (switching never reloads them). Services arrive later through
``attach``, when start-up on the worker thread has finished.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QLocale, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.app import AppContext
from console.collection.service import CollectionSummary
from console.monitoring.panorama import OrgUnit
from console.ui import format as fmt
from console.ui import icons, theme
from console.ui.bridge import CollectionBridge
from console.ui.settings_store import SettingsStore
from console.ui.kit.tasks import TaskRunner
from console.ui.views import registry
from console.ui.views.base import BaseView
from console.ui.views.collection import CollectionView
from console.ui.widgets.message_monitor import MessageMonitor

DEFAULT_SIZE = QSize(1440, 900)


def _first_start_size(window: QWidget) -> QSize:
    """1440 x 900, or 92 % of a smaller screen (a 1366 x 768 field laptop)."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return DEFAULT_SIZE
    available = screen.availableGeometry().size()
    return DEFAULT_SIZE.boundedTo(
        QSize(int(available.width() * 0.92), int(available.height() * 0.92))
    )


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
        self.clock = QLabel(objectName="ClockLabel")
        self._now: Callable[[], datetime] = datetime.now
        self.theme_button = QToolButton()
        self.theme_button.setAutoRaise(True)
        self.theme_button.setToolTip(self.tr("Switch between the light and the dark theme"))
        self.theme_button.clicked.connect(self.theme_toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 0, 14, 0)
        layout.addWidget(QLabel(self.tr("Scope"), objectName="TopBarMuted"))
        layout.addWidget(self.scope)
        layout.addStretch(1)
        layout.addWidget(self.clock)
        layout.addSpacing(8)
        layout.addWidget(self.theme_button)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        self._tick()

    def set_clock(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._tick()

    def _tick(self) -> None:
        now = self._now()
        weekday = QLocale().dayName(now.isoweekday())
        self.clock.setText(f"{now:%Y-%m-%d} {weekday} {now:%H:%M:%S}")

    def apply_palette(self, palette: theme.Palette) -> None:
        self.theme_button.setIcon(icons.icon("theme", palette.muted))

    def set_units(self, units: list[OrgUnit]) -> None:
        self.scope.blockSignals(True)
        self.scope.clear()
        for unit in units:
            if unit.kind == "county":
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
    """The status bar's permanent fields: database, collection state, active alarms."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        bar = window.statusBar()
        bar.setSizeGripEnabled(False)
        self.database = QLabel(self.tr("Database: opening…"))
        self.collection = QLabel(self.tr("Collection: starting…"))
        self.alarms = QLabel(self.tr("Alarms: early warning not installed"))
        self.alarms.setToolTip(
            self.tr("The active-alarm count appears once early warning is installed.")
        )
        bar.addWidget(self.database, 1)
        bar.addPermanentWidget(self.collection)
        bar.addPermanentWidget(self.alarms)

    @staticmethod
    def _state(label: QLabel, state: str) -> None:
        label.setProperty("state", state)
        label.style().unpolish(label)
        label.style().polish(label)

    def set_database(self, text: str) -> None:
        self.database.setText(self.tr("Database: {db}").format(db=text))

    def set_collection_idle(
        self, last: CollectionSummary | None, next_run: datetime | None
    ) -> None:
        if last is None:
            text = self.tr("Collection: no run yet")
        else:
            text = self.tr(
                "Collection: last run {time}, {ok}/{planned} meters, {seconds} s"
            ).format(
                time=fmt.clock_time(last.finished_at),
                ok=fmt.number(last.ok),
                planned=fmt.number(last.planned),
                seconds=fmt.number(round(last.duration_s, 1), 1),
            )
        if next_run is not None:
            text += self.tr(" · next {time}").format(time=fmt.clock_time(next_run))
        self.collection.setText(text)
        self._state(self.collection, "normal")

    def set_collection_running(self, done: int, total: int) -> None:
        if total:
            text = self.tr("Collection: reading {done}/{total} meters…").format(
                done=fmt.number(done), total=fmt.number(total)
            )
        else:
            text = self.tr("Collection: starting a run…")
        self.collection.setText(text)
        self._state(self.collection, "busy")

    def set_collection_failed(self, message: str) -> None:
        self.collection.setText(self.tr("Collection failed: {message}").format(message=message))
        self._state(self.collection, "bad")

    def set_collection_disabled(self) -> None:
        self.collection.setText(self.tr("Collection: off (see [collection] in the configuration)"))

    def set_failed(self, message: str) -> None:
        self.database.setText(self.tr("Start-up failed: {message}").format(message=message))
        self._state(self.database, "bad")


class MainWindow(QMainWindow):
    closing = Signal()
    settled = Signal()  # scope list loaded and the first collection run over (or none scheduled)

    def __init__(
        self, runner: TaskRunner, store: SettingsStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._store = store
        self._context: AppContext | None = None
        self._units_loaded = False
        self._collection_settled = False
        self._collection_seen = False
        self.is_settled = False
        self.setWindowTitle(self.tr("Smart Marketing Console"))
        self.setWindowIcon(icons.icon("app", "#ffffff"))

        self._nav_items: dict[str, QListWidgetItem] = {}
        self._views: dict[str, BaseView] = {}
        self.nav = QListWidget(objectName="NavList")
        self.stack = QStackedWidget()
        self.top_bar = TopBar()
        self.top_bar.unit_changed.connect(self._on_unit)
        self.top_bar.theme_toggled.connect(self.toggle_theme)
        self._create_views(runner)

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
        # 报文监视: hidden until the collection view's button shows it (its close button hides it).
        self.message_monitor = MessageMonitor(self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.message_monitor)
        self.message_monitor.hide()
        if isinstance(collection := self._views["collection"], CollectionView):
            collection.bind_monitor(self.message_monitor)

        self.apply_palette(theme.current())
        self.resize(_first_start_size(self))
        geometry = store.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        last = store.last_view()
        self.switch_to(last if last in self._views else "panorama")

    def _create_views(self, runner: TaskRunner) -> None:
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for key in registry.VIEW_KEYS:
            view = registry.create_view(key, runner)
            self._views[key] = view
            self.stack.addWidget(view)
            item = QListWidgetItem(registry.title(key))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(160, 44))
            self._nav_items[key] = item
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_nav)

    def _nav_bar(self) -> QFrame:
        """The dark left column: logo and product name above the navigation list."""
        nav_bar = QFrame(objectName="NavBar")
        nav_bar.setFixedWidth(214)
        logo = QLabel()
        logo.setPixmap(icons.pixmap("app", "#ffffff", 34))
        brand_name = QLabel(self.tr("Smart Marketing Console"), objectName="NavTitle")
        brand_name.setWordWrap(True)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(brand_name)
        names.addWidget(QLabel(self.tr("Marketing dispatch"), objectName="NavSubtitle"))
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
            item.setIcon(icons.icon(key, palette.nav_text))
        for widget in self.findChildren(QWidget):
            apply = getattr(widget, "apply_palette", None)
            if apply is not None:
                apply(palette)

    # ------------------------------------------------------------------ views
    def view(self, key: str) -> BaseView:
        return self._views[key]

    def current_key(self) -> str:
        return str(self.stack.currentWidget().key)  # type: ignore[attr-defined]

    def switch_to(self, key: str) -> None:
        if key not in self._views:
            raise KeyError(f"no view named {key!r} (views: {', '.join(self._views)})")
        self.nav.setCurrentRow(list(self._views).index(key))

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
        self.stack.setCurrentWidget(self._views[key])
        self._store.set_last_view(key)

    def _on_unit(self, unit: OrgUnit | None) -> None:
        for view in self._views.values():
            view.set_unit(unit)

    # ------------------------------------------------------------------ services
    def attach(self, context: AppContext, bridge: CollectionBridge) -> None:
        self._context = context
        self.status.set_database(context.db_label)
        self.top_bar.set_clock(context.clock.now)
        if context.scheduler is None:
            self.status.set_collection_disabled()
            self._collection_settled = True
        else:
            # The previous session's last run, read off the GUI thread like every query.
            self._runner.submit(context.last_run, self._show_previous_run)
            bridge.started.connect(self._on_collection_started)
            bridge.progressed.connect(self.status.set_collection_running)
            bridge.finished.connect(self._on_collection_finished)
            bridge.failed.connect(self._on_collection_failed)
        for view in self._views.values():
            view.attach(context, bridge)
        self._runner.submit(context.panorama.org_units, self._on_units)

    def _on_collection_started(self, _trigger: str) -> None:
        self._collection_seen = True
        self.status.set_collection_running(0, 0)

    def _show_previous_run(self, last: CollectionSummary | None) -> None:
        if not self._collection_seen:  # a run of this session may already have reported
            self.status.set_collection_idle(last, None)

    def _on_units(self, units: list[OrgUnit]) -> None:
        self.top_bar.set_units(units)
        self._units_loaded = True
        self._check_settled()

    def _on_collection_finished(self, summary: CollectionSummary) -> None:
        scheduler = self._context.scheduler if self._context else None
        next_run = scheduler.next_run_time if scheduler is not None else None
        self.status.set_collection_idle(
            summary, next_run.replace(tzinfo=None) if next_run else None
        )
        self._collection_settled = True
        self._collection_seen = True
        self._check_settled()

    def _on_collection_failed(self, message: str) -> None:
        self.status.set_collection_failed(message)
        self._collection_settled = True
        self._check_settled()

    def _check_settled(self) -> None:
        if not self.is_settled and self._units_loaded and self._collection_settled:
            self.is_settled = True
            self.settled.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._store.set_geometry(self.saveGeometry())
        self._store.sync()
        self.closing.emit()
        super().closeEvent(event)
