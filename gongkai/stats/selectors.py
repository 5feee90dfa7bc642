"""Reads for the statistics: the year's figures of many agencies from a fixed number of grouped counts.

The clock is asked, never re-implemented: the first answer's working days and timeliness are the clock's
over the case's events up to that answer (a case reopened after a reconsideration or a judgment is counted,
as in the annual report, by its first answer, D7), kept on the case by the services
(:mod:`gongkai.applications.timing`); "overdue now" is the officer queue's overdue (the due date the
services keep, D6). The figures of a province were once made case by case in Python, each case told by
the clock from its events (200,000 cases a year: minutes); the tests hold the grouped counts to that.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import Case, Count, F, QuerySet, Value, When
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.applications.models import Application
from gongkai.applications.selectors import (
    STATE_OVERDUE,
    Thresholds,
    event_records,
    queue_filter,
    receipt_years,
    timing_of,
)
from gongkai.applications.timing import NOT_COMPUTED, UNKNOWN, WITHDRAWN
from gongkai.stats.figures import Figures, Tally
from gongkai.workdays.store import current_calendar


def figures_by_agency(
    agencies: Sequence[Agency],
    year: int,
    *,
    today: datetime.date | None = None,
    breakdowns: bool = True,
    among: QuerySet[Agency] | None = None,
) -> dict[int, Figures]:
    """The year's figures of each of ``agencies`` (by pk), open cases judged as of ``today``.

    A fixed number of grouped counts, whatever the number of agencies and cases: the cases received in the
    year by channel and applicant type; those first answered in the year by outcome, and by the working
    days and timeliness kept on the case (:mod:`gongkai.applications.timing`); the open cases overdue
    today as the officer's queue finds them (the due date, waiting state and pause the services keep,
    D6). Answers whose timing is not stored yet (cases from before applications 0015 not yet timed) are
    read with their events and timed here.

    ``breakdowns=False`` leaves ``by_channel``, ``by_applicant_type`` and ``by_outcome`` empty (the
    side-by-side table of a seat shows none of them): the database then returns a row per agency, and per
    agency and working-day count, not per channel, applicant type and outcome too — a third of the rows at
    2,000 agencies.

    ``among``: the same agencies as a query (a seat's subtree), which the database then reads itself, rather
    than 2,000 ids sent, and resolved by Django, as the parameters of every query.
    """
    today = today or timezone.localdate()
    ids = [a.pk for a in agencies]
    tallies = {pk: Tally(year) for pk in ids}
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    cases = Application.objects.filter(agency_id__in=ids if among is None else among.values("pk"))
    by_type = ("channel", "applicant_type") if breakdowns else ()
    received = cases.filter(receipt_date__range=(start, end))
    for agency_id, *kinds, n in received.values_list("agency_id", *by_type).annotate(n=Count("*")).order_by():
        tally = tallies[agency_id]
        tally.received += n
        if breakdowns:
            tally.channels[kinds[0]] += n
            tally.types[kinds[1]] += n
    answered = cases.filter(counted_answer_on__range=(start, end))
    outcome_of = (
        F("counted_outcome")
        if breakdowns
        # Only whether it is a withdrawal (counted as an answer, never timed).
        else Case(When(counted_outcome=WITHDRAWN, then=Value(WITHDRAWN)), default=Value(""))
    )
    untimed = False
    for agency_id, state, days, on_time, outcome, n in (
        answered.values_list("agency_id", "counted_timing", "counted_working_days", "counted_on_time")
        .annotate(outcome=outcome_of, n=Count("*"))
        .order_by()
    ):
        tally = tallies[agency_id]
        tally.outcomes[outcome] += n
        if outcome == WITHDRAWN:
            continue
        if state == NOT_COMPUTED:
            untimed = True
            continue
        tally.add_timing(days, on_time, unknown=state == UNKNOWN, n=n)
    if untimed:
        calendar = current_calendar()
        fields = ("id", "agency_id", "channel", "arrived_at", "confirmed_on")
        not_timed = answered.exclude(counted_outcome=WITHDRAWN).filter(counted_timing=NOT_COMPUTED)
        for application in not_timed.only(*fields).prefetch_related("events").iterator(chunk_size=2000):
            timing = timing_of(application, event_records(application), calendar)
            tally = tallies[application.agency_id]
            tally.add_timing(timing.working_days, timing.on_time, unknown=timing.state == UNKNOWN)
    overdue = queue_filter(cases, Thresholds.now(today), state=STATE_OVERDUE)
    for agency_id, n in overdue.values_list("agency_id").annotate(n=Count("*")).order_by():
        tallies[agency_id].overdue += n
    return {pk: tally.figures(breakdowns=breakdowns) for pk, tally in tallies.items()}


def agency_figures(agency: Agency, year: int, *, today: datetime.date | None = None) -> Figures:
    return figures_by_agency([agency], year, today=today)[agency.pk]


def years_of(agencies: Sequence[Agency], today: datetime.date) -> list[int]:
    """The years a year selector offers: this year and every receipt year of the agencies' cases."""
    found = receipt_years(Application.objects.filter(agency_id__in=[a.pk for a in agencies]))
    return sorted({today.year, *found}, reverse=True)


def subtree_query(seat: Agency) -> QuerySet[Agency]:
    """``seat`` and every agency below it, as a query."""
    return Agency.objects.subtree_of(seat)


def subtree(seat: Agency) -> list[Agency]:
    """``seat`` and every agency below it, in tree order."""
    return list(subtree_query(seat).order_by("path", "name"))
