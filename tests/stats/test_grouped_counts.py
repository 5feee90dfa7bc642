"""The statistics as grouped counts (issue 13, a province's 200,000 cases a year): the same figures as the
clock case by case, a fixed number of queries whatever the number of agencies, and the first answer's
timing kept on the case through the services, the migration that timed the cases stored before it, and a
calendar change."""

from __future__ import annotations

import dataclasses
import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from gongkai.applications import clock, timing
from gongkai.applications.models import Application, Status
from gongkai.applications.selectors import event_records, situation_of, timing_of
from gongkai.stats import selectors
from gongkai.stats.figures import CaseRow, Figures, fold
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.services import CalendarRow, load_calendar
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import Staff
from tests.stats.conftest import Ledger

pytestmark = pytest.mark.django_db

D = datetime.date
TIMING = ("counted_timing", "counted_working_days", "counted_on_time")


def case_row(application: Application, calendar: WorkCalendar, today: datetime.date) -> CaseRow:
    """One case as the figures need it, told by the clock from its events (as the statistics were made
    before the timing was kept on the case)."""
    records = event_records(application)
    told = timing_of(application, records, calendar)
    overdue = False
    unknown = told.state == timing.UNKNOWN
    try:
        if application.status == Status.OPEN:
            state = clock.compute(situation_of(application, records).facts, calendar, today).state
            overdue = state == clock.ClockState.OVERDUE
    except (CalendarNotLoaded, clock.ClockError):
        unknown = True
    return CaseRow(
        channel=application.channel,
        applicant_type=application.applicant_type,
        receipt_date=application.receipt_date,
        counted_answer_on=application.counted_answer_on,
        counted_outcome=application.counted_outcome,
        working_days=told.working_days,
        on_time=told.on_time,
        overdue_now=overdue,
        clock_unknown=unknown,
    )


def case_by_case(agency_id: int, year: int, today: datetime.date) -> Figures:
    """The figures as they were made before: every case of the agency read and told by the clock."""
    calendar = current_calendar()
    cases = Application.objects.filter(agency_id=agency_id).order_by("pk")
    return fold(year, [case_row(case, calendar, today) for case in cases])


def stored_timing() -> dict[int, tuple[object, ...]]:
    return {row[0]: row[1:] for row in Application.objects.values_list("pk", *TIMING)}


@pytest.mark.parametrize("day", [D(2025, 12, 31), D(2025, 12, 1), D(2025, 4, 9)])
def test_the_grouped_counts_are_the_clock_case_by_case(
    staff: Staff, ledger: Ledger, day: datetime.date
) -> None:
    agencies = [staff.agency, staff.other_agency]
    figures = selectors.figures_by_agency(agencies, 2025, today=day)
    for agency in agencies:
        assert figures[agency.pk] == case_by_case(agency.pk, 2025, day), agency
    assert figures[staff.agency.pk].median_days == 21.5  # the ledger's own figures (conftest)
    assert (figures[staff.agency.pk].on_time, figures[staff.agency.pk].late) == (3, 1)


def test_without_breakdowns_the_same_figures_less_the_counts_by_kind(staff: Staff, ledger: Ledger) -> None:
    agencies = [staff.agency, staff.other_agency]
    full = selectors.figures_by_agency(agencies, 2025, today=ledger.today)
    table = selectors.figures_by_agency(agencies, 2025, today=ledger.today, breakdowns=False)
    for agency in agencies:
        expected = dataclasses.replace(full[agency.pk], by_channel={}, by_applicant_type={}, by_outcome={})
        assert table[agency.pk] == expected
    assert table[staff.agency.pk].answered == 5  # the withdrawal counted, not timed
    assert table[staff.agency.pk].timed == 4


def test_answers_not_timed_yet_are_timed_from_their_events(staff: Staff, ledger: Ledger) -> None:
    before = selectors.figures_by_agency([staff.agency, staff.other_agency], 2025, today=ledger.today)
    Application.objects.update(
        counted_timing=timing.NOT_COMPUTED, counted_working_days=None, counted_on_time=None
    )
    after = selectors.figures_by_agency([staff.agency, staff.other_agency], 2025, today=ledger.today)
    assert after == before
    assert after[staff.agency.pk].timed == 4


def test_the_queries_do_not_grow_with_the_agencies(staff: Staff, ledger: Ledger) -> None:
    def queries(agencies: list[object]) -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.figures_by_agency(agencies, 2025, today=ledger.today)  # type: ignore[arg-type]
        return len(captured)

    one = queries([staff.agency])
    assert one == queries([staff.agency, staff.other_agency]) <= 6


def test_the_services_keep_the_first_answer_timing(staff: Staff, ledger: Ledger) -> None:
    a, c, e, f = (ledger.cases[key] for key in "ACEF")
    assert (a.counted_timing, a.counted_working_days, a.counted_on_time) == (timing.KNOWN, 9, True)
    assert (c.counted_timing, c.counted_working_days, c.counted_on_time) == (timing.KNOWN, 25, False)
    assert (e.counted_timing, e.counted_working_days, e.counted_on_time) == (
        timing.KNOWN,
        None,
        None,
    )  # withdrawn
    assert (f.counted_timing, f.counted_working_days) == (timing.KNOWN, None)  # still open


def test_the_migration_times_the_cases_stored_before_it(staff: Staff, ledger: Ledger) -> None:
    kept = stored_timing()
    Application.objects.update(
        counted_timing=timing.NOT_COMPUTED, counted_working_days=None, counted_on_time=None
    )
    migration = importlib.import_module(
        "gongkai.applications.migrations.0015_first_answer_timing_kept_for_statistics"
    )
    migration.time_answered_cases(django_apps, None)
    answered = set(Application.objects.filter(counted_answer_on__isnull=False).values_list("pk", flat=True))
    assert {pk: t for pk, t in stored_timing().items() if pk in answered} == {
        pk: t for pk, t in kept.items() if pk in answered
    }


def test_a_calendar_change_times_the_answered_cases_again(staff: Staff, ledger: Ledger) -> None:
    """A stored 2025 with one more holiday on Wednesday 12 March (a TEST calendar, not the notice):
    case A (3–14 March) took 8 working days, not 9, and every answer's timing is the new clock's."""
    calendar = current_calendar()
    rows = [
        CalendarRow(day, "holiday" if day.weekday() < 5 else "workday", "测试")
        for day in (D(2025, 1, 1) + datetime.timedelta(days=n) for n in range(365))
        if (day.weekday() < 5) != calendar.is_working_day(day)
    ]
    rows.append(CalendarRow(D(2025, 3, 12), "holiday", "测试假日"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        load_calendar(actor=None, rows=rows, source="测试用2025年日历（非国务院办公厅通知）")
    a = Application.objects.get(pk=ledger.cases["A"].pk)
    assert (a.counted_working_days, a.counted_on_time) == (8, True)
    new = current_calendar()
    for case in Application.objects.filter(counted_answer_on__isnull=False):
        expected = timing_of(case, event_records(case), new)
        assert (case.counted_timing, case.counted_working_days, case.counted_on_time) == (
            expected.state,
            expected.working_days,
            expected.on_time,
        ), case.pk
    figures = selectors.figures_by_agency([staff.agency], 2025, today=ledger.today)[staff.agency.pk]
    assert figures == case_by_case(staff.agency.pk, 2025, ledger.today)


def test_the_seat_table_made_in_python_escapes_names_and_writes_numbers_as_before() -> None:
    from gongkai.agencies.models import Agency
    from gongkai.stats import presenters
    from gongkai.stats.figures import Figures

    agency = Agency(name="<b>甲局</b>", short_code="jia")
    figures = Figures(year=2025, received=7, on_time=3, late=1, median_days=21.5, p90_days=26)
    row = presenters.table_row(agency, figures)
    html = str(presenters.table_body([(agency, row)], 2025))
    assert html == (
        '<tr><th scope="row"><a href="/stats/jia/?year=2025">&lt;b&gt;甲局&lt;/b&gt;</a></th>'
        + "".join(f'<td class="cases-num">{v}</td>' for v in ["7", "0", "3", "1", "75.0", "21.5", "26", "0"])
        + "</tr>"
    )
    svg = str(presenters.chart_svg(presenters.chart_bars([(agency, figures)])))
    assert "<title>&lt;b&gt;甲局&lt;/b&gt; 75.0%</title>" in svg and 'width="300.0"' in svg
