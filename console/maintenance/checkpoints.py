"""Audit checkpoints kept outside the database: the chain's length and head in the
configuration directory (one per database), noted after every verification and every backup,
so that ``smc db verify-audit`` sees a log whose newest entries were cut off."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from console.core.database import describe_db
from console.core.i18n import translate
from console.core.paths import user_config_dir
from db.audit import Checkpoint, verify_chain
from db.engine import create_db_engine, sqlite_url

log = logging.getLogger(__name__)
FILE_NAME = "audit-checkpoints.json"


class CheckpointFileError(ValueError):
    """The checkpoints file exists but cannot be read (the message names it and why)."""


def checkpoint_file() -> Path:
    return user_config_dir() / FILE_NAME


def _read(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        reason = translate("SmcDb", "{path}: the audit checkpoints cannot be read ({reason})")
        raise CheckpointFileError(reason.format(path=path, reason=err)) from err
    return data if isinstance(data, dict) else {}


def load(database: str, path: Path | None = None) -> Checkpoint | None:
    """The newest checkpoint noted for ``database`` (its URL without password), if any."""
    entry = _read(path or checkpoint_file()).get(database)
    if not isinstance(entry, dict):
        return None
    try:
        return Checkpoint(int(entry["count"]), str(entry["head"]),  # type: ignore[call-overload]
                          datetime.fromisoformat(str(entry["at"])))  # fmt: skip
    except (KeyError, ValueError, TypeError):
        return None


def note(
    database: str, point: Checkpoint, path: Path | None = None, *, replace: bool = False
) -> None:
    """Keep ``point`` unless a longer one is already noted (``replace``: after a restore, the
    restored log is the one to follow). Written beside the file and moved over it."""
    target = path or checkpoint_file()
    data = _read(target)
    known = load(database, target)
    if known is not None and known.count > point.count and not replace:
        return
    data[database] = {"count": point.count, "head": point.head, "at": point.at.isoformat()}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".audit-", suffix=".json", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(temp, target)


def note_file(db_file: Path, at: datetime, *, replace: bool = False) -> None:
    """Note the chain of the SQLite database ``db_file`` as it is now, if it is intact (a
    broken one is for verify-audit to say)."""
    url = sqlite_url(db_file)
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            result = verify_chain(session)
    finally:
        engine.dispose()
    if result.ok:
        try:
            note(describe_db(url), Checkpoint(result.checked, result.head, at), replace=replace)
        except (CheckpointFileError, OSError) as err:
            # The backup or restore itself is done; verify-audit says what is wrong with the file.
            log.warning("audit checkpoint not noted: %s", err)
