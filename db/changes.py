"""What a committed transaction changed, as typed events: the ingest path records them on the
session, and they are handed on only once the transaction has committed.

``record`` is called by the write functions of ``db.ingest`` and ``db.queries`` (freezes,
registers, curves, meter events, collection attempts, link states, thresholds, the archive).
``on_commit`` connects a session factory to a callback (the console's event bus) that gets each
commit's changes, combined per kind; a rolled-back transaction's changes are dropped. On
PostgreSQL ``before_commit`` can also put them into the transaction itself (NOTIFY is delivered
with the commit, never without it), so other processes and workstations hear of them.

Every change is a frozen dataclass of plain values (dates, numbers, strings and tuples of
them), so it can be pickled and written as JSON (``to_json`` / ``from_json``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

_KEY = "smc.changes"
_TOKEN = "smc.changes.token"
ID_LIST_MAX = 5_000  # ids carried in one change; beyond that a change says "many" (None)

C = TypeVar("C", bound="Change")


def _ids(values: Iterable[int]) -> tuple[int, ...] | None:
    ids = tuple(sorted(set(values)))
    return ids if len(ids) <= ID_LIST_MAX else None


def _union(a: tuple[Any, ...] | None, b: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
    if a is None or b is None:
        return None
    merged = tuple(sorted(set(a) | set(b)))
    return merged if len(merged) <= ID_LIST_MAX else None


@dataclass(frozen=True, slots=True)
class Change:
    """Base of every change. ``combine`` merges two changes of one kind from one commit:
    tuples are united (``None``, "too many to list", wins), counts added, the earliest of a
    ``first_*`` field and the latest of a ``last_*`` field kept."""

    def combine(self: C, other: C) -> C:
        values: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, int) and not isinstance(a, bool):
                values[f.name] = a + b
            elif f.name.startswith("first_"):
                values[f.name] = a if b is None or (a is not None and a <= b) else b
            elif f.name.startswith("last_"):
                values[f.name] = a if b is None or (a is not None and a >= b) else b
            else:
                values[f.name] = _union(a, b)
        return type(self)(**values)


@dataclass(frozen=True, slots=True)
class FreezesStored(Change):
    """Daily freezes (日冻结) stored for ``days``; ``meter_ids`` None when too many to list."""

    days: tuple[date, ...]
    meters: int
    meter_ids: tuple[int, ...] | None


@dataclass(frozen=True, slots=True)
class RegistersStored(Change):
    """Current register readings (today's sales so far)."""

    days: tuple[date, ...]
    meters: int


@dataclass(frozen=True, slots=True)
class CurvesStored(Change):
    """15-minute curve points between ``first_slot`` and ``last_slot`` (inclusive)."""

    first_slot: datetime | None
    last_slot: datetime | None
    points: int
    meter_ids: tuple[int, ...] | None


@dataclass(frozen=True, slots=True)
class MeterEventsStored(Change):
    """Meter event records (power off/on, cover open, ...) of ``kinds``."""

    kinds: tuple[str, ...]
    records: int
    meter_ids: tuple[int, ...] | None
    first_at: datetime | None
    last_at: datetime | None


@dataclass(frozen=True, slots=True)
class AttemptsStored(Change):
    """Collection attempts of ``tasks`` (``db.models.CollectionTask``) with their results."""

    tasks: tuple[str, ...]
    ok: int
    failed: int
    concentrator_ids: tuple[int, ...] | None


@dataclass(frozen=True, slots=True)
class LinkStatesStored(Change):
    """Concentrators' link states: ``online``/``offline`` name those whose state was written
    (as "district-terminal"); heartbeats are counted in ``states``."""

    online: tuple[str, ...] | None
    offline: tuple[str, ...] | None
    states: int


@dataclass(frozen=True, slots=True)
class ThresholdsChanged(Change):
    """A new version of the thresholds is in force."""

    versions: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ArchiveChanged(Change):
    """The archive (organisation, customers, meters, concentrators, tariffs) was changed by an
    import or an edit: trees and scope lists should be read again."""

    kinds: tuple[str, ...]
    rows: int


KINDS: dict[str, type[Change]] = {
    kind.__name__: kind
    for kind in (
        FreezesStored,
        RegistersStored,
        CurvesStored,
        MeterEventsStored,
        AttemptsStored,
        LinkStatesStored,
        ThresholdsChanged,
        ArchiveChanged,
    )
}


def freezes(days: Iterable[date], meter_ids: Iterable[int]) -> FreezesStored:
    ids = list(meter_ids)
    return FreezesStored(tuple(sorted(set(days))), len(ids), _ids(ids))


def curves(slots: Iterable[datetime], meter_ids: Iterable[int]) -> CurvesStored:
    ordered = sorted(set(slots))
    ids = list(meter_ids)
    return CurvesStored(
        ordered[0] if ordered else None, ordered[-1] if ordered else None, len(ids), _ids(ids)
    )


def meter_events(rows: Iterable[tuple[int, str, datetime]]) -> MeterEventsStored:
    """From (meter id, kind, start) of each stored record."""
    items = list(rows)
    starts = [at for _m, _k, at in items]
    return MeterEventsStored(
        tuple(sorted({k for _m, k, _at in items})),
        len(items),
        _ids(m for m, _k, _at in items),
        min(starts, default=None),
        max(starts, default=None),
    )


# ---------------------------------------------------------------------------- the session side
def record(session: Session, change: Change) -> None:
    """Note ``change`` on ``session``: handed on when its transaction commits."""
    session.info.setdefault(_KEY, []).append(change)


def pending(session: Session) -> list[Change]:
    """The changes recorded in the open transaction, combined per kind (in first-seen order)."""
    merged: dict[type[Change], Change] = {}
    for change in session.info.get(_KEY, ()):
        before = merged.get(type(change))
        merged[type(change)] = change if before is None else before.combine(change)
    return list(merged.values())


def on_commit(
    factory: sessionmaker[Session],
    publish: Callable[[list[Change], Any], None],
    *,
    before_commit: Callable[[Session, list[Change]], Any] | None = None,
) -> Callable[[], None]:
    """Call ``publish(changes, token)`` after every commit of a session from ``factory`` that
    recorded any; ``before_commit(session, changes)`` runs just before the commit, inside the
    transaction, and what it returns is the ``token`` (else None). Returns the function that
    disconnects them."""

    def committing(session: Session) -> None:
        if before_commit is not None and session.info.get(_KEY):
            session.info[_TOKEN] = before_commit(session, pending(session))

    def committed(session: Session) -> None:
        if session.info.get(_KEY):
            changes = pending(session)
            session.info.pop(_KEY, None)
            publish(changes, session.info.pop(_TOKEN, None))

    def rolled_back(session: Session) -> None:
        session.info.pop(_KEY, None)
        session.info.pop(_TOKEN, None)

    event.listen(factory, "before_commit", committing)
    event.listen(factory, "after_commit", committed)
    event.listen(factory, "after_rollback", rolled_back)

    def disconnect() -> None:
        event.remove(factory, "before_commit", committing)
        event.remove(factory, "after_commit", committed)
        event.remove(factory, "after_rollback", rolled_back)

    return disconnect


# ---------------------------------------------------------------------------- JSON
def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        return date.fromisoformat(value["d"])
    if isinstance(value, list):
        return tuple(_typed(v) for v in value)
    return value


def to_json(change: Change, *, limit: int | None = None) -> str:
    """``change`` as compact JSON; with ``limit`` (bytes), id lists are dropped (None: "many")
    if the text would be longer."""
    body = {f.name: _plain(getattr(change, f.name)) for f in dataclasses.fields(change)}
    text = json.dumps({"kind": type(change).__name__, **body}, separators=(",", ":"))
    if limit is not None and len(text.encode()) > limit:
        for f in dataclasses.fields(change):
            if isinstance(body[f.name], list) and not f.name.startswith(("days", "kinds", "tasks")):
                body[f.name] = None
        text = json.dumps({"kind": type(change).__name__, **body}, separators=(",", ":"))
    return text


def from_json(text: str) -> Change:
    """The change ``to_json`` wrote; ``ValueError`` for anything else."""
    try:
        data = json.loads(text)
        kind = KINDS[data.pop("kind")]
        return kind(**{k: _typed(v) for k, v in data.items()})
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"not a stored change: {text[:80]!r} ({err})") from err
