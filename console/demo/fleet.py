"""Builds and starts the in-process emulator for the demo county stored in the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.demo.generator import LINK_PREFIX
from console.demo.profiles import area_supply, consumer_load, is_dead
from db.models import Customer, Meter, MeterRole, MeterStatus, TransformerArea
from db.queries.settings import demo_info
from drivers.dlt645.emulated import make_device
from drivers.emulator.core import MeterCore
from drivers.emulator.device import DeviceOptions
from drivers.emulator.fleet import LoopFleet

log = logging.getLogger(__name__)


def start_demo_fleet(
    session_factory: sessionmaker[Session],
    clock: Callable[[], datetime],
    *,
    reply_delay_s: float = 0.0,
    baudrate: int | None = None,
) -> LoopFleet | None:
    """Serve every demo meter on its ``loop://demo/台区`` link; ``None`` without a demo county."""
    with session_factory() as session:
        info = demo_info(session)
        if info is None:
            return None
        rows = session.execute(
            select(
                Meter.link_url,
                Meter.comm_address,
                Meter.role,
                Meter.ct_ratio,
                Customer.customer_class,
                TransformerArea.code,
            )
            .outerjoin(Customer, Customer.id == Meter.customer_id)
            .join(TransformerArea, TransformerArea.id == Meter.transformer_area_id)
            .where(Meter.link_url.startswith(LINK_PREFIX), Meter.status == MeterStatus.ACTIVE.value)
            .order_by(Meter.link_url, Meter.id)
        ).all()
    fleet = LoopFleet(baudrate=baudrate)
    options = DeviceOptions(reply_delay_s=reply_delay_s)
    for link_url, group in groupby(rows, key=lambda r: r[0]):
        members = list(group)
        consumers = {
            r[1]: consumer_load(info.seed, r[1], r[4], info.reference_day)
            for r in members
            if r[2] == MeterRole.CUSTOMER.value
        }
        supply = area_supply(info.seed, members[0][5], list(consumers.values()))
        cores = []
        for _link, address, role, ct, _cls, _code in members:
            summary = role == MeterRole.SUMMARY.value
            core = MeterCore(
                address,
                supply if summary else consumers[address],
                clock,
                ct_ratio=ct,
                phases=3 if summary else 1,
            )
            core.dead = is_dead(info.seed, address, info.dead_meter_ratio)
            cores.append(core)
        fleet.add_bus(link_url.removeprefix("loop://"), make_device(cores, options), cores)
    fleet.start()
    log.info("demo emulator serving %d meters on %d links", fleet.meter_count, len(fleet.links))
    return fleet
