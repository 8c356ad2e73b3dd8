"""The 30-day success-rate chart: its axes stay put while today's rate climbs through a pass
(redrawing an axis's text was most of a repaint), and always hold the points and 0-100 %."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from console.ui.views.collection.trend import TrendChart, _y_range

DAYS = [date(2026, 11, 1) + timedelta(days=i) for i in range(30)]


@pytest.mark.parametrize("low", [0.0, 10.0, 41.3, 80.0, 95.0, 98.0, 99.5, 99.9, 99.97, 100.0])
def test_the_rate_axis_holds_every_point_and_starts_at_a_round_number(low: float) -> None:
    bottom, top = _y_range(low)
    assert -3.0 <= bottom < low and top > 100


def test_the_axes_are_set_again_only_when_they_change(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    chart = TrendChart()
    qtbot.addWidget(chart)
    axis = chart.plot.getPlotItem().getAxis("bottom")
    calls: list[object] = []
    original = axis.setTicks
    monkeypatch.setattr(axis, "setTicks", lambda ticks: (calls.append(ticks), original(ticks)))
    history = [(d, Decimal("99.98")) for d in DAYS[:-1]]
    target, alarm = Decimal("99.97"), Decimal(98)
    chart.set_data([*history, (DAYS[-1], Decimal("41.3"))], target, alarm)
    assert len(calls) == 1
    for rising in ("42.0", "43.5", "44.9"):  # today's rate climbs within one band
        chart.set_data([*history, (DAYS[-1], Decimal(rising))], target, alarm)
    assert len(calls) == 1
    low, _high = chart.plot.getPlotItem().viewRange()[1]
    assert low == pytest.approx(_y_range(41.3)[0])
    chart.set_data([*history, (DAYS[-1], Decimal("99.99"))], target, alarm)  # the pass is over
    assert len(calls) == 2
    low, high = chart.plot.getPlotItem().viewRange()[1]
    assert 99.9 < low < 99.97 and high > 100
