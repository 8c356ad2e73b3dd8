"""What makes the demo county look like a real one beyond its readings: tariffs, concentrators,
weather, meter events with a few 台区 outages, and bills and payments with chronic late payers.

Deterministic by seed, written in the generator's transaction.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from db.ingest import EventRow, number_points, upsert_meter_events
from db.models import (
    Bill,
    Concentrator,
    Customer,
    EventKind,
    Meter,
    Payment,
    Tariff,
    TariffPrice,
    TouPeriod,
    WeatherDaily,
)
from drivers.emulator.load import daily_temperature_c

# (code, name, kind, class, prices by (period, tier): yuan/kWh, tier limits kWh/year)
TARIFFS = (
    ("JM-JT", "居民生活阶梯电价", "tiered", "residential",
     (("all", 1, 2760, "0.5380"), ("all", 2, 4800, "0.5880"), ("all", 3, None, "0.8380"))),
    ("GS-FG", "一般工商业峰谷电价", "tou", "commercial",
     (("peak", 0, None, "1.0823"), ("flat", 0, None, "0.6715"), ("valley", 0, None, "0.3306"))),
    ("DG-FG", "大工业峰谷电价", "tou", "industrial",
     (("sharp", 0, None, "1.2150"), ("peak", 0, None, "0.9986"), ("flat", 0, None, "0.6150"),
      ("valley", 0, None, "0.3105"))),
    ("NY", "农业生产电价", "flat", "agricultural", (("all", 0, None, "0.5090"),)),
)  # fmt: skip
# 峰谷 hours: peak 08-11 and 18-23, valley 23-07, flat the rest (minutes after midnight).
TOU_HOURS = ((0, 420, "valley"), (420, 480, "flat"), (480, 660, "peak"), (660, 1080, "flat"),
             (1080, 1380, "peak"), (1380, 1440, "valley"))  # fmt: skip
FLAT_PRICE = {code: Decimal(prices[-1][3]) for code, _n, _k, _c, prices in TARIFFS}
LATE_PAYER_SHARE = 0.02
_BATCH = 20_000  # bills stored at a time


def next_month(month: date) -> date:
    """The first day of the month after ``month``'s."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def add_tariffs(session: Session, valid_from: date) -> dict[str, int]:
    """The four tariffs; returns tariff id by customer class (and sets every customer's)."""
    by_class: dict[str, int] = {}
    for i, (code, name, kind, cls, prices) in enumerate(TARIFFS, start=1):
        session.execute(
            insert(Tariff),
            [{"id": i, "code": code, "name": name, "kind": kind, "customer_class": cls}],
        )
        session.execute(
            insert(TariffPrice),
            [
                {"tariff_id": i, "valid_from": valid_from, "valid_to": None, "period": period,
                 "tier": tier, "tier_limit_kwh": limit, "price_yuan_per_kwh": Decimal(price)}
                for period, tier, limit, price in prices
            ],
        )  # fmt: skip
        if kind == "tou":
            session.execute(
                insert(TouPeriod),
                [{"tariff_id": i, "valid_from": valid_from, "start_minute": a, "end_minute": b,
                  "period": p} for a, b, p in TOU_HOURS],
            )  # fmt: skip
        session.execute(update(Customer).where(Customer.customer_class == cls).values(tariff_id=i))
        by_class[cls] = i
    return by_class


def add_concentrators(session: Session, area_ids: Sequence[int], install: date) -> None:
    """One concentrator per 台区 (id = 台区 id), reading every meter of it."""
    session.execute(
        insert(Concentrator),
        [
            {"id": a, "transformer_area_id": a, "asset_no": f"JZQ{a:06d}", "district_code": "3301",
             "terminal_address": a, "link_url": None, "model": "DJGZ23", "manufacturer": "青山电气",
             "install_date": install, "status": "active"}
            for a in area_ids
        ],
    )  # fmt: skip
    session.execute(update(Meter).values(concentrator_id=Meter.transformer_area_id))
    number_points(session)


def add_weather(session: Session, county_id: int, days: Sequence[date]) -> None:
    rows = []
    for day in days:
        mean, high, low = daily_temperature_c(day)
        rows.append(
            {"county_id": county_id, "day": day, "temp_mean_c": mean, "temp_max_c": high,
             "temp_min_c": low}
        )  # fmt: skip
    session.execute(insert(WeatherDaily), rows)


def add_events(
    session: Session,
    rng: random.Random,
    meters_by_area: dict[int, list[int]],
    days: Sequence[date],
) -> list[tuple[int, datetime, datetime]]:
    """A 台区 outage every few days (power-off events on all its meters) and a scattering of
    cover-open and clock-error events. Returns the outages (area, start, end)."""
    events: list[EventRow] = []
    outages: list[tuple[int, datetime, datetime]] = []
    areas = sorted(meters_by_area)
    for day in days:
        if rng.random() < 0.3:
            area = rng.choice(areas)
            start = datetime.combine(day, time(rng.randint(0, 22), rng.randint(0, 59)))
            end = start + timedelta(minutes=rng.randint(20, 240))
            outages.append((area, start, end))
            for m in meters_by_area[area]:
                jitter = timedelta(seconds=rng.randint(0, 40))
                events.append(
                    EventRow(
                        m,
                        EventKind.POWER_OFF.value,
                        start + jitter,
                        end + jitter,
                        None,
                        end + timedelta(hours=1),
                    )
                )
        for kind in (EventKind.COVER_OPEN, EventKind.CLOCK_ERROR):
            if rng.random() < 0.15:
                m = rng.choice(meters_by_area[rng.choice(areas)])
                at = datetime.combine(day, time(rng.randint(0, 23), rng.randint(0, 59)))
                ended = at + timedelta(minutes=3)
                events.append(EventRow(m, kind.value, at, ended, None, at + timedelta(hours=2)))
    upsert_meter_events(session, events)
    return outages


def add_bills_and_payments(
    session: Session,
    rng: random.Random,
    customers: Sequence[tuple[int, str, Callable[[date], int]]],
    months: Sequence[date],
    today: date,
) -> tuple[int, int]:
    """Monthly bills from the register at month ends (flat price of the customer's tariff)
    and their payments: most pay within ten days, a few chronic late payers a month late or
    not yet. ``customers``: (customer id, class, register-at-00:00 function)."""
    tariff_of = {cls: code for code, _n, _k, cls, _p in TARIFFS}
    bills: list[dict[str, object]] = []
    payments: list[dict[str, object]] = []
    bill_id = payment_count = 0

    def store() -> None:
        # A batch at a time, bills before the payments that refer to them: a county's year
        # of bills held at once would take gigabytes.
        nonlocal payment_count
        if bills:
            session.execute(insert(Bill), bills)
        if payments:
            session.execute(insert(Payment), payments)
        payment_count += len(payments)
        bills.clear()
        payments.clear()

    for cid, cls, register in customers:
        if len(bills) >= _BATCH:
            store()
        late = rng.random() < LATE_PAYER_SHARE
        price = FLAT_PRICE[tariff_of[cls]]
        for month in months:
            following = next_month(month)
            issued = following + timedelta(days=2)
            if issued > today:
                continue
            energy = max(0, register(following) - register(month))
            amount = (Decimal(energy) / 1000 * price).quantize(Decimal("0.01"))
            bill_id += 1
            due = issued + timedelta(days=15)
            bills.append({"id": bill_id, "customer_id": cid, "period": month, "energy_wh": energy,
                          "amount_yuan": amount, "issued_on": issued, "due_on": due})  # fmt: skip
            delay = rng.randint(25, 50) if late else rng.randint(0, 10)
            paid_on = issued + timedelta(days=delay)
            paid = datetime.combine(paid_on, time(rng.randint(8, 20), rng.randint(0, 59)))
            if amount > 0 and paid.date() < today:
                channel = rng.choice(("wechat", "alipay", "counter", "bank"))
                payments.append(
                    {"customer_id": cid, "bill_id": bill_id, "paid_at": paid, "amount_yuan": amount,
                     "channel": channel, "reference": f"PAY{bill_id:010d}"}
                )  # fmt: skip
    store()
    return bill_id, payment_count
