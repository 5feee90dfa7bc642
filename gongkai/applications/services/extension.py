"""Extension (第三十三条第二款): 20 more working days, approved by the head of the OGI office."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import SignOffPolicy
from gongkai.applications import permissions, timeline
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, EventKind
from gongkai.applications.selectors import clock_of
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
from gongkai.core.i18n import render_error
from gongkai.core.messages import N_
from gongkai.workdays.calendar import CalendarNotLoaded


def grant_extension(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    approver: AbstractBaseUser,
    reason: str,
) -> Application:
    """Record an extension of the answer period by 20 working days that the head of the OGI office approved
    on paper (``approver``, on ``on``).

    The approval must be given on or before the original due date. Where the agency has its head approve
    extensions in the system (D15), the officer submits the request instead
    (:func:`gongkai.applications.services.approvals.submit_extension`) and the head's approval extends.
    """
    require_act(actor, application)
    if SignOffPolicy.for_agency(application.agency).extensions_in_system:
        raise CaseError(
            _("本机关设定延期答复由负责人在系统中审批：请提交负责人审批，审批同意后延期。"),
            code="needs_approval",
        )
    check_extension(application, approver, reason)
    return extend(actor=actor, application=application, on=on, approver=approver, reason=reason)


def check_extension(application: Application, approver: AbstractBaseUser, reason: str) -> None:
    """The approver recorded from paper is the agency's office head and the reason is given."""
    if not permissions.can_approve_extension(approver, application.agency):
        raise CaseError(
            _("延期答复须经政府信息公开工作机构负责人批准：所选批准人不是本机关的工作机构负责人。"),
            code="approver_not_head",
        )
    if not reason.strip():
        raise CaseError(_("请写明延期的理由。"), code="no_reason")


def extend(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    approver: AbstractBaseUser,
    reason: str,
    in_system: bool = False,
) -> Application:
    """Extend the period (the checks of the case's state and dates, the event, the letter, the audit).

    ``approver`` is the head who consented on ``on``; ``in_system`` says the consent was given in the
    system (the approval of a submitted request) rather than recorded from paper.
    """
    require_act(actor, application)
    with transaction.atomic():
        application = lock(application)
        require_allowed(application, timeline.GRANT_EXTENSION, timezone.localdate())
        check_date(on, application, N_("批准延期日期"))
        try:
            current = clock_of(application, today=on)
        except CalendarNotLoaded as exc:
            raise CaseError(render_error(exc), code="calendar_not_loaded") from exc
        if current.due_date is None:
            raise CaseError(_("答复期限尚未确定，不能延期。"), code="no_due_date")
        if on > current.due_date:
            raise CaseError(
                _("延期须在原答复期限（%(day)s）届满前决定并告知申请人；已超过期限，不能延期。")
                % {"day": current.due_date},
                code="extension_too_late",
            )
        append_event(
            application,
            EventKind.EXTENSION_GRANTED,
            on,
            actor,
            {
                "approved_by_head": True,
                "approver_id": approver.pk,
                "approver": approver.get_username(),
                "original_due_date": current.due_date.isoformat(),
                "approved_on": on.isoformat(),
                "approved_in_system": in_system,
            },
            reason.strip(),
        )
        refresh(application)
        issue_letter(
            application, "extension", actor, on, original_due=current.due_date, reason=reason.strip()
        )
        record_audit(actor, "application.extension_granted", application, approver=approver.get_username())
    return application
