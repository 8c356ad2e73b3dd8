"""Database side of the tariff import and export: the stored tariffs and their schedules (the
price lines and time-of-use windows of one tariff from one 生效日期), upserts and replacements.

A schedule is written whole: its price lines and windows are deleted and inserted again, so a
file's schedule is exactly what is stored afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from db.models import Customer, Tariff, TariffPrice, TouPeriod
from db.queries.archive import _upsert, chunks


class TariffValues(NamedTuple):
    """The columns of ``tariff`` a tariffs file sets."""

    code: str
    name: str
    kind: str
    customer_class: str


class PriceLine(NamedTuple):
    """One ``tariff_price`` row of a schedule (its tariff and 生效日期 are the schedule's)."""

    period: str
    tier: int
    valid_to: date | None
    tier_limit_kwh: int | None
    price_yuan_per_kwh: Decimal


class TouWindow(NamedTuple):
    """One ``tou_period`` row of a schedule: minutes after midnight, [start, end)."""

    start_minute: int
    end_minute: int
    period: str


class Schedule(NamedTuple):
    """What a tariff charges from one 生效日期: price lines by (period, tier), windows by start."""

    prices: tuple[PriceLine, ...]
    windows: tuple[TouWindow, ...]

    @staticmethod
    def of(prices: Iterable[PriceLine], windows: Iterable[TouWindow]) -> Schedule:
        """The canonical form (sorted), so that two equal schedules compare equal."""
        return Schedule(
            tuple(sorted(prices, key=lambda p: (p.period, p.tier))), tuple(sorted(windows))
        )


SCHEDULE_KEY = tuple[int, date]  # (tariff id, 生效日期)


def stored_tariffs(session: Session, codes: Iterable[str]) -> dict[str, tuple[int, TariffValues]]:
    """电价代码 → (id, the stored values)."""
    out: dict[str, tuple[int, TariffValues]] = {}
    for chunk in chunks(codes):
        stmt = select(
            Tariff.id, Tariff.code, Tariff.name, Tariff.kind, Tariff.customer_class
        ).where(Tariff.code.in_(chunk))
        for id_, *values in session.execute(stmt):
            out[values[0]] = (id_, TariffValues(*values))
    return out


def stored_schedules(session: Session, tariff_ids: Iterable[int]) -> dict[SCHEDULE_KEY, Schedule]:
    """Every stored schedule of the given tariffs."""
    prices: dict[SCHEDULE_KEY, list[PriceLine]] = {}
    windows: dict[SCHEDULE_KEY, list[TouWindow]] = {}
    for chunk in chunks(tariff_ids):
        price_stmt = select(
            TariffPrice.tariff_id,
            TariffPrice.valid_from,
            *(getattr(TariffPrice, name) for name in PriceLine._fields),
        ).where(TariffPrice.tariff_id.in_(chunk))
        for tariff_id, valid_from, *line in session.execute(price_stmt):
            prices.setdefault((tariff_id, valid_from), []).append(PriceLine(*line))
        window_stmt = select(
            TouPeriod.tariff_id,
            TouPeriod.valid_from,
            *(getattr(TouPeriod, name) for name in TouWindow._fields),
        ).where(TouPeriod.tariff_id.in_(chunk))
        for tariff_id, valid_from, *window in session.execute(window_stmt):
            windows.setdefault((tariff_id, valid_from), []).append(TouWindow(*window))
    return {
        key: Schedule.of(prices.get(key, ()), windows.get(key, ()))
        for key in prices.keys() | windows.keys()
    }


def customer_classes_of(session: Session, tariff_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Tariff id → {customer class: how many customers of that class have the tariff}."""
    out: dict[int, dict[str, int]] = {}
    for chunk in chunks(tariff_ids):
        stmt = select(Customer.tariff_id, Customer.customer_class).where(
            Customer.tariff_id.in_(chunk)
        )
        for tariff_id, customer_class in session.execute(stmt):
            if tariff_id is None:  # in_() never matches NULL; this tells mypy so
                continue
            classes = out.setdefault(tariff_id, {})
            classes[customer_class] = classes.get(customer_class, 0) + 1
    return out


def upsert_tariffs(session: Session, rows: Sequence[TariffValues]) -> dict[str, int]:
    """Insert tariffs, or update those whose 电价代码 exists; returns 电价代码 → id."""
    update = ("name", "kind", "customer_class")
    table = cast(Table, Tariff.__table__)
    _upsert(session, table, [row._asdict() for row in rows], "code", update)
    return {
        code: id_ for code, (id_, _v) in stored_tariffs(session, (r.code for r in rows)).items()
    }


def replace_schedule(
    session: Session, tariff_id: int, valid_from: date, schedule: Schedule
) -> None:
    """Make ``schedule`` the stored schedule of the tariff from ``valid_from``, dropping the
    price lines and windows it does not have."""
    for model in (TariffPrice, TouPeriod):
        session.execute(
            delete(model).where(model.tariff_id == tariff_id, model.valid_from == valid_from)
        )
    fixed = {"tariff_id": tariff_id, "valid_from": valid_from}
    if schedule.prices:
        session.execute(insert(TariffPrice), [fixed | p._asdict() for p in schedule.prices])
    if schedule.windows:
        session.execute(insert(TouPeriod), [fixed | w._asdict() for w in schedule.windows])


def all_schedules(session: Session) -> Iterator[tuple[TariffValues, date, Schedule]]:
    """Every stored schedule with its tariff, by 电价代码 and 生效日期."""
    tariffs = {
        id_: TariffValues(code, name, kind, cls)
        for id_, code, name, kind, cls in session.execute(
            select(Tariff.id, Tariff.code, Tariff.name, Tariff.kind, Tariff.customer_class)
        )
    }
    schedules = stored_schedules(session, tariffs)
    for tariff_id, valid_from in sorted(schedules, key=lambda key: (tariffs[key[0]].code, key[1])):
        yield tariffs[tariff_id], valid_from, schedules[(tariff_id, valid_from)]
