"""The organisation archive (台区档案): one row per 台区 with its county, supply station, substation
and feeder, which are matched by name within the county or created; 台区 upserted by 编号.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import NamedTuple

from sqlalchemy.orm import Session

from console.archive import values as v
from console.archive.schema import AREA_CLASSES, AREA_CLASSES_TEXT, ColumnMap
from console.archive.store import StoreCounts, write_changes
from console.archive.validate import Problem, RowCells, duplicate_problems
from console.core.i18n import translate
from db.queries import archive_org as q

FIELD_OF_COLUMN = {
    "feeder_name": "feeder_id",
    "area_code": "code",
    "area_name": "name",
    "rated_kva": "rated_kva",
    "area_class": "area_class",
    "longitude": "longitude",
    "latitude": "latitude",
}
MAX_KVA = 100_000  # far above any distribution transformer; catches a value in VA
_NAME = v.text(100)
_CLASS = v.choice(AREA_CLASSES, AREA_CLASSES_TEXT)
_LONGITUDE = v.coordinate(-180, 180)
_LATITUDE = v.coordinate(-90, 90)


def rated_kva(raw: str) -> int:
    """A transformer's rated power: a whole number of kVA, 1 to 100,000."""
    try:
        value = int(raw.removesuffix(".0"))
    except ValueError:
        raise v.CellError(
            translate("Archive", "expected a whole number of kVA (e.g. 400)")
        ) from None
    if not 1 <= value <= MAX_KVA:
        raise v.CellError(
            translate("Archive", "must be between 1 and {limit} kVA").format(limit=MAX_KVA)
        )
    return value


class OrgRecord(NamedTuple):
    """A row whose 台区编号 could be read. An incomplete one (other cells bad) is never stored
    but still takes part in the duplicate and feeder checks, so every problem is reported."""

    row: int
    values: q.AreaValues
    company: str | None
    county: str | None
    station: str
    substation: str | None
    feeder: str
    complete: bool


def parse_row(cells: RowCells, today: date) -> OrgRecord | None:
    company = cells.get("company_name", _NAME)
    county = cells.get("county_name", _NAME)
    station = cells.need("station_name", _NAME)
    substation = cells.get("substation_name", _NAME)
    feeder = cells.need("feeder_name", _NAME)
    code = cells.need("area_code", v.code)
    name = cells.need("area_name", _NAME)
    kva = cells.need("rated_kva", rated_kva)
    area_class = cells.need("area_class", _CLASS)
    longitude = cells.get("longitude", _LONGITUDE)
    latitude = cells.get("latitude", _LATITUDE)
    if (longitude is None) != (latitude is None) and cells.ok:
        missing = "latitude" if latitude is None else "longitude"
        reason = translate("Archive", "longitude and latitude go together: give both or neither")
        cells.problem(missing, reason)
    if code is None:
        return None
    values = q.AreaValues(code, name or "", kva or 0, area_class or "", longitude, latitude)
    return OrgRecord(
        cells.number, values, company, county, station or "", substation, feeder or "", cells.ok
    )


class _Counties:
    """Which county each row means: named (by name or code), or the database's only one."""

    def __init__(self, session: Session) -> None:
        self.stored = q.counties(session)
        self.companies = q.companies(session)
        self.by_word = {u.name: u.id for u in self.stored} | {u.code: u.id for u in self.stored}

    def resolve(self, record: OrgRecord) -> int | str | None:
        """The county id; its name when it is to be created; ``None``: a problem (``why``)."""
        if record.county is None:
            return self.stored[0].id if len(self.stored) == 1 else None
        return self.by_word.get(record.county, record.county)

    def why(self) -> str:
        if not self.stored:
            return translate(
                "Archive", "the database has no county yet: name it in 县公司 (county_name)"
            )
        names = ", ".join(sorted(u.name for u in self.stored))
        reason = translate(
            "Archive",
            "the database has several counties ({names}): say which in 县公司 (county_name)",
        )
        return reason.format(names=names)

    def company_of_new(self, county: str, named: dict[str, str]) -> int | str | None:
        """The company a new county goes under: as a row of the file names it (found or to be
        created), else the database's only one."""
        company = named.get(county)
        if company is not None:
            by_name = {u.name: u.id for u in self.companies} | {
                u.code: u.id for u in self.companies
            }
            return by_name.get(company, company)
        return self.companies[0].id if len(self.companies) == 1 else None


class OrgPlan(NamedTuple):
    """What ``check`` found: each record's county (id or the name of one to create)."""

    county: int | str
    company: int | str | None  # for a county to create


class ResolvedOrg(NamedTuple):
    row: int
    record: OrgRecord
    plan: OrgPlan


def check(
    session: Session, records: Sequence[OrgRecord], columns: ColumnMap
) -> tuple[list[ResolvedOrg], list[Problem]]:
    """Duplicate 台区编号, the county of every row, one feeder under two stations or fed by two
    substations (in the file, or against the database)."""
    problems = duplicate_problems(
        records,
        lambda r: r.values.code,
        lambda r: r.row,
        columns.name("area_code"),
        lambda r: f"台区编号 {r.values.code}",
    )
    counties = _Counties(session)
    county_column = columns.name("county_name")
    named: dict[str, str] = {}  # a county → the company the first row naming both gives
    for r in records:
        if r.county is not None and r.company is not None:
            named.setdefault(r.county, r.company)
    resolved: list[ResolvedOrg] = []
    for r in records:
        county = counties.resolve(r)
        if county is None:
            problems.append(Problem(r.row, county_column, counties.why()))
            continue
        company = None
        if isinstance(county, str):
            company = counties.company_of_new(county, named)
            if company is None:
                reason = (
                    translate(
                        "Archive",
                        "county {county} is not in the database and would be created: name its "
                        "市公司 (company_name), the database has none",
                    )
                    if not counties.companies
                    else translate(
                        "Archive",
                        "county {county} is not in the database and would be created: name its "
                        "市公司 (company_name), the database has several",
                    )
                ).format(county=county)
                problems.append(Problem(r.row, county_column, reason))
                continue
        resolved.append(ResolvedOrg(r.row, r, OrgPlan(county, company)))
    problems += _feeder_problems(session, resolved, columns)
    return resolved, problems


def _feeder_problems(
    session: Session, resolved: Sequence[ResolvedOrg], columns: ColumnMap
) -> list[Problem]:
    """A feeder stored under another station, or put by two rows of the file under two stations
    or substations: both rows are wrong, as the file does not say which one is right."""
    known = {r.plan.county for r in resolved if isinstance(r.plan.county, int)}
    stored = q.feeders(session, known)
    station_names = {u.id: u.name for u in q.stations(session, known).values()}
    first: dict[tuple[int | str, str], ResolvedOrg] = {}
    first_named: dict[tuple[int | str, str], ResolvedOrg] = {}  # the first to name a substation
    problems: list[Problem] = []
    feeder_column = columns.name("feeder_name")

    def conflict(
        a: ResolvedOrg, b: ResolvedOrg, column: str, says: str, names: tuple[str, str]
    ) -> None:
        """``says``: a sentence with {feeder}, {here}, {there} and {row}."""
        x, y = names
        feeder = a.record.feeder
        problems.append(
            Problem(a.row, column, says.format(feeder=feeder, here=x, there=y, row=b.row))
        )
        problems.append(
            Problem(b.row, column, says.format(feeder=feeder, here=y, there=x, row=a.row))
        )

    for r in resolved:
        county, feeder, station = r.plan.county, r.record.feeder, r.record.station
        if not (feeder and station):
            continue  # a missing value, already a problem
        old = stored.get((county, feeder)) if isinstance(county, int) else None
        if old is not None and station_names[old.supply_station_id] != station:
            reason = translate(
                "Archive", "线路 {feeder} belongs to 供电所 {stored} in the database, not {station}"
            ).format(feeder=feeder, stored=station_names[old.supply_station_id], station=station)
            problems.append(Problem(r.row, feeder_column, reason))
        earlier = first.setdefault((county, feeder), r)
        if earlier.record.station != station:
            says = translate(
                "Archive", "线路 {feeder} is under 供电所 {here} here, not {there} as on row {row}"
            )
            conflict(r, earlier, feeder_column, says, (station, earlier.record.station))
        here = r.record.substation
        if here is None:
            continue
        named = first_named.setdefault((county, feeder), r)
        if named.record.substation is not None and named.record.substation != here:
            says = translate(
                "Archive", "线路 {feeder} is fed by 变电站 {here} here, not {there} as on row {row}"
            )
            column = columns.name("substation_name")
            conflict(r, named, column, says, (here, named.record.substation))
    return problems


def store(session: Session, resolved: Sequence[ResolvedOrg], columns: ColumnMap) -> StoreCounts:
    """Create the companies, counties, supply stations, substations and feeders the file names
    that are not stored yet, then upsert the 台区 by 编号."""
    created: dict[str, int] = {}
    county_ids = _create_counties(session, resolved, created)
    counties = set(county_ids.values())

    def county_of(r: ResolvedOrg) -> int:
        c = r.plan.county
        return c if isinstance(c, int) else county_ids[c]

    stations = q.stations(session, counties)
    # New units get their codes in the order the file first names them.
    named_stations = dict.fromkeys((county_of(r), r.record.station) for r in resolved)
    new_stations = [key for key in named_stations if key not in stations]
    q.add_stations(session, new_stations)
    created["供电所"] = len(new_stations)
    stations = q.stations(session, counties)

    # A feeder's substation: as named on its first row that names one, else the stored one, else
    # the county's 未指定变电站 (an archive of 台区 often does not say).
    wanted_substation: dict[tuple[int, str], str] = {}
    for r in resolved:
        if r.record.substation is not None:
            wanted_substation.setdefault((county_of(r), r.record.feeder), r.record.substation)
    feeders = q.feeders(session, counties)
    feeder_keys = {(county_of(r), r.record.feeder): r for r in resolved}
    needed = dict.fromkeys((county, name) for (county, _feeder), name in wanted_substation.items())
    needed |= dict.fromkeys(
        (key[0], q.UNNAMED_SUBSTATION)
        for key in feeder_keys
        if key not in feeders and key not in wanted_substation
    )
    substations = q.substations(session, counties)
    new_substations = [key for key in needed if key not in substations]
    q.add_substations(session, new_substations)
    created["变电站"] = len(new_substations)
    substations = q.substations(session, counties)

    new_feeders: list[tuple[str, int, int]] = []
    moves: dict[int, int] = {}
    for key, r in feeder_keys.items():
        county, name = key
        old = feeders.get(key)
        if old is None:
            source = substations[(county, wanted_substation.get(key, q.UNNAMED_SUBSTATION))].id
            new_feeders.append((name, stations[(county, r.record.station)].id, source))
        elif key in wanted_substation:
            source = substations[(county, wanted_substation[key])].id
            if old.substation_id != source:
                moves[old.id] = source
    q.add_feeders(session, new_feeders)
    q.set_feeder_substations(session, moves)
    created["线路"] = len(new_feeders)
    feeders = q.feeders(session, counties)

    areas = [
        r.record.values._replace(feeder_id=feeders[(county_of(r), r.record.feeder)].id)
        for r in resolved
    ]
    update = [field for key, field in FIELD_OF_COLUMN.items() if columns.has(key)]
    stored = q.stored_areas(session, (a.code for a in areas))
    rows = [(a, stored.get(a.code)) for a in areas]
    counts = write_changes(rows, update, lambda batch: q.upsert_areas(session, batch, update))
    return replace(counts, created=tuple((what, n) for what, n in created.items() if n))


def _create_counties(
    session: Session, resolved: Sequence[ResolvedOrg], created: dict[str, int]
) -> dict[int | str, int]:
    """Every county the rows name → its id, creating the new ones (and their new companies)."""
    out: dict[int | str, int] = {}
    companies: dict[str, int] = {}
    for r in resolved:
        county, company = r.plan
        if isinstance(county, int):
            out[county] = county
            continue
        if county in out:
            continue
        if isinstance(company, str):
            if company not in companies:
                companies[company] = q.add_company(session, company)
                created["市公司"] = created.get("市公司", 0) + 1
            company = companies[company]
        assert company is not None  # check() refused a new county without a company
        out[county] = q.add_county(session, company, county)
        created["县公司"] = created.get("县公司", 0) + 1
    return out
