"""采集成功率 (collection success rate, DESIGN.md §6): meters with a valid daily-freeze read for
the day / meters that should be read, in %, to 0.01 % half-up; its grade against the target
(99.97 %) and the alarm limit (98 %) in force for the scope; and what one unit's failures
cost the rate."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from console.kpi.numbers import half_up, percent

DIGITS = 2


class Grade(StrEnum):
    GOOD = "good"  # at or above the target
    WARN = "warn"  # below the target, at or above the alarm limit
    BAD = "bad"  # below the alarm limit


def success_rate_pct(read: int, expected: int) -> Decimal | None:
    """``None`` when no meter should be read (a rate of nothing is not 0 %)."""
    return percent(read, expected, DIGITS)


def grade(rate_pct: Decimal, target_pct: Decimal, alarm_pct: Decimal) -> Grade:
    if rate_pct >= target_pct:
        return Grade.GOOD
    if rate_pct >= alarm_pct:
        return Grade.WARN
    return Grade.BAD


def meters_short(read: int, expected: int, target_pct: Decimal) -> int:
    """How many more meters must be read for the rate, as rounded and shown, to reach the
    target: the fewest ``r`` with ``r / expected`` at or above ``target − 0.005 %``."""
    if not expected:
        return 0
    half_step = Decimal(1).scaleb(-DIGITS) / 2
    needed = ((target_pct - half_step) * expected / 100).to_integral_value(rounding=ROUND_CEILING)
    return max(0, min(int(needed), expected) - read)


def cost_hundredths(failed: int, expected: int) -> Decimal:
    """What ``failed`` unread meters cost the scope's rate, in hundredths of a point, to 0.01."""
    if not expected:
        return Decimal(0)
    return half_up(Decimal(failed) * 10_000 / Decimal(expected), 2)
