"""Jobs started on a schedule by the workers (the daily reminders, the monitoring of published reports).

An app registers a schedule in its ``jobs.py``::

    every_day("applications.remind", at=datetime.time(7, 30), kind="applications.remind")

Every ``gongkai worker`` looks at the schedules about once a minute; the first to find one due on a day
writes a :class:`~gongkai.jobs.models.ScheduledRun` row for it — unique per name and day in the database —
and starts its job, so however many workers run on however many hosts, it starts once a day. A schedule
whose ``when(today)`` is false that day is not started (e.g. only after a statutory deadline).
Sites that prefer cron or systemd timers run ``gongkai worker --schedule-once`` instead (docs/jobs.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.jobs import services
from gongkai.jobs.models import Job, ScheduledRun


@dataclass(frozen=True)
class Schedule:
    name: str
    at: datetime.time
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    when: Callable[[datetime.date], bool] | None = None


_SCHEDULES: dict[str, Schedule] = {}


def every_day(
    name: str,
    *,
    at: datetime.time | str,
    kind: str,
    params: dict[str, Any] | None = None,
    when: Callable[[datetime.date], bool] | None = None,
) -> Schedule:
    """Start a job of ``kind`` once a day at ``at`` (local time; "HH:MM" accepted), on the days ``when``
    allows."""
    if isinstance(at, str):
        at = datetime.time.fromisoformat(at)
    schedule = Schedule(name=name, at=at, kind=kind, params=dict(params or {}), when=when)
    _SCHEDULES[name] = schedule
    return schedule


def schedules() -> list[Schedule]:
    return [_SCHEDULES[name] for name in sorted(_SCHEDULES)]


def due(now: datetime.datetime | None = None) -> list[Schedule]:
    """The schedules due at ``now`` (local time) not yet started today."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    started = set(ScheduledRun.objects.filter(day=today).values_list("name", flat=True))
    return [
        s
        for s in schedules()
        if s.name not in started and now.time() >= s.at and (s.when is None or s.when(today))
    ]


def run_due(now: datetime.datetime | None = None) -> list[Job]:
    """Start each due schedule's job, once per day across all workers. Returns the jobs this call started."""
    now = timezone.localtime(now or timezone.now())
    started: list[Job] = []
    for schedule in due(now):
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=schedule.name, day=now.date())
                job = services.start(
                    schedule.kind,
                    actor=None,
                    params={**schedule.params, "scheduled_for": now.date().isoformat()},
                )
                run.job = job
                run.save(update_fields=["job"])
        except IntegrityError:
            continue  # another worker started it today
        started.append(job)
    return started
