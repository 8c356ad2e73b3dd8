"""``smc db import org|concentrators|tariffs|customers|meters|readings|curves|events FILE``: the
county's topology, concentrators, tariffs, customer and meter archive (档案), daily freezes, load
curves and meter events from CSV (UTF-8 or GBK) or Excel, checked row by row, stored
all-or-nothing, audited.

Exit 0: every row stored; 1: invalid rows (nothing stored, or with --skip-invalid only the valid
rows) or a header that does not fit the kind; 2: usage (no such file, unreadable encoding).
"""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from console.archive.audit import record_import
from console.archive.importer import ImportResult, import_file
from console.archive.reader import ImportFileError, TableFile
from console.archive.report import ReportError, default_report_path
from console.archive.schema import KINDS, HeaderError
from console.cli import db_common
from console.cli.db_common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, DbToolError
from console.core import operator, paths
from console.core.database import describe_db
from console.core.roles import Permission
from db.errors import DatabaseError

MAX_PRINTED = 20


def add_parsers(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = actions.add_parser(
        "import",
        parents=[db_common.common_options()],
        help="import the org, concentrators, tariffs, customers, meters, daily freezes, curves "
        "or events",
        description="Import the county's 台区 and the units above them (org), concentrators, "
        "tariffs (电价表: price lines, 峰谷 hours, 阶梯 tiers), the customer or meter archive "
        "(档案), daily freezes (日冻结), 15-minute curves "
        "(负荷曲线) or meter events (事件) from a CSV file (UTF-8, UTF-8 with BOM, "
        "GBK/GB18030) or an .xlsx workbook, in this order: " + ", ".join(KINDS) + ". Columns: "
        "resources/templates/README.md. Nothing is stored unless every row is valid.",
    )
    p.add_argument("kind", choices=KINDS, help="what the file holds")
    p.add_argument("file", type=Path, help="the .csv or .xlsx file")
    p.add_argument("--sheet", metavar="NAME", help="the workbook's sheet (default: the first)")
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="store the valid rows and write the rejected ones to the report",
    )
    p.add_argument(
        "--report",
        metavar="PATH",
        type=Path,
        help="CSV of the rejected rows with their reasons (default with --skip-invalid: "
        "NAME.rejected.csv next to the file)",
    )
    p.set_defaults(db_run=run)


def run(args: argparse.Namespace) -> int:
    source: Path = args.file
    try:
        table = TableFile(source, sheet=args.sheet)
    except ImportFileError as err:
        raise DbToolError(str(err), EXIT_USAGE) from err
    report: Path | None = args.report
    if report is None and args.skip_invalid:
        report = default_report_path(source)
    if report is not None and report.resolve() == source.resolve():
        raise DbToolError(f"--report {report}: that is the file being imported", EXIT_USAGE)
    url = db_common.database_url(args)
    started = time.monotonic()
    try:
        with (
            db_common.signed_in(args, url, Permission.IMPORT_ARCHIVE, f"import {args.kind}"),
            db_common.upgraded_database(url, backup_dir=paths.backup_dir()) as session_factory,
            session_factory() as session,
            session.begin(),
        ):
            result = import_file(
                session,
                args.kind,
                table,
                today=date.today(),
                skip_invalid=args.skip_invalid,
                report=report,
            )
            if result.counts is not None:  # in the import's transaction: stored, recorded
                record_import(session, operator.current(), source.name, result, datetime.now())
    except HeaderError as err:
        raise DbToolError(f"{source}: {err}; nothing was stored", EXIT_FAILED) from err
    except ImportFileError as err:
        raise DbToolError(f"{err}; nothing was stored", EXIT_USAGE) from err
    except ReportError as err:
        raise DbToolError(f"{err}; nothing was stored", EXIT_USAGE) from err
    except DatabaseError as err:
        raise DbToolError(f"{describe_db(url)}: {err}", EXIT_FAILED) from err
    except SQLAlchemyError as err:
        reason = getattr(err, "orig", None) or err
        raise DbToolError(
            f"{describe_db(url)} refused the import, nothing was stored: {reason}", EXIT_FAILED
        ) from err
    print_result(source, result, time.monotonic() - started)
    return EXIT_OK if result.complete else EXIT_FAILED


def print_result(source: Path, result: ImportResult, seconds: float) -> None:
    print(f"{source}: {result.kind}, {result.source}, {result.columns} columns")
    for problem in result.problems[:MAX_PRINTED]:
        print(f"  {problem}")
    if len(result.problems) > MAX_PRINTED:
        print(f"  ... and {len(result.problems) - MAX_PRINTED} more")
    print(f"rows read: {result.rows_read}")
    counts = result.counts
    if counts is None:
        valid = result.rows_read - result.rejected_rows
        advice = f", or store the {valid} valid rows with --skip-invalid" if valid else ""
        print(
            f"nothing stored: {result.rejected_rows} of {result.rows_read} rows are invalid; "
            f"fix them{advice}"
        )
    else:
        line = (
            f"stored: {counts.stored} ({counts.new} new, {counts.updated} updated, "
            f"{counts.unchanged} unchanged)"
        )
        if counts.boxes_created:
            line += f"; 表箱 (meter boxes) created: {counts.boxes_created}"
        for what, created in counts.created:
            line += f"; {what} created: {created}"
        for what, removed in counts.removed:
            line += f"; {what} removed: {removed}"
        print(f"{line} in {seconds:.1f} s")
        if result.rejected_rows:
            print(f"rejected: {result.rejected_rows}")
    if result.report is not None:
        print(f"report: {result.report} ({result.report_rows} rows with their reasons)")
