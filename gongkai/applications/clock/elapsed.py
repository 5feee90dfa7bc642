"""How many working days an answered case took, counted as the clock counts them (statistics).

The clock (:func:`~gongkai.applications.clock.computation.compute`) says from which day the answer period
runs (the receipt date, the day a corrected application arrived — 补正, 第三十条 — or a reopening) and which
working days do not count (征求意见 and 缴费 pauses, 第三十二、三十三、三十四条; 国办函〔2020〕109号; a day
inside several pauses once). The days taken are the working days after that start up to and including
the answer day, less the paused ones: the same count against which the due date is set, so that an
answer on the due date has taken exactly 20 (or, extended, 40) working days.

Pure Python: no Django, no I/O.
"""

from __future__ import annotations

from gongkai.applications.clock.computation import compute
from gongkai.applications.clock.pauses import count_pauses, merged_intervals
from gongkai.applications.clock.types import Calendar, ClockFacts, ClockState
from gongkai.core.messages import Message

__all__ = ["working_days_taken"]


def working_days_taken(facts: ClockFacts, calendar: Calendar) -> tuple[int, bool] | None:
    """The counted working days from the start of the answer period to the answer, and whether the
    answer was in time (on or before the due date the clock sets); ``None`` for a case not answered or
    whose receipt date is unknown. Raises the calendar's error for a year not loaded."""
    answered = facts.answered_on
    if answered is None:
        return None
    clock = compute(facts, calendar, answered)
    if clock.counting_from is None or clock.due_date is None:
        return None
    start = clock.counting_from
    if answered <= start:
        return 0, clock.state == ClockState.ANSWERED
    scratch: list[Message] = []
    intervals, _running = count_pauses(facts, start, answered, scratch, [])
    paused = 0
    for s, e in merged_intervals(intervals):
        if s >= answered:
            break
        paused += calendar.working_days_between(max(s, start), min(e, answered))
    taken = calendar.working_days_between(start, answered) - paused
    return taken, clock.state == ClockState.ANSWERED
