"""系统管理 → 审计日志: opening the tab reads the newest entries, actions named in Chinese, a
filter by operator, the export, and a role that may not read it told so."""

# ruff: noqa: F811  (the fixtures imported from test_admin_view are parameters here)
from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from console.ui.views.admin.view import AdminView
from tests.console.ui.test_admin_view import FakeAdmin, view  # noqa: F401  (a fixture)

TIMEOUT = 10_000


def _open(qtbot: QtBot, widget: AdminView) -> None:
    widget.tabs.setCurrentWidget(widget.audit)
    qtbot.waitUntil(lambda: widget.audit.model.rowCount() > 0 or bool(widget.audit.note.text()),
                    timeout=TIMEOUT)  # fmt: skip


def test_the_audit_tab_shows_who_did_what_in_chinese(
    qtbot: QtBot,
    view: tuple[AdminView, FakeAdmin],
) -> None:
    widget, api = view
    api.asked.clear()
    _open(qtbot, widget)
    model = widget.audit.model
    assert model.rowCount() == 3
    assert [model.text(r, 2) for r in range(3)] == ["ws-01", "ws-07", "—"]  # — : not recorded
    assert [model.text(r, 3) for r in range(3)] == ["添加用户", "登录被拒", "登录"]
    assert model.text(1, 1) == "zhang" and "ws-07" in model.text(1, 6)
    assert model.text(0, 4) == "用户 zhang"
    assert widget.audit.note.text() == "3 条记录"
    assert [widget.audit.action.itemText(i) for i in range(widget.audit.action.count())] == [
        "全部", "登录", "登录被拒", "添加用户",
    ]  # fmt: skip
    widget.audit.actor.setCurrentIndex(widget.audit.actor.findData("zhang"))
    widget.audit.search_button.click()
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=TIMEOUT)
    assert api.asked[-1].actor == "zhang" and api.asked[-1].since < api.asked[-1].until  # type: ignore[operator]


def test_the_export_writes_the_file_and_says_where(
    qtbot: QtBot,
    view: tuple[AdminView, FakeAdmin],
    tmp_path: Path,
) -> None:
    widget, _api = view
    _open(qtbot, widget)
    target = tmp_path / "audit.xlsx"
    widget.audit.export_requested.emit(widget.audit.filter(), target)
    qtbot.waitUntil(lambda: str(target) in widget.audit.note.text(), timeout=TIMEOUT)
    assert target.read_text(encoding="utf-8") == "exported"


def test_a_role_that_may_not_read_the_log_is_told_so(
    qtbot: QtBot,
    view: tuple[AdminView, FakeAdmin],
) -> None:
    widget, api = view
    api.audit_refused = True
    _open(qtbot, widget)
    assert widget.audit.note.text() == "只有班长和管理员可以查看审计日志。"
    assert widget.audit.model.rowCount() == 0
