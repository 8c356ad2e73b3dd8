"""The feature seam: a feature registered by one line in each registry is built, started and
stopped with the console, its view appears in the window with the feature's API, and the view
receives the events the feature publishes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import pytest
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from console.app import features
from console.core.features import FeatureSpec, Infrastructure
from console.ui.application import ConsoleSession
from console.ui.kit.view import BaseView, ViewKit
from console.ui.views import registry

LIFE: list[str] = []


@dataclass(frozen=True, slots=True)
class Pinged:
    n: int


class ProbeCommands(Protocol):
    def ping(self, n: int) -> None: ...


class ProbeServicePart:
    def __init__(self, infra: Infrastructure) -> None:
        assert infra.exposed is not None
        self._bus = infra.bus
        infra.exposed.api("probe", self, ProbeCommands)
        LIFE.append("built")

    def ping(self, n: int) -> None:
        self._bus.publish(Pinged(n))

    def start(self) -> None:
        LIFE.append("started")

    def stop(self) -> None:
        LIFE.append("stopped")


class ProbeWindowPart:
    def __init__(self, infra: Infrastructure) -> None:
        self.api = infra.service("probe", ProbeCommands)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


class ProbeView(BaseView):
    def __init__(self, api: ProbeCommands, kit: ViewKit, parent: QWidget | None = None) -> None:
        super().__init__("probe", kit, parent)
        self.api = api
        self.seen: list[int] = []
        self.label = QLabel("0")
        QVBoxLayout(self).addWidget(self.label)
        kit.events.on(Pinged, self._pinged, owner=self)
        self._mark_loaded()

    def _pinged(self, event: Pinged) -> None:
        self.seen.append(event.n)
        self.label.setText(str(sum(self.seen)))


def test_a_new_feature_is_one_line_in_each_registry(
    qtbot: QtBot, make_session: Callable[..., ConsoleSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    LIFE.clear()
    probe = FeatureSpec("probe", service=ProbeServicePart, window=ProbeWindowPart)
    monkeypatch.setattr(features, "FEATURES", (*features.FEATURES, probe))
    title = QT_TRANSLATE_NOOP("Navigation", "Probe")
    monkeypatch.setattr(
        registry,
        "VIEWS",
        (*registry.VIEWS, registry.ViewSpec("probe", title, ProbeView, icon="app")),
    )
    session = make_session(demo=False, collection=False)
    assert session.window.nav.count() == len(registry.VIEWS)  # the navigation lists it
    with qtbot.waitSignal(session.ready, timeout=60_000):
        session.start()
    view = session.window.view("probe")
    assert isinstance(view, ProbeView)
    assert LIFE == ["built", "started"]
    session.window.switch_to("probe")
    assert session.window.stack.currentWidget() is view
    view.api.ping(2)  # a command to the feature's service part, which publishes an event
    view.api.ping(5)
    qtbot.waitUntil(lambda: view.label.text() == "7", timeout=10_000)
    assert view.seen == [2, 5]
    session.window.close()
    session.shutdown()
    assert LIFE == ["built", "started", "stopped"]
