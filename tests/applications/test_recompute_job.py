"""Re-dating the open cases after a calendar change runs as a job (``applications.recompute_open_cases``).

A person's load (the calendar page) starts ONE job when it commits and answers at once: until the job has
run the cases keep their old due dates, and the calendar page says so with a link to the job and its
progress. The job is idempotent (run twice: the same dates, nothing logged twice), and of two loads in a
row the later calendar wins whichever job runs last (each case is re-dated on the calendar in force when
the job reaches it). ``gongkai calendar load`` (the system) still re-dates at once.

Pinned: "today" is 2026-12-10; 2027 is not loaded before the test loads a fictional one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application, EventKind
from gongkai.jobs.models import Job, JobStatus
from gongkai.jobs.permissions import can_view
from gongkai.workdays.models import CalendarYear
from gongkai.workdays.services import CalendarRow, load_calendar
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import CaseMaker, Staff

D = datetime.date
RECEIVED = D(2026, 12, 10)
# 2026-12-10 (Thu): 12/11(1) 12/14–18(2–6) 12/21–25(7–11) 12/28–31(12–15); 1/1 元旦; 1/4–1/8(16–20).
DUE_WITH_NEW_YEAR_ONLY = D(2027, 1, 8)
KIND = services.RECOMPUTE_JOB


def year_2027(*extra_holidays: datetime.date) -> list[CalendarRow]:
    """A TEST 2027 (not the real notice): 元旦 1/1–1/3 and a spring holiday, plus ``extra_holidays``."""
    rows = [CalendarRow(D(2027, 1, day), "holiday", "元旦") for day in (1, 2, 3)]
    rows += [CalendarRow(D(2027, 2, day), "holiday", "春节") for day in range(5, 12)]
    rows += [CalendarRow(day, "holiday", "测试假日") for day in extra_holidays]
    return rows


@pytest.fixture
def cases(
    staff: Staff, make_case: CaseMaker, pin_today: Callable[[datetime.date], None]
) -> list[Application]:
    CalendarYear.objects.filter(year__gte=2027).delete()
    if 2027 in current_calendar().loaded_years:  # pragma: no cover - a chinesecalendar with 2027 data
        pytest.skip("2027 is built in")
    pin_today(RECEIVED)
    made = [make_case(arrived_on=RECEIVED, serial=n) for n in (1, 2)]
    made.append(make_case(arrived_on=RECEIVED, agency=staff.other_agency, actor=staff.other_officer))
    return made


def due_dates(cases: list[Application]) -> set[datetime.date | None]:
    return set(Application.objects.filter(pk__in=[c.pk for c in cases]).values_list("due_date", flat=True))


def recomputed(cases: list[Application]) -> list[tuple[int, Any]]:
    """(case, new due date) of every re-dating logged on ``cases``."""
    return sorted(
        (event.application_id, event.data["new_due_date"])
        for case in cases
        for event in case.events.filter(kind=EventKind.DUE_DATE_RECOMPUTED)
    )


def load(actor: Any, rows: list[CalendarRow], *, run: bool = True) -> list[Callable[[], None]]:
    """Load ``rows`` as ``actor``; the callbacks run on commit (the job's enqueueing) are returned, and
    executed when ``run``."""
    with TestCase.captureOnCommitCallbacks(execute=run) as callbacks:
        load_calendar(actor=actor, rows=rows, source="测试用2027年日历（非国务院办公厅通知）")
    return list(callbacks)


def test_a_load_starts_one_job_and_the_cases_keep_their_old_dates_until_it_ran(
    staff: Staff, cases: list[Application]
) -> None:
    assert due_dates(cases) == {DUE_WITH_NEW_YEAR_ONLY}
    callbacks = load(staff.superuser, year_2027(D(2027, 1, 4)), run=False)
    job = Job.objects.get(kind=KIND)
    assert job.params == {"years": [2027], "cases": 3}
    # The load answered; nothing has been re-dated yet.
    assert due_dates(cases) == {DUE_WITH_NEW_YEAR_ONLY}
    assert not recomputed(cases)
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert due_dates(cases) == {D(2027, 1, 11)}  # 1/4 is now a holiday: one working day later
    assert len(recomputed(cases)) == 3
    assert Job.objects.filter(kind=KIND).count() == 1


def test_the_calendar_page_links_to_the_job_while_it_runs(staff: Staff, cases: list[Application]) -> None:
    client = Client()
    client.force_login(staff.superuser)
    callbacks = load(staff.superuser, year_2027(D(2027, 1, 4)), run=False)
    job = Job.objects.get(kind=KIND)
    html = client.get(reverse("admin:workdays_calendaryear_changelist")).content.decode()
    assert "正在重新计算 3 件在办申请的期限" in html
    assert job.get_absolute_url() in html
    assert "仍是按原日历计算的期限" in html
    for callback in callbacks:
        callback()
    html = client.get(reverse("admin:workdays_calendaryear_changelist")).content.decode()
    assert "正在重新计算" not in html


def test_recomputing_twice_gives_the_same_dates_and_logs_nothing_new(
    staff: Staff, cases: list[Application]
) -> None:
    load(staff.superuser, year_2027(D(2027, 1, 4)))
    assert due_dates(cases) == {D(2027, 1, 11)}
    logged = recomputed(cases)
    again = services.start_recompute(years=[2027], actor=None)  # the system runs it at once
    again.refresh_from_db()
    assert again.status == JobStatus.SUCCEEDED
    assert again.result == {"cases": 3, "changed": 0, "timed": 0, "next_url": "/cases/"}
    assert due_dates(cases) == {D(2027, 1, 11)}
    assert recomputed(cases) == logged


@pytest.mark.parametrize("order", ["first job first", "second job first"])
def test_two_quick_loads_end_with_the_latest_calendar(
    staff: Staff, cases: list[Application], order: str
) -> None:
    first = load(staff.superuser, year_2027(D(2027, 1, 4)), run=False)
    second = load(staff.superuser, year_2027(D(2027, 1, 5), D(2027, 1, 6)), run=False)
    assert Job.objects.filter(kind=KIND).count() == 2
    for callback in first + second if order == "first job first" else second + first:
        callback()
    # The second calendar (1/5 and 1/6 off, 1/4 a working day again): two working days later.
    assert due_dates(cases) == {D(2027, 1, 12)}
    assert set(Job.objects.filter(kind=KIND).values_list("status", flat=True)) == {JobStatus.SUCCEEDED}


def test_the_command_re_dates_at_once(staff: Staff, cases: list[Application]) -> None:
    load_calendar(actor=None, rows=year_2027(D(2027, 1, 4)), source="测试")  # no on-commit callback run
    assert due_dates(cases) == {D(2027, 1, 11)}


def test_only_the_one_who_loaded_and_superusers_follow_the_job(
    staff: Staff, cases: list[Application]
) -> None:
    load(staff.superuser, year_2027(D(2027, 1, 4)), run=False)
    job = Job.objects.get(kind=KIND)
    assert can_view(staff.superuser, job)
    for person in (staff.officer, staff.supervisor, staff.head):
        assert not can_view(person, job)
    client = Client()
    client.force_login(staff.officer)
    assert client.get(reverse("admin:workdays_calendaryear_changelist")).status_code in (302, 403)
