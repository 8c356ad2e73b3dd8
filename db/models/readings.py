"""Measurements: daily freezes, register readings, quarter-hour curves, meter events, collection
attempts and the daily weather beside them.

Energy is exact integer Wh and power integer W in primary units (CT and PT ratios applied);
voltage is in 0.1 V (``_dv``), current in mA, power factor in thousandths. Times are the supply
company's local civil time, stored naive (China keeps one time zone and no DST).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    AttemptResult,
    Base,
    CollectionTask,
    EventKind,
    RunStatus,
    enum_check,
)


class DailyFreeze(Base):
    """日冻结: the registers the meter froze at 00:00 of ``day`` (primary Wh). The tariff
    registers (尖峰平谷) and reverse energy are ``None`` when the meter does not keep them."""

    __tablename__ = "daily_freeze"
    __table_args__ = (Index("ix_daily_freeze_day", "day"),)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    forward_active_wh: Mapped[int] = mapped_column(BigInteger)
    collected_at: Mapped[datetime] = mapped_column(DateTime)
    forward_sharp_wh: Mapped[int | None] = mapped_column(BigInteger)
    forward_peak_wh: Mapped[int | None] = mapped_column(BigInteger)
    forward_flat_wh: Mapped[int | None] = mapped_column(BigInteger)
    forward_valley_wh: Mapped[int | None] = mapped_column(BigInteger)
    reverse_active_wh: Mapped[int | None] = mapped_column(BigInteger)


class RegisterReading(Base):
    """The latest forward active register read from a meter on ``day`` (primary Wh)."""

    __tablename__ = "register_reading"
    __table_args__ = (Index("ix_register_reading_day", "day"),)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    forward_active_wh: Mapped[int] = mapped_column(BigInteger)
    read_at: Mapped[datetime] = mapped_column(DateTime)


class IntervalReading(Base):
    """One quarter-hour point of a load curve (台区 summary meters and large customers).
    Per-phase values are ``None`` on single-phase meters (phase A carries the reading)."""

    __tablename__ = "interval_reading"
    __table_args__ = (Index("ix_interval_reading_slot_start", "slot_start"),)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"), primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    active_power_w: Mapped[int] = mapped_column(Integer)
    forward_active_wh: Mapped[int | None] = mapped_column(BigInteger)
    read_at: Mapped[datetime] = mapped_column(DateTime)
    voltage_a_dv: Mapped[int | None] = mapped_column(Integer)
    voltage_b_dv: Mapped[int | None] = mapped_column(Integer)
    voltage_c_dv: Mapped[int | None] = mapped_column(Integer)
    current_a_ma: Mapped[int | None] = mapped_column(Integer)
    current_b_ma: Mapped[int | None] = mapped_column(Integer)
    current_c_ma: Mapped[int | None] = mapped_column(Integer)
    power_factor_milli: Mapped[int | None] = mapped_column(Integer)


class MeterEvent(Base):
    """An event record read from a meter (or reported by its concentrator). A meter numbers its
    records, but the start time identifies one across re-reads and concentrator restarts."""

    __tablename__ = "meter_event"
    __table_args__ = (
        enum_check("kind", EventKind),
        UniqueConstraint("meter_id", "kind", "started_at"),
        Index("ix_meter_event_started_at", "started_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"))
    kind: Mapped[str] = mapped_column(String(24))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)  # None: still going on
    detail: Mapped[str | None] = mapped_column(Text)
    collected_at: Mapped[datetime] = mapped_column(DateTime)


class CollectionAttempt(Base):
    """One read of one target (a meter, or a concentrator when ``meter_id`` is ``None``): who,
    over which link, when, how long and how it ended. (link, address, task, start) identifies
    it, so a re-imported attempt log does not duplicate rows."""

    __tablename__ = "collection_attempt"
    __table_args__ = (
        enum_check("task", CollectionTask),
        enum_check("result", AttemptResult),
        UniqueConstraint("link_url", "target_address", "task", "started_at"),
        Index("ix_collection_attempt_started_at", "started_at"),
        Index("ix_collection_attempt_meter_id_started_at", "meter_id", "started_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("collection_run.id"), index=True)
    meter_id: Mapped[int | None] = mapped_column(ForeignKey("meter.id"))
    concentrator_id: Mapped[int | None] = mapped_column(ForeignKey("concentrator.id"), index=True)
    link_url: Mapped[str] = mapped_column(String(200))
    target_address: Mapped[str] = mapped_column(String(16))
    task: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    duration_ms: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    # The clock check's finding: the terminal's clock minus the console's, in seconds.
    clock_drift_s: Mapped[int | None] = mapped_column(Integer)


class WeatherDaily(Base):
    """The county's daily temperatures (°C), shown beside load and used by the forecast."""

    __tablename__ = "weather_daily"
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    temp_mean_c: Mapped[float] = mapped_column(Float)
    temp_max_c: Mapped[float] = mapped_column(Float)
    temp_min_c: Mapped[float] = mapped_column(Float)


class CollectionRun(Base):
    """One run of a collection job; its attempts point back to it."""

    __tablename__ = "collection_run"
    __table_args__ = (enum_check("status", RunStatus),)
    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    meters_planned: Mapped[int] = mapped_column(Integer, default=0)
    meters_ok: Mapped[int] = mapped_column(Integer, default=0)
    meters_failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
