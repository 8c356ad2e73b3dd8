"""The collection feature: its service part (the concentrator front end, the passes and their
jobs, the meters on their own links, 点抄) and its window part (采集监控's API)."""

from __future__ import annotations

import dataclasses
import errno
import logging
from collections.abc import Callable
from typing import Any

from console.collection.api import (
    TRAFFIC_STREAM,
    CollectionCommands,
    FrontEndStatus,
    ListenProblem,
)
from console.collection.commands import ServiceCommands
from console.collection.concentrators import ConcentratorCollector, GdwOptions
from console.collection.frontend import FrontEndService
from console.collection.jobs import CONCENTRATOR_JOBS, concentrator_jobs, meter_reading_job
from console.collection.queries import CollectionQueries
from console.collection.reads import OnDemandReader
from console.collection.service import CollectionOptions, CollectionService
from console.collection.window import WindowCollection
from console.core.config import ScheduleSettings
from console.core.events import FrontEndFailed, FrontEndListening
from console.core.features import FeatureSpec, Infrastructure
from console.core.jobs import JobsApi
from console.core.paths import default_config_path
from drivers.errors import DriverError
from drivers.link.traffic import Traffic

log = logging.getLogger(__name__)

NAME = "collection"
LOCAL_ONLY = "127.0.0.1"  # the demo's front end: nothing beyond this machine dials in


class CollectionServicePart:
    def __init__(self, infra: Infrastructure) -> None:
        assert infra.jobs is not None and infra.exposed is not None
        settings = infra.settings
        self._infra = infra
        self.reader = CollectionService(
            infra.session_factory,
            infra.clock,
            CollectionOptions(
                workers=settings.collection.workers,
                timeout_s=settings.collection.timeout_s,
                retries=settings.collection.retries,
            ),
        )
        self.frontend: FrontEndService | None = None
        self.collector: ConcentratorCollector | None = None
        self._status = FrontEndStatus(settings.frontend.enabled, None)
        if settings.frontend.enabled:
            front_settings = settings.frontend
            if settings.demo.enabled:
                front_settings = dataclasses.replace(front_settings, host=LOCAL_ONLY)
            self.frontend = FrontEndService(infra.session_factory, front_settings, infra.clock)
            self.collector = ConcentratorCollector(
                infra.session_factory,
                self.frontend.front,
                infra.clock,
                GdwOptions(timeout_s=front_settings.timeout_s, retries=front_settings.retries),
            )
            self.frontend.collector = self.collector
        if settings.collection.enabled and settings.collection.own_links:
            infra.jobs.add(meter_reading_job(settings.collection, self.reader))
        if settings.collection.enabled:
            self.reschedule(settings.schedule)
        self.commands = ServiceCommands(
            infra.session_factory,
            infra.clock,
            reader=OnDemandReader(
                infra.session_factory, infra.clock, self.frontend, links=self.reader.links
            ),
            status=lambda: self._status,
            schedule=settings.schedule,
            reschedule=self.reschedule,
            config_path=settings.source or default_config_path(),
        )
        infra.exposed.api(NAME, self.commands, CollectionCommands)
        infra.exposed.stream(TRAFFIC_STREAM, self._listen)

    def reschedule(self, schedule: ScheduleSettings) -> None:
        """Bring the concentrator jobs in line with ``schedule`` (the clock check reads the
        ``clock.drift_s`` threshold in force when it runs)."""
        jobs = self._infra.jobs
        if self.collector is None or jobs is None or not self._infra.settings.collection.enabled:
            return
        collector, thresholds = self.collector, self._infra.thresholds

        def drift_s() -> float:
            return float(thresholds.current().get("clock.drift_s"))

        wanted = {spec.id: spec for spec in concentrator_jobs(schedule, collector, drift_s)}
        for job_id in CONCENTRATOR_JOBS:
            if job_id in wanted:
                jobs.add(wanted[job_id])
            else:
                jobs.remove(job_id)

    def _listen(self, push: Callable[[Any], None]) -> Callable[[], None]:
        if self.frontend is None:
            return lambda: None
        frontend = self.frontend

        def listener(traffic: Traffic) -> None:
            push(traffic)

        frontend.add_traffic_listener(listener)
        return lambda: frontend.remove_traffic_listener(listener)

    def start(self) -> None:
        abandoned = self.reader.recover()
        if abandoned:
            log.warning("%d collection run(s) were left unfinished by the last session", abandoned)
        if self.frontend is None:
            return
        settings = self.frontend.settings
        wanted = f"{settings.host}:{settings.port}"
        try:
            address = self.frontend.start()
        except DriverError as err:
            self._status = FrontEndStatus(True, None, str(err), listen_problem(err), wanted)
            log.error("the concentrator front end is not running: %s", err)
            self._infra.bus.publish(FrontEndFailed(str(err)))
            return
        self._status = FrontEndStatus(True, address, wanted=wanted)
        log.info("front end: concentrators dial in to %s:%d", *address)
        self._infra.bus.publish(FrontEndListening(*address))

    def stop(self) -> None:
        if self.frontend is not None:
            self.frontend.stop()


def listen_problem(err: BaseException) -> ListenProblem:
    """Why a listening socket could not be opened, from the system's error number."""
    cause = err.__cause__ if isinstance(err.__cause__, OSError) else err
    number = getattr(cause, "errno", None)
    if number == errno.EADDRINUSE:
        return ListenProblem.PORT_BUSY
    if number in (errno.EACCES, errno.EPERM):
        return ListenProblem.PERMISSION
    if number in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
        return ListenProblem.ADDRESS
    return ListenProblem.OTHER


class CollectionWindowPart:
    def __init__(self, infra: Infrastructure) -> None:
        self.api = WindowCollection(
            CollectionQueries(infra.session_factory, infra.clock, infra.thresholds),
            infra.service(NAME, CollectionCommands),
            infra.service("jobs", JobsApi),
            infra.services,  # type: ignore[arg-type]
        )

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


FEATURE = FeatureSpec(NAME, service=CollectionServicePart, window=CollectionWindowPart)
