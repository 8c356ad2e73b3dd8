"""A tariff's schedule as a tariffs file writes it: the cells of a price line (price, 时间段,
阶梯档, 档上限) read and written back in one canonical text, and the rules a schedule must meet.

A schedule is the price lines of one 电价代码 from one 生效日期: one 全天 line (单一制), tiers 1..n
with rising limits and an open last tier (阶梯), or one line per period whose 时间段 cover the
day exactly once (分时).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from console.archive import values as v
from console.archive.schema import TARIFF_KIND_NAMES
from console.core.i18n import translate

PRICE_DECIMALS = 5  # tariff_price.price_yuan_per_kwh is Numeric(10, 5)
MAX_PRICE = Decimal(100)  # far above any 电度电价: catches a price in 分 or per MWh
MAX_TIERS = 3
MAX_TIER_LIMIT_KWH = 999_999_999
DAY_MINUTES = 1440
PERIOD_ORDER = ("all", "sharp", "peak", "flat", "valley")  # how an export lists a schedule

_WINDOW = re.compile(r"(\d{1,2}):(\d{2})\s*[-~～–—至]\s*(?:次日)?(\d{1,2}):(\d{2})")
_WINDOW_SEPARATORS = re.compile(r"[;；,，、\n]")
_TIER = re.compile(r"第?(\d)档?")

Window = tuple[int, int]  # minutes after midnight, [start, end)


def price(raw: str) -> Decimal:
    """元/kWh: not negative, at most 5 decimals, below 100."""
    value = v.parse_decimal(raw)
    if value < 0:
        raise v.CellError(translate("Archive", "must not be negative"))
    if value >= MAX_PRICE:
        reason = translate("Archive", "{limit} 元/kWh or more: is it in 分 or per MWh?")
        raise v.CellError(reason.format(limit=MAX_PRICE))
    scaled = value * 10**PRICE_DECIMALS
    if scaled != scaled.to_integral_value():
        raise v.CellError(translate("Archive", "more than {n} decimals").format(n=PRICE_DECIMALS))
    return value


def price_text(value: Decimal) -> str:
    """The canonical price: no trailing zeros beyond the second decimal (``0.538``, ``0.50``)."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        normal = normal.quantize(Decimal("0.01"))
    return f"{normal:f}"


def tier(raw: str) -> int:
    """阶梯档: ``0`` (not tiered) or ``1``..``3`` (``第2档`` and ``2档`` too)."""
    match = _TIER.fullmatch(raw)
    if match is None or int(match[1]) > MAX_TIERS:
        reason = translate("Archive", "expected 0 (not tiered) or a tier 1 to {last}")
        raise v.CellError(reason.format(last=MAX_TIERS))
    return int(match[1])


def tier_limit(raw: str) -> int:
    """档上限: whole kWh a year, the tier's upper bound."""
    value = v.parse_decimal(raw)
    if value != value.to_integral_value() or not 1 <= value <= MAX_TIER_LIMIT_KWH:
        reason = translate("Archive", "expected whole kWh a year, 1 to {limit}")
        raise v.CellError(reason.format(limit=MAX_TIER_LIMIT_KWH))
    return int(value)


def _minute(hour: str, minute: str, raw: str) -> int:
    h, m = int(hour), int(minute)
    if m > 59 or h > 24 or (h == 24 and m):
        raise v.CellError(translate("Archive", "no such time in {window}").format(window=repr(raw)))
    return h * 60 + m


def windows(raw: str) -> tuple[Window, ...]:
    """``08:00-11:00;18:00-21:00``: the windows of one period. ``24:00`` ends the day; a window
    that ends before it starts runs past midnight (``23:00-07:00`` is 23-24 and 0-7)."""
    out: list[Window] = []
    for part in filter(None, (p.strip() for p in _WINDOW_SEPARATORS.split(raw))):
        match = _WINDOW.fullmatch(part)
        if match is None:
            reason = translate(
                "Archive", "{window} is not a time window: expected e.g. 08:00-11:00;18:00-21:00"
            )
            raise v.CellError(reason.format(window=repr(part)))
        start, end = _minute(match[1], match[2], part), _minute(match[3], match[4], part)
        if start == DAY_MINUTES:
            reason = translate("Archive", "{window}: a window cannot start at 24:00")
            raise v.CellError(reason.format(window=repr(part)))
        if start == end:
            raise v.CellError(translate("Archive", "{window} is empty").format(window=repr(part)))
        if end == 0:
            end = DAY_MINUTES
        if end > start:
            out.append((start, end))
        else:
            out += [(start, DAY_MINUTES), (0, end)]
    return tuple(sorted(out))


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def window_text(window: Window) -> str:
    return f"{_clock(window[0])}-{_clock(window[1])}"


def windows_text(windows: Sequence[Window]) -> str:
    """The canonical 时间段: windows by start time, ``;``-separated, ``24:00`` for midnight."""
    return ";".join(window_text(w) for w in sorted(windows))


class Line(NamedTuple):
    """What one row adds to its schedule."""

    row: int
    period: str
    tier: int
    tier_limit_kwh: int | None
    windows: tuple[Window, ...]


# (column key, reason) of one row; (row, column key, reason) of a schedule.
RowProblem = tuple[str, str]
ScheduleProblem = tuple[int, str, str]


def line_problems(kind: str, line: Line) -> list[RowProblem]:
    """The shape of one line for its tariff type: 全天 and no 阶梯档 for 单一制, 全天 and a tier
    for 阶梯, a period and no tier for 分时; 时间段 only for 分时, 档上限 only for 阶梯."""
    out: list[RowProblem] = []
    name = _KIND_NAME[kind]
    if kind == "tou":
        if line.period == "all":
            out.append(
                ("period", translate("Archive", "a 分时 tariff prices 尖, 峰, 平 or 谷, not 全天"))
            )
    elif line.period != "all":
        reason = translate("Archive", "a {kind} tariff has one period, 全天")
        out.append(("period", reason.format(kind=name)))
    if kind == "tiered":
        if line.tier == 0:
            reason = translate("Archive", "a 阶梯 tariff's lines are tiers 1 to {last}")
            out.append(("tier", reason.format(last=MAX_TIERS)))
    elif line.tier != 0:
        reason = translate("Archive", "only a 阶梯 tariff has tiers, this is {kind}")
        out.append(("tier", reason.format(kind=name)))
    if kind != "tiered" and line.tier_limit_kwh is not None:
        reason = translate("Archive", "only the tiers of a 阶梯 tariff have a limit")
        out.append(("tier_limit_kwh", reason))
    if kind != "tou" and line.windows:
        out.append(("hours", translate("Archive", "only a 分时 tariff has 时间段")))
    return out


_KIND_NAME = TARIFF_KIND_NAMES


def tier_problems(lines: Sequence[Line]) -> list[ScheduleProblem]:
    """Tiers 1..n without a gap, each with a limit above the one before, the last one open."""
    by_tier = {line.tier: line for line in lines if line.tier}  # repeats: duplicates, elsewhere
    if not by_tier:
        return []
    out: list[ScheduleProblem] = []
    last = max(by_tier)
    missing = [str(t) for t in range(1, last) if t not in by_tier]
    if missing:
        reason = translate(
            "Archive", "tier {tiers} is missing: tiers are 1 to {last} without a gap"
        ).format(tiers=", ".join(missing), last=last)
        out += [(line.row, "tier", reason) for line in by_tier.values()]
    below: Line | None = None
    for number in sorted(by_tier):
        line = by_tier[number]
        limit = line.tier_limit_kwh
        if number == last:
            if limit is not None:
                reason = translate("Archive", "the last tier ({tier}) is open: no 档上限").format(
                    tier=number
                )
                out.append((line.row, "tier_limit_kwh", reason))
        elif limit is None:
            reason = translate(
                "Archive", "tier {tier} needs a 档上限 (only the last tier, {last}, is open)"
            ).format(tier=number, last=last)
            out.append((line.row, "tier_limit_kwh", reason))
        elif below is not None and below.tier_limit_kwh is not None:
            floor = below.tier_limit_kwh
            if limit <= floor:
                reason = translate(
                    "Archive", "{limit} kWh is not above tier {tier}'s {floor} kWh (row {row})"
                ).format(limit=limit, tier=below.tier, floor=floor, row=below.row)
                out.append((line.row, "tier_limit_kwh", reason))
        below = line
    return out


def coverage_problems(lines: Sequence[Line]) -> list[ScheduleProblem]:
    """The 时间段 of a 分时 schedule cover the day exactly once: every gap and overlap, on the
    rows whose windows border or overlap it."""
    placed = sorted((w, line.row) for line in lines for w in line.windows)
    if not placed:
        reason = translate(
            "Archive", "a 分时 tariff needs 时间段 that cover the whole day (00:00-24:00)"
        )
        return [(line.row, "hours", reason) for line in lines]
    out: list[ScheduleProblem] = []
    # The window reaching furthest so far, and its row: the day is covered up to its end.
    last: tuple[Window, int] | None = None
    for window, row in placed:
        reach = last[0][1] if last is not None else 0
        if window[0] > reach:
            reason = _gap(reach, window[0])
            out += [(r, "hours", reason) for r in (last and last[1], row) if r]
        elif last is not None and window[0] < reach:
            (earlier, earlier_row), both = last, window_text((window[0], min(reach, window[1])))
            out.append((row, "hours", _overlap(both, earlier, earlier_row)))
            out.append((earlier_row, "hours", _overlap(both, window, row)))
        if last is None or window[1] > reach:
            last = (window, row)
    assert last is not None
    if last[0][1] < DAY_MINUTES:
        out.append((last[1], "hours", _gap(last[0][1], DAY_MINUTES)))
    return out


def _gap(start: int, end: int) -> str:
    """The minutes [start, end) that no window of a 分时 schedule covers."""
    reason = translate(
        "Archive",
        "nothing covers {gap}: the 时间段 of a 分时 tariff cover the whole day exactly once",
    )
    return reason.format(gap=window_text((start, end)))


def _overlap(both: str, window: Window, row: int) -> str:
    """``both`` (a row's window, as text) is also in ``window`` of ``row``."""
    reason = translate("Archive", "{overlap} is also in {window} of row {row}")
    return reason.format(overlap=both, window=window_text(window), row=row)
