"""The one way to write a date for a Chinese reader (pure Python: the pure modules use it too).

Official documents write dates without leading zeros (``2026年1月20日``, GB/T 9704); a deadline adds the
weekday (``2026年2月10日（星期二）``). Everything that shows a date in Chinese prose — letters, the clock's
explanation, findings, exported reports — asks these functions; forms and data files keep ISO dates.
"""

from __future__ import annotations

import datetime

from gongkai.core.messages import N_, Message

_WEEKDAYS = "一二三四五六日"


def weekday_name(day: datetime.date) -> str:
    """``星期二``."""
    return f"星期{_WEEKDAYS[day.weekday()]}"


def cn_date(day: datetime.date, *, weekday: bool = False) -> str:
    """``2026年2月10日``; with ``weekday``, ``2026年2月10日（星期二）``."""
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（{weekday_name(day)}）" if weekday else text


_MONTHS = tuple(f"{n}月" for n in range(1, 13))


def date_message(day: datetime.date, *, weekday: bool = False) -> Message:
    """:func:`cn_date` as a :class:`Message`, for text shown in the reader's language (``16 March 2026
    (Monday)`` in English); ``str()`` of it is exactly :func:`cn_date`."""
    params = {"year": day.year, "month": Message(N_(_MONTHS[day.month - 1])), "day": day.day}
    if weekday:
        weekday_id = Message(N_(weekday_name(day)))
        return Message(N_("%(year)s年%(month)s%(day)s日（%(weekday)s）"), {**params, "weekday": weekday_id})
    return Message(N_("%(year)s年%(month)s%(day)s日"), params)
