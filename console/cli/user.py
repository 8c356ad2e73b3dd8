"""``smc user ACTION``: operator accounts from the command line (add, list, disable, enable,
passwd). An administrator signs in with ``--user NAME`` (password from ``SMC_PASSWORD`` or asked
on the terminal); on a database without users, ``add NAME --role administrator`` needs none.

Exit codes: 0 done, 1 refused or failed (the message says why), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from console.accounts.api import AccountError, SignInError, UserInfo
from console.accounts.passwords import PasswordPolicyError
from console.accounts.service import Accounts
from console.cli import db_common
from console.cli.db_common import (
    EXIT_FAILED,
    EXIT_OK,
    PASSWORD_ENV,
    DbToolError,
    secret,
)
from console.core.clock import SystemClock
from console.core.i18n import translate
from console.core.operator import NotPermittedError, Operator
from console.core.roles import Role

NEW_PASSWORD_ENV = "SMC_NEW_PASSWORD"  # the password being set, for scripts


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("user", help="operator accounts: add, list, disable, passwd")
    actions = p.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    common = db_common.common_options()

    add = actions.add_parser("add", parents=[common], help="create an account")
    add.add_argument("login", metavar="NAME")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--scope", metavar="CODE", action="append", default=[],
                     help="a supply station (code or name) the user sees; repeat for more; "
                     "none: the whole county")  # fmt: skip
    add.add_argument("--name", dest="display_name", default="", help="the name shown")
    add.set_defaults(user_run=_add)

    listing = actions.add_parser("list", parents=[common], help="list the accounts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(user_run=_list)

    toggles = (("disable", _disable, "stop an account from signing in"),
               ("enable", _enable, "let an account sign in again (and unlock it)"))  # fmt: skip
    for name, run, text in toggles:
        q = actions.add_parser(name, parents=[common], help=text)
        q.add_argument("login", metavar="NAME")
        q.set_defaults(user_run=run)

    pw = actions.add_parser(
        "passwd", parents=[common],
        help="change your password, or (as another administrator) reset a user's",
    )  # fmt: skip
    pw.add_argument("login", metavar="NAME")
    pw.set_defaults(user_run=_passwd)


def run(args: argparse.Namespace) -> int:
    try:
        url = db_common.database_url(args)
        with db_common.upgraded_database(url) as sf:
            accounts = Accounts(sf, SystemClock())
            code: int = args.user_run(args, accounts)
            return code
    except DbToolError as err:
        print(translate("SmcUser", "smc user: error: {reason}").format(reason=err), file=sys.stderr)
        return err.code
    except (AccountError, PasswordPolicyError, SignInError, NotPermittedError) as err:
        print(translate("SmcUser", "smc user: {reason}").format(reason=err), file=sys.stderr)
        return EXIT_FAILED


# ---------------------------------------------------------------------------- passwords
def _signed_in(args: argparse.Namespace, accounts: Accounts) -> Operator:
    missing = translate("SmcUser", "sign in with --user NAME (an administrator)")
    return db_common.sign_in_as_user(args, accounts, "smc user", missing)


# ---------------------------------------------------------------------------- actions
def _add(args: argparse.Namespace, accounts: Accounts) -> int:
    first = not accounts.has_users()
    by = None if first and not getattr(args, "user", None) else _signed_in(args, accounts)
    ask = translate("SmcUser", "new password of {login}: ").format(login=args.login)
    password = secret(NEW_PASSWORD_ENV, ask, twice=True)
    info = accounts.add_user(by, args.login, name=args.display_name, role=Role(args.role),
                             stations=args.scope, password=password)  # fmt: skip
    print(
        translate("SmcUser", "user {login} added: {line}").format(
            login=info.login, line=_line(info)
        )
    )
    return EXIT_OK


def _list(args: argparse.Namespace, accounts: Accounts) -> int:
    users = accounts.users(_signed_in(args, accounts))
    if args.json:
        print(json.dumps([_json(u) for u in users], ensure_ascii=False, indent=2))
    else:
        for info in users:
            print(f"{info.login:<16} {_line(info)}")
    return EXIT_OK


def _set_active(active: bool) -> Callable[[argparse.Namespace, Accounts], int]:
    def action(args: argparse.Namespace, accounts: Accounts) -> int:
        info = accounts.set_active(_signed_in(args, accounts), args.login, active)
        if info.active:
            print(translate("SmcUser", "user {login}: enabled").format(login=info.login))
        else:
            print(translate("SmcUser", "user {login}: disabled").format(login=info.login))
        return EXIT_OK

    return action


_enable, _disable = _set_active(True), _set_active(False)


def _passwd(args: argparse.Namespace, accounts: Accounts) -> int:
    admin = getattr(args, "user", None)
    if admin and admin != args.login:  # an administrator resets someone else's
        by = _signed_in(args, accounts)
        ask = translate("SmcUser", "new password of {login}: ").format(login=args.login)
        new = secret(NEW_PASSWORD_ENV, ask, twice=True)
        accounts.reset_password(by, args.login, new)
        done = translate(
            "SmcUser", "password of {login} reset: it must be changed at the next sign-in"
        )
        print(done.format(login=args.login))
        return EXIT_OK
    ask = translate("SmcUser", "current password of {login}: ").format(login=args.login)
    old = secret(PASSWORD_ENV, ask)
    new = secret(NEW_PASSWORD_ENV, translate("SmcUser", "new password: "), twice=True)
    accounts.change_password(args.login, old, new)
    print(translate("SmcUser", "password of {login} changed").format(login=args.login))
    return EXIT_OK


def _line(info: UserInfo) -> str:
    scope = ", ".join(info.stations) or translate("SmcUser", "whole county")
    state = translate("SmcUser", "active") if info.active else translate("SmcUser", "disabled")
    if info.locked_until is not None:
        state = translate("SmcUser", "{state}, locked until {time}").format(
            state=state, time=f"{info.locked_until:%Y-%m-%d %H:%M}"
        )
    line = translate("SmcUser", "{role}; scope: {scope}; {state}")
    return line.format(role=info.role.value, scope=scope, state=state)


def _json(info: UserInfo) -> dict[str, object]:
    return {
        "login": info.login, "name": info.name, "role": info.role.value,
        "stations": list(info.stations), "active": info.active,
        "locked_until": info.locked_until.isoformat() if info.locked_until else None,
        "last_signin_at": info.last_signin_at.isoformat() if info.last_signin_at else None,
        "must_change_password": info.must_change_password,
    }  # fmt: skip
