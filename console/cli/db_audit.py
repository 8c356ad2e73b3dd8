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
from console.core.i18n import translate
from console.maintenance import checkpoints
from db.audit import (
    ChainFault,
    Checkpoint,
    CheckpointFault,
    VerifyResult,
    compare_with_checkpoint,
    verify_chain,
)
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
        reason = translate("SmcDb", "there is no database file at {path}")
        raise DbToolError(reason.format(path=path))
    engine = create_db_engine(url)
    try:
        if not inspect(engine).has_table("audit_entry"):
            reason = translate(
                "SmcDb",
                "{database} has no audit log yet (an older schema): open it with the console "
                "once to upgrade it",
            )
            raise DbToolError(reason.format(database=describe_db(url)))
        with Session(engine) as session:
            result = verify_chain(session)
            point = checkpoints.load(describe_db(url))
            if not result.ok or point is None:
                return result, None
            fault = compare_with_checkpoint(session, result, point)
            return result, None if fault is None else _against(fault, result, point)
    except SQLAlchemyError as err:
        raise DbToolError(db_common.failed(url, err)) from err
    except checkpoints.CheckpointFileError as err:
        raise DbToolError(_unreadable_checkpoints(err)) from err
    finally:
        engine.dispose()


def _against(fault: CheckpointFault, result: VerifyResult, point: Checkpoint) -> str:
    """What an intact chain's disagreement with the checkpoint means."""
    noted = f"{point.at:%Y-%m-%d %H:%M}"
    if fault is CheckpointFault.CUT:
        text = translate(
            "SmcDb",
            "the log has {n} entries but had {count} on {date}: entries were removed from its end",
        )
    else:
        text = translate(
            "SmcDb",
            "entry {count} of the log is not the one noted on {date}: the log was rewritten since",
        )
    return text.format(n=result.checked, count=point.count, date=noted)


def _broken(result: VerifyResult) -> str:
    """What is wrong with the first broken entry."""
    if result.fault is ChainFault.NOT_FROM_GENESIS:
        text = translate(
            "SmcDb",
            "it is the first entry but does not follow the genesis hash (64 zeros): entries "
            "before it were deleted",
        )
    elif result.fault is ChainFault.LINK:
        text = translate(
            "SmcDb",
            "its prev_hash does not match the hash of entry {previous} before it: an entry "
            "between them was deleted or inserted, entries were reordered, or entry {previous} "
            "was changed and hashed again",
        )
    else:
        text = translate(
            "SmcDb",
            "its entry_hash does not match its fields: a field (time, actor, workstation, "
            "action, object, before or after) was changed after it was written",
        )
    return text.format(previous=result.previous_id)


def run_verify(args: argparse.Namespace) -> int:
    url = db_common.database_url(args)
    result, cut = _verify(url)
    database = describe_db(url)
    if result.ok and cut is not None:
        line = translate("SmcDb", "audit log of {database}: {problem}")
        print(line.format(database=database, problem=cut))
        line = translate("SmcDb", "checkpoint: {path}")
        print(line.format(path=checkpoints.checkpoint_file()))
        return EXIT_FAILED
    if result.ok:
        line = translate("SmcDb", "audit log of {database}: {n} entries checked, OK")
        print(line.format(database=database, n=result.checked))
        print(translate("SmcDb", "head: {hash}").format(hash=result.head))
        try:
            checkpoints.note(database, Checkpoint(result.checked, result.head, datetime.now()))
        except (checkpoints.CheckpointFileError, OSError) as err:
            raise DbToolError(_unreadable_checkpoints(err)) from err
        return EXIT_OK
    line = translate("SmcDb", "audit log of {database}: entry {id} is broken: {problem}")
    print(line.format(database=database, id=result.broken_id, problem=_broken(result)))
    line = translate("SmcDb", "entries intact before it: {n}")
    print(line.format(n=result.checked))
    return EXIT_FAILED


def _unreadable_checkpoints(err: Exception) -> str:
    return translate(
        "SmcDb",
        "{reason}: fix the file, or move it away (the next verification or backup starts a new "
        "one, and a log cut off before then is not seen)",
    ).format(reason=err)
