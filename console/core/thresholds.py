"""The thresholds of DESIGN.md §6, defined once: their keys, units, bounds and defaults; the
version in force read from the database, per supply station with county-wide values and the
program's defaults behind them; a new version validated and saved (audited).

Features read ``ThresholdBook.current()``; the book reloads when a ``ThresholdsChanged``
arrives on the bus (from this process, the service, another window or, on PostgreSQL,
another workstation).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session, sessionmaker

from console.core.bus import EventBus
from console.core.operator import this_workstation
from db.changes import ThresholdsChanged
from db.queries import thresholds as q
from db.queries.thresholds import ThresholdKey, VersionRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ThresholdDef:
    key: str
    default: Decimal
    unit: str  # "%", "min", "h", "s"
    low: Decimal
    high: Decimal
    digits: int = 0  # decimals allowed


def _d(key: str, default: str, unit: str, bounds: tuple[str, str], digits: int = 0) -> ThresholdDef:
    return ThresholdDef(key, Decimal(default), unit, Decimal(bounds[0]), Decimal(bounds[1]), digits)


# The standard numbers of DESIGN.md §6 (State Grid practice); every one is configurable per
# supply station. The UI names them by key.
DEFINITIONS: tuple[ThresholdDef, ...] = (
    _d("collection.target_pct", "99.97", "%", ("90", "100"), 2),
    _d("collection.alarm_pct", "98", "%", ("50", "100"), 2),
    _d("line_loss.high_pct", "6", "%", ("0", "50"), 2),
    _d("line_loss.negative_pct", "-1", "%", ("-50", "0"), 2),
    _d("voltage.single_upper_pct", "7", "%", ("0", "20"), 1),
    _d("voltage.single_lower_pct", "-10", "%", ("-20", "0"), 1),
    _d("voltage.three_phase_pct", "7", "%", ("0", "20"), 1),
    _d("loading.heavy_pct", "80", "%", ("10", "200"), 1),
    _d("loading.overload_pct", "100", "%", ("10", "300"), 1),
    _d("loading.light_pct", "20", "%", ("0", "100"), 1),
    _d("loading.duration_min", "120", "min", ("15", "1440")),
    _d("imbalance.pct", "25", "%", ("1", "100"), 1),
    _d("imbalance.min_load_pct", "20", "%", ("0", "100"), 1),
    _d("offline.meter_hours", "24", "h", ("1", "720")),
    _d("clock.drift_s", "300", "s", ("10", "86400")),
    _d("repair.arrival_urban_min", "45", "min", ("5", "600")),
    _d("repair.arrival_rural_min", "90", "min", ("5", "600")),
    _d("repair.arrival_remote_min", "120", "min", ("5", "600")),
    _d("repair.restore_urban_h", "3", "h", ("1", "72")),
    _d("repair.restore_rural_h", "4", "h", ("1", "72")),
)
BY_KEY: dict[str, ThresholdDef] = {d.key: d for d in DEFINITIONS}


class ThresholdValueError(ValueError):
    """A value a threshold cannot take. ``problem`` is "unknown", "number", "decimals" or
    "range" (the UI words it from that and the definition)."""

    def __init__(self, key: str, text: str, problem: str, message: str) -> None:
        super().__init__(f"{key} = {text!r}: {message}")
        self.key, self.text, self.problem = key, text, problem
        self.definition = BY_KEY.get(key)


def parse_value(key: str, text: str) -> Decimal:
    """``text`` as the value of ``key``; ``ThresholdValueError`` naming the key, the value and
    what is allowed (its bounds and decimals)."""
    definition = BY_KEY.get(key)
    if definition is None:
        raise ThresholdValueError(key, text, "unknown", f"no such threshold ({', '.join(BY_KEY)})")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ThresholdValueError(key, text, "number", "not a number") from None
    if not value.is_finite():
        raise ThresholdValueError(key, text, "number", "not a number")
    if -value.as_tuple().exponent > definition.digits:  # type: ignore[operator]
        raise ThresholdValueError(key, text, "decimals", f"at most {definition.digits} decimals")
    if not definition.low <= value <= definition.high:
        raise ThresholdValueError(
            key, text, "range",
            f"must be between {definition.low} and {definition.high} {definition.unit}",
        )  # fmt: skip
    return value


@dataclass(frozen=True, slots=True)
class ThresholdSet:
    """The values in force: ``get(key, station)`` is the station's own value, else the
    county-wide one, else the program's default."""

    version: VersionRow | None
    values: Mapping[ThresholdKey, Decimal]

    def get(self, key: str, station_id: int | None = None) -> Decimal:
        if station_id is not None:
            own = self.values.get((key, station_id))
            if own is not None:
                return own
        county = self.values.get((key, None))
        return county if county is not None else BY_KEY[key].default

    def source(self, key: str, station_id: int | None = None) -> str:
        """Where ``get`` found it: "station", "county" or "default"."""
        if station_id is not None and (key, station_id) in self.values:
            return "station"
        return "county" if (key, None) in self.values else "default"

    @property
    def version_number(self) -> int | None:
        return None if self.version is None else self.version.version


DEFAULTS = ThresholdSet(None, {})


def load(session: Session) -> ThresholdSet:
    stored = q.in_force(session)
    values: dict[ThresholdKey, Decimal] = {}
    for (key, station), text in stored.values.items():
        if key not in BY_KEY:
            log.warning("threshold %s in version %s is unknown to this program: ignored", key,
                        stored.version.version if stored.version else "?")  # fmt: skip
            continue
        try:
            values[(key, station)] = parse_value(key, text)
        except ValueError as err:
            log.warning("stored threshold ignored: %s", err)
    return ThresholdSet(stored.version, values)


def save(
    session: Session,
    values: Mapping[ThresholdKey, str],
    *,
    at: datetime,
    by: str,
    comment: str,
    expected_version: int | None,
    workstation: str | None = None,
) -> int:
    """Validate every value (nothing is written if one is wrong), drop those equal to what
    they would be anyway (the default; a station's equal to the county's), save the rest as
    the next version; returns its number. ``workstation``: where ``by`` acts (default: here)."""
    parsed = {k: parse_value(k[0], text) for k, text in values.items()}
    county = {key: v for (key, station), v in parsed.items() if station is None}
    kept: dict[ThresholdKey, str] = {}
    for (key, station), value in parsed.items():
        behind = BY_KEY[key].default if station is None else county.get(key, BY_KEY[key].default)
        if value != behind:
            kept[(key, station)] = str(value)
    return q.save_version(
        session, kept, at=at, by=by, comment=comment, expected_version=expected_version,
        workstation=workstation or this_workstation(),
    )  # fmt: skip


class ThresholdBook:
    """The thresholds in force, read once and again after each ``ThresholdsChanged``."""

    def __init__(self, session_factory: sessionmaker[Session], bus: EventBus | None) -> None:
        self._sf = session_factory
        self._lock = threading.Lock()
        self._current: ThresholdSet | None = None
        if bus is not None:
            bus.subscribe(ThresholdsChanged, self._changed, name="thresholds")

    def current(self) -> ThresholdSet:
        with self._lock:
            current = self._current
        if current is None:
            with self._sf() as session:
                current = load(session)
            with self._lock:
                self._current = current
        return current

    def _changed(self, _event: ThresholdsChanged) -> None:
        with self._lock:
            self._current = None
