"""Reads for the statistics: each case of an agency as a plain :class:`~gongkai.stats.figures.CaseRow`,
its working days and timeliness told by the clock, folded into the year's figures.

The clock is asked, never re-implemented: the first answer's timeliness is the clock of the case's
events up to that answer (a case reopened after a reconsideration or a judgment is counted, as in the
annual report, by its first answer, D7), and "overdue now" is the clock's state on ``today``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Q
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.applications import clock, timeline
from gongkai.applications.models import Application, Status
from gongkai.applications.selectors import event_records, receipt_years, situation_of
from gongkai.stats.figures import CaseRow, Figures, fold
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.store import current_calendar

#: The events that end the answer period (the first one is what the statistics count, D7).
_ANSWER_KINDS = frozenset({"answered", "withdrawn"})


def _until_first_answer(events: Sequence[timeline.EventRecord]) -> list[timeline.EventRecord]:
    kept: list[timeline.EventRecord] = []
    for event in events:
        kept.append(event)
        if event.kind in _ANSWER_KINDS:
            break
    return kept


def case_row(application: Application, calendar: WorkCalendar, today: datetime.date) -> CaseRow:
    """One case as the figures need it, with what the clock says of it."""
    records = event_records(application)
    working_days: int | None = None
    on_time: bool | None = None
    overdue = unknown = False
    try:
        if application.counted_answer_on is not None and application.counted_outcome != "withdrawn":
            first = situation_of(application, _until_first_answer(records))
            taken = clock.working_days_taken(first.facts, calendar)
            if taken is not None:
                working_days, on_time = taken
        if application.status == Status.OPEN:
            state = clock.compute(situation_of(application, records).facts, calendar, today).state
            overdue = state == clock.ClockState.OVERDUE
    except (CalendarNotLoaded, clock.ClockError):
        # A year whose calendar is not loaded (or facts the clock refuses): counted, but not timed.
        unknown = True
    return CaseRow(
        channel=application.channel,
        applicant_type=application.applicant_type,
        receipt_date=application.receipt_date,
        counted_answer_on=application.counted_answer_on,
        counted_outcome=application.counted_outcome,
        working_days=working_days,
        on_time=on_time,
        overdue_now=overdue,
        clock_unknown=unknown,
    )


def _cases(agency_ids: Iterable[int], year: int) -> Iterable[Application]:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        Application.objects.filter(agency_id__in=list(agency_ids))
        .filter(
            Q(receipt_date__range=(start, end))
            | Q(counted_answer_on__range=(start, end))
            | Q(status=Status.OPEN)
        )
        .only(
            "id",
            "agency_id",
            "channel",
            "applicant_type",
            "arrived_at",
            "confirmed_on",
            "receipt_date",
            "status",
            "counted_answer_on",
            "counted_outcome",
        )
        .prefetch_related("events")
        .order_by("pk")
    )


def figures_by_agency(
    agencies: Sequence[Agency], year: int, *, today: datetime.date | None = None
) -> dict[int, Figures]:
    """The year's figures of each of ``agencies`` (by pk), open cases judged as of ``today``."""
    today = today or timezone.localdate()
    calendar = current_calendar()
    rows: dict[int, list[CaseRow]] = defaultdict(list)
    for application in _cases([a.pk for a in agencies], year):
        rows[application.agency_id].append(case_row(application, calendar, today))
    return {agency.pk: fold(year, rows.get(agency.pk, [])) for agency in agencies}


def agency_figures(agency: Agency, year: int, *, today: datetime.date | None = None) -> Figures:
    return figures_by_agency([agency], year, today=today)[agency.pk]


def years_of(agencies: Sequence[Agency], today: datetime.date) -> list[int]:
    """The years a year selector offers: this year and every receipt year of the agencies' cases."""
    found = receipt_years(Application.objects.filter(agency_id__in=[a.pk for a in agencies]))
    return sorted({today.year, *found}, reverse=True)


def subtree(seat: Agency) -> list[Agency]:
    """``seat`` and every agency below it, in tree order."""
    return list(Agency.objects.subtree_of(seat).order_by("path", "name"))
