"""``smc db export``: any import kind written back in its template's format (the template's
Chinese header, every column, CSV in UTF-8 with a byte-order mark or, by the extension, .xlsx),
so that export → import into an empty database → export gives the same file.

Every value is written in one canonical spelling that its import reads back exactly: kWh with
two decimals (three when the Wh need it), enumerations by their template's Chinese name.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from console.archive import tariffs
from console.archive.schema import (
    AREA_CLASS_NAMES,
    COLUMNS,
    CUSTOMER_CLASS_NAMES,
    EVENT_KIND_NAMES,
    KINDS,
    METER_ROLE_NAMES,
    PHASE_NAMES,
)
from console.core.i18n import translate
from db.queries import archive_export as q
from db.queries.archive_org import UNNAMED_SUBSTATION

SUFFIXES = (".csv", ".xlsx")
EXCEL_MAX_ROWS = 1_048_576  # a worksheet's rows, the header's included
Cells = tuple[str, ...]
# A kind's stored rows as cells in its COLUMNS order; ``stations``: an operator's scope.
Exporter = Callable[[Session, Collection[int] | None], Iterable[Cells]]


class ExportError(Exception):
    """The export cannot be written; the message says why and what to do. No file is left."""


def text(value: object) -> str:
    return "" if value is None else str(value)


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def moment(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(sep=" ", timespec="seconds")


def minute(value: datetime) -> str:
    return value.isoformat(sep=" ", timespec="minutes")


def fixed(value: int | None, decimals: int) -> str:
    """An integer count of 10^-decimals units as a decimal: ``fixed(-1234, 3)`` → ``-1.234``."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(value), 10**decimals)
    return f"{sign}{whole}.{part:0{decimals}d}" if decimals else f"{sign}{whole}"


def kwh(wh: int | None) -> str:
    """Wh as kWh: two decimals, three when the Wh are not a multiple of ten."""
    out = fixed(wh, 3)
    return out[:-1] if out.endswith("0") else out


def coordinate(value: float | None) -> str:
    return "" if value is None else repr(value)


def flag(value: bool) -> str:
    return "是" if value else "否"


def named(names: Mapping[str, str]) -> Callable[[str], str]:
    return lambda value: names.get(value, value)


def _org(row: Any) -> Cells:
    company, county, station, substation, feeder, code, name, kva, cls, lon, lat = row
    substation = "" if substation == UNNAMED_SUBSTATION else substation
    return (
        company, county, station, substation, feeder, code, name, str(kva),
        AREA_CLASS_NAMES.get(cls, cls), coordinate(lon), coordinate(lat),
    )  # fmt: skip


def _concentrator(row: Any) -> Cells:
    asset_no, area, district, terminal, link, model, maker, installed = row
    return (asset_no, area, district, str(terminal), text(link), text(model), text(maker),
            day(installed))  # fmt: skip


def _customer(row: Any) -> Cells:
    number, name, address, cls, phone, area, tariff, important, vulnerable, lon, lat, opened = row
    return (
        number, name, address, CUSTOMER_CLASS_NAMES.get(cls, cls), text(phone), text(area),
        text(tariff), flag(important), flag(vulnerable), coordinate(lon), coordinate(lat),
        day(opened),
    )  # fmt: skip


def _meter(row: Any) -> Cells:
    (asset_no, address, protocol, link, area, customer, role, ct, pt, phases, model, maker,
     installed, box, concentrator) = row  # fmt: skip
    return (
        asset_no, address, protocol, text(link), area, text(customer),
        METER_ROLE_NAMES.get(role, role), str(ct), str(pt), PHASE_NAMES.get(str(phases), ""),
        text(model), text(maker), day(installed), text(box), text(concentrator),
    )  # fmt: skip


def _reading(row: Any) -> Cells:
    asset_no, freeze_day, total, sharp, peak, flat, valley, reverse, collected = row
    energy = (kwh(wh) for wh in (total, sharp, peak, flat, valley, reverse))
    return (asset_no, day(freeze_day), *energy, moment(collected))


def _curve(row: Any) -> Cells:
    asset_no, slot, watts, va, vb, vc, ia, ib, ic, pf = row
    volts = (fixed(x, 1) for x in (va, vb, vc))
    amps = (fixed(x, 3) for x in (ia, ib, ic))
    return (asset_no, minute(slot), fixed(watts, 3), *volts, *amps, fixed(pf, 3))


def _event(row: Any) -> Cells:
    asset_no, kind, start, end = row
    return (asset_no, EVENT_KIND_NAMES.get(kind, kind), moment(start), moment(end))


def _formatted(
    rows: Callable[[Session, Collection[int] | None], Iterable[Any]], cells: Callable[[Any], Cells]
) -> Exporter:
    def export(session: Session, stations: Collection[int] | None) -> Iterator[Cells]:
        return map(cells, rows(session, stations))

    return export


def _tariffs(session: Session, _stations: Collection[int] | None) -> Iterator[Cells]:
    return tariffs.export_rows(session)  # a county's tariffs belong to no one station


EXPORTERS: dict[str, Exporter] = {
    "org": _formatted(q.org, _org),
    "concentrators": _formatted(q.concentrators, _concentrator),
    "tariffs": _tariffs,
    "customers": _formatted(q.customers, _customer),
    "meters": _formatted(q.meters, _meter),
    "readings": _formatted(q.readings, _reading),
    "curves": _formatted(q.curves, _curve),
    "events": _formatted(q.events, _event),
}
assert tuple(EXPORTERS) == KINDS

# Columns written as numbers in a workbook (so that Excel sums them); keys stay text.
NUMERIC = frozenset(
    {
        "rated_kva", "longitude", "latitude", "ct_ratio", "pt_ratio", "forward_active_kwh",
        "forward_sharp_kwh", "forward_peak_kwh", "forward_flat_kwh", "forward_valley_kwh",
        "reverse_active_kwh", "active_power_kw", "voltage_a_v", "voltage_b_v", "voltage_c_v",
        "current_a_a", "current_b_a", "current_c_a", "power_factor", "price",
    }
)  # fmt: skip


def header(kind: str) -> Cells:
    return tuple(c.zh for c in COLUMNS[kind])


def export_kind(
    session: Session,
    kind: str,
    path: Path,
    *,
    stations: Collection[int] | None = None,
    excel_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Write ``kind``'s stored rows (within ``stations`` when given) to ``path``, .csv or .xlsx
    by its extension; the number of rows. The file appears whole or not at all."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ExportError(
            translate(
                "Archive", "{path}: the name must end in .csv or .xlsx (the format to write)"
            ).format(path=path)
        )
    if path.is_dir():
        raise ExportError(
            translate("Archive", "{path} is a folder: give the name of the file to write").format(
                path=path
            )
        )
    rows = EXPORTERS[kind](session, stations)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as err:
        reason = translate("Archive", "cannot write in {folder}: {reason}")
        raise ExportError(reason.format(folder=folder, reason=err.strerror or err)) from err
    os.close(handle)
    try:
        if suffix == ".csv":
            count = _write_csv(Path(temporary), header(kind), rows)
        else:
            count = _write_xlsx(Path(temporary), kind, rows, excel_rows)
        os.replace(temporary, path)
    except OSError as err:
        reason = translate("Archive", "cannot write {path}: {reason}")
        raise ExportError(reason.format(path=path, reason=err.strerror or err)) from err
    finally:
        Path(temporary).unlink(missing_ok=True)
    return count


def _write_csv(path: Path, head: Cells, rows: Iterable[Cells]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(head)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _number(cell: str) -> str | int | float:
    if not cell:
        return cell
    try:
        return int(cell)
    except ValueError:
        return float(cell)


def _write_xlsx(path: Path, kind: str, rows: Iterable[Cells], limit: int) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind)
    sheet.append(list(header(kind)))
    numeric = [c.key in NUMERIC for c in COLUMNS[kind]]
    count = 0
    try:
        for row in rows:
            count += 1
            if count >= limit:
                raise ExportError(
                    translate(
                        "Archive",
                        "{kind}: more rows than an Excel sheet holds ({limit}); export to a .csv "
                        "file instead",
                    ).format(kind=kind, limit=f"{limit - 1:,}")
                )
            sheet.append([_number(c) if n else c for c, n in zip(row, numeric, strict=True)])
    except BaseException:
        sheet.close()  # and remove the sheet's temporary file: nothing is saved
        sheet._writer.cleanup()
        raise
    book.save(path)
    return count
