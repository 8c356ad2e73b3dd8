"""The kit's additions for views that follow events: ``Tasks.rerun`` (one query in flight per
name, once more when asked meanwhile), ``LiveStream`` (a stream's items in bounded batches on
the GUI thread, counted when dropped, unsubscribed with its owner), ``MidnightTimer`` and
``failure_text``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QLocale, QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.rpc import ServiceError
from console.ui.kit.events import QtEvents
from console.ui.kit.failures import failure_text
from console.ui.kit.midnight import MidnightTimer
from console.ui.kit.streams import LiveStream
from console.ui.kit.tasks import TaskRunner, Tasks
from console.ui.kit.view import BaseView, ViewKit

TIMEOUT = 10_000


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    runner = TaskRunner(qapp)
    yield runner
    assert runner.wait_idle(TIMEOUT)
    QApplication.processEvents()


def test_rerun_keeps_one_in_flight_and_runs_once_more(qtbot: QtBot, runner: TaskRunner) -> None:
    owner = QObject()
    tasks = Tasks(runner, owner)
    gate = threading.Event()
    calls: list[int] = []
    results: list[int] = []

    def query() -> int:
        calls.append(1)
        assert gate.wait(TIMEOUT / 1000)
        return len(calls)

    for _ in range(5):  # a burst while the first runs: one more run, not four
        tasks.rerun("figures", query, results.append)
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=TIMEOUT)
    gate.set()
    qtbot.waitUntil(lambda: len(results) == 2, timeout=TIMEOUT)
    assert results == [1, 2] and len(calls) == 2
    tasks.run("figures", query, results.append)  # a plain run still supersedes
    qtbot.waitUntil(lambda: len(results) == 3, timeout=TIMEOUT)


def test_a_rerun_rests_as_long_as_the_run_took_and_a_plain_run_does_not_wait(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    readings = iter([100.0, 100.4, 200.0, 200.0])  # started, ended (0.4 s), then instant
    owner = QObject()
    tasks = Tasks(runner, owner, monotonic=lambda: next(readings))
    gate = threading.Event()
    calls: list[float] = []
    results: list[int] = []

    def query() -> int:
        calls.append(time.monotonic())
        assert gate.wait(TIMEOUT / 1000)
        return len(calls)

    tasks.rerun("figures", query, results.append)
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=TIMEOUT)
    tasks.rerun("figures", query, results.append)  # asked while it runs
    gate.set()
    qtbot.waitUntil(lambda: results == [1], timeout=TIMEOUT)
    ended = time.monotonic()
    assert len(calls) == 1, "the second run did not rest"
    tasks.rerun("figures", query, results.append)  # asked during the rest: still one more
    qtbot.waitUntil(lambda: results == [1, 2], timeout=TIMEOUT)
    assert len(calls) == 2 and calls[1] - ended >= 0.35  # the 0.4 s the first run took

    readings = iter([300.0, 1300.0])  # a 1000 s run, then a plain run asked during the rest
    tasks._monotonic = lambda: next(readings)  # type: ignore[method-assign]
    tasks.rerun("figures", query, results.append)
    tasks.rerun("figures", query, results.append)
    qtbot.waitUntil(lambda: len(results) == 3, timeout=TIMEOUT)
    assert tasks.resting("figures") and len(calls) == 3
    readings = iter([400.0, 400.0])
    tasks.run("figures", query, results.append)  # 刷新 pressed: now, and the rest forgotten
    qtbot.waitUntil(lambda: len(results) == 4, timeout=TIMEOUT)
    assert len(calls) == 4 and results[-1] == 4 and not tasks.resting("figures")


def test_a_hidden_view_does_what_events_ask_when_it_is_shown(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    kit = ViewKit(QtEvents(EventBus()), runner, datetime.now, lambda _dock: None)
    view = BaseView("probe", kit)
    qtbot.addWidget(view)
    done: list[str] = []
    view.on_screen("data", lambda: done.append("old"))
    view.on_screen("data", lambda: done.append("new"))  # the latest of a key
    view.on_screen("jobs", lambda: done.append("jobs"))
    assert done == [] and view.waiting_to_be_shown == ["data", "jobs"]
    view.show()
    qtbot.waitExposed(view)
    assert done == ["new", "jobs"]
    view.on_screen("data", lambda: done.append("now"))  # on screen: at once
    assert done == ["new", "jobs", "now"]
    view.hide()
    view.show()
    assert done == ["new", "jobs", "now"]  # nothing was waiting


class _Source:
    """A live stream: ``push`` from another thread, as the service's front end does."""

    def __init__(self) -> None:
        self.listeners: list[Callable[[list[Any], int], None]] = []

    def subscribe(self, listener: Callable[[list[Any], int], None]) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def push(self, items: list[Any], dropped: int = 0) -> None:
        thread = threading.Thread(target=lambda: [f(items, dropped) for f in self.listeners])
        thread.start()
        thread.join()


def test_a_live_stream_delivers_bounded_batches_and_counts_what_it_drops(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    batches: list[tuple[list[Any], int]] = []
    source = _Source()
    stream = LiveStream(
        runner, lambda items, dropped: batches.append((items, dropped)), cap=10, flush_max=4
    )
    stream.start(source.subscribe)
    qtbot.waitUntil(lambda: bool(source.listeners), timeout=TIMEOUT)
    source.push(list(range(3)), dropped=2)
    qtbot.waitUntil(lambda: bool(batches), timeout=TIMEOUT)
    assert batches == [([0, 1, 2], 2)]
    stream.set_paused(True)
    source.push(list(range(100, 115)))  # 15 into a cap of 10: the 5 oldest are dropped
    stream.flush()
    assert stream.waiting == 10 and len(batches) == 1
    stream.set_paused(False)  # 10 waited, 4 shown at most: the newest
    assert batches[-1] == ([110, 111, 112, 113, 114][-4:], 5 + 6)
    stream.deleteLater()  # its owner goes: it stops listening
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: not source.listeners, timeout=TIMEOUT)


def test_a_stream_outliving_its_task_runner_still_stops_listening(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """The window is taken down: its task runner goes before the message monitor's stream."""
    source = _Source()
    own_runner = TaskRunner(qapp)
    stream = LiveStream(own_runner, lambda _items, _dropped: None)
    stream.start(source.subscribe)
    qtbot.waitUntil(lambda: bool(source.listeners), timeout=TIMEOUT)
    assert own_runner.wait_idle(TIMEOUT)
    own_runner.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    stream.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # no error: ...
    qtbot.waitUntil(lambda: not source.listeners, timeout=TIMEOUT)  # ... stopped all the same


def test_the_midnight_timer_says_when_the_day_changed(qtbot: QtBot, qapp: QApplication) -> None:
    clock = FixedClock(datetime(2026, 11, 21, 23, 59, 0))
    owner = QObject()
    timer = MidnightTimer(clock.now, owner)
    assert 60_000 <= timer.remaining_ms() <= 61_000  # to midnight, and a second past it
    passed: list[object] = []
    timer.passed.connect(passed.append)
    timer.check()
    assert passed == []
    clock.set(datetime(2026, 11, 22, 0, 0, 1))
    timer.check()
    assert passed == [datetime(2026, 11, 22).date()] and timer.day == passed[0]


def test_failure_text_keeps_driver_english_out_of_the_chinese_ui(qapp: QApplication) -> None:
    err = ServiceError("the service at 127.0.0.1:50001 stopped: connection reset")
    assert "127.0.0.1:50001" in failure_text(err)
    before = QLocale()
    QLocale.setDefault(QLocale("zh_CN"))
    try:
        assert "127.0.0.1" not in failure_text(err)
    finally:
        QLocale.setDefault(before)
