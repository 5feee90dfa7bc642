"""The words of the clock's step-by-step explanation: dates, and the holidays and make-up working days
in a period.
"""

from __future__ import annotations

import datetime

from gongkai.applications.clock.types import Calendar
from gongkai.core.formatting import cn_date, date_message, weekday_name
from gongkai.core.messages import N_, Message


def fmt(day: datetime.date) -> str:
    """``2026年2月10日（星期二）``."""
    return cn_date(day, weekday=True)


def day_message(day: datetime.date) -> Message:
    """:func:`fmt` as a message: the date in the reader's language."""
    return date_message(day, weekday=True)


def calendar_notes(calendar: Calendar, start: datetime.date, end: datetime.date) -> Message | str:
    """Name the weekday holidays and make-up working days in ``(start, end]`` (from the year data)."""
    holidays: dict[str, list[datetime.date]] = {}
    workdays: list[tuple[datetime.date, str]] = []
    for year in range(start.year, end.year + 1):
        data = calendar.year_data(year)
        for day, name in data.holidays.items():
            if start < day <= end and day.weekday() < 5:
                holidays.setdefault(name, []).append(day)
        for day, name in data.workdays.items():
            if start < day <= end:
                workdays.append((day, name))
    notes: list[Message] = []
    for name, days in holidays.items():
        days.sort()
        kind = Message(N_("%(name)s（放假）"), {"name": Message(name)}) if name else Message(N_("放假"))
        first = _month_day(days[0])
        span = (
            Message(N_("%(first)s至%(last)s"), {"first": first, "last": _month_day(days[-1])})
            if len(days) > 1
            else first
        )
        notes.append(
            Message(N_("%(span)s%(kind)s不计（%(n)s个工作日）"), {"span": span, "kind": kind, "n": len(days)})
        )
    for day, name in sorted(workdays):
        kind = (
            Message(N_("调休上班（%(name)s）"), {"name": Message(name)}) if name else Message(N_("调休上班"))
        )
        notes.append(
            Message(
                N_("%(day)s（%(weekday)s）%(kind)s计入"),
                {"day": _month_day(day), "weekday": Message(weekday_name(day)), "kind": kind},
            )
        )
    if not notes:
        return ""
    joined = notes[0]
    for note in notes[1:]:
        joined = Message(N_("%(first)s；%(next)s"), {"first": joined, "next": note})
    return Message(N_("其间%(notes)s。"), {"notes": joined})


def _month_day(day: datetime.date) -> Message:
    """``3月16日`` (``16 March``)."""
    return Message(N_("%(month)s%(day)s日"), {"month": Message(f"{day.month}月"), "day": day.day})
