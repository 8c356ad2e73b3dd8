"""``smc db export KIND --out PATH``: any import kind written back in its template's format,
CSV or (by the extension) .xlsx, ready to be corrected and imported again, or moved to another
database.

Reading needs no sign-in on a local SQLite file; on a shared server that has accounts it does.
With ``--user`` the export holds only the operator's supply stations. Exit 0: written; 1: the
database or the file could not be used; 2: usage.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from console.accounts.api import SignInError
from console.accounts.service import Accounts
from console.archive.export import SUFFIXES, ExportError, export_kind
from console.archive.schema import KINDS
from console.cli import db_common
from console.cli.db_common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, DbToolError
from console.core.clock import SystemClock
from console.core.database import describe_db
from console.core.i18n import translate
from console.core.operator import NotPermittedError, Operator
from console.core.roles import Permission
from db.engine import create_db_engine, make_session_factory, sqlite_path
from db.errors import DatabaseError
from db.migrate import current_revision, head_revision


def add_parsers(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = actions.add_parser(
        "export",
        parents=[db_common.common_options()],
        help="write the org, concentrators, tariffs, customers, meters, freezes, curves or "
        "events in their import template's format",
        description="Write what the database holds of KIND in the format of its import "
        "template (resources/templates/README.md): CSV in UTF-8 with a byte-order mark, or an "
        ".xlsx workbook when the file name ends in .xlsx. Importing the file into an empty "
        "database and exporting again gives the same file.",
    )
    p.add_argument("kind", choices=KINDS, help="what to write")
    p.add_argument(
        "--out", metavar="PATH", type=Path, required=True, help=f"the file ({', '.join(SUFFIXES)})"
    )
    p.set_defaults(db_run=run)


@contextmanager
def _reading(url: str) -> Iterator[sessionmaker[Session]]:
    """The database at ``url`` as it is: an export writes nothing, not even a schema upgrade."""
    path = sqlite_path(url)
    if path is not None and not path.is_file():  # connecting would create an empty file
        raise DbToolError(
            translate("SmcDb", "there is no database file at {path}").format(path=path)
        )
    engine = create_db_engine(url)
    try:
        if current_revision(engine) != head_revision():
            raise DbToolError(
                translate(
                    "SmcDb",
                    "{database} has an older schema: open it with the console (or import into "
                    "it) once to upgrade it, then export",
                ).format(database=describe_db(url))
            )
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def _signed_in(
    args: argparse.Namespace, url: str, factory: sessionmaker[Session]
) -> Operator | None:
    """The operator ``--user`` names (signed in, allowed to read); without ``--user``, ``None``
    — refused on a shared server that has accounts."""
    accounts = Accounts(factory, SystemClock())
    if getattr(args, "user", None):
        try:
            who = db_common.sign_in_as_user(args, accounts, "smc db", "")
            who.require(Permission.VIEW, f"export {args.kind}")
        except (SignInError, NotPermittedError) as err:
            raise DbToolError(str(err)) from err
        return who
    if sqlite_path(url) is None and accounts.has_users():
        raise DbToolError(
            translate(
                "SmcDb", "{database} is shared and has accounts: sign in with --user NAME to export"
            ).format(database=describe_db(url)),
            EXIT_USAGE,
        )
    return None


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    url = db_common.database_url(args)
    started = time.monotonic()
    try:
        with _reading(url) as factory:
            who = _signed_in(args, url, factory)
            stations = None if who is None else who.stations
            with factory() as session:
                rows = export_kind(session, args.kind, out, stations=stations)
    except ExportError as err:
        raise DbToolError(str(err), EXIT_FAILED) from err
    except DatabaseError as err:
        raise DbToolError(f"{describe_db(url)}: {err}", EXIT_FAILED) from err
    except SQLAlchemyError as err:
        reason = getattr(err, "orig", None) or err
        raise DbToolError(f"{describe_db(url)}: {reason}", EXIT_FAILED) from err
    seconds = f"{time.monotonic() - started:.1f}"
    if who is None or stations is None:
        line = translate("SmcDb", "{file}: {kind}, {rows} rows in {seconds} s")
    else:
        line = translate(
            "SmcDb", "{file}: {kind}, {rows} rows (the supply stations of {user}) in {seconds} s"
        )
    print(line.format(file=out, kind=args.kind, rows=rows, user=who and who.login, seconds=seconds))
    return EXIT_OK
