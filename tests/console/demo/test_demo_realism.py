"""The demo county looks like a real one: tariffs, concentrators, weather that drives load,
outages, late payers, high- and negative-loss 台区, and line loss that the rollups compute as
the load model intended."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from console.core.clock import FixedClock
from console.demo import extras
from console.demo.generator import generate_demo_county
from console.demo.profiles import PROFILES, area_loss_rate
from drivers.emulator.load import ConsumerLoad, CustomerClass, daily_temperature_c

SEED = 77


@pytest.fixture
def county_40_days(session_factory: sessionmaker[Session], clock: FixedClock) -> int:
    generate_demo_county(
        session_factory, profile=PROFILES["small"], seed=SEED, now=clock.now(), history_days=40
    )
    return 40


def _scalar(sf: sessionmaker[Session], sql: str) -> object:
    with sf() as s:
        return s.execute(text(sql)).scalar_one()


def test_archive_has_tariffs_concentrators_and_weather(
    county_40_days: int, session_factory: sessionmaker[Session]
) -> None:
    sf = session_factory
    assert _scalar(sf, "SELECT count(*) FROM customer WHERE tariff_id IS NULL") == 0
    assert _scalar(sf, "SELECT count(*) FROM tariff") == 4
    assert _scalar(sf, "SELECT count(*) FROM concentrator") == _scalar(
        sf, "SELECT count(*) FROM transformer_area"
    )
    assert _scalar(sf, "SELECT count(*) FROM meter WHERE concentrator_id IS NULL") == 0
    assert _scalar(sf, "SELECT count(*) FROM weather_daily") == county_40_days + 1
    lo, hi = (_scalar(sf, f"SELECT {f}(temp_mean_c) FROM weather_daily") for f in ("min", "max"))
    assert -15 < lo <= hi < 40  # type: ignore[operator]


def test_outages_are_power_off_events_of_a_whole_area(
    county_40_days: int, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:
        outages = s.execute(
            text(
                "SELECT m.transformer_area_id, count(*), count(DISTINCT e.meter_id), min(e.ended_at > e.started_at) "
                "FROM meter_event e JOIN meter m ON m.id = e.meter_id WHERE e.kind = 'power_off' "
                "GROUP BY m.transformer_area_id, substr(e.started_at, 1, 13)"
            )
        ).all()
        area_sizes = dict(
            s.execute(text("SELECT transformer_area_id, count(*) FROM meter GROUP BY 1")).all()
        )
    assert len(outages) >= 3  # about one 台区 outage every three days
    for area, events, meters, ordered in outages:
        assert events == meters == area_sizes[area]  # every meter of the 台区 lost power
        assert ordered


def test_line_loss_in_the_rollups_is_the_loss_the_model_was_given(
    county_40_days: int, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:
        rows = s.execute(
            text(
                "SELECT a.code, r.supply_wh, r.loss_sales_wh, m.ct_ratio FROM rollup_day r "
                "JOIN transformer_area a ON a.id = r.unit_id "
                "JOIN meter m ON m.transformer_area_id = a.id AND m.role = 'summary' "
                "WHERE r.level = 'area' AND r.areas_computable = 1"
            )
        ).all()
    assert len(rows) > 100
    for code, supply, sales, ct in rows:
        intended = area_loss_rate(SEED, code)
        # The summary meter shows 0.01 kWh on its secondary side: 10 Wh × CT per read.
        resolution = 2 * 10 * ct / supply
        assert abs((supply - sales) / supply - intended) < 0.001 + resolution, code


def test_some_areas_are_high_loss_and_some_negative() -> None:
    rates = [area_loss_rate(20261121, f"TQ{n:04d}") for n in range(1, 3001)]
    high = sum(r > 0.06 for r in rates) / len(rates)
    negative = sum(r < -0.01 for r in rates) / len(rates)
    assert 0.06 < high < 0.10
    assert 0.02 < negative < 0.06


def test_chronic_late_payers_pay_late_or_owe() -> None:
    # Five hundred customers on a steady 10 kWh a day, billed for two months.
    load = ConsumerLoad(CustomerClass.RESIDENTIAL, 10_000, 1, date(2026, 9, 1), 1_000_000)
    customers = [(cid, "residential", load.day_start_wh) for cid in range(1, 501)]
    rng = random.Random(5)
    made: dict[str, list[dict[str, object]]] = {"bills": [], "payments": []}

    class Recorder:
        def execute(self, statement, rows):  # type: ignore[no-untyped-def]
            made["bills" if statement.table.name == "bill" else "payments"].extend(rows)

    extras.add_bills_and_payments(
        Recorder(),  # type: ignore[arg-type]
        rng,
        customers,
        [date(2026, 9, 1), date(2026, 10, 1)],
        date(2026, 11, 21),
    )
    assert len(made["bills"]) == 1000
    issued = {b["id"]: b["issued_on"] for b in made["bills"]}
    delays = {
        p["bill_id"]: (p["paid_at"].date() - issued[p["bill_id"]]).days for p in made["payments"]
    }  # type: ignore[union-attr, operator]
    late = {b for b, d in delays.items() if d >= 25}
    unpaid = set(issued) - set(delays)
    assert 5 <= len(late | unpaid) <= 40  # about 2 % of customers, both of their bills
    assert all(d <= 10 for b, d in delays.items() if b not in late)
    amount = {b["id"]: b["amount_yuan"] for b in made["bills"]}
    assert all(isinstance(a, Decimal) and a > 0 for a in amount.values())


def test_hot_days_raise_home_load() -> None:
    """Residential demand follows the stored temperature above 26 °C."""
    days = [date(2026, 7, 1) + timedelta(days=n) for n in range(60)]
    load = ConsumerLoad(CustomerClass.RESIDENTIAL, 10_000, 3, days[0], 0)
    hot = [d for d in days if daily_temperature_c(d)[0] > 29]
    mild = [d for d in days if daily_temperature_c(d)[0] < 26]
    assert hot and mild
    mean = lambda ds: sum(load.daily_wh(d) for d in ds) / len(ds)
    assert mean(hot) > mean(mild) * 1.03
