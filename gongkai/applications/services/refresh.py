"""Keep a case's cached columns in step with its events, and bring many cases up to date at once:
cases whose pause runs (the daily ``gongkai remind``) and open cases after a calendar change.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from gongkai.applications import clock as clock_module
from gongkai.applications import timeline
from gongkai.applications.clock import Clock
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, EventKind, Status
from gongkai.applications.selectors import event_records, situation_of, timing_of
from gongkai.applications.services.common import append_event
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.core.i18n import render_error
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.store import current_calendar

#: The first answer's timing kept on the case (:mod:`gongkai.applications.timing`).
TIMING_FIELDS = ("counted_timing", "counted_working_days", "counted_on_time")


def _set_timing(
    application: Application, records: list[timeline.EventRecord], calendar: WorkCalendar
) -> None:
    timing = timing_of(application, records, calendar)
    application.counted_timing = timing.state
    application.counted_working_days = timing.working_days
    application.counted_on_time = timing.on_time


def refresh(
    application: Application, *, calendar: WorkCalendar | None = None, today: datetime.date | None = None
) -> Clock | None:
    """Recompute the cached columns of ``application`` from its events and save them.

    Returns the clock, or ``None`` when it cannot be computed (the reason is kept in
    ``clock_problem``, e.g. a year whose calendar is not loaded). While a pause runs, the cached due
    date is the one that holds if the pause ends today; ``paused_since`` says so, and the daily
    ``gongkai remind`` refreshes such cases (:func:`refresh_paused_cases`).
    """
    calendar = calendar or current_calendar()
    records = event_records(application)
    try:
        s = situation_of(application, records)
        receipt, _rule = clock_module.receipt_date(s.facts)
    except clock_module.ClockError as exc:
        raise CaseError(render_error(exc), code="inconsistent_dates") from exc
    application.receipt_date = receipt
    application.status = Status.CLOSED if s.closed else Status.OPEN
    application.outcome = s.outcome
    application.answered_on = s.facts.answered_on
    application.counted_answer_on = s.first_answered_on
    application.counted_outcome = s.first_outcome
    application.waiting_on = s.waiting_on
    _set_timing(application, records, calendar)
    running = [p.start for p in s.facts.pauses if p.end is None] if not s.closed else []
    result: Clock | None
    try:
        result = clock_module.compute(s.facts, calendar, today or timezone.localdate())
    except CalendarNotLoaded as exc:
        application.due_date = None
        application.due_date_provisional = False
        application.clock_problem = str(exc)[:300]
        result = None
    except clock_module.ClockError as exc:
        raise CaseError(render_error(exc), code="inconsistent_dates") from exc
    else:
        application.due_date = result.due_date
        application.due_date_provisional = result.provisional
        application.clock_problem = ""
    # The due date moves only while a pause runs within its own period (the clock says PAUSED).
    still_paused = result is None or result.state == clock_module.ClockState.PAUSED
    application.paused_since = min(running) if running and still_paused else None
    application.save(
        update_fields=[
            "receipt_date",
            "status",
            "outcome",
            "answered_on",
            "counted_answer_on",
            "counted_outcome",
            *TIMING_FIELDS,
            "waiting_on",
            "paused_since",
            "due_date",
            "due_date_provisional",
            "clock_problem",
            "updated_at",
        ]
    )
    return result


def refresh_paused_cases(*, today: datetime.date | None = None) -> int:
    """Bring the cached due dates of open cases with a running pause up to today; returns how many moved."""
    calendar = current_calendar()
    moved = 0
    with transaction.atomic():
        for application in (
            Application.objects.filter(status=Status.OPEN, paused_since__isnull=False)
            .select_for_update()
            .order_by("pk")
        ):
            before = application.due_date
            refresh(application, calendar=calendar, today=today)
            moved += application.due_date != before
    return moved


def cases_to_retime(years: Iterable[int]) -> QuerySet[Application]:
    """The closed cases whose first answer's timing a change of ``years`` may alter: those first answered
    on or after 1 January of the first changed year (the days counted lie between receipt and answer)."""
    years_list = sorted(set(years))
    if not years_list:
        return Application.objects.none()
    return Application.objects.filter(
        status=Status.CLOSED, counted_answer_on__gte=datetime.date(years_list[0], 1, 1)
    )


#: Cases timed per read of their events (one query for the cases, one for their events, one update).
RETIME_BATCH = 2000


def retime_cases(cases: QuerySet[Application], *, calendar: WorkCalendar | None = None) -> int:
    """Recompute the first answer's timing of ``cases`` on the calendar in force (``calendar``: the current
    one); returns how many were timed. Nothing else of the case changes and nothing is logged: the timing is
    a reading of the events, as the due date of a closed case is. Idempotent.

    Each batch is locked first and the calendar (without ``calendar``) read after, as :func:`recompute_cases`
    does: an officer's change of a case meanwhile (which times it in its own transaction) is waited for and
    then read, never overwritten by timing made from older events; two calendar loads in a row end on the
    latest, whichever job ends last."""
    timed = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                cases.filter(pk__gt=last)
                .order_by("pk")
                .select_for_update()
                .only("id", "channel", "arrived_at", "confirmed_on")
                .prefetch_related("events")[:RETIME_BATCH]
            )
            if not batch:
                return timed
            in_force = calendar or current_calendar()  # after the locks: see above
            for application in batch:
                _set_timing(application, event_records(application), in_force)
            Application.objects.bulk_update(batch, TIMING_FIELDS)
        timed += len(batch)
        last = batch[-1].pk


#: The job that re-dates the open cases after a calendar change (:mod:`gongkai.applications.jobs`).
RECOMPUTE_JOB = "applications.recompute_open_cases"


def cases_to_recompute(years: Iterable[int]) -> QuerySet[Application]:
    """The open cases whose due date a change of ``years`` may move (a due date before the first changed
    year was fixed by days that did not change)."""
    years_list = sorted(set(years))
    first_day = datetime.date(years_list[0], 1, 1) if years_list else datetime.date.min
    return Application.objects.filter(status=Status.OPEN).filter(
        Q(due_date__isnull=True)
        | Q(due_date__gte=first_day)
        | Q(paused_since__isnull=False)
        | Q(due_date_provisional=True)
    )


def start_recompute(*, years: Iterable[int], actor: Actor = None) -> Job:
    """Start the job re-dating the open cases after ``years`` changed (enqueued when the caller's
    transaction commits). The system (``actor`` None: the ``gongkai calendar`` command) runs it at once."""
    years_list = sorted(set(years))
    cases = cases_to_recompute(years_list).count()
    return jobs.start(
        RECOMPUTE_JOB,
        actor=user_of(actor),
        agency=None,
        params={"years": years_list, "cases": cases},
        title=gettext("工作日历变更（%(years)s年），重新计算 %(n)s 件在办申请的期限")
        % {"years": "、".join(str(y) for y in years_list), "n": cases},
        run_now=actor is None,
    )


def recompute_cases(pks: Iterable[int], *, years: Iterable[int], actor: Actor = None) -> int:
    """Re-date the open cases ``pks`` on the calendar in force NOW, logging each change on its case; returns
    how many changed (due date, problem, or whether it is provisional). Runs inside the caller's transaction.

    The cases are locked first and the calendar is read after: a job started before a later load that
    reaches these cases after that load committed re-dates them on the later calendar, and a job of the
    later load that reaches them first is waited for (its lock), so two loads in a row end on the latest
    calendar whichever job ends last. A case closed meanwhile is left alone. Re-dating twice gives the same
    dates and logs nothing new.
    """
    years_list = sorted(set(years))
    applications = list(
        Application.objects.select_for_update()
        .filter(pk__in=list(pks), status=Status.OPEN)
        .order_by("pk")
        .prefetch_related("events")
    )
    calendar = current_calendar()  # after the locks: see above
    return sum(_redate(application, calendar, years_list, actor) for application in applications)


def _redate(application: Application, calendar: WorkCalendar, years: list[int], actor: Actor) -> bool:
    old_due, old_problem = application.due_date, application.clock_problem
    old_provisional = application.due_date_provisional
    refresh(application, calendar=calendar)
    if (
        application.due_date == old_due
        and application.clock_problem == old_problem
        and application.due_date_provisional == old_provisional
    ):
        return False
    append_event(
        application,
        EventKind.DUE_DATE_RECOMPUTED,
        timezone.localdate(),
        actor,
        {
            "years": years,
            "old_due_date": old_due.isoformat() if old_due else None,
            "new_due_date": application.due_date.isoformat() if application.due_date else None,
            "old_provisional": old_provisional,
            "new_provisional": application.due_date_provisional,
            "problem": application.clock_problem,
        },
    )
    record_audit(
        actor,
        "application.due_date_recomputed",
        application,
        years=years,
        old=old_due.isoformat() if old_due else None,
        new=application.due_date.isoformat() if application.due_date else None,
        old_provisional=old_provisional,
        new_provisional=application.due_date_provisional,
    )
    return True
