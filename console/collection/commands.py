"""The collection's service part as windows call it: the front end's state, the schedule
(changed in the configuration file and on the job host at once, audited) and 点抄."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import FrontEndStatus, OnDemandResult, ReadPath
from console.collection.reads import OnDemandReader
from console.core import operator
from console.core.clock import Clock
from console.core.config import ConfigError, ScheduleSettings, save_section
from db import audit

log = logging.getLogger(__name__)


class ServiceCommands:
    """``CollectionCommands`` in the service process."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        clock: Clock,
        *,
        reader: OnDemandReader,
        status: Callable[[], FrontEndStatus],
        schedule: ScheduleSettings,
        reschedule: Callable[[ScheduleSettings], None],
        config_path: Path,
    ) -> None:
        self._sf = session_factory
        self._clock = clock
        self._reader = reader
        self._status = status
        self._schedule = schedule
        self._reschedule = reschedule
        self.config_path = config_path

    def frontend(self) -> FrontEndStatus:
        return self._status()

    def schedule(self) -> dict[str, object]:
        return dataclasses.asdict(self._schedule)

    def set_schedule(self, values: dict[str, object]) -> None:
        before = self.schedule()
        try:
            settings = save_section(self.config_path, "schedule", dict(values))
        except ConfigError as err:
            raise ValueError(str(err)) from err
        self._schedule = settings.schedule
        self._reschedule(settings.schedule)
        with self._sf.begin() as session:
            audit.record(
                session,
                actor=operator.current().login,
                action="schedule.change",
                object_kind="config",
                object_id=str(self.config_path),
                before=before,
                after=self.schedule(),
                at=self._clock.now(),
            )
        log.info("schedule changed and saved to %s", self.config_path)

    def read_meter(self, meter_id: int, path: ReadPath) -> OnDemandResult:
        return self._reader.read_meter(meter_id, path)

    def read_area(self, area_id: int) -> list[OnDemandResult]:
        return self._reader.read_area(area_id)
