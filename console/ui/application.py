"""The GUI's life: show the window at once, bootstrap the services on a worker thread (with a
progress dialog while the demo county is generated), attach them, start collection and the
daily backup, shut down. A damaged database gets a way out (``console.ui.recovery``).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from console.app.database import (
    DEMO_PASSWORD,
    DatabaseCorruptError,
    StartupStage,
    damaged_database,
    restore_backup,
    with_database_file,
)
from console.app.problems import StartProblem, explain
from console.app.window import WindowContext, start_window
from console.core.clock import Clock
from console.core.config import Settings
from console.core.memory import freeze_long_lived
from console.core.operator import Operator
from console.core.paths import APP_AUTHOR, APP_NAME
from console.ui import i18n, theme
from console.ui.gil import favour_the_gui_thread
from console.ui.idle import IdleWatch
from console.ui.kit.tasks import TaskRunner
from console.ui.main_window import MainWindow
from console.ui.problems import problem_text
from console.ui.recovery import CorruptDatabaseDialog, RecoveryChoice, ask_for_database_file
from console.ui.roles import role_name
from console.ui.settings_store import SettingsStore
from console.ui.signin import FirstAdministratorDialog, SignInDialog, workstation

log = logging.getLogger(__name__)

_PROCESS_START = time.monotonic()


class _FirstPaintProbe(QObject):
    """Logs how long after start the main window first painted (``smc`` start-up figure)."""

    def __init__(self, started: float) -> None:
        super().__init__()
        self._started = started
        self.seconds: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.seconds is None and event.type() == QEvent.Type.Paint:
            self.seconds = time.monotonic() - self._started
            log.info("first paint %.2f s after start", self.seconds)
            watched.removeEventFilter(self)
        return False


class _ProgressRelay(QObject):
    """Carries start-up progress from the worker thread to the GUI thread."""

    progressed = Signal(str, int, int)

    def __call__(self, stage: StartupStage, done: int, total: int) -> None:
        self.progressed.emit(stage.value, done, total)


class ConsoleSession(QObject):
    """One running console: window, task runner, services. Tests drive this class directly."""

    ready = Signal(object)  # WindowContext
    failed = Signal(str)
    gave_up = Signal()  # the user chose to quit instead of repairing a damaged database
    quit_chosen = Signal()  # the user closed the sign-in instead of signing in

    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, store: SettingsStore | None = None
    ) -> None:
        super().__init__()
        self.settings = settings
        self._clock = clock
        self.runner = TaskRunner(self)
        self.window = MainWindow(self.runner, store or SettingsStore())
        self.window.closing.connect(self.shutdown)
        self.context: WindowContext | None = None
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._on_progress)
        self._dialog: QProgressDialog | None = None
        self.showed_progress = False  # the first start generated the demo county behind a dialog
        self._closed = False
        self.started = _PROCESS_START
        # Interactive runs offer a way out of a damaged database; --screenshot just fails.
        self.offer_recovery = False
        self.recovery_dialog: CorruptDatabaseDialog | None = None
        self.last_problem: StartProblem | None = None
        # Interactive runs ask who is at the window (once the database has users, or to create
        # its first administrator); --screenshot and tests act as the workstation's user.
        self.ask_sign_in = False
        self.sign_in_dialog: SignInDialog | FirstAdministratorDialog | None = None
        self.signed_in: Operator | None = None
        self.idle: IdleWatch | None = None
        self.idle_lock_ms: int | None = None  # tests: lock sooner than [ui] idle_lock_min

    def start(self) -> None:
        # Modules, classes and the window live all session: keep full collections off them.
        freeze_long_lived()
        self.window.show()
        self._bootstrap()

    def _bootstrap(self, restore: Path | None = None) -> None:
        """Bootstrap on a worker thread, after restoring ``restore`` over the database if given."""
        settings, clock, relay = self.settings, self._clock, self._relay

        level = logging.getLogger().getEffectiveLevel()

        def work() -> WindowContext:
            if restore is not None:
                result = restore_backup(settings, restore, clock=clock)
                log.warning(
                    "restored %s; the database it replaced is kept as %s",
                    restore,
                    result.safety_copy,
                )
            return start_window(settings, clock=clock, progress=relay, log_level=level)

        self.runner.submit(work, self._on_ready, self._on_failed)

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if not stage.startswith("demo."):
            if self._dialog is not None and stage in (StartupStage.SERVICE, StartupStage.READY):
                self._dialog.setLabelText(self.tr("Starting the service and the meter emulator…"))
            return
        if self._dialog is None:
            self._dialog = QProgressDialog(self.window)
            self._dialog.setWindowTitle(self.tr("Preparing the demo county"))
            # Not modal: a modal QProgressDialog runs processEvents() inside setValue(), which
            # would re-enter the event loop from this slot. As the window's child it stays on top.
            self._dialog.setWindowModality(Qt.WindowModality.NonModal)
            # Generation is one transaction: it cannot stop halfway, so there is no Cancel.
            self._dialog.setCancelButton(None)
            self._dialog.setMinimumDuration(0)
            self._dialog.setMinimumWidth(460)
            self.showed_progress = True
        labels = {
            "demo.topology": self.tr(
                "Creating supply stations, feeders, 台区, customers and meters…"
            ),
            "demo.history": self.tr("Computing daily freezes and load curves of the last days…"),
            "demo.saving": self.tr("Saving the demo county to the database…"),
        }
        self._dialog.setLabelText(labels.get(stage, stage))
        self._dialog.setMaximum(max(total, 1))
        self._dialog.setValue(min(done, max(total, 1)))

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None

    def _on_ready(self, context: WindowContext) -> None:
        self._close_dialog()
        if self._closed:  # the window was closed while we were starting
            context.shutdown()
            return
        self.context = context
        if self.ask_sign_in:
            accounts = context.apis["accounts"]
            self.runner.submit(
                accounts.has_users, lambda has: self._ask_who(context, has), self._on_failed
            )
            return
        self._attach(context)

    def _ask_who(self, context: WindowContext, has_users: bool) -> None:
        if self._closed:
            return
        if not has_users and self.settings.demo.enabled:
            self._attach(context)  # the demo's county has no accounts: as the workstation user
            return
        accounts = context.apis["accounts"]
        demo = self.settings.demo
        hint, login = "", ""
        if demo.enabled and demo.accounts:
            hint = self.tr(
                "Demo accounts: admin (administrator), diaodu (dispatcher), banzhang "
                "(supervisor), jingli (台区经理), chakan (read-only); password {password}"
            ).format(password=DEMO_PASSWORD)
            login = "diaodu"
        dialog: SignInDialog | FirstAdministratorDialog = (
            SignInDialog(accounts, self.runner, self.window, hint=hint, login=login)
            if has_users
            else FirstAdministratorDialog(accounts, self.runner, self.window)
        )
        dialog.signed_in.connect(lambda who: self._signed_in(context, who))
        dialog.rejected.connect(self.quit_chosen)
        self.sign_in_dialog = dialog
        dialog.open()

    def _signed_in(self, context: WindowContext, who: Operator) -> None:
        self.signed_in = who
        context.become(who)
        log.info("%s signed in (%s)", who.login, who.role)
        if who.role is not None:
            self.window.top_bar.set_operator(
                self.tr("{name} · {role}").format(name=who.name, role=role_name(who.role))
            )
        self._attach(context)
        minutes = self.settings.ui.idle_lock_min
        if minutes > 0 or self.idle_lock_ms is not None:
            self.idle = IdleWatch(self.idle_lock_ms or minutes * 60_000, self)
            self.idle.idle.connect(lambda: self._lock(context, who))

    def _lock(self, context: WindowContext, who: Operator) -> None:
        """No input for a while: the views hidden until ``who`` signs in again."""
        if self._closed or (self.sign_in_dialog is not None and self.sign_in_dialog.isVisible()):
            return
        central = self.window.centralWidget()
        assert central is not None and self.idle is not None
        central.hide()
        dialog = SignInDialog(
            context.apis["accounts"], self.runner, self.window, login=who.login, locked=True
        )
        dialog.signed_in.connect(lambda _who: self._unlock(central))
        dialog.rejected.connect(self.quit_chosen)
        self.sign_in_dialog = dialog
        log.info("window locked after %.0f s without input", self.idle.timer.interval() / 1000)
        dialog.open()

    def _unlock(self, central: QWidget) -> None:
        central.show()
        if self.idle is not None:
            self.idle.resume()

    def _attach(self, context: WindowContext) -> None:
        freeze_long_lived()  # the services and the views live all session too
        self.window.attach(context)
        log.info(
            "console ready %.2f s after start (%s, service: %s)",
            time.monotonic() - self.started,
            context.db_label,
            context.where,
        )
        self.ready.emit(context)

    def _on_failed(self, err: BaseException) -> None:
        self._close_dialog()
        problem = explain(err)
        log.error(
            "start-up failed: %s", problem.detail, exc_info=(type(err), err, err.__traceback__)
        )
        message = problem_text(problem)
        self.last_problem = problem
        self.window.status.set_failed(message)
        damaged = damaged_database(err)
        if damaged is not None and self.offer_recovery and not self._closed:
            self._offer_recovery(damaged)
            return
        self.failed.emit(message)

    def _offer_recovery(self, error: DatabaseCorruptError) -> None:
        dialog = CorruptDatabaseDialog(self.window, error)
        dialog.chosen.connect(lambda choice: self._on_recovery_choice(error, choice))
        self.recovery_dialog = dialog
        dialog.open()

    def _on_recovery_choice(self, error: DatabaseCorruptError, choice: str) -> None:
        if self.recovery_dialog is not None:
            self.recovery_dialog.deleteLater()
            self.recovery_dialog = None
        if choice == RecoveryChoice.RESTORE and error.newest_backup is not None:
            self._bootstrap(restore=error.newest_backup)
        elif choice == RecoveryChoice.OPEN_OTHER:
            path = self.ask_for_database_file(error.path.parent)
            if path is None:  # cancelled: the choice is still open
                self._offer_recovery(error)
                return
            self.settings = with_database_file(self.settings, path)
            self._bootstrap()
        else:
            self.gave_up.emit()

    def ask_for_database_file(self, start: Path) -> Path | None:
        """Which database to open instead (a file dialog; tests replace it)."""
        return ask_for_database_file(self.window, start)

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.idle is not None:
            self.idle.stop()
        if self.context is not None:
            if self.signed_in is not None:
                try:
                    self.context.apis["accounts"].sign_out(self.signed_in, workstation())
                except Exception:  # the database may be what failed: the window still closes
                    log.exception("the sign-out of %s was not recorded", self.signed_in.login)
            self.context.shutdown()
        self.runner.wait_idle(10_000)


SCREENSHOT_SIZE = QSize(1440, 900)


class ScreenshotDirector(QObject):
    """``--screenshot``: wait until the chosen view shows its data, grab the window, quit."""

    done = Signal(int)

    def __init__(self, session: ConsoleSession, path: Path, view: str, timeout_s: float) -> None:
        super().__init__(session)
        self._session = session
        self._path = path
        self._key = view
        self._taken = False
        session.ready.connect(self._on_ready)
        session.failed.connect(lambda _msg: self.done.emit(1))
        QTimer.singleShot(int(timeout_s * 1000), self._on_timeout)
        session.window.resize(SCREENSHOT_SIZE)  # a document: the same size on every machine
        session.window.switch_to(view)

    def _on_ready(self, _context: WindowContext) -> None:
        window = self._session.window
        if window.is_settled:
            self._settled()
        else:
            window.settled.connect(self._settled)

    def _settled(self) -> None:
        """The scope list is in and the first reading is over: have the view show the figures
        as they are now, then grab it."""
        view = self._session.window.view(self._key)
        view.loaded.connect(self._grab_soon)
        view.refresh()

    def _grab_soon(self) -> None:
        if self._taken:
            return
        self._taken = True
        # Labels got new text in this event-loop turn; their layouts settle in the next one.
        QTimer.singleShot(0, self._grab)

    def _grab(self) -> None:
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        saved = self._session.window.grab().save(str(self._path))
        if saved:
            log.info("screenshot of %s saved to %s", self._key, self._path)
        else:
            log.error("could not save the screenshot to %s", self._path)
        self.done.emit(0 if saved else 1)

    def _on_timeout(self) -> None:
        log.error("screenshot: the %s view did not load its data in time", self._key)
        self.done.emit(1)


def run_gui(
    settings: Settings,
    *,
    theme_flag: str | None = None,
    screenshot: Path | None = None,
    view: str | None = None,
    screenshot_timeout_s: float = 600.0,
    started: float | None = None,
) -> int:
    """Run the console until its window closes (or the screenshot is taken); the exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    favour_the_gui_thread()
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationName(APP_NAME)
    i18n.install_translators(app, settings.ui.lang)
    store = SettingsStore(persist=screenshot is None)
    theme_name = theme_flag or store.theme() or settings.ui.theme
    theme.apply(app, theme_name)
    app.setApplicationDisplayName(QApplication.translate("MainWindow", "Smart Marketing Console"))

    session = ConsoleSession(settings, store=store)
    if started is not None:
        session.started = started
    if screenshot is not None:
        director = ScreenshotDirector(session, screenshot, view or "panorama", screenshot_timeout_s)
        director.done.connect(app.exit)
    else:
        if view is not None:
            session.window.switch_to(view)

        def on_failed(message: str) -> None:
            box = QMessageBox(session.window)
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(QApplication.translate("ConsoleSession", "The console cannot start"))
            box.setText(message)
            if session.last_problem is not None:  # the English original, for whoever supports
                box.setDetailedText(session.last_problem.detail)
            box.exec()
            app.exit(1)

        session.offer_recovery = True
        session.ask_sign_in = True
        session.failed.connect(on_failed)
        session.gave_up.connect(lambda: app.exit(1))
        session.quit_chosen.connect(lambda: app.exit(0))
    probe = _FirstPaintProbe(started if started is not None else _PROCESS_START)
    session.window.installEventFilter(probe)
    session.start()
    exit_code = app.exec()
    session.shutdown()
    return exit_code
