"""The built-in years: the State Council's notices as encoded by the ``chinesecalendar`` package.

The package (import name ``chinese_calendar``) covers 2004 up to the year of its release (1.11.0:
2004–2026). Its data is immutable, so it is read once per process. A year stored in the database
replaces the built-in year entirely (see :mod:`gongkai.workdays.store`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from types import MappingProxyType
from typing import Any

import chinese_calendar
from chinese_calendar import constants

from gongkai.workdays.calendar import YearCalendar

__all__ = ["COMBINED_NATIONAL_DAY", "builtin_source", "builtin_years"]

# The package's Holiday enum member names -> the names used in the State Council's notices.
_NAMES = {
    "new_years_day": "元旦",
    "spring_festival": "春节",
    "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节",
    "dragon_boat_festival": "端午节",
    "national_day": "国庆节",
    "mid_autumn_festival": "中秋节",
}
#: When 中秋节 falls inside or next to the National Day holiday the notice gives them together.
COMBINED_NATIONAL_DAY = "国庆节、中秋节"


def _chinese_name(value: Any) -> str:
    """The Chinese name of one of the package's holiday values (an English string or enum)."""
    try:
        member = value if isinstance(value, constants.Holiday) else constants.Holiday(value)
    except ValueError:
        return str(value)
    return _NAMES.get(member.name) or str(getattr(member, "chinese", "") or member.value)


def builtin_source() -> str:
    """``"chinesecalendar 1.11.0（国务院办公厅放假通知）"`` with the version installed."""
    try:
        package_version = version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - installed without metadata
        package_version = str(getattr(chinese_calendar, "__version__", "?"))
    return f"chinesecalendar {package_version}（国务院办公厅放假通知）"


def _combine_national_day(holidays: dict[date, str], workdays: dict[date, str]) -> None:
    """Name a holiday run holding both 国庆节 and 中秋节 (and its make-up days) "国庆节、中秋节"."""
    national = {"国庆节", "中秋节"}
    combined = False
    run: list[date] = []
    for day in [*sorted(holidays), None]:
        if day is not None and run and day == run[-1] + timedelta(days=1):
            run.append(day)
            continue
        if {holidays[d] for d in run} >= national:
            combined = True
            for d in run:
                holidays[d] = COMBINED_NATIONAL_DAY
        run = [day] if day is not None else []
    if combined:
        for day, name in workdays.items():
            if name in national:
                workdays[day] = COMBINED_NATIONAL_DAY


@lru_cache(maxsize=1)
def _builtin_years() -> MappingProxyType[int, YearCalendar]:
    source = builtin_source()
    holidays: dict[int, dict[date, str]] = defaultdict(dict)
    workdays: dict[int, dict[date, str]] = defaultdict(dict)
    for day, value in constants.holidays.items():
        holidays[day.year][day] = _chinese_name(value)
    for day, value in constants.workdays.items():
        workdays[day.year][day] = _chinese_name(value)
    years: dict[int, YearCalendar] = {}
    # A year is covered when the package lists its holidays (every year has some).
    for year in sorted(holidays):
        _combine_national_day(holidays[year], workdays[year])
        years[year] = YearCalendar(year=year, holidays=holidays[year], workdays=workdays[year], source=source)
    return MappingProxyType(years)


def builtin_years() -> dict[int, YearCalendar]:
    """Every year the installed ``chinesecalendar`` covers (2004–2026 for 1.11.0), by year."""
    return dict(_builtin_years())
