"""Fixtures and steps of the 采集监控 tests: the real kit (an event bus behind ``QtEvents``, the
task runner, a fixed clock) around a ``FakeCollection``, and walking the device tree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QModelIndex
from PySide6.QtWidgets import QApplication, QDockWidget
from pytestqt.qtbot import QtBot

from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.ui.kit.events import QtEvents
from console.ui.kit.tasks import TaskRunner
from console.ui.kit.view import ViewKit
from console.ui.views.collection.tree import DeviceTreeModel
from console.ui.views.collection.view import CollectionView
from tests.console.ui.collection_fakes import NOW, FakeCollection

TIMEOUT = 10_000


@pytest.fixture(name="bus")
def bus_fixture() -> Iterator[EventBus]:
    bus = EventBus(name="test-bus")
    bus.start()
    yield bus
    bus.stop()


@pytest.fixture(name="fixed_clock")
def fixed_clock_fixture() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(name="fake")
def fake_fixture(fixed_clock: FixedClock, bus: EventBus) -> FakeCollection:
    return FakeCollection(fixed_clock, bus)


@pytest.fixture(name="runner")
def runner_fixture(themed_app: QApplication) -> Iterator[TaskRunner]:
    # Owned by the application, as the window's is: never freed inside a Qt destructor.
    runner = TaskRunner(themed_app)
    yield runner
    for _ in range(10):  # a delivered result may start the next load: drain them all
        assert runner.wait_idle(TIMEOUT)
        QApplication.processEvents()
        if not runner.pending:
            break


@pytest.fixture(name="docks")
def docks_fixture() -> list[QDockWidget]:
    return []


@pytest.fixture(name="kit")
def kit_fixture(
    themed_app: QApplication, bus: EventBus, runner: TaskRunner, fixed_clock: FixedClock,
    docks: list[QDockWidget],
) -> ViewKit:  # fmt: skip
    return ViewKit(QtEvents(bus, themed_app), runner, fixed_clock.now, docks.append)


def make_view(qtbot: QtBot, fake: FakeCollection, kit: ViewKit) -> CollectionView:
    view = CollectionView(fake, kit)
    qtbot.addWidget(view)
    view.resize(1300, 820)
    view.show()
    qtbot.waitUntil(lambda: view.is_ready, timeout=TIMEOUT)
    return view


@pytest.fixture(name="view")
def view_fixture(qtbot: QtBot, fake: FakeCollection, kit: ViewKit) -> Iterator[CollectionView]:
    view = make_view(qtbot, fake, kit)
    yield view
    view.monitor.close()
    view.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def child(model: DeviceTreeModel, parent: QModelIndex, name: str) -> QModelIndex:
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data() == name:
            return index
    raise AssertionError(f"{name!r} is not under {parent.data()!r}")


def open_node(qtbot: QtBot, view: CollectionView, index: QModelIndex) -> None:
    view.tree.expand(index)
    qtbot.waitUntil(lambda: view.tree_model.rowCount(index) > 0, timeout=TIMEOUT)


def stations(qtbot: QtBot, view: CollectionView) -> QModelIndex:
    model = view.tree_model
    qtbot.waitUntil(lambda: model.rowCount(model.index(0, 0)) == 2, timeout=TIMEOUT)
    return model.index(0, 0)


def meter_index(qtbot: QtBot, view: CollectionView) -> QModelIndex:
    model = view.tree_model
    station = child(model, stations(qtbot, view), "城关供电所")
    open_node(qtbot, view, station)
    area = child(model, station, "城关1号台区")
    open_node(qtbot, view, area)
    concentrator = child(model, area, "集中器 3301-00002")
    open_node(qtbot, view, concentrator)
    return child(model, concentrator, "表 000000010002")


def open_monitor(qtbot: QtBot, view: CollectionView, fake: FakeCollection) -> None:
    view.monitor_button.click()
    qtbot.waitUntil(lambda: bool(fake.listeners), timeout=TIMEOUT)
