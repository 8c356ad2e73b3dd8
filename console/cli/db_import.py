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
from console.core.i18n import translate
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
        raise DbToolError(
            translate("SmcDb", "--report {path}: that is the file being imported").format(
                path=report
            ),
            EXIT_USAGE,
        )
    url = db_common.database_url(args)
    missing = translate(
        "SmcDb", "this database has accounts: sign in with --user NAME to import {kind}"
    ).format(kind=args.kind)
    started = time.monotonic()
    try:
        with (
            db_common.signed_in(
                args, url, Permission.IMPORT_ARCHIVE, f"import {args.kind}", missing=missing
            ),
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
        reason = translate("SmcDb", "{file}: {reason}; nothing was stored")
        raise DbToolError(reason.format(file=source, reason=err), EXIT_FAILED) from err
    except (ImportFileError, ReportError) as err:
        reason = translate("SmcDb", "{reason}; nothing was stored")
        raise DbToolError(reason.format(reason=err), EXIT_USAGE) from err
    except DatabaseError as err:
        raise DbToolError(f"{describe_db(url)}: {err}", EXIT_FAILED) from err
    except SQLAlchemyError as err:
        reason = translate("SmcDb", "{database} refused the import, nothing was stored: {reason}")
        raise DbToolError(
            reason.format(database=describe_db(url), reason=getattr(err, "orig", None) or err),
            EXIT_FAILED,
        ) from err
    print_result(source, result, time.monotonic() - started)
    return EXIT_OK if result.complete else EXIT_FAILED


def print_result(source: Path, result: ImportResult, seconds: float) -> None:
    def say(text: str, **fields: object) -> None:
        print(text.format(**fields))

    say(
        translate("SmcDb", "{file}: {kind}, {source}, {n} columns"),
        file=source, kind=result.kind, source=result.source, n=result.columns,
    )  # fmt: skip
    for problem in result.problems[:MAX_PRINTED]:
        print(f"  {problem}")
    if len(result.problems) > MAX_PRINTED:
        say(translate("SmcDb", "  ... and {n} more"), n=len(result.problems) - MAX_PRINTED)
    say(translate("SmcDb", "rows read: {n}"), n=result.rows_read)
    counts = result.counts
    if counts is None:
        valid = result.rows_read - result.rejected_rows
        if valid:
            text = translate(
                "SmcDb",
                "nothing stored: {bad} of {rows} rows are invalid; fix them, or store the {valid} "
                "valid rows with --skip-invalid",
            )
        else:
            text = translate("SmcDb", "nothing stored: {bad} of {rows} rows are invalid; fix them")
        say(text, bad=result.rejected_rows, rows=result.rows_read, valid=valid)
        _print_report(result)
        return
    line = translate(
        "SmcDb", "stored: {stored} ({new} new, {updated} updated, {unchanged} unchanged)"
    ).format(
        stored=counts.stored, new=counts.new, updated=counts.updated, unchanged=counts.unchanged
    )
    if counts.boxes_created:
        more = translate("SmcDb", "; 表箱 (meter boxes) created: {n}")
        line += more.format(n=counts.boxes_created)
    for what, created in counts.created:
        line += translate("SmcDb", "; {what} created: {n}").format(what=what, n=created)
    for what, removed in counts.removed:
        line += translate("SmcDb", "; {what} removed: {n}").format(what=what, n=removed)
    say(translate("SmcDb", "{line} in {seconds} s"), line=line, seconds=f"{seconds:.1f}")
    if result.rejected_rows:
        say(translate("SmcDb", "rejected: {n}"), n=result.rejected_rows)
    _print_report(result)


def _print_report(result: ImportResult) -> None:
    if result.report is not None:
        text = translate("SmcDb", "report: {path} ({n} rows with their reasons)")
        print(text.format(path=result.report, n=result.report_rows))
