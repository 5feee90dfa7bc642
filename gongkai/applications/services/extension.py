"""Extension (第三十三条第二款): 20 more working days, approved by the head of the OGI office."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
    """Extend the answer period by 20 working days, approved by the head of the OGI office.

    The approval must be given on or before the original due date.
    """
    require_act(actor, application)
    if not permissions.can_approve_extension(approver, application.agency):
        raise CaseError(
            _("延期答复须经政府信息公开工作机构负责人批准：所选批准人不是本机关的工作机构负责人。"),
            code="approver_not_head",
        )
    if not reason.strip():
        raise CaseError(_("请写明延期的理由。"), code="no_reason")
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
            },
            reason.strip(),
        )
        refresh(application)
        issue_letter(
            application, "extension", actor, on, original_due=current.due_date, reason=reason.strip()
        )
        record_audit(actor, "application.extension_granted", application, approver=approver.get_username())
    return application
