"""Meter-event imports: kinds by Chinese or English name, an end that may be empty, problems
named with their row, overlaps and duplicates in the file, stored through the ingest path (the
change event follows the commit), re-imports idempotent and an end filled in later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.archive.validate import Problem
from db import changes
from db.ingest import EventRow, upsert_meter_events
from db.models import MeterEvent
from tests.console.archive.test_import_curves import meters  # noqa: F401 (a fixture)
from tests.console.archive.test_import_readings import meter_id

HEADER = ["表计资产号", "事件类型", "发生时间", "结束时间"]
GOOD = [
    HEADER,
    ["M001", "掉电", "2026-11-18 21:07:42", "2026-11-18 22:31:05"],
    ["M003", "开盖", "2026-11-19 10:12:30", "2026-11-19 10:40:02"],
    ["M003", "phase_loss", "2026-11-20 06:45", ""],
    ["M003", "潮流反向", "2026-11-20 06:45", "2026-11-20 07:00"],
]
Snapshot = Any


def events(session_factory: sessionmaker[Session]) -> dict[tuple[int, str, datetime], MeterEvent]:
    with session_factory() as session:
        return {(e.meter_id, e.kind, e.started_at): e for e in session.scalars(select(MeterEvent))}


@pytest.mark.usefixtures("meters")
@pytest.mark.parametrize("excel", [False, True])
def test_events_are_stored_with_their_kind_and_an_open_end(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], excel: bool
) -> None:
    if excel:
        rows = [HEADER] + [
            [
                r[0],
                r[1],
                datetime.fromisoformat(r[2]),
                datetime.fromisoformat(r[3]) if r[3] else None,
            ]
            for r in GOOD[1:]
        ]
        path = files.xlsx("e.xlsx", rows)
    else:
        path = files.csv("e.csv", GOOD, "gbk")
    result = run_import("events", path)
    assert result.problems == ()
    assert (result.counts.new, result.rows_read) == (4, 4)
    stored = events(session_factory)
    m1, m3 = meter_id(session_factory, "M001"), meter_id(session_factory, "M003")
    off = stored[(m1, "power_off", datetime(2026, 11, 18, 21, 7, 42))]
    assert off.ended_at == datetime(2026, 11, 18, 22, 31, 5)
    assert off.collected_at == off.ended_at  # read, at the earliest, when it had ended
    ongoing = stored[(m3, "phase_loss", datetime(2026, 11, 20, 6, 45))]
    assert (ongoing.ended_at, ongoing.collected_at) == (None, datetime(2026, 11, 20, 6, 45))
    assert {kind for _m, kind, _at in stored} == {
        "power_off",
        "cover_open",
        "phase_loss",
        "reverse_energy",
    }


@pytest.mark.usefixtures("meters")
def test_bad_rows_are_named_and_nothing_is_stored(
    files: Any, run_import: Any, snapshot: Snapshot
) -> None:
    run_import("events", files.csv("e.csv", GOOD))
    before = snapshot(MeterEvent)
    bad = [
        HEADER,
        ["M001", "漏电", "2026-11-20 01:00", ""],
        ["M001", "掉电", "2026-11-20 02:00", "2026-11-20 01:59:59"],
        ["M001", "开盖", "2026-11-22 00:00", ""],
        ["M009", "失压", "2026-11-20 01:00", ""],
        ["M003", "失流", "2026-11-20 03:00", ""],
        ["M003", "current_loss", "2026-11-20 04:00", "2026-11-20 05:00"],
        ["M003", "编程", "2026-11-20 08:00", "2026-11-20 08:10"],
        ["M003", "programming", "2026-11-20 08:00", "2026-11-20 08:10"],
        ["M003", "清零", "", ""],
    ]
    result = run_import("events", files.csv("bad.csv", bad))
    assert result.counts is None and result.rejected_rows == 8  # row 7 is good
    problems = list(result.problems)
    assert problems[0].row == 2 and problems[0].column == "事件类型"
    assert problems[0].reason.startswith("'漏电': unknown value (expected 掉电/power_off, 开盖/")
    assert problems[1:] == [
        Problem(3, "结束时间", "2026-11-20 01:59:59 is before the start 2026-11-20 02:00:00"),
        Problem(4, "发生时间", "2026-11-22 00:00:00 is in the future"),
        Problem(5, "表计资产号", "unknown meter M009 (import the meters first)"),
        Problem(
            6,
            "结束时间",
            "current_loss of M003 has no end, after the next one started "
            "(2026-11-20 04:00:00, row 7)",
        ),
        Problem(8, "发生时间", "programming of M003 at 2026-11-20 08:00:00 repeated on row 9"),
        Problem(
            9, "发生时间", "duplicate programming of M003 at 2026-11-20 08:00:00 (also on row 8)"
        ),
        Problem(10, "发生时间", "missing required value"),
    ]
    assert snapshot(MeterEvent) == before


@pytest.mark.usefixtures("meters")
def test_reimport_changes_nothing_an_end_is_filled_in_and_never_erased(
    files: Any, run_import: Any, session_factory: sessionmaker[Session], snapshot: Snapshot
) -> None:
    path = files.csv("e.csv", GOOD)
    run_import("events", path)
    stored = snapshot(MeterEvent)
    again = run_import("events", path)
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 0, 4)
    assert snapshot(MeterEvent) == stored
    ended = [HEADER, ["M003", "断相", "2026-11-20 06:45:00", "2026-11-20 09:12"]]
    result = run_import("events", files.csv("end.csv", ended))
    assert (result.counts.new, result.counts.updated) == (0, 1)
    m3 = meter_id(session_factory, "M003")
    key = (m3, "phase_loss", datetime(2026, 11, 20, 6, 45))
    assert events(session_factory)[key].ended_at == datetime(2026, 11, 20, 9, 12)
    assert len(snapshot(MeterEvent)) == 4
    result = run_import("events", path)  # the old file, the event still going on there
    assert (result.counts.updated, result.counts.unchanged) == (0, 4)
    assert events(session_factory)[key].ended_at == datetime(2026, 11, 20, 9, 12)


@pytest.mark.usefixtures("meters")
def test_a_collected_event_keeps_its_detail_and_the_change_follows_the_commit(
    files: Any, run_import: Any, session_factory: sessionmaker[Session]
) -> None:
    m3 = meter_id(session_factory, "M003")
    start = datetime(2026, 11, 20, 6, 45)
    collected = EventRow(m3, "phase_loss", start, None, "ERC10", datetime(2026, 11, 20, 7, 0))
    with session_factory() as session, session.begin():
        upsert_meter_events(session, [collected])
    published: list[changes.Change] = []
    disconnect = changes.on_commit(session_factory, lambda found, _token: published.extend(found))
    try:
        english = [["asset_no", "kind", "started_at", "ended_at"], ["M003", "断相", "2026-11-20 06:45", "2026-11-20 08:00"]]  # fmt: skip
        result = run_import("events", files.csv("en.csv", english))
    finally:
        disconnect()
    assert (result.problems, result.counts.updated) == ((), 1)
    event = events(session_factory)[(m3, "phase_loss", start)]
    assert (event.ended_at, event.detail) == (datetime(2026, 11, 20, 8, 0), "ERC10")
    assert published == [changes.MeterEventsStored(("phase_loss",), 1, (m3,), start, start)]
