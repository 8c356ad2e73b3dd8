"""系统管理 → 档案导入 on the real import (a temporary database): a good file's report with its
counts, an invalid file's problems and the rejected-rows report, a file that cannot be imported
said in the page, progress and cancel, and an operator who may not import shown the page
disabled."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.service import Accounts
from console.admin.api import ImportOutcome, ImportPhase
from console.admin.service import AdminService
from console.core import operator
from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.operator import Operator
from console.core.paths import resource
from console.core.roles import Role
from console.core.thresholds import ThresholdBook
from console.ui.kit.events import QtEvents
from console.ui.kit.tasks import TaskRunner
from console.ui.kit.view import ViewKit
from console.ui.views.admin.view import AdminView
from tests.console.audit_rows import audit_rows
from tests.console.ui.english import english_leaks
from tests.console.ui.test_admin_view import NOW, FakeAdmin

ORG = resource("templates", "org.csv")
TIMEOUT = 10_000


class ImportingAdmin(FakeAdmin):
    """The fake administration API, with the real archive import on a test database."""

    def __init__(self, service: AdminService) -> None:
        super().__init__()
        self.service = service

    def may_import_archive(self) -> bool:
        return self.service.may_import_archive()

    def import_archive(self, kind: str, path: Path, **options: Any) -> ImportOutcome:
        return self.service.import_archive(kind, path, **options)


@pytest.fixture
def admin(session_factory: sessionmaker[Session], clock: FixedClock) -> ImportingAdmin:
    service = AdminService(
        session_factory,
        clock,
        ThresholdBook(session_factory, None),
        None,
        lambda: None,  # type: ignore[arg-type,return-value]
    )
    return ImportingAdmin(service)


def _view(qtbot: QtBot, api: FakeAdmin) -> Iterator[AdminView]:
    bus = EventBus()
    bus.start()
    kit = ViewKit(QtEvents(bus), TaskRunner(), lambda: NOW, lambda _dock: None)
    widget = AdminView(api, kit)  # type: ignore[arg-type]
    qtbot.addWidget(widget)
    widget.tabs.setCurrentWidget(widget.imports)
    qtbot.waitUntil(lambda: widget.is_ready and not widget.tasks.running("may_import"))  # type: ignore[union-attr]
    yield widget
    bus.stop()


@pytest.fixture
def view(qtbot: QtBot, zh: None, admin: ImportingAdmin) -> Iterator[AdminView]:
    yield from _view(qtbot, admin)


def _run(qtbot: QtBot, view: AdminView, kind: str, path: Path, *, skip: bool = False) -> None:
    page = view.imports
    page.kind.setCurrentIndex(page.kind.findData(kind))
    page.file.setText(str(path))
    page.skip_invalid.setChecked(skip)
    assert page.import_button.isEnabled()
    page.import_button.click()
    qtbot.waitUntil(lambda: not view.tasks.running("import"), timeout=TIMEOUT)  # type: ignore[union-attr]


def _bad_org(tmp_path: Path) -> Path:
    text = ORG.read_text(encoding="utf-8-sig").replace(",400,", ",abc,")
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_kinds_are_offered_in_the_import_order_with_what_each_holds(view: AdminView) -> None:
    page = view.imports
    assert view.tabs.tabText(view.tabs.indexOf(page)) == "档案导入"
    names = [page.kind.itemText(i) for i in range(page.kind.count())]
    assert names == [
        "台区档案", "集中器档案", "电价表", "客户档案", "计量档案", "日冻结", "负荷曲线", "事件",
    ]  # fmt: skip
    assert "最先导入" in page.hint.text()
    page.kind.setCurrentIndex(4)
    assert "须先导入客户档案" in page.hint.text()
    assert page.order.text().startswith("导入顺序：台区档案 → 集中器档案")
    assert not page.import_button.isEnabled()  # no file yet
    assert not page.sheet.isEnabled()
    page.file.setText("/data/计量档案.xlsx")
    assert page.sheet.isEnabled() and page.import_button.isEnabled()
    assert english_leaks(page) == []


def test_a_good_file_is_stored_and_reported_with_its_counts(
    qtbot: QtBot, view: AdminView, session_factory: sessionmaker[Session]
) -> None:
    _run(qtbot, view, "org", ORG)
    page = view.imports
    assert page.summary.text().startswith("org.csv：全部保存，共 4 行")
    assert page.fields["source"].text() == "CSV，UTF-8（带字节序标记）"
    assert page.fields["rows"].text() == "4"
    assert page.fields["stored"].text() == "4 行（新增 4，更新 0，未变 0）"
    assert "2 个供电所" in page.fields["created"].text()
    assert page.fields["rejected"].text() == "0"
    assert page.problems.isHidden() and page.report_row.isHidden() and page.error.isHidden()
    assert page.progress.isHidden() and page.import_button.isEnabled()
    assert [(e.action, e.object_id) for e in audit_rows(session_factory)] == [
        ("archive.import", "org")
    ]
    assert english_leaks(page, allow=("UTF-8",)) == []
    _run(qtbot, view, "org", ORG)  # the same file again changes nothing
    assert page.fields["stored"].text() == "4 行（新增 0，更新 0，未变 4）"


def test_an_invalid_file_shows_its_problems_and_where_the_rejected_rows_are(
    qtbot: QtBot, view: AdminView, tmp_path: Path
) -> None:
    bad = _bad_org(tmp_path)
    opened: list[Path] = []
    page = view.imports
    page.open_folder = opened.append
    _run(qtbot, view, "org", bad)
    assert page.summary.text().startswith("bad.csv 未保存任何数据：4 行中有 1 行无效。")
    assert "保存其余 3 行有效数据" in page.summary.text()
    assert page.fields["stored"].text() == "无"
    assert page.model.rowCount() == 1 and not page.problems.isHidden()
    assert [page.model.text(0, c) for c in range(2)] == ["2", "额定容量(kVA)"]
    assert "abc" in page.model.text(0, 2)
    report = tmp_path / "bad.rejected.csv"
    assert str(report) in page.report.text() and not page.report_row.isHidden()
    assert "abc" in report.read_text(encoding="utf-8-sig")
    page.folder_button.click()
    assert opened == [tmp_path]
    _run(qtbot, view, "org", bad, skip=True)
    assert page.summary.text().startswith("bad.csv：已保存 3 行，拒绝 1 行")
    assert page.fields["rejected"].text() == "1"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("户号,户名\n1,张\n", "表头与台区档案不符，未保存任何数据：未知列 '户号'（第 1 列）"),
        (None, "文件只有表头没有数据行；未保存任何数据。"),
        (b"\xff\xfe\x00\x00garbage", "无法读取文件，未保存任何数据："),
    ],
)
def test_a_file_that_cannot_be_imported_is_said_in_the_page(
    qtbot: QtBot, view: AdminView, tmp_path: Path, content: str | bytes | None, said: str
) -> None:
    path = tmp_path / "file.csv"
    if content is None:
        path.write_text(ORG.read_text(encoding="utf-8-sig").splitlines()[0], encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    _run(qtbot, view, "org", path)
    page = view.imports
    assert not page.error.isHidden() and said in page.error.text()
    assert "Traceback" not in page.error.text()
    assert page.details.isHidden() and page.import_button.isEnabled()


class SlowImport(FakeAdmin):
    """An import that reports its start, then waits to be let go before reading on."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()

    def import_archive(self, kind: str, path: Path, **options: Any) -> ImportOutcome:
        progress = options["progress"]
        progress(ImportPhase.READING, 0)
        assert self.go.wait(TIMEOUT / 1000)
        progress(ImportPhase.READING, 50_000)  # raises: cancelled
        raise AssertionError("the cancel was not heard")


def test_progress_is_shown_and_a_cancel_stores_nothing(qtbot: QtBot, zh: None) -> None:
    api = SlowImport()
    for view in _view(qtbot, api):
        page = view.imports
        page.file.setText("/data/org.csv")
        page.import_button.click()
        qtbot.waitUntil(lambda p=page: "读取中… 已读取 0 行" in p.progress.format())
        assert not page.progress.isHidden() and not page.import_button.isEnabled()
        assert not page.kind.isEnabled()
        page.cancel_button.click()
        assert page.progress.format() == "正在取消…"
        api.go.set()
        qtbot.waitUntil(lambda p=page: p.error.text() == "已取消：未保存任何数据。")
        assert page.import_button.isEnabled() and page.progress.isHidden()


def test_an_operator_who_may_not_import_sees_the_page_disabled(
    qtbot: QtBot, zh: None, admin: ImportingAdmin, session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:  # fmt: skip
    Accounts(session_factory, clock).add_user(
        None, "admin", name="", role=Role.ADMINISTRATOR, stations=[], password="Guanli2026x"
    )
    before = operator.current()
    operator.set_process_operator(Operator("li", "李", Role.VIEWER))
    try:
        for view in _view(qtbot, admin):
            page = view.imports
            assert page.note.text() == "只有管理员可以导入档案：请以管理员身份登录后导入。"
            page.file.setText(str(ORG))
            assert not page.import_button.isEnabled() and not page.kind.isEnabled()
            page.import_requested.emit("org", ORG, None, False)  # as if the button were pressed
            qtbot.waitUntil(lambda p=page: not p.error.isHidden())
            assert page.error.text() == page.note.text()
    finally:
        operator.set_process_operator(before)
    assert [e.action for e in audit_rows(session_factory)] == ["user.add"]  # no import
