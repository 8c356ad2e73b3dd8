"""Organisation tree: company → county → supply station / substation → feeder → 台区 → meter
box, and the concentrators that serve 台区."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import AreaClass, AreaKind, Base, DeviceStatus, enum_check


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
    """台区: the area supplied by one distribution transformer (public, or a 专变 customer's)."""

    __tablename__ = "transformer_area"
    __table_args__ = (
        enum_check("area_class", AreaClass),
        enum_check("kind", AreaKind),
        CheckConstraint("rated_kva > 0", name="rated_kva_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    feeder_id: Mapped[int] = mapped_column(ForeignKey("feeder.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    rated_kva: Mapped[int] = mapped_column(Integer)
    area_class: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(
        String(16), default=AreaKind.PUBLIC.value, server_default=AreaKind.PUBLIC.value
    )
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]


class MeterBox(Base):
    """表箱: a box of meters on a pole or wall, the unit a crew walks to."""

    __tablename__ = "meter_box"
    id: Mapped[int] = mapped_column(primary_key=True)
    transformer_area_id: Mapped[int] = mapped_column(ForeignKey("transformer_area.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    location: Mapped[str | None] = mapped_column(String(200))
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]


class Concentrator(Base):
    """集中器: reads the meters of its 台区 and talks Q/GDW 1376.1 to the master station.

    Addressed by the administrative district code (行政区划码, 4 BCD digits) and the terminal
    address (1-65535)."""

    __tablename__ = "concentrator"
    __table_args__ = (
        enum_check("status", DeviceStatus),
        UniqueConstraint("district_code", "terminal_address"),
        CheckConstraint("terminal_address BETWEEN 1 AND 65535", name="terminal_address_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    transformer_area_id: Mapped[int] = mapped_column(ForeignKey("transformer_area.id"), index=True)
    asset_no: Mapped[str] = mapped_column(String(32), unique=True)
    district_code: Mapped[str] = mapped_column(String(4))
    terminal_address: Mapped[int] = mapped_column(Integer)
    link_url: Mapped[str | None] = mapped_column(String(200))  # None: it dials in
    model: Mapped[str | None] = mapped_column(String(32))
    manufacturer: Mapped[str | None] = mapped_column(String(50))
    install_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=DeviceStatus.ACTIVE.value)
    online: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    remote_address: Mapped[str | None] = mapped_column(String(64))
