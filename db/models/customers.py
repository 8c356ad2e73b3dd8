"""Customers, their tariffs (with validity periods), and the meters that bill them or measure
supply into a 台区.

Prices are exact ``Numeric`` yuan per kWh; ratios are integers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    Base,
    CustomerClass,
    DeviceStatus,
    MeterRole,
    TariffKind,
    TariffPeriod,
    enum_check,
)


class Tariff(Base):
    """An electricity price schedule (电价): flat, time-of-use or residential tiered."""

    __tablename__ = "tariff"
    __table_args__ = (enum_check("kind", TariffKind), enum_check("customer_class", CustomerClass))
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    customer_class: Mapped[str] = mapped_column(String(16))


class TariffPrice(Base):
    """The price of one period (and tier) of a tariff from ``valid_from`` until ``valid_to``
    (exclusive; ``None``: still valid). Tier limits are annual kWh, the usual 阶梯 rule."""

    __tablename__ = "tariff_price"
    __table_args__ = (
        enum_check("period", TariffPeriod),
        UniqueConstraint("tariff_id", "valid_from", "period", "tier"),
        CheckConstraint("tier >= 0", name="tier_non_negative"),
        CheckConstraint("price_yuan_per_kwh >= 0", name="price_non_negative"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="validity_ordered"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    tariff_id: Mapped[int] = mapped_column(ForeignKey("tariff.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(16))
    tier: Mapped[int] = mapped_column(Integer, default=0)  # 0: not tiered; 1, 2, 3: 阶梯 tiers
    tier_limit_kwh: Mapped[int | None] = mapped_column(Integer)  # upper bound; None: open
    price_yuan_per_kwh: Mapped[Decimal] = mapped_column(Numeric(10, 5))


class TouPeriod(Base):
    """When a time-of-use period applies: minutes after midnight, [start, end)."""

    __tablename__ = "tou_period"
    __table_args__ = (
        enum_check("period", TariffPeriod),
        UniqueConstraint("tariff_id", "valid_from", "start_minute"),
        CheckConstraint(
            "start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
            name="minutes_in_day",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    tariff_id: Mapped[int] = mapped_column(ForeignKey("tariff.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(16))


class Customer(Base):
    __tablename__ = "customer"
    __table_args__ = (enum_check("customer_class", CustomerClass),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # 户号
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200))
    customer_class: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20))
    tariff_id: Mapped[int | None] = mapped_column(ForeignKey("tariff.id"), index=True)
    important: Mapped[bool] = mapped_column(default=False, server_default=false())  # 重要客户
    vulnerable: Mapped[bool] = mapped_column(default=False, server_default=false())  # 保供
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    opened_on: Mapped[date | None] = mapped_column(Date)  # 立户日期


class Meter(Base):
    __tablename__ = "meter"
    __table_args__ = (
        enum_check("role", MeterRole),
        enum_check("status", DeviceStatus),
        CheckConstraint("ct_ratio >= 1", name="ct_ratio_positive"),
        CheckConstraint("pt_ratio >= 1", name="pt_ratio_positive"),
        CheckConstraint("phases IN (1, 3)", name="phases_valid"),
        # Two meters on one bus cannot answer to the same address.
        UniqueConstraint("link_url", "comm_address"),
        # 测量点号: a concentrator knows each of its meters by its measurement point (Pn).
        Index("ux_meter_concentrator_point", "concentrator_id", "point_no", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    asset_no: Mapped[str] = mapped_column(String(32), unique=True)
    comm_address: Mapped[str] = mapped_column(String(12))
    protocol: Mapped[str] = mapped_column(String(24))
    # None: reached only through its concentrator (no serial/TCP link of its own).
    link_url: Mapped[str | None] = mapped_column(String(200))
    transformer_area_id: Mapped[int] = mapped_column(ForeignKey("transformer_area.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    meter_box_id: Mapped[int | None] = mapped_column(ForeignKey("meter_box.id"), index=True)
    concentrator_id: Mapped[int | None] = mapped_column(ForeignKey("concentrator.id"), index=True)
    point_no: Mapped[int | None] = mapped_column(Integer)  # Pn 1-2040 under its concentrator
    role: Mapped[str] = mapped_column(String(16))
    ct_ratio: Mapped[int] = mapped_column(Integer, default=1)
    pt_ratio: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    phases: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    model: Mapped[str | None] = mapped_column(String(32))  # 表型号, e.g. DDZY71
    manufacturer: Mapped[str | None] = mapped_column(String(50))
    install_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=DeviceStatus.ACTIVE.value)
    last_read_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_read_ok: Mapped[bool | None]
    last_error: Mapped[str | None] = mapped_column(Text)
