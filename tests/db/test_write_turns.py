"""Writers of one process take SQLite's write lock in the order they asked: a writer that
commits batch after batch cannot starve one that waits (the own-link pass during a
concentrator pass used to give up with "database is locked")."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from db.engine import WriteTurns, write_turns, writing

WAIT_S = 10.0


def _until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        threading.Event().wait(0.001)


def test_a_waiting_writer_goes_before_the_next_batch_of_a_busy_one() -> None:
    turns = WriteTurns()
    order: list[str] = []
    release_first = threading.Event()

    def busy() -> None:
        with turns.turn():
            order.append("batch 1")
            release_first.wait(WAIT_S)
        with turns.turn():  # asks again at once, as a pass's next batch does
            order.append("batch 2")

    def waiting() -> None:
        with turns.turn():
            order.append("other writer")

    a = threading.Thread(target=busy)
    a.start()
    _until(lambda: order == ["batch 1"], "the first batch did not start")
    b = threading.Thread(target=waiting)
    b.start()
    _until(lambda: turns.asked == 2, "the other writer did not queue")
    release_first.set()
    a.join(WAIT_S)
    b.join(WAIT_S)
    assert order == ["batch 1", "other writer", "batch 2"]
    assert turns.asked == 0


def test_writing_is_a_transaction_in_the_engines_turns(
    session_factory: sessionmaker[Session],
) -> None:
    engine = session_factory.kw["bind"]
    assert write_turns(engine) is write_turns(engine)
    with writing(session_factory) as session:
        assert write_turns(engine).asked == 1
        session.execute(text("CREATE TABLE t (x INTEGER)"))
        session.execute(text("INSERT INTO t VALUES (1)"))
    assert write_turns(engine).asked == 0
    try:
        with writing(session_factory) as session:
            session.execute(text("INSERT INTO t VALUES (2)"))
            raise RuntimeError("the store failed")
    except RuntimeError:
        pass
    assert write_turns(engine).asked == 0  # a failed writer gives its turn back
    with session_factory() as session:
        assert session.execute(text("SELECT x FROM t")).scalars().all() == [1]
