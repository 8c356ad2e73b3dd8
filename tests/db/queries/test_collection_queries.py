"""db.queries.collection: what to read (grouped by link, summary meters first) and run records."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import CollectionRun, DailyFreeze, Meter, RunStatus
from db.queries.collection import (
    ReadTarget,
    RunRow,
    abandon_running,
    finish_run,
    latest_run,
    latest_runs_by_task,
    read_targets,
    start_run,
)

if TYPE_CHECKING:
    from tests.db.conftest import Org

DAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 7, 30)


def _freeze(session: Session, meter_id: int, day: date) -> None:
    session.add(
        DailyFreeze(
            meter_id=meter_id,
            day=day,
            forward_active_wh=1_000,
            collected_at=datetime.combine(day, datetime.min.time()),
        )
    )


def test_read_targets_groups_active_meters_by_link_summary_first(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    with session_factory() as session, session.begin():
        for name in ("a_c2", "b_sum", "a_removed"):
            _freeze(session, org.meter(name), DAY)
        _freeze(session, org.meter("a_c1"), DAY - timedelta(days=1))  # another day's freeze
    with session_factory() as session:
        targets = read_targets(session, DAY)
        meters = {m.id: m for m in session.scalars(select(Meter))}

    names = {meter_id: name for name, meter_id in org.meter_ids.items()}
    # Links in order: serial:///dev/ttyUSB0, serial:///dev/ttyUSB1, tcp://10.0.0.2:8899; the
    # summary meter leads its link although it was inserted after the customer meters.
    assert [names[t.meter_id] for t in targets] == [
        "c_sum",
        "c_c1",
        "a_sum",
        "a_c1",
        "a_c2",
        "a_c3",
        "a_c4",
        "b_sum",
        "b_c1",
    ]
    assert {names[t.meter_id] for t in targets if t.has_freeze} == {"a_c2", "b_sum"}
    for target in targets:
        meter = meters[target.meter_id]
        assert target == ReadTarget(
            meter.id,
            meter.comm_address,
            meter.protocol,
            meter.link_url,
            meter.role,
            meter.ct_ratio,
            target.has_freeze,
        )
        assert target.link_url == org.spec(names[target.meter_id]).link_url


def test_read_targets_on_a_day_without_freezes_has_none_frozen(
    session_factory: sessionmaker[Session], org: Org
) -> None:
    with session_factory() as session, session.begin():
        _freeze(session, org.meter("a_c1"), DAY)
    with session_factory() as session:
        targets = read_targets(session, DAY + timedelta(days=1))
    assert len(targets) == 9
    assert not any(t.has_freeze for t in targets)


def test_a_run_is_started_then_finished(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session, session.begin():
        run_id = start_run(session, "schedule", NOW, planned=9)
    with session_factory() as session:
        assert latest_run(session) == RunRow(
            run_id, "schedule", NOW, None, RunStatus.RUNNING.value, 9, 0, 0, None
        )
        assert latest_run(session, finished_only=True) is None
    done = NOW + timedelta(seconds=42)
    with session_factory() as session, session.begin():
        finish_run(
            session,
            run_id,
            finished_at=done,
            status=RunStatus.FINISHED,
            meters_ok=8,
            meters_failed=1,
            error="1 meter did not answer",
        )
    with session_factory() as session:
        expected = RunRow(
            run_id,
            "schedule",
            NOW,
            done,
            RunStatus.FINISHED.value,
            9,
            8,
            1,
            "1 meter did not answer",
        )
        assert latest_run(session) == expected
        assert latest_run(session, finished_only=True) == expected
    # A concentrator pass started later is not the direct collection's last run.
    with session_factory() as session, session.begin():
        later = start_run(session, "daily_freeze:scheduled", done, 100)
    with session_factory() as session:
        assert latest_run(session) == expected
        assert latest_runs_by_task(session)["daily_freeze"].id == later


def test_latest_run_is_the_last_started_and_finished_only_skips_running(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        assert latest_run(session) is None
    with session_factory() as session, session.begin():
        # Inserted out of start order: the newest run gets the smallest id.
        running = start_run(session, "manual", NOW, planned=3)
        failed = start_run(session, "schedule", NOW - timedelta(hours=1), planned=3)
        finished = start_run(session, "schedule", NOW - timedelta(hours=2), planned=3)
        finish_run(
            session,
            failed,
            finished_at=NOW - timedelta(minutes=50),
            status=RunStatus.FAILED,
            meters_ok=0,
            meters_failed=3,
            error="port busy",
        )
        finish_run(
            session,
            finished,
            finished_at=NOW - timedelta(minutes=110),
            status=RunStatus.FINISHED,
            meters_ok=3,
            meters_failed=0,
        )
    with session_factory() as session:
        latest = latest_run(session)
        latest_finished = latest_run(session, finished_only=True)
    assert latest is not None
    assert (latest.id, latest.status) == (running, RunStatus.RUNNING.value)
    assert latest_finished is not None
    assert (latest_finished.id, latest_finished.status) == (failed, RunStatus.FAILED.value)


def test_abandon_running_fails_the_runs_a_killed_process_left(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session, session.begin():
        stale = [start_run(session, "schedule", NOW - timedelta(hours=h), 5) for h in (1, 2)]
        done = start_run(session, "schedule", NOW - timedelta(hours=3), 5)
        finish_run(
            session,
            done,
            finished_at=NOW - timedelta(hours=3) + timedelta(minutes=1),
            status=RunStatus.FINISHED,
            meters_ok=5,
            meters_failed=0,
        )
    with session_factory() as session, session.begin():
        assert abandon_running(session, NOW) == 2
    with session_factory() as session:
        runs = {r.id: r for r in session.scalars(select(CollectionRun))}
    for run_id in stale:
        assert runs[run_id].status == RunStatus.FAILED.value
        assert runs[run_id].finished_at == NOW
        assert runs[run_id].error  # says why, for the run history
    assert runs[done].status == RunStatus.FINISHED.value
    assert runs[done].finished_at == NOW - timedelta(hours=3) + timedelta(minutes=1)
    assert runs[done].error is None
    with session_factory() as session, session.begin():
        assert abandon_running(session, NOW) == 0
