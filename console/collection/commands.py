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
from console.core import audit_trail
from console.core.clock import Clock
from console.core.config import ConfigError, ScheduleSettings, save_section
from console.core.permissions import authorize, require_scope
from console.core.roles import Permission
from console.core.scope import Level, Scope

log = logging.getLogger(__name__)

SCHEDULE_SECTION = "schedule"


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
        """Write ``values`` as the file's ``[schedule]``, audit the change, then reschedule;
        a bad value (``ValueError`` naming the key) or an audit that cannot be written
        changes nothing: the file is put back and no job is touched."""
        with self._sf() as session:
            authorize(session, Permission.EDIT_SCHEDULE, "change the collection schedule")
        before = self.schedule()
        previous = self.config_path.read_bytes() if self.config_path.exists() else None
        try:
            settings = save_section(self.config_path, SCHEDULE_SECTION, dict(values))
        except ConfigError as err:
            raise ValueError(str(err)) from err
        try:
            with self._sf.begin() as session:
                audit_trail.record(
                    session,
                    action="schedule.change",
                    object_kind="config",
                    object_id=SCHEDULE_SECTION,  # the file's path may not fit the column
                    before=before,
                    after=dataclasses.asdict(settings.schedule),
                    at=self._clock.now(),
                )
        except BaseException:
            _put_back(self.config_path, previous)
            raise
        self._schedule = settings.schedule
        self._reschedule(settings.schedule)
        log.info("schedule changed and saved to %s", self.config_path)

    def read_meter(self, meter_id: int, path: ReadPath) -> OnDemandResult:
        with self._sf() as session:
            authorize(session, Permission.READ_METERS, "read a meter on demand (点抄)")
            require_scope(session, Scope.of(Level.METER, meter_id))
        return self._reader.read_meter(meter_id, path)

    def read_area(self, area_id: int) -> list[OnDemandResult]:
        with self._sf() as session:
            authorize(session, Permission.READ_METERS, "read a 台区 on demand (点抄)")
            require_scope(session, Scope.of(Level.AREA, area_id))
        return self._reader.read_area(area_id)


def _put_back(path: Path, content: bytes | None) -> None:
    """Restore the file as it was before a change that could not be completed."""
    if content is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
