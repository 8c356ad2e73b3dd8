"""The views in navigation order, with their icons and translated titles."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from console.ui.tasks import TaskRunner
from console.ui.views.admin import AdminView
from console.ui.views.base import BaseView
from console.ui.views.collection import CollectionView
from console.ui.views.not_installed import NotInstalledView
from console.ui.views.panorama import PanoramaView

_CONTEXT = "Navigation"

# Key -> title; the key also names the view's icon in resources/icons.
_TITLES = {
    "panorama": QT_TRANSLATE_NOOP("Navigation", "Panorama"),
    "warning": QT_TRANSLATE_NOOP("Navigation", "Early warning"),
    "dispatch": QT_TRANSLATE_NOOP("Navigation", "Repair dispatch"),
    "collection": QT_TRANSLATE_NOOP("Navigation", "Collection"),
    "analytics": QT_TRANSLATE_NOOP("Navigation", "Customer analytics"),
    "admin": QT_TRANSLATE_NOOP("Navigation", "Administration"),
}

# What each not-yet-installed capability will do, so its empty state says why it is empty.
_NOT_INSTALLED = {
    "warning": QT_TRANSLATE_NOOP(
        "Navigation",
        "Online early warning is not installed yet. It will evaluate rules continuously on the "
        "collected data — meters and concentrators offline, voltage out of limits, heavy and "
        "overloaded transformers, three-phase imbalance, abnormal line loss, suspected theft, "
        "arrears risk — and let you acknowledge, assign, shelve and resolve each alarm.",
    ),
    "dispatch": QT_TRANSLATE_NOOP(
        "Navigation",
        "Outage-repair dispatch is not installed yet. It will turn 95598 and phone tickets into "
        "repair work orders, roll tickets up to 台区 and feeder outages, send the nearest crew "
        "and keep the 45/90/120-minute arrival clocks.",
    ),
    "analytics": QT_TRANSLATE_NOOP(
        "Navigation",
        "Customer analytics is not installed yet: credit rating and arrears risk, load-profile "
        "segmentation, tariff advice, demand-response candidates and day-ahead 台区 load "
        "forecasts.",
    ),
}

VIEW_KEYS = tuple(_TITLES)


def title(key: str) -> str:
    return QCoreApplication.translate(_CONTEXT, _TITLES[key])


def create_view(key: str, runner: TaskRunner) -> BaseView:
    if key == "panorama":
        return PanoramaView(runner)
    if key == "admin":
        return AdminView()
    if key == "collection":
        return CollectionView(runner)
    return NotInstalledView(
        key, key, title(key), QCoreApplication.translate(_CONTEXT, _NOT_INSTALLED[key])
    )
