"""Reads of the working-day calendar for other pages and commands (the to-do list, ``gongkai remind``)."""

from __future__ import annotations

import datetime

from gongkai.workdays.store import current_calendar

__all__ = ["WARN_FROM", "missing_calendar_years"]

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
