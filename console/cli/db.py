"""``smc db ACTION``: the database tools (demo county, imports, backup and restore, audit check).

Each action lives in its own module with ``add_parsers(actions)``; each parser sets ``db_run``
to the function that runs it (``console.cli.db_common`` has what they share).
"""

from __future__ import annotations

import argparse

from console.cli import db_audit, db_backup, db_demo, db_export, db_import, db_rollups
from console.cli.db_common import DbToolError, report_error

ACTIONS = (db_demo, db_import, db_export, db_backup, db_audit, db_rollups)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "db", help="database tools: demo county, imports, exports, backup, audit"
    )
    actions = p.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    for module in ACTIONS:
        module.add_parsers(actions)


def run(args: argparse.Namespace) -> int:
    try:
        code: int = args.db_run(args)
    except DbToolError as err:
        return report_error(err)
    return code
