"""Appeals (表四, D8): a reconsideration or a lawsuit recorded on the case, and its result."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications.errors import CaseError
from gongkai.applications.models import Appeal, AppealKind, AppealResult, Application, EventKind
from gongkai.applications.services.common import append_event, check_date, lock, require_act
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit
from gongkai.core.messages import N_


def record_appeal(
    *,
    actor: Actor,
    application: Application,
    kind: str,
    filed_on: datetime.date,
    body: str,
    case_number: str = "",
    after_reconsideration: Appeal | None = None,
    note: str = "",
) -> Appeal:
    require_act(actor, application)
    kind = AppealKind(kind)
    if after_reconsideration is not None:
        if kind != AppealKind.LITIGATION:
            raise CaseError(_("只有行政诉讼可以是“复议后起诉”。"), code="bad_after_reconsideration")
        if (
            after_reconsideration.application_id != application.pk
            or after_reconsideration.kind != AppealKind.RECONSIDERATION
        ):
            raise CaseError(_("所选的行政复议不属于本申请。"), code="foreign_reconsideration")
    if not body.strip():
        raise CaseError(_("请填写复议机关或人民法院的名称。"), code="no_body")
    with transaction.atomic():
        application = lock(application)
        check_date(filed_on, application, N_("申请复议或起诉日期"))
        appeal = Appeal(
            application=application,
            agency=application.agency,
            kind=kind,
            after_reconsideration=after_reconsideration,
            filed_on=filed_on,
            body=body.strip(),
            case_number=case_number.strip(),
            note=note.strip(),
        )
        appeal.full_clean()
        appeal.save()
        append_event(
            application,
            EventKind.APPEAL_RECORDED,
            filed_on,
            actor,
            {"appeal_id": appeal.pk, "kind": kind.value, "group": appeal.group, "body": appeal.body},
        )
        record_audit(actor, "appeal.recorded", appeal, agency=application.agency, kind=kind.value)
    return appeal


def conclude_appeal(
    *, actor: Actor, appeal: Appeal, result: str, concluded_on: datetime.date, note: str = ""
) -> Appeal:
    require_act(actor, appeal.application)
    result = AppealResult(result)
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.result:
            raise CaseError(_("该复议或诉讼已经审结。"), code="already_concluded")
        if concluded_on < appeal.filed_on:
            raise CaseError(_("审结日期不能早于申请或起诉日期。"), code="concluded_before_filed")
        if concluded_on > timezone.localdate():
            raise CaseError(_("审结日期不能晚于今天。"), code="future_date")
        appeal.result = result
        appeal.concluded_on = concluded_on
        if note.strip():
            appeal.note = (appeal.note + "\n" + note.strip()).strip()
        appeal.full_clean()
        appeal.save()
        application = lock(appeal.application)
        append_event(
            application,
            EventKind.APPEAL_CONCLUDED,
            concluded_on,
            actor,
            {"appeal_id": appeal.pk, "result": result.value},
            note.strip(),
        )
        record_audit(actor, "appeal.concluded", appeal, agency=appeal.agency, result=result.value)
    return appeal
