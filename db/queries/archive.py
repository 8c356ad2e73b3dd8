"""Database side of the archive imports: bulk look-ups of the keys a file refers to, the stored
values an import compares with, and upserts of customers and meters by their natural keys.

Look-ups take the keys of one file and query them in chunks (a bounded ``IN`` list each), so a
100,000-row file costs a few hundred queries and never loads a whole city's tables.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import Table, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import (
    Concentrator,
    Customer,
    DailyFreeze,
    DeviceStatus,
    Meter,
    MeterBox,
    Tariff,
    TransformerArea,
)

CHUNK = 500  # keys per IN list: far below SQLite's and PostgreSQL's parameter limits
K = TypeVar("K")
PARKED_LINK = "parked-by-import://"  # never committed: see park_meter_addresses


class CustomerValues(NamedTuple):
    """The columns of ``customer`` an archive file sets."""

    number: str
    name: str
    address: str
    customer_class: str
    phone: str | None = None
    tariff_id: int | None = None
    important: bool = False
    vulnerable: bool = False
    longitude: float | None = None
    latitude: float | None = None
    opened_on: date | None = None


class MeterValues(NamedTuple):
    """The columns of ``meter`` an archive file sets (status and read state are not archive)."""

    asset_no: str
    comm_address: str
    protocol: str
    link_url: str | None  # None: read through its concentrator only
    transformer_area_id: int
    role: str
    customer_id: int | None = None
    meter_box_id: int | None = None
    concentrator_id: int | None = None
    ct_ratio: int = 1
    pt_ratio: int = 1
    phases: int = 1
    model: str | None = None
    manufacturer: str | None = None
    install_date: date | None = None


class StoredFreeze(NamedTuple):
    day: date
    forward_active_wh: int
    forward_sharp_wh: int | None
    forward_peak_wh: int | None
    forward_flat_wh: int | None
    forward_valley_wh: int | None
    reverse_active_wh: int | None
    collected_at: datetime


CUSTOMER_FIELDS = CustomerValues._fields
METER_FIELDS = MeterValues._fields
FREEZE_FIELDS = StoredFreeze._fields


def chunks(keys: Iterable[K]) -> Iterator[list[K]]:
    """The distinct ``keys`` in lists short enough for one IN (...) each."""
    unique = sorted(set(keys), key=repr)
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def area_ids(session: Session, codes: Iterable[str]) -> dict[str, int]:
    """台区编号 → id."""
    out: dict[str, int] = {}
    for chunk in chunks(codes):
        stmt = select(TransformerArea.code, TransformerArea.id).where(
            TransformerArea.code.in_(chunk)
        )
        out.update((code, id_) for code, id_ in session.execute(stmt))
    return out


def tariffs(session: Session, codes: Iterable[str]) -> dict[str, tuple[int, str]]:
    """电价代码 → (id, customer class the tariff is for)."""
    out: dict[str, tuple[int, str]] = {}
    for chunk in chunks(codes):
        stmt = select(Tariff.code, Tariff.id, Tariff.customer_class).where(Tariff.code.in_(chunk))
        out.update((code, (id_, cls)) for code, id_, cls in session.execute(stmt))
    return out


def customer_ids(session: Session, numbers: Iterable[str]) -> dict[str, int]:
    """户号 → id."""
    out: dict[str, int] = {}
    for chunk in chunks(numbers):
        stmt = select(Customer.number, Customer.id).where(Customer.number.in_(chunk))
        out.update((number, id_) for number, id_ in session.execute(stmt))
    return out


def meter_ids(session: Session, asset_nos: Iterable[str]) -> dict[str, int]:
    """表计资产号 → id."""
    out: dict[str, int] = {}
    for chunk in chunks(asset_nos):
        stmt = select(Meter.asset_no, Meter.id).where(Meter.asset_no.in_(chunk))
        out.update((asset_no, id_) for asset_no, id_ in session.execute(stmt))
    return out


def meter_boxes(session: Session, codes: Iterable[str]) -> dict[str, tuple[int, int, str]]:
    """表箱编号 → (id, 台区 id, 台区编号)."""
    out: dict[str, tuple[int, int, str]] = {}
    for chunk in chunks(codes):
        stmt = (
            select(MeterBox.code, MeterBox.id, TransformerArea.id, TransformerArea.code)
            .join(TransformerArea, TransformerArea.id == MeterBox.transformer_area_id)
            .where(MeterBox.code.in_(chunk))
        )
        out.update(
            (code, (id_, area, area_code)) for code, id_, area, area_code in session.execute(stmt)
        )
    return out


def concentrators(session: Session, asset_nos: Iterable[str]) -> dict[str, tuple[int, int, str]]:
    """集中器资产号 → (id, 台区 id, 台区编号)."""
    out: dict[str, tuple[int, int, str]] = {}
    for chunk in chunks(asset_nos):
        stmt = (
            select(Concentrator.asset_no, Concentrator.id, TransformerArea.id, TransformerArea.code)
            .join(TransformerArea, TransformerArea.id == Concentrator.transformer_area_id)
            .where(Concentrator.asset_no.in_(chunk))
        )
        out.update(
            (no, (id_, area, area_code)) for no, id_, area, area_code in session.execute(stmt)
        )
    return out


def stored_customers(session: Session, numbers: Iterable[str]) -> dict[str, CustomerValues]:
    columns = [getattr(Customer, name) for name in CUSTOMER_FIELDS]
    out: dict[str, CustomerValues] = {}
    for chunk in chunks(numbers):
        for row in session.execute(select(*columns).where(Customer.number.in_(chunk))):
            out[row.number] = CustomerValues(*row)
    return out


def stored_meters(session: Session, asset_nos: Iterable[str]) -> dict[str, MeterValues]:
    columns = [getattr(Meter, name) for name in METER_FIELDS]
    out: dict[str, MeterValues] = {}
    for chunk in chunks(asset_nos):
        for row in session.execute(select(*columns).where(Meter.asset_no.in_(chunk))):
            out[row.asset_no] = MeterValues(*row)
    return out


def meter_addresses(session: Session, link_urls: Iterable[str]) -> dict[tuple[str, str], str]:
    """(通道, 通信地址) → 表计资产号 of every meter on the given links."""
    out: dict[tuple[str, str], str] = {}
    for chunk in chunks(link_urls):
        stmt = select(Meter.link_url, Meter.comm_address, Meter.asset_no).where(
            Meter.link_url.in_(chunk)
        )
        for link, address, asset_no in session.execute(stmt):
            if link is not None:  # in_() never matches NULL; this tells mypy so
                out[(link, address)] = asset_no
    return out


def freezes_around(
    session: Session, meters: Iterable[int], first: date, last: date
) -> dict[int, list[StoredFreeze]]:
    """Per meter, its stored freezes from ``first`` to ``last``, plus the latest one before
    ``first`` and the earliest one after ``last`` (the neighbours a new freeze must fit
    between), in day order."""
    columns = [DailyFreeze.meter_id, *(getattr(DailyFreeze, name) for name in FREEZE_FIELDS)]
    out: dict[int, list[StoredFreeze]] = {}
    for chunk in chunks(meters):
        in_chunk = DailyFreeze.meter_id.in_(chunk)
        before = (
            select(DailyFreeze.meter_id, func.max(DailyFreeze.day).label("day"))
            .where(in_chunk, DailyFreeze.day < first)
            .group_by(DailyFreeze.meter_id)
            .subquery()
        )
        after = (
            select(DailyFreeze.meter_id, func.min(DailyFreeze.day).label("day"))
            .where(in_chunk, DailyFreeze.day > last)
            .group_by(DailyFreeze.meter_id)
            .subquery()
        )
        statements = [
            select(*columns).where(in_chunk, DailyFreeze.day.between(first, last)),
            *(
                select(*columns).join(
                    edge,
                    (edge.c.meter_id == DailyFreeze.meter_id) & (edge.c.day == DailyFreeze.day),
                )
                for edge in (before, after)
            ),
        ]
        for stmt in statements:
            for meter_id, *values in session.execute(stmt):
                out.setdefault(meter_id, []).append(StoredFreeze(*values))
    for stored in out.values():
        stored.sort(key=lambda f: f.day)
    return out


def create_meter_boxes(session: Session, boxes: dict[str, int]) -> dict[str, int]:
    """Insert 表箱 ``code → 台区 id`` that do not exist yet; returns code → id of all of them."""
    if boxes:
        session.execute(
            cast(Table, MeterBox.__table__).insert(),
            [{"code": code, "transformer_area_id": area} for code, area in boxes.items()],
        )
    return {code: ids[0] for code, ids in meter_boxes(session, boxes).items()}


def park_meter_addresses(session: Session, asset_nos: Iterable[str]) -> None:
    """Move meters off their (通道, 通信地址) to a per-meter placeholder link, so that an import
    can give their addresses to other meters (or swap two) without tripping the unique
    constraint halfway; the caller's upsert then writes every meter's final address."""
    for chunk in chunks(asset_nos):
        session.execute(
            update(Meter)
            .where(Meter.asset_no.in_(chunk))
            .values(link_url=literal(PARKED_LINK) + Meter.asset_no)
        )


def clear_meter_points(session: Session, asset_nos: Iterable[str]) -> None:
    """Forget the measurement points (Pn) of meters that move to another concentrator, so that
    ``db.ingest.number_points`` gives them free ones there."""
    for chunk in chunks(asset_nos):
        session.execute(update(Meter).where(Meter.asset_no.in_(chunk)).values(point_no=None))


def _upsert(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    key: str,
    update: Collection[str],
) -> None:
    """INSERT every column of ``rows``; on a conflict of ``key`` UPDATE only ``update``."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        stmt = sqlite.insert(table)
    elif dialect == "postgresql":
        stmt = postgresql.insert(table)  # type: ignore[assignment]
    else:  # pragma: no cover - we support exactly these two
        raise NotImplementedError(f"upsert is not implemented for {dialect}")
    set_ = {name: stmt.excluded[name] for name in update if name != key}
    if set_:
        stmt = stmt.on_conflict_do_update(index_elements=[key], set_=set_)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=[key])
    session.execute(stmt, list(rows))


def upsert_customers(
    session: Session, rows: Sequence[CustomerValues], update: Collection[str]
) -> None:
    """Insert customers, or update the ``update`` columns of those whose 户号 exists."""
    params = [row._asdict() for row in rows]
    _upsert(session, cast(Table, Customer.__table__), params, "number", update)


def upsert_meters(session: Session, rows: Sequence[MeterValues], update: Collection[str]) -> None:
    """Insert meters (active), or update the ``update`` columns of those whose 资产号 exists."""
    active = DeviceStatus.ACTIVE.value
    params = [{"status": active, **row._asdict()} for row in rows]
    _upsert(session, cast(Table, Meter.__table__), params, "asset_no", update)
