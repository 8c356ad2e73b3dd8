"""Logging: a rotating file in the user log directory and stderr."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"


def setup_logging(
    log_dir: Path | None,
    *,
    level: int = logging.INFO,
    stderr: bool = True,
    stderr_level: int = logging.NOTSET,
    file_name: str = "smc.log",
) -> Path | None:
    """Configure the root logger (idempotent); returns the log file, ``None`` without one."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_smc", False):
            root.removeHandler(handler)
            handler.close()
    formatter = logging.Formatter(FORMAT)
    log_file: Path | None = None
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = log_dir / file_name
        file_handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
        )
        file_handler.setFormatter(formatter)
        file_handler._smc = True  # type: ignore[attr-defined]
        root.addHandler(file_handler)
    if stderr:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        stream.setLevel(stderr_level)
        stream._smc = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    # Third-party chatter that says nothing to an operator.
    for name in ("apscheduler", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return log_file
