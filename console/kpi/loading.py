"""Transformer loading (负载率, DESIGN.md §6): apparent power / rated kVA, in %, to 0.1 %
half-up; heavy (重载) at or above 80 %, overload (过载) at or above 100 %, light (轻载) below
20 %, with the limits in force for the 台区's supply station."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from console.kpi.numbers import half_up

DIGITS = 1


class Loading(StrEnum):
    LIGHT = "light"
    NORMAL = "normal"
    HEAVY = "heavy"
    OVERLOAD = "overload"


def load_rate_pct(apparent_kva: Decimal, rated_kva: Decimal | int | None) -> Decimal | None:
    if not rated_kva:
        return None
    return half_up(Decimal(apparent_kva) * 100 / Decimal(rated_kva), DIGITS)


def loading(
    rate_pct: Decimal, *, heavy_pct: Decimal, overload_pct: Decimal, light_pct: Decimal
) -> Loading:
    if rate_pct >= overload_pct:
        return Loading.OVERLOAD
    if rate_pct >= heavy_pct:
        return Loading.HEAVY
    if rate_pct < light_pct:
        return Loading.LIGHT
    return Loading.NORMAL
