"""The collection's jobs on the job host: the meters read on their own links (every few
minutes), and the concentrator passes — daily freezes (a first pass after midnight, then
re-tries of what is still missing until a cut-off), 15-minute curves, events and the clock
check — with their triggers from ``[collection]`` and ``[schedule]``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, time, timedelta

from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from console.collection.concentrators import ConcentratorCollector, PassSummary
from console.collection.service import CollectionService, CollectionSummary
from console.core.config import CollectionSettings, ScheduleSettings
from console.core.jobs import JobRun, JobSpec, Outcome
from db.models import RunStatus

FEATURE = "collection"
METER_READING = "meter_reading"
DAILY_FREEZE = "daily_freeze"
CURVES = "curves"
EVENTS = "events"
CLOCK = "clock"
CONCENTRATOR_JOBS = (DAILY_FREEZE, CURVES, EVENTS, CLOCK)


def _hm(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def freeze_times(schedule: ScheduleSettings) -> list[time]:
    """The first pass and every re-try before the cut-off."""
    start = datetime.combine(datetime.min.date(), _hm(schedule.freeze_start))
    cutoff = datetime.combine(datetime.min.date(), _hm(schedule.freeze_cutoff))
    if cutoff <= start:
        cutoff += timedelta(days=1)
    times: list[time] = []
    at = start
    while at < cutoff and len(times) < 96:
        times.append(at.time())
        at += timedelta(minutes=schedule.freeze_retry_min)
    return times


def _outcome(summary: PassSummary | CollectionSummary) -> Outcome:
    return Outcome(RunStatus(summary.status), summary.planned, summary.ok, summary.failed)


def _pass(run: Callable[..., PassSummary]) -> Callable[[JobRun], Outcome]:
    def job(r: JobRun) -> Outcome:
        return _outcome(run(trigger=r.trigger, cancel=r.cancel, progress=r.progress))

    return job


def _clock_pass(
    collector: ConcentratorCollector, drift_s: Callable[[], float]
) -> Callable[[JobRun], Outcome]:
    def job(r: JobRun) -> Outcome:
        collector.options = dataclasses.replace(collector.options, clock_drift_s=drift_s())
        return _outcome(
            collector.check_clocks(trigger=r.trigger, cancel=r.cancel, progress=r.progress)
        )

    return job


def concentrator_jobs(
    schedule: ScheduleSettings, collector: ConcentratorCollector, drift_s: Callable[[], float]
) -> list[JobSpec]:
    """The passes through the concentrators, as the schedule says; the clock check sets
    clocks off by more than ``drift_s()`` seconds (the threshold in force when it runs)."""
    times = freeze_times(schedule)
    clock_at = _hm(schedule.clock_check)

    def freeze_due(now: datetime) -> bool:
        # Started after today's first pass was due (a workstation switched on in the
        # morning): read today's missing freezes now; the meters keep them for 62 days.
        return now.time() >= _hm(schedule.freeze_start)

    specs = [
        JobSpec(
            DAILY_FREEZE,
            FEATURE,
            "Daily freeze",
            OrTrigger([CronTrigger(hour=t.hour, minute=t.minute) for t in times]),
            _pass(collector.collect_freezes),
            schedule=f"daily {schedule.freeze_start}, re-tries every {schedule.freeze_retry_min} "
            f"min until {schedule.freeze_cutoff}",
            params={
                "start": schedule.freeze_start,
                "retry_min": str(schedule.freeze_retry_min),
                "cutoff": schedule.freeze_cutoff,
            },
            run_at_start=freeze_due,
        ),
        JobSpec(
            EVENTS,
            FEATURE,
            "Event polling",
            IntervalTrigger(minutes=schedule.events_every_min),
            _pass(collector.poll_events),
            schedule=f"every {schedule.events_every_min} min",
            params={"every_min": str(schedule.events_every_min)},
        ),
        JobSpec(
            CLOCK,
            FEATURE,
            "Clock check",
            CronTrigger(hour=clock_at.hour, minute=clock_at.minute),
            _clock_pass(collector, drift_s),
            schedule=f"daily {schedule.clock_check}, sets clocks off by more than the "
            "clock.drift_s threshold",
            params={"at": schedule.clock_check},
        ),
    ]
    if schedule.curves:
        specs.append(
            JobSpec(
                CURVES,
                FEATURE,
                "15-minute curves",
                CronTrigger(minute="2,17,32,47"),
                _pass(collector.collect_curves),
                schedule="every 15 min (2 min after the slot)",
                params={"every_min": "15"},
            )
        )
    return specs


def meter_reading_job(settings: CollectionSettings, reader: CollectionService) -> JobSpec:
    """The meters on their own links (RS-485 buses, converters), read every ``interval_s``
    and once at start."""

    def run(r: JobRun) -> Outcome:
        return _outcome(reader.run(r.trigger, cancel=r.cancel, progress=r.progress))

    return JobSpec(
        METER_READING,
        FEATURE,
        "Meter reading",
        IntervalTrigger(seconds=settings.interval_s),
        run,
        schedule=f"every {settings.interval_s} s",
        params={"every_s": str(settings.interval_s)},
        misfire_grace_s=settings.interval_s,
        run_at_start=lambda _now: True,
    )
