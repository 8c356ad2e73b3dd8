"""采集监控 on a fake ``CollectionConsole`` (collection_fakes.py) with the real kit: the device
tree, the figures from the KPI module, refreshes on events (never on a timer), the jobs and the
schedule, 点抄, and a front end that does not listen. Every API call comes on a worker."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QSplitter
from pytestqt.qtbot import QtBot

from console.collection.api import FrontEndStatus, ReadPath
from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.events import FrontEndListening
from console.core.scope import Level, Scope
from console.kpi.collection import Grade
from console.ui import theme
from console.ui.kit.view import ViewKit
from console.ui.views.collection.tree import DeviceTreeModel
from console.ui.views.collection.view import CollectionView
from db.changes import ArchiveChanged, FreezesStored, LinkStatesStored
from tests.console.ui.collection_fakes import (
    CONCENTRATOR_DRAGS,
    DAY,
    FAILED_BEHIND_1001,
    LISTENING,
    METER_DRAGS,
    PORT_BUSY,
    SCHEDULE,
    FakeCollection,
)
from tests.console.ui.collection_fixtures import (  # noqa: F401  (fixtures)
    TIMEOUT,
    bus_fixture,
    child,
    docks_fixture,
    fake_fixture,
    fixed_clock_fixture,
    kit_fixture,
    make_view,
    meter_index,
    open_node,
    runner_fixture,
    stations,
    view_fixture,
)


# ---------------------------------------------------------------------------- the tree
def test_the_tree_loads_each_level_lazily_with_red_counts_and_states(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    model = view.tree_model
    county = stations(qtbot, view)
    assert county.data() == "演示县"
    assert [model.index(r, 0, county).data() for r in range(2)] == ["城关供电所", "河口供电所"]
    # Nothing below the stations was asked for: a level loads when it is opened.
    assert [c[1] for c in fake.named("children")] == [None, ("county", 1)]
    assert model.hasChildren(model.index(1, 0, county))

    station = child(model, county, "城关供电所")
    failed = model.index(station.row(), DeviceTreeModel.FAILED, county)
    assert failed.data() == "7"
    assert failed.data(Qt.ItemDataRole.ForegroundRole).name() == theme.current().bad
    assert model.index(1, DeviceTreeModel.FAILED, county).data() == ""  # none unread: no figure
    open_node(qtbot, view, station)
    area = child(model, station, "城关1号台区")
    open_node(qtbot, view, area)
    online, offline = (child(model, area, n) for n in ("集中器 3301-00001", "集中器 3301-00002"))
    assert online.data(DeviceTreeModel.STATE_ROLE) == "online"
    assert offline.data(DeviceTreeModel.STATE_ROLE) == "offline"
    assert online.data(Qt.ItemDataRole.DecorationRole) is not None
    state = model.index(offline.row(), DeviceTreeModel.STATE, area)
    assert "22:15" in state.data() and "11-20" in state.data()  # the last heartbeat, yesterday
    assert state.data(Qt.ItemDataRole.ForegroundRole).name() == theme.current().bad
    assert "10.0.0.2:5100" in str(offline.data(Qt.ItemDataRole.ToolTipRole))
    assert ("children", ("concentrator", 1001), DAY) not in fake.calls

    open_node(qtbot, view, offline)
    ok, bad = (model.index(r, 0, offline) for r in range(2))
    assert (ok.data(DeviceTreeModel.STATE_ROLE), bad.data(DeviceTreeModel.STATE_ROLE)) == (
        "ok", "failed",
    )  # fmt: skip
    assert not model.hasChildren(ok)
    assert threading.get_ident() not in fake.threads  # every call on a worker thread


def test_an_empty_station_loses_its_expander(qtbot: QtBot, view: CollectionView) -> None:
    model = view.tree_model
    empty = child(model, stations(qtbot, view), "河口供电所")
    with qtbot.waitSignal(model.loaded, timeout=TIMEOUT):
        view.tree.expand(empty)
    assert not model.hasChildren(empty)


def test_selecting_a_node_scopes_the_figures(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    station = child(view.tree_model, stations(qtbot, view), "城关供电所")
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.tree.setCurrentIndex(station)
    assert ("kpis", DAY, Scope(Level.STATION, 10)) in fake.calls
    assert view.figures is not None and view.figures.scope == Scope(Level.STATION, 10)
    assert "城关供电所" in view.subtitle.text()
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.set_unit(None)
    assert not view.tree.selectionModel().hasSelection()
    assert view.figures is not None and view.figures.scope.everything


# ---------------------------------------------------------------------------- figures
def test_the_tiles_show_the_kpi_modules_figures(view: CollectionView) -> None:
    tiles = view.tiles
    assert tiles.rate.value_text() == "99.95"  # 19,990 / 20,000
    assert tiles.rate.unit_text() == "%"
    assert tiles.rate.state() == "warn"  # Grade.WARN: below 99.97, above 98
    # KpiSummary.short: 3 more make 99.965 %, shown as 99.97 (a view computing its own would
    # say 4, the meters to reach 99.97 % exactly).
    assert "3 meters short of the 99.97 % target" in tiles.rate.caption_text()
    assert tiles.meters.value_text() == "19,990 / 20,000"
    assert tiles.failing.value_text() == "10" and tiles.failing.state() == "warn"
    assert tiles.online.value_text() == "3 / 4" and tiles.online.state() == "warn"
    assert view.trend.point_count() == 30
    assert {Grade.GOOD, Grade.WARN, Grade.BAD} <= set(view.trend.point_grades())


@pytest.mark.parametrize(
    "case", [(20_000, "good", "Target 99.97 % met"), (19_000, "bad", "993 meters short")]
)
def test_the_grade_colours_the_rate_tile(
    qtbot: QtBot, fake: FakeCollection, kit: ViewKit, case: tuple[int, str, str]
) -> None:
    read, state, caption = case
    fake.read = read
    view = make_view(qtbot, fake, kit)
    assert view.tiles.rate.state() == state
    assert caption in view.tiles.rate.caption_text()


def test_the_ranking_words_typed_reasons(view: CollectionView) -> None:
    for model, rows in (
        (view.ranking.concentrator_model, CONCENTRATOR_DRAGS),
        (view.ranking.meter_model, METER_DRAGS),
    ):
        assert [model.text(r, 0) for r in range(model.rowCount())] == [r.drag.name for r in rows]
        assert [model.payload(r) for r in range(model.rowCount())] == rows
    concentrators, meters = view.ranking.concentrator_model, view.ranking.meter_model
    assert concentrators.text(0, 3) == "−2.50"  # 5 of 20,000: kpi.cost_hundredths
    assert concentrators.text(0, 4) == "offline ×5"
    assert concentrators.text(1, 6) == "≥90"  # the whole look-back window
    assert meters.text(0, 4) == "rejected"
    # The driver's text: a tooltip in the English UI (the Chinese UI keeps it in the log).
    assert "denied AFN 0DH" in str(meters.data(meters.index(0, 4), Qt.ItemDataRole.ToolTipRole))
    assert meters.text(1, 4) == "—"
    assert "(2)" in view.ranking.tabs.tabText(0)


def test_double_clicking_a_concentrator_drills_down(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    table = view.ranking.concentrator_table
    table.doubleClicked.emit(view.ranking.concentrator_model.index(0, 0))
    dialog = view.drill_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == len(FAILED_BEHIND_1001), timeout=TIMEOUT)
    assert fake.named("failed_meters") == [("failed_meters", DAY, 1001)]
    assert "集中器 3301-00002" in dialog.summary.text()
    assert "offline ×5" in dialog.summary.text()
    assert dialog.model.text(4, 4) == "no data"


# ---------------------------------------------------------------------------- events
def test_a_commit_of_freezes_refreshes_the_figures_and_the_tree(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection, bus: EventBus
) -> None:
    stations(qtbot, view)
    kpis, children = len(fake.named("kpis")), len(fake.named("children"))
    fake.read = 20_000
    bus.publish(FreezesStored((DAY,), 10, None))
    qtbot.waitUntil(lambda: view.tiles.rate.value_text() == "100.00", timeout=TIMEOUT)
    assert len(fake.named("kpis")) == kpis + 1
    # The open levels (the counties, the county's stations) are asked again, in place.
    qtbot.waitUntil(lambda: len(fake.named("children")) == children + 2, timeout=TIMEOUT)
    assert view.tree_model.rowCount(view.tree_model.index(0, 0)) == 2


def test_a_burst_of_events_is_one_refresh(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection, bus: EventBus
) -> None:
    before = len(fake.named("kpis"))
    for _ in range(50):
        bus.publish(LinkStatesStored(("3301-00001",), (), 1))
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        pass
    assert bus.flush()
    assert len(fake.named("kpis")) == before + 1


def test_a_hidden_view_reads_nothing_for_events_until_it_is_shown(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection, bus: EventBus
) -> None:
    stations(qtbot, view)
    view.hide()  # another view is on screen
    kpis, tops = len(fake.named("kpis")), len(fake.named("children"))
    for _ in range(5):
        bus.publish(FreezesStored((DAY,), 10, None))
    bus.publish(ArchiveChanged(("meter",), 3))
    assert bus.flush()
    qtbot.waitUntil(lambda: view.waiting_to_be_shown == ["data"], timeout=TIMEOUT)
    assert (len(fake.named("kpis")), len(fake.named("children"))) == (kpis, tops)
    view.show()  # one refresh for all of them, the archive's included
    qtbot.waitUntil(lambda: len(fake.named("kpis")) == kpis + 1, timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: (
            len([c for c in fake.named("children") if c[1] is None]) > 0
            and len(fake.named("children")) > tops
        ),
        timeout=TIMEOUT,
    )


def test_an_archive_change_loads_the_tree_again(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection, bus: EventBus
) -> None:
    stations(qtbot, view)
    tops = len([c for c in fake.named("children") if c[1] is None])
    bus.publish(ArchiveChanged(("meter",), 3))
    qtbot.waitUntil(
        lambda: len([c for c in fake.named("children") if c[1] is None]) == tops + 1,
        timeout=TIMEOUT,
    )
    stations(qtbot, view)  # the counties open again by themselves


def test_midnight_turns_the_figures_to_the_new_day(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection, fixed_clock: FixedClock
) -> None:
    assert 0 < view.midnight.remaining_ms() <= 14 * 3600 * 1000  # one timer, to midnight
    fixed_clock.set(datetime(2026, 11, 22, 0, 0, 1))
    view.midnight.check()
    qtbot.waitUntil(
        lambda: view.figures is not None and view.figures.day == DAY + timedelta(days=1),
        timeout=TIMEOUT,
    )
    qtbot.waitUntil(lambda: view.tree_model.day == DAY + timedelta(days=1), timeout=TIMEOUT)
    assert ("children", None, DAY + timedelta(days=1)) in fake.calls


# ---------------------------------------------------------------------------- jobs
def test_the_job_panel_runs_and_cancels_through_the_api(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    qtbot.waitUntil(lambda: len(view.jobs.rows) == 2, timeout=TIMEOUT)
    freeze, curves = view.jobs.rows["daily_freeze"], view.jobs.rows["curves"]
    assert "19,990 of 20,000 ok" in freeze.info.text()
    assert freeze.progress.isHidden() and freeze.run_button.isEnabled()
    assert not curves.progress.isHidden() and curves.progress.value() == 120
    freeze.run_button.click()
    qtbot.waitUntil(lambda: not freeze.progress.isHidden(), timeout=TIMEOUT)  # JobStarted
    assert fake.named("run_job") == [("run_job", "daily_freeze")]
    curves.cancel_button.click()
    qtbot.waitUntil(lambda: bool(fake.named("cancel_job")), timeout=TIMEOUT)
    assert fake.named("cancel_job") == [("cancel_job", "curves")]
    assert view.schedule.button.parent() is view.jobs  # 采集计划… sits in the panel's header


def test_every_job_row_fits_beside_the_scroll_bar(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    view.resize(1000, 700)  # narrower than a dispatcher's screen: the panel keeps its rows whole
    qtbot.waitUntil(lambda: len(view.jobs.rows) == 2, timeout=TIMEOUT)
    fake.job_states["archive_sync"] = dataclasses.replace(
        fake.job_states["curves"], id="archive_sync", name="营销档案同步（全县台区与计量点）"
    )  # a job whose name is wider than the panel's least width
    with qtbot.waitSignal(view.jobs.loaded, timeout=TIMEOUT):
        view.jobs.reload()
    splitter = view.jobs.parentWidget()
    assert isinstance(splitter, QSplitter)
    splitter.setSizes([splitter.width(), 0])  # the chart dragged as wide as it goes
    viewport = view.jobs._scroll.viewport()

    def whole(row: object) -> bool:  # inside the list's viewport and the panel's frame
        button = row.cancel_button  # type: ignore[attr-defined]
        corner = button.rect().topRight()
        in_list = button.mapTo(viewport, corner).x() < viewport.width()
        return bool(in_list and button.mapTo(view.jobs, corner).x() < view.jobs.width())

    qtbot.waitUntil(lambda: all(whole(r) for r in view.jobs.rows.values()), timeout=TIMEOUT)


def test_a_refused_schedule_stays_open_and_a_good_one_is_saved(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    view.schedule.button.click()
    qtbot.waitUntil(lambda: view.schedule.dialog is not None, timeout=TIMEOUT)
    dialog = view.schedule.dialog
    assert dialog is not None and dialog.values() == SCHEDULE
    dialog.freeze_cutoff.setTime(dialog.freeze_start.time())  # refused by the service
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=TIMEOUT)
    assert "freeze_cutoff" in dialog.error.text()
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert fake.schedule_values["freeze_cutoff"] == "08:00"  # nothing changed

    dialog.freeze_cutoff.setTime(QTime(7, 0))
    dialog.events_every.setValue(10)
    dialog.curves.setChecked(False)
    with qtbot.waitSignal(dialog.finished, timeout=TIMEOUT):
        dialog.buttons.accepted.emit()
    assert fake.schedule_values == {
        **SCHEDULE, "freeze_cutoff": "07:00", "events_every_min": 10, "curves": False,
    }  # fmt: skip


# ---------------------------------------------------------------------------- 点抄
def test_reading_the_selected_meter_shows_worded_values_and_every_frame(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    bar = view.read_bar
    assert not bar.meter_button.isEnabled()  # no meter selected yet
    view.tree.setCurrentIndex(meter_index(qtbot, view))
    assert bar.meter_button.isEnabled() and bar.area_button.isEnabled()
    bar.path_choice.setCurrentIndex(bar.path_choice.findData(ReadPath.FORWARD))
    fake.hold_reads.clear()
    try:
        bar.meter_button.click()
        qtbot.waitUntil(lambda: bool(fake.named("read_meter")), timeout=TIMEOUT)
        assert not bar.meter_button.isEnabled() and not bar.area_button.isEnabled()
    finally:
        fake.hold_reads.set()
    with qtbot.waitSignal(view.read_bar.finished, timeout=TIMEOUT):
        pass
    assert fake.named("read_meter") == [("read_meter", 10001, ReadPath.FORWARD)]
    dialog = view.read_bar.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.result_model.text(0, 1) == "Forwarded to the meter (AFN 10)"
    values = [[dialog.value_model.text(r, c) for c in range(3)] for r in range(2)]
    assert values == [
        ["forward active energy total", "1234.56", "kWh"],
        ["phase A voltage", "229.8", "V"],
    ]
    assert dialog.frame_model.rowCount() == 2
    assert dialog.frame_model.text(1, 3).startswith("68 8E 00 8E 00 68 88")
    assert "↓" in dialog.frame_model.text(0, 1) and "↑" in dialog.frame_model.text(1, 1)
    assert bar.meter_button.isEnabled()


def test_a_failed_read_stays_said_while_the_figures_refresh(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection, bus: EventBus
) -> None:
    view.tree.setCurrentIndex(meter_index(qtbot, view))
    fake.fail_reads = TimeoutError("no answer from 3301-00002 in 15 s")
    view.read_bar.meter_button.click()
    qtbot.waitUntil(lambda: not view.error.isHidden(), timeout=TIMEOUT)
    assert "On-demand read failed: no answer in time" in view.error.text()
    assert view.read_bar.meter_button.isEnabled()  # it may be tried again
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        bus.publish(FreezesStored((DAY,), 1, (10000,)))
    assert not view.error.isHidden()


def test_reading_a_whole_area_words_the_concentrators_values(
    qtbot: QtBot, view: CollectionView, fake: FakeCollection
) -> None:
    station = child(view.tree_model, stations(qtbot, view), "城关供电所")
    open_node(qtbot, view, station)
    view.tree.setCurrentIndex(child(view.tree_model, station, "城关1号台区"))
    with qtbot.waitSignal(view.read_bar.finished, timeout=TIMEOUT):
        view.read_bar.area_button.click()
    assert fake.named("read_area") == [("read_area", 100)]
    dialog = view.read_bar.dialog
    assert dialog is not None and dialog.result_model.rowCount() == 2
    assert dialog.result_model.text(1, 2) == "Failed: timeout"
    assert [dialog.value_model.text(r, 0) for r in range(4)] == [
        "Forward active energy (total)",
        "Forward active energy (tariff 1 (peak))",
        "Voltage (phase A)",
        "Read at",
    ]


# ---------------------------------------------------------------------------- the front end
def test_a_busy_port_is_an_error_not_a_spinner(
    qtbot: QtBot, fake: FakeCollection, kit: ViewKit, bus: EventBus
) -> None:
    fake.frontend_status = PORT_BUSY
    view = make_view(qtbot, fake, kit)
    qtbot.waitUntil(lambda: view.frontend is not None, timeout=TIMEOUT)
    banner = view.frontend_banner
    assert not banner.isHidden()
    assert "0.0.0.0:9001" in banner.text() and "taken by another program" in banner.text()
    assert "Loading" not in view.subtitle.text()
    assert view.read_bar.path() is ReadPath.DIRECT  # only the meter's own link works
    assert not view.read_bar.area_button.isEnabled()
    view.monitor_button.click()
    assert "not listening" in view.monitor.status.text()
    assert not fake.named("listen_traffic")

    fake.frontend_status = LISTENING  # restarted: the service says so on the bus
    bus.publish(FrontEndListening("0.0.0.0", 9001))
    qtbot.waitUntil(banner.isHidden, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: bool(fake.listeners), timeout=TIMEOUT)  # the open monitor listens


def test_a_front_end_turned_off_is_said_once_and_reads_go_direct(
    qtbot: QtBot, fake: FakeCollection, kit: ViewKit
) -> None:
    fake.frontend_status = FrontEndStatus(False, None)
    view = make_view(qtbot, fake, kit)
    qtbot.waitUntil(lambda: view.frontend is not None, timeout=TIMEOUT)
    assert view.frontend_banner.isHidden()  # not an error: this installation has none
    assert not view.frontend_note.isHidden() and "[frontend]" in view.frontend_note.text()
    assert not view.monitor_button.isEnabled()
    assert view.read_bar.path() is ReadPath.DIRECT
    assert view.tiles.rate.value_text() == "99.95"  # meters on their own links still count


def test_figures_that_cannot_be_read_leave_no_loading_text(
    qtbot: QtBot, fake: FakeCollection, kit: ViewKit
) -> None:
    fake.fail_figures = ConnectionError("the service at 127.0.0.1:50001 stopped")
    view = make_view(qtbot, fake, kit)
    assert not view.error.isHidden() and "could not be reached" in view.error.text()
    texts = [view.subtitle.text(), view.trend.note.text(), view.ranking.concentrators.note.text()]
    texts += [tile.caption_text() for tile in view.tiles.tiles]
    assert not [t for t in texts if "Loading" in t]
