"""Reads of the working-day calendar for other pages and commands (the to-do list, ``gongkai remind``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from gongkai.jobs.models import Job, JobStatus
from gongkai.workdays.store import current_calendar

__all__ = ["REDATING_JOB", "WARN_FROM", "Redating", "missing_calendar_years", "redating_in_progress"]

#: The job that re-dates the open cases after a change (registered by the applications app, which
#: receives :data:`gongkai.workdays.signals.calendar_changed`; the calendar only names it).
REDATING_JOB = "applications.recompute_open_cases"

#: From this day of the year (month, day) on, next year's missing notice is worth a warning: the
#: State Council usually publishes it in November, and 20 working days from mid-November reach into
#: the next year (docs/calendar.md).
WARN_FROM = (10, 1)


def missing_calendar_years(today: datetime.date) -> list[int]:
    """The years whose holiday notice an administrator should load now, ascending.

    This year if it is not loaded; from 1 October (:data:`WARN_FROM`) next year too. Deadlines in such
    a year are counted on the provisional calendar and labelled 暂定 (docs/decisions.md D17).
    """
    loaded = current_calendar().loaded_years
    years = [today.year]
    if (today.month, today.day) >= WARN_FROM:
        years.append(today.year + 1)
    return [year for year in years if year not in loaded]


@dataclass(frozen=True)
class Redating:
    """A re-dating job not finished yet, as the calendar page announces it."""

    job: Job
    years: list[int]
    #: How many open cases it re-dates.
    cases: int


def redating_in_progress() -> list[Redating]:
    """The re-dating jobs queued or running, the oldest first (two loads in a row give two)."""
    jobs = Job.objects.filter(kind=REDATING_JOB, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    found: list[Redating] = []
    for job in jobs.order_by("created_at"):
        params = job.params if isinstance(job.params, dict) else {}
        years = params.get("years")
        cases = params.get("cases")
        found.append(
            Redating(
                job,
                [int(y) for y in years] if isinstance(years, list) else [],
                int(cases) if isinstance(cases, int) else 0,
            )
        )
    return found
