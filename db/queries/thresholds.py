"""Versioned thresholds (tables ``config_version`` and ``threshold``): the version in force,
the history of versions, and saving a new one with its audit entry.

A version holds every value that differs from the program's defaults, county-wide
(``supply_station_id`` None) or for one supply station. Saving writes a complete new version,
so the values in force at any time can be shown and the old version is never touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import audit, changes
from db.models import ConfigVersion, Threshold

ThresholdKey = tuple[str, int | None]  # (key, supply station id or None for the county)


class VersionConflictError(ValueError):
    """Someone saved a newer version since the editor read the one it started from."""

    def __init__(self, expected: int | None, current: int | None, by: str) -> None:
        super().__init__(
            f"the thresholds were changed by {by} (version {current}) since you opened them "
            f"(version {expected}); reload and apply your change again"
        )
        self.expected, self.current, self.by = expected, current, by


@dataclass(frozen=True, slots=True)
class VersionRow:
    version: int
    created_at: datetime
    created_by: str
    comment: str


@dataclass(frozen=True, slots=True)
class StoredThresholds:
    """The version in force (``None`` before anything was saved) and its values as text."""

    version: VersionRow | None
    values: dict[ThresholdKey, str]


def _row(v: ConfigVersion) -> VersionRow:
    return VersionRow(v.version, v.created_at, v.created_by, v.comment or "")


def in_force(session: Session) -> StoredThresholds:
    newest = session.scalars(
        select(ConfigVersion).order_by(ConfigVersion.version.desc()).limit(1)
    ).first()
    if newest is None:
        return StoredThresholds(None, {})
    rows = session.execute(
        select(Threshold.key, Threshold.supply_station_id, Threshold.value).where(
            Threshold.config_version_id == newest.id
        )
    )
    return StoredThresholds(_row(newest), {(k, s): v for k, s, v in rows})


def history(session: Session, limit: int = 50) -> list[VersionRow]:
    """The newest versions first."""
    versions = session.scalars(
        select(ConfigVersion).order_by(ConfigVersion.version.desc()).limit(limit)
    )
    return [_row(v) for v in versions]


def _audit_form(values: Mapping[ThresholdKey, str]) -> dict[str, str]:
    return {f"{k}@{'county' if s is None else s}": v for (k, s), v in sorted(
        values.items(), key=lambda item: (item[0][0], item[0][1] or 0)
    )}  # fmt: skip


def save_version(
    session: Session,
    values: Mapping[ThresholdKey, str],
    *,
    at: datetime,
    by: str,
    comment: str,
    expected_version: int | None,
    workstation: str,
) -> int:
    """Store ``values`` as the next version (in the caller's transaction), audited, and note
    the change for the bus. ``expected_version``: the version the editor started from; if
    someone saved in between, ``ValueError`` says so and nothing is written."""
    before = in_force(session)
    current = before.version.version if before.version is not None else None
    if current != expected_version:
        by = before.version.created_by if before.version is not None else "?"
        raise VersionConflictError(expected_version, current, by)
    number = (session.scalar(select(func.max(ConfigVersion.version))) or 0) + 1
    version = ConfigVersion(version=number, created_at=at, created_by=by, comment=comment)
    session.add(version)
    session.flush()
    session.add_all(
        Threshold(config_version_id=version.id, key=k, supply_station_id=s, value=v)
        for (k, s), v in values.items()
    )
    audit.record(
        session,
        actor=by,
        workstation=workstation,
        action="thresholds.change",
        object_kind="config_version",
        object_id=number,
        before={"version": current, "values": _audit_form(before.values)},
        after={"version": number, "values": _audit_form(values), "comment": comment},
        at=at,
    )
    changes.record(session, changes.ThresholdsChanged((number,)))
    return number
