"""Reads of a case: its events, its situation on the timeline, its clock, the steps allowed now.

No writes here: the steps that change a case are in :mod:`gongkai.applications.services`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Sum
from django.utils import timezone

from gongkai.applications import clock as clock_module
from gongkai.applications import timeline
from gongkai.applications.clock import Clock
from gongkai.applications.models import (
    Application,
)
from gongkai.workdays.calendar import WorkCalendar
from gongkai.workdays.store import current_calendar


def event_records(application: Application) -> list[timeline.EventRecord]:
    # .all() (sorted here, not in SQL) so that a prefetch_related("events") is used.
    events = sorted(application.events.all(), key=lambda e: e.seq)
    return [timeline.EventRecord(e.seq, e.kind, e.occurred_on, e.data) for e in events]


def situation_of(
    application: Application, events: Iterable[timeline.EventRecord] | None = None
) -> timeline.Situation:
    return timeline.situation(
        application.channel,
        timezone.localdate(application.arrived_at),
        application.confirmed_on,
        event_records(application) if events is None else events,
    )


def clock_of(
    application: Application,
    *,
    today: datetime.date | None = None,
    calendar: WorkCalendar | None = None,
    events: Iterable[timeline.EventRecord] | None = None,
) -> Clock:
    """The case's clock as of ``today``. Raises ``CalendarNotLoaded`` for a year with no calendar."""
    s = situation_of(application, events)
    return clock_module.compute(s.facts, calendar or current_calendar(), today or timezone.localdate())


def allowed_actions(application: Application, today: datetime.date | None = None) -> tuple[str, ...]:
    s = situation_of(application)
    return timeline.allowed_actions(s, today or timezone.localdate(), receipt_date=application.receipt_date)


def earlier_pieces_this_month(application: Application) -> int:
    """Pieces of the same applicant received by the same agency earlier in the same natural month."""
    receipt = application.receipt_date
    if receipt is None:
        return 0
    month_start = receipt.replace(day=1)
    earlier = (
        Application.objects.filter(
            agency_id=application.agency_id,
            id_number=application.id_number,
            receipt_date__gte=month_start,
            receipt_date__lte=receipt,
        )
        .exclude(pk=application.pk)
        .exclude(receipt_date=receipt, pk__gt=application.pk)
        .aggregate(total=Sum("pieces"))["total"]
    )
    return int(earlier or 0)
