"""Declarative base, naming convention and the enumerations stored as checked strings.

Every enumeration is a ``StrEnum`` stored in a short string column with a CHECK constraint, so
SQLite and PostgreSQL hold the same values and a bad value is refused by the database itself.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_check(
    column: str, enum: type[StrEnum], only: tuple[StrEnum, ...] | None = None
) -> CheckConstraint:
    """``column`` holds one of ``enum``'s values (or of ``only``, a subset of them)."""
    values = ", ".join(f"'{v.value}'" for v in (only or tuple(enum)))
    return CheckConstraint(f"{column} IN ({values})", name=f"{column}_valid")


class AreaClass(StrEnum):
    """台区 area class; decides the repair arrival commitment (45/90/120 min)."""

    URBAN = "urban"  # 城区
    RURAL = "rural"  # 农村
    REMOTE = "remote"  # 边远


class AreaKind(StrEnum):
    PUBLIC = "public"  # 公变: a public transformer serving many customers
    PRIVATE = "private"  # 专变: one customer's own transformer on a feeder


class CustomerClass(StrEnum):
    RESIDENTIAL = "residential"  # 居民
    COMMERCIAL = "commercial"  # 一般工商业
    INDUSTRIAL = "industrial"  # 大工业
    AGRICULTURAL = "agricultural"  # 农业


class TariffKind(StrEnum):
    FLAT = "flat"  # 单一电价
    TIME_OF_USE = "tou"  # 峰谷分时
    TIERED = "tiered"  # 阶梯 (residential)


class TariffPeriod(StrEnum):
    ALL = "all"  # the whole day (flat and tiered tariffs)
    SHARP = "sharp"  # 尖
    PEAK = "peak"  # 峰
    FLAT = "flat"  # 平
    VALLEY = "valley"  # 谷


class MeterRole(StrEnum):
    CUSTOMER = "customer"  # bills a customer
    SUMMARY = "summary"  # 考核表: measures supply into a 台区


class DeviceStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


MeterStatus = DeviceStatus


class RunStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


class EventKind(StrEnum):
    POWER_OFF = "power_off"  # 掉电 (ended_at = power back 上电)
    COVER_OPEN = "cover_open"  # 开盖
    TERMINAL_COVER_OPEN = "terminal_cover_open"  # 开端钮盒
    CLOCK_ERROR = "clock_error"  # 时钟异常
    REVERSE_ENERGY = "reverse_energy"  # 潮流反向
    PHASE_LOSS = "phase_loss"  # 断相
    VOLTAGE_LOSS = "voltage_loss"  # 失压
    CURRENT_LOSS = "current_loss"  # 失流
    LOOP_ABNORMAL = "loop_abnormal"  # 电压/电流回路异常 (ERC10)
    PROGRAMMING = "programming"  # 编程
    METER_CLEAR = "meter_clear"  # 电表清零


class CollectionTask(StrEnum):
    DAILY_FREEZE = "daily_freeze"
    CURVE = "curve"
    EVENTS = "events"
    REGISTER = "register"  # current registers (on-demand or the demo's live read)
    CLOCK = "clock"


class AttemptResult(StrEnum):
    OK = "ok"
    TIMEOUT = "timeout"  # no answer
    REJECTED = "rejected"  # abnormal reply / deny
    FRAME_ERROR = "frame_error"  # garbled answer
    LINK_ERROR = "link_error"  # port or connection failure
    NO_DATA = "no_data"  # answered, but the item is empty (e.g. no freeze yet)
    OFFLINE = "offline"  # the concentrator behind it is offline


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    MAJOR = "major"
    CRITICAL = "critical"


class AlarmState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    SHELVED = "shelved"
    RESOLVED = "resolved"


class Level(StrEnum):
    """A kind of unit, from the county down to a customer: the one spelling of a scope's level
    wherever it is stored (rollups, alarms, outages) or passed (``db.scope.Scope``)."""

    COUNTY = "county"
    STATION = "station"  # 供电所 supply station
    FEEDER = "feeder"  # 10 kV 线路
    AREA = "area"  # 台区
    CONCENTRATOR = "concentrator"
    METER = "meter"
    CUSTOMER = "customer"


# The levels rollups are kept at.
ROLLUP_LEVELS = (Level.AREA, Level.STATION, Level.COUNTY)
# What an alarm, an outage or a planned outage can be about.
OBJECT_LEVELS = (
    Level.METER,
    Level.CONCENTRATOR,
    Level.CUSTOMER,
    Level.AREA,
    Level.FEEDER,
    Level.STATION,
)


class TicketSource(StrEnum):
    HOTLINE_95598 = "95598"
    PHONE = "phone"
    FIELD = "field"


class TicketTriage(StrEnum):
    PENDING = "pending"
    CUSTOMER_SIDE = "customer_side"  # the meter still has voltage
    ARREARS = "arrears"  # tripped for arrears
    AREA_OUTAGE = "area_outage"
    FEEDER_OUTAGE = "feeder_outage"
    PLANNED = "planned"
    OTHER = "other"


class TicketStatus(StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    DISPATCHED = "dispatched"
    CLOSED = "closed"


class WorkOrderStatus(StrEnum):
    CREATED = "created"
    DISPATCHED = "dispatched"
    ARRIVED = "arrived"
    RESTORED = "restored"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class CrewStatus(StrEnum):
    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    ON_SITE = "on_site"
    OFF_DUTY = "off_duty"


class PlannedOutageStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    CANCELLED = "cancelled"
    DONE = "done"
