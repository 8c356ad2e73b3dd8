"""Accounts: the first administrator, users with roles and scopes, sign-in with lockout,
passwords changed and reset; permissions checked in the API; every action audited in the
same transaction (a refused one leaves no entry of the change)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.api import AccountError, SignInError
from console.accounts.passwords import PasswordPolicyError, hash_password, verify_password
from console.accounts.service import LOCK_FOR, MAX_FAILURES, Accounts
from console.core.clock import FixedClock
from console.core.operator import NotPermittedError, Operator
from console.core.roles import Permission, Role
from console.demo.generator import DemoCounty
from db.audit import verify_chain
from db.models import SupplyStation
from tests.console.audit_rows import audit_rows

ADMIN_PW = "Guanli2026x"
PW = "Dispatch2026"
HOST = "ws-07"


def _entries(sf: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    return [(r.actor, r.action, r.object_id) for r in audit_rows(sf)]


@pytest.fixture
def accounts(session_factory: sessionmaker[Session], clock: FixedClock) -> Accounts:
    return Accounts(session_factory, clock)


@pytest.fixture
def admin(accounts: Accounts) -> Operator:
    accounts.add_user(None, "admin", name="管理员", role=Role.ADMINISTRATOR, stations=[],
                      password=ADMIN_PW)  # fmt: skip
    return accounts.sign_in("admin", ADMIN_PW, HOST)


def test_the_first_user_needs_no_sign_in_but_must_be_an_administrator(
    accounts: Accounts, session_factory: sessionmaker[Session]
) -> None:
    assert not accounts.has_users()
    with pytest.raises(AccountError, match="first user of a database must be an administrator"):
        accounts.add_user(None, "zhang", name="张", role=Role.DISPATCHER, stations=[],
                          password=PW)  # fmt: skip
    info = accounts.add_user(None, "admin", name="管理员", role=Role.ADMINISTRATOR, stations=[],
                             password=ADMIN_PW)  # fmt: skip
    assert info.role is Role.ADMINISTRATOR and info.stations == () and accounts.has_users()
    with pytest.raises(NotPermittedError, match="sign in as an administrator"):
        accounts.add_user(None, "second", name="", role=Role.ADMINISTRATOR, stations=[],
                          password=ADMIN_PW)  # fmt: skip
    assert _entries(session_factory) == [("setup", "user.add", "admin")]


def test_a_user_gets_a_role_and_stations_and_signs_in_to_them(
    accounts: Accounts,
    admin: Operator,
    small_county: DemoCounty,
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as s:
        stations = s.execute(select(SupplyStation.id, SupplyStation.code, SupplyStation.name)).all()
    first, second = stations[0], stations[1]
    info = accounts.add_user(admin, "zhang", name="张调度", role=Role.DISPATCHER,
                             stations=[first.code, second.name], password=PW)  # fmt: skip
    assert info.stations == tuple(sorted([first.code, second.code]))
    t0 = time.perf_counter()
    zhang = accounts.sign_in("zhang", PW, HOST)
    assert time.perf_counter() - t0 < 0.5  # the bound on sign-in
    assert zhang.role is Role.DISPATCHER and zhang.stations == {first.id, second.id}
    assert zhang.covers(first.id) and not zhang.covers(None)
    assert zhang.may(Permission.RUN_JOBS) and not zhang.may(Permission.MANAGE_USERS)
    assert admin.stations is None and admin.covers(None)
    with pytest.raises(AccountError, match="no supply station 'nowhere'"):
        accounts.add_user(admin, "li", name="李", role=Role.VIEWER, stations=["nowhere"],
                          password=PW)  # fmt: skip
    with pytest.raises(AccountError, match="already a user 'zhang'"):
        accounts.add_user(admin, "zhang", name="", role=Role.VIEWER, stations=[], password=PW)


def test_only_an_administrator_manages_users_and_a_refusal_leaves_no_trace(
    accounts: Accounts, admin: Operator, session_factory: sessionmaker[Session]
) -> None:
    accounts.add_user(admin, "zhang", name="张", role=Role.SUPERVISOR, stations=[], password=PW)
    zhang = accounts.sign_in("zhang", PW, HOST)
    before = _entries(session_factory)
    with pytest.raises(NotPermittedError, match=r"zhang \(supervisor\) may not manage users"):
        accounts.add_user(zhang, "wang", name="王", role=Role.VIEWER, stations=[], password=PW)
    with pytest.raises(NotPermittedError):
        accounts.set_active(zhang, "admin", False)
    with pytest.raises(NotPermittedError):
        accounts.users(zhang)
    unsigned = Operator.workstation_user()  # a window before sign-in
    with pytest.raises(NotPermittedError, match="not signed in"):
        accounts.reset_password(unsigned, "zhang", "Another2026")
    assert _entries(session_factory) == before
    assert [u.login for u in accounts.users(admin)] == ["admin", "zhang"]


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(
    accounts: Accounts,
    admin: Operator,
    clock: FixedClock,
    session_factory: sessionmaker[Session],
) -> None:
    accounts.add_user(admin, "zhang", name="张", role=Role.DISPATCHER, stations=[], password=PW)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(SignInError, match="wrong login name or password") as refused:
            accounts.sign_in("zhang", "wrong-0000", HOST)
        assert refused.value.locked_until is None
    with pytest.raises(SignInError, match="locked until") as locked:
        accounts.sign_in("zhang", "wrong-0000", HOST)
    assert locked.value.locked_until == clock.now() + LOCK_FOR
    with pytest.raises(SignInError, match="locked until"):  # the right password: still locked
        accounts.sign_in("zhang", PW, HOST)
    with pytest.raises(SignInError, match="wrong login name or password"):  # unknown: same words
        accounts.sign_in("nobody", PW, HOST)
    clock.advance(LOCK_FOR + timedelta(seconds=1))
    assert accounts.sign_in("zhang", PW, HOST).login == "zhang"
    actions = [a for _actor, a, login in _entries(session_factory) if login == "zhang"]
    assert actions == ["user.add"] + ["signin.failed"] * (MAX_FAILURES + 1) + ["signin"]
    with session_factory() as s:
        assert verify_chain(s).ok


def test_an_administrator_unlocks_and_resets_and_the_user_changes_the_password(
    accounts: Accounts, admin: Operator
) -> None:
    accounts.add_user(admin, "zhang", name="张", role=Role.DISPATCHER, stations=[], password=PW)
    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInError):
            accounts.sign_in("zhang", "wrong-0000", HOST)
    accounts.reset_password(admin, "zhang", "Temporary2026")
    assert accounts.sign_in("zhang", "Temporary2026", HOST).login == "zhang"
    assert next(u for u in accounts.users(admin) if u.login == "zhang").must_change_password
    with pytest.raises(AccountError, match="old password is wrong"):
        accounts.change_password("zhang", "not-it-2026", "Mine2026ok")
    with pytest.raises(PasswordPolicyError, match="letters and digits"):
        accounts.change_password("zhang", "Temporary2026", "onlyletters")
    with pytest.raises(PasswordPolicyError, match="at least 8"):
        accounts.change_password("zhang", "Temporary2026", "ab1")
    with pytest.raises(PasswordPolicyError, match="login name"):
        accounts.change_password("zhang", "Temporary2026", "zhang2026")
    accounts.change_password("zhang", "Temporary2026", "Mine2026ok")
    assert not next(u for u in accounts.users(admin) if u.login == "zhang").must_change_password
    with pytest.raises(SignInError):
        accounts.sign_in("zhang", "Temporary2026", HOST)


def test_a_disabled_user_cannot_sign_in_and_the_last_administrator_stays(
    accounts: Accounts, admin: Operator
) -> None:
    accounts.add_user(admin, "zhang", name="张", role=Role.DISPATCHER, stations=[], password=PW)
    accounts.set_active(admin, "zhang", False)
    with pytest.raises(SignInError, match="wrong login name or password"):
        accounts.sign_in("zhang", PW, HOST)
    accounts.set_active(admin, "zhang", True)
    assert accounts.sign_in("zhang", PW, HOST).login == "zhang"
    with pytest.raises(AccountError, match="last active administrator"):
        accounts.set_active(admin, "admin", False)


def test_passwords_are_scrypt_hashes_with_their_cost_and_a_salt() -> None:
    one, two = hash_password("Secret2026"), hash_password("Secret2026")
    assert one != two and one.startswith("scrypt$16384$8$1$")
    assert verify_password("Secret2026", one) and not verify_password("Secret2027", one)
    assert not verify_password("Secret2026", "md5$abc") and not verify_password("x", None)


def test_a_sign_in_with_an_absurd_login_is_refused_and_recorded_cut_to_size(
    accounts: Accounts, admin: Operator, session_factory: sessionmaker[Session]
) -> None:
    typed = "x" * 500
    with pytest.raises(SignInError, match="wrong login name or password"):
        accounts.sign_in(typed, PW, HOST)
    assert _entries(session_factory)[-1] == ("x" * 64, "signin.failed", "x" * 64)


def test_every_entry_names_the_workstation_the_action_came_from(
    accounts: Accounts, admin: Operator, session_factory: sessionmaker[Session]
) -> None:
    assert admin.workstation == HOST
    accounts.add_user(admin, "zhang", name="张", role=Role.DISPATCHER, stations=[], password=PW)
    with pytest.raises(SignInError):
        accounts.sign_in("zhang", "wrong", "ws-09 (smc db)")
    zhang = accounts.sign_in("zhang", PW, "ws-09 (smc db)")
    assert zhang.workstation == "ws-09 (smc db)"
    accounts.sign_out(zhang, zhang.workstation)
    rows = audit_rows(session_factory)
    assert [(r.actor, r.action, r.workstation) for r in rows] == [
        ("setup", "user.add", rows[0].workstation),  # the first administrator, made here
        ("admin", "signin", HOST),
        ("admin", "user.add", HOST),
        ("zhang", "signin.failed", "ws-09 (smc db)"),
        ("zhang", "signin", "ws-09 (smc db)"),
        ("zhang", "signout", "ws-09 (smc db)"),
    ]
    assert rows[0].workstation  # this computer's name
    with session_factory() as s:
        assert verify_chain(s).ok
