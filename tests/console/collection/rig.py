"""The concentrator rig of the collection tests: the collection feature's service and window
parts in one process, its front end on a free port, the small demo county's concentrators
emulated and dialled in; and what the front end heard and stored, to wait on."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import CollectionConsole
from console.collection.concentrators import ConcentratorCollector, GdwOptions
from console.collection.feature import CollectionServicePart, CollectionWindowPart
from console.collection.frontend import FrontEndService
from console.core import operator
from console.core.bus import EventBus
from console.core.changes import publish_commits
from console.core.clock import FixedClock
from console.core.config import (
    CollectionSettings,
    DatabaseSettings,
    DemoSettings,
    FrontEndSettings,
    Settings,
)
from console.core.features import Exposed, Infrastructure, LocalServices
from console.core.jobs import JobCommands, JobHost, JobsApi
from console.core.thresholds import ThresholdBook
from console.demo.concentrators import concentrators_from_db
from drivers.emulator.concentrators import ConcentratorFleet
from drivers.gdw376.emulated import ConcentratorOptions, EmulatedConcentrator
from drivers.gdw376.frontend import EventKind, TerminalEvent, TerminalKey

FAST = GdwOptions(timeout_s=0.3, retries=1, points_per_request=4, batch_rows=7)
WAIT_S = 15.0


class Links:
    """What the front end heard (logins, heartbeats, links lost) and what its writer stored;
    ``wait_heard``/``wait_stored`` until a condition on either holds."""

    def __init__(self, service: FrontEndService) -> None:
        self.online: set[TerminalKey] = set()
        self.stored: list[TerminalEvent] = []
        self._cond = threading.Condition()
        service.add_event_listener(self._heard)
        write = service._write

        def write_and_tell(events: list[TerminalEvent]) -> None:
            write(events)
            with self._cond:
                self.stored.extend(events)
                self._cond.notify_all()

        service._write = write_and_tell  # type: ignore[method-assign]

    def _heard(self, event: TerminalEvent) -> None:
        with self._cond:
            if event.kind in (EventKind.OFFLINE, EventKind.LOGOUT):
                self.online.discard(event.key)
            elif event.kind in (EventKind.LOGIN, EventKind.HEARTBEAT):
                self.online.add(event.key)
            self._cond.notify_all()

    def wait(self, condition: Callable[[], bool]) -> None:
        with self._cond:
            assert self._cond.wait_for(condition, WAIT_S), "the front end did not get there"

    def stored_offline(self, key: TerminalKey) -> bool:
        return any(e.key == key and e.kind is EventKind.OFFLINE for e in self.stored)


class Rig:
    """The collection feature's service and window parts in one process, its front end
    listening on a free port, the demo county's concentrators dialled in."""

    def __init__(
        self, db_url: str, engine: Engine, sf: sessionmaker[Session], clock: FixedClock
    ) -> None:
        self.sf = sf
        self.clock = clock
        settings = Settings(
            database=DatabaseSettings(url=db_url),
            demo=DemoSettings(enabled=False),
            collection=CollectionSettings(enabled=False),  # no jobs: the tests run the passes
            frontend=FrontEndSettings(host="127.0.0.1", port=0, timeout_s=0.3, retries=1),
        )
        self.bus = EventBus()
        self.bus.start()
        self._stop_publishing = publish_commits(sf, self.bus)
        exposed = Exposed()
        jobs = JobHost(engine, sf, self.bus, clock, persist=False)
        exposed.api("jobs", JobCommands(jobs, sf, clock), JobsApi)
        infra = Infrastructure(
            settings=settings,
            clock=clock,
            db_url=db_url,
            engine=engine,
            session_factory=sf,
            bus=self.bus,
            operator=operator.SERVICE,
            thresholds=ThresholdBook(sf, self.bus),
            jobs=jobs,
            exposed=exposed,
            services=LocalServices(exposed),
        )
        self.part = CollectionServicePart(infra)
        assert self.part.frontend is not None
        self.service = self.part.frontend
        self.links = Links(self.service)
        self.part.start()
        assert self.service.address is not None
        self.window: CollectionConsole = CollectionWindowPart(infra).api
        self.concentrators = concentrators_from_db(
            sf, clock.now, ConcentratorOptions(latency_s=0.0)
        )
        self.fleet = ConcentratorFleet(self.concentrators, ramp_s=0.0)
        self.fleet.connect("127.0.0.1", self.service.address[1])
        self.fleet.start()
        self.links.wait(lambda: len(self.links.online) == len(self.concentrators))

    def collector(self, options: GdwOptions = FAST) -> ConcentratorCollector:
        return ConcentratorCollector(self.sf, self.service.front, self.clock, options)

    def take_offline(self, conc: EmulatedConcentrator) -> TerminalKey:
        """Drop ``conc``'s link; returns once the front end has stored it offline."""
        key = (conc.address.district, conc.address.terminal)
        self.fleet.drop(conc.address, for_s=600)
        self.links.wait(lambda: self.links.stored_offline(key))
        assert not self.service.front.is_online(key)
        return key

    def stop(self) -> None:
        self.fleet.stop()
        self.part.stop()
        self._stop_publishing()
        self.bus.stop()
