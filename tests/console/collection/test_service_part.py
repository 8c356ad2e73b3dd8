"""The collection's service part in the service process: it reads today's missing freezes once
at start, its clock check uses the clock.drift_s threshold in force, and a schedule changed
through its commands is written to the file, rescheduled on the job host (only what changed)
and audited with the operator's login; a bad value or an audit that cannot be written changes
nothing. The concentrator passes are a ``FakeCollector``'s."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, String, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from console.app.database import Database
from console.app.service import ServiceProcess
from console.collection import feature as collection
from console.collection.api import CollectionCommands
from console.collection.jobs import CLOCK, CURVES, DAILY_FREEZE, EVENTS, METER_READING
from console.core import operator, thresholds
from console.core.clock import FixedClock
from console.core.config import (
    DatabaseSettings,
    DemoSettings,
    FrontEndSettings,
    ScheduleSettings,
    load_settings,
)
from console.core.features import LocalServices
from console.core.jobs import JobHost
from db import audit
from db.models import AuditEntry
from tests.console.collection.fakes import FakeCollector, Finished


@dataclasses.dataclass
class Service:
    process: ServiceProcess
    fake: FakeCollector
    finished: Finished
    config: Path

    @property
    def host(self) -> JobHost:
        return self.process.jobs

    @property
    def commands(self) -> CollectionCommands:
        services = LocalServices(self.process.exposed)
        return services.commands(collection.NAME, CollectionCommands)  # type: ignore[type-abstract]


@pytest.fixture
def service(
    tmp_path: Path,
    db_url: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> Iterator[Service]:
    """The service process with the collection feature, its concentrator passes made by a
    ``FakeCollector``, started at 10:07 (after the first freeze pass was due)."""
    config = tmp_path / "smc.toml"
    config.write_text('# mine\n[schedule]\n# when\nfreeze_start = "00:10"\n', encoding="utf-8")
    settings = dataclasses.replace(
        load_settings(config),
        database=DatabaseSettings(url=db_url),
        demo=DemoSettings(enabled=False),
        frontend=FrontEndSettings(host="127.0.0.1", port=0),
    )
    process = ServiceProcess(
        settings,
        Database(db_url, engine, session_factory, None),
        clock,
        features=[collection.FEATURE],
    )
    part = dict(process.host.parts)[collection.NAME]
    assert isinstance(part, collection.CollectionServicePart)
    fake = FakeCollector()
    part.collector = fake  # type: ignore[assignment]
    part.reschedule(settings.schedule)
    finished = Finished(process.bus)
    process.start()
    try:
        finished.wait(METER_READING)  # both start-up runs are over before a test begins
        finished.wait(DAILY_FREEZE)
        yield Service(process, fake, finished, config)
    finally:
        process.stop()


def test_the_service_reads_todays_missing_freezes_once_at_start(service: Service) -> None:
    (last,) = service.finished.of(DAILY_FREEZE)
    assert last.trigger == "startup"
    assert service.fake.calls == [("daily_freeze", "startup")]  # no other pass at start
    assert {s.id for s in service.host.states(collection.NAME)} == {
        METER_READING,
        DAILY_FREEZE,
        CURVES,
        EVENTS,
        CLOCK,
    }


def test_the_clock_check_sets_clocks_off_by_more_than_the_threshold_in_force(
    service: Service, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    service.host.run_now(CLOCK)
    service.finished.wait(CLOCK, 1)
    with session_factory.begin() as s:
        thresholds.save(
            s,
            {("clock.drift_s", None): "60"},
            at=clock.now(),
            by="os:li",
            comment="GPRS clocks drift",
            expected_version=None,
        )
    assert service.process.bus.flush()  # the book has heard of the new version
    service.host.run_now(CLOCK)
    service.finished.wait(CLOCK, 2)

    assert service.fake.drifts == [300.0, 60.0]
    assert service.fake.options.clock_drift_s == 60.0


def _audit(sf: sessionmaker[Session]) -> list[AuditEntry]:
    with sf() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == "schedule.change")).all()
        )


def test_a_schedule_change_is_saved_to_the_file_rescheduled_and_audited(
    service: Service, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    host, commands = service.host, service.commands
    before = commands.schedule()
    freeze_next = host.next_run_at(DAILY_FREEZE)
    events_next = host.next_run_at(EVENTS)
    values = {**before, "curves": False, "clock_check": "03:30"}

    with operator.acting_as(operator.Operator("os:li", "李")):
        commands.set_schedule(values)

    assert load_settings(service.config).schedule == ScheduleSettings(**values)  # type: ignore[arg-type]
    text = service.config.read_text(encoding="utf-8")
    assert "# mine" in text and "# when" in text  # the user's comments stay
    assert commands.schedule() == values
    assert {s.id for s in host.states(collection.NAME)} == {
        METER_READING,
        DAILY_FREEZE,
        EVENTS,
        CLOCK,
    }
    assert host.next_run_at(CURVES) is None
    clock_next = host.next_run_at(CLOCK)
    assert clock_next is not None and (clock_next.hour, clock_next.minute) == (3, 30)
    # Unchanged jobs are not rescheduled (an interval job would start counting again).
    assert host.next_run_at(EVENTS) == events_next
    assert host.next_run_at(DAILY_FREEZE) == freeze_next
    (entry,) = _audit(session_factory)
    assert (entry.actor, entry.object_kind, entry.at) == ("os:li", "config", clock.now())
    # The entry fits its columns on PostgreSQL too, however long the file's path.
    assert len(str(service.config)) > 64
    column = AuditEntry.__table__.c.object_id.type
    assert isinstance(column, String) and column.length is not None
    assert len(entry.object_id) <= column.length
    assert json.loads(entry.before or "") == before
    assert json.loads(entry.after or "") == values


@pytest.mark.parametrize(
    ("key", "value"),
    [("freeze_start", "25:00"), ("events_every_min", 0), ("clock_drift_s", 60), ("curves", "no")],
)
def test_a_bad_schedule_value_names_the_key_and_changes_nothing(
    service: Service, session_factory: sessionmaker[Session], key: str, value: object
) -> None:
    host, commands = service.host, service.commands
    before = commands.schedule()
    text = service.config.read_text(encoding="utf-8")
    jobs = {s.id: host.next_run_at(s.id) for s in host.states(collection.NAME)}

    with pytest.raises(ValueError, match=key):
        commands.set_schedule({**before, key: value})

    assert service.config.read_text(encoding="utf-8") == text
    assert commands.schedule() == before
    assert {s.id: host.next_run_at(s.id) for s in host.states(collection.NAME)} == jobs
    assert _audit(session_factory) == []


def test_a_schedule_change_that_cannot_be_audited_changes_nothing(
    service: Service, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    host, commands = service.host, service.commands
    before = commands.schedule()
    text = service.config.read_text(encoding="utf-8")
    jobs = {s.id: host.next_run_at(s.id) for s in host.states(collection.NAME)}

    def refused(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT INTO audit_entry", {}, Exception("database is locked"))

    monkeypatch.setattr(audit, "record", refused)
    with pytest.raises(OperationalError):
        commands.set_schedule({**before, "curves": False, "clock_check": "03:30"})

    assert service.config.read_text(encoding="utf-8") == text
    assert commands.schedule() == before
    assert {s.id: host.next_run_at(s.id) for s in host.states(collection.NAME)} == jobs


def test_a_steady_trickle_of_heartbeats_is_still_written_every_couple_of_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The front end's writer stores what arrived at most FLUSH_S after the first of it, even
    when something new arrives every moment (250 concentrators heartbeat ~4 times a second)."""
    from console.collection import frontend as fe

    now = [100.0]
    monkeypatch.setattr(fe.time, "monotonic", lambda: now[0])

    class Trickle:
        """A queue that always has one more heartbeat, half a second later."""

        def __init__(self) -> None:
            self.taken = 0

        def get(self, timeout: float | None = None) -> object:
            if timeout is not None and timeout <= 0:
                raise fe.queue.Empty
            now[0] += 0.5
            self.taken += 1
            return object()

    service = object.__new__(fe.FrontEndService)
    service._queue = Trickle()  # type: ignore[assignment]
    pending: list[object] = []
    assert service._gather(pending) is False  # type: ignore[arg-type]
    assert len(pending) == 1 + int(fe.FLUSH_S / 0.5)  # written after FLUSH_S, not never
