"""Screenshots of 系统管理 → 档案导入 (not a test): the real import on a temporary database, the
rest of the administration API faked; the empty form, a good file's report, an invalid file's
problems, a header that does not fit and an import under way, in one language and theme.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python tests/console/ui/shoot_admin_import.py \
        zh_CN dark out/screens
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMainWindow

from console.admin.service import AdminService
from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.paths import resource
from console.core.thresholds import ThresholdBook
from console.ui import i18n, theme
from console.ui.kit.events import QtEvents
from console.ui.kit.tasks import TaskRunner
from console.ui.kit.view import ViewKit
from console.ui.views.admin.view import AdminView
from db.engine import create_db_engine, make_session_factory, sqlite_url
from db.migrate import upgrade
from tests.console.ui.shoot_collection import grab, wait_until
from tests.console.ui.test_admin_import import ImportingAdmin, SlowImport
from tests.console.ui.test_admin_view import NOW


def main(lang: str, theme_name: str, out: Path) -> None:
    app = QApplication(sys.argv[:1])
    i18n.install_translators(app, lang)
    theme.apply(app, theme_name)
    work = Path(tempfile.mkdtemp(prefix="smc-shoot-import-"))
    engine = create_db_engine(sqlite_url(work / "county.db"))
    upgrade(engine)
    sf = make_session_factory(engine)
    service = AdminService(sf, FixedClock(NOW), ThresholdBook(sf, None), None, lambda: None)  # type: ignore[arg-type,return-value]
    bus = EventBus()
    bus.start()
    kit = ViewKit(QtEvents(bus, app), TaskRunner(app), lambda: NOW, lambda _dock: None)
    view = AdminView(ImportingAdmin(service), kit)
    window = QMainWindow()
    window.resize(1280, 800)
    window.setCentralWidget(view)
    window.show()
    page = view.imports
    view.tabs.setCurrentWidget(page)
    assert view.tasks is not None
    tasks = view.tasks
    wait_until(lambda: view.is_ready and not tasks.running("may_import"))
    out.mkdir(parents=True, exist_ok=True)
    stem = f"import-{lang}-{theme_name}"
    grab(window, out / f"{stem}-form.png")

    def run(kind: str, path: Path, skip: bool = False) -> None:
        page.kind.setCurrentIndex(page.kind.findData(kind))
        page.file.setText(str(path))
        page.skip_invalid.setChecked(skip)
        page.import_button.click()
        wait_until(lambda: not tasks.running("import"))

    def template(kind: str) -> Path:
        """A copy of the shipped template in the work folder: reports are written beside it."""
        copy = work / f"{kind}.csv"
        copy.write_bytes(resource("templates", f"{kind}.csv").read_bytes())
        return copy

    run("org", template("org"))
    run("tariffs", template("tariffs"))
    run("customers", template("customers"))
    grab(window, out / f"{stem}-stored.png")
    org = resource("templates", "org.csv").read_text(encoding="utf-8-sig")
    bad = work / "台区档案-有误.csv"
    bad.write_text(
        org.replace(",400,", ",abc,").replace(",城区,", ",市区,", 1).replace("TQ0004", ""),
        encoding="utf-8",
    )
    run("org", bad)
    grab(window, out / f"{stem}-invalid.png")
    run("meters", template("customers"))
    grab(window, out / f"{stem}-header.png")
    slow = SlowImport()
    running = AdminView(slow, kit)
    window.setCentralWidget(running)
    running.tabs.setCurrentWidget(running.imports)
    running.imports.file.setText(str(bad))
    running.imports.import_button.click()
    wait_until(lambda: running.imports.progress.value() > 0)
    grab(window, out / f"{stem}-running.png")
    running.imports.cancel_button.click()
    slow.go.set()
    wait_until(lambda: not running.imports.error.isHidden())
    bus.stop()
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
