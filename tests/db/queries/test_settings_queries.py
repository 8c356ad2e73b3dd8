"""db.queries.settings: key/value facts round-trip and are overwritten in place."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import AppSetting
from db.queries.settings import get_setting, set_setting


def test_a_missing_setting_is_none(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        assert get_setting(session, "demo.seed") is None


def test_settings_round_trip_and_overwrite(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session, session.begin():
        set_setting(session, "demo.seed", "20261121")
        set_setting(session, "demo.day", "2026-11-21")
    with session_factory() as session:
        assert get_setting(session, "demo.seed") == "20261121"
        assert get_setting(session, "demo.day") == "2026-11-21"
    with session_factory() as session, session.begin():
        set_setting(session, "demo.seed", "7")
    with session_factory() as session:
        assert get_setting(session, "demo.seed") == "7"
        assert get_setting(session, "demo.day") == "2026-11-21"
        assert session.scalar(select(func.count()).select_from(AppSetting)) == 2


def test_a_setting_is_visible_in_the_session_that_set_it(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session, session.begin():
        set_setting(session, "demo.seed", "1")
        set_setting(session, "demo.seed", "2")
        assert get_setting(session, "demo.seed") == "2"
