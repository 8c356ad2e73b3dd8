"""Versioned thresholds: the program's defaults until a version is saved, a station's own value
over the county's, every save a new audited version, bad values and lost updates refused
with nothing written, and the book in force following the bus."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from console.core import thresholds as th
from console.core.bus import EventBus
from console.core.changes import publish_commits
from console.demo.generator import DemoCounty
from db.audit import verify_chain
from db.changes import ThresholdsChanged
from db.models import AuditEntry, ConfigVersion, SupplyStation, Threshold
from db.queries.thresholds import VersionConflictError, history

AT = datetime(2026, 12, 7, 9, 30)


@pytest.fixture
def bus(session_factory: sessionmaker[Session]) -> Iterator[EventBus]:
    b = EventBus()
    b.start()
    stop = publish_commits(session_factory, b)
    yield b
    stop()
    b.stop()


def _save(sf: sessionmaker[Session], values: dict, *, by: str = "os:alice", expected=None) -> int:  # type: ignore[type-arg]
    with sf.begin() as s:
        return th.save(s, values, at=AT, by=by, comment="storm season", expected_version=expected)


def test_defaults_until_a_version_is_saved_and_then_station_over_county(
    session_factory: sessionmaker[Session], small_county: DemoCounty
) -> None:
    with session_factory() as s:
        assert th.load(s) == th.DEFAULTS
        station_a, station_b = s.scalars(select(SupplyStation.id).order_by(SupplyStation.id)).all()[
            :2
        ]
    assert th.DEFAULTS.get("line_loss.high_pct", station_a) == Decimal("6")
    version = _save(
        session_factory,
        {
            ("line_loss.high_pct", None): "7.5",
            ("line_loss.high_pct", station_a): "9",
            ("collection.target_pct", None): "99.97",  # the default: not stored
        },
    )
    assert version == 1
    with session_factory() as s:
        now = th.load(s)
        stored = s.execute(select(Threshold.key, Threshold.supply_station_id, Threshold.value))
        assert sorted(stored.all(), key=str) == sorted(
            [("line_loss.high_pct", None, "7.5"), ("line_loss.high_pct", station_a, "9")], key=str
        )
    assert now.version_number == 1 and now.version is not None
    assert now.version.created_by == "os:alice" and now.version.comment == "storm season"
    assert now.get("line_loss.high_pct", station_a) == Decimal("9")
    assert now.get("line_loss.high_pct", station_b) == Decimal("7.5")  # the county's
    assert now.get("line_loss.high_pct") == Decimal("7.5")
    assert now.get("collection.target_pct", station_a) == Decimal("99.97")  # the default
    assert (now.source("line_loss.high_pct", station_a), now.source("clock.drift_s")) == (
        "station",
        "default",
    )


def test_every_save_is_a_new_audited_version_and_the_old_ones_stay(
    session_factory: sessionmaker[Session], small_county: DemoCounty
) -> None:
    first = _save(session_factory, {("clock.drift_s", None): "600"}, by="os:alice")
    second = _save(session_factory, {}, by="os:bob", expected=first)  # back to the defaults
    assert (first, second) == (1, 2)
    with session_factory() as s:
        assert th.load(s).get("clock.drift_s") == Decimal("300")
        assert [v.version for v in history(s)] == [2, 1]
        assert s.scalar(select(func.count()).select_from(ConfigVersion)) == 2
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert verify_chain(s).ok
    assert [(e.actor, e.action, e.object_id) for e in entries] == [
        ("os:alice", "thresholds.change", "1"),
        ("os:bob", "thresholds.change", "2"),
    ]
    assert json.loads(entries[1].before or "")["values"] == {"clock.drift_s@county": "600"}
    assert json.loads(entries[1].after or "")["values"] == {}


@pytest.mark.parametrize(
    ("key", "text", "problem"),
    [
        ("line_loss.high_pct", "abc", "number"),
        ("line_loss.high_pct", "51", "range"),
        ("line_loss.high_pct", "6.123", "decimals"),
        ("collection.target_pct", "NaN", "number"),
        ("no.such", "1", "unknown"),
    ],
)
def test_a_bad_value_is_refused_naming_it_and_nothing_is_written(
    session_factory: sessionmaker[Session],
    small_county: DemoCounty,
    key: str,
    text: str,
    problem: str,
) -> None:
    with pytest.raises(th.ThresholdValueError) as refused:
        _save(session_factory, {("clock.drift_s", None): "600", (key, None): text})
    assert (refused.value.key, refused.value.problem, refused.value.text) == (key, problem, text)
    assert key in str(refused.value)
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ConfigVersion)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_save_over_a_version_someone_else_saved_meanwhile_is_refused(
    session_factory: sessionmaker[Session], small_county: DemoCounty
) -> None:
    _save(session_factory, {("clock.drift_s", None): "600"}, by="os:bob")
    with pytest.raises(VersionConflictError) as refused:
        _save(session_factory, {("clock.drift_s", None): "900"}, expected=None)  # opened at 0
    assert (refused.value.by, refused.value.current) == ("os:bob", 1)
    with session_factory() as s:
        assert th.load(s).get("clock.drift_s") == Decimal("600")


def test_the_book_follows_the_bus(
    session_factory: sessionmaker[Session], small_county: DemoCounty, bus: EventBus
) -> None:
    book = th.ThresholdBook(session_factory, bus)
    assert book.current().get("loading.heavy_pct") == Decimal("80")
    heard = threading.Event()
    bus.subscribe(ThresholdsChanged, lambda _e: heard.set())
    _save(session_factory, {("loading.heavy_pct", None): "75"})
    assert heard.wait(5) and bus.flush()
    assert book.current().get("loading.heavy_pct") == Decimal("75")
