"""The one scope type as the console speaks of it: ``Scope`` (a level and a unit, or
everything), ``Level`` and an organisation unit as scope pickers offer it. They are the data
layer's own (``db.scope``), so a scope means the same in every query and every view."""

from __future__ import annotations

from db.models import Level
from db.queries.topology import OrgUnitRow as OrgUnit
from db.scope import EVERYTHING, Scope

__all__ = ["EVERYTHING", "Level", "OrgUnit", "Scope"]
