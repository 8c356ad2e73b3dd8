"""The main window booted for real: demo county, emulator, first collection, panorama figures."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QProgressDialog
from pytestqt.qtbot import QtBot

from console.core.jobs import JobFinished, LastRun
from console.core.scope import Level
from console.ui import theme
from console.ui.application import ConsoleSession
from console.ui.settings_store import SettingsStore
from console.ui.views.registry import VIEW_KEYS

BOOT_TIMEOUT_MS = 60_000


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _direct(db: Path, day: str, station: int | None = None) -> dict[str, int]:
    """The panorama's figures straight from the database file with sqlite3."""
    where = "AND f.supply_station_id = ?" if station else ""
    scope = [station] if station else []
    join = (
        "JOIN transformer_area t ON t.id = m.transformer_area_id "
        "JOIN feeder f ON f.id = t.feeder_id"
    )
    con = sqlite3.connect(db)
    try:
        one = lambda sql, *p: con.execute(sql, (*p, *scope)).fetchone()
        sales = one(
            "SELECT sum(r.forward_active_wh - z.forward_active_wh), count(*) FROM register_reading r "
            "JOIN daily_freeze z ON z.meter_id = r.meter_id AND z.day = r.day "
            f"JOIN meter m ON m.id = r.meter_id {join} WHERE r.day = ? AND m.role = 'customer' {where}",
            day,
        )
        expected = one(f"SELECT count(*) FROM meter m {join} WHERE m.status = 'active' {where}")[0]
        read = one(
            f"SELECT count(*) FROM daily_freeze z JOIN meter m ON m.id = z.meter_id {join} "
            f"WHERE z.day = ? {where}",
            day,
        )[0]
        slots = con.execute(
            "SELECT i.slot_start, sum(i.active_power_w) FROM interval_reading i "
            f"JOIN meter m ON m.id = i.meter_id {join} WHERE m.role = 'summary' "
            f"AND substr(i.slot_start, 1, 10) = ? {where} GROUP BY i.slot_start ORDER BY i.slot_start",
            (day, *scope),
        ).fetchall()
    finally:
        con.close()
    return {
        "sales_wh": sales[0] or 0,
        "sales_meters": sales[1],
        "expected": expected,
        "read": read,
        "load_w": slots[-1][1] if slots else 0,
        "peak_w": max(w for _, w in slots) if slots else 0,
        "points": len(slots),
    }


def _assert_tiles_match(session: ConsoleSession, direct: dict[str, int]) -> None:
    tiles = session.window.view("panorama").tiles  # type: ignore[attr-defined]
    kwh = (Decimal(direct["sales_wh"]) / 1000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert _number(tiles["sales"].value_text()) == kwh
    assert f"{direct['sales_meters']}" in tiles["sales"].caption_text()
    kw = lambda w: (Decimal(w) / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert _number(tiles["load"].value_text()) == kw(direct["load_w"])
    assert _number(tiles["peak"].value_text()) == kw(direct["peak_w"])
    read, expected = (_number(part) for part in tiles["meters"].value_text().split("/"))
    assert (read, expected) == (direct["read"], direct["expected"])
    assert tiles["sales"].unit_text() == "kWh" and tiles["load"].unit_text() == "kW"


def _reading(session: ConsoleSession) -> LastRun:
    """The last meter reading of the session's service (it runs once at start)."""
    assert session.context is not None
    (job,) = [j for j in session.context.jobs.states() if j.id == "meter_reading"]
    assert job.last is not None and job.last.finished_at is not None
    return job.last


def _settled_and_shown(qtbot: QtBot, session: ConsoleSession, key: str = "panorama") -> None:
    """Start, wait for the first reading to be over, then for the view to show it."""
    with qtbot.waitSignal(session.window.settled, timeout=BOOT_TIMEOUT_MS):
        session.start()
    view = session.window.view(key)
    with qtbot.waitSignal(view.loaded, timeout=BOOT_TIMEOUT_MS):
        view.refresh()


def test_boot_collect_and_the_tiles_equal_the_database(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], tmp_path: Path
) -> None:
    session = make_session()
    _settled_and_shown(qtbot, session)
    view = session.window.view("panorama")
    summary = _reading(session)
    assert summary.ok > 0 and summary.failed > 0  # dead meters exist at ratio 0.05
    direct = _direct(tmp_path / "console.db", "2026-11-21")
    assert direct["sales_meters"] > 0 and direct["read"] == summary.ok
    _assert_tiles_match(session, direct)
    assert view.curve.point_count() == (direct["points"], 96)  # type: ignore[attr-defined]
    # Some meters are dead, so the collection rate is below target: the tile says so.
    assert view.tiles["meters"].state() in ("warn", "bad")  # type: ignore[attr-defined]
    status = session.window.status.collection.text()
    assert f"{summary.ok}/{summary.planned}" in status


def test_the_first_start_shows_progress_and_a_later_one_does_not(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], tmp_path: Path
) -> None:
    first = make_session(collection=False)
    with qtbot.waitSignal(first.ready, timeout=BOOT_TIMEOUT_MS):
        first.start()
    assert first.showed_progress
    # Closed and deleted (on the next event-loop turn) once the services are ready.
    qtbot.waitUntil(lambda: not first.window.findChildren(QProgressDialog), timeout=5_000)
    first.window.close()
    second = make_session(collection=False)  # same database: the county exists
    with qtbot.waitSignal(second.ready, timeout=BOOT_TIMEOUT_MS):
        second.start()
    assert not second.showed_progress
    assert second.context is not None and second.context.database.demo_created is None


def test_choosing_a_supply_station_narrows_every_figure(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], tmp_path: Path
) -> None:
    session = make_session()
    window = session.window
    _settled_and_shown(qtbot, session)
    combo = window.top_bar.scope
    assert combo.count() == 3  # the county and its two stations
    assert combo.currentData().level is Level.COUNTY
    view = window.view("panorama")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        combo.setCurrentIndex(2)
    qtbot.waitUntil(lambda: view.snapshot.unit == combo.currentData(), timeout=10_000)  # type: ignore[attr-defined]
    station = combo.currentData()
    assert station.level is Level.STATION
    direct = _direct(tmp_path / "console.db", "2026-11-21", station.id)
    county = _direct(tmp_path / "console.db", "2026-11-21")
    assert 0 < direct["expected"] < county["expected"]
    _assert_tiles_match(session, direct)
    assert station.name in view.subtitle.text()  # type: ignore[attr-defined]


def test_views_switch_without_reloading_and_the_last_view_is_remembered(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], store: SettingsStore
) -> None:
    session = make_session(collection=False)
    window = session.window
    with qtbot.waitSignal(window.settled, timeout=BOOT_TIMEOUT_MS):
        session.start()
    views = {key: window.view(key) for key in VIEW_KEYS}
    for view in views.values():
        qtbot.waitUntil(lambda v=view: v.is_ready, timeout=BOOT_TIMEOUT_MS)
    for row, key in enumerate(VIEW_KEYS):
        window.nav.setCurrentRow(row)
        assert window.stack.currentWidget() is views[key]
        assert window.current_key() == key
        assert views[key].is_ready
    assert store.last_view() == "admin"
    window.switch_to("panorama")
    assert window.view("panorama") is views["panorama"]
    with pytest.raises(KeyError, match="no view named"):
        window.switch_to("billing")


def test_capabilities_not_installed_say_so(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession]
) -> None:
    session = make_session(collection=False)
    with qtbot.waitSignal(session.window.settled, timeout=BOOT_TIMEOUT_MS):
        session.start()
    for key in ("warning", "dispatch", "analytics"):
        empty = session.window.view(key).empty  # type: ignore[attr-defined]
        assert "not installed yet" in empty.text.text()
        assert empty.badge.isVisible() or empty.badge.text() == "Not installed yet"
    admin = session.window.view("admin")
    qtbot.waitUntil(lambda: admin.is_ready, timeout=BOOT_TIMEOUT_MS)
    assert admin.info.fields["meters"].text() == "54"  # type: ignore[attr-defined]
    assert "SQLite" in admin.info.fields["database"].text()  # type: ignore[attr-defined]
    assert "not installed" in session.window.status.alarms.text()
    qtbot.waitUntil(lambda: "off" in session.window.status.collection.text(), timeout=10_000)


def test_the_theme_switches_live_and_is_remembered(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], store: SettingsStore
) -> None:
    session = make_session(collection=False)
    with qtbot.waitSignal(session.ready, timeout=BOOT_TIMEOUT_MS):
        session.start()
    assert theme.current().name == "light"
    session.window.top_bar.theme_button.click()
    assert theme.current().name == "dark"
    assert store.theme() == "dark"
    curve = session.window.view("panorama").curve  # type: ignore[attr-defined]
    assert curve.today.opts["pen"].color().name() == theme.DARK.curve_today
    session.window.toggle_theme()
    assert theme.current().name == "light" and store.theme() == "light"


def test_a_start_up_failure_is_shown_not_swallowed(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], tmp_path: Path
) -> None:
    db = tmp_path / "newer.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    con.execute("INSERT INTO alembic_version VALUES ('0999')")
    con.commit()
    con.close()
    session = make_session(db=db)
    with qtbot.waitSignal(session.failed, timeout=BOOT_TIMEOUT_MS) as blocker:
        session.start()
    assert "0999" in blocker.args[0]
    assert "0999" in session.window.status.database.text()
    assert session.context is None


def test_the_window_geometry_survives_a_restart(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], store: SettingsStore
) -> None:
    first = make_session(demo=False, collection=False)
    first.window.resize(701, 503)  # within the offscreen screen (800 x 600): restore clamps to it
    first.window.close()
    assert store.geometry() is not None
    second = make_session(demo=False, collection=False)
    assert (second.window.width(), second.window.height()) == (701, 503)


def test_the_status_bar_shows_the_previous_sessions_last_run(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_session()
    with qtbot.waitSignal(first.window.settled, timeout=BOOT_TIMEOUT_MS):
        first.start()
    summary = _reading(first)
    first.window.close()
    # The second session on the same database starts no run: it can only show the first's.
    from console.collection import jobs

    original = jobs.meter_reading_job
    monkeypatch.setattr(
        jobs,
        "meter_reading_job",
        lambda *a: dataclasses.replace(original(*a), run_at_start=None),
    )
    second = make_session()
    with qtbot.waitSignal(second.ready, timeout=BOOT_TIMEOUT_MS):
        second.start()
    status = second.window.status.collection
    qtbot.waitUntil(
        lambda: f"{summary.ok}/{summary.planned} meters" in status.text(), timeout=10_000
    )


def test_a_run_of_this_session_shows_in_the_status_bar_as_it_ends(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession]
) -> None:
    session = make_session()
    with qtbot.waitSignal(session.window.settled, timeout=BOOT_TIMEOUT_MS):
        session.start()
    assert session.context is not None
    finished: list[JobFinished] = []
    session.context.bus.subscribe(JobFinished, finished.append)
    session.context.jobs.run_now("meter_reading")
    qtbot.waitUntil(lambda: bool(finished), timeout=BOOT_TIMEOUT_MS)
    last = finished[0].last
    qtbot.waitUntil(
        lambda: f"{last.ok}/{last.planned} meters" in session.window.status.collection.text(),
        timeout=10_000,
    )


def test_a_database_that_cannot_be_written_is_said_with_its_path_and_the_way_out(
    qtbot: QtBot,
    make_session: Callable[..., ConsoleSession],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    place = tmp_path / "read-only share"
    place.mkdir()
    real = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m: False if Path(p) == place and m & os.W_OK else real(p, m)
    )
    session = make_session(db=place / "county.db")
    with qtbot.waitSignal(session.failed, timeout=BOOT_TIMEOUT_MS) as blocker:
        session.start()
    message = blocker.args[0]
    assert str(place) in message and "writable place" in message  # what, where, the way out
    assert "damaged" not in message and "sqlalche" not in message
    assert message in session.window.status.database.text()
    assert session.last_problem is not None and session.last_problem.kind == "database_unwritable"
    assert not (place / "county.db").exists()


def test_the_view_on_screen_is_made_first_and_the_others_follow_the_scope_and_theme(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession]
) -> None:
    """Making every view at once held the window still for half a second at start-up: the
    one on screen is made with the window's services, the others one per event-loop turn,
    each following the scope and theme chosen before it was made."""
    session = make_session(collection=False)
    window = session.window
    window.switch_to("collection")
    seen: list[set[str]] = []
    held: list[str] = []

    def on_ready(_context: object) -> None:
        seen.append(set(window._views))
        held.extend(window._to_build)  # held back until a scope and a theme are chosen
        window._to_build.clear()

    session.ready.connect(on_ready)
    with qtbot.waitSignal(window.settled, timeout=BOOT_TIMEOUT_MS):
        session.start()
    assert seen == [{"collection"}]
    assert set(window._views) == {"collection"} and "panorama" in held
    combo = window.top_bar.scope
    combo.setCurrentIndex(2)
    station = combo.currentData()
    assert station.level is Level.STATION
    window.set_theme("dark")

    window._to_build.extend(held)
    window._make_next()
    qtbot.waitUntil(lambda: set(window._views) == set(VIEW_KEYS), timeout=10_000)
    assert window.current_key() == "collection"  # making the others did not change the page
    panorama = window.view("panorama")
    qtbot.waitUntil(lambda: panorama.is_ready, timeout=BOOT_TIMEOUT_MS)
    assert panorama.snapshot.unit == station  # type: ignore[attr-defined]
    curve = panorama.curve  # type: ignore[attr-defined]
    assert curve.today.opts["pen"].color().name() == theme.DARK.curve_today
