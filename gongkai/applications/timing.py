"""How long a case's first answer took, as the statistics count it (pure; no queries).

The first answer or withdrawal is what the annual report and the statistics count (D7): a case reopened
after a reconsideration or a judgment keeps it. Its working days and its timeliness are the clock's over the
events up to that answer — they depend on those events and on the calendar only, never on today — so the
services keep them on the case (``Application.counted_working_days`` / ``counted_on_time`` /
``counted_timing``, refreshed with the other cached columns and again after a calendar change) and the
statistics of a province's 200,000 cases a year are grouped counts in SQL.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gongkai.applications import clock, timeline
from gongkai.workdays.calendar import CalendarNotLoaded

__all__ = [
    "KNOWN",
    "NOT_COMPUTED",
    "UNKNOWN",
    "WITHDRAWN",
    "Timing",
    "first_answer_timing",
    "until_first_answer",
]

#: ``counted_timing``: not computed yet (a case stored before applications 0015 until it is timed).
NOT_COMPUTED = ""
#: The clock told (the days and timeliness may still be ``None``: no answer, a withdrawal, no receipt).
KNOWN = "known"
#: The clock could not be computed (a calendar year not loaded, or facts it refuses).
UNKNOWN = "unknown"

#: The events that end the answer period (the first one is what the statistics count, D7).
_ANSWER_KINDS = frozenset({"answered", "withdrawn"})
#: The outcome of a withdrawal: counted as an answer, never timed.
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Timing:
    state: str
    working_days: int | None = None
    on_time: bool | None = None


def until_first_answer(events: Iterable[timeline.EventRecord]) -> list[timeline.EventRecord]:
    """The events up to and including the first answer or withdrawal (all of them if there is none)."""
    kept: list[timeline.EventRecord] = []
    for event in sorted(events, key=lambda e: e.seq):
        kept.append(event)
        if event.kind in _ANSWER_KINDS:
            break
    return kept


def first_answer_timing(
    channel: str,
    arrived_on: datetime.date,
    confirmed_on: datetime.date | None,
    events: Sequence[timeline.EventRecord],
    calendar: clock.Calendar,
) -> Timing:
    """The working days the clock counted to the first answer and whether it was in time (withdrawals and
    cases not answered have neither)."""
    try:
        first = timeline.situation(channel, arrived_on, confirmed_on, until_first_answer(events))
        if first.facts.answered_on is None or first.first_outcome == WITHDRAWN:
            return Timing(KNOWN)
        taken = clock.working_days_taken(first.facts, calendar)
    except (CalendarNotLoaded, clock.ClockError):
        return Timing(UNKNOWN)
    if taken is None:
        return Timing(KNOWN)
    return Timing(KNOWN, taken[0], taken[1])
