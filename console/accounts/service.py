"""The accounts API: sign-in with lockout, users with a role and a scope, passwords set, changed
and reset. Every change and every sign-in (also a failed one) writes an audit entry in the same
transaction; the permission checks are here, whatever the caller shows or hides."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.api import LOGIN, AccountError, SignInError, UserInfo
from console.accounts.passwords import check_policy, hash_password, needs_rehash, verify_password
from console.core.clock import Clock
from console.core.i18n import translate
from console.core.operator import NotPermittedError, Operator, this_workstation
from console.core.roles import Permission, Role
from db import audit
from db.models import Role as RoleRow
from db.models import SupplyStation, User, UserStation

MAX_FAILURES = 5  # consecutive failed sign-ins before the account locks
LOCK_FOR = timedelta(minutes=15)
LOGIN_MAX = 64  # the audit log's actor and object columns


@functools.cache
def _dummy_hash() -> str:
    return hash_password("a password no account has 0")


class Accounts:
    def __init__(self, session_factory: sessionmaker[Session], clock: Clock) -> None:
        self._sf = session_factory
        self._clock = clock

    # ------------------------------------------------------------------ reading
    def has_users(self) -> bool:
        with self._sf() as session:
            return bool(session.scalar(select(func.count()).select_from(User)))

    def stations(self) -> list[tuple[str, str]]:
        """(code, name) of every supply station, for a user's scope."""
        with self._sf() as session:
            rows = session.execute(
                select(SupplyStation.code, SupplyStation.name).order_by(SupplyStation.code)
            )
            return [(code, name) for code, name in rows]

    def must_change_password(self, login: str) -> bool:
        """Whether ``login`` must choose a new password (an administrator reset it)."""
        with self._sf() as session:
            return bool(
                session.scalar(select(User.must_change_password).where(User.login == login))
            )

    def users(self, by: Operator) -> list[UserInfo]:
        by.require(Permission.MANAGE_USERS, "list the users")
        with self._sf() as session:
            rows = session.scalars(select(User).order_by(User.login)).all()
            return [_info(session, user) for user in rows]

    # ------------------------------------------------------------------ signing in
    def sign_in(self, login: str, password: str, workstation: str) -> Operator:
        """The operator for ``login``, or ``SignInError`` (the same words for an unknown login
        and a wrong password). Five failures in a row lock the account for 15 minutes. A
        failed attempt is committed (its audit entry, the count) before the error is raised."""
        now = self._clock.now()
        with self._sf.begin() as session:
            outcome = self._check(session, login, password, workstation, now)
        if isinstance(outcome, SignInError):
            raise outcome
        return outcome

    def _check(
        self, session: Session, login: str, password: str, workstation: str, now: datetime
    ) -> Operator | SignInError:
        wrong = SignInError(translate("Accounts", "wrong login name or password"))
        user = session.scalar(select(User).where(User.login == login))
        if user is None or not user.active:
            # As long as a wrong password takes: the time must not tell which logins exist.
            verify_password(password, _dummy_hash())
            refused = {"workstation": workstation, "reason": "unknown or disabled"}
            typed = login[:LOGIN_MAX]  # what was typed may be longer than any login
            self._audit(session, typed, "signin.failed", typed, None, after=refused,
                        workstation=workstation)  # fmt: skip
            return wrong
        if user.locked_until is not None and user.locked_until > now:
            self._audit(session, login, "signin.failed", login, None,
                        after={"workstation": workstation, "reason": "locked"},
                        workstation=workstation)  # fmt: skip
            return SignInError(
                translate(
                    "Accounts",
                    "the account is locked until {time} after {n} failed sign-ins; wait, or ask "
                    "an administrator to unlock it",
                ).format(time=f"{user.locked_until:%H:%M}", n=MAX_FAILURES),
                user.locked_until,
            )
        if not verify_password(password, user.password_hash):
            user.failed_signins += 1
            after: dict[str, object] = {"workstation": workstation, "reason": "password",
                                        "failures": user.failed_signins}  # fmt: skip
            if user.failed_signins >= MAX_FAILURES:
                user.locked_until = now + LOCK_FOR
                user.failed_signins = 0
                after["locked_until"] = user.locked_until
            self._audit(session, login, "signin.failed", login, None, after=after,
                        workstation=workstation)  # fmt: skip
            if "locked_until" in after:
                return SignInError(
                    translate(
                        "Accounts", "wrong password {n} times: the account is locked until {time}"
                    ).format(n=MAX_FAILURES, time=f"{user.locked_until:%H:%M}"),
                    user.locked_until,
                )
            return wrong
        if user.password_hash is not None and needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.failed_signins = 0
        user.locked_until = None
        user.last_signin_at = now
        self._audit(session, login, "signin", login, None, after={"workstation": workstation},
                    workstation=workstation)  # fmt: skip
        return _operator(session, user, workstation)

    def sign_out(self, operator: Operator, workstation: str) -> None:
        with self._sf.begin() as session:
            self._audit(session, operator.login, "signout", operator.login, None,
                        after={"workstation": workstation}, workstation=workstation)  # fmt: skip

    # ------------------------------------------------------------------ managing users
    def add_user(
        self,
        by: Operator | None,
        login: str,
        *,
        name: str,
        role: Role,
        stations: Sequence[str],
        password: str,
    ) -> UserInfo:
        """Create an account. ``by`` None: the first administrator of a database without
        users (no one to sign in as yet)."""
        role = Role(role)
        if not LOGIN.fullmatch(login):
            raise AccountError(
                translate(
                    "Accounts", "login name {login}: 2-64 letters, digits, '.', '_' or '-' only"
                ).format(login=repr(login))
            )
        check_policy(password, login)
        with self._sf.begin() as session:
            actor = self._manager(session, by, first_role=role)
            if session.scalar(select(User.id).where(User.login == login)) is not None:
                raise AccountError(
                    translate("Accounts", "there is already a user {login}").format(
                        login=repr(login)
                    )
                )
            station_ids = _station_ids(session, stations)
            now = self._clock.now()
            user = User(
                login=login, name=name or login, role_id=_role_id(session, role),
                password_hash=hash_password(password), active=True, created_at=now,
                failed_signins=0, password_changed_at=now, must_change_password=False,
            )  # fmt: skip
            session.add(user)
            session.flush()
            session.add_all(UserStation(user_id=user.id, supply_station_id=s) for s in station_ids)
            session.flush()
            info = _info(session, user)
            self._audit(session, actor, "user.add", login, None, after=_public(info),
                        workstation=by.workstation if by else this_workstation())  # fmt: skip
            return info

    def set_active(self, by: Operator, login: str, active: bool) -> UserInfo:
        with self._sf.begin() as session:
            self._manager(session, by)
            user = _user(session, login)
            before = _public(_info(session, user))
            if not active and _is_last_administrator(session, user):
                raise AccountError(
                    translate("Accounts", "{login} is the last active administrator").format(
                        login=login
                    )
                )
            user.active = active
            if active:  # enabling also lifts a lockout
                user.failed_signins, user.locked_until = 0, None
            info = _info(session, user)
            action = "user.enable" if active else "user.disable"
            self._audit(session, by.login, action, login, before, after=_public(info),
                        workstation=by.workstation)  # fmt: skip
            return info

    def reset_password(self, by: Operator, login: str, password: str) -> None:
        """An administrator sets a new password (to be changed at the next sign-in) and lifts
        a lockout."""
        check_policy(password, login)
        with self._sf.begin() as session:
            self._manager(session, by)
            user = _user(session, login)
            user.password_hash = hash_password(password)
            user.password_changed_at = self._clock.now()
            user.must_change_password = True
            user.failed_signins, user.locked_until = 0, None
            self._audit(session, by.login, "user.password_reset", login, None, after=None,
                        workstation=by.workstation)  # fmt: skip

    def change_password(self, login: str, old: str, new: str) -> None:
        """The user's own change: the old password proves who asks."""
        check_policy(new, login)
        if new == old:
            raise AccountError(
                translate("Accounts", "the new password must differ from the old one"),
                "same_password",
            )
        with self._sf.begin() as session:
            user = _user(session, login)
            if not user.active or not verify_password(old, user.password_hash):
                raise AccountError(
                    translate("Accounts", "the old password is wrong"), "old_password"
                )
            user.password_hash = hash_password(new)
            user.password_changed_at = self._clock.now()
            user.must_change_password = False
            self._audit(session, login, "user.password_change", login, None, after=None,
                        workstation=this_workstation())  # fmt: skip

    # ------------------------------------------------------------------ helpers
    def _manager(
        self, session: Session, by: Operator | None, first_role: Role | None = None
    ) -> str:
        if by is not None:
            by.require(Permission.MANAGE_USERS, "manage users")
            return by.login
        if session.scalar(select(func.count()).select_from(User)):
            raise NotPermittedError(
                translate("Accounts", "sign in as an administrator to manage users")
            )
        if first_role is not Role.ADMINISTRATOR:
            raise AccountError(
                translate("Accounts", "the first user of a database must be an administrator")
            )
        return "setup"

    def _audit(
        self, session: Session, actor: str, action: str, login: str, before: object,
        *, after: object, workstation: str,
    ) -> None:  # fmt: skip
        audit.record(session, actor=actor, action=action, object_kind="user", object_id=login,
                     before=before, after=after, at=self._clock.now(),
                     workstation=workstation)  # fmt: skip


def _user(session: Session, login: str) -> User:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise AccountError(
            translate("Accounts", "there is no user {login}").format(login=repr(login))
        )
    return user


def _role_id(session: Session, role: Role) -> int:
    found = session.scalar(select(RoleRow.id).where(RoleRow.code == role.value))
    if found is None:  # a database made before migration 0008's rows: add the role
        row = RoleRow(code=role.value, name=role.value)
        session.add(row)
        session.flush()
        return row.id
    return found


def _station_ids(session: Session, codes: Sequence[str]) -> list[int]:
    ids: list[int] = []
    for code in codes:
        found = session.scalar(
            select(SupplyStation.id).where(
                (SupplyStation.code == code) | (SupplyStation.name == code)
            )
        )
        if found is None:
            raise AccountError(
                translate(
                    "Accounts", "there is no supply station {code} (give its code or name)"
                ).format(code=repr(code))
            )
        ids.append(found)
    return sorted(set(ids))


def _info(session: Session, user: User) -> UserInfo:
    role = session.scalar(select(RoleRow.code).where(RoleRow.id == user.role_id)) or ""
    codes = session.scalars(
        select(SupplyStation.code)
        .join(UserStation, UserStation.supply_station_id == SupplyStation.id)
        .where(UserStation.user_id == user.id)
        .order_by(SupplyStation.code)
    ).all()
    return UserInfo(
        user.login, user.name, Role(role), tuple(codes), user.active, user.locked_until,
        user.last_signin_at, user.must_change_password,
    )  # fmt: skip


def _operator(session: Session, user: User, workstation: str) -> Operator:
    role = session.scalar(select(RoleRow.code).where(RoleRow.id == user.role_id)) or ""
    ids = session.scalars(
        select(UserStation.supply_station_id).where(UserStation.user_id == user.id)
    ).all()
    return Operator(user.login, user.name, Role(role), frozenset(ids) or None, user.id, workstation)


def _public(info: UserInfo) -> dict[str, object]:
    return {"login": info.login, "name": info.name, "role": info.role.value,
            "stations": list(info.stations), "active": info.active}  # fmt: skip


def _is_last_administrator(session: Session, user: User) -> bool:
    admin = session.scalar(select(RoleRow.id).where(RoleRow.code == Role.ADMINISTRATOR.value))
    if user.role_id != admin or not user.active:
        return False
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role_id == admin, User.active, User.id != user.id)
    )
    return not others
