"""Database side of the curve and meter-event imports: the meters a file names (with their
phases), and the stored curve points and events an imported row is compared with.

The writes go through ``db.ingest`` like collected data; these are only the look-ups.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import IntervalReading, Meter, MeterEvent
from db.queries.archive import chunks


class MeterPhases(NamedTuple):
    id: int
    phases: int  # 1 or 3


class StoredPoint(NamedTuple):
    """A stored curve point, in ``db.ingest.IntervalRow`` order after its key."""

    active_power_w: int
    forward_active_wh: int | None
    read_at: datetime
    voltage_a_dv: int | None
    voltage_b_dv: int | None
    voltage_c_dv: int | None
    current_a_ma: int | None
    current_b_ma: int | None
    current_c_ma: int | None
    power_factor_milli: int | None


class StoredEvent(NamedTuple):
    ended_at: datetime | None
    detail: str | None
    collected_at: datetime


POINT_FIELDS = StoredPoint._fields
EVENT_FIELDS = StoredEvent._fields


def meter_phases(session: Session, asset_nos: Iterable[str]) -> dict[str, MeterPhases]:
    """表计资产号 → (id, phases)."""
    out: dict[str, MeterPhases] = {}
    for chunk in chunks(asset_nos):
        stmt = select(Meter.asset_no, Meter.id, Meter.phases).where(Meter.asset_no.in_(chunk))
        rows = session.execute(stmt)
        out.update((asset_no, MeterPhases(id_, phases)) for asset_no, id_, phases in rows)
    return out


def stored_points(
    session: Session, meter_ids: Iterable[int], first: datetime, last: datetime
) -> dict[tuple[int, datetime], StoredPoint]:
    """The stored points of ``meter_ids`` from ``first`` to ``last`` (inclusive), by (meter,
    slot start)."""
    columns = [getattr(IntervalReading, name) for name in POINT_FIELDS]
    out: dict[tuple[int, datetime], StoredPoint] = {}
    for chunk in chunks(meter_ids):
        stmt = select(IntervalReading.meter_id, IntervalReading.slot_start, *columns).where(
            IntervalReading.meter_id.in_(chunk),
            IntervalReading.slot_start.between(first, last),
        )
        for meter_id, slot, *values in session.execute(stmt):
            out[(meter_id, slot)] = StoredPoint(*values)
    return out


def stored_events(
    session: Session, meter_ids: Iterable[int], first: datetime, last: datetime
) -> dict[tuple[int, str, datetime], StoredEvent]:
    """The stored events of ``meter_ids`` that started from ``first`` to ``last``, by (meter,
    kind, start)."""
    out: dict[tuple[int, str, datetime], StoredEvent] = {}
    for chunk in chunks(meter_ids):
        stmt = select(
            MeterEvent.meter_id,
            MeterEvent.kind,
            MeterEvent.started_at,
            MeterEvent.ended_at,
            MeterEvent.detail,
            MeterEvent.collected_at,
        ).where(MeterEvent.meter_id.in_(chunk), MeterEvent.started_at.between(first, last))
        for meter_id, kind, started, ended, detail, collected in session.execute(stmt):
            out[(meter_id, kind, started)] = StoredEvent(ended, detail, collected)
    return out
