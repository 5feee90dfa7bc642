"""The one way to write a date for a Chinese reader (pure Python: the pure modules use it too).

Official documents write dates without leading zeros (``2026年1月20日``, GB/T 9704); a deadline adds the
weekday (``2026年2月10日（星期二）``). Everything that shows a date in Chinese prose — letters, the clock's
explanation, findings, exported reports — asks these functions; forms and data files keep ISO dates.
"""

from __future__ import annotations

import datetime

_WEEKDAYS = "一二三四五六日"


def weekday_name(day: datetime.date) -> str:
    """``星期二``."""
    return f"星期{_WEEKDAYS[day.weekday()]}"


def cn_date(day: datetime.date, *, weekday: bool = False) -> str:
    """``2026年2月10日``; with ``weekday``, ``2026年2月10日（星期二）``."""
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（{weekday_name(day)}）" if weekday else text
