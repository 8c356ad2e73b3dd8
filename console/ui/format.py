"""Number and time formatting for display: exact for Decimal, grouped thousands, fixed places."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

DASH = "—"


def number(value: Decimal | int | None, places: int = 0) -> str:
    """``12,345.68``-style text; ``—`` for a missing value."""
    if value is None:
        return DASH
    exact = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{exact:,.{places}f}"


def clock_time(at: datetime | None) -> str:
    return DASH if at is None else at.strftime("%H:%M")


def clock_time_seconds(at: datetime | None) -> str:
    return DASH if at is None else at.strftime("%H:%M:%S")
