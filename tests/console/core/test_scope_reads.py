"""A station's operator reads only their supply stations: the panorama and 采集监控 refuse any
other scope (the county as a whole included), the device tree starts at their stations, and
the scope picker offers only them. An operator of the whole county reads everything."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from console.collection.queries import CollectionQueries
from console.core.clock import FixedClock
from console.core.operator import NotPermittedError, Operator, acting_as
from console.core.permissions import require_scope
from console.core.roles import Role
from console.core.scope import Level, Scope
from console.core.thresholds import ThresholdBook
from console.demo.generator import DemoCounty
from console.monitoring.panorama import PanoramaService
from db.queries.topology import org_units


def test_a_station_operator_reads_their_station_and_nothing_else(
    session_factory: sessionmaker[Session], clock: FixedClock, small_county: DemoCounty
) -> None:
    book = ThresholdBook(session_factory, None)
    panorama = PanoramaService(session_factory, clock, book)
    collection = CollectionQueries(session_factory, clock, book)
    with session_factory() as s:
        units = org_units(s)
    stations = [u for u in units if u.level is Level.STATION]
    county = next(u for u in units if u.level is Level.COUNTY)
    mine, other = stations[0], stations[1]
    day: date = clock.now().date()
    zhang = Operator("zhang", "张", Role.DISPATCHER, frozenset({mine.id}))
    with acting_as(zhang):
        assert panorama.snapshot(mine).unit == mine
        assert collection.kpis(day, mine.scope).rate.expected > 0
        for unit in (other, county, None):
            with pytest.raises(NotPermittedError, match="may read only the supply stations"):
                panorama.snapshot(unit)
        for scope in (other.scope, county.scope, Scope()):
            with pytest.raises(NotPermittedError):
                collection.kpis(day, scope)
            with pytest.raises(NotPermittedError):
                collection.drags(day, scope)
            with pytest.raises(NotPermittedError):
                collection.trend(day, scope)
        roots = collection.children(None, day)
        assert [(n.kind, n.id) for n in roots] == [(Level.STATION, mine.id)]
        areas = collection.children(roots[0], day)
        assert areas and all(n.kind is Level.AREA for n in areas)
    with acting_as(Operator("wang", "王", Role.SUPERVISOR)):  # the whole county
        assert panorama.snapshot(None).unit is None
        assert [n.kind for n in collection.children(None, day)] == [Level.COUNTY]


def test_a_meter_or_an_area_is_in_the_scope_of_its_supply_station(
    session_factory: sessionmaker[Session], small_county: DemoCounty
) -> None:
    with session_factory() as s:
        mine = next(u for u in org_units(s) if u.level is Level.STATION)
        inside = s.execute(
            text("SELECT m.id, m.transformer_area_id, f.supply_station_id FROM meter m "
                 "JOIN transformer_area t ON t.id = m.transformer_area_id "
                 "JOIN feeder f ON f.id = t.feeder_id")
        ).all()  # fmt: skip
        with acting_as(Operator("li", "李", Role.FIELD, frozenset({mine.id}))):
            for meter, area, station in inside:
                for scope in (Scope.of(Level.METER, meter), Scope.of(Level.AREA, area)):
                    if station == mine.id:
                        require_scope(s, scope)
                    else:
                        with pytest.raises(NotPermittedError):
                            require_scope(s, scope)
    assert {station for *_x, station in inside} - {mine.id}  # the county has other stations
