"""The features of the console, in start order (stopped in reverse).

A new feature is a package under ``console/`` with a ``FeatureSpec`` (see
``console.core.features``), and one line here; its view is one line in
``console/ui/views/registry.py``.
"""

from __future__ import annotations

from console.accounts import feature as accounts
from console.admin import feature as admin
from console.collection import feature as collection
from console.core.features import FeatureSpec
from console.demo import feature as demo
from console.maintenance import feature as maintenance
from console.monitoring import feature as monitoring

FEATURES: tuple[FeatureSpec, ...] = (
    collection.FEATURE,  # first: the front end listens before the demo's concentrators dial in
    demo.FEATURE,
    maintenance.FEATURE,
    monitoring.FEATURE,
    admin.FEATURE,
    accounts.FEATURE,
)
