"""The customer archive (客户档案): one row per 户号, parsed, checked against the file and the
database (台区, 电价代码), and upserted by 户号.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy.orm import Session

from console.archive import values as v
from console.archive.schema import (
    CUSTOMER_CLASS_NAMES,
    CUSTOMER_CLASSES,
    CUSTOMER_CLASSES_TEXT,
    ColumnMap,
    spoken,
)
from console.archive.store import StoreCounts, write_changes
from console.archive.validate import Problem, RowCells, duplicate_problems
from console.core.i18n import translate
from db.queries import archive as q

# File column → customer field; 台区编号 is checked but not stored (a customer's 台区 is its
# meter's, set by the meters import).
FIELD_OF_COLUMN = {
    "customer_number": "number",
    "customer_name": "name",
    "address": "address",
    "customer_class": "customer_class",
    "phone": "phone",
    "tariff_code": "tariff_id",
    "important": "important",
    "vulnerable": "vulnerable",
    "longitude": "longitude",
    "latitude": "latitude",
    "opened_on": "opened_on",
}
_NAME = v.text(100)
_ADDRESS = v.text(200)
_CLASS = v.choice(CUSTOMER_CLASSES, CUSTOMER_CLASSES_TEXT)
_LONGITUDE = v.coordinate(-180, 180)
_LATITUDE = v.coordinate(-90, 90)


class CustomerRecord(NamedTuple):
    """A row whose 户号 could be read. An incomplete one (other cells bad) is never stored but
    still takes part in the duplicate and reference checks, so every problem is reported."""

    row: int
    values: q.CustomerValues
    area_code: str | None
    tariff_code: str | None
    complete: bool


def parse_row(cells: RowCells, today: date) -> CustomerRecord | None:
    number = cells.need("customer_number", v.customer_number)
    name = cells.need("customer_name", _NAME)
    address = cells.need("address", _ADDRESS)
    customer_class = cells.need("customer_class", _CLASS)
    phone = cells.get("phone", v.phone)
    area_code = cells.get("area_code", v.code)
    tariff_code = cells.get("tariff_code", v.code)
    important = cells.get("important", v.flag)
    vulnerable = cells.get("vulnerable", v.flag)
    longitude = cells.get("longitude", _LONGITUDE)
    latitude = cells.get("latitude", _LATITUDE)
    opened_on = cells.get("opened_on", v.day)
    if opened_on is not None and opened_on > today:
        cells.problem(
            "opened_on", translate("Archive", "{date} is in the future").format(date=opened_on)
        )
    if (longitude is None) != (latitude is None) and cells.ok:
        missing = "latitude" if latitude is None else "longitude"
        reason = translate("Archive", "longitude and latitude go together: give both or neither")
        cells.problem(missing, reason)
    if number is None:
        return None
    return CustomerRecord(
        cells.number,
        q.CustomerValues(
            number=number,
            name=name or "",
            address=address or "",
            customer_class=customer_class or "",
            phone=phone,
            important=bool(important),
            vulnerable=bool(vulnerable),
            longitude=longitude,
            latitude=latitude,
            opened_on=opened_on,
        ),
        area_code,
        tariff_code,
        cells.ok,
    )


def check(
    session: Session, records: Sequence[CustomerRecord], columns: ColumnMap
) -> tuple[list[CustomerRecord], list[Problem]]:
    """Duplicate 户号, unknown 台区编号 and 电价代码, a tariff of another customer class.
    Returns the records with their tariff resolved, and the problems."""
    problems = duplicate_problems(
        records,
        lambda r: r.values.number,
        lambda r: r.row,
        columns.name("customer_number"),
        lambda r: f"户号 {r.values.number}",
    )
    areas = q.area_ids(session, (r.area_code for r in records if r.area_code))
    tariffs = q.tariffs(session, (r.tariff_code for r in records if r.tariff_code))
    resolved: list[CustomerRecord] = []
    for record in records:
        if record.area_code and record.area_code not in areas:
            reason = translate("Archive", "unknown 台区 {code} (not in the database)").format(
                code=record.area_code
            )
            problems.append(Problem(record.row, columns.name("area_code"), reason))
        if record.tariff_code:
            tariff = tariffs.get(record.tariff_code)
            if tariff is None:
                reason = translate("Archive", "unknown tariff {code} (not in the database)").format(
                    code=record.tariff_code
                )
                problems.append(Problem(record.row, columns.name("tariff_code"), reason))
                continue
            tariff_id, tariff_class = tariff
            if record.values.customer_class not in ("", tariff_class):
                reason = translate(
                    "Archive",
                    "tariff {code} is for {tariff_class} customers, this customer is "
                    "{customer_class}",
                ).format(
                    code=record.tariff_code,
                    tariff_class=spoken(CUSTOMER_CLASS_NAMES, tariff_class),
                    customer_class=spoken(CUSTOMER_CLASS_NAMES, record.values.customer_class),
                )
                problems.append(Problem(record.row, columns.name("tariff_code"), reason))
                continue
            resolved.append(record._replace(values=record.values._replace(tariff_id=tariff_id)))
            continue
        resolved.append(record)
    return resolved, problems


def store(session: Session, records: Sequence[CustomerRecord], columns: ColumnMap) -> StoreCounts:
    """Upsert by 户号. A column the file has is written, even when empty (clearing the stored
    value); a column it lacks keeps the stored values of existing customers."""
    update = [field for key, field in FIELD_OF_COLUMN.items() if columns.has(key)]
    stored = q.stored_customers(session, (r.values.number for r in records))
    rows = [(r.values, stored.get(r.values.number)) for r in records]
    return write_changes(rows, update, lambda batch: q.upsert_customers(session, batch, update))
