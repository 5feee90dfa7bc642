"""Correction (补正, 第三十条): the one-time notice, the corrected application, the lapse."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications import timeline
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, EventKind
from gongkai.applications.services.answers import close_with_outcome
from gongkai.applications.services.common import (
    append_event,
    check_date,
    issue_letter,
    lock,
    require_act,
    require_allowed,
)
from gongkai.applications.services.refresh import refresh
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit
from gongkai.core.messages import N_


def request_correction(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    items: str,
    period_end: datetime.date,
) -> Application:
    """Send the one-time correction notice, naming what to correct and a reasonable period."""
    require_act(actor, application)
    items = items.strip()
    if not items:
        raise CaseError(_("请写明需要补正的事项（条例第三十条要求一次性告知）。"), code="no_items")
    with transaction.atomic():
        application = lock(application)
        require_allowed(application, timeline.REQUEST_CORRECTION, timezone.localdate())
        check_date(on, application, N_("补正告知日期"))
        if period_end <= on:
            raise CaseError(_("补正期限应晚于告知日期。"), code="bad_period")
        append_event(
            application,
            EventKind.CORRECTION_REQUESTED,
            on,
            actor,
            {"items": items, "period_end": period_end.isoformat()},
        )
        refresh(application)
        issue_letter(application, "correction", actor, on, items=items, period_end=period_end)
        record_audit(actor, "application.correction_requested", application, on=on.isoformat())
    return application


def record_correction(
    *, actor: Actor, application: Application, on: datetime.date, note: str = ""
) -> Application:
    """The corrected application arrived: the answer period restarts from this day (第三十条)."""
    require_act(actor, application)
    with transaction.atomic():
        application = lock(application)
        s = require_allowed(application, timeline.RECORD_CORRECTION, timezone.localdate())
        check_date(on, application, N_("收到补正日期"))
        requested = s.facts.correction_requested_on
        if requested is not None and on < requested:
            raise CaseError(
                _("收到补正的日期不能早于发出补正告知的日期（%(day)s）。") % {"day": requested},
                code="before_request",
            )
        append_event(application, EventKind.CORRECTION_RECEIVED, on, actor, note=note)
        refresh(application)
        record_audit(actor, "application.correction_received", application, on=on.isoformat())
    return application


def lapse_correction(*, actor: Actor, application: Application, on: datetime.date) -> Application:
    """No correction within the period: deemed abandoned, processing stops (第三十条; row （六）1)."""
    return close_with_outcome(
        actor=actor,
        application=application,
        on=on,
        action=timeline.LAPSE_CORRECTION,
        audit_action="application.correction_lapsed",
        outcome="other_no_correction",
        reasons="申请人未在补正期限内补正，且无正当理由。",
    )
