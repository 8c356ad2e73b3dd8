"""Events that more than one feature speaks of (features never import each other: they meet
through these and through the data). What a commit changed is in ``db.changes``; the job
host's events are in ``console.core.jobs``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FrontEndListening:
    """The concentrator front end listens: concentrators can dial in to (host, port)."""

    host: str
    port: int


@dataclass(frozen=True, slots=True)
class FrontEndFailed:
    """The concentrator front end could not start (``error`` says why: a busy port, ...)."""

    error: str
