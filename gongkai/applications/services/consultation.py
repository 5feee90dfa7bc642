"""Consultations (第三十二、三十三、三十四条): the clock stops while opinions are asked."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications import timeline
from gongkai.applications.clock import PauseKind
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, CaseEvent, EventKind
from gongkai.applications.services.common import (
    append_event,
    check_date,
    issue_letter,
    lock,
    require_act,
    require_allowed,
    working_day_after,
)
from gongkai.applications.services.refresh import refresh
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit
from gongkai.core.messages import N_
from gongkai.statute.periods import CONSULTATION_REPLY_WORKING_DAYS


def start_consultation(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    kind: str,
    consultee: str,
    subject: str = "",
) -> CaseEvent:
    """Send a request for opinions; the clock stops from the next day until the reply (D5)."""
    require_act(actor, application)
    pause_kind = PauseKind(kind)
    if pause_kind == PauseKind.FEE:
        raise CaseError(_("收费通知请用“发出收费通知”。"), code="fee_is_not_consultation")
    if pause_kind == PauseKind.UNSPECIFIED:
        raise CaseError(_("请选择征求意见的对象类型（第三方、共同制作机关或其他机关）。"), code="bad_kind")
    consultee = consultee.strip()
    if not consultee:
        raise CaseError(_("请填写征求意见的对象（第三方或机关名称）。"), code="no_consultee")
    with transaction.atomic():
        application = lock(application)
        require_allowed(application, timeline.START_CONSULTATION, timezone.localdate())
        check_date(on, application, N_("征求意见日期"))
        reply_due = working_day_after(on, CONSULTATION_REPLY_WORKING_DAYS)
        event = append_event(
            application,
            EventKind.CONSULTATION_STARTED,
            on,
            actor,
            {
                "kind": pause_kind.value,
                "consultee": consultee,
                "subject": subject,
                "reply_due": reply_due.isoformat(),
            },
        )
        refresh(application)
        if pause_kind in {PauseKind.THIRD_PARTY, PauseKind.CO_PRODUCER}:
            issue_letter(
                application,
                pause_kind.value,
                actor,
                on,
                consultee=consultee,
                subject=subject,
                reply_due=reply_due,
                for_applicant=False,
            )
        record_audit(
            actor, "application.consultation_started", application, kind=pause_kind.value, on=on.isoformat()
        )
    return event


def end_consultation(
    *,
    actor: Actor,
    application: Application,
    started_seq: int,
    on: datetime.date,
    opinion: str = "",
) -> Application:
    """The reply arrived (or the 15-working-day period ran out): the clock runs again after ``on``."""
    require_act(actor, application)
    with transaction.atomic():
        application = lock(application)
        s = require_allowed(application, timeline.END_CONSULTATION, timezone.localdate())
        pause = next((p for p in s.open_pauses if p.seq == started_seq), None)
        if pause is None:
            raise CaseError(_("没有找到这项正在进行的征求意见。"), code="no_such_consultation")
        if on < pause.start:
            raise CaseError(_("征求意见结束日期不能早于开始日期。"), code="end_before_start")
        check_date(on, application, N_("征求意见结束日期"))
        append_event(
            application, EventKind.CONSULTATION_ENDED, on, actor, {"started_seq": started_seq}, opinion
        )
        refresh(application)
        record_audit(actor, "application.consultation_ended", application, started_seq=started_seq)
    return application
