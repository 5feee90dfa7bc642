"""The statutory public holidays (全体公民放假的节日) of the 《全国年节及纪念日放假办法》, 2024 revision
(国务院令第795号, in force from 2025-01-01), as a pure function of the year.

This is the rule the *provisional* working-day calendar (暂定日历, docs/decisions.md D17) is built from
when the State Council's notice for a year (国务院办公厅部分节假日安排的通知) is not loaded yet:

* 第二条: 元旦 1 day (1 January); 春节 4 days (农历除夕、正月初一至初三); 清明节 1 day (农历清明当日);
  劳动节 2 days (5月1日、2日); 端午节 1 day (农历端午当日); 中秋节 1 day (农历中秋当日);
  国庆节 3 days (10月1日至3日).
* 第六条: a holiday of 第二条 that falls on a Saturday or Sunday is made up on a working day (补假).
  The notice says which day; the provisional calendar takes the first Monday–Friday after the holiday
  that is not itself a holiday, which is what the notices of 2025 and 2026 did.
* 第七条 allows 调休 (moving rest days so that holidays join up, with a weekend day made a working
  day); the notice decides it each year. No 调休 is guessed here: weekends stay rest days.

Lunar dates (除夕, 正月初一, 五月初五, 八月十五) and the 清明 solar term come from ``lunar_python``.
Pure Python: no Django.
"""

from __future__ import annotations

import datetime

from lunar_python import Lunar, Solar

__all__ = ["FIRST_YEAR", "LAST_YEAR", "statutory_holidays"]

#: The 2024 revision applies from this year on (earlier years had 春节 3 days and 劳动节 1 day).
FIRST_YEAR = 2025
#: The last year we compute: the lunar tables and solar terms of ``lunar_python`` are astronomical
#: computations; we do not extrapolate the rule (or the library) past the end of this century.
LAST_YEAR = 2100

# Names as the State Council's notices write them.
NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
QINGMING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"


def _solar(solar: Solar) -> datetime.date:
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _lunar_day(year: int, month: int, day: int) -> datetime.date:
    """The Gregorian date of lunar ``month``/``day`` of the lunar year that starts in ``year``."""
    return _solar(Lunar.fromYmd(year, month, day).getSolar())


def _qingming(year: int) -> datetime.date:
    """The day of the 清明 solar term (4 or 5 April), Beijing time."""
    table = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()
    return _solar(table["清明"])


def _holiday_days(year: int) -> list[tuple[datetime.date, str]]:
    """第二条: the 13 holiday days of ``year``, in order of the article."""
    new_lunar_year = _lunar_day(year, 1, 1)
    days = [(datetime.date(year, 1, 1), NEW_YEAR)]
    # 除夕 is the last day of the twelfth lunar month: the day before 正月初一.
    days += [(new_lunar_year + datetime.timedelta(days=i), SPRING_FESTIVAL) for i in range(-1, 3)]
    days.append((_qingming(year), QINGMING))
    days += [(datetime.date(year, 5, 1), LABOUR_DAY), (datetime.date(year, 5, 2), LABOUR_DAY)]
    days.append((_lunar_day(year, 5, 5), DRAGON_BOAT))
    days.append((_lunar_day(year, 8, 15), MID_AUTUMN))
    days += [(datetime.date(year, 10, i), NATIONAL_DAY) for i in (1, 2, 3)]
    return days


def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """Every rest day the 放假办法 itself gives in ``year`` (第二条, with 第六条's 补假), by date, named.

    Raises ``ValueError`` for a year outside ``FIRST_YEAR``–``LAST_YEAR``.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            f"{year}年不在《全国年节及纪念日放假办法》（2024年修订）推算范围内（{FIRST_YEAR}–{LAST_YEAR}年）。"
        )
    holidays: dict[datetime.date, str] = {}
    for day, name in _holiday_days(year):
        # 中秋 can fall on 1–3 October: one day, both names (the notices write "国庆节、中秋节").
        holidays[day] = f"{NATIONAL_DAY}、{MID_AUTUMN}" if day in holidays else name
    # 第六条: a holiday on a Saturday or Sunday is made up on the next free working day.
    for day, name in sorted(holidays.items()):
        if day.weekday() < 5:
            continue
        make_up = day + datetime.timedelta(days=1)
        while make_up.weekday() >= 5 or make_up in holidays:
            make_up += datetime.timedelta(days=1)
        if make_up.year == year:
            holidays[make_up] = name
    return dict(sorted(holidays.items()))
