"""SQLAlchemy 2 typed models: organisation tree, meters and customers, readings, collection runs.

Energy is exact integer Wh and power integer W (units in the column names). Times are the
supply company's local civil time, stored naive (China keeps one time zone and no DST).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AreaClass(StrEnum):
    """台区 area class; decides the repair arrival commitment (45/90/120 min)."""

    URBAN = "urban"  # 城区
    RURAL = "rural"  # 农村
    REMOTE = "remote"  # 边远


class CustomerClass(StrEnum):
    RESIDENTIAL = "residential"  # 居民
    COMMERCIAL = "commercial"  # 一般工商业
    INDUSTRIAL = "industrial"  # 大工业
    AGRICULTURAL = "agricultural"  # 农业


class MeterRole(StrEnum):
    CUSTOMER = "customer"  # bills a customer
    SUMMARY = "summary"  # 考核表: measures supply into a 台区


class MeterStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


class RunStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


def _enum_check(column: str, enum: type[StrEnum]) -> CheckConstraint:
    values = ", ".join(f"'{v.value}'" for v in enum)
    return CheckConstraint(f"{column} IN ({values})", name=f"{column}_valid")


# ---------------------------------------------------------------- organisation


class Company(Base):
    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class County(Base):
    __tablename__ = "county"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class SupplyStation(Base):
    """供电所."""

    __tablename__ = "supply_station"
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Substation(Base):
    """变电站."""

    __tablename__ = "substation"
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    voltage_kv: Mapped[int] = mapped_column(Integer)


class Feeder(Base):
    """10 kV 线路: fed by a substation, managed by a supply station."""

    __tablename__ = "feeder"
    id: Mapped[int] = mapped_column(primary_key=True)
    substation_id: Mapped[int] = mapped_column(ForeignKey("substation.id"), index=True)
    supply_station_id: Mapped[int] = mapped_column(ForeignKey("supply_station.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class TransformerArea(Base):
    """台区: the area supplied by one public distribution transformer."""

    __tablename__ = "transformer_area"
    __table_args__ = (_enum_check("area_class", AreaClass),)
    id: Mapped[int] = mapped_column(primary_key=True)
    feeder_id: Mapped[int] = mapped_column(ForeignKey("feeder.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    rated_kva: Mapped[int] = mapped_column(Integer)
    area_class: Mapped[str] = mapped_column(String(16))
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]


# ---------------------------------------------------------------- customers and meters


class Customer(Base):
    __tablename__ = "customer"
    __table_args__ = (_enum_check("customer_class", CustomerClass),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # 户号
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200))
    customer_class: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20))


class Meter(Base):
    __tablename__ = "meter"
    __table_args__ = (
        _enum_check("role", MeterRole),
        _enum_check("status", MeterStatus),
        CheckConstraint("ct_ratio >= 1", name="ct_ratio_positive"),
        # Two meters on one bus cannot answer to the same address.
        UniqueConstraint("link_url", "comm_address"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    asset_no: Mapped[str] = mapped_column(String(32), unique=True)
    comm_address: Mapped[str] = mapped_column(String(12))
    protocol: Mapped[str] = mapped_column(String(24))
    link_url: Mapped[str] = mapped_column(String(200))
    transformer_area_id: Mapped[int] = mapped_column(ForeignKey("transformer_area.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    ct_ratio: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=MeterStatus.ACTIVE.value)
    last_read_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_read_ok: Mapped[bool | None]
    last_error: Mapped[str | None] = mapped_column(Text)


# ---------------------------------------------------------------- readings


class DailyFreeze(Base):
    """日冻结: the forward active register the meter froze at 00:00 of ``day`` (primary Wh)."""

    __tablename__ = "daily_freeze"
    __table_args__ = (Index("ix_daily_freeze_day", "day"),)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    forward_active_wh: Mapped[int] = mapped_column(BigInteger)
    collected_at: Mapped[datetime] = mapped_column(DateTime)


class RegisterReading(Base):
    """The latest forward active register read from a meter on ``day`` (primary Wh)."""

    __tablename__ = "register_reading"
    __table_args__ = (Index("ix_register_reading_day", "day"),)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    forward_active_wh: Mapped[int] = mapped_column(BigInteger)
    read_at: Mapped[datetime] = mapped_column(DateTime)


class IntervalReading(Base):
    """One quarter-hour point of a load curve (台区 summary meters and large customers)."""

    __tablename__ = "interval_reading"
    __table_args__ = (Index("ix_interval_reading_slot_start", "slot_start"),)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"), primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    active_power_w: Mapped[int] = mapped_column(Integer)
    forward_active_wh: Mapped[int | None] = mapped_column(BigInteger)
    read_at: Mapped[datetime] = mapped_column(DateTime)


# ---------------------------------------------------------------- operations


class CollectionRun(Base):
    __tablename__ = "collection_run"
    __table_args__ = (_enum_check("status", RunStatus),)
    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    meters_planned: Mapped[int] = mapped_column(Integer, default=0)
    meters_ok: Mapped[int] = mapped_column(Integer, default=0)
    meters_failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class AppSetting(Base):
    """Small facts about this database (e.g. the demo county's seed), keyed by name."""

    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
