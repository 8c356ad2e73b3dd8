"""Users and roles, the append-only audit log, versioned thresholds and small settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, RunStatus, enum_check


class Role(Base):
    """dispatcher 调度员, supervisor 班长/主任, field 台区经理, administrator 管理员, viewer 只读
    (the codes are ``console.core.roles.Role``; the rows are made by migration 0008)."""

    __tablename__ = "role"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(50))


class User(Base):
    """An operator account. Its scope is the county (no ``UserStation`` row) or the supply
    stations listed in ``user_station``."""

    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime)
    failed_signins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_signin_at: Mapped[datetime | None] = mapped_column(DateTime)


class UserStation(Base):
    """A supply station in a user's scope."""

    __tablename__ = "user_station"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    supply_station_id: Mapped[int] = mapped_column(
        ForeignKey("supply_station.id"), primary_key=True, index=True
    )


class AuditEntry(Base):
    """One state-changing action, append-only. ``entry_hash`` is SHA-256 over the previous
    entry's hash and this entry's fields, so changing or removing any entry breaks the chain
    from there on (``db.audit.verify_chain``). ``actor`` is the login as text: the log must
    outlive the user row."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    # Where the action came from; None only in entries written before revision 0010.
    workstation: Mapped[str | None] = mapped_column(String(128))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class ConfigVersion(Base):
    """A saved set of thresholds; the newest version is in force. Old versions stay, so what
    rule was in force when an alarm was raised can be shown."""

    __tablename__ = "config_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text, default="")


class Threshold(Base):
    """One threshold value in a config version, county-wide (``supply_station_id`` None) or
    overridden for one supply station. Values are text (e.g. "6.0", "45"), typed by the key's
    definition in the application."""

    __tablename__ = "threshold"
    __table_args__ = (UniqueConstraint("config_version_id", "key", "supply_station_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    config_version_id: Mapped[int] = mapped_column(ForeignKey("config_version.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    supply_station_id: Mapped[int | None] = mapped_column(ForeignKey("supply_station.id"))
    value: Mapped[str] = mapped_column(String(64))


class AppSetting(Base):
    """Small facts about this database (e.g. the demo county's seed), keyed by name."""

    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class JobRun(Base):
    """One run of a scheduled job of the service process (collection passes, backups, rule
    evaluations): when, why (``trigger``: scheduled, manual, startup) and how it ended."""

    __tablename__ = "job_run"
    __table_args__ = (
        enum_check("status", RunStatus),
        Index("ix_job_run_job_id_started_at", "job_id", "started_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    planned: Mapped[int] = mapped_column(Integer, default=0)
    ok: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
