"""Killing the process in the middle of an ingest (SIGKILL: no handler, no rollback) loses no
committed batch, half-stores nothing, and leaves an intact database whose rollups still equal
a recomputation."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from db import rollups
from db.models import DailyFreeze

if TYPE_CHECKING:
    from tests.db.conftest import Org

BATCH_DAYS = 40  # days per transaction: every live meter's freeze of each day

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date, datetime, timedelta
    from db.engine import create_db_engine, make_session_factory
    from db.ingest import FreezeRow, upsert_daily_freezes

    url, meters, batch_days = sys.argv[1], [int(m) for m in sys.argv[2].split(",")], int(sys.argv[3])
    sf = make_session_factory(create_db_engine(url))
    first = date(2020, 1, 1)
    for batch in range(100_000):
        rows = [
            FreezeRow(m, first + timedelta(days=batch * batch_days + d),
                      1_000 * (batch * batch_days + d), datetime(2026, 1, 1))
            for d in range(batch_days) for m in meters
        ]
        with sf.begin() as session:
            upsert_daily_freezes(session, rows)
        print(batch + 1, flush=True)
    """
)


@pytest.mark.sqlite_only("kills a process writing a SQLite file and checks the file")
@pytest.mark.slow
def test_sigkill_mid_ingest_keeps_every_committed_batch(
    db_url: str, session_factory: sessionmaker[Session], org: Org
) -> None:
    meters = [org.meter(s.name) for s in org.specs if s.status == "active"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url, ",".join(map(str, meters)), str(BATCH_DAYS)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    committed = 0
    for line in child.stdout:  # each line is printed after its batch committed
        committed = int(line)
        if committed >= 8:
            break
    child.send_signal(signal.SIGKILL)  # mid-way through the next batch, or just after it
    child.wait(timeout=30)
    assert committed >= 8
    per_batch = BATCH_DAYS * len(meters)
    with session_factory() as session:
        assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        stored = session.scalar(select(func.count()).select_from(DailyFreeze)) or 0
        # Whole batches only: the one the kill interrupted is either all there or absent.
        assert stored % per_batch == 0
        assert committed * per_batch <= stored <= (committed + 1) * per_batch
        snapshot = sorted(tuple(r) for r in session.execute(text("SELECT * FROM rollup_day")))
    with session_factory.begin() as session:
        rollups.recompute_all(session)
    with session_factory() as session:
        assert snapshot == sorted(
            tuple(r) for r in session.execute(text("SELECT * FROM rollup_day"))
        )
