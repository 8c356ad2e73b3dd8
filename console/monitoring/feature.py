"""The monitoring feature (全景监控): a window part whose API is the panorama's figures."""

from __future__ import annotations

from console.core.features import FeatureSpec, Infrastructure
from console.monitoring.panorama import PanoramaService


class MonitoringWindowPart:
    def __init__(self, infra: Infrastructure) -> None:
        self.api = PanoramaService(infra.session_factory, infra.clock, infra.thresholds)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


FEATURE = FeatureSpec("panorama", window=MonitoringWindowPart)
