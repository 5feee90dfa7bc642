"""Write services for the working-day calendar: parse a notice's CSV, load or delete years.

Each year in a file REPLACES that year's calendar entirely (built-in or previously loaded), inside
one transaction that also writes the audit event and sends :data:`calendar_changed`, whose receivers
(e.g. the cases app recomputing due dates) run in the same transaction.

CSV format (UTF-8, with or without BOM)::

    date,type,name
    2026-02-14,workday,春节
    2026-02-15,holiday,春节

``type`` is ``holiday`` (also 放假) or ``workday`` (also 上班, 调休上班); ``workday`` is only for a
Saturday or Sunday made a working day. Blank lines and lines starting with ``#`` are ignored.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.core.formatting import weekday_name
from gongkai.workdays.builtin import builtin_source, builtin_years
from gongkai.workdays.calendar import YearCalendar
from gongkai.workdays.models import FIRST_YEAR, LAST_YEAR, CalendarDay, CalendarYear, DayType
from gongkai.workdays.signals import calendar_changed
from gongkai.workdays.store import current_calendar

__all__ = [
    "CALENDAR_YEAR_DELETED",
    "CALENDAR_YEAR_LOADED",
    "CalendarFileError",
    "CalendarRow",
    "DayEntry",
    "YearChange",
    "can_manage_calendar",
    "delete_year",
    "load_calendar",
    "parse_calendar_csv",
    "preview_load",
    "validate_rows",
]

# Audit action codes (stable once released).
CALENDAR_YEAR_LOADED = "calendar.year_loaded"
CALENDAR_YEAR_DELETED = "calendar.year_deleted"

HEADER = ["date", "type", "name"]
# A real year's notice gives at least 10 statutory rest days; fewer looks like a partial year.
MIN_HOLIDAYS_PER_YEAR = 7
MAX_ERRORS = 50
NAME_MAX_LENGTH = 100

_TYPES = {
    "holiday": DayType.HOLIDAY,
    "放假": DayType.HOLIDAY,
    "休": DayType.HOLIDAY,
    "休息": DayType.HOLIDAY,
    "workday": DayType.WORKDAY,
    "上班": DayType.WORKDAY,
    "班": DayType.WORKDAY,
    "调休上班": DayType.WORKDAY,
}
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class CalendarFileError(ValueError):
    """A calendar file (or list of rows) has errors; ``errors`` lists them all, in Chinese."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class CalendarRow:
    """One date of a notice: ``type`` is ``"holiday"`` or ``"workday"``; ``line`` 0 if not from a file."""

    date: date
    type: str
    name: str
    line: int = 0


@dataclass(frozen=True, order=True)
class DayEntry:
    """A date of a year's calendar as it is in force: its type and the holiday's name."""

    date: date
    type: str
    name: str

    def describe(self) -> str:
        """``"2026-02-15 星期日 放假 春节"``."""
        label = DayType(self.type).label
        return f"{self.date.isoformat()} {weekday_name(self.date)} {label} {self.name}".rstrip()

    def as_json(self) -> list[str]:
        return [self.date.isoformat(), self.type, self.name]


@dataclass(frozen=True)
class YearChange:
    """What loading (or deleting) one year changes, compared with what was in force before."""

    year: int
    #: "loaded" or "deleted".
    action: Literal["loaded", "deleted"]
    #: Whether the year in force before was the built-in one / a stored one (neither: not loaded).
    was_builtin: bool
    was_stored: bool
    #: Counts of the year in force afterwards (0 and 0 when a deleted year has no built-in data).
    holidays: int
    workdays: int
    added: tuple[DayEntry, ...] = ()
    removed: tuple[DayEntry, ...] = ()
    previous_source: str = ""
    previous_holidays: int = 0
    previous_workdays: int = 0
    #: For a deleted year: whether the built-in year is in force afterwards.
    now_builtin: bool = False
    warnings: tuple[str, ...] = field(default=())

    @property
    def is_new(self) -> bool:
        """The year was not loaded before."""
        return not self.was_builtin and not self.was_stored

    @property
    def unchanged(self) -> bool:
        return not self.added and not self.removed

    def _difference(self) -> str:
        if self.unchanged:
            return _("没有变化")
        return _("新增 %(added)d 项、移除 %(removed)d 项") % {
            "added": len(self.added),
            "removed": len(self.removed),
        }

    def summary(self) -> str:
        """One line in Chinese, e.g. ``"2027年：载入 31 个放假日、6 个调休上班日（此前未载入）"``."""
        params = {
            "year": self.year,
            "holidays": self.holidays,
            "workdays": self.workdays,
            "difference": self._difference(),
        }
        if self.action == "deleted":
            if self.now_builtin:
                return _("%(year)d年：已删除载入的日历，恢复内置日历（%(difference)s）") % params
            return _("%(year)d年：已删除载入的日历，该年日历现已未载入") % params
        loaded = _("%(year)d年：载入 %(holidays)d 个放假日、%(workdays)d 个调休上班日") % params
        if self.is_new:
            return loaded + _("（此前未载入）")
        if self.was_builtin:
            return loaded + _("（替换内置日历：%(difference)s）") % params
        return loaded + _("（替换此前载入的日历：%(difference)s）") % params

    def audit_details(self) -> dict[str, Any]:
        previous = "stored" if self.was_stored else "builtin" if self.was_builtin else "none"
        return {
            "year": self.year,
            "holidays": self.holidays,
            "workdays": self.workdays,
            "previous": previous,
            "previous_source": self.previous_source,
            "previous_holidays": self.previous_holidays,
            "previous_workdays": self.previous_workdays,
            "added": [entry.as_json() for entry in self.added],
            "removed": [entry.as_json() for entry in self.removed],
        }


# --- Permission ---------------------------------------------------------------------------------


def can_manage_calendar(user: Actor) -> bool:
    """Superusers only (active): the calendar is one for the whole site, and changing a year moves the
    due dates of every agency's open cases, so an agency's administrator may not change it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(getattr(user, "is_superuser", False))


def _check_permission(actor: Actor) -> None:
    """``None`` is the system (management command); any user must be allowed to manage the calendar."""
    if actor is None:
        return
    if not can_manage_calendar(actor):
        raise PermissionDenied(
            _("只有超级管理员可以修改工作日历（工作日历全站通用，修改会影响所有机关的答复期限）。")
        )


# --- Parsing and validation ---------------------------------------------------------------------


def _at(line: int, message: str) -> str:
    return _("第%(line)d行：%(message)s") % {"line": line, "message": message} if line else message


def _row_problems(rows: Sequence[CalendarRow]) -> list[tuple[int, str]]:
    """Problems of rows that are well-formed one by one: range, type, weekend, duplicates, size."""
    problems: list[tuple[int, str]] = []
    seen: dict[date, int] = {}
    for row in rows:
        day = row.date
        params = {"date": day.isoformat(), "weekday": weekday_name(day), "year": day.year, "type": row.type}
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            message = _("%(year)d年不能载入：工作日历从%(first)d年开始。")
            problems.append((row.line, message % {**params, "first": FIRST_YEAR}))
            continue
        if row.type not in DayType.values:
            problems.append((row.line, _("类型“%(type)s”无效，应为 holiday 或 workday。") % params))
        elif row.type == DayType.WORKDAY and day.weekday() < 5:
            message = _(
                "%(date)s 是%(weekday)s，本来就是工作日；workday（调休上班）只用于被调成上班的周六或周日。"
            )
            problems.append((row.line, message % params))
        if not row.name.strip():
            problems.append((row.line, _("缺少节日名称（第三列），例如 春节。")))
        elif len(row.name) > NAME_MAX_LENGTH:
            message = _("节日名称太长（最多 %(max)d 个字）。")
            problems.append((row.line, message % {"max": NAME_MAX_LENGTH}))
        if day not in seen:
            seen[day] = row.line
        elif seen[day]:
            message = _("日期 %(date)s 与第%(earlier)d行重复。")
            problems.append((row.line, message % {**params, "earlier": seen[day]}))
        else:
            problems.append((row.line, _("日期 %(date)s 重复。") % params))
    return problems


def validate_rows(rows: Sequence[CalendarRow]) -> list[str]:
    """Every problem of ``rows``, in Chinese, each naming its line when the row has one."""
    return [_at(line, message) for line, message in sorted(_row_problems(rows), key=lambda p: p[0])]


def _limit(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_ERRORS:
        return errors
    rest = len(errors) - MAX_ERRORS
    return [*errors[:MAX_ERRORS], _("……另有 %(count)d 处错误未列出。") % {"count": rest}]


def parse_calendar_csv(text: str) -> list[CalendarRow]:
    """Parse a notice's CSV (header ``date,type,name``) into rows; :class:`CalendarFileError` lists
    every problem at once, each with its line number and what to fix."""
    if text.startswith("\ufeff"):
        text = text[1:]
    problems: list[tuple[int, str]] = []
    rows: list[CalendarRow] = []
    header_seen = False
    reader = csv.reader(io.StringIO(text))
    try:
        for raw in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in raw]
            while cells and not cells[-1]:
                cells.pop()
            if not cells or cells[0].startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                if [cell.lower() for cell in cells] == HEADER:
                    continue
                problems.append(
                    (
                        line,
                        _("第一行应为表头 date,type,name，实际是“%(found)s”。")
                        % {"found": ",".join(cells)[:100]},
                    )
                )
                if not _DATE.match(cells[0]):
                    continue
            row = _parse_cells(line, cells, problems)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        problems.append((reader.line_num, _("CSV 格式错误（%(error)s），请检查引号。") % {"error": exc}))
    if not header_seen:
        problems.append((0, _("文件是空的：第一行应为表头 date,type,name，之后每行一个日期。")))
    elif not rows and not problems:
        problems.append((0, _("文件中没有任何日期：表头 date,type,name 之后每行写一个日期。")))
    problems.extend(_row_problems(rows))
    if problems:
        problems.sort(key=lambda p: p[0])
        raise CalendarFileError(_limit([_at(line, message) for line, message in problems]))
    return rows


def _parse_cells(line: int, cells: list[str], problems: list[tuple[int, str]]) -> CalendarRow | None:
    if len(cells) > 3:
        message = _("应为 3 列（日期,类型,名称），这一行有 %(count)d 列；名称中不要有英文逗号。")
        problems.append((line, message % {"count": len(cells)}))
        return None
    raw_date, raw_type, name = cells + [""] * (3 - len(cells))
    day: date | None = None
    match = _DATE.match(raw_date)
    if not match:
        message = _(
            "日期“%(date)s”格式不对，应为 YYYY-MM-DD，例如 2027-01-01（用 Excel 编辑时请把日期列设为文本）。"
        )
        problems.append((line, message % {"date": raw_date}))
    else:
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            problems.append((line, _("日期“%(date)s”不存在。") % {"date": raw_date}))
    kind = _TYPES.get(raw_type.lower())
    if kind is None:
        message = _("类型“%(type)s”无法识别，应为 holiday（放假）或 workday（调休上班）。")
        problems.append((line, message % {"type": raw_type}))
    if day is None or kind is None:
        return None
    return CalendarRow(date=day, type=kind.value, name=name, line=line)


# --- Planning -----------------------------------------------------------------------------------


def _entries(calendar: YearCalendar | None) -> set[DayEntry]:
    if calendar is None:
        return set()
    return {DayEntry(d, DayType.HOLIDAY.value, n) for d, n in calendar.holidays.items()} | {
        DayEntry(d, DayType.WORKDAY.value, n) for d, n in calendar.workdays.items()
    }


def _year_calendars(rows: Iterable[CalendarRow], source: str) -> dict[int, YearCalendar]:
    holidays: dict[int, dict[date, str]] = defaultdict(dict)
    workdays: dict[int, dict[date, str]] = defaultdict(dict)
    for row in rows:
        (holidays if row.type == DayType.HOLIDAY else workdays)[row.date.year][row.date] = row.name.strip()
    years = sorted(set(holidays) | set(workdays))
    return {
        year: YearCalendar(year=year, holidays=holidays[year], workdays=workdays[year], source=source)
        for year in years
    }


def _clean_source(source: str) -> str:
    source = (source or "").strip()
    if not source:
        raise CalendarFileError([_("请填写依据：放假通知的文号或标题，例如 国办发明电〔2026〕X号。")])
    if len(source) > 200:
        raise CalendarFileError([_("依据太长（最多 200 个字）。")])
    return source


def _plan(rows: Sequence[CalendarRow], source: str) -> list[tuple[YearCalendar, YearChange]]:
    errors = validate_rows(rows)
    if errors:
        raise CalendarFileError(_limit(errors))
    if not rows:
        raise CalendarFileError([_("没有任何日期可以载入。")])
    new_years = _year_calendars(rows, source)
    in_force = current_calendar().years
    stored = dict(CalendarYear.objects.filter(year__in=new_years).values_list("year", "source"))
    builtin = builtin_years()
    plan: list[tuple[YearCalendar, YearChange]] = []
    for year, calendar in new_years.items():
        before = in_force.get(year)
        old, new = _entries(before), _entries(calendar)
        warnings: list[str] = []
        if len(calendar.holidays) < MIN_HOLIDAYS_PER_YEAR:
            warnings.append(
                _(
                    "%(year)d年只有 %(count)d 个放假日，不像是完整的全年放假安排："
                    "载入会整体替换%(year)d年的日历。"
                    "跨年的日期（例如上一年12月31日）请并入那一年完整的日历。"
                )
                % {"year": year, "count": len(calendar.holidays)}
            )
        change = YearChange(
            year=year,
            action="loaded",
            was_builtin=year not in stored and year in builtin,
            was_stored=year in stored,
            holidays=len(calendar.holidays),
            workdays=len(calendar.workdays),
            added=tuple(sorted(new - old)),
            removed=tuple(sorted(old - new)),
            previous_source=stored[year] if year in stored else builtin_source() if year in builtin else "",
            previous_holidays=len(before.holidays) if before else 0,
            previous_workdays=len(before.workdays) if before else 0,
            warnings=tuple(warnings),
        )
        plan.append((calendar, change))
    return plan


def preview_load(*, rows: Sequence[CalendarRow], source: str = "-") -> list[YearChange]:
    """What :func:`load_calendar` would change, per year, without writing anything."""
    return [change for _calendar, change in _plan(rows, source)]


# --- Writing ------------------------------------------------------------------------------------


def load_calendar(
    *,
    actor: Actor,
    rows: Sequence[CalendarRow],
    source: str,
) -> list[YearChange]:
    """Replace the calendar of every year in ``rows``; audited, and ``calendar_changed`` is sent.

    ``actor`` ``None`` is the system (the management command). Raises :class:`CalendarFileError`
    for invalid rows or an empty source and :class:`PermissionDenied` for a user who may not manage
    the calendar. Everything happens in one transaction, the signal's receivers included.
    """
    _check_permission(actor)
    source = _clean_source(source)
    with transaction.atomic():
        # Lock the stored years being replaced so two loads of one year cannot interleave.
        years = {row.date.year for row in rows}
        stored = {c.year: c for c in CalendarYear.objects.select_for_update().filter(year__in=years)}
        plan = _plan(rows, source)
        for calendar, change in plan:
            year = stored.get(calendar.year)
            if year is None:
                year = CalendarYear(year=calendar.year, revision=1)
            else:
                year.revision += 1
            year.source = source
            year.loaded_by = user_of(actor)
            year.loaded_at = timezone.now()
            year.save()
            year.days.all().delete()
            CalendarDay.objects.bulk_create(
                [
                    CalendarDay(calendar_year=year, date=entry.date, type=entry.type, name=entry.name)
                    for entry in sorted(_entries(calendar))
                ]
            )
            record_audit(actor, CALENDAR_YEAR_LOADED, year, source=source, **change.audit_details())
        calendar_changed.send(sender=CalendarYear, years=[c.year for c, _change in plan], actor=actor)
    return [change for _calendar, change in plan]


def delete_year(*, actor: Actor, year: int) -> YearChange:
    """Delete the stored calendar of ``year``: the built-in year (if any) is in force again.

    Audited as ``calendar.year_deleted``; ``calendar_changed`` is sent in the same transaction.
    Raises :class:`CalendarYear.DoesNotExist` if ``year`` is not stored.
    """
    _check_permission(actor)
    with transaction.atomic():
        stored = CalendarYear.objects.select_for_update().get(year=year)
        before = current_calendar().years.get(year)
        after = builtin_years().get(year)
        old, new = _entries(before), _entries(after)
        change = YearChange(
            year=year,
            action="deleted",
            was_builtin=False,
            was_stored=True,
            holidays=len(after.holidays) if after else 0,
            workdays=len(after.workdays) if after else 0,
            added=tuple(sorted(new - old)),
            removed=tuple(sorted(old - new)),
            previous_source=stored.source,
            previous_holidays=len(before.holidays) if before else 0,
            previous_workdays=len(before.workdays) if before else 0,
            now_builtin=after is not None,
        )
        record_audit(
            actor,
            CALENDAR_YEAR_DELETED,
            stored,
            source=stored.source,
            now="builtin" if after is not None else "none",
            **change.audit_details(),
        )
        stored.delete()
        calendar_changed.send(sender=CalendarYear, years=[year], actor=actor)
    return change
