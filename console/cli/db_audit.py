"""``smc db verify-audit``: walk the audit log's hash chain and name the first broken entry.

Exit 0 when every entry is intact, 1 at the first entry that was changed, removed or moved, or
when the log is shorter than (or differs from) the checkpoint noted earlier in the
configuration directory (by a verification or a backup): its end was cut off.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from console.cli import db_common
from console.cli.db_common import EXIT_FAILED, EXIT_OK, DbToolError
from console.core.database import describe_db
from console.maintenance import checkpoints
from db.audit import Checkpoint, VerifyResult, compare_with_checkpoint, verify_chain
from db.engine import create_db_engine, sqlite_path


def add_parsers(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = actions.add_parser(
        "verify-audit",
        parents=[db_common.common_options()],
        help="check the audit log's hash chain (exit 1 if tampered with)",
        description="Recompute the audit log's hash chain in id order: print the number of "
        "entries checked, or the first broken entry and what is wrong with it.",
    )
    p.set_defaults(db_run=run_verify)


def _verify(url: str) -> tuple[VerifyResult, str | None]:
    """The chain's verification, and what is wrong against the checkpoint noted earlier."""
    path = sqlite_path(url)
    if path is not None and not path.is_file():  # connecting would create an empty file
        raise DbToolError(f"there is no database file at {path}")
    engine = create_db_engine(url)
    try:
        if not inspect(engine).has_table("audit_entry"):
            raise DbToolError(
                f"{describe_db(url)} has no audit log yet (an older schema): open it with the "
                "console once to upgrade it"
            )
        with Session(engine) as session:
            result = verify_chain(session)
            point = checkpoints.load(describe_db(url))
            if not result.ok or point is None:
                return result, None
            return result, compare_with_checkpoint(session, result, point)
    except SQLAlchemyError as err:
        raise DbToolError(f"{describe_db(url)}: {err}") from err
    finally:
        engine.dispose()


def run_verify(args: argparse.Namespace) -> int:
    url = db_common.database_url(args)
    result, cut = _verify(url)
    if result.ok and cut is not None:
        print(f"audit log of {describe_db(url)}: {cut}")
        print(f"checkpoint: {checkpoints.checkpoint_file()}")
        return EXIT_FAILED
    if result.ok:
        print(f"audit log of {describe_db(url)}: {result.checked} entries checked, OK")
        print(f"head: {result.head}")
        checkpoints.note(describe_db(url), Checkpoint(result.checked, result.head, datetime.now()))
        return EXIT_OK
    print(f"audit log of {describe_db(url)}: entry {result.broken_id} is broken: {result.problem}")
    print(f"entries intact before it: {result.checked}")
    return EXIT_FAILED
