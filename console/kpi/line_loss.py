"""台区 line loss (线损率, DESIGN.md §6): (supply − sales) / supply of the same day, in %, to
0.01 % half-up; 合格 within the limits, 高损 above the high limit (6 %), 负损 below the negative
limit (−1 %), 不可算 when an input is missing. The limits in force come from the thresholds of
the 台区's supply station."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from console.kpi.numbers import half_up

DIGITS = 2


class LossVerdict(StrEnum):
    OK = "ok"  # 合格
    HIGH = "high"  # 高损
    NEGATIVE = "negative"  # 负损
    INCOMPUTABLE = "incomputable"  # 不可算


def line_loss_pct(supply_wh: int | None, sales_wh: int | None) -> Decimal | None:
    """``None`` (不可算) without supply, with zero supply, or without sales."""
    if not supply_wh or sales_wh is None:
        return None
    return half_up(Decimal(supply_wh - sales_wh) * 100 / Decimal(supply_wh), DIGITS)


def verdict(loss_pct: Decimal | None, high_pct: Decimal, negative_pct: Decimal) -> LossVerdict:
    if loss_pct is None:
        return LossVerdict.INCOMPUTABLE
    if loss_pct > high_pct:
        return LossVerdict.HIGH
    if loss_pct < negative_pct:
        return LossVerdict.NEGATIVE
    return LossVerdict.OK
