"""db.engine: SQLite tuning on every connection, URL helpers, in-memory sharing, foreign keys."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.engine import (
    BUSY_TIMEOUT_MS,
    check_writable,
    create_db_engine,
    is_sqlite,
    make_session_factory,
    sqlite_path,
    sqlite_url,
)
from db.errors import DatabaseUnwritableError
from db.migrate import upgrade
from db.models import Company, Meter, MeterRole

if TYPE_CHECKING:
    from tests.db.conftest import Org


def _pragmas(conn: Connection) -> dict[str, object]:
    names = ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
    return {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names}


@pytest.mark.sqlite_only("PRAGMAs are SQLite's; PostgreSQL is tuned by its administrator")
def test_every_new_sqlite_file_connection_is_tuned(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        # Two connections held at once are two distinct DBAPI connections, each a new one.
        with engine.connect() as first, engine.connect() as second:
            assert first.connection.dbapi_connection is not second.connection.dbapi_connection
            for conn in (first, second):
                assert _pragmas(conn) == {
                    "journal_mode": "wal",
                    "foreign_keys": 1,
                    "synchronous": 1,  # NORMAL
                    "busy_timeout": 10_000,
                }
    finally:
        engine.dispose()
    assert BUSY_TIMEOUT_MS == 10_000


def test_the_directory_of_a_sqlite_file_is_created(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "smc.db"
    assert not path.parent.exists()
    engine = create_db_engine(sqlite_url(path))
    try:
        assert path.parent.is_dir()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
        assert path.is_file()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "expected_path", "expected_sqlite"),
    [
        ("sqlite:////var/lib/smc/smc.db", Path("/var/lib/smc/smc.db"), True),
        ("sqlite:///relative/smc.db", Path("relative/smc.db"), True),
        ("sqlite://", None, True),
        ("sqlite:///:memory:", None, True),
        ("postgresql+psycopg://smc:secret@db.example/smc", None, False),
        ("postgresql://smc@localhost/smc", None, False),
    ],
)
def test_sqlite_path_and_is_sqlite(
    url: str, expected_path: Path | None, expected_sqlite: bool
) -> None:
    assert sqlite_path(url) == expected_path
    assert is_sqlite(url) is expected_sqlite


def test_sqlite_url_round_trips_through_sqlite_path(tmp_path: Path) -> None:
    path = tmp_path / "dir with space" / "数据.db"
    assert sqlite_path(sqlite_url(path)) == path


def test_an_in_memory_database_is_shared_by_every_session() -> None:
    engine = create_db_engine("sqlite://")
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        with factory() as session, session.begin():
            session.add(Company(code="C01", name="市供电公司"))
        with factory() as session:
            assert session.scalars(select(Company.code)).all() == ["C01"]
        # The collector writes from its own thread: it must see the same database.
        seen: list[list[str]] = []

        def read_in_another_thread() -> None:
            with factory() as session:
                seen.append(list(session.scalars(select(Company.code))))

        worker = threading.Thread(target=read_in_another_thread)
        worker.start()
        worker.join()
        assert seen == [["C01"]]
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def _meter(area_id: int) -> Meter:
    return Meter(
        asset_no="ASSET-NEW",
        comm_address="999999999999",
        protocol="dlt645-2007",
        link_url="serial:///dev/ttyUSB9",
        transformer_area_id=area_id,
        role=MeterRole.CUSTOMER.value,
    )


def test_foreign_keys_are_enforced(session_factory: sessionmaker[Session], org: Org) -> None:
    missing_area = max(org.area_ids.values()) + 100
    with (
        pytest.raises(IntegrityError, match=r"(?i)foreign key"),  # SQLite: upper case
        session_factory() as session,
        session.begin(),
    ):
        session.add(_meter(missing_area))
    # The same meter on an existing 台区 is accepted: the failure above was the foreign key.
    with session_factory() as session, session.begin():
        session.add(_meter(org.area_ids["a"]))
    with session_factory() as session:
        assert session.scalar(select(Meter.id).where(Meter.asset_no == "ASSET-NEW")) is not None


def _deny_writes_to(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    real = os.access

    def access(path: object, mode: int) -> bool:
        if Path(str(path)) == denied and mode & os.W_OK:
            return False
        return real(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)


@pytest.mark.sqlite_only("about a SQLite file's directory")
def test_a_database_that_cannot_be_written_is_named_before_anything_opens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    place = tmp_path / "share"
    place.mkdir()
    check_writable(place / "new" / "county.db")  # writable: nothing said; "new" comes later
    _deny_writes_to(monkeypatch, place)
    with pytest.raises(DatabaseUnwritableError) as failed:
        check_writable(place / "new" / "county.db")  # the nearest directory that exists
    err = failed.value
    assert err.where == place and err.path == place / "new" / "county.db"
    assert str(place) in str(err) and "writable place" in str(err)
    assert err.reason in ("permission denied", "a read-only file system")
    existing = tmp_path / "county.db"
    existing.write_bytes(b"")
    _deny_writes_to(monkeypatch, existing)
    with pytest.raises(DatabaseUnwritableError, match=r"county\.db is not writable"):
        check_writable(existing)
