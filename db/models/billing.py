"""Bills and payments. Arrears are not stored: they derive from bills minus payments.

Money is exact ``Numeric`` yuan with two decimals (分)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base

MONEY = Numeric(14, 2)


class Bill(Base):
    """The monthly bill (电费账单) of a customer; ``period`` is the first day of the month."""

    __tablename__ = "bill"
    __table_args__ = (
        UniqueConstraint("customer_id", "period"),
        CheckConstraint("amount_yuan >= 0", name="amount_non_negative"),
        CheckConstraint("due_on >= issued_on", name="due_after_issue"),
        Index("ix_bill_due_on", "due_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    period: Mapped[date] = mapped_column(Date)
    energy_wh: Mapped[int] = mapped_column(BigInteger)
    amount_yuan: Mapped[Decimal] = mapped_column(MONEY)
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)


class Payment(Base):
    """A payment (缴费). ``reference`` is the channel's transaction number: a re-imported
    payment file does not pay twice."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount_yuan > 0", name="amount_positive"),
        Index("ix_payment_customer_id_paid_at", "customer_id", "paid_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bill.id"), index=True)
    paid_at: Mapped[datetime] = mapped_column(DateTime)
    amount_yuan: Mapped[Decimal] = mapped_column(MONEY)
    channel: Mapped[str] = mapped_column(String(16))  # counter 柜台, wechat, alipay, bank, ...
    reference: Mapped[str] = mapped_column(String(40), unique=True)
