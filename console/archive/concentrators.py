"""The concentrator archive (集中器档案): one row per 集中器资产号 with its 台区 and Q/GDW 1376.1
address (行政区划码 + 终端地址), checked against the file and the database, upserted by 资产号.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy.orm import Session

from console.archive import values as v
from console.archive.meters import link_url
from console.archive.schema import ColumnMap
from console.archive.store import StoreCounts, write_changes
from console.archive.validate import Problem, RowCells, duplicate_problems
from console.core.i18n import translate
from db.queries import archive as archive_q
from db.queries import archive_org as q

FIELD_OF_COLUMN = {
    "asset_no": "asset_no",
    "area_code": "transformer_area_id",
    "district_code": "district_code",
    "terminal_address": "terminal_address",
    "link_url": "link_url",
    "model": "model",
    "manufacturer": "manufacturer",
    "install_date": "install_date",
}
_DISTRICT = re.compile(r"\d{4}")
_HEX = re.compile(r"0[xX]([0-9A-Fa-f]{1,4})|([0-9A-Fa-f]{1,4})[hH]")
_MODEL = v.text(32)
_MANUFACTURER = v.text(50)


def district_code(raw: str) -> str:
    """A1, the administrative district code: 4 digits as printed (BCD on the wire)."""
    if not (raw.isascii() and _DISTRICT.fullmatch(raw)):
        raise v.CellError(translate("Archive", "expected 4 digits (行政区划码, e.g. 3301)"))
    return raw


def terminal_address(raw: str) -> int:
    """A2, the terminal address 1-65535: decimal as the console shows it (3301-00017 → 17), or
    hexadecimal as a nameplate prints it (``0x0011`` or ``0011H``)."""
    hexa = _HEX.fullmatch(raw)
    if hexa is not None:
        value = int(hexa[1] or hexa[2], 16)
    elif raw.isascii() and raw.isdigit():
        value = int(raw)
    else:
        raise v.CellError(
            translate("Archive", "expected a number 1-65535 (or hexadecimal 0x0001-0xFFFF)")
        )
    if not 1 <= value <= 65535:
        raise v.CellError(translate("Archive", "must be between 1 and 65535"))
    return value


class ConcentratorRecord(NamedTuple):
    """A row whose 资产号 could be read. An incomplete one (other cells bad) is never stored but
    still takes part in the duplicate and reference checks, so every problem is reported."""

    row: int
    values: q.ConcentratorValues  # the 台区 id is filled in by check()
    area_code: str | None
    complete: bool

    def address(self) -> tuple[str, int] | None:
        if self.values.district_code and self.values.terminal_address:
            return self.values.district_code, self.values.terminal_address
        return None


def parse_row(cells: RowCells, today: date) -> ConcentratorRecord | None:
    asset_no = cells.need("asset_no", v.code)
    area_code = cells.need("area_code", v.code)
    district = cells.need("district_code", district_code)
    terminal = cells.need("terminal_address", terminal_address)
    link = cells.get("link_url", link_url)
    model = cells.get("model", _MODEL)
    manufacturer = cells.get("manufacturer", _MANUFACTURER)
    install_date = cells.get("install_date", v.day)
    if install_date is not None and install_date > today:
        future = translate("Archive", "{date} is in the future")
        cells.problem("install_date", future.format(date=install_date))
    if asset_no is None:
        return None
    values = q.ConcentratorValues(
        asset_no, 0, district or "", terminal or 0, link, model, manufacturer, install_date
    )
    return ConcentratorRecord(cells.number, values, area_code, cells.ok)


def check(
    session: Session, records: Sequence[ConcentratorRecord], columns: ColumnMap
) -> tuple[list[ConcentratorRecord], list[Problem]]:
    """Duplicate 资产号 and addresses, unknown 台区, an address another concentrator holds, and a
    concentrator whose meters would be left in its old 台区."""
    problems = duplicate_problems(
        records,
        lambda r: r.values.asset_no,
        lambda r: r.row,
        columns.name("asset_no"),
        lambda r: f"集中器资产号 {r.values.asset_no}",
    )
    problems += duplicate_problems(
        records,
        ConcentratorRecord.address,
        lambda r: r.row,
        columns.name("terminal_address"),
        lambda r: translate("Archive", "address {address}").format(
            address=f"{r.values.district_code}-{r.values.terminal_address:05d}"
        ),
    )
    areas = archive_q.area_ids(session, (r.area_code for r in records if r.area_code))
    taken = q.concentrator_addresses(session, {r.values.district_code for r in records})
    meter_areas = q.concentrator_meter_areas(session, (r.values.asset_no for r in records))

    def problem(record: ConcentratorRecord, key: str, reason: str) -> None:
        problems.append(Problem(record.row, columns.name(key), reason))

    resolved: list[ConcentratorRecord] = []
    for r in records:
        area_id = areas.get(r.area_code) if r.area_code else None
        if r.area_code and area_id is None:
            reason = translate("Archive", "unknown 台区 {code} (import the org file first)")
            problem(r, "area_code", reason.format(code=r.area_code))
        address = r.address()
        holder = taken.get(address) if address else None
        if address and holder is not None and holder != r.values.asset_no:
            # Even when the file moves the holder away: a swap would trip the unique address
            # halfway, so a freed address is given out by a second import.
            reason = translate(
                "Archive",
                "{address} is concentrator {holder}'s in the database (give that one its new "
                "address first, in a file of its own)",
            ).format(address=f"{address[0]}-{address[1]:05d}", holder=holder)
            problem(r, "terminal_address", reason)
        behind = meter_areas.get(r.values.asset_no, {})
        elsewhere = sum(n for area, n in behind.items() if area != area_id)
        if area_id is not None and elsewhere:
            reason = translate(
                "Archive",
                "{n} meters behind concentrator {asset_no} are in another 台区 than {code}: move "
                "them with a meters import first",
            ).format(n=elsewhere, asset_no=r.values.asset_no, code=r.area_code)
            problem(r, "area_code", reason)
        resolved.append(r._replace(values=r.values._replace(transformer_area_id=area_id or 0)))
    return resolved, problems


def store(
    session: Session, records: Sequence[ConcentratorRecord], columns: ColumnMap
) -> StoreCounts:
    """Upsert by 资产号 (a column the file lacks keeps the stored values of existing ones)."""
    update = [field for key, field in FIELD_OF_COLUMN.items() if columns.has(key)]
    stored = q.stored_concentrators(session, (r.values.asset_no for r in records))
    rows = [(r.values, stored.get(r.values.asset_no)) for r in records]
    return write_changes(rows, update, lambda batch: q.upsert_concentrators(session, batch, update))
