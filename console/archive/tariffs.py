"""The tariff table (电价表): one row per price line of a tariff's schedule, checked against the
file and the database; tariffs upserted by 电价代码, each schedule in the file stored whole.

A schedule is one 电价代码 from one 生效日期; the file's schedule replaces the stored one (lines
it lacks are removed). ``export_rows`` writes the stored tariffs back in the same columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import NamedTuple, TypeVar

from sqlalchemy.orm import Session

from console.archive import tariff_schedule as s
from console.archive import values as v
from console.archive.schema import (
    COLUMNS,
    CUSTOMER_CLASS_NAMES,
    CUSTOMER_CLASSES,
    CUSTOMER_CLASSES_TEXT,
    TARIFF_KIND_NAMES,
    TARIFF_KINDS,
    TARIFF_KINDS_TEXT,
    TARIFF_PERIOD_NAMES,
    TARIFF_PERIODS,
    TARIFF_PERIODS_TEXT,
    ColumnMap,
)
from console.archive.store import StoreCounts
from console.archive.validate import ROW, Problem, RowCells, duplicate_problems
from console.core.i18n import translate
from db.queries import archive_tariffs as q

T = TypeVar("T")
LINES_REMOVED = "电价明细 (price lines)"
_NAME = v.text(100)
_KIND = v.choice(TARIFF_KINDS, TARIFF_KINDS_TEXT)
_CLASS = v.choice(CUSTOMER_CLASSES, CUSTOMER_CLASSES_TEXT)
_PERIOD = v.choice(TARIFF_PERIODS, TARIFF_PERIODS_TEXT)


# The Chinese names a template, an export and a disagreement use, in English sessions too.
KIND_NAMES = TARIFF_KIND_NAMES
CLASS_NAMES = CUSTOMER_CLASS_NAMES
PERIOD_NAMES = TARIFF_PERIOD_NAMES


class TariffRecord(NamedTuple):
    """A row whose 电价代码 and 生效日期 could be read. An incomplete one (other cells bad) is
    never stored but still takes part in the schedule checks, so every problem is reported."""

    row: int
    tariff: q.TariffValues  # "" in a cell that is empty or bad
    valid_from: date
    valid_to: date | None
    line: s.Line | None  # None: its period or tier cannot be read
    price: Decimal
    complete: bool

    @property
    def schedule(self) -> tuple[str, date]:
        return self.tariff.code, self.valid_from


def _optional(cells: RowCells, key: str, parse: Callable[[str], T], default: T) -> T | None:
    """``default`` for an empty cell, ``None`` for a bad one (a problem)."""
    return cells.get(key, parse) if cells.raw(key) else default


def parse_row(cells: RowCells, today: date) -> TariffRecord | None:
    code = cells.need("tariff_code", v.code)
    name = cells.need("tariff_name", _NAME)
    kind = cells.need("tariff_kind", _KIND)
    customer_class = cells.need("customer_class", _CLASS)
    valid_from = cells.need("valid_from", v.day)
    valid_to = cells.get("valid_to", v.day)
    period = _optional(cells, "period", _PERIOD, "all")
    no_windows: tuple[s.Window, ...] = ()
    windows = _optional(cells, "hours", s.windows, no_windows)
    tier = _optional(cells, "tier", s.tier, 0)
    limit = cells.get("tier_limit_kwh", s.tier_limit)
    price = cells.need("price", s.price)
    if valid_from is not None and valid_to is not None and valid_to <= valid_from:
        reason = translate(
            "Archive",
            "{valid_to} is not after 生效日期 {valid_from} (失效日期 is the first day the price no "
            "longer applies)",
        )
        cells.problem("valid_to", reason.format(valid_to=valid_to, valid_from=valid_from))
    line = None
    if period is not None and tier is not None and windows is not None:
        line = s.Line(cells.number, period, tier, limit, windows)
        if kind is not None:
            for key, reason in s.line_problems(kind, line):
                cells.problem(key, reason)
    if code is None or valid_from is None:
        return None
    tariff = q.TariffValues(code, name or "", kind or "", customer_class or "")
    return TariffRecord(
        cells.number, tariff, valid_from, valid_to, line, price or Decimal(0), cells.ok
    )


def _line_key(record: TariffRecord) -> tuple[str, date, str, int] | None:
    line = record.line
    return None if line is None else (record.tariff.code, record.valid_from, line.period, line.tier)


def _line_name(record: TariffRecord) -> str:
    line = record.line
    assert line is not None
    if line.tier:
        name = translate("Archive", "{period} 第{tier}档 of 电价 {code} from {valid_from}")
    else:
        name = translate("Archive", "{period} of 电价 {code} from {valid_from}")
    return name.format(
        period=PERIOD_NAMES[line.period],
        tier=line.tier,
        code=record.tariff.code,
        valid_from=record.valid_from,
    )


def _field(name: str, names: dict[str, str] | None = None) -> Callable[[TariffRecord], str]:
    """A tariff's field as a row gives it, by its Chinese name if it has one."""

    def value(record: TariffRecord) -> str:
        raw: str = getattr(record.tariff, name)
        return names.get(raw, raw) if names else raw

    return value


def _disagreements(
    groups: dict[T, list[TariffRecord]],
    value: Callable[[TariffRecord], str],
    column: str,
    says: str,
    fields: Callable[[T], Mapping[str, object]],
) -> list[Problem]:
    """Rows of a group whose ``value`` differs from the group's first row: both are wrong, as
    the file does not say which one is right. Empty values (a problem already) are skipped.
    ``says``: a sentence with the group's ``fields``, {here}, {there} and {row}."""
    problems: list[Problem] = []
    for group, records in groups.items():
        given = [r for r in records if value(r) != ""]
        if not given:
            continue
        first = given[0]
        for r in given[1:]:
            if value(r) != value(first):
                x, y, named = value(r), value(first), fields(group)
                problems.append(
                    Problem(r.row, column, says.format(**named, here=x, there=y, row=first.row))
                )
                problems.append(
                    Problem(first.row, column, says.format(**named, here=y, there=x, row=r.row))
                )
    return problems


def check(
    session: Session, records: Sequence[TariffRecord], columns: ColumnMap
) -> tuple[list[TariffRecord], list[Problem]]:
    """Duplicate lines; one name, type and class per tariff and one 失效日期 per schedule; the
    tiers or the 时间段 of each schedule; and against the database: a class that its customers
    do not have, a type its other stored prices do not have, prices valid at the same time."""
    problems = duplicate_problems(
        [r for r in records if r.line is not None],
        _line_key,
        lambda r: r.row,
        columns.name("period"),
        _line_name,
    )
    tariffs: dict[str, list[TariffRecord]] = {}
    schedules: dict[tuple[str, date], list[TariffRecord]] = {}
    for r in records:
        tariffs.setdefault(r.tariff.code, []).append(r)
        schedules.setdefault(r.schedule, []).append(r)
    says = translate("Archive", "电价 {code} is {here} here, not {there} as on row {row}")
    for field, key, names in (
        ("name", "tariff_name", None),
        ("kind", "tariff_kind", KIND_NAMES),
        ("customer_class", "customer_class", CLASS_NAMES),
    ):
        problems += _disagreements(
            tariffs, _field(field, names), columns.name(key), says, lambda code: {"code": code}
        )
    empty = translate("Archive", "(empty)")
    problems += _disagreements(
        schedules,
        lambda r: str(r.valid_to) if r.valid_to else empty,
        columns.name("valid_to"),
        translate(
            "Archive",
            "the prices of 电价 {code} from {valid_from} have 失效日期 {here} here, not {there} "
            "as on row {row}",
        ),
        lambda key: {"code": key[0], "valid_from": key[1]},
    )
    kinds = {code: rs[0].tariff.kind for code, rs in tariffs.items()}
    for (code, _valid_from), rs in schedules.items():
        lines = [r.line for r in rs if r.line is not None]
        rules = {"tiered": s.tier_problems, "tou": s.coverage_problems}.get(kinds[code])
        for row, key, reason in rules(lines) if rules else ():
            problems.append(Problem(row, columns.name(key), reason))
    problems += _stored_problems(session, tariffs, schedules, columns)
    problems += _whole_schedule_problems(schedules, problems)
    return list(records), problems


def _stored_problems(
    session: Session,
    tariffs: dict[str, list[TariffRecord]],
    schedules: dict[tuple[str, date], list[TariffRecord]],
    columns: ColumnMap,
) -> list[Problem]:
    stored = q.stored_tariffs(session, tariffs)
    ids = {code: id_ for code, (id_, _values) in stored.items()}
    codes = {id_: code for code, id_ in ids.items()}
    users = q.customer_classes_of(session, ids.values())
    stored_schedules = q.stored_schedules(session, ids.values())
    problems: list[Problem] = []
    for code, (id_, old) in stored.items():
        rs = tariffs[code]
        new = rs[0].tariff
        others = {c: n for c, n in users.get(id_, {}).items() if c != new.customer_class}
        if new.customer_class not in ("", old.customer_class) and others:
            count = translate("Archive", "{count} {customer_class}")
            held = ", ".join(
                count.format(count=n, customer_class=CLASS_NAMES[c])
                for c, n in sorted(others.items())
            )
            reason = translate(
                "Archive", "电价 {code} is the tariff of {held} customers: give them another first"
            ).format(code=code, held=held)
            problems += [Problem(r.row, columns.name("customer_class"), reason) for r in rs]
        kept = sorted(d for i, d in stored_schedules if i == id_ and (code, d) not in schedules)
        if new.kind and new.kind != old.kind and kept:
            reason = translate(
                "Archive",
                "电价 {code} is stored as {kind} with prices from {dates} that this file does not "
                "replace: a tariff keeps its type (replace those prices too, or give the new one "
                "another 电价代码)",
            ).format(code=code, kind=KIND_NAMES[old.kind], dates=", ".join(map(str, kept)))
            problems += [Problem(r.row, columns.name("tariff_kind"), reason) for r in rs]
    # Two schedules of one tariff valid at once leave the price of a day in doubt.
    spans: dict[str, list[tuple[date, date | None, list[TariffRecord]]]] = {}
    for (code, valid_from), rs in schedules.items():
        spans.setdefault(code, []).append((valid_from, rs[0].valid_to, rs))
    for (id_, valid_from), schedule in stored_schedules.items():
        code = codes[id_]
        if (code, valid_from) not in schedules:
            ends = [p.valid_to for p in schedule.prices]
            end = None if None in ends or not ends else max(e for e in ends if e is not None)
            spans[code].append((valid_from, end, []))
    for code, listed in spans.items():
        listed.sort(key=lambda span: span[0])
        for (start, end, rs), (after, _end, later) in pairwise(listed):
            if end is not None and end <= after:
                continue
            if rs:
                reason = (
                    translate(
                        "Archive",
                        "the prices from {start} must end by {after}, when the prices from "
                        "{after} start (失效日期 {after})",
                    )
                    if later
                    else translate(
                        "Archive",
                        "the prices from {start} must end by {after}, when the stored prices "
                        "from {after} start (失效日期 {after})",
                    )
                ).format(start=start, after=after)
                problems += [Problem(r.row, columns.name("valid_to"), reason) for r in rs]
            elif later:
                reason = (
                    translate(
                        "Archive",
                        "the stored prices of 电价 {code} from {start} run until {end}: add them "
                        "to this file with 失效日期 {after}",
                    )
                    if end
                    else translate(
                        "Archive",
                        "the stored prices of 电价 {code} from {start} run without 失效日期: add "
                        "them to this file with 失效日期 {after}",
                    )
                ).format(code=code, start=start, end=end, after=after)
                problems += [Problem(r.row, columns.name("valid_from"), reason) for r in later]
    return problems


def _whole_schedule_problems(
    schedules: dict[tuple[str, date], list[TariffRecord]], problems: Sequence[Problem]
) -> list[Problem]:
    """A schedule is stored whole or not at all (even with skip_invalid): a 分时 tariff without
    its 谷 line, say, would price the night wrongly. Its other rows are rejected too."""
    bad = {p.row for p in problems}
    out: list[Problem] = []
    for (code, valid_from), rs in schedules.items():
        invalid = sorted({r.row for r in rs if r.row in bad or not r.complete})
        if not invalid:
            continue
        reason = (
            translate(
                "Archive",
                "the prices of 电价 {code} from {valid_from} are stored together: row {row} is "
                "invalid",
            )
            if len(invalid) == 1
            else translate(
                "Archive",
                "the prices of 电价 {code} from {valid_from} are stored together: rows {rows} are "
                "invalid",
            )
        ).format(
            code=code, valid_from=valid_from, row=invalid[0], rows=", ".join(map(str, invalid))
        )
        out += [Problem(r.row, ROW, reason) for r in rs if r.row not in invalid]
    return out


def _schedule(records: Sequence[TariffRecord]) -> q.Schedule:
    prices, windows = [], []
    for r in records:
        line = r.line
        assert line is not None  # a record without one is never complete
        prices.append(q.PriceLine(line.period, line.tier, r.valid_to, line.tier_limit_kwh, r.price))
        windows += [q.TouWindow(start, end, line.period) for start, end in line.windows]
    return q.Schedule.of(prices, windows)


def _windows_of(schedule: q.Schedule, period: str) -> list[tuple[int, int]]:
    return sorted((w.start_minute, w.end_minute) for w in schedule.windows if w.period == period)


def store(session: Session, records: Sequence[TariffRecord], columns: ColumnMap) -> StoreCounts:
    """Upsert the tariffs by 电价代码, then replace each schedule that differs from the stored
    one. A row is new when its line was not stored, updated when it or its tariff changed."""
    wanted = {r.tariff.code: r.tariff for r in records}
    stored = q.stored_tariffs(session, wanted)
    changed = [t for code, t in wanted.items() if code not in stored or stored[code][1] != t]
    ids = q.upsert_tariffs(session, changed) | {c: i for c, (i, _t) in stored.items()}
    groups: dict[tuple[str, date], list[TariffRecord]] = {}
    for r in records:
        groups.setdefault(r.schedule, []).append(r)
    old_schedules = q.stored_schedules(session, {ids[code] for code, _day in groups})
    new = updated = unchanged = removed = 0
    for (code, valid_from), rs in groups.items():
        schedule = _schedule(rs)
        old = old_schedules.get((ids[code], valid_from))
        if old != schedule:
            q.replace_schedule(session, ids[code], valid_from, schedule)
        old_lines = {(p.period, p.tier): p for p in old.prices} if old else {}
        removed += len(old_lines.keys() - {(p.period, p.tier) for p in schedule.prices})
        renamed = code in stored and stored[code][1] != wanted[code]
        lines = {(p.period, p.tier): p for p in schedule.prices}
        for r in rs:
            key = _line_key(r)
            assert key is not None  # only complete records are stored
            period_tier = (key[2], key[3])
            before = old_lines.get(period_tier)
            if old is None or before is None:
                new += 1
            elif (
                renamed
                or before != lines[period_tier]
                or _windows_of(old, key[2]) != _windows_of(schedule, key[2])
            ):
                updated += 1
            else:
                unchanged += 1
    return StoreCounts(
        new=new,
        updated=updated,
        unchanged=unchanged,
        removed=((LINES_REMOVED, removed),) if removed else (),
    )


def export_rows(session: Session) -> Iterator[tuple[str, ...]]:
    """Every stored price line as the cells of a tariffs file (``COLUMNS["tariffs"]`` order),
    by 电价代码, 生效日期, period and tier, in the canonical text an import reads back to the
    same rows. Windows of a period without a price line have no row to go on and are left out."""
    keys = [c.key for c in COLUMNS["tariffs"]]
    for tariff, valid_from, schedule in q.all_schedules(session):
        lines = sorted(schedule.prices, key=lambda p: (s.PERIOD_ORDER.index(p.period), p.tier))
        for line in lines:
            cells = {
                "tariff_code": tariff.code,
                "tariff_name": tariff.name,
                "tariff_kind": KIND_NAMES[tariff.kind],
                "customer_class": CLASS_NAMES[tariff.customer_class],
                "valid_from": valid_from.isoformat(),
                "valid_to": line.valid_to.isoformat() if line.valid_to else "",
                "period": PERIOD_NAMES[line.period],
                "hours": s.windows_text(_windows_of(schedule, line.period)),
                "tier": str(line.tier) if line.tier else "",
                "tier_limit_kwh": "" if line.tier_limit_kwh is None else str(line.tier_limit_kwh),
                "price": s.price_text(line.price_yuan_per_kwh),
            }
            yield tuple(cells[key] for key in keys)
