"""Reads: a case's events, its situation on the timeline, its clock, the steps allowed now; the
agencies a user acts for or sees; the officer's queue of cases and the dates that decide its states.

No writes here: the steps that change a case are in :mod:`gongkai.applications.services`.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import ANSWER_APPROVERS, EXTENSION_APPROVERS, Seats, seats_of
from gongkai.applications import clock as clock_module
from gongkai.applications import codes, permissions, timeline
from gongkai.applications.clock import Clock, due_soon_before
from gongkai.applications.models import (
    Application,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    CaseAttachment,
    EventKind,
    Letter,
    LetterDelivery,
    Status,
)
from gongkai.applications.timing import Timing, first_answer_timing
from gongkai.applications.validators import compact_id
from gongkai.core.fields import lookup_digest
from gongkai.letters.kinds import LetterKind
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
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


def timing_of(
    application: Application, events: Sequence[timeline.EventRecord], calendar: WorkCalendar
) -> Timing:
    """The first answer's working days and timeliness of ``application`` over ``events`` (its records, as
    :func:`event_records` reads them), :func:`gongkai.applications.timing.first_answer_timing`."""
    return first_answer_timing(
        application.channel,
        timezone.localdate(application.arrived_at),
        application.confirmed_on,
        events,
        calendar,
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


def receipt_facts_correctable(application: Application) -> bool:
    """Whether 更正 may change the channel, arrival and confirmation: not for an online submission,
    whose facts the system recorded itself (D2)."""
    if application.channel == clock_module.Channel.ONLINE:
        return False
    return not application.events.filter(kind=EventKind.SUBMITTED_ONLINE).exists()


def earlier_pieces_this_month(application: Application) -> int:
    """Pieces of the same applicant received by the same agency earlier in the same natural month."""
    receipt = application.receipt_date
    if receipt is None:
        return 0
    month_start = receipt.replace(day=1)
    earlier = (
        Application.objects.filter(
            agency_id=application.agency_id,
            id_number_digest=application.id_number_digest,
            receipt_date__gte=month_start,
            receipt_date__lte=receipt,
        )
        .exclude(pk=application.pk)
        .exclude(receipt_date=receipt, pk__gt=application.pk)
        .aggregate(total=Sum("pieces"))["total"]
    )
    return int(earlier or 0)


# ---------------------------------------------------------------------------------------------
# Agencies and the officer's queue
# ---------------------------------------------------------------------------------------------

AnyUser = AbstractBaseUser | AnonymousUser

#: The queue's states (the filter form offers them).
STATE_OPEN = "open"
STATE_DUE_SOON = "due_soon"
STATE_OVERDUE = "overdue"
STATE_WAITING = "waiting"
STATE_CLOSED = "closed"
STATE_ALL = "all"
#: ``waiting_on`` values where the next move is the applicant's.
WAITING_ON_APPLICANT = ("confirmation", "correction", "payment")


def acting_agencies(user: AnyUser) -> QuerySet[Agency]:
    """Agencies where ``user`` may register and act on applications."""
    if user.is_authenticated and user.is_active and getattr(user, "is_superuser", False):
        return Agency.objects.all()
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    return Agency.objects.filter(
        memberships__user_id=user.pk, memberships__role__in=permissions.ACTING_ROLES
    ).distinct()


def listed_agencies(agencies: list[Agency] | None) -> list[Agency]:
    """``agencies`` as :func:`permissions.visible_agencies` gives them, listed: ``None`` (a superuser's) is
    every agency, read here (ids and names, in name order)."""
    return list(Agency.objects.only("id", "name")) if agencies is None else agencies


def may_register(user: AnyUser, seats: Seats) -> bool:
    """Whether ``user`` acts for some agency (:func:`acting_agencies` is not empty), from their seats."""
    if user.is_authenticated and user.is_active and getattr(user, "is_superuser", False):
        return True
    return bool(seats.agency_ids(permissions.ACTING_ROLES))


@dataclass(frozen=True)
class Thresholds:
    """The dates that decide "due soon" and "overdue" today (D6), computed once per request."""

    today: datetime.date
    calendar: WorkCalendar
    #: Due dates before this day have at most 5 working days left; ``None`` if the calendar lacks it.
    soon_before: datetime.date | None
    problem: str = ""

    @classmethod
    def now(cls, today: datetime.date | None = None) -> Thresholds:
        today = today or timezone.localdate()
        calendar = current_calendar()
        try:
            soon_before = due_soon_before(calendar, today)
        except CalendarNotLoaded as exc:
            return cls(today, calendar, None, str(exc))
        return cls(today, calendar, soon_before)

    def days_left(self, due: datetime.date) -> int | None:
        """Working days from today to ``due`` (negative when overdue), as in the clock."""
        try:
            if self.today <= due:
                return self.calendar.working_days_between(self.today, due)
            # Overdue by at least one, as in the clock (a rest day right after the due date).
            return -max(1, self.calendar.working_days_between(due, self.today))
        except CalendarNotLoaded:
            return None


def receipt_years(cases: QuerySet[Application]) -> list[int]:
    """The receipt years of ``cases``, latest first."""
    # The range of receipt years from two indexed aggregates, not a DISTINCT over every case.
    bounds = cases.aggregate(first=Min("receipt_date"), last=Max("receipt_date"))
    return list(range(bounds["last"].year, bounds["first"].year - 1, -1)) if bounds["first"] else []


#: What may be an identity number typed into the queue's search (5 to 30 letters or digits).
_IDENTITY_NUMBER = re.compile(r"^[0-9A-Z]{5,30}$")


def _queue_order(cases: QuerySet[Application], state: str) -> QuerySet[Application]:
    """The queue's order: closed cases by answer date, newest first; others by due date, undated last."""
    if state == STATE_CLOSED:
        return cases.order_by("-answered_on", "-pk")
    # Open cases first only where closed ones are listed too: the CASE ordering defeats the
    # (agency, status, due_date) index (every case of the agency was read and sorted for one page).
    by_due = (F("due_date").asc(nulls_last=True), F("receipt_date").asc(nulls_last=True), "pk")
    if state == STATE_ALL:
        return cases.order_by(Case(When(status=Status.OPEN, then=Value(0)), default=Value(1)), *by_due)
    return cases.order_by(*by_due)


def queue_cases(
    cases: QuerySet[Application],
    th: Thresholds,
    *,
    state: str = STATE_OPEN,
    agency: int | None = None,
    applicant_type: str = "",
    channel: str = "",
    year: int | None = None,
    q: str = "",
) -> QuerySet[Application]:
    """``cases`` in the queue's ``state``, filtered and ordered as the queue lists them."""
    filtered = queue_filter(
        cases, th, state=state, agency=agency, applicant_type=applicant_type, channel=channel, year=year, q=q
    )
    return queue_listing(filtered, state)


def queue_filter(
    cases: QuerySet[Application],
    th: Thresholds,
    *,
    state: str = STATE_OPEN,
    agency: int | None = None,
    applicant_type: str = "",
    channel: str = "",
    year: int | None = None,
    q: str = "",
) -> QuerySet[Application]:
    """``cases`` in the queue's ``state`` and filtered, nothing more: what the queue counts (a bare
    ``COUNT(*)``, without the listing's columns, join, order and flag to build and take apart again)."""
    if state == STATE_OPEN:
        cases = cases.filter(status=Status.OPEN)
    elif state == STATE_DUE_SOON:
        if th.soon_before is None:
            cases = cases.none()
        else:
            cases = cases.filter(
                status=Status.OPEN, waiting_on="", due_date__gte=th.today, due_date__lt=th.soon_before
            )
    elif state == STATE_OVERDUE:
        cases = cases.filter(
            Q(waiting_on="") | Q(paused_since__gte=F("due_date")), status=Status.OPEN, due_date__lt=th.today
        )
    elif state == STATE_WAITING:
        cases = cases.filter(status=Status.OPEN, waiting_on__in=WAITING_ON_APPLICANT)
    elif state == STATE_CLOSED:
        cases = cases.filter(status=Status.CLOSED)
    if agency:
        cases = cases.filter(agency_id=agency)
    if applicant_type:
        cases = cases.filter(applicant_type=applicant_type)
    if channel:
        cases = cases.filter(channel=channel)
    if year:
        cases = cases.filter(receipt_date__year=year)
    if q := (q or "").strip():
        search = Q(reference__icontains=q) | Q(applicant_name__icontains=q) | Q(description__icontains=q)
        code = codes.normalize_tracking_code(q)
        if code:
            search |= Q(tracking_code=code)
        if _IDENTITY_NUMBER.match(compact_id(q)):
            # The exact identity number, through its keyed digest (the number itself is encrypted).
            search |= Q(id_number_digest=lookup_digest(compact_id(q)))
        cases = cases.filter(search)
    return cases


#: What a row of the queue shows of a case (and of its agency).
QUEUE_COLUMNS = (
    "id",
    "reference",
    "applicant_name",
    "applicant_type",
    "description",
    "channel",
    "arrived_at",
    "receipt_date",
    "due_date",
    "due_date_provisional",
    "clock_problem",
    "waiting_on",
    "paused_since",
    "status",
    "outcome",
    "answered_on",
    "agency__id",
    "agency__name",
)


def queue_listing(cases: QuerySet[Application], state: str) -> QuerySet[Application]:
    """The cases of :func:`queue_filter` as the queue lists them: in its order, with the row's columns, the
    agency's name and whether a step waits for approval."""
    cases = _queue_order(cases, state)
    cases = cases.select_related("agency").only(*QUEUE_COLUMNS)
    # A step waiting for the head's approval (D15) is flagged in the queue; the clock keeps running.
    pending = Approval.objects.filter(application=OuterRef("pk"), status=ApprovalStatus.PENDING)
    return cases.annotate(pending_approval=Exists(pending))


@dataclass(frozen=True, slots=True)
class QueueCase:
    """What a row of the queue shows of a case (:data:`QUEUE_COLUMNS`, the agency's name, whether a step
    waits for approval), read as values: the page's 50 cases and their agencies are not built as model
    instances (issue 16: a third of reading the page)."""

    pk: int
    reference: str
    applicant_name: str
    applicant_type: str
    description: str
    channel: str
    arrived_at: datetime.datetime
    receipt_date: datetime.date | None
    due_date: datetime.date | None
    due_date_provisional: bool
    clock_problem: str
    waiting_on: str
    paused_since: datetime.date | None
    status: str
    outcome: str
    answered_on: datetime.date | None
    agency_id: int
    agency_name: str
    pending_approval: bool


def queue_page(cases: QuerySet[Application], state: str, start: int, stop: int) -> list[QueueCase]:
    """The cases ``start:stop`` of the queue: ``cases`` as :func:`queue_filter` made them, listed in
    ``state``'s order. One query, which finds the page's ids first (in the queue's order, along its index, no
    other column) and reads only those rows with their agency's name and pending approval: a deep page does
    not join and check every case before it, and the outer query is only ``id IN (…)`` (the filters are not
    built, compiled and checked twice)."""
    if stop <= start:
        return []
    ids = _queue_order(cases, state).values("pk")[start:stop]
    pending = Approval.objects.filter(application=OuterRef("pk"), status=ApprovalStatus.PENDING)
    rows = (
        _queue_order(Application.objects.filter(pk__in=ids), state)
        .annotate(agency_name=F("agency__name"), pending_approval=Exists(pending))
        .values_list(*_QUEUE_CASE_COLUMNS)
    )
    return [QueueCase(*row) for row in rows]


#: :class:`QueueCase`'s fields, in order: each is a column, a lookup or an annotation of the page's query.
_QUEUE_CASE_COLUMNS = tuple(field.name for field in dataclasses.fields(QueueCase))


def pending_approval(application: Application) -> Approval | None:
    """The step of ``application`` waiting for the head's approval (D15), if any."""
    return application.approvals.filter(status=ApprovalStatus.PENDING).first()


def last_returned(application: Application, kind: str) -> Approval | None:
    """The latest draft of ``kind`` the head returned, if nothing newer was submitted since."""
    latest = application.approvals.filter(kind=kind).order_by("-submitted_at", "-pk").first()
    return latest if latest is not None and latest.status == ApprovalStatus.RETURNED else None


def approvals_awaiting(user: AnyUser, seats: Seats | None = None) -> QuerySet[Approval]:
    """The pending approvals ``user`` may decide: where they hold an approver role; never their own.
    No query but the approvals' when none is possible (the user's ``seats`` given, or read first)."""
    if not user.is_authenticated or not user.is_active:
        return Approval.objects.none()
    pending = Approval.objects.filter(status=ApprovalStatus.PENDING).exclude(submitted_by_id=user.pk)
    # The user's agencies are read first (a few rows), so the approvals are found through the pending
    # approvals' partial index instead of a join over every case of those agencies.
    seats = seats if seats is not None else seats_of(user)
    answer_at = seats.agency_ids(ANSWER_APPROVERS)
    extension_at = seats.agency_ids(EXTENSION_APPROVERS)
    if not answer_at and not extension_at:
        return Approval.objects.none()
    return (
        pending.filter(
            Q(kind=ApprovalKind.ANSWER, application__agency_id__in=answer_at)
            | Q(kind=ApprovalKind.EXTENSION, application__agency_id__in=extension_at)
        )
        .select_related("application", "application__agency")
        .order_by("application__due_date", "submitted_at")
    )


# ---------------------------------------------------------------------------------------------
# The case file (案卷): attachments and deliveries (送达)
# ---------------------------------------------------------------------------------------------


def _undelivered(letters: QuerySet[Letter]) -> QuerySet[Letter]:
    return letters.filter(~Exists(LetterDelivery.objects.filter(letter=OuterRef("pk"))))


def letters_awaiting_delivery(agency: Agency, *, kinds: Iterable[str] | None = None) -> QuerySet[Letter]:
    """The agency's letters to the applicant (``for_applicant``) with no delivery recorded yet (待送达),
    oldest first; ``kinds`` narrows them (e.g. ``[LetterKind.ANSWER]``). A to-do list for the officers."""
    letters = Letter.objects.filter(application__agency=agency, for_applicant=True)
    if kinds is not None:
        letters = letters.filter(kind__in=list(kinds))
    return _undelivered(letters).select_related("application").defer("text").order_by("issued_on", "pk")


def answer_awaiting_delivery(application: Application) -> bool:
    """Whether an answer letter (答复书) of the case has no delivery recorded yet: the case is 待送达."""
    answers = application.letters.filter(kind=LetterKind.ANSWER, for_applicant=True)
    return _undelivered(answers).exists()


def attachments_of(application: Application) -> QuerySet[CaseAttachment]:
    """The case's files (bytes in the storage), in the order they were uploaded (removed ones too)."""
    return application.attachments.order_by("uploaded_at", "pk")


def deliveries_of(application: Application) -> QuerySet[LetterDelivery]:
    """Every delivery recorded for the case's letters, by letter and date."""
    return (
        LetterDelivery.objects.filter(letter__application=application)
        .select_related("proof")
        .order_by("letter__issued_on", "letter_id", "delivered_on", "pk")
    )


# ---------------------------------------------------------------------------------------------
# 第四十四条: information released on request that others ask for too
# ---------------------------------------------------------------------------------------------

#: Answers that released the information asked for (予以公开, 部分公开), so that it may be proposed for
#: proactive disclosure (依申请公开转主动公开, 条例 第四十四条). "已主动公开" released nothing new.
RELEASED_OUTCOMES: frozenset[str] = frozenset({"granted", "partially_granted"})
#: 条例 第四十四条: information requested this many times or more is listed for the officers.
FREQUENT_MINIMUM = 3
#: The groups on one page of the list, and the (newest) cases listed in each; the count is of all of them.
FREQUENT_PER_PAGE = 20
FREQUENT_CASES_SHOWN = 20


def released_information(application: Application) -> bool:
    """Whether the case's answer released information (and its file still holds it)."""
    return (
        not application.is_open
        and application.outcome in RELEASED_OUTCOMES
        and application.personal_data_erased_on is None
    )


@dataclass(frozen=True)
class FrequentRequest:
    """Information asked for in ``FREQUENT_MINIMUM`` cases or more at one agency: the newest case's
    description, how many cases asked for it, the newest of them (at most :data:`FREQUENT_CASES_SHOWN`,
    newest first) and the newest whose answer released the information (``None`` if none did)."""

    agency: Agency
    description: str
    count: int
    cases: list[Application]
    released_case_id: int | None


def _kept_cases() -> QuerySet[Application]:
    return Application.objects.filter(personal_data_erased_on__isnull=True)


def frequent_groups(user: AnyUser, minimum: int = FREQUENT_MINIMUM) -> QuerySet[Any]:
    """The information asked for ``minimum`` times or more in the cases of the agencies ``user`` acts for
    (条例 第四十四条), grouped and counted by the database on each case's ``request_digest``
    (:mod:`gongkai.applications.frequent`): rows of ``agency_id``, ``request_digest``, ``count``, the newest
    case's ``newest_description`` and ``released_id``; most asked first, then by agency and description.
    One query per page (paginate it; :func:`frequent_requests_of` reads a page's cases)."""
    newest = (
        _kept_cases()
        .filter(agency_id=OuterRef("agency_id"), request_digest=OuterRef("request_digest"))
        .order_by("-arrived_at", "-id")
    )
    released = newest.filter(status=Status.CLOSED, outcome__in=RELEASED_OUTCOMES)
    return (
        _kept_cases()
        .filter(agency__in=acting_agencies(user))
        .exclude(request_digest="")
        .values("agency_id", "request_digest")
        .annotate(count=Count("id"))
        .filter(count__gte=minimum)
        .annotate(
            newest_description=Subquery(newest.values("description")[:1]),
            released_id=Subquery(released.values("pk")[:1]),
        )
        .order_by("-count", "agency__name", "newest_description", "agency_id", "request_digest")
    )


def frequent_requests_of(groups: Iterable[dict[str, Any]]) -> list[FrequentRequest]:
    """The groups of :func:`frequent_groups` (a page of them) with their newest cases and agencies: one
    query, whatever the number of cases (a window numbers each group's cases, newest first)."""
    groups = list(groups)
    if not groups:
        return []
    wanted = Q()
    for group in groups:
        wanted |= Q(agency_id=group["agency_id"], request_digest=group["request_digest"])
    cases = (
        _kept_cases()
        .filter(wanted)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("agency_id"), F("request_digest")],
                order_by=[F("arrived_at").desc(), F("id").desc()],
            )
        )
        .filter(place__lte=FREQUENT_CASES_SHOWN)
        .select_related("agency")
        .only(
            "id",
            "agency",
            "reference",
            "description",
            "request_digest",
            "status",
            "outcome",
            "answered_on",
            "receipt_date",
            "arrived_at",
            "personal_data_erased_on",
        )
        .order_by("-arrived_at", "-id")
    )
    by_group: dict[tuple[int, str], list[Application]] = {}
    for case in cases:
        by_group.setdefault((case.agency_id, case.request_digest), []).append(case)
    found = []
    for group in groups:
        listed = by_group.get((group["agency_id"], group["request_digest"]), [])
        if listed:  # pragma: no branch - a group has its cases (unless erased in between)
            found.append(
                FrequentRequest(
                    agency=listed[0].agency,
                    description=group["newest_description"],
                    count=group["count"],
                    cases=listed,
                    released_case_id=group["released_id"],
                )
            )
    return found
