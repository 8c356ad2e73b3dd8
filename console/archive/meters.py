"""The meter archive (计量档案): one row per 表计资产号, parsed, checked against the file and the
database (台区, 户号, 表箱, 集中器, addresses on each link), and upserted by 资产号.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy.orm import Session

from console.archive import values as v
from console.archive.schema import (
    LINK_SCHEMES,
    METER_ROLES,
    METER_ROLES_TEXT,
    PHASES,
    PHASES_TEXT,
    PROTOCOLS,
    PROTOCOLS_TEXT,
    ColumnMap,
)
from console.archive.store import StoreCounts, write_changes
from console.archive.validate import Problem, RowCells, duplicate_problems
from console.core.i18n import translate
from db.ingest import number_points
from db.models import MeterRole
from db.queries import archive as q
from drivers.errors import LinkUrlError
from drivers.link.base import parse_link_url

FIELD_OF_COLUMN = {
    "asset_no": "asset_no",
    "comm_address": "comm_address",
    "protocol": "protocol",
    "link_url": "link_url",
    "area_code": "transformer_area_id",
    "customer_number": "customer_id",
    "role": "role",
    "ct_ratio": "ct_ratio",
    "pt_ratio": "pt_ratio",
    "phases": "phases",
    "model": "model",
    "manufacturer": "manufacturer",
    "install_date": "install_date",
    "meter_box_code": "meter_box_id",
    "concentrator_asset_no": "concentrator_id",
}
_PROTOCOL = v.choice(PROTOCOLS, PROTOCOLS_TEXT)
_ROLE = v.choice(METER_ROLES, METER_ROLES_TEXT)
_PHASES = v.choice(PHASES, PHASES_TEXT)
_MODEL = v.text(32)
_MANUFACTURER = v.text(50)


class MeterRecord(NamedTuple):
    """A row whose 资产号 could be read. An incomplete one (other cells bad) is never stored but
    still takes part in the duplicate and reference checks, so every problem is reported."""

    row: int
    values: q.MeterValues  # ids are filled in by check() (and store() for new 表箱)
    area_code: str | None
    customer_number: str | None
    box_code: str | None
    concentrator_no: str | None
    complete: bool


@lru_cache(maxsize=1024)  # a file names a few links, each on many rows
def link_url(raw: str) -> str:
    """A link URL the collection can open: ``serial://``, ``tcp://`` or ``loop://``."""
    if len(raw) > 200:
        raise v.CellError(translate("Archive", "longer than {n} characters").format(n=200))
    try:
        parsed = parse_link_url(raw)
    except LinkUrlError as err:
        raise v.CellError(str(err)) from None
    if parsed.scheme not in LINK_SCHEMES:
        known = ", ".join(f"{s}://" for s in LINK_SCHEMES)
        reason = translate("Archive", "unknown link scheme {scheme}:// (expected {known})")
        raise v.CellError(reason.format(scheme=parsed.scheme, known=known))
    return raw


def parse_row(cells: RowCells, today: date) -> MeterRecord | None:
    asset_no = cells.need("asset_no", v.code)
    address = cells.need("comm_address", v.comm_address)
    protocol = cells.need("protocol", _PROTOCOL)
    link = cells.get("link_url", link_url)
    area_code = cells.need("area_code", v.code)
    customer_number = cells.get("customer_number", v.customer_number)
    role = cells.need("role", _ROLE)
    ct_ratio = cells.get("ct_ratio", v.ratio) or 1
    pt_ratio = cells.get("pt_ratio", v.ratio) or 1
    phases = cells.get("phases", _PHASES) or "1"
    model = cells.get("model", _MODEL)
    manufacturer = cells.get("manufacturer", _MANUFACTURER)
    install_date = cells.get("install_date", v.day)
    box_code = cells.get("meter_box_code", v.code)
    concentrator_no = cells.get("concentrator_asset_no", v.code)
    if not cells.raw("link_url") and concentrator_no is None:
        reason = translate(
            "Archive", "missing: a meter without a 集中器资产号 needs a link of its own"
        )
        cells.problem("link_url", reason)
    if install_date is not None and install_date > today:
        future = translate("Archive", "{date} is in the future")
        cells.problem("install_date", future.format(date=install_date))
    if role == MeterRole.CUSTOMER.value and customer_number is None and cells.ok:
        reason = translate("Archive", "missing: a customer meter (用户表) bills a customer")
        cells.problem("customer_number", reason)
    if role == MeterRole.SUMMARY.value and customer_number is not None:
        reason = translate("Archive", "a summary meter (考核表) bills no customer: leave empty")
        cells.problem("customer_number", reason)
    if asset_no is None:
        return None
    values = q.MeterValues(
        asset_no=asset_no,
        comm_address=address or "",
        protocol=protocol or "",
        link_url=link,  # None: read through its concentrator only
        transformer_area_id=0,
        role=role or "",
        ct_ratio=ct_ratio,
        pt_ratio=pt_ratio,
        phases=int(phases),
        model=model,
        manufacturer=manufacturer,
        install_date=install_date,
    )
    return MeterRecord(
        cells.number, values, area_code, customer_number, box_code, concentrator_no, cells.ok
    )


def _place(record: MeterRecord) -> tuple[str, str] | None:
    """(通道, 通信地址), the address a meter answers to, when both could be read; a meter without
    a link of its own answers on its concentrator's RS-485 port."""
    bus = record.values.link_url
    if bus is None and record.concentrator_no is not None:
        bus = f"集中器 {record.concentrator_no}"
    if bus and record.values.comm_address:
        return bus, record.values.comm_address
    return None


def _file_problems(records: Sequence[MeterRecord], columns: ColumnMap) -> list[Problem]:
    """Keys repeated in the file, and one new 表箱 put in two 台区."""
    problems = duplicate_problems(
        records,
        lambda r: r.values.asset_no,
        lambda r: r.row,
        columns.name("asset_no"),
        lambda r: f"表计资产号 {r.values.asset_no}",
    )
    problems += duplicate_problems(
        records,
        _place,
        lambda r: r.row,
        columns.name("comm_address"),
        lambda r: translate("Archive", "通信地址 {address} on {bus}").format(
            address=r.values.comm_address, bus=(_place(r) or ("", ""))[0]
        ),
    )
    box_area: dict[str, tuple[str, int]] = {}
    for r in records:
        if r.box_code is None or r.area_code is None:
            continue
        first = box_area.setdefault(r.box_code, (r.area_code, r.row))
        if first[0] != r.area_code:
            reason = translate("Archive", "表箱 {box} is in 台区 {code} on row {row}").format(
                box=r.box_code, code=first[0], row=first[1]
            )
            problems.append(Problem(r.row, columns.name("meter_box_code"), reason))
    return problems


def check(
    session: Session, records: Sequence[MeterRecord], columns: ColumnMap
) -> tuple[list[MeterRecord], list[Problem]]:
    """Every reference resolved to its id, or a problem naming it."""
    problems = _file_problems(records, columns)
    areas = q.area_ids(session, (r.area_code for r in records if r.area_code))
    customers = q.customer_ids(session, (r.customer_number for r in records if r.customer_number))
    boxes = q.meter_boxes(session, (r.box_code for r in records if r.box_code))
    hubs = q.concentrators(session, (r.concentrator_no for r in records if r.concentrator_no))
    taken = q.meter_addresses(session, {r.values.link_url for r in records if r.values.link_url})
    in_file = {r.values.asset_no for r in records}

    def problem(record: MeterRecord, key: str, reason: str) -> None:
        problems.append(Problem(record.row, columns.name(key), reason))

    resolved: list[MeterRecord] = []
    for r in records:
        area_id = areas.get(r.area_code) if r.area_code else None
        if r.area_code and area_id is None:
            reason = translate("Archive", "unknown 台区 {code} (not in the database)")
            problem(r, "area_code", reason.format(code=r.area_code))
        customer_id = None
        if r.customer_number is not None:
            customer_id = customers.get(r.customer_number)
            if customer_id is None:
                reason = translate(
                    "Archive", "unknown customer {number} (import the customers first)"
                ).format(number=r.customer_number)
                problem(r, "customer_number", reason)
        box_id = None
        if r.box_code is not None and r.box_code in boxes:
            box_id, box_area, box_area_code = boxes[r.box_code]
            if area_id is not None and box_area != area_id:
                reason = translate("Archive", "表箱 {box} is in 台区 {stored}, not {code}").format(
                    box=r.box_code, stored=box_area_code, code=r.area_code
                )
                problem(r, "meter_box_code", reason)
        hub_id = None
        if r.concentrator_no is not None:
            hub = hubs.get(r.concentrator_no)
            if hub is None:
                reason = translate(
                    "Archive", "unknown concentrator {asset_no} (not in the database)"
                ).format(asset_no=r.concentrator_no)
                problem(r, "concentrator_asset_no", reason)
            else:
                hub_id, hub_area, hub_area_code = hub
                if area_id is not None and hub_area != area_id:
                    reason = translate(
                        "Archive", "concentrator {asset_no} serves 台区 {stored}, not {code}"
                    ).format(asset_no=r.concentrator_no, stored=hub_area_code, code=r.area_code)
                    problem(r, "concentrator_asset_no", reason)
        place = _place(r)
        holder = taken.get(place) if place else None
        # A holder that is in the file too moves away (or is a duplicate address in the file).
        if place and holder is not None and holder != r.values.asset_no and holder not in in_file:
            reason = translate(
                "Archive", "{address} on {bus} is already meter {holder}'s (in the database)"
            ).format(address=place[1], bus=place[0], holder=holder)
            problem(r, "comm_address", reason)
        values = r.values._replace(
            transformer_area_id=area_id or 0,
            customer_id=customer_id,
            meter_box_id=box_id,
            concentrator_id=hub_id,
        )
        resolved.append(r._replace(values=values))
    return resolved, problems


def store(session: Session, records: Sequence[MeterRecord], columns: ColumnMap) -> StoreCounts:
    """Create the 表箱 the file names that do not exist yet, then upsert by 资产号 (a column the
    file lacks keeps the stored values of existing meters)."""
    new_boxes = {
        r.box_code: r.values.transformer_area_id
        for r in records
        if r.box_code is not None and r.values.meter_box_id is None
    }
    box_ids = q.create_meter_boxes(session, new_boxes)
    if box_ids:
        records = [
            r._replace(values=r.values._replace(meter_box_id=box_ids[r.box_code]))
            if r.box_code in box_ids
            else r
            for r in records
        ]
    update = [field for key, field in FIELD_OF_COLUMN.items() if columns.has(key)]
    stored = q.stored_meters(session, (r.values.asset_no for r in records))
    rows = [(r.values, stored.get(r.values.asset_no)) for r in records]
    moving = [
        new.asset_no
        for new, old in rows
        if old is not None and (new.link_url, new.comm_address) != (old.link_url, old.comm_address)
    ]
    q.park_meter_addresses(session, moving)
    if columns.has("concentrator_asset_no"):
        # A meter that changes concentrator gives up its measurement point (Pn) for a free one.
        changing = [
            n.asset_no for n, o in rows if o is not None and n.concentrator_id != o.concentrator_id
        ]
        q.clear_meter_points(session, changing)
    counts = write_changes(rows, update, lambda batch: q.upsert_meters(session, batch, update))
    number_points(session)
    return replace(counts, boxes_created=len(new_boxes))
