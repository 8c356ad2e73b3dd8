"""Events that more than one feature speaks of (features never import each other: they meet
through these and through the data): what a commit changed (``db.changes``, named here for
the layers that do not import the data layer) and the front end's state. The job host's
events are in ``console.core.jobs``."""

from __future__ import annotations

from dataclasses import dataclass

from db.changes import (
    ArchiveChanged,
    AttemptsStored,
    Change,
    CurvesStored,
    FreezesStored,
    LinkStatesStored,
    MeterEventsStored,
    RegistersStored,
    ThresholdsChanged,
)

__all__ = [
    "ArchiveChanged",
    "AttemptsStored",
    "Change",
    "CurvesStored",
    "FreezesStored",
    "FrontEndFailed",
    "FrontEndListening",
    "LinkStatesStored",
    "MeterEventsStored",
    "RegistersStored",
    "ThresholdsChanged",
]


@dataclass(frozen=True, slots=True)
class FrontEndListening:
    """The concentrator front end listens: concentrators can dial in to (host, port)."""

    host: str
    port: int


@dataclass(frozen=True, slots=True)
class FrontEndFailed:
    """The concentrator front end could not start (``error`` says why: a busy port, ...)."""

    error: str
