"""The calendar in force: the built-in years overlaid by the years stored in the database.

Production runs several processes. Each keeps the last calendar it built, but checks it on every
call of :func:`current_calendar` with ONE cheap aggregate query over the (tiny) ``CalendarYear``
table, so that a year loaded or deleted by another process is seen at once. The fingerprint is
(number of years, highest id, sum of revisions, latest update): ids are never reused and every load
increments the year's ``revision``, so any committed change alters it. Inside a transaction the query
sees that transaction's own writes, so receivers of ``calendar_changed`` get the new calendar.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date
from typing import Any

from django.db import connections, router
from django.utils import timezone

from gongkai.workdays.builtin import builtin_source, builtin_years
from gongkai.workdays.calendar import WorkCalendar, YearCalendar
from gongkai.workdays.models import CalendarDay, CalendarYear, DayType
from gongkai.workdays.provisional import provisional_years

__all__ = ["clear_cache", "current_calendar", "stored_years", "year_info", "year_source"]

_lock = threading.Lock()
_cache: tuple[tuple[Any, ...], WorkCalendar] | None = None


def _fingerprint() -> tuple[Any, ...]:
    """(number of years, highest id, sum of revisions, latest update), as the database gives them: only ever
    compared with the last one. One fixed statement, written out: it runs on every page that shows a date
    computed with the calendar (the officer's queue among them), and building it through the ORM cost ten
    times the query itself (issue 16, docs/benchmarks.md)."""
    connection = connections[router.db_for_read(CalendarYear)]
    q = connection.ops.quote_name
    table, pk, revision, updated = (
        q(CalendarYear._meta.db_table),
        q("id"),
        q(CalendarYear._meta.get_field("revision").column),
        q(CalendarYear._meta.get_field("updated_at").column),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT({pk}), MAX({pk}), SUM({revision}), MAX({updated}) FROM {table}")  # noqa: S608
        row = cursor.fetchone()
    return tuple(row)


def stored_years() -> dict[int, YearCalendar]:
    """The years stored in the database, by year (two queries)."""
    holidays: dict[int, dict[date, str]] = defaultdict(dict)
    workdays: dict[int, dict[date, str]] = defaultdict(dict)
    days = CalendarDay.objects.values_list("calendar_year__year", "date", "type", "name")
    for year, day, kind, name in days:
        (holidays if kind == DayType.HOLIDAY else workdays)[year][day] = name
    return {
        year: YearCalendar(year=year, holidays=holidays[year], workdays=workdays[year], source=source)
        for year, source in CalendarYear.objects.values_list("year", "source")
    }


def _build() -> WorkCalendar:
    years = builtin_years()
    years.update(stored_years())
    # Years without a notice get a provisional calendar (暂定, D17); the loaded years win.
    return WorkCalendar(years.values(), provisional=provisional_years(years))


def current_calendar() -> WorkCalendar:
    """The calendar in force now: built-in years, each replaced by the stored year if there is one,
    and a provisional year (暂定) for each year after them that has no notice yet."""
    global _cache
    fingerprint = _fingerprint()
    cached = _cache
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    with _lock:
        calendar = _build()
        _cache = (fingerprint, calendar)
    return calendar


def clear_cache() -> None:
    """Forget this process's calendar (the next call rebuilds it; never needed for correctness)."""
    global _cache
    _cache = None


def year_info(year: int) -> YearCalendar | None:
    """The calendar in force for ``year``, or ``None`` if the year is not loaded."""
    return current_calendar().years.get(year)


def year_source(year: int) -> str:
    """Where ``year``'s calendar comes from, in Chinese: the stored notice (who, when) or 内置."""
    stored = CalendarYear.objects.filter(year=year).select_related("loaded_by").first()
    if stored is not None:
        who = stored.loaded_by.get_username() if stored.loaded_by is not None else "系统"
        when = timezone.localtime(stored.loaded_at).strftime("%Y-%m-%d %H:%M")
        return f"{stored.source}（{who}于{when}载入）"
    if year in builtin_years():
        return f"内置：{builtin_source()}"
    return "未载入"
