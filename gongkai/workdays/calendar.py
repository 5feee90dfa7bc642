"""The working-day calendar (docs/decisions.md D1), in pure Python: no Django here.

A *working day* is Monday–Friday unless the State Council's notice for that year makes it a holiday
(放假), plus any Saturday or Sunday that the notice makes a working day (调休上班). The calendar is
data, one :class:`YearCalendar` per year; a :class:`WorkCalendar` answers questions over the years it
holds and raises :class:`CalendarNotLoaded` as soon as it needs a day in any other year: never a guess.

Counting follows 民法典第二百零一条: the start day is not counted, counting starts the next day, so
``add_working_days(receipt_date, 20)`` is the 20th working day after the receipt date.

Speed: for every run of consecutive loaded years the calendar keeps one sorted list of the ordinals
(:meth:`datetime.date.toordinal`) of its working days, so adding or counting working days is two
binary searches, whatever the distance.

Provisional years (暂定, docs/decisions.md D17): a :class:`WorkCalendar` may also hold, for years whose
notice is not loaded, a calendar built from the statutory holidays alone
(:mod:`gongkai.workdays.provisional`). The arithmetic uses them like any year, so a deadline can be
computed; :meth:`WorkCalendar.relies_on_provisional` tells whether a span of days used one, so that the
date can be labelled 暂定 and recomputed when the notice is loaded. ``years``, ``loaded_years`` and
:meth:`WorkCalendar.year_calendar` stay the *loaded* years only; :meth:`WorkCalendar.year_data` is either.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

from gongkai.core.formatting import weekday_name
from gongkai.core.messages import N_, Message

__all__ = [
    "CalendarNotLoaded",
    "WorkCalendar",
    "YearCalendar",
]


class CalendarNotLoaded(LookupError):
    """A computation needed a day in ``year``, whose calendar is not loaded (D1: never guess)."""

    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year

    @property
    def message(self) -> Message:
        """What to tell the user, in the reader's language when rendered (``str()`` is the Chinese)."""
        return Message(
            N_(
                "%(year)s年的工作日历尚未载入，无法计算期限。"
                "请管理员依据国务院办公厅%(year)s年部分节假日安排的通知载入该年日历："
                "gongkai calendar load 文件.csv（表头 date,type,name），或在管理后台“工作日历”中载入。"
            ),
            {"year": self.year},
        )

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class YearCalendar:
    """One year's notice: the declared rest days and the weekend days declared working days.

    ``holidays`` maps every date the notice makes a rest day (weekend days inside a holiday may be
    listed too; they change nothing) to the holiday's name, e.g. ``"春节"``; ``workdays`` maps every
    Saturday or Sunday made a working day (调休上班) to the name of the holiday it belongs to.
    Both are stored as read-only mappings sorted by date.
    """

    year: int
    holidays: Mapping[date, str]
    workdays: Mapping[date, str]
    source: str
    #: Built from the statutory holidays because the year's notice is not loaded (暂定, D17).
    provisional: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.year, int) or not 1 <= self.year <= 9999:
            raise ValueError(f"年份“{self.year}”无效。")
        for kind, days in (("放假日", self.holidays), ("调休上班日", self.workdays)):
            for day, name in days.items():
                if isinstance(day, datetime) or not isinstance(day, date):
                    raise ValueError(f"{kind}“{day!r}”不是日期。")
                if day.year != self.year:
                    raise ValueError(f"{kind} {day.isoformat()} 不在{self.year}年内。")
                if not isinstance(name, str):
                    raise ValueError(f"{kind} {day.isoformat()} 的名称应为文字。")
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            listed = "、".join(d.isoformat() for d in both)
            raise ValueError(f"{listed} 不能既是放假日又是调休上班日。")
        for day in sorted(self.workdays):
            if day.weekday() < 5:
                raise ValueError(
                    f"{day.isoformat()} 是{weekday_name(day)}，本来就是工作日；调休上班日只能是周六或周日。"
                )
        object.__setattr__(self, "holidays", MappingProxyType(dict(sorted(self.holidays.items()))))
        object.__setattr__(self, "workdays", MappingProxyType(dict(sorted(self.workdays.items()))))

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` (which must be in this year) is a working day."""
        if day.year != self.year:
            raise ValueError(f"{day.isoformat()} 不在{self.year}年内。")
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)

    def working_day_ordinals(self) -> list[int]:
        """The ordinals of this year's working days, ascending."""
        first = date(self.year, 1, 1).toordinal()
        last = date(self.year, 12, 31).toordinal()
        rest = {d.toordinal() for d in self.holidays}
        extra = {d.toordinal() for d in self.workdays}
        # date.fromordinal(o).weekday() == (o + 6) % 7 (ordinal 1 is Monday, 1 January of year 1).
        return [o for o in range(first, last + 1) if o in extra or ((o + 6) % 7 < 5 and o not in rest)]


@dataclass(frozen=True)
class _Run:
    """Consecutive loaded years and the ordinals of all their working days, ascending."""

    first_year: int
    last_year: int
    working: list[int]


class WorkCalendar:
    """Working-day arithmetic over the loaded years. Immutable once built."""

    def __init__(self, years: Iterable[YearCalendar] = (), provisional: Iterable[YearCalendar] = ()) -> None:
        by_year: dict[int, YearCalendar] = {}
        for calendar in years:
            if calendar.year in by_year:
                raise ValueError(f"{calendar.year}年的日历重复。")
            by_year[calendar.year] = calendar
        self._years: Mapping[int, YearCalendar] = MappingProxyType(dict(sorted(by_year.items())))
        self.loaded_years: frozenset[int] = frozenset(by_year)
        # A loaded year always wins over a provisional one.
        guessed = {c.year: c for c in provisional if c.year not in by_year}
        self.provisional_years: frozenset[int] = frozenset(guessed)
        self._all: Mapping[int, YearCalendar] = MappingProxyType(dict(sorted({**guessed, **by_year}.items())))
        # year -> the run of consecutive years (loaded or provisional) that contains it.
        self._runs: dict[int, _Run] = {}
        run_years: list[int] = []
        for year in self._all:
            if run_years and year != run_years[-1] + 1:
                self._add_run(run_years)
                run_years = []
            run_years.append(year)
        if run_years:
            self._add_run(run_years)

    def _add_run(self, run_years: list[int]) -> None:
        working: list[int] = []
        for year in run_years:
            working.extend(self._all[year].working_day_ordinals())
        run = _Run(run_years[0], run_years[-1], working)
        for year in run_years:
            self._runs[year] = run

    def __repr__(self) -> str:
        if not self.loaded_years:
            return "WorkCalendar(no years)"
        text = f"{len(self.loaded_years)} years, {min(self.loaded_years)}–{max(self.loaded_years)}"
        if self.provisional_years:
            text += f"; {len(self.provisional_years)} provisional"
        return f"WorkCalendar({text})"

    # --- Years ------------------------------------------------------------------------------

    @property
    def years(self) -> Mapping[int, YearCalendar]:
        """The loaded years, ascending (read-only)."""
        return self._years

    def year_calendar(self, year: int) -> YearCalendar:
        """The loaded calendar of ``year``; :class:`CalendarNotLoaded` if there is none."""
        try:
            return self._years[year]
        except KeyError:
            raise CalendarNotLoaded(year) from None

    def year_data(self, year: int) -> YearCalendar:
        """The calendar the arithmetic uses for ``year``: the loaded one, else the provisional one
        (``.provisional`` is true); :class:`CalendarNotLoaded` if there is neither."""
        try:
            return self._all[year]
        except KeyError:
            raise CalendarNotLoaded(year) from None

    def relies_on_provisional(self, start: date, end: date) -> bool:
        """Whether counting from ``start`` to ``end`` touches a provisional year (the label 暂定)."""
        return bool(self.provisional_years_between(start, end))

    def provisional_years_between(self, start: date, end: date) -> list[int]:
        """The provisional years among the years of ``start`` to ``end`` (both included), ascending."""
        if not self.provisional_years:
            return []
        return [y for y in range(start.year, max(start, end).year + 1) if y in self.provisional_years]

    def _run_after(self, day: date) -> _Run:
        """The run of loaded years that holds the day after ``day``."""
        year = day.year + 1 if (day.month, day.day) == (12, 31) else day.year
        run = self._runs.get(year)
        if run is None:
            raise CalendarNotLoaded(year)
        return run

    # --- Questions about one day ------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Mon–Fri not declared a holiday, or a weekend day declared a working day (D1)."""
        calendar = self.year_data(day.year)
        return day in calendar.workdays or (day.weekday() < 5 and day not in calendar.holidays)

    def day_kind(self, day: date) -> tuple[bool, str]:
        """``(is working day, Chinese description)``, e.g. ``(False, "春节（放假）")``."""
        calendar = self.year_data(day.year)
        if day in calendar.holidays:
            name = calendar.holidays[day]
            return False, f"{name}（放假）" if name else "放假"
        if day in calendar.workdays:
            name = calendar.workdays[day]
            return True, f"调休上班（{name}）" if name else "调休上班"
        if day.weekday() >= 5:
            return False, "周末"
        return True, "工作日"

    # --- Counting ---------------------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start`` (民法典第二百零一条); ``start`` if n == 0."""
        if n < 0:
            raise ValueError(f"工作日天数不能为负数：{n}")
        if n == 0:
            return start
        run = self._run_after(start)
        index = bisect_right(run.working, start.toordinal()) + n - 1
        if index >= len(run.working):
            raise CalendarNotLoaded(run.last_year + 1)
        return date.fromordinal(run.working[index])

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days ``d`` there are with ``start < d <= end`` (0 if ``end <= start``)."""
        if end <= start:
            return 0
        run = self._run_after(start)
        if end.year > run.last_year:
            raise CalendarNotLoaded(run.last_year + 1)
        return bisect_right(run.working, end.toordinal()) - bisect_right(run.working, start.toordinal())

    def working_days_in(self, year: int, month: int | None = None) -> int:
        """The number of working days in ``year`` (or in one month of it)."""
        self.year_data(year)
        run = self._runs[year]
        if month is None:
            first, last = date(year, 1, 1), date(year, 12, 31)
        else:
            first = date(year, month, 1)
            last = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
            last = date.fromordinal(last.toordinal() - 1)
        return bisect_right(run.working, last.toordinal()) - bisect_right(run.working, first.toordinal() - 1)
