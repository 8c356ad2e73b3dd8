"""The county's concentrators stored in the database, emulated: each serves its meters (loads
as ``console.demo.fleet`` gives them) over Q/GDW 1376.1. Used by ``smc emulator --from-db`` and
by the demo, whose emulated concentrators dial in to the console's own front end."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.demo.profiles import area_supply, consumer_load, is_dead
from db.models import Concentrator, Customer, DeviceStatus, Meter, MeterRole, TransformerArea
from db.queries.settings import demo_info
from drivers.emulator.core import Clock, MeterCore
from drivers.emulator.load import ConsumerLoad, RegisterModel
from drivers.gdw376.codec import Address
from drivers.gdw376.emulated import (
    PROTOCOL_DLT645_1997,
    PROTOCOL_DLT645_2007,
    ConcentratorOptions,
    EmulatedConcentrator,
    MeterEntry,
    user_class_of,
)

_PROTOCOL_CODES = {"dlt645-2007": PROTOCOL_DLT645_2007, "dlt645-1997": PROTOCOL_DLT645_1997}
# (measurement point, address, role, CT ratio, phases, protocol, customer class, 台区 code)
_Row = tuple[int, str, str, int, int, str, str | None, str]


def concentrators_from_db(
    session_factory: sessionmaker[Session],
    clock: Clock,
    options: ConcentratorOptions,
    *,
    cores: Mapping[str, MeterCore] | None = None,
) -> list[EmulatedConcentrator]:
    """The active concentrators stored in the database with their active meters, loads as the
    demo county's (``console.demo.profiles``), built on first use; ``cores`` (by address) are
    meters emulated already (the demo's DL/T 645 buses): shared, not copied."""
    with session_factory() as session:
        info = demo_info(session)
        hubs = session.execute(
            select(Concentrator.id, Concentrator.district_code, Concentrator.terminal_address)
            .where(Concentrator.status == DeviceStatus.ACTIVE.value)
            .order_by(Concentrator.id)
        ).all()
        meters = session.execute(
            select(Meter.concentrator_id, Meter.point_no, Meter.comm_address, Meter.role,
                   Meter.ct_ratio, Meter.phases, Meter.protocol, Customer.customer_class,
                   TransformerArea.code)
            .outerjoin(Customer, Customer.id == Meter.customer_id)
            .join(TransformerArea, TransformerArea.id == Meter.transformer_area_id)
            .where(Meter.concentrator_id.is_not(None), Meter.status == DeviceStatus.ACTIVE.value)
            .order_by(Meter.concentrator_id, Meter.point_no)
        ).all()  # fmt: skip
    rows: dict[int, list[_Row]] = {}
    for hub_id, point_no, address, role, ct, phases, code, customer_class, area in meters:
        # A meter without a measurement point is not in its concentrator's meter list (F10):
        # the concentrator does not read it.
        if hub_id is not None and point_no is not None:
            row = (point_no, address, role, ct, phases, code, customer_class, area)
            rows.setdefault(hub_id, []).append(row)
    seed = info.seed if info is not None else 1
    reference = info.reference_day if info is not None else clock().date() - timedelta(days=30)
    dead = info.dead_meter_ratio if info is not None else 0.0
    out = []
    for hub_id, district, terminal in hubs:
        members = rows.get(hub_id, [])
        summary = next((r[0] for r in members if r[2] == MeterRole.SUMMARY.value), None)
        factory = functools.partial(
            _area_meters, members, clock, seed=seed, reference=reference, dead_ratio=dead,
            cores=cores,
        )  # fmt: skip
        out.append(
            EmulatedConcentrator(
                Address(district, terminal), factory, clock, options, summary_pn=summary
            )
        )
    return out


def _area_meters(
    rows: Sequence[_Row],
    clock: Clock,
    *,
    seed: int,
    reference: date,
    dead_ratio: float,
    cores: Mapping[str, MeterCore] | None,
) -> list[MeterEntry]:
    """One concentrator's meters with the loads ``console.demo.fleet`` gives them."""
    consumers: dict[str, ConsumerLoad] = {
        r[1]: consumer_load(seed, r[1], r[6] or "residential", reference)
        for r in rows
        if r[2] != MeterRole.SUMMARY.value
    }
    entries = []
    for pn, address, role, ct, phases, protocol_name, customer_class, area_code in rows:
        summary = role == MeterRole.SUMMARY.value
        core = None if cores is None else cores.get(address)
        if core is None:
            load: RegisterModel = (
                area_supply(seed, area_code, list(consumers.values()))
                if summary
                else consumers[address]
            )
            core = MeterCore(address, load, clock, ct_ratio=ct, phases=phases)
            core.dead = is_dead(seed, address, dead_ratio)
        user_class = user_class_of(customer_class, phases, summary=summary)
        code = _PROTOCOL_CODES.get(protocol_name, PROTOCOL_DLT645_2007)
        entries.append(MeterEntry(pn, core, code, user_class))
    return entries
