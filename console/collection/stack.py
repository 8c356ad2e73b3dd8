"""The concentrator side of the console, built from the settings: the front end, the
collector, the jobs and 采集监控's service. Built in the window's process (``[frontend]
separate_process = false``) or in the collection service's own process (``remote``)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.collection.concentrators import ConcentratorCollector, GdwOptions
from console.collection.frontend import FrontEndService
from console.collection.jobs import ConcentratorJobs
from console.collection.monitor import CollectionMonitor
from console.core.clock import Clock
from console.core.config import Settings
from console.core.paths import default_config_path


def build_stack(
    settings: Settings, session_factory: sessionmaker[Session], engine: Engine, clock: Clock
) -> tuple[FrontEndService, ConcentratorJobs | None, CollectionMonitor]:
    """The front end, the concentrator jobs (``None`` without ``[collection] enabled``) and
    the monitor over them; nothing started yet."""
    frontend = FrontEndService(session_factory, settings.frontend, clock)
    collector = ConcentratorCollector(
        session_factory,
        frontend.front,
        clock,
        GdwOptions(
            timeout_s=settings.frontend.timeout_s,
            retries=settings.frontend.retries,
            clock_drift_s=settings.schedule.clock_drift_s,
        ),
    )
    frontend.collector = collector
    jobs = (
        ConcentratorJobs(collector, engine, settings.schedule)
        if settings.collection.enabled
        else None
    )
    monitor = CollectionMonitor(
        session_factory, clock, frontend, jobs, config_path=settings.source or default_config_path()
    )
    return frontend, jobs, monitor
