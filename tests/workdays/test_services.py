"""Parsing calendar files, loading and deleting years, the signal, the audit log and the cache."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from gongkai.core.models import AuditEvent
from gongkai.workdays.builtin import builtin_source
from gongkai.workdays.calendar import CalendarNotLoaded
from gongkai.workdays.models import CalendarDay, CalendarYear, DayType
from gongkai.workdays.services import (
    CalendarFileError,
    CalendarRow,
    can_manage_calendar,
    delete_year,
    load_calendar,
    parse_calendar_csv,
    preview_load,
)
from gongkai.workdays.signals import calendar_changed
from gongkai.workdays.store import current_calendar, year_info, year_source
from tests.conftest import Tree, make_user
from tests.workdays.data import CSV_2027, csv_2026_corrected

# --- Parsing ----------------------------------------------------------------------------------


def test_parse_reads_rows_with_line_numbers_and_skips_comments() -> None:
    rows = parse_calendar_csv(CSV_2027)
    assert len(rows) == 12
    assert rows[0] == CalendarRow(date=date(2027, 1, 1), type="holiday", name="元旦", line=3)
    assert rows[-1] == CalendarRow(date=date(2027, 2, 20), type="workday", name="春节", line=14)


def test_parse_accepts_bom_crlf_chinese_types_and_spaces() -> None:
    text = "\ufeffdate, type ,name\r\n2027-01-01,放假,元旦\r\n\r\n2027-02-20, 上班 ,春节\r\n"
    rows = parse_calendar_csv(text)
    assert [(r.date, r.type, r.name, r.line) for r in rows] == [
        (date(2027, 1, 1), "holiday", "元旦", 2),
        (date(2027, 2, 20), "workday", "春节", 4),
    ]


def test_parse_collects_every_error_with_its_line_number() -> None:
    text = (
        "date,type,name\n"
        "2027-01-01,holiday,元旦\n"  # 2
        "2027/01/02,holiday,元旦\n"  # 3: wrong date format
        "2027-02-30,holiday,春节\n"  # 4: no such date
        "2027-01-04,workday,元旦\n"  # 5: a Monday cannot be a make-up working day
        "2027-01-01,holiday,元旦\n"  # 6: duplicate of line 2
        "2027-02-06,rest,春节\n"  # 7: unknown type
        "2027-02-07,holiday\n"  # 8: no name
        "2003-10-01,holiday,国庆节\n"  # 9: before 2004
        "2027-02-08,holiday,春节,多余\n"  # 10: too many columns
    )
    with pytest.raises(CalendarFileError) as info:
        parse_calendar_csv(text)
    errors = info.value.errors
    assert [e.split("：", 1)[0] for e in errors] == [f"第{n}行" for n in range(3, 11)]
    assert "日期“2027/01/02”格式不对，应为 YYYY-MM-DD" in errors[0]
    assert errors[1] == "第4行：日期“2027-02-30”不存在。"
    assert "2027-01-04 是星期一，本来就是工作日" in errors[2]
    assert errors[3] == "第6行：日期 2027-01-01 与第2行重复。"
    assert "类型“rest”无法识别，应为 holiday（放假）或 workday（调休上班）" in errors[4]
    assert errors[5] == "第8行：缺少节日名称（第三列），例如 春节。"
    assert errors[6] == "第9行：2003年不能载入：工作日历从2004年开始。"
    assert "这一行有 4 列" in errors[7]
    assert str(info.value) == "\n".join(errors)
    assert isinstance(info.value, ValueError)


def test_parse_requires_the_header() -> None:
    with pytest.raises(CalendarFileError) as info:
        parse_calendar_csv("2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n")
    assert info.value.errors == ["第1行：第一行应为表头 date,type,name，实际是“2027-01-01,holiday,元旦”。"]
    with pytest.raises(CalendarFileError) as info:
        parse_calendar_csv("")
    assert "文件是空的" in info.value.errors[0]
    with pytest.raises(CalendarFileError) as info:
        parse_calendar_csv("date,type,name\n")
    assert "没有任何日期" in info.value.errors[0]


# --- Loading ----------------------------------------------------------------------------------


@pytest.fixture
def received() -> Iterator[list[dict[str, Any]]]:
    """The keyword arguments of every calendar_changed sent during the test."""
    calls: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        calls.append(kwargs)

    calendar_changed.connect(receiver, dispatch_uid="test-received")
    yield calls
    calendar_changed.disconnect(dispatch_uid="test-received")


@pytest.mark.django_db
def test_loading_a_new_year_makes_it_usable_and_is_audited(received: list[dict[str, Any]]) -> None:
    before = current_calendar()
    # Not loaded: the provisional year (暂定, D17) counts, and says so.
    assert 2027 not in before.loaded_years and 2027 in before.provisional_years
    assert before.relies_on_provisional(date(2026, 12, 20), before.add_working_days(date(2026, 12, 20), 20))

    changes = load_calendar(actor=None, rows=parse_calendar_csv(CSV_2027), source="测试通知〔2026〕1号")
    assert 2027 in current_calendar().loaded_years and 2027 not in current_calendar().provisional_years

    assert [c.summary() for c in changes] == ["2027年：载入 11 个放假日、1 个调休上班日（此前未载入）"]
    assert changes[0].is_new and len(changes[0].added) == 12 and changes[0].removed == ()
    # Hand-checked in tests/workdays/test_calendar.py::test_a_loaded_next_year_extends_the_count.
    assert current_calendar().add_working_days(date(2026, 12, 20), 20) == date(2027, 1, 18)
    stored = CalendarYear.objects.get(year=2027)
    assert stored.source == "测试通知〔2026〕1号" and stored.loaded_by is None
    assert stored.days.filter(type=DayType.HOLIDAY).count() == 11
    event = AuditEvent.objects.get(action="calendar.year_loaded")
    assert event.actor is None and event.object_id == str(stored.pk)
    assert event.details["year"] == 2027
    assert event.details["source"] == "测试通知〔2026〕1号"
    assert (event.details["holidays"], event.details["workdays"], event.details["previous"]) == (
        11,
        1,
        "none",
    )
    assert ["2027-02-20", "workday", "春节"] in event.details["added"]
    assert received == [{"signal": calendar_changed, "sender": CalendarYear, "years": [2027], "actor": None}]
    assert year_source(2027).startswith("测试通知〔2026〕1号（系统于")


@pytest.mark.django_db
def test_a_loaded_year_replaces_the_builtin_year_and_deleting_it_restores_it(
    received: list[dict[str, Any]],
) -> None:
    root = make_user("root", is_superuser=True)
    assert not current_calendar().is_working_day(date(2026, 10, 7))

    [change] = load_calendar(actor=root, rows=parse_calendar_csv(csv_2026_corrected()), source="更正")

    assert change.was_builtin and not change.was_stored
    assert [e.describe() for e in change.added] == ["2026-10-08 星期四 放假 国庆节"]
    assert [e.describe() for e in change.removed] == ["2026-10-07 星期三 放假 国庆节"]
    assert (
        change.summary() == "2026年：载入 33 个放假日、6 个调休上班日（替换内置日历：新增 1 项、移除 1 项）"
    )
    calendar = current_calendar()
    assert calendar.is_working_day(date(2026, 10, 7)) and not calendar.is_working_day(date(2026, 10, 8))
    event = AuditEvent.objects.get(action="calendar.year_loaded")
    assert event.actor == root
    assert event.details["previous"] == "builtin" and event.details["previous_source"] == builtin_source()
    assert event.details["added"] == [["2026-10-08", "holiday", "国庆节"]]
    assert event.details["removed"] == [["2026-10-07", "holiday", "国庆节"]]

    # Loading the same year again replaces the stored one.
    [again] = load_calendar(actor=root, rows=parse_calendar_csv(csv_2026_corrected()), source="再次更正")
    assert again.was_stored and again.unchanged
    assert again.summary().endswith("（替换此前载入的日历：没有变化）")
    assert CalendarYear.objects.get(year=2026).revision == 2
    assert CalendarDay.objects.count() == 39

    deleted = delete_year(actor=root, year=2026)
    assert deleted.summary() == "2026年：已删除载入的日历，恢复内置日历（新增 1 项、移除 1 项）"
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()
    assert not current_calendar().is_working_day(date(2026, 10, 7))
    event = AuditEvent.objects.get(action="calendar.year_deleted")
    assert event.details["source"] == "再次更正" and event.details["now"] == "builtin"
    assert [call["years"] for call in received] == [[2026], [2026], [2026]]
    assert year_source(2026) == f"内置：{builtin_source()}"


@pytest.mark.django_db
def test_a_file_with_several_years_loads_each() -> None:
    text = CSV_2027 + "2028-01-01,holiday,元旦\n"
    changes = load_calendar(actor=None, rows=parse_calendar_csv(text), source="x")
    assert [c.year for c in changes] == [2027, 2028]
    assert changes[1].warnings and "2028年只有 1 个放假日" in changes[1].warnings[0]
    assert current_calendar().loaded_years >= {2027, 2028}


@pytest.mark.django_db
def test_preview_writes_nothing() -> None:
    [change] = preview_load(rows=parse_calendar_csv(CSV_2027), source="x")
    assert change.is_new and change.holidays == 11
    assert not CalendarYear.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_receiver_sees_the_new_calendar_and_the_audit_event_in_the_same_transaction() -> None:
    seen: list[tuple[date, int]] = []

    def receiver(*, years: list[int], actor: Any, **kwargs: Any) -> None:
        due = current_calendar().add_working_days(date(2026, 12, 20), 20)
        seen.append((due, AuditEvent.objects.filter(action="calendar.year_loaded").count()))

    calendar_changed.connect(receiver, dispatch_uid="test-sees")
    try:
        load_calendar(actor=None, rows=parse_calendar_csv(CSV_2027), source="x")
    finally:
        calendar_changed.disconnect(dispatch_uid="test-sees")
    assert seen == [(date(2027, 1, 18), 1)]


@pytest.mark.django_db
def test_an_exception_in_a_receiver_rolls_everything_back() -> None:
    def receiver(**kwargs: Any) -> None:
        raise CalendarNotLoaded(2028)

    root = make_user("root", is_superuser=True)
    calendar_changed.connect(receiver, dispatch_uid="test-fails")
    try:
        with pytest.raises(CalendarNotLoaded):
            load_calendar(actor=None, rows=parse_calendar_csv(CSV_2027), source="x")
        with pytest.raises(CalendarNotLoaded):
            load_calendar(actor=root, rows=parse_calendar_csv(csv_2026_corrected()), source="x")
    finally:
        calendar_changed.disconnect(dispatch_uid="test-fails")
    assert not CalendarYear.objects.exists()
    assert not CalendarDay.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()
    assert 2027 not in current_calendar().loaded_years
    assert current_calendar().is_working_day(date(2026, 10, 8))


@pytest.mark.django_db
def test_invalid_rows_and_an_empty_source_are_refused_before_anything_is_written() -> None:
    rows = [
        CalendarRow(date(2027, 1, 4), "workday", "元旦"),
        CalendarRow(date(2027, 1, 4), "holiday", "元旦"),
    ]
    with pytest.raises(CalendarFileError) as info:
        load_calendar(actor=None, rows=rows, source="x")
    assert info.value.errors == [
        "2027-01-04 是星期一，本来就是工作日；workday（调休上班）只用于被调成上班的周六或周日。",
        "日期 2027-01-04 重复。",
    ]
    with pytest.raises(CalendarFileError, match="请填写依据"):
        load_calendar(actor=None, rows=parse_calendar_csv(CSV_2027), source="  ")
    with pytest.raises(CalendarFileError, match="没有任何日期"):
        load_calendar(actor=None, rows=[], source="x")
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_deleting_a_year_that_is_not_stored_fails() -> None:
    with pytest.raises(CalendarYear.DoesNotExist):
        delete_year(actor=None, year=2026)


@pytest.mark.django_db
def test_deleting_a_year_without_builtin_data_leaves_it_unloaded() -> None:
    load_calendar(actor=None, rows=parse_calendar_csv(CSV_2027), source="x")
    change = delete_year(actor=None, year=2027)
    assert change.summary() == "2027年：已删除载入的日历，该年日历现已未载入"
    assert len(change.removed) == 12
    assert year_info(2027) is None
    assert year_source(2027) == "未载入"


# --- Permission -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_superusers_may_change_the_calendar(tree: Tree) -> None:
    rows = parse_calendar_csv(CSV_2027)
    officer = make_user("officer")
    add_membership(actor=None, user=officer, agency=tree.county_a, role=Role.SUPERVISOR)
    nobody = make_user("nobody", is_staff=True)
    inactive_root = make_user("inactive", is_active=False, is_superuser=True)
    # An agency's administrator may not: the calendar moves every agency's deadlines.
    administrator = make_user("administrator")
    add_membership(actor=None, user=administrator, agency=tree.town_a1, role=Role.ADMINISTRATOR)
    for user in (officer, nobody, inactive_root, administrator):
        assert not can_manage_calendar(user)
        with pytest.raises(PermissionDenied, match="只有超级管理员可以修改工作日历"):
            load_calendar(actor=user, rows=rows, source="x")
    assert not CalendarYear.objects.exists()

    root = make_user("root", is_superuser=True)
    assert can_manage_calendar(root)
    load_calendar(actor=root, rows=rows, source="x")
    with pytest.raises(PermissionDenied):
        delete_year(actor=administrator, year=2027)
    delete_year(actor=root, year=2027)
    assert not CalendarYear.objects.exists()


# --- The per-process cache --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_cache_costs_one_query_and_sees_writes_made_elsewhere() -> None:
    first = current_calendar()
    with CaptureQueriesContext(connection) as queries:
        assert current_calendar() is first
    assert len(queries) == 1

    # Another process writes the table directly: the next call sees the new year at once.
    year = CalendarYear.objects.create(year=2027, source="elsewhere")
    CalendarDay.objects.create(calendar_year=year, date=date(2027, 1, 4), type="holiday", name="测试")
    assert not current_calendar().is_working_day(date(2027, 1, 4))

    # ... and a replacement of the same year (same count, same id) through its revision.
    CalendarDay.objects.filter(calendar_year=year).delete()
    CalendarYear.objects.filter(pk=year.pk).update(revision=2)
    assert current_calendar().is_working_day(date(2027, 1, 4))

    year.delete()
    assert 2027 not in current_calendar().loaded_years


@pytest.mark.django_db
def test_models_and_migrations_are_in_step() -> None:
    out = StringIO()
    call_command("makemigrations", "workdays", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
