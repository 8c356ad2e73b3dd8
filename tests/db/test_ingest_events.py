"""Events and collection attempts: storing the same batch twice keeps one row each; a re-read
of an event that has since ended fills in its end, and an older re-read never undoes it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from db.errors import IngestError
from db.ingest import AttemptRow, EventRow, record_attempts, upsert_meter_events

if TYPE_CHECKING:
    from tests.db.conftest import Org

T0 = datetime(2026, 11, 20, 14, 3)


def _rows(sf: sessionmaker[Session], table: str) -> list[tuple[object, ...]]:
    with sf() as s:
        return [tuple(r) for r in s.execute(text(f"SELECT * FROM {table} ORDER BY id"))]


def test_events_are_idempotent_and_an_end_arrives_later(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    meter = org.meter("a_c1")
    ongoing = EventRow(meter, "power_off", T0, None, None, T0 + timedelta(minutes=5))
    cover = EventRow(
        meter, "cover_open", T0, T0 + timedelta(minutes=2), "开盖", T0 + timedelta(minutes=5)
    )
    for _ in range(2):
        with session_factory.begin() as s:
            upsert_meter_events(s, [ongoing, cover])
    first = _rows(session_factory, "meter_event")
    assert len(first) == 2
    ended = ongoing._replace(
        ended_at=T0 + timedelta(minutes=47), collected_at=T0 + timedelta(hours=1)
    )
    stale = ongoing._replace(collected_at=T0 + timedelta(minutes=1))  # an older re-read
    with session_factory.begin() as s:
        upsert_meter_events(s, [ended])
        upsert_meter_events(s, [stale])
    with session_factory() as s:
        end = s.execute(
            text("SELECT ended_at FROM meter_event WHERE kind = 'power_off'")
        ).scalar_one()
        assert str(end).startswith("2026-11-20 14:50")
        assert s.execute(text("SELECT count(*) FROM meter_event")).scalar_one() == 2


def test_attempts_are_recorded_once(session_factory: sessionmaker[Session], org: Org) -> None:
    attempts = [
        AttemptRow(
            "serial:///dev/ttyUSB1",
            "000000000001",
            "daily_freeze",
            T0,
            412,
            "ok",
            None,
            org.meter("a_c1"),
        ),
        AttemptRow(
            "serial:///dev/ttyUSB1",
            "000000000002",
            "daily_freeze",
            T0,
            2_000,
            "timeout",
            "no reply in 1.0 s",
            org.meter("a_c2"),
        ),
    ]
    for _ in range(2):
        with session_factory.begin() as s:
            record_attempts(s, attempts)
    with session_factory() as s:
        rows = s.execute(
            text(
                "SELECT target_address, result, duration_ms, error FROM collection_attempt "
                "ORDER BY target_address"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("000000000001", "ok", 412, None),
        ("000000000002", "timeout", 2_000, "no reply in 1.0 s"),
    ]


def test_a_bad_result_is_refused_and_nothing_of_the_batch_is_kept(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    good = AttemptRow(
        "tcp://10.0.0.2:8899", "000000000007", "register", T0, 90, "ok", None, org.meter("b_c1")
    )
    bad = good._replace(target_address="000000000008", result="maybe")
    with pytest.raises(IngestError, match="collection_attempt"), session_factory.begin() as s:
        record_attempts(s, [good, bad])
    assert _rows(session_factory, "collection_attempt") == []
