"""``smc db rebuild-rollups``: recompute every rollup from the raw readings, in one transaction.

A repair tool: the ingest path keeps the rollups current by itself, but an archive import that
moves meters between 台区 changes what their past readings count towards.
"""

from __future__ import annotations

import argparse
import sys
import time

from console.cli import db_common
from console.cli.db_common import EXIT_OK, DbToolError
from console.core.database import describe_db
from console.core.i18n import translate
from db import rollups
from db.errors import DatabaseError


def add_parsers(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = actions.add_parser(
        "rebuild-rollups",
        parents=[db_common.common_options()],
        help="recompute every rollup (sales, line loss, collection, load) from the readings",
    )
    p.set_defaults(db_run=run)


def run(args: argparse.Namespace) -> int:
    url = db_common.database_url(args)
    started = time.monotonic()
    try:
        with (
            db_common.upgraded_database(url) as session_factory,
            session_factory.begin() as session,
        ):
            rollups.recompute_all(session)
    except DatabaseError as err:
        raise DbToolError(str(err)) from err
    done = translate("SmcDb", "rollups of {database} rebuilt in {seconds} s")
    print(
        done.format(database=describe_db(url), seconds=f"{time.monotonic() - started:.1f}"),
        file=sys.stderr,
    )
    return EXIT_OK
