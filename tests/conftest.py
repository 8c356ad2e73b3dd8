"""Test-wide setup: offscreen Qt, isolated user directories, and the shared fixtures.

The environment is set at import time, before any test module imports Qt or reads a user
directory: Qt aborts without a display unless told to render offscreen, and no test may touch
the real user's configuration, database, logs or QSettings.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
# The command-line tools speak English in the tests (their default is the window's zh_CN); a
# test of the Chinese output says --lang zh_CN.
os.environ["SMC_LANG"] = "en_US"
_ISOLATED_HOME = Path(tempfile.mkdtemp(prefix="smc-tests-home-"))
for _var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = str(_ISOLATED_HOME / _var.lower())

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from console.core import i18n  # noqa: E402
from console.core.clock import FixedClock  # noqa: E402
from db.engine import create_db_engine, make_session_factory, sqlite_url  # noqa: E402
from db.migrate import upgrade  # noqa: E402

# Property tests check what comes out, not how fast one example runs: on a loaded 2-core CI
# machine hypothesis's 200 ms per-example deadline fails correct code.
settings.register_profile("smc", deadline=None)
settings.load_profile("smc")

# A Saturday morning: the fixed "now" of tests that need one.
TEST_NOW = datetime(2026, 11, 21, 10, 7, 30)


@pytest.fixture(autouse=True)
def _domain_text_in_english() -> Iterator[None]:
    """The domain's words in English, as most tests compare them; a window a test opens in
    zh_CN switches them for that test only."""
    i18n.set_language("en_US")
    yield
    i18n.set_language("en_US")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TEST_NOW)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite file. Under tests/db this is overridden: the data-layer tests run on
    PostgreSQL too when ``SMC_TEST_PG_URL`` is set (tests/db/conftest.py)."""
    return sqlite_url(tmp_path / "test.db")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_db_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)
