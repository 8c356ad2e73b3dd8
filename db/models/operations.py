"""Operations: alarms, 95598/phone tickets, outages, planned outages, crews and work orders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    OBJECT_LEVELS,
    AlarmState,
    AreaClass,
    Base,
    CrewStatus,
    Level,
    PlannedOutageStatus,
    Severity,
    TicketSource,
    TicketStatus,
    TicketTriage,
    WorkOrderStatus,
    enum_check,
)


class Alarm(Base):
    """An early-warning alarm on one object. Repeats of the same condition raise ``count`` and
    ``last_seen``; ``parent_id`` folds many alarms under one (a dead concentrator is one alarm,
    not one per meter)."""

    __tablename__ = "alarm"
    __table_args__ = (
        enum_check("severity", Severity),
        enum_check("state", AlarmState),
        enum_check("object_kind", Level, OBJECT_LEVELS),
        CheckConstraint("count >= 1", name="count_positive"),
        Index("ix_alarm_rule_object_kind_object_id", "rule", "object_kind", "object_id"),
        Index("ix_alarm_state_last_seen", "state", "last_seen"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    object_kind: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default=AlarmState.OPEN.value)
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    count: Mapped[int] = mapped_column(Integer, default=1)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("alarm.id"), index=True)
    shelved_until: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    message: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str | None] = mapped_column(Text)


class PlannedOutage(Base):
    """计划停电: a scope switched off on purpose in a window, announced ``notice_at``."""

    __tablename__ = "planned_outage"
    __table_args__ = (
        enum_check("scope_kind", Level, OBJECT_LEVELS),
        enum_check("status", PlannedOutageStatus),
        CheckConstraint("window_end > window_start", name="window_ordered"),
        Index("ix_planned_outage_window_start", "window_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(DateTime)
    window_end: Mapped[datetime] = mapped_column(DateTime)
    notice_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=PlannedOutageStatus.DRAFT.value)
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Outage(Base):
    """An interruption of supply to a scope (meter, 台区 or feeder), from detection to
    restoration; the source of the reliability indices."""

    __tablename__ = "outage"
    __table_args__ = (
        enum_check("scope_kind", Level, OBJECT_LEVELS),
        CheckConstraint(
            "restored_at IS NULL OR restored_at >= started_at", name="restore_after_start"
        ),
        Index("ix_outage_started_at", "started_at"),
        Index("ix_outage_scope_kind_scope_id", "scope_kind", "scope_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[int] = mapped_column(Integer)
    cause: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    restored_at: Mapped[datetime | None] = mapped_column(DateTime)
    customers_affected: Mapped[int] = mapped_column(Integer, default=0)
    planned_outage_id: Mapped[int | None] = mapped_column(ForeignKey("planned_outage.id"))


class Ticket(Base):
    """工单 from the 95598 hotline, a phone call or the field: who called, where, what they
    said, and how it was triaged."""

    __tablename__ = "ticket"
    __table_args__ = (
        enum_check("source", TicketSource),
        enum_check("triage", TicketTriage),
        enum_check("status", TicketStatus),
        Index("ix_ticket_received_at", "received_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    caller_name: Mapped[str | None] = mapped_column(String(50))
    caller_phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200), default="")
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text, default="")
    triage: Mapped[str] = mapped_column(String(16), default=TicketTriage.PENDING.value)
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.NEW.value)
    outage_id: Mapped[int | None] = mapped_column(ForeignKey("outage.id"), index=True)


class Crew(Base):
    """A repair crew (抢修班组) of a supply station, with its last known position."""

    __tablename__ = "crew"
    __table_args__ = (enum_check("status", CrewStatus),)
    id: Mapped[int] = mapped_column(primary_key=True)
    supply_station_id: Mapped[int] = mapped_column(ForeignKey("supply_station.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default=CrewStatus.AVAILABLE.value)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    position_at: Mapped[datetime | None] = mapped_column(DateTime)


class CrewMember(Base):
    __tablename__ = "crew_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    crew_id: Mapped[int] = mapped_column(ForeignKey("crew.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    is_leader: Mapped[bool] = mapped_column(default=False)


class WorkOrder(Base):
    """抢修工单: a crew sent to a ticket or outage, with the times the SLA clocks run on.
    ``area_class`` is copied at creation: the commitment (45/90/120 min) must not change when
    the 台区 is reclassified later."""

    __tablename__ = "work_order"
    __table_args__ = (
        enum_check("status", WorkOrderStatus),
        enum_check("area_class", AreaClass),
        Index("ix_work_order_status", "status"),
        Index("ix_work_order_created_at", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    outage_id: Mapped[int | None] = mapped_column(ForeignKey("outage.id"), index=True)
    crew_id: Mapped[int | None] = mapped_column(ForeignKey("crew.id"), index=True)
    area_class: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=WorkOrderStatus.CREATED.value)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime)
    restored_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    notes: Mapped[str | None] = mapped_column(Text)
