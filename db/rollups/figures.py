"""What a rollup row holds, and the pure computation of one 台区-day from its meters' freezes.

No database access here: the ingest refresh and the demo generator's rebuild both feed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from db.models import Level, MeterRole

CHUNK = 5_000  # ids per IN list: well under SQLite's bound-parameter limit

DAY = timedelta(days=1)

AREA, STATION, COUNTY = Level.AREA.value, Level.STATION.value, Level.COUNTY.value

FIGURES = (
    "supply_wh",
    "loss_sales_wh",
    "sales_wh",
    "customers_expected",
    "customers_complete",
    "meters_expected",
    "meters_read",
    "areas",
    "areas_computable",
)

DAY_COLUMNS = ("level", "unit_id", "day", *FIGURES, "load_max_w", "load_max_at")

CLASS_FIGURES = ("sales_wh", "customers_expected", "customers_complete", "meters_read")

CLASS_COLUMNS = ("level", "unit_id", "customer_class", "day", *CLASS_FIGURES)


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True)
class MeterFacts:
    meter_id: int
    area_id: int
    role: str
    customer_class: str | None
    install_date: date | None


@dataclass(frozen=True, slots=True)
class AreaUnits:
    station_id: int
    county_id: int


@dataclass(slots=True)
class DayFigures:
    supply_wh: int | None = None
    loss_sales_wh: int | None = None
    sales_wh: int = 0
    customers_expected: int = 0
    customers_complete: int = 0
    meters_expected: int = 0
    meters_read: int = 0
    areas: int = 1
    areas_computable: int = 0

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in FIGURES)


@dataclass(slots=True)
class ClassFigures:
    sales_wh: int = 0
    customers_expected: int = 0
    customers_complete: int = 0
    meters_read: int = 0


FreezeLookup = Mapping[tuple[int, date], int]

_SUMMARY = MeterRole.SUMMARY.value


def area_day_figures(
    meters: Sequence[MeterFacts], freezes: FreezeLookup, day: date
) -> tuple[DayFigures, dict[str, ClassFigures]]:
    """The figures of one 台区 on ``day`` from its active meters and the freezes of D and D+1."""
    # Runs for every meter-day of a bulk load (a hundred million in a county's year): plain
    # locals and one ClassFigures per class, not per meter.
    classes: dict[str, ClassFigures] = {}
    supply = sales = 0
    summaries = summaries_complete = 0
    expected = read = customers = complete = 0
    next_day = day + DAY
    lookup = freezes.get
    for m in meters:
        if m.install_date is not None and m.install_date > day:
            continue
        expected += 1
        start = lookup((m.meter_id, day))
        end = lookup((m.meter_id, next_day))
        if start is not None:
            read += 1
        # A register that went backwards (meter exchanged, rolled over) is not a sale.
        delta = end - start if start is not None and end is not None and end >= start else None
        if m.role == _SUMMARY:
            summaries += 1
            if delta is not None:
                summaries_complete += 1
                supply += delta
            continue
        name = m.customer_class or "residential"
        cls = classes.get(name)
        if cls is None:
            cls = classes[name] = ClassFigures()
        cls.customers_expected += 1
        customers += 1
        if start is not None:
            cls.meters_read += 1
        if delta is not None:
            complete += 1
            sales += delta
            cls.customers_complete += 1
            cls.sales_wh += delta
    out = DayFigures(
        sales_wh=sales,
        customers_expected=customers,
        customers_complete=complete,
        meters_expected=expected,
        meters_read=read,
    )
    if summaries and summaries_complete == summaries:
        out.supply_wh = supply
        if complete == customers:
            out.areas_computable = 1
            out.loss_sales_wh = sales
    return out, classes


def _sum_opt(values: Iterable[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


Peak = tuple[int, datetime]


def _better(new: Peak, old: Peak | None) -> bool:
    """The higher power wins; on a tie the earlier time (the rule of every maximum here)."""
    return old is None or new[0] > old[0] or (new[0] == old[0] and new[1] < old[1])
