"""Reads of the catalogue: the publication clock, who did what to an entry and what a person may do
to it now (一事一审), the sensitive-word lists.

People are kept apart (一事一审): besides the roles of the workflow table, the confidentiality review
may not be passed by the entry's creator, by anyone who changed it since it was last returned, or by
its submitter, and the approval may not be given by anyone who passed the review in the same round
(:func:`decide`; superusers are exempt).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.catalogue import permissions, workflow
from gongkai.catalogue.models import Item, ItemEvent, SensitiveWord, Status
from gongkai.statute.periods import PUBLICATION_WORKING_DAYS
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.store import current_calendar

Actor = AbstractBaseUser | AnonymousUser | None


def sensitive_words_for(agency: Agency | int) -> list[str]:
    """The agency's own sensitive words and the site-wide ones."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    return sorted(
        set(
            SensitiveWord.objects.filter(Q(agency_id=agency_id) | Q(agency__isnull=True)).values_list(
                "word", flat=True
            )
        )
    )


@dataclass(frozen=True)
class PublicationClock:
    """条例 第二十六条: publish within 20 working days of 成文日期."""

    written_on: datetime.date
    today: datetime.date
    due: datetime.date | None
    published_on: datetime.date | None = None
    #: Working days from today to the due date (negative when late); ``None`` once published.
    days_left: int | None = None
    problem: str = ""

    @property
    def overdue(self) -> bool:
        """Published after the due date, or not published and the due date has passed."""
        if self.due is None:
            return False
        return (self.published_on or self.today) > self.due

    @property
    def late_days(self) -> int:
        """Working days past the due date (0 when not late or published)."""
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def publication_due(item: Item, calendar: WorkCalendar | None = None) -> datetime.date:
    """The 20th working day after 成文日期 (第二十六条). Raises ``CalendarNotLoaded`` for an unloaded year."""
    return (calendar or current_calendar()).add_working_days(item.written_on, PUBLICATION_WORKING_DAYS)


def publication_clock(
    item: Item, today: datetime.date | None = None, *, calendar: WorkCalendar | None = None
) -> PublicationClock:
    """The entry's clock. A list of entries passes the ``calendar`` (:func:`current_calendar`, one
    query) fetched once for all its rows."""
    today = today or timezone.localdate()
    calendar = calendar or current_calendar()
    published = item.published_on if item.status in (Status.PUBLISHED, Status.WITHDRAWN) else None
    try:
        due = publication_due(item, calendar)
    except CalendarNotLoaded as exc:
        return PublicationClock(item.written_on, today, None, published, problem=str(exc))
    days_left: int | None = None
    if published is None:
        try:
            if today <= due:
                days_left = calendar.working_days_between(today, due)
            else:
                days_left = -max(1, calendar.working_days_between(due, today))
        except CalendarNotLoaded:
            days_left = None
    return PublicationClock(item.written_on, today, due, published, days_left)


# --- Who did what (一事一审) --------------------------------------------------------------------

#: Steps that send an entry back to the officer (a new round of editing begins).
_RETURNS = frozenset({workflow.REVIEW_RETURN, workflow.APPROVE_RETURN, workflow.PUBLISH_RETURN})
#: Events that change an entry's content (when made in an editable state: a reviewer's mask during the
#: review is part of the review).
_CHANGES = frozenset({workflow.EDIT, workflow.MASK, "attachment_add", "attachment_remove"})


@dataclass(frozen=True)
class History:
    """Who did what to an entry, as far as the separation of duties (一事一审) needs it."""

    creator_id: int | None
    #: Who submitted the entry last.
    submitter_id: int | None
    #: Who passed the confidentiality review since the last submission.
    reviewer_ids: frozenset[int]
    #: Who changed the entry since it was last returned (since its creation if never returned).
    editor_ids: frozenset[int]


def history(item: Item) -> History:
    """The entry's :class:`History` (one query)."""
    submitter: int | None = None
    reviewers: set[int] = set()
    editors: set[int] = set()
    events = (
        ItemEvent.objects.filter(item=item)
        .order_by("at", "id")
        .values_list("action", "actor_id", "from_status")
    )
    for action, actor_id, from_status in events:
        if action == workflow.SUBMIT:
            submitter, reviewers = actor_id, set()
        elif action == workflow.REVIEW_PASS and actor_id is not None:
            reviewers.add(actor_id)
        elif action in _RETURNS:
            editors = set()
        elif action in _CHANGES and from_status in workflow.EDITABLE_STATES and actor_id is not None:
            editors.add(actor_id)
    return History(item.created_by_id, submitter, frozenset(reviewers), frozenset(editors))


def submitter_id(item: Item) -> int | None:
    """Who submitted the entry last (the confidentiality review must be someone else's)."""
    return history(item).submitter_id


def _separated(reason: str) -> workflow.Decision:
    return workflow.Decision(False, reason=reason, code=workflow.REFUSED_SEPARATION)


def decide(
    actor: Actor,
    item: Item,
    action: str,
    *,
    past: History | None = None,
    roles: frozenset[str] | None = None,
) -> workflow.Decision:
    """May ``actor`` take ``action`` on ``item`` now? The workflow table (state and roles), then the
    separation of the people of the review steps (一事一审; superusers are exempt):

    * the confidentiality review (保密审查通过) not by the entry's creator, by anyone who changed it
      since it was last returned, or by its submitter;
    * the approval (领导审批同意) not by anyone who passed the review in the same round.

    ``past`` (:func:`history`) and ``roles`` (the actor's roles at the entry's agency) are read when not
    given; a caller deciding several actions passes them.
    """
    if actor is None or not actor.is_authenticated:
        return workflow.Decision(False, reason="请先登录。", code=workflow.REFUSED_ROLE)
    superuser = permissions.is_superuser(actor)
    checked = action in (workflow.REVIEW_PASS, workflow.APPROVE) and not superuser
    if checked and past is None:
        past = history(item)
    decision = workflow.decide(
        item.status,
        action,
        roles=permissions.roles_at(actor, item.agency_id) if roles is None else roles,
        superuser=superuser,
        is_submitter=past is not None and action == workflow.REVIEW_PASS and past.submitter_id == actor.pk,
    )
    if not decision.allowed or not checked or past is None:
        return decision
    if action == workflow.REVIEW_PASS:
        if past.creator_id == actor.pk:
            return _separated("起草人不能对自己起草的条目进行保密审查（一事一审，起草与审查分离）。")
        if actor.pk in past.editor_ids:
            return _separated("您在本轮修改过该条目，不能再对其进行保密审查（一事一审，修改与审查分离）。")
    if action == workflow.APPROVE and actor.pk in past.reviewer_ids:
        return _separated("您已对该条目进行保密审查，不能再作领导审批（一事一审，审查与审批分离）。")
    return decision


def allowed_actions(user: Actor, item: Item) -> tuple[str, ...]:
    """The actions ``user`` may take on ``item`` now (for the buttons of the entry page)."""
    if user is None or not user.is_authenticated:
        return ()
    past, roles = history(item), permissions.roles_at(user, item.agency_id)
    return tuple(
        action for action in workflow.ACTIONS if decide(user, item, action, past=past, roles=roles).allowed
    )
