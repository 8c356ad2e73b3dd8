"""Rounding as the power supply company's reports do it: half-up (四舍五入), never half-even."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_STEPS = {digits: Decimal(1).scaleb(-digits) for digits in range(7)}


def half_up(value: Decimal, digits: int) -> Decimal:
    """``value`` rounded half-up to ``digits`` decimals: 99.965 -> 99.97 (not 99.96)."""
    return value.quantize(_STEPS[digits], rounding=ROUND_HALF_UP)


def percent(part: int | Decimal, whole: int | Decimal, digits: int = 2) -> Decimal | None:
    """``part`` / ``whole`` in %, half-up to ``digits``; ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return half_up(Decimal(part) * 100 / Decimal(whole), digits)
