"""What every ``smc db`` action shares: ``--db``/``--config``, the database URL, error exits.

Exit codes: 0 done, 1 the action failed (the message says why, nothing was changed unless it
says so), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import getpass
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.api import SignInError
from console.accounts.service import Accounts
from console.core import paths
from console.core.clock import SystemClock
from console.core.config import LANGUAGES, ConfigError, Settings, load_settings
from console.core.database import check_db_url, describe_db, resolve_db_url
from console.core.i18n import translate
from console.core.operator import NotPermittedError, Operator, acting_as
from console.core.roles import Permission
from db.engine import create_db_engine, make_session_factory
from db.errors import DatabaseError
from db.migrate import upgrade

PASSWORD_ENV = "SMC_PASSWORD"  # the signing-in operator's password, for scripts
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class DbToolError(Exception):
    """A problem the tool reports in one line; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def common_options() -> argparse.ArgumentParser:
    """``--db`` and ``--config`` after the action too: ``smc db demo --db URL``."""
    p = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    p.add_argument("--db", metavar="URL", help="database URL (default: the one the window opens)")
    p.add_argument("--config", metavar="PATH", type=Path, help="configuration file (TOML)")
    p.add_argument(
        "--lang", choices=LANGUAGES,
        help="language of the messages (default: SMC_LANG, else the window's, zh_CN)",
    )  # fmt: skip
    p.add_argument(
        "--user", metavar="NAME",
        help="sign in as this operator (password from SMC_PASSWORD or asked); needed by an "
        "action that changes data once the database has accounts",
    )  # fmt: skip
    return p


def settings_of(args: argparse.Namespace) -> Settings:
    """The configuration the window reads (``--config``, else the user's file or defaults);
    a broken file is a usage error."""
    config: Path | None = getattr(args, "config", None)
    try:
        return load_settings(config or paths.default_config_path(), must_exist=config is not None)
    except ConfigError as err:
        raise DbToolError(str(err), EXIT_USAGE) from err


def database_url(args: argparse.Namespace) -> str:
    """``--db``, else the configuration's ``[database] url``, else the user data directory's
    SQLite file: the database the window opens."""
    url = str(args.db) if getattr(args, "db", None) else resolve_db_url(settings_of(args))
    try:
        return check_db_url(url)
    except ConfigError as err:
        raise DbToolError(str(err), EXIT_USAGE) from err


@contextmanager
def upgraded_database(
    url: str, *, backup_dir: Path | None = None
) -> Iterator[sessionmaker[Session]]:
    """The database at ``url`` with its schema brought to this program's (an older one backed
    up into ``backup_dir`` first, when given), its connections closed afterwards."""
    engine = create_db_engine(url)
    try:
        upgrade(engine, backup_dir=backup_dir)
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def failed(url: str, reason: object) -> str:
    """What went wrong with the database at ``url``, naming it."""
    return translate("SmcDb", "{database}: {reason}").format(
        database=describe_db(url), reason=reason
    )


def report_error(err: DbToolError) -> int:
    print(translate("SmcDb", "smc db: error: {reason}").format(reason=err), file=sys.stderr)
    return err.code


@contextmanager
def signed_in(
    args: argparse.Namespace,
    url: str,
    permission: Permission,
    what: str,
    *,
    missing: str,
    unreadable_ok: bool = False,
) -> Iterator[Operator]:
    """Act as the operator ``--user`` names (signed in, the sign-in audited), who must be
    allowed ``permission`` to do ``what``; on a database without accounts, as the workstation's
    user. ``missing``: the refusal without ``--user`` on a database with accounts, a whole
    sentence in the operator's language. ``unreadable_ok``: a database that cannot be opened
    (the damaged one a restore replaces) has no accounts to check either."""
    try:
        who = _sign_in(args, url, permission, what, missing)
    except (SQLAlchemyError, DatabaseError) as err:
        if not unreadable_ok:
            raise DbToolError(failed(url, err)) from err
        who = Operator.workstation_user()
    with acting_as(who):
        yield who


def _sign_in(
    args: argparse.Namespace, url: str, permission: Permission, what: str, missing: str
) -> Operator:
    with upgraded_database(url) as sf:
        accounts = Accounts(sf, SystemClock())
        if not accounts.has_users():
            return Operator.workstation_user()
        try:
            who = sign_in_as_user(args, accounts, "smc db", missing)
            who.require(permission, what)
        except (SignInError, NotPermittedError) as err:
            raise DbToolError(str(err)) from err
        return who


def sign_in_as_user(
    args: argparse.Namespace, accounts: Accounts, tool: str, missing: str
) -> Operator:
    """The operator ``--user`` names, signed in (and audited) with the password from
    ``SMC_PASSWORD`` or the terminal; without ``--user``, a usage error saying ``missing``."""
    login = getattr(args, "user", None)
    if not login:
        raise DbToolError(missing, EXIT_USAGE)
    password = secret(PASSWORD_ENV, translate("SmcDb", "password of {login}: ").format(login=login))
    return accounts.sign_in(login, password, f"{socket.gethostname()} ({tool})")


def secret(env: str, prompt: str, *, twice: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        reason = translate("SmcDb", "no password: set {variable} or run on a terminal")
        raise DbToolError(reason.format(variable=env), EXIT_USAGE)
    first = getpass.getpass(prompt)
    if twice and getpass.getpass(translate("SmcDb", "again: ")) != first:
        raise DbToolError(translate("SmcDb", "the two passwords differ"))
    return first
