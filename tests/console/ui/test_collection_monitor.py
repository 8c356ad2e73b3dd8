"""报文监视 fed through ``listen_traffic`` (batches from another thread, dropped counts, pause,
filter, clear), and the whole 采集监控 under the zh_CN translator: nothing English shows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from console.ui.kit.view import ViewKit
from console.ui.views.collection.view import CollectionView
from tests.console.ui.collection_fakes import LISTENING, PORT_BUSY, FakeCollection, traffic
from tests.console.ui.collection_fixtures import (  # noqa: F401  (fixtures)
    TIMEOUT,
    bus_fixture,
    docks_fixture,
    fake_fixture,
    fixed_clock_fixture,
    kit_fixture,
    make_view,
    meter_index,
    open_monitor,
    runner_fixture,
    view_fixture,
)
from tests.console.ui.english import english_leaks, english_words, zh_cn_ui


# ---------------------------------------------------------------------------- the monitor
def test_the_monitor_is_docked_and_listens_only_whileopen_node(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection, docks: list[QDockWidget]
) -> None:
    assert docks == [view.monitor] and view.monitor.isHidden()
    assert not fake.named("listen_traffic")
    open_monitor(qtbot, view, fake)
    assert view.monitor_button.isChecked()
    view.monitor.close()
    qtbot.waitUntil(lambda: not fake.listeners, timeout=TIMEOUT)
    assert not view.monitor_button.isChecked()


def test_frames_arrive_in_batches_decoded_and_filtered(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    open_monitor(qtbot, view, fake)
    monitor, model = view.monitor, view.monitor.model
    frames = [traffic("reply", i, "3301-00001" if i % 3 else "3301-00002") for i in range(30)]
    fake.send(frames[:20])
    fake.send(frames[20:], dropped=7)  # the service could not keep up: 7 never came
    qtbot.waitUntil(lambda: model.rowCount() == 30, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: model.summary(29) != "…", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: model.summary(0) != "…", timeout=TIMEOUT)
    assert model.index(0, model.TIME).data() == "10:07:30.000"
    assert model.index(1, model.DIRECTION).data() == "↑ up"
    assert model.summary(0) == (
        "AFN 0D F161 p1 daily frozen forward active energy (total, tariffs 1-M)"
    )
    assert monitor.dropped == 7 and "7 not shown" in monitor.status.text()
    monitor.filter.setText("3301-00002")
    assert monitor.proxy.rowCount() == 10
    monitor.table.setCurrentIndex(monitor.proxy.index(0, 0))
    detail = monitor.detail.toPlainText()
    assert "district code: 3301" in detail and "forward active energy (kWh): 1234.56" in detail


def test_only_the_frames_shown_or_selected_are_decoded(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    """A county-wide pass brings thousands of frames a second: decoding every one took a
    core from the window. A row is decoded when it is first shown, or selected."""
    open_monitor(qtbot, view, fake)
    monitor, model = view.monitor, view.monitor.model
    monitor.resize(1400, 300)  # the decoded column in view, about ten rows
    fake.send([traffic("reply", i) for i in range(400)])
    qtbot.waitUntil(lambda: model.rowCount() == 400, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: model.report(399) is not None, timeout=TIMEOUT)  # followed: shown
    decoded = len(fake.named("describe_frame"))
    assert 0 < decoded < 50, decoded
    assert model.report(0) is None  # scrolled past, never shown
    monitor.table.selectRow(0)  # selected: decoded, and its detail shown
    qtbot.waitUntil(lambda: "district code: 3301" in monitor.detail.toPlainText(), timeout=TIMEOUT)
    assert model.report(0) is not None
    settled = lambda: all(r.report is not None or not r.asked for r in model._rows)
    qtbot.waitUntil(settled, timeout=TIMEOUT)  # no decoding under way
    calls = len(fake.named("describe_frame"))
    assert calls < 80
    reports = sum(1 for row in range(model.rowCount()) if model.report(row) is not None)
    assert reports == calls  # none decoded twice


def test_pause_holds_frames_and_clear_forgets_them(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    open_monitor(qtbot, view, fake)
    monitor = view.monitor
    monitor.pause_button.click()
    fake.send([traffic("login", i) for i in range(5)])
    qtbot.waitUntil(lambda: monitor.stream.waiting == 5, timeout=TIMEOUT)
    monitor.flush()
    assert monitor.model.rowCount() == 0 and "5 waiting" in monitor.status.text()
    monitor.pause_button.click()  # resuming shows what waited
    assert monitor.model.rowCount() == 5
    monitor.clear_button.click()
    assert monitor.model.rowCount() == 0 and monitor.dropped == 0


def test_the_table_keeps_the_newest_frames(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    open_monitor(qtbot, view, fake)
    model = view.monitor.model
    model.cap = 50
    fake.send([traffic("login", i) for i in range(120)])
    qtbot.waitUntil(lambda: model.rowCount() == 50, timeout=TIMEOUT)
    assert model.traffic(49).at == traffic("login", 119).at


# ---------------------------------------------------------------------------- zh_CN
def test_the_english_check_can_fail() -> None:
    assert english_words("Loading the jobs…") == ["Loading", "the", "jobs"]
    assert english_words("AFN 0D F161 p1..p32 日冻结 1,234.56 kWh dlt645-2007 [schedule]") == []


def test_nothing_english_shows_in_the_chinese_ui(
    qtbot: QtBot, fake: FakeCollection, kit: ViewKit, tmp_path: Path
) -> None:
    fake.frontend_status = PORT_BUSY
    with zh_cn_ui(tmp_path):
        view = make_view(qtbot, fake, kit)
        assert view.tiles.rate.caption_text() == "距目标 99.97 % 还差 3 只电表"
        assert view.ranking.concentrator_model.text(0, 4) == "离线 ×5"
        meters = view.ranking.meter_model
        assert meters.data(meters.index(0, 4), Qt.ItemDataRole.ToolTipRole) == "拒绝"
        view.tree.setCurrentIndex(meter_index(qtbot, view))  # every level of the tree open
        with qtbot.waitSignal(view.read_bar.finished, timeout=TIMEOUT):
            view.read_bar.meter_button.click()
        read = view.read_bar.dialog
        assert read is not None and read.value_model.text(0, 0) == "正向有功总电能"
        with qtbot.waitSignal(view.read_bar.finished, timeout=TIMEOUT):
            view.read_bar.read_area()  # as the button would, were the port free
        assert read.value_model.text(1, 0) == "正向有功电能（尖）"
        view.ranking.concentrator_table.doubleClicked.emit(
            view.ranking.concentrator_model.index(0, 0)
        )
        drill = view.drill_dialog
        assert drill is not None
        qtbot.waitUntil(lambda: drill.model.rowCount() == 5, timeout=TIMEOUT)
        assert drill.model.text(4, 4) == "无数据"
        view.schedule.button.click()
        qtbot.waitUntil(lambda: view.schedule.dialog is not None, timeout=TIMEOUT)
        schedule = view.schedule.dialog
        assert schedule is not None
        schedule.freeze_cutoff.setTime(schedule.freeze_start.time())
        schedule.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not schedule.error.isHidden(), timeout=TIMEOUT)
        assert "补采截止时间" in schedule.error.text()
        fake.frontend_status = LISTENING
        view.refresh()
        qtbot.waitUntil(lambda: view.frontend == LISTENING, timeout=TIMEOUT)
        open_monitor(qtbot, view, fake)
        names = ("reply", "request", "forward", "login", "broken")
        fake.send([traffic(name, i) for i, name in enumerate(names)], dropped=2)
        model = view.monitor.model
        qtbot.waitUntil(lambda: model.rowCount() == 5 and model.summary(4) != "…", timeout=TIMEOUT)
        assert model.summary(4) == "无法解析：结束符错误"
        for row in (0, 2):  # a frame with data, and one forwarding a DL/T 645 reply
            view.monitor.table.setCurrentIndex(view.monitor.proxy.index(row, 0))
            assert not (leaks := english_leaks(view.monitor)), "\n".join(leaks)
        view.monitor.pause_button.click()
        leaks = english_leaks(view, view.monitor, read, drill, schedule)
        assert not leaks, "\n".join(leaks)
        schedule.reject()
        view.monitor.close()
