"""The data-change events views refresh on: what a commit changed (``db.changes``), named here
for console.ui, which may not import ``db`` (the import contract ``ui-no-session``).

They are reached through ``console.core.changes``, which publishes them; a re-export there
(``from db.changes import FreezesStored, ...``) would make this module a plain import.
"""

from __future__ import annotations

from console.core.changes import changes as _db_changes  # type: ignore[attr-defined]

FreezesStored: type = _db_changes.FreezesStored  # daily freezes stored
AttemptsStored: type = _db_changes.AttemptsStored  # collection attempts and their results
LinkStatesStored: type = _db_changes.LinkStatesStored  # concentrators online / offline
ArchiveChanged: type = _db_changes.ArchiveChanged  # the organisation, meters, concentrators
ThresholdsChanged: type = _db_changes.ThresholdsChanged  # a new version of the thresholds
CurvesStored: type = _db_changes.CurvesStored
RegistersStored: type = _db_changes.RegistersStored
MeterEventsStored: type = _db_changes.MeterEventsStored

__all__ = [
    "ArchiveChanged",
    "AttemptsStored",
    "CurvesStored",
    "FreezesStored",
    "LinkStatesStored",
    "MeterEventsStored",
    "RegistersStored",
    "ThresholdsChanged",
]
