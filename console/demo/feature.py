"""The demo feature: the emulated county of the demo database, served by the service process —
every meter on its in-process DL/T 645 bus, and its concentrators dialling in to the front end
once it listens (on this machine only)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from console.core.events import FrontEndFailed, FrontEndListening
from console.core.features import FeatureSpec, Infrastructure
from console.demo.concentrators import concentrators_from_db
from console.demo.fleet import start_demo_fleet
from drivers.emulator.concentrators import ConcentratorFleet
from drivers.emulator.fleet import LoopFleet
from drivers.gdw376.emulated import ConcentratorOptions

log = logging.getLogger(__name__)

FRONTEND_WAIT_S = 30.0  # the collection part says where its front end listens before this
CONCENTRATOR_LATENCY_S = 0.05


class DemoServicePart:
    def __init__(self, infra: Infrastructure) -> None:
        self._infra = infra
        self.fleet: LoopFleet | None = None
        self.concentrators: ConcentratorFleet | None = None
        self._frontend: tuple[str, int] | None = None
        self._heard = threading.Event()
        self._unsubscribe: Callable[[], None] | None = None
        if infra.settings.demo.enabled:
            self._unsubscribe = infra.bus.subscribe(
                (FrontEndListening, FrontEndFailed), self._on_frontend, name="demo"
            )

    def _on_frontend(self, event: FrontEndListening | FrontEndFailed) -> None:
        if isinstance(event, FrontEndListening):
            self._frontend = (event.host, event.port)
        self._heard.set()

    def start(self) -> None:
        infra, demo = self._infra, self._infra.settings.demo
        if not demo.enabled:
            return
        self.fleet = start_demo_fleet(
            infra.session_factory,
            infra.clock.now,
            reply_delay_s=demo.reply_delay_ms / 1000,
            baudrate=demo.baudrate or None,
        )
        if self.fleet is None or not infra.settings.frontend.enabled:
            return
        if not self._heard.wait(FRONTEND_WAIT_S) or self._frontend is None:
            log.warning("demo: the front end is not listening; no emulated concentrator dials in")
            return
        host, port = self._frontend
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        fleet = ConcentratorFleet(
            concentrators_from_db(
                infra.session_factory,
                infra.clock.now,
                ConcentratorOptions(latency_s=CONCENTRATOR_LATENCY_S),
                cores=self.fleet.cores,
            )
        )
        fleet.connect(host, port)
        fleet.start()
        self.concentrators = fleet
        log.info("demo: %d emulated concentrators dial in to %s:%d", len(fleet.concentrators),
                 host, port)  # fmt: skip

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self.concentrators is not None:
            self.concentrators.stop()
            self.concentrators = None
        if self.fleet is not None:
            self.fleet.stop()
            self.fleet = None


FEATURE = FeatureSpec("demo", service=DemoServicePart)
