"""The parts of the features that run in one process, built from one infrastructure, started
in the order of the feature list and stopped in reverse."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from console.core.features import Feature, FeatureSpec, Infrastructure, Process

log = logging.getLogger(__name__)


class FeatureHost:
    def __init__(
        self, infra: Infrastructure, features: Sequence[FeatureSpec], process: Process
    ) -> None:
        self.process = process
        self.parts: list[tuple[str, Feature]] = []
        for spec in features:
            factory = spec.parts(process)
            if factory is not None:
                self.parts.append((spec.name, factory(infra)))
        self._started: list[tuple[str, Feature]] = []

    @property
    def apis(self) -> dict[str, Any]:
        """The window parts' APIs by feature name (what the views receive)."""
        return {name: part.api for name, part in self.parts if hasattr(part, "api")}

    def start(self) -> None:
        for name, part in self.parts:
            try:
                part.start()
            except Exception:
                log.exception("the %s part of %s could not start", self.process, name)
                self.stop()
                raise
            self._started.append((name, part))

    def stop(self) -> None:
        while self._started:
            name, part = self._started.pop()
            try:
                part.stop()
            except Exception:
                log.exception("the %s part of %s did not stop cleanly", self.process, name)
