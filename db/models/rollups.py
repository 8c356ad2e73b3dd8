"""Rollups kept by the ingest path, so the panorama never scans raw readings.

``rollup_day`` holds one row per (level, unit, day) for 台区, supply stations and counties;
``rollup_month`` the same per month; ``rollup_curve`` the quarter-hour supply load of supply
stations and counties; ``rollup_class_day``/``_month`` sales and collection per customer
class of a 台区, station or county. Sales of day D are freeze(D+1) − freeze(D); collection
of day D counts the meters with a freeze of D. ``db.rollups`` defines every figure.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import ROLLUP_LEVELS, Base, CustomerClass, Level, enum_check


class _Figures:
    """Columns shared by the daily and monthly organisation rollups."""

    # Supply and the sales it is compared with, over the 台区 whose line loss is computable
    # (summary meter and every customer meter complete); None where no 台区 is computable.
    supply_wh: Mapped[int | None] = mapped_column(BigInteger)
    loss_sales_wh: Mapped[int | None] = mapped_column(BigInteger)
    sales_wh: Mapped[int] = mapped_column(BigInteger)  # 售电量 over every complete customer
    customers_expected: Mapped[int] = mapped_column(Integer)
    customers_complete: Mapped[int] = mapped_column(Integer)
    meters_expected: Mapped[int] = mapped_column(Integer)  # 采集成功率 denominator
    meters_read: Mapped[int] = mapped_column(Integer)  # numerator
    areas: Mapped[int] = mapped_column(Integer)
    areas_computable: Mapped[int] = mapped_column(Integer)
    load_max_w: Mapped[int | None] = mapped_column(BigInteger)
    load_max_at: Mapped[datetime | None] = mapped_column(DateTime)


class RollupDay(_Figures, Base):
    __tablename__ = "rollup_day"
    __table_args__ = (
        enum_check("level", Level, ROLLUP_LEVELS),
        # Every 台区 of one day (the line-loss ranking) without walking every 台区's history.
        Index("ix_rollup_day_level_day", "level", "day"),
    )
    level: Mapped[str] = mapped_column(String(8), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class RollupMonth(_Figures, Base):
    __tablename__ = "rollup_month"
    __table_args__ = (enum_check("level", Level, ROLLUP_LEVELS),)
    level: Mapped[str] = mapped_column(String(8), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # first day of the month
    days: Mapped[int] = mapped_column(Integer)  # days of the month with figures


class RollupCurve(Base):
    """Quarter-hour supply load of a supply station or county: the sum of its 台区 summary
    meters' power in the slot, and how many of them reported it."""

    __tablename__ = "rollup_curve"
    __table_args__ = (enum_check("level", Level, ROLLUP_LEVELS),)
    level: Mapped[str] = mapped_column(String(8), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    power_w: Mapped[int] = mapped_column(BigInteger)
    meters: Mapped[int] = mapped_column(Integer)


class RollupClassDay(Base):
    """Sales and collection of one customer class within a 台区, supply station or county."""

    __tablename__ = "rollup_class_day"
    __table_args__ = (
        enum_check("level", Level, ROLLUP_LEVELS),
        enum_check("customer_class", CustomerClass),
    )
    level: Mapped[str] = mapped_column(String(8), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_class: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sales_wh: Mapped[int] = mapped_column(BigInteger)
    customers_expected: Mapped[int] = mapped_column(Integer)
    customers_complete: Mapped[int] = mapped_column(Integer)
    meters_read: Mapped[int] = mapped_column(Integer)


class RollupClassMonth(Base):
    __tablename__ = "rollup_class_month"
    __table_args__ = (
        enum_check("level", Level, ROLLUP_LEVELS),
        enum_check("customer_class", CustomerClass),
    )
    level: Mapped[str] = mapped_column(String(8), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_class: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    sales_wh: Mapped[int] = mapped_column(BigInteger)
    customers_complete: Mapped[int] = mapped_column(Integer)  # summed over the days
    days: Mapped[int] = mapped_column(Integer)
