"""Permissions in the domain API: before any account exists the workstation's user may act (the
demo, a fresh install); once one does, nobody unsigned may, and a role allows only its own
actions. A refused action changes nothing and leaves no audit entry."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.service import Accounts
from console.admin.service import AdminService
from console.core.bus import EventBus
from console.core.clock import FixedClock
from console.core.jobs import JobCommands, JobHost
from console.core.operator import NotPermittedError, Operator, acting_as
from console.core.permissions import authorize
from console.core.roles import PERMISSIONS, Permission, Role
from console.core.thresholds import ThresholdBook
from tests.console.audit_rows import audit_rows

PW = "Guanli2026x"


def _entries(sf: sessionmaker[Session]) -> int:
    return len(audit_rows(sf))


def test_before_any_account_the_workstation_user_may_act(
    session_factory: sessionmaker[Session],
) -> None:
    unsigned = Operator.workstation_user()
    with acting_as(unsigned), session_factory() as s:
        assert authorize(s, Permission.EDIT_THRESHOLDS, "change the thresholds") == unsigned


def test_once_accounts_exist_roles_decide(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    Accounts(session_factory, clock).add_user(
        None, "admin", name="", role=Role.ADMINISTRATOR, stations=[], password=PW
    )
    with (
        acting_as(Operator.workstation_user()),
        session_factory() as s,
        pytest.raises(NotPermittedError, match="has not signed in: sign in to run"),
    ):
        authorize(s, Permission.RUN_JOBS, "run the job daily_freeze")
    for role in Role:
        who = Operator(f"u-{role}", "", role)
        for permission in Permission:
            with acting_as(who), session_factory() as s:
                if permission in PERMISSIONS[role]:
                    assert authorize(s, permission, "act") is who
                else:
                    with pytest.raises(NotPermittedError, match=f"u-{role} \\({role}\\) may not"):
                        authorize(s, permission, "act")
    assert Permission.MANAGE_USERS in PERMISSIONS[Role.ADMINISTRATOR]
    assert PERMISSIONS[Role.VIEWER] == {Permission.VIEW}
    assert Permission.EDIT_THRESHOLDS not in PERMISSIONS[Role.DISPATCHER]
    assert Permission.RUN_JOBS in PERMISSIONS[Role.DISPATCHER]


def test_jobs_and_thresholds_refuse_a_role_that_may_not_and_record_nothing(
    engine: Engine, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    Accounts(session_factory, clock).add_user(
        None, "admin", name="", role=Role.ADMINISTRATOR, stations=[], password=PW
    )
    bus = EventBus()
    host = JobHost(engine, session_factory, bus, clock, persist=False)
    jobs = JobCommands(host, session_factory, clock)
    admin = AdminService(
        session_factory,
        clock,
        ThresholdBook(session_factory, None),
        jobs,
        lambda: None,  # type: ignore[arg-type,return-value]
    )

    def in_force() -> int:
        row = admin.thresholds().version
        return row.version if row is not None else 0

    before, version = _entries(session_factory), in_force()
    with acting_as(Operator("li", "李", Role.VIEWER)):
        with pytest.raises(NotPermittedError, match=r"li \(viewer\) may not run the job x"):
            jobs.run_now("x")
        with pytest.raises(NotPermittedError, match="may not cancel the job x"):
            jobs.cancel("x")
    with acting_as(Operator("zhang", "张", Role.DISPATCHER)):
        with pytest.raises(KeyError):  # allowed to ask: the job is unknown
            jobs.cancel("x")
        with pytest.raises(NotPermittedError, match="may not change the thresholds"):
            admin.save_thresholds({("line_loss.high_pct", None): "7"}, "", None)
    assert (_entries(session_factory), in_force()) == (before, version)
    with acting_as(Operator("wang", "王", Role.SUPERVISOR)):
        admin.save_thresholds({("line_loss.high_pct", None): "7"}, "夏季", version or None)
    assert (_entries(session_factory), in_force()) == (before + 1, version + 1)
