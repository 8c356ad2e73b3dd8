"""The 采集监控 view and the message monitor on a fake CollectionConsole: plain Python,
deterministic data, every call recorded (and some of them held on an Event, so "busy" states can
be seen without sleeping)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from console.ui.views.collection import CollectionView, DeviceTreeModel
from console.ui.widgets.message_monitor import MessageMonitor, summarize
from PySide6.QtCore import QModelIndex, Qt, QTime
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.collection.api import (
    JobState,
    KpiSummary,
    NodeKind,
    OnDemandResult,
    ReadPath,
    ReadValue,
    Scope,
    TreeNode,
)
from console.ui.kit.tasks import TaskRunner
from console.ui.main_window import MainWindow
from console.ui.settings_store import SettingsStore
from console.ui.views.registry import create_view
from db.queries.collection_kpi import Drag, KpiLevel, SuccessRate
from drivers.link.traffic import Direction, Traffic

DAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 7, 30)
TIMEOUT = 10_000


def _node(kind: NodeKind, id: int, name: str, **kw: object) -> TreeNode:
    return TreeNode(kind=kind, id=id, name=name, has_children=kind != NodeKind.METER, **kw)  # type: ignore[arg-type]


COUNTY = _node(NodeKind.COUNTY, 1, "演示县", failed=7)
STATIONS = [
    _node(NodeKind.STATION, 10, "城关供电所", failed=7),
    _node(NodeKind.STATION, 11, "河口供电所"),
]
AREAS = [
    _node(NodeKind.AREA, 100, "城关1号台区", failed=5),
    _node(NodeKind.AREA, 101, "城关2号台区", failed=2),
]
CONCENTRATORS = [
    _node(
        NodeKind.CONCENTRATOR,
        1000,
        "集中器 3301-00001",
        online=True,
        last_read_at=NOW - timedelta(minutes=3),
    ),
    _node(
        NodeKind.CONCENTRATOR,
        1001,
        "集中器 3301-00002",
        online=False,
        failed=5,
        last_read_at=datetime(2026, 11, 20, 22, 15),
        detail="3301-00002 · 10.0.0.2:5100",
    ),
]
METERS = [
    _node(NodeKind.METER, 10000, "表 000000010001", last_read_at=NOW, last_read_ok=True),
    _node(NodeKind.METER, 10001, "表 000000010002", last_read_at=NOW, last_read_ok=False),
]
TREE: dict[tuple[str, int] | None, list[TreeNode]] = {
    None: [COUNTY],
    ("county", 1): STATIONS,
    ("station", 10): AREAS,
    ("station", 11): [],
    ("area", 100): CONCENTRATORS,
    ("area", 101): [],
    ("concentrator", 1000): [],
    ("concentrator", 1001): METERS,
}
CONCENTRATOR_DRAGS = [
    Drag(
        "concentrator",
        1001,
        "集中器 3301-00002",
        "城关1号台区",
        5,
        Decimal("2.50"),
        "offline ×5",
        date(2026, 11, 19),
        3,
    ),
    Drag(
        "concentrator",
        1003,
        "集中器 3301-00004",
        "城关2号台区",
        2,
        Decimal("1.00"),
        "timeout ×2",
        date(2026, 8, 23),
        90,
    ),
]
METER_DRAGS = [
    Drag(
        "meter",
        10001,
        "表 000000010002",
        "城关1号台区",
        1,
        Decimal("0.50"),
        "timeout: no answer",
        date(2026, 11, 21),
        1,
    ),
    Drag(
        "meter",
        10007,
        "表 000000010008",
        "城关2号台区",
        1,
        Decimal("0.50"),
        None,
        date(2026, 11, 20),
        2,
    ),
]
FAILED_BEHIND_1001 = [
    Drag(
        "meter",
        10001 + i,
        f"表 00000001000{i + 2}",
        "城关1号台区",
        1,
        Decimal("0.50"),
        "offline",
        DAY,
        1,
    )
    for i in range(5)
]


def _frame(i: int, terminal: str = "3301-00001", direction: Direction = Direction.UP) -> Traffic:
    raw = bytes([0x68, 0x32, 0x00, 0x32, 0x00, 0x68, i % 256, 0x16])
    return Traffic(NOW + timedelta(milliseconds=i), terminal, direction, raw, "10.0.0.1:5100")


class FakeConsole:
    """Deterministic collection data; records every call with the thread it came on."""

    def __init__(self, expected: int = 20_000, read: int = 19_990) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.threads: set[int] = set()
        self.expected, self.read = expected, read
        self.listeners: list[Callable[[Traffic], None]] = []
        self.hold_reads = threading.Event()
        self.hold_reads.set()
        self.schedule_values: dict[str, object] = {
            "freeze_start": "00:10",
            "freeze_retry_min": 30,
            "freeze_cutoff": "08:00",
            "curves": True,
            "events_every_min": 5,
            "clock_check": "02:00",
            "clock_drift_s": 300,
        }
        self.job_states = {
            "daily_freeze": JobState(
                "daily_freeze",
                "Daily freeze",
                "daily 00:10",
                datetime(2026, 11, 22, 0, 10),
                datetime(2026, 11, 21, 0, 10),
                "19,990 ok, 10 failed in 3 min 10 s",
            ),
            "curves": JobState(
                "curves",
                "Interval curves",
                "every 15 min",
                None,
                None,
                None,
                running=True,
                done=120,
                total=250,
            ),
        }

    def _record(self, *call: object) -> None:
        self.threads.add(threading.get_ident())
        self.calls.append(call)

    def named(self, name: str) -> list[tuple[object, ...]]:
        return [c for c in self.calls if c[0] == name]

    def children(self, node: TreeNode | None, day: date) -> list[TreeNode]:
        self._record("children", None if node is None else (node.kind.value, node.id), day)
        return TREE[None if node is None else (node.kind.value, node.id)]

    def kpis(self, day: date, scope: Scope) -> KpiSummary:
        self._record("kpis", day, scope)
        return KpiSummary(
            day,
            SuccessRate("", "", self.expected, self.read),
            Decimal("99.97"),
            3,
            4,
            self.expected - self.read,
        )

    def trend(self, last_day: date, scope: Scope, days: int = 30) -> list[tuple[date, SuccessRate]]:
        self._record("trend", last_day, scope, days)
        unread = [2, 4, 3, 8, 5, 1, 6]  # 99.99 % .. 99.96 %, around the target
        return [
            (
                last_day - timedelta(days=days - 1 - i),
                SuccessRate("", "", 20_000, 20_000 - unread[i % 7]),
            )
            for i in range(days)
        ]

    def drags(self, day: date, scope: Scope) -> tuple[list[Drag], list[Drag]]:
        self._record("drags", day, scope)
        return CONCENTRATOR_DRAGS, METER_DRAGS

    def failed_meters(self, day: date, drag: Drag) -> list[Drag]:
        self._record("failed_meters", day, drag.id)
        return FAILED_BEHIND_1001

    def jobs(self) -> list[JobState]:
        self._record("jobs")
        return list(self.job_states.values())

    def run_job(self, job_id: str) -> None:
        self._record("run_job", job_id)
        job = self.job_states[job_id]
        self.job_states[job_id] = JobState(
            job.id,
            job.name,
            job.schedule,
            job.next_run_at,
            job.last_run_at,
            job.last_result,
            running=True,
            done=0,
            total=20_000,
        )

    def cancel_job(self, job_id: str) -> None:
        self._record("cancel_job", job_id)
        job = self.job_states[job_id]
        self.job_states[job_id] = JobState(
            job.id, job.name, job.schedule, job.next_run_at, job.last_run_at, "cancelled"
        )

    def schedule(self) -> dict[str, object]:
        self._record("schedule")
        return dict(self.schedule_values)

    def set_schedule(self, values: dict[str, object]) -> None:
        self._record("set_schedule", values)
        if values["freeze_cutoff"] == values["freeze_start"]:
            raise ValueError("freeze_cutoff must differ from freeze_start")
        self.schedule_values = dict(values)

    def read_meter(self, meter_id: int, path: ReadPath) -> OnDemandResult:
        self._record("read_meter", meter_id, path)
        assert self.hold_reads.wait(TIMEOUT / 1000)
        frames = [_frame(1, direction=Direction.DOWN), _frame(2)]
        values = [
            ReadValue("forward active energy total", "12345.67", "kWh"),
            ReadValue("voltage phase A", "229.8", "V"),
        ]
        return OnDemandResult(
            meter_id,
            f"meter {meter_id}",
            "transparent forward (AFN 10)",
            True,
            values,
            frames,
            duration_ms=840,
        )

    def read_area(self, area_id: int) -> list[OnDemandResult]:
        self._record("read_area", area_id)
        return [
            OnDemandResult(
                10000,
                "表 000000010001",
                "concentrator (AFN 0C)",
                True,
                [ReadValue("forward active energy total", "1.00", "kWh")],
            ),
            OnDemandResult(
                10001, "表 000000010002", "concentrator (AFN 0C)", False, error="no answer in 15 s"
            ),
        ]

    def describe_frame(self, raw: bytes) -> dict[str, object]:
        items = [
            {"pn": pn, "fn": 161, "name": "daily frozen forward active energy", "values": []}
            for pn in range(1, 33)
        ]
        return {
            "valid": True,
            "protocol": "qgdw1376.1",
            "afn": 0x0D,
            "seq": raw[6],
            "address": "3301-00001",
            "items": items,
        }

    def add_traffic_listener(self, listener: Callable[[Traffic], None]) -> None:
        self.listeners.append(listener)

    def remove_traffic_listener(self, listener: Callable[[Traffic], None]) -> None:
        self.listeners.remove(listener)

    def today(self) -> date:
        self._record("today")
        return DAY


@pytest.fixture
def runner(themed_app: QApplication) -> Iterator[TaskRunner]:
    # Owned by the application, as the real one is by the session: a parentless runner would be
    # freed by whichever closure drops the last reference, possibly inside a Qt destructor.
    runner = TaskRunner(themed_app)
    yield runner
    for _ in range(10):  # a delivered result may start the next level's load: drain them all
        assert runner.wait_idle(TIMEOUT)
        QApplication.processEvents()
        if not runner.pending:
            break


@pytest.fixture
def console() -> FakeConsole:
    return FakeConsole()


@pytest.fixture
def view(qtbot: QtBot, runner: TaskRunner, console: FakeConsole) -> CollectionView:
    widget = CollectionView(runner)
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    with qtbot.waitSignal(widget.ready, timeout=TIMEOUT):
        widget.set_console(console)
    return widget


def _child(model: DeviceTreeModel, parent: QModelIndex, name: str) -> QModelIndex:
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data() == name:
            return index
    raise AssertionError(f"{name!r} is not under {parent.data()!r}")


def _open(qtbot: QtBot, view: CollectionView, index: QModelIndex) -> None:
    view.tree.expand(index)
    qtbot.waitUntil(lambda: view.tree_model.rowCount(index) > 0, timeout=TIMEOUT)


def _meter_index(qtbot: QtBot, view: CollectionView) -> QModelIndex:
    model = view.tree_model
    qtbot.waitUntil(
        lambda: model.rowCount() == 1 and model.rowCount(model.index(0, 0)) == 2, timeout=TIMEOUT
    )
    station = _child(model, model.index(0, 0), "城关供电所")
    _open(qtbot, view, station)
    area = _child(model, station, "城关1号台区")
    _open(qtbot, view, area)
    concentrator = _child(model, area, "集中器 3301-00002")
    _open(qtbot, view, concentrator)
    return _child(model, concentrator, "表 000000010002")


# ---------------------------------------------------------------------------- the tree
def test_the_tree_loads_each_level_lazily_with_device_states(
    qtbot: QtBot, view: CollectionView, console: FakeConsole
) -> None:
    model = view.tree_model
    qtbot.waitUntil(
        lambda: model.rowCount() == 1 and model.rowCount(model.index(0, 0)) == 2, timeout=TIMEOUT
    )
    county = model.index(0, 0)
    assert county.data() == "演示县"
    assert [model.index(r, 0, county).data() for r in range(2)] == ["城关供电所", "河口供电所"]
    # Nothing below the stations was asked for yet: levels load when opened.
    assert [c[1] for c in console.named("children")] == [None, ("county", 1)]
    assert model.hasChildren(model.index(1, 0, county))

    station = _child(model, county, "城关供电所")
    failed = model.index(station.row(), DeviceTreeModel.FAILED, county)
    assert failed.data() == "7"
    assert failed.data(Qt.ItemDataRole.ForegroundRole).name() == view.tree_model._palette.bad
    _open(qtbot, view, station)
    area = _child(model, station, "城关1号台区")
    _open(qtbot, view, area)
    online, offline = (_child(model, area, n) for n in ("集中器 3301-00001", "集中器 3301-00002"))
    assert online.data(DeviceTreeModel.STATE_ROLE) == "online"
    assert offline.data(DeviceTreeModel.STATE_ROLE) == "offline"
    assert online.data(Qt.ItemDataRole.DecorationRole) is not None
    state = model.index(offline.row(), DeviceTreeModel.STATE, area)
    assert "22:15" in state.data() and "11-20" in state.data()  # the last heartbeat, a day ago
    assert "10.0.0.2:5100" in offline.data(Qt.ItemDataRole.ToolTipRole)
    assert ("children", ("concentrator", 1001), DAY) not in console.calls

    _open(qtbot, view, offline)
    ok, bad = (model.index(r, 0, offline) for r in range(2))
    assert (ok.data(DeviceTreeModel.STATE_ROLE), bad.data(DeviceTreeModel.STATE_ROLE)) == (
        "ok",
        "failed",
    )
    assert not model.hasChildren(ok)
    assert threading.get_ident() not in console.threads  # every call on a worker thread


def test_an_empty_station_loses_its_expander(qtbot: QtBot, view: CollectionView) -> None:
    model = view.tree_model
    qtbot.waitUntil(lambda: model.rowCount(model.index(0, 0)) == 2, timeout=TIMEOUT)
    empty = _child(model, model.index(0, 0), "河口供电所")
    with qtbot.waitSignal(model.loaded, timeout=TIMEOUT):
        view.tree.expand(empty)
    assert not model.hasChildren(empty)


def test_selecting_a_node_scopes_the_figures(
    qtbot: QtBot, view: CollectionView, console: FakeConsole
) -> None:
    model = view.tree_model
    qtbot.waitUntil(lambda: model.rowCount(model.index(0, 0)) == 2, timeout=TIMEOUT)
    station = _child(model, model.index(0, 0), "城关供电所")
    with qtbot.waitSignal(
        view.loaded, timeout=TIMEOUT, check_params_cb=lambda s: s.scope == (KpiLevel.STATION, 10)
    ):
        view.tree.setCurrentIndex(station)
    assert ("kpis", DAY, (KpiLevel.STATION, 10)) in console.calls
    assert "城关供电所" in view.subtitle.text()
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT, check_params_cb=lambda s: s.scope is None):
        view.set_unit(None)
    assert not view.tree.selectionModel().hasSelection()


# ---------------------------------------------------------------------------- KPIs, ranking
def test_the_tiles_show_the_rate_to_a_hundredth_against_the_target(view: CollectionView) -> None:
    tiles = view.tiles
    assert tiles["rate"].value_text() == "99.95"
    assert tiles["rate"].unit_text() == "%"
    assert "99.97" in tiles["rate"].caption_text()
    assert tiles["rate"].state() == "warn"  # below target, above 98 %
    assert "4" in tiles["rate"].caption_text()  # 19,994 of 20,000 reach 99.97 %: 4 more meters
    assert tiles["meters"].value_text() == "19,990 / 20,000"
    assert tiles["failing"].value_text() == "10"
    assert tiles["online"].value_text() == "3 / 4"
    assert tiles["online"].state() == "warn"
    assert view.trend.point_count() == 30


def test_a_rate_at_target_is_good(qtbot: QtBot, runner: TaskRunner) -> None:
    view = CollectionView(runner, FakeConsole(expected=10_000, read=10_000))
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.snapshot is not None, timeout=TIMEOUT)
    assert view.tiles["rate"].value_text() == "100.00"
    assert view.tiles["rate"].state() == "good"
    assert view.tiles["failing"].state() == "good"


def test_the_ranking_lists_the_drags_in_order(view: CollectionView) -> None:
    for model, drags in (
        (view.concentrator_model, CONCENTRATOR_DRAGS),
        (view.meter_model, METER_DRAGS),
    ):
        assert model.rowCount() == len(drags)
        assert [model.text(r, 0) for r in range(model.rowCount())] == [d.name for d in drags]
        assert [model.payload(r) for r in range(model.rowCount())] == drags
    assert view.concentrator_model.text(0, 3) == "−2.50"
    assert view.concentrator_model.text(1, 6) == "≥90"  # the whole look-back window
    assert "(2)" in view.ranking_tabs.tabText(0)


def test_double_clicking_a_concentrator_drills_down(
    qtbot: QtBot, view: CollectionView, console: FakeConsole
) -> None:
    table = view.concentrator_table.table
    table.doubleClicked.emit(view.concentrator_model.index(0, 0))
    dialog = view.drill_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == len(FAILED_BEHIND_1001), timeout=TIMEOUT)
    assert console.named("failed_meters") == [("failed_meters", DAY, 1001)]
    assert "集中器 3301-00002" in dialog.summary.text()


# ---------------------------------------------------------------------------- jobs
def test_the_job_panel_shows_runs_and_cancels_jobs(
    qtbot: QtBot, view: CollectionView, console: FakeConsole
) -> None:
    qtbot.waitUntil(lambda: len(view.jobs.rows) == 2, timeout=TIMEOUT)
    freeze, curves = view.jobs.rows["daily_freeze"], view.jobs.rows["curves"]
    assert "19,990 ok" in freeze.info.text()
    assert freeze.progress.isHidden() and freeze.run_button.isEnabled()
    assert not freeze.cancel_button.isEnabled()
    assert not curves.progress.isHidden() and curves.progress.value() == 120
    assert curves.progress.maximum() == 250 and not curves.run_button.isEnabled()

    with qtbot.waitSignal(
        view.jobs_loaded, timeout=TIMEOUT, check_params_cb=lambda jobs: jobs[0].running
    ):
        freeze.run_button.click()
    assert console.named("run_job") == [("run_job", "daily_freeze")]
    assert not freeze.progress.isHidden() and freeze.cancel_button.isEnabled()

    with qtbot.waitSignal(
        view.jobs_loaded, timeout=TIMEOUT, check_params_cb=lambda jobs: not jobs[1].running
    ):
        curves.cancel_button.click()
    assert console.named("cancel_job") == [("cancel_job", "curves")]
    assert curves.progress.isHidden() and "cancelled" in curves.info.text()


# ---------------------------------------------------------------------------- 点抄
def test_reading_the_selected_meter_shows_values_and_frames(
    qtbot: QtBot, view: CollectionView, console: FakeConsole
) -> None:
    assert not view.read_meter_button.isEnabled()  # no meter selected yet
    meter = _meter_index(qtbot, view)
    view.tree.setCurrentIndex(meter)
    assert view.read_meter_button.isEnabled()
    view.path_choice.setCurrentIndex(view.path_choice.findData(ReadPath.FORWARD))
    console.hold_reads.clear()
    try:
        view.read_meter_button.click()
        qtbot.waitUntil(lambda: bool(console.named("read_meter")), timeout=TIMEOUT)
        assert not view.read_meter_button.isEnabled() and not view.read_area_button.isEnabled()
    finally:
        console.hold_reads.set()
    qtbot.waitUntil(lambda: view.read_dialog is not None, timeout=TIMEOUT)
    assert console.named("read_meter") == [("read_meter", 10001, ReadPath.FORWARD)]
    dialog = view.read_dialog
    assert dialog is not None and dialog.isVisible()
    values = [
        [dialog.value_model.text(r, c) for c in range(3)]
        for r in range(dialog.value_model.rowCount())
    ]
    assert values == [
        ["forward active energy total", "12345.67", "kWh"],
        ["voltage phase A", "229.8", "V"],
    ]
    assert dialog.frame_model.rowCount() == 2
    assert dialog.frame_model.text(0, 3) == "68 32 00 32 00 68 01 16"
    assert "↓" in dialog.frame_model.text(0, 1) and "↑" in dialog.frame_model.text(1, 1)
    assert view.read_meter_button.isEnabled()


def test_reading_a_whole_area_lists_every_meter(
    qtbot: QtBot, view: CollectionView, console: FakeConsole
) -> None:
    model = view.tree_model
    qtbot.waitUntil(lambda: model.rowCount(model.index(0, 0)) == 2, timeout=TIMEOUT)
    station = _child(model, model.index(0, 0), "城关供电所")
    _open(qtbot, view, station)
    view.tree.setCurrentIndex(_child(model, station, "城关1号台区"))
    with qtbot.waitSignal(view.read_finished, timeout=TIMEOUT):
        view.read_area_button.click()
    assert console.named("read_area") == [("read_area", 100)]
    dialog = view.read_dialog
    assert dialog is not None and dialog.result_model.rowCount() == 2
    assert "no answer in 15 s" in dialog.result_model.text(1, 2)


# ---------------------------------------------------------------------------- wiring
def test_without_a_concentrator_front_end_the_view_says_so(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    view = create_view("collection", runner)
    qtbot.addWidget(view)
    assert isinstance(view, CollectionView)
    with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
        view.attach(SimpleNamespace())  # type: ignore[arg-type]  # a context without one
    assert view.pages.currentWidget() is view.empty
    assert "[frontend]" in view.empty.text.text()
    assert not view.read_meter_button.isEnabled() and not view.monitor_button.isEnabled()


def test_the_main_window_docks_the_monitor_hidden_and_the_button_shows_it(
    qtbot: QtBot, runner: TaskRunner, store: SettingsStore, console: FakeConsole
) -> None:
    window = MainWindow(runner, store)
    qtbot.addWidget(window)
    monitor = window.message_monitor
    assert monitor.isHidden()
    view = window.view("collection")
    assert isinstance(view, CollectionView)
    with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
        view.set_console(console)
    assert console.listeners == [monitor.buffer.push]
    window.show()
    view.monitor_button.click()
    assert not monitor.isHidden()
    monitor.close()
    assert not view.monitor_button.isChecked()


# ---------------------------------------------------------------------------- message monitor
@pytest.fixture
def monitor(qtbot: QtBot, themed_app: QApplication, console: FakeConsole) -> MessageMonitor:
    dock = MessageMonitor(row_cap=50)
    qtbot.addWidget(dock)
    dock.set_console(console)
    return dock


def _push_from_a_thread(console: FakeConsole, frames: list[Traffic]) -> None:
    def send() -> None:
        for frame in frames:
            for listener in list(console.listeners):
                listener(frame)

    thread = threading.Thread(target=send)
    thread.start()
    thread.join()


def test_frames_from_another_thread_reach_the_table_in_a_batch(
    qtbot: QtBot, monitor: MessageMonitor, console: FakeConsole
) -> None:
    frames = [_frame(i, "3301-00001" if i % 3 else "3301-00002") for i in range(30)]
    _push_from_a_thread(console, frames)
    assert monitor.model.rowCount() == 0  # nothing until the GUI timer's flush
    qtbot.waitUntil(lambda: monitor.model.rowCount() == 30, timeout=TIMEOUT)
    model = monitor.model
    assert model.index(0, model.TIME).data() == "10:07:30.000"
    assert model.index(1, model.DIRECTION).data().startswith("↑")
    assert model.index(0, model.LENGTH).data() == "8"
    assert (
        model.index(0, model.SUMMARY).data()
        == "AFN 0D F161 p1..p32 daily frozen forward active energy"
    )

    monitor.filter.setText("3301-00002")
    assert monitor.proxy.rowCount() == 10
    devices = {monitor.proxy.index(r, model.DEVICE).data() for r in range(monitor.proxy.rowCount())}
    assert devices == {"3301-00002"}

    monitor.table.setCurrentIndex(monitor.proxy.index(0, 0))
    assert '"afn": 13' in monitor.detail.toPlainText()
    assert "68 32 00 32 00 68 00 16" in monitor.detail.toPlainText()


def test_the_monitor_keeps_only_the_newest_rows(
    qtbot: QtBot, monitor: MessageMonitor, console: FakeConsole
) -> None:
    _push_from_a_thread(console, [_frame(i) for i in range(120)])
    qtbot.waitUntil(
        lambda: monitor.model.rowCount() == 50 and len(monitor.buffer) == 0, timeout=TIMEOUT
    )
    assert monitor.model.traffic(49).raw == _frame(119).raw
    _push_from_a_thread(console, [_frame(200 + i) for i in range(10)])
    qtbot.waitUntil(lambda: monitor.model.traffic(49).raw == _frame(209).raw, timeout=TIMEOUT)
    assert monitor.model.rowCount() == 50


def test_a_flush_adds_a_bounded_batch_and_pause_holds_frames(
    qtbot: QtBot, themed_app: QApplication, console: FakeConsole
) -> None:
    dock = MessageMonitor(row_cap=100, flush_ms=60_000, flush_max=10)
    qtbot.addWidget(dock)
    dock.set_console(console)
    _push_from_a_thread(console, [_frame(i) for i in range(30)])
    dock.flush()
    assert dock.model.rowCount() == 10 and dock.skipped == 20
    assert dock.model.traffic(9).raw == _frame(29).raw  # the newest are the ones shown
    dock.pause_button.setChecked(True)
    _push_from_a_thread(console, [_frame(40)])
    dock.flush()
    assert dock.model.rowCount() == 10 and len(dock.buffer) == 1
    dock.pause_button.setChecked(False)  # resuming flushes what waited
    assert dock.model.rowCount() == 11
    dock.clear_button.click()
    assert dock.model.rowCount() == 0
    dock.set_console(None)
    assert console.listeners == []


def test_summaries_of_other_reports() -> None:
    assert summarize({"valid": False, "error": "checksum mismatch"}).endswith("checksum mismatch")
    dlt645 = {
        "valid": True,
        "protocol": "dlt645-2007",
        "function": "read",
        "di": "00010000",
        "values": [{"name": "forward active energy", "value": "12.34", "unit": "kWh"}],
    }
    assert summarize(dlt645) == "dlt645-2007 read 00010000 forward active energy = 12.34 kWh"
    mixed = {"afn": "0C", "items": [{"pn": 1, "fn": 25}, {"pn": 3, "fn": 25}, {"pn": 0, "fn": 2}]}
    assert summarize(mixed) == "AFN 0C · F25 p1,p3 · F2 p0"
    daily = {
        "afn": 0x0D,
        "afn_name": "historical data",
        "afn_name_zh": "请求历史数据",
        "items": [
            {
                "pn": pn,
                "fn": 161,
                "name": "daily frozen forward active",
                "name_zh": "日冻结正向有功电能示值",
            }
            for pn in range(1, 33)
        ],
    }
    assert summarize(daily, chinese=True) == "AFN 0D F161 p1..p32 日冻结正向有功电能示值"
    heartbeat_ack = {
        "afn": 0x00,
        "afn_name": "confirm/deny",
        "afn_name_zh": "确认/否认",
        "items": [],
    }
    assert summarize(heartbeat_ack, chinese=True) == "AFN 00 确认/否认"
    assert summarize({"afn": 0x0C, "items": [{"pn": 0xFFFF, "fn": 129}]}) == "AFN 0C F129 p*"


def test_a_frame_the_decoder_rejects_is_still_listed(
    qtbot: QtBot, monitor: MessageMonitor, console: FakeConsole, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reject(raw: bytes) -> dict[str, object]:
        raise ValueError("bad checksum: expected 5A, got 00")

    monkeypatch.setattr(console, "describe_frame", reject)
    monitor.set_console(console)  # picks up the decoder again
    _push_from_a_thread(console, [_frame(1)])
    qtbot.waitUntil(lambda: monitor.model.rowCount() == 1, timeout=TIMEOUT)
    summary = monitor.model.index(0, monitor.model.SUMMARY).data()
    assert "bad checksum" in summary


def test_the_schedule_is_edited_in_a_dialog_and_a_bad_one_is_refused(
    qtbot: QtBot, view: CollectionView, console: FakeConsole
) -> None:
    qtbot.waitUntil(lambda: len(view.jobs.rows) == 2, timeout=TIMEOUT)
    view.jobs.edit_button.click()
    qtbot.waitUntil(lambda: view.schedule_dialog is not None, timeout=TIMEOUT)
    dialog = view.schedule_dialog
    assert dialog is not None
    assert dialog.values() == console.schedule_values  # shows what is scheduled now
    dialog.freeze_cutoff.setTime(dialog.freeze_start.time())  # refused by the console
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=TIMEOUT)
    assert "freeze_cutoff" in dialog.error.text() and dialog.isVisible()
    assert console.schedule_values["freeze_cutoff"] == "08:00"  # nothing changed

    dialog.freeze_cutoff.setTime(QTime(7, 0))
    dialog.events_every.setValue(10)
    dialog.curves.setChecked(False)
    with qtbot.waitSignal(dialog.finished, timeout=TIMEOUT):
        dialog.buttons.accepted.emit()
    assert console.schedule_values["freeze_cutoff"] == "07:00"
    assert console.schedule_values["events_every_min"] == 10
    assert console.schedule_values["curves"] is False
