"""The demo county's documented accounts: one per role, the field engineer scoped to the first
supply station, all with the documented password; none added to a database with users."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.service import Accounts
from console.app.database import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts
from console.core.clock import FixedClock
from console.core.roles import Role
from console.demo.generator import DemoCounty
from db.models import SupplyStation


@pytest.fixture
def accounts(session_factory: sessionmaker[Session], clock: FixedClock) -> Accounts:
    return Accounts(session_factory, clock)


def test_one_account_per_role_signs_in_with_the_documented_password(
    accounts: Accounts, session_factory: sessionmaker[Session], small_county: DemoCounty
) -> None:
    create_demo_accounts(accounts, session_factory)
    signed = {login: accounts.sign_in(login, DEMO_PASSWORD, "ws") for login, *_ in DEMO_ACCOUNTS}
    assert {who.role for who in signed.values()} == set(Role)
    with session_factory() as s:
        first = s.scalar(select(SupplyStation.id).order_by(SupplyStation.code))
    assert signed["jingli"].stations == {first}
    assert signed["diaodu"].stations is None  # the whole county
    create_demo_accounts(accounts, session_factory)  # again: the database has users now
    assert len(accounts.users(signed["admin"])) == len(DEMO_ACCOUNTS)
