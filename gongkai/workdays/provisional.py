"""Provisional years (暂定日历, docs/decisions.md D17): the calendar of a year whose State Council notice
is not loaded yet, built from the statutory holidays alone (:mod:`gongkai.statute.holidays`).

Weekends are rest days and no 调休 working day is guessed. A deadline computed on such a year is
labelled 暂定 and recomputed when the year's notice is loaded. Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from gongkai.core.messages import N_
from gongkai.statute.holidays import FIRST_YEAR, LAST_YEAR, statutory_holidays
from gongkai.workdays.calendar import YearCalendar

__all__ = [
    "PROVISIONAL_LABEL",
    "PROVISIONAL_NOTE",
    "PROVISIONAL_SOURCE",
    "provisional_year",
    "provisional_years",
    "YEARS_AHEAD",
]

#: The label beside every date computed on a provisional year.
PROVISIONAL_LABEL = N_("暂定")
#: What the label means, in one sentence, wherever it shows.
PROVISIONAL_NOTE = N_(
    "暂定：该期限按法定节假日推算（未含调休），国务院公布当年放假安排并载入后将自动重新计算。"
)

PROVISIONAL_SOURCE = "暂定：按《全国年节及纪念日放假办法》推算（未含调休）"


@cache
def provisional_year(year: int) -> YearCalendar:
    """``year``'s provisional calendar (``ValueError`` outside the years the rule covers)."""
    return YearCalendar(
        year=year, holidays=statutory_holidays(year), workdays={}, source=PROVISIONAL_SOURCE, provisional=True
    )


#: How many years after the last loaded one get a provisional calendar. Deadlines reach a few months
#: ahead; computing the lunar dates costs a few milliseconds a year, so not every year up to 2100.
YEARS_AHEAD = 10


def provisional_years(loaded: Iterable[int]) -> list[YearCalendar]:
    """A provisional calendar for every year from 2025 (the 2024 revision) to :data:`YEARS_AHEAD` years
    after the last year in ``loaded`` (at most 2100) that is not in ``loaded``."""
    have = set(loaded)
    last = min(LAST_YEAR, max(have, default=FIRST_YEAR - 1) + YEARS_AHEAD)
    return [provisional_year(year) for year in range(FIRST_YEAR, last + 1) if year not in have]
