"""The views in navigation order: key (also the feature whose window API the view receives,
and the icon's name), title, and the class that builds it — ``None`` for a capability a later
release installs, whose page says what it will do.

A new view is one line here (``ViewSpec("key", title, ViewClass)``) and a package beside this
file; ``ViewClass(api, kit)`` receives its feature's API and the window's ``ViewKit``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

from console.ui.kit.noop import QT_TRANSLATE_NOOP
from console.ui.kit.view import BaseView, ViewKit
from console.ui.views.accounts.view import AccountsView
from console.ui.views.admin.view import AdminView
from console.ui.views.collection.view import CollectionView
from console.ui.views.panorama.view import PanoramaView

CONTEXT = "Navigation"
ViewFactory = Callable[[Any, ViewKit], BaseView]


@dataclass(frozen=True)
class ViewSpec:
    key: str
    title: str  # QT_TRANSLATE_NOOP in the "Navigation" context
    create: ViewFactory | None = None
    about: str = ""  # what a capability not installed yet will do
    icon: str = ""  # resources/icons/<icon>.svg; default: the key

    @property
    def icon_name(self) -> str:
        return self.icon or self.key

    @property
    def translated_title(self) -> str:
        return QCoreApplication.translate(CONTEXT, self.title)


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("panorama", QT_TRANSLATE_NOOP("Navigation", "Panorama"), PanoramaView),
    ViewSpec(
        "warning",
        QT_TRANSLATE_NOOP("Navigation", "Early warning"),
        about=QT_TRANSLATE_NOOP(
            "Navigation",
            "Online early warning is not installed yet. It will evaluate rules continuously on "
            "the collected data — meters and concentrators offline, voltage out of limits, "
            "heavy and overloaded transformers, three-phase imbalance, abnormal line loss, "
            "suspected theft, arrears risk — and let you acknowledge, assign, shelve and "
            "resolve each alarm.",
        ),
    ),
    ViewSpec(
        "dispatch",
        QT_TRANSLATE_NOOP("Navigation", "Repair dispatch"),
        about=QT_TRANSLATE_NOOP(
            "Navigation",
            "Outage-repair dispatch is not installed yet. It will turn 95598 and phone tickets "
            "into repair work orders, roll tickets up to 台区 and feeder outages, send the "
            "nearest crew and keep the 45/90/120-minute arrival clocks.",
        ),
    ),
    ViewSpec("collection", QT_TRANSLATE_NOOP("Navigation", "Collection"), CollectionView),
    ViewSpec(
        "analytics",
        QT_TRANSLATE_NOOP("Navigation", "Customer analytics"),
        about=QT_TRANSLATE_NOOP(
            "Navigation",
            "Customer analytics is not installed yet: credit rating and arrears risk, "
            "load-profile segmentation, tariff advice, demand-response candidates and "
            "day-ahead 台区 load forecasts.",
        ),
    ),
    ViewSpec("accounts", QT_TRANSLATE_NOOP("Navigation", "Users"), AccountsView),
    ViewSpec("admin", QT_TRANSLATE_NOOP("Navigation", "Administration"), AdminView),
)
VIEW_KEYS = tuple(spec.key for spec in VIEWS)
BY_KEY = {spec.key: spec for spec in VIEWS}
