"""The pure working-day calendar and the built-in years (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.workdays.builtin import builtin_source, builtin_years
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar, YearCalendar

BUILTIN = WorkCalendar(builtin_years().values())
FIRST = date(2004, 1, 1)
LAST = date(2026, 12, 31)


def year_2027() -> YearCalendar:
    """Fictional 2027 (see tests/workdays/data.py): 元旦 01-01..03, 春节 02-06..13, 02-20 Sat works."""
    holidays = {date(2027, 1, d): "元旦" for d in (1, 2, 3)}
    holidays |= {date(2027, 2, d): "春节" for d in range(6, 14)}
    return YearCalendar(2027, holidays, {date(2027, 2, 20): "春节"}, "test")


# --- Built-in data ----------------------------------------------------------------------------


def test_builtin_years_are_2004_to_2026_with_the_package_version_as_source() -> None:
    years = builtin_years()
    assert sorted(years) == list(range(2004, 2027))
    assert builtin_source() == f"chinesecalendar {chinese_calendar.__version__}（国务院办公厅放假通知）"
    assert years[2026].source == builtin_source()
    assert BUILTIN.loaded_years == frozenset(range(2004, 2027))


def test_builtin_years_agree_with_the_package_on_every_day() -> None:
    day = FIRST
    while day <= LAST:
        assert BUILTIN.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_builtin_years_use_the_notices_chinese_names() -> None:
    years = builtin_years()
    assert years[2026].holidays[date(2026, 2, 17)] == "春节"
    assert years[2026].holidays[date(2026, 4, 5)] == "清明节"
    assert years[2026].holidays[date(2026, 6, 19)] == "端午节"
    assert years[2026].holidays[date(2026, 9, 25)] == "中秋节"
    assert years[2026].holidays[date(2026, 10, 1)] == "国庆节"
    assert years[2026].workdays[date(2026, 1, 4)] == "元旦"
    # 2025: 国庆节、中秋节 10/1–10/8 together, and its make-up days too.
    assert {years[2025].holidays[date(2025, 10, d)] for d in range(1, 9)} == {"国庆节、中秋节"}
    assert years[2025].workdays[date(2025, 10, 11)] == "国庆节、中秋节"
    assert years[2015].holidays[date(2015, 9, 3)].startswith("中国人民抗日战争")


# --- Hand-checked facts (regulation.md §6) -----------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20)]
    + [date(2026, 10, 10), date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28)]
    + [date(2025, 10, 11)],
)
def test_weekend_days_declared_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert BUILTIN.is_working_day(day)


def test_2026_spring_festival_and_2025_national_day_are_holidays() -> None:
    for offset in range(9):  # 2026-02-15 .. 2026-02-23
        assert not BUILTIN.is_working_day(date(2026, 2, 15) + timedelta(days=offset))
    for day in range(1, 9):  # 2025-10-01 .. 2025-10-08
        assert not BUILTIN.is_working_day(date(2025, 10, day))
    assert BUILTIN.is_working_day(date(2026, 2, 24))
    assert BUILTIN.is_working_day(date(2025, 10, 9))


def test_add_working_days_hand_checked() -> None:
    # From Tue 2026-02-10: 02-11 Wed (1), 02-12 Thu (2), 02-13 Fri (3), 02-14 Sat 调休上班 (4),
    # 02-15..02-23 春节, 02-24 Tue (5).
    assert BUILTIN.add_working_days(date(2026, 2, 10), 5) == date(2026, 2, 24)
    # From Fri 2025-09-26: 09-28 Sun 上班 (1), 09-29 (2), 09-30 (3), 10-01..10-08 放假, 10-09 (4),
    # 10-10 (5), 10-11 Sat 上班 (6), 10-13..17 (7-11), 10-20..24 (12-16), 10-27, 28, 29, 30 (17-20).
    assert BUILTIN.add_working_days(date(2025, 9, 26), 20) == date(2025, 10, 30)
    # The start day is not counted even when it is a working day; n == 0 is the start itself.
    assert BUILTIN.add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 3)
    assert BUILTIN.add_working_days(date(2026, 2, 16), 0) == date(2026, 2, 16)
    assert BUILTIN.next_working_day(date(2026, 2, 14)) == date(2026, 2, 24)
    assert BUILTIN.next_working_day(date(2026, 2, 13)) == date(2026, 2, 14)
    # Across a year boundary: 2025-12-31 Wed -> 2026-01-01..03 元旦, 01-04 Sun 上班.
    assert BUILTIN.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)


def test_working_days_between_hand_checked() -> None:
    # (2026-02-13, 2026-02-24]: 02-14 Sat 上班 and 02-24 Tue.
    assert BUILTIN.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert BUILTIN.working_days_between(date(2026, 2, 24), date(2026, 2, 13)) == 0
    assert BUILTIN.working_days_between(date(2026, 2, 13), date(2026, 2, 13)) == 0
    assert BUILTIN.working_days_in(2026) == 248
    assert BUILTIN.working_days_in(2026, 2) == 16


def test_day_kind_describes_the_day_in_chinese() -> None:
    assert BUILTIN.day_kind(date(2026, 2, 16)) == (False, "春节（放假）")
    assert BUILTIN.day_kind(date(2026, 2, 14)) == (True, "调休上班（春节）")
    assert BUILTIN.day_kind(date(2026, 3, 7)) == (False, "周末")
    assert BUILTIN.day_kind(date(2026, 3, 9)) == (True, "工作日")
    assert BUILTIN.day_kind(date(2025, 10, 3)) == (False, "国庆节、中秋节（放假）")


# --- Years that are not loaded ----------------------------------------------------------------


def test_an_unloaded_year_is_an_error_naming_the_year_and_how_to_load_it() -> None:
    with pytest.raises(CalendarNotLoaded) as info:
        BUILTIN.add_working_days(date(2026, 12, 20), 20)
    assert info.value.year == 2027
    assert isinstance(info.value, LookupError)
    assert str(info.value) == (
        "2027年的工作日历尚未载入，无法计算期限。请管理员依据国务院办公厅2027年部分节假日安排的通知载入该年日历："
        "gongkai calendar load 文件.csv（表头 date,type,name），或在管理后台“工作日历”中载入。"
    )


@pytest.mark.parametrize(
    ("call", "year"),
    [
        (lambda c: c.is_working_day(date(2027, 1, 4)), 2027),
        (lambda c: c.day_kind(date(2003, 6, 1)), 2003),
        (lambda c: c.add_working_days(date(2026, 12, 31), 1), 2027),
        (lambda c: c.add_working_days(date(2003, 12, 30), 1), 2003),
        (lambda c: c.next_working_day(date(2026, 12, 31)), 2027),
        (lambda c: c.working_days_between(date(2026, 12, 1), date(2027, 1, 5)), 2027),
        (lambda c: c.working_days_between(date(2003, 12, 1), date(2004, 1, 5)), 2003),
        (lambda c: c.working_days_in(2030), 2030),
    ],
)
def test_every_method_raises_for_the_first_unloaded_year_it_needs(call: object, year: int) -> None:
    with pytest.raises(CalendarNotLoaded) as info:
        call(BUILTIN)  # type: ignore[operator]
    assert info.value.year == year


def test_calls_that_need_no_unloaded_day_succeed_at_the_edges() -> None:
    assert BUILTIN.add_working_days(date(2026, 12, 30), 1) == date(2026, 12, 31)
    assert BUILTIN.add_working_days(date(2030, 1, 1), 0) == date(2030, 1, 1)
    assert BUILTIN.add_working_days(date(2003, 12, 31), 1) == date(2004, 1, 2)  # 01-01 元旦
    assert BUILTIN.working_days_between(date(2027, 3, 1), date(2027, 2, 1)) == 0


def test_a_gap_between_loaded_years_is_reported() -> None:
    calendar = WorkCalendar([builtin_years()[2025], year_2027()])
    with pytest.raises(CalendarNotLoaded) as info:
        calendar.add_working_days(date(2025, 12, 20), 20)
    assert info.value.year == 2026
    assert calendar.add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 15)


def test_a_loaded_next_year_extends_the_count() -> None:
    calendar = WorkCalendar([*builtin_years().values(), year_2027()])
    # From Sun 2026-12-20: 12-21..25 (5), 12-28..31 (9); 2027-01-01..03 元旦; 01-04..08 (14),
    # 01-11..15 (19), 01-18 Mon (20).
    assert calendar.add_working_days(date(2026, 12, 20), 20) == date(2027, 1, 18)
    assert calendar.working_days_between(date(2026, 12, 20), date(2027, 1, 18)) == 20
    assert calendar.is_working_day(date(2027, 2, 20))


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError, match="负数"):
        BUILTIN.add_working_days(date(2026, 3, 2), -1)


# --- YearCalendar validation ------------------------------------------------------------------


def test_year_calendar_validates_its_dates_in_chinese() -> None:
    with pytest.raises(ValueError, match="不在2027年内"):
        YearCalendar(2027, {date(2026, 12, 31): "元旦"}, {}, "x")
    with pytest.raises(ValueError, match="既是放假日又是调休上班日"):
        YearCalendar(2027, {date(2027, 2, 20): "春节"}, {date(2027, 2, 20): "春节"}, "x")
    with pytest.raises(ValueError, match="是星期一，本来就是工作日"):
        YearCalendar(2027, {}, {date(2027, 1, 4): "元旦"}, "x")
    with pytest.raises(ValueError, match="重复"):
        WorkCalendar([year_2027(), year_2027()])


def test_year_calendar_is_read_only_and_sorted() -> None:
    year = YearCalendar(2027, {date(2027, 2, 7): "春节", date(2027, 1, 1): "元旦"}, {}, "x")
    assert list(year.holidays) == [date(2027, 1, 1), date(2027, 2, 7)]
    with pytest.raises(TypeError):
        year.holidays[date(2027, 5, 3)] = "劳动节"  # type: ignore[index]


# --- Properties over 2004–2026 ----------------------------------------------------------------

# Starting no later than October 2026 and adding at most 40 working days stays inside 2026.
starts = st.dates(min_value=FIRST, max_value=date(2026, 10, 31))
counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=counts)
def test_add_working_days_lands_on_a_working_day_n_working_days_later(start: date, n: int) -> None:
    end = BUILTIN.add_working_days(start, n)
    if n == 0:
        assert end == start
        return
    assert end > start
    assert BUILTIN.is_working_day(end)
    assert BUILTIN.working_days_between(start, end) == n
    # Slow reference: step one day at a time.
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += BUILTIN.is_working_day(day)
    assert day == end


@settings(max_examples=300, deadline=None)
@given(a=starts, b=starts, n=counts, m=counts)
def test_add_working_days_is_monotonic_in_start_and_n(a: date, b: date, n: int, m: int) -> None:
    a, b = min(a, b), max(a, b)
    n, m = min(n, m), max(n, m)
    assert BUILTIN.add_working_days(a, n) <= BUILTIN.add_working_days(b, n)
    assert BUILTIN.add_working_days(a, n) <= BUILTIN.add_working_days(a, m)
    if n < m:
        assert BUILTIN.add_working_days(a, n) < BUILTIN.add_working_days(a, m)


@settings(max_examples=200, deadline=None)
@given(a=st.dates(min_value=FIRST, max_value=LAST), b=st.dates(min_value=FIRST, max_value=LAST))
def test_working_days_between_adds_up(a: date, b: date) -> None:
    a, b = min(a, b), max(a, b)
    middle = a + (b - a) / 2
    total = BUILTIN.working_days_between(a, b)
    assert total == BUILTIN.working_days_between(a, middle) + BUILTIN.working_days_between(middle, b)
    assert total == sum(BUILTIN.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


# --- Speed ------------------------------------------------------------------------------------
