"""Screenshots of 采集监控 on the fake API (not a test): the view in a main window with the
message monitor docked, the 点抄 results and the drill-down, in one language and theme.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python tests/console/ui/shoot_collection.py \
        zh_CN dark out/screens
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.ui import i18n, theme
from console.ui.kit.events import QtEvents
from console.ui.kit.tasks import TaskRunner
from console.ui.kit.view import ViewKit
from console.ui.views.collection.view import CollectionView
from tests.console.ui.collection_fakes import NOW, PORT_BUSY, FakeCollection, traffic


def wait_until(check: Callable[[], bool], timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the view did not get there")
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def settle(ms: int = 300) -> None:
    """Let layouts and the plots catch up before a picture."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def grab(widget: QWidget, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    print(path)


def main(lang: str, theme_name: str, out: Path, *, port_busy: bool = False) -> None:
    app = QApplication(sys.argv[:1])
    i18n.install_translators(app, lang)
    palette = theme.apply(app, theme_name)
    bus = EventBus()
    bus.start()
    clock = FixedClock(NOW)
    fake = FakeCollection(clock, bus)
    if port_busy:
        fake.frontend_status = PORT_BUSY
    window = QMainWindow()
    window.resize(1440, 900)

    def dock(widget: QDockWidget) -> None:
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, widget)

    kit = ViewKit(QtEvents(bus, app), TaskRunner(app), clock.now, dock)
    view = CollectionView(fake, kit)
    window.setCentralWidget(view)
    view.apply_palette(palette)
    window.show()
    wait_until(lambda: view.is_ready and len(view.jobs.rows) == 2)
    model = view.tree_model
    station = model.index(0, 0, model.index(0, 0))
    view.tree.expand(station)
    wait_until(lambda: model.rowCount(station) == 2)
    area = model.index(0, 0, station)
    view.tree.expand(area)
    wait_until(lambda: model.rowCount(area) == 2)
    concentrator = model.index(1, 0, area)
    view.tree.expand(concentrator)
    wait_until(lambda: model.rowCount(concentrator) == 2)
    view.tree.setCurrentIndex(model.index(1, 0, concentrator))
    wait_until(lambda: view.figures is not None and not view.figures.scope.everything)
    stem = f"collection-{lang}-{theme_name}" + ("-port-busy" if port_busy else "")
    if not port_busy:
        view.monitor_button.click()
        wait_until(lambda: bool(fake.listeners))
        names = ["login", "request", "reply", "forward", "broken"] * 4
        fake.send([traffic(n, i, up=n != "request") for i, n in enumerate(names)], dropped=3)
        monitor = view.monitor
        wait_until(lambda: monitor.model.rowCount() == 20 and monitor.model.summary(19) != "…")
        monitor.table.setCurrentIndex(monitor.proxy.index(3, 0))
        window.resizeDocks([monitor], [300], Qt.Orientation.Vertical)
    settle()
    grab(window, out / f"{stem}.png")
    if port_busy:
        return
    view.read_bar.read_area()
    wait_until(lambda: view.read_bar.dialog is not None and view.read_bar.dialog.isVisible())
    assert view.read_bar.dialog is not None
    grab(view.read_bar.dialog, out / f"{stem}-read.png")
    view.ranking.concentrator_table.doubleClicked.emit(view.ranking.concentrator_model.index(0, 0))
    drill = view.drill_dialog
    wait_until(lambda: drill is not None and drill.model.rowCount() == 5)
    assert drill is not None
    grab(drill, out / f"{stem}-drill.png")
    view.schedule.open()
    wait_until(lambda: view.schedule.dialog is not None)
    assert view.schedule.dialog is not None
    grab(view.schedule.dialog, out / f"{stem}-schedule.png")
    bus.stop()


if __name__ == "__main__":
    target = Path(sys.argv[3])
    target.mkdir(parents=True, exist_ok=True)
    main(sys.argv[1], sys.argv[2], target, port_busy="--port-busy" in sys.argv)
