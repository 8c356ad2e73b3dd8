"""db.audit: the hash chain's canonical form, verification (and what it catches when someone
goes around the triggers), the append-only triggers, and writers that never fork the chain.

Runs on SQLite and, with SMC_TEST_PG_URL, on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.audit import GENESIS, canonical_json, entry_hash, record, verify_chain
from db.models import AuditEntry

T0 = datetime(2026, 11, 21, 10, 7, 30, 125000)


def append(session_factory: sessionmaker[Session], n: int, actor: str = "zhang") -> None:
    for i in range(n):
        with session_factory() as session, session.begin():
            record(
                session,
                actor=actor,
                action="alarm.acknowledge",
                object_kind="alarm",
                object_id=100 + i,
                before={"state": "open"},
                after={"state": "acknowledged", "note": f"第{i}次"},
                at=T0 + timedelta(minutes=i),
                workstation="DISPATCH-01",
            )


def drop_triggers(engine: Engine) -> None:
    """What someone with direct access to the database could do: take the triggers away."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_entry_no_update"))
            conn.execute(text("DROP TRIGGER audit_entry_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_entry_no_update_delete ON audit_entry"))


def tamper(engine: Engine, *statements: str) -> None:
    drop_triggers(engine)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def verify(session_factory: sessionmaker[Session]) -> Any:
    with session_factory() as session:
        return verify_chain(session)


# ---------------------------------------------------------------- the canonical form


def test_the_hash_is_the_documented_serialisation() -> None:
    """A golden vector: this byte string is the format's definition (db/audit.py docstring)."""
    body = (
        '["smc-audit-2","2026-11-21T10:07:30.125000","zhang","调度台-01","alarm.acknowledge",'
        '"alarm","7",null,"{\\"note\\":\\"已处理\\",\\"state\\":\\"closed\\"}"]'
    )
    expected = hashlib.sha256(GENESIS.encode() + body.encode("utf-8")).hexdigest()
    assert (
        entry_hash(
            GENESIS,
            at=T0,
            actor="zhang",
            action="alarm.acknowledge",
            object_kind="alarm",
            object_id="7",
            before=None,
            after=canonical_json({"state": "closed", "note": "已处理"}),
            workstation="调度台-01",
        )
        == expected
    )


def test_entries_from_before_the_workstation_keep_the_first_format() -> None:
    """Entries written before revision 0010 have no workstation: smc-audit-1, unchanged."""
    body = (
        '["smc-audit-1","2026-11-21T10:07:30.125000","zhang","alarm.acknowledge","alarm",'
        '"7",null,"{\\"note\\":\\"已处理\\",\\"state\\":\\"closed\\"}"]'
    )
    expected = hashlib.sha256(GENESIS.encode() + body.encode("utf-8")).hexdigest()
    assert (
        entry_hash(
            GENESIS,
            at=T0,
            actor="zhang",
            action="alarm.acknowledge",
            object_kind="alarm",
            object_id="7",
            before=None,
            after=canonical_json({"state": "closed", "note": "已处理"}),
            workstation=None,
        )
        == expected
    )


def test_canonical_json_sorts_keys_and_keeps_exact_values() -> None:
    value = {"b": [1, 2], "a": Decimal("6.00"), "when": datetime(2026, 1, 2, 3, 4), "名": "值"}
    assert canonical_json(value) == '{"a":"6.00","b":[1,2],"when":"2026-01-02T03:04:00","名":"值"}'
    assert canonical_json(None) is None
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})
    with pytest.raises(TypeError):
        canonical_json({"x": object()})


def test_aware_times_are_refused(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session, pytest.raises(ValueError, match="naive"):
        record(
            session,
            actor="a",
            action="x",
            object_kind="k",
            object_id="1",
            before=None,
            after=None,
            at=T0.replace(tzinfo=UTC),
            workstation="w",
        )


# ---------------------------------------------------------------- verification


def test_an_empty_log_and_an_intact_chain_verify(session_factory: sessionmaker[Session]) -> None:
    empty = verify(session_factory)
    assert (empty.ok, empty.checked, empty.head) == (True, 0, GENESIS)
    append(session_factory, 5)
    result = verify(session_factory)
    assert result.ok and result.checked == 5 and result.problem is None
    with session_factory() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert entries[0].prev_hash == GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert result.head == entries[-1].entry_hash
    assert (
        entries[1].object_id == "101"
        and entries[1].after == '{"note":"第1次","state":"acknowledged"}'
    )


def test_an_edited_field_is_found_at_its_entry(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    append(session_factory, 5)
    tamper(engine, "UPDATE audit_entry SET actor = 'li' WHERE id = 3")
    result = verify(session_factory)
    assert not result.ok
    assert (result.broken_id, result.checked) == (3, 2)
    assert "field" in (result.problem or "") and "changed" in (result.problem or "")


@pytest.mark.parametrize("change", ["'ELSEWHERE'", "NULL"])
def test_a_changed_or_erased_workstation_is_found_at_its_entry(
    engine: Engine, session_factory: sessionmaker[Session], change: str
) -> None:
    append(session_factory, 4)
    with session_factory() as session:
        assert session.get(AuditEntry, 2).workstation == "DISPATCH-01"  # type: ignore[union-attr]
    tamper(engine, f"UPDATE audit_entry SET workstation = {change} WHERE id = 2")
    result = verify(session_factory)
    assert (result.ok, result.broken_id, result.checked) == (False, 2, 1)
    assert "workstation" in (result.problem or "")


def test_a_deleted_entry_breaks_the_next_link(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    append(session_factory, 5)
    tamper(engine, "DELETE FROM audit_entry WHERE id = 3")
    result = verify(session_factory)
    assert (result.ok, result.broken_id, result.checked) == (False, 4, 2)
    assert "entry 2" in (result.problem or "") and "deleted" in (result.problem or "")


def test_deleting_the_first_entry_is_found(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    append(session_factory, 3)
    tamper(engine, "DELETE FROM audit_entry WHERE id = 1")
    result = verify(session_factory)
    assert (result.broken_id, result.checked) == (2, 0)
    assert "genesis" in (result.problem or "")


def test_a_forged_rehash_of_one_entry_breaks_the_next_link(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    append(session_factory, 5)
    with session_factory() as session:
        victim = session.get(AuditEntry, 3)
        assert victim is not None
        forged = entry_hash(
            victim.prev_hash,
            at=victim.at,
            actor="li",
            action=victim.action,
            object_kind=victim.object_kind,
            object_id=victim.object_id,
            before=victim.before,
            after=victim.after,
            workstation=victim.workstation,
        )
    tamper(engine, f"UPDATE audit_entry SET actor = 'li', entry_hash = '{forged}' WHERE id = 3")
    result = verify(session_factory)
    assert (result.broken_id, result.checked) == (4, 3)  # entry 3 itself is self-consistent
    assert "entry 3" in (result.problem or "")


def test_reordered_entries_are_found(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    append(session_factory, 4)
    # Swap entries 2 and 3 whole (every column but the id), as a moved row would look.
    cols = (
        "at, actor, action, object_kind, object_id, before, after, prev_hash, entry_hash, "
        "workstation"
    )
    tamper(
        engine,
        f"CREATE TABLE swap AS SELECT id, {cols} FROM audit_entry WHERE id IN (2, 3)",
        "DELETE FROM audit_entry WHERE id IN (2, 3)",
        f"INSERT INTO audit_entry (id, {cols}) SELECT 5 - id, {cols} FROM swap",
        "DROP TABLE swap",
    )
    result = verify(session_factory)
    assert (result.broken_id, result.checked) == (2, 1)


# ---------------------------------------------------------------- append-only


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entry SET actor = 'li'", "DELETE FROM audit_entry"],
    ids=["update", "delete"],
)
def test_the_triggers_reject_update_and_delete(
    engine: Engine, session_factory: sessionmaker[Session], statement: str
) -> None:
    append(session_factory, 2)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert verify(session_factory).checked == 2


# ---------------------------------------------------------------- concurrent writers


@pytest.fixture
def impatient_append(engine: Engine) -> Iterator[Callable[[str], None]]:
    """Appends on a connection of its own that gives up at once instead of waiting for the
    chain's lock (OperationalError)."""
    sqlite = engine.dialect.name == "sqlite"
    other = create_engine(engine.url, connect_args={"timeout": 0}) if sqlite else engine

    def append_one(actor: str) -> None:
        with Session(other) as session, session.begin():
            if not sqlite:
                session.execute(text("SET LOCAL lock_timeout = '200ms'"))
            record(
                session,
                actor=actor,
                action="x",
                object_kind="k",
                object_id=1,
                before=None,
                after=None,
                at=T0,
                workstation="w",
            )

    yield append_one
    if sqlite:
        other.dispose()


def test_a_second_writer_waits_until_the_first_has_appended(
    engine: Engine,
    session_factory: sessionmaker[Session],
    impatient_append: Callable[[str], None],
) -> None:
    """Writer B reads the head, then inserts. Writer A tries to append right then: it must be
    kept out until B commits, or both entries would follow the same head (a fork)."""
    append(session_factory, 1)
    outcome: list[str] = []
    fired: list[bool] = []  # once only: A's own INSERT (if it gets that far) must not re-enter

    def a_appends_in_between(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if fired or not statement.lstrip().upper().startswith("INSERT INTO AUDIT_ENTRY"):
            return
        fired.append(True)
        try:
            impatient_append("A")
        except OperationalError:
            outcome.append("blocked")
        else:
            outcome.append("appended")

    event.listen(engine, "before_cursor_execute", a_appends_in_between)
    try:
        with session_factory() as b, b.begin():
            record(
                b,
                actor="B",
                action="x",
                object_kind="k",
                object_id=2,
                before=None,
                after=None,
                at=T0,
                workstation="w",
            )
    finally:
        event.remove(engine, "before_cursor_execute", a_appends_in_between)
    assert outcome == ["blocked"]
    impatient_append("A")  # now that B has committed, A gets in
    result = verify(session_factory)
    assert result.ok and result.checked == 3
    with session_factory() as session:
        assert session.scalars(select(AuditEntry.actor).order_by(AuditEntry.id)).all()[1:] == [
            "B",
            "A",
        ]


def test_two_threads_appending_at_once_make_one_chain(
    session_factory: sessionmaker[Session],
) -> None:
    per_thread = 25
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            start.wait()
            append(session_factory, per_thread, actor=name)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("wang", "zhao")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify(session_factory)
    assert result.ok and result.checked == 2 * per_thread
    with session_factory() as session:
        prev = session.scalars(select(AuditEntry.prev_hash)).all()
        actors = set(session.scalars(select(AuditEntry.actor)))
    assert len(set(prev)) == len(prev)  # no two entries follow the same one
    assert actors == {"wang", "zhao"}
