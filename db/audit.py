"""The tamper-evident audit log: append entries to a SHA-256 hash chain, and verify the chain.

Canonical form (version ``smc-audit-2``). An entry's hash is the SHA-256, as 64 lowercase hex
digits, of the bytes

    prev_hash  +  UTF-8( JSON array ["smc-audit-2", at, actor, workstation, action, object_kind,
                                     object_id, before, after] )

Entries written before the workstation was recorded (revision 0010) have none and keep their
``smc-audit-1`` hash: the same array without ``workstation``, led by ``"smc-audit-1"``.

``prev_hash`` is the previous entry's ``entry_hash`` (64 ASCII hex digits; ``GENESIS``, 64
zeros, for the first entry). The JSON array has no whitespace (separators ``,`` and ``:``),
non-ASCII characters written as themselves, and strings escaped as JSON requires and no more
(``\\"`` ``\\\\`` ``\\b`` ``\\f`` ``\\n`` ``\\r`` ``\\t``, other control characters as
``\\u00xx``). ``at`` is naive local time as ``YYYY-MM-DDTHH:MM:SS.ffffff`` (always six
fraction digits); ``before`` and ``after`` are the stored texts (themselves canonical JSON, see
``canonical_json``) as JSON strings, or ``null`` when absent.

Entries are read and checked in id order. Tampering that goes around the append-only
triggers shows: a changed field breaks that entry's hash; a deleted, inserted or reordered
entry, or one re-hashed after a change, breaks the next entry's link. Removing entries from
the end leaves a valid shorter chain: compare ``VerifyResult.head`` with one noted earlier.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import inspect, null, select, text
from sqlalchemy.orm import Session

from db.errors import DatabaseError
from db.models.admin import AuditEntry

FORMAT = "smc-audit-2"
FORMAT_BEFORE_WORKSTATION = "smc-audit-1"  # entries without a workstation
MAX_WORKSTATION = 128
GENESIS = "0" * 64
# pg_advisory_xact_lock key of the chain: the first 8 bytes of SHA-256("smc.audit_entry").
PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"smc.audit_entry").digest()[:8], "big", signed=True)
VERIFY_BATCH = 2000


class AuditError(DatabaseError):
    """An audit entry could not be appended safely (the message says why)."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # exact: "6.00" stays "6.00"
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} cannot be written to the audit log")


def canonical_json(value: Any) -> str | None:
    """The text stored in ``before``/``after``: keys sorted, no whitespace, UTF-8 characters
    as themselves, no NaN; dates and datetimes in ISO 8601, Decimals as their exact string,
    enums as their value. ``None`` (nothing before a creation, after a deletion) stays None."""
    if value is None:
        return None
    return json.dumps(
        value,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
        default=_jsonable,
    )


def entry_hash(
    prev_hash: str,
    *,
    at: datetime,
    actor: str,
    action: str,
    object_kind: str,
    object_id: str,
    before: str | None,
    after: str | None,
    workstation: str | None,
) -> str:
    """SHA-256 hex of ``prev_hash`` and the canonical serialisation of the fields (module doc)."""
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if workstation is None:
        who: list[str | None] = [FORMAT_BEFORE_WORKSTATION, stamp, actor]
    else:
        who = [FORMAT, stamp, actor, workstation]
    fields = [*who, action, object_kind, object_id, before, after]
    body = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    """Take the chain's write lock for the rest of the transaction, *before* the head is read:
    otherwise two writers could read the same head and fork the chain."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        # A write statement takes SQLite's single write lock (waiting out the busy timeout)
        # even when it matches no row; no row means the append-only trigger never fires.
        # Issued first in the transaction, it cannot hit a stale WAL snapshot either.
        session.execute(text("UPDATE audit_entry SET id = id WHERE 0 = 1"))
    elif dialect == "postgresql":
        # Under REPEATABLE READ the snapshot would predate the lock wait, and the head read
        # after it could be stale.
        isolation = session.execute(text("SHOW transaction_isolation")).scalar_one()
        if isolation != "read committed":
            raise AuditError(
                f"audit entries are appended under READ COMMITTED, not {isolation}: the newest "
                "entry would be read from a snapshot taken before the chain's lock"
            )
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
    else:  # a generic server: lock the current head row
        session.execute(
            select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1).with_for_update()
        )


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_kind: str,
    object_id: str | int,
    before: Any,
    after: Any,
    at: datetime,
    workstation: str,
) -> AuditEntry:
    """Append one entry to the chain in the session's transaction and flush it.

    ``workstation``: where the action came from (the host, with the tool), at most 128
    characters (longer is cut).

    ``before``/``after`` are JSON-able values (``canonical_json``), ``at`` is naive local time.
    The chain stays locked until the transaction ends: commit soon after. A rollback takes the
    entry back with the action it recorded, which is what an audit log of that action wants.
    """
    if at.tzinfo is not None:
        raise ValueError("audit times are naive local time, like every time the console stores")
    _lock_chain(session)
    head = session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    prev = head or GENESIS
    before_text, after_text = canonical_json(before), canonical_json(after)
    workstation = workstation[:MAX_WORKSTATION]
    digest = entry_hash(
        prev,
        at=at,
        actor=actor,
        action=action,
        object_kind=object_kind,
        object_id=str(object_id),
        before=before_text,
        after=after_text,
        workstation=workstation,
    )
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        object_kind=object_kind,
        object_id=str(object_id),
        before=before_text,
        after=after_text,
        prev_hash=prev,
        entry_hash=digest,
        workstation=workstation,
    )
    session.add(entry)
    session.flush()
    return entry


class ChainFault(Enum):
    """How the first broken entry breaks the chain (``VerifyResult.problem`` says it in
    English; a tool words it in the operator's language from this and the ids)."""

    NOT_FROM_GENESIS = "not_from_genesis"  # the first entry does not follow GENESIS
    LINK = "link"  # prev_hash is not the hash of the entry before it (previous_id)
    FIELDS = "fields"  # entry_hash is not the hash of its own fields


@dataclass(frozen=True, slots=True)
class VerifyResult:
    checked: int  # entries found intact (before the broken one, if any)
    head: str  # entry_hash of the last intact entry (GENESIS for an empty log)
    broken_id: int | None = None
    problem: str | None = None
    fault: ChainFault | None = None
    previous_id: int | None = None  # the intact entry before the broken one

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def _workstation_column(session: Session) -> Any:
    """The workstation column, or NULL for a log written before revision 0010 added it (a
    backup or a database the program has not upgraded yet: its entries are smc-audit-1)."""
    names = {c["name"] for c in inspect(session.connection()).get_columns("audit_entry")}
    if "workstation" in names:
        return AuditEntry.workstation
    return null().label("workstation")


def verify_chain(session: Session) -> VerifyResult:
    """Walk the log in id order and stop at the first entry whose hash or link is wrong."""
    rows = session.execute(
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.object_kind,
            AuditEntry.object_id,
            AuditEntry.before,
            AuditEntry.after,
            AuditEntry.prev_hash,
            AuditEntry.entry_hash,
            _workstation_column(session),
        )
        .order_by(AuditEntry.id)
        .execution_options(yield_per=VERIFY_BATCH)
    )
    checked, expected_prev, prev_id = 0, GENESIS, None
    for row in rows:
        if row.prev_hash != expected_prev:
            fault = ChainFault.LINK if prev_id is not None else ChainFault.NOT_FROM_GENESIS
            if prev_id is None:
                problem = (
                    "it is the first entry but does not follow the genesis hash (64 zeros): "
                    "entries before it were deleted"
                )
            else:
                problem = (
                    f"its prev_hash does not match the hash of entry {prev_id} before it: an "
                    "entry between them was deleted or inserted, entries were reordered, or "
                    f"entry {prev_id} was changed and hashed again"
                )
            return VerifyResult(checked, expected_prev, row.id, problem, fault, prev_id)
        computed = entry_hash(
            row.prev_hash,
            at=row.at,
            actor=row.actor,
            action=row.action,
            object_kind=row.object_kind,
            object_id=row.object_id,
            before=row.before,
            after=row.after,
            workstation=row.workstation,
        )
        if computed != row.entry_hash:
            problem = (
                "its entry_hash does not match its fields: a field (time, actor, workstation, "
                "action, object, before or after) was changed after it was written"
            )
            return VerifyResult(checked, expected_prev, row.id, problem, ChainFault.FIELDS, prev_id)
        checked += 1
        expected_prev, prev_id = row.entry_hash, row.id
    return VerifyResult(checked, expected_prev)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's length and head hash as noted at ``at``, kept outside the table (the
    configuration directory, a backup): a log cut off at its end is a valid, shorter chain,
    which only a note of an earlier, longer one shows."""

    count: int
    head: str
    at: datetime


class CheckpointFault(Enum):
    """How an intact chain disagrees with a checkpoint noted earlier."""

    CUT = "cut"  # fewer entries than noted: entries were removed from its end
    REWRITTEN = "rewritten"  # the entry at the noted count is not the noted head


def compare_with_checkpoint(
    session: Session, result: VerifyResult, point: Checkpoint
) -> CheckpointFault | None:
    """What is wrong with an intact chain ``result`` against an earlier ``point``, or None."""
    if result.checked < point.count:
        return CheckpointFault.CUT
    if point.count == 0:
        return None
    then = session.scalar(
        select(AuditEntry.entry_hash).order_by(AuditEntry.id).offset(point.count - 1).limit(1)
    )
    return CheckpointFault.REWRITTEN if then != point.head else None
