"""The provisional calendar (暂定, docs/decisions.md D17): the statutory holidays of the 放假办法 (2024)
for years whose State Council notice is not loaded, and the selector of missing notices."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.statute.holidays import statutory_holidays
from gongkai.workdays.builtin import builtin_years
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar, YearCalendar
from gongkai.workdays.models import CalendarYear
from gongkai.workdays.provisional import YEARS_AHEAD, provisional_year, provisional_years
from gongkai.workdays.selectors import missing_calendar_years
from gongkai.workdays.store import current_calendar


def days(year: int, name: str) -> list[date]:
    return [day for day, holiday in statutory_holidays(year).items() if holiday == name]


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_rule_gives_only_days_the_official_notice_made_holidays(year: int) -> None:
    """2025 and 2026 are built in (the notices): every statutory day is one of the notice's holidays;
    the notice adds more (调休), which the rule does not guess."""
    official = builtin_years()[year]
    guessed = statutory_holidays(year)
    assert set(guessed) <= set(official.holidays)
    assert set(guessed).isdisjoint(official.workdays)


def test_the_thirteen_days_of_2026_and_their_make_up_days() -> None:
    # 2026: 元旦 Thu; 春节 除夕 2/16 Mon – 初三 2/19 Thu; 清明 4/5 Sun -> 补假 4/6 Mon (第六条);
    # 劳动节 5/1 Fri, 5/2 Sat -> 5/4 Mon; 端午 6/19 Fri; 中秋 9/25 Fri; 国庆 10/1–3, 10/3 Sat -> 10/5 Mon.
    assert days(2026, "元旦") == [date(2026, 1, 1)]
    assert days(2026, "春节") == [date(2026, 2, d) for d in (16, 17, 18, 19)]
    assert days(2026, "清明节") == [date(2026, 4, 5), date(2026, 4, 6)]
    assert days(2026, "劳动节") == [date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 4)]
    assert days(2026, "端午节") == [date(2026, 6, 19)]
    assert days(2026, "中秋节") == [date(2026, 9, 25)]
    assert days(2026, "国庆节") == [
        date(2026, 10, 1),
        date(2026, 10, 2),
        date(2026, 10, 3),
        date(2026, 10, 5),
    ]


@pytest.mark.parametrize(
    ("year", "spring_festival"),
    [
        # 除夕 to 正月初三 (published lunar calendars); 2027 初一 2/6 Sat, 初二 2/7 Sun -> 补假 2/9, 2/10.
        (2025, [date(2025, 1, d) for d in (28, 29, 30, 31)]),
        (2026, [date(2026, 2, d) for d in (16, 17, 18, 19)]),
        (2027, [date(2027, 2, d) for d in (5, 6, 7, 8, 9, 10)]),
        (2028, [date(2028, 1, d) for d in (25, 26, 27, 28)]),
        (2030, [date(2030, 2, d) for d in (2, 3, 4, 5, 6, 7)]),
    ],
)
def test_spring_festival(year: int, spring_festival: list[date]) -> None:
    assert days(year, "春节") == spring_festival


def test_mid_autumn_on_national_day_is_one_day_with_both_names() -> None:
    # 2028: 中秋 (八月十五) is 10/3; 10/1 is a Sunday -> 补假 10/4 Wed.
    holidays = statutory_holidays(2028)
    assert holidays[date(2028, 10, 3)] == "国庆节、中秋节"
    assert [d for d in holidays if d.month == 10] == [date(2028, 10, d) for d in (1, 2, 3, 4)]


def test_years_outside_the_rule_are_refused() -> None:
    with pytest.raises(ValueError, match="2024"):
        statutory_holidays(2024)
    with pytest.raises(ValueError, match="2101"):
        statutory_holidays(2101)


def test_a_provisional_year_counts_and_says_it_is_provisional() -> None:
    calendar = WorkCalendar(builtin_years().values(), provisional=provisional_years(builtin_years()))
    assert 2027 in calendar.provisional_years and 2027 not in calendar.loaded_years
    assert 2026 not in calendar.provisional_years
    # 2026-12-10 (Thu): 12/11(1) 12/14–18(2–6) 12/21–25(7–11) 12/28–31(12–15), 1/1 元旦 (Fri),
    # 1/4–1/8(16–20).
    due = calendar.add_working_days(date(2026, 12, 10), 20)
    assert due == date(2027, 1, 8)
    assert calendar.relies_on_provisional(date(2026, 12, 10), due)
    assert not calendar.relies_on_provisional(date(2026, 11, 2), date(2026, 11, 30))
    assert calendar.day_kind(date(2027, 1, 1)) == (False, "元旦（放假）")
    assert calendar.year_data(2027).provisional
    # The loaded years' views are unchanged: 2027 is not loaded.
    with pytest.raises(CalendarNotLoaded):
        calendar.year_calendar(2027)
    # Provisional years reach YEARS_AHEAD years past the last loaded one; after them nothing counts.
    last = max(builtin_years()) + YEARS_AHEAD
    assert max(calendar.provisional_years) == last
    with pytest.raises(CalendarNotLoaded) as caught:
        calendar.add_working_days(date(last, 12, 20), 20)
    assert caught.value.year == last + 1


def test_a_loaded_year_wins_over_the_provisional_one() -> None:
    loaded = YearCalendar(2027, {date(2027, 1, d): "元旦" for d in (1, 2, 3)}, {}, "测试")
    calendar = WorkCalendar([*builtin_years().values(), loaded], provisional=[provisional_year(2027)])
    assert 2027 in calendar.loaded_years and 2027 not in calendar.provisional_years
    assert not calendar.relies_on_provisional(date(2026, 12, 10), date(2027, 1, 8))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "missing"),
    [
        (date(2026, 9, 30), []),
        (date(2026, 10, 1), [2027]),
        (date(2026, 12, 31), [2027]),
        (date(2027, 1, 4), [2027]),
        (date(2027, 10, 1), [2027, 2028]),
    ],
)
def test_missing_calendar_years_from_1_october(today: date, missing: list[int]) -> None:
    CalendarYear.objects.filter(year__gte=2027).delete()
    if 2027 in current_calendar().loaded_years:  # pragma: no cover - a chinesecalendar with 2027 data
        pytest.skip("2027 is built in")
    assert missing_calendar_years(today) == missing


@pytest.mark.django_db
def test_a_loaded_next_year_is_not_missing() -> None:
    CalendarYear.objects.filter(year__gte=2027).delete()
    CalendarYear.objects.create(year=2027, source="测试")
    assert missing_calendar_years(date(2026, 10, 1)) == []
