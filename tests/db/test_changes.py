"""What a commit changed reaches the callback after the commit, combined per kind; a rollback
hands on nothing; changes survive JSON."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from db import changes
from db.changes import CurvesStored, FreezesStored, LinkStatesStored, from_json, to_json

D1, D2 = date(2026, 11, 20), date(2026, 11, 21)


def test_changes_are_handed_on_after_the_commit_combined(
    session_factory: sessionmaker[Session],
) -> None:
    published: list[list[changes.Change]] = []
    tokens: list[object] = []
    seen_in_transaction: list[int] = []

    def before(session: Session, pending: list[changes.Change]) -> str:
        seen_in_transaction.append(len(pending))
        return f"token {len(pending)}"

    def publish(changed: list[changes.Change], token: object) -> None:
        published.append(changed)
        tokens.append(token)

    disconnect = changes.on_commit(session_factory, publish, before_commit=before)
    try:
        with session_factory.begin() as session:
            changes.record(session, changes.freezes([D1], [1, 2]))
            changes.record(session, changes.freezes([D2], [2, 3]))
            changes.record(session, changes.curves([datetime(2026, 11, 21, 8, 15)], [7]))
            assert published == []  # nothing before the commit
        assert seen_in_transaction == [2]
        assert len(published) == 1 and tokens == ["token 2"]
        freeze, curve = published[0]
        assert freeze == FreezesStored((D1, D2), 4, (1, 2, 3))
        assert curve == CurvesStored(
            datetime(2026, 11, 21, 8, 15), datetime(2026, 11, 21, 8, 15), 1, (7,)
        )
        with session_factory.begin() as session:  # a commit that changed nothing says nothing
            session.execute(text("SELECT 1"))
        assert len(published) == 1
    finally:
        disconnect()
    with session_factory.begin() as session:
        changes.record(session, changes.freezes([D1], [1]))
    assert len(published) == 1  # disconnected


def test_a_rolled_back_transaction_hands_on_nothing(session_factory: sessionmaker[Session]) -> None:
    published: list[list[changes.Change]] = []
    disconnect = changes.on_commit(session_factory, lambda changed, _t: published.append(changed))
    try:
        with pytest.raises(RuntimeError), session_factory.begin() as session:
            changes.record(session, changes.freezes([D1], [1]))
            raise RuntimeError("the batch failed")
        with session_factory() as session:  # the same session object used again: clean
            with session.begin():
                changes.record(session, changes.freezes([D2], [5]))
                session.rollback()
            with session.begin():
                changes.record(session, changes.freezes([D2], [6]))
        assert published == [[FreezesStored((D2,), 1, (6,))]]
    finally:
        disconnect()


def test_too_many_ids_become_none_and_counts_still_add_up() -> None:
    many = changes.freezes([D1], range(changes.ID_LIST_MAX + 1))
    assert many.meter_ids is None and many.meters == changes.ID_LIST_MAX + 1
    few = changes.freezes([D2], [1])
    combined = many.combine(few)
    assert combined.meter_ids is None
    assert combined.meters == changes.ID_LIST_MAX + 2
    assert combined.days == (D1, D2)


def test_changes_survive_json_and_a_size_limit_drops_id_lists() -> None:
    for change in (
        changes.freezes([D1, D2], [3, 1]),
        changes.curves([datetime(2026, 11, 21, 0, 0), datetime(2026, 11, 21, 0, 15)], [9]),
        changes.meter_events([(4, "power_off", datetime(2026, 11, 21, 3, 0))]),
        LinkStatesStored(("3301-00001",), (), 5),
        changes.ThresholdsChanged((7,)),
    ):
        assert from_json(to_json(change)) == change
    big = changes.freezes([D1], range(3000))
    text_ = to_json(big, limit=2000)
    assert len(text_) <= 2000
    back = from_json(text_)
    assert isinstance(back, FreezesStored)
    assert back.meter_ids is None and back.meters == 3000 and back.days == (D1,)
    with pytest.raises(ValueError, match="not a stored change"):
        from_json('{"kind": "Nonsense"}')
