"""Answer, withdrawal, reopening: the steps that close a case and the one that opens it again."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import SignOffPolicy
from gongkai.applications import timeline
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Appeal, Application, EventKind
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
from gongkai.core.i18n import render
from gongkai.core.messages import N_
from gongkai.statute.outcomes import ANSWER_OUTCOME_KEYS, OUTCOME_BY_KEY


def answer(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    outcome: str,
    legal_basis: str = "",
    reasons: str = "",
    how_to_obtain: str = "",
    responsible_agency: str = "",
) -> Application:
    """Answer with exactly one statutory outcome (第三十六—三十九条) and issue the 答复书.

    Where the agency's answers need the head's approval (D15) the officer submits the answer instead
    (:func:`gongkai.applications.services.approvals.submit_answer`); the approval issues it.
    """
    require_act(actor, application)
    if SignOffPolicy.for_agency(application.agency).answers_need_approval:
        raise CaseError(
            _("本机关设定答复须经负责人审批：请提交负责人审批，审批同意后才作出答复。"), code="needs_approval"
        )
    check_answer(outcome, legal_basis, reasons, how_to_obtain, responsible_agency)
    return close_with_outcome(
        actor=actor,
        application=application,
        on=on,
        action=timeline.ANSWER,
        outcome=outcome,
        legal_basis=legal_basis.strip(),
        reasons=reasons.strip(),
        how_to_obtain=how_to_obtain.strip(),
        responsible_agency=responsible_agency.strip(),
    )


def check_answer(
    outcome: str, legal_basis: str, reasons: str, how_to_obtain: str, responsible_agency: str
) -> None:
    """The outcome is a statutory one and the answer says what it must say; ``CaseError`` if not."""
    if outcome not in ANSWER_OUTCOME_KEYS:
        raise CaseError(_("请从法定答复类型中选择一项。"), code="bad_outcome")
    chosen = OUTCOME_BY_KEY[outcome]
    errors: dict[str, str] = {}
    if chosen.requires_reasons and not reasons.strip():
        errors["reasons"] = _("“%(group)s”的答复须说明理由。") % {"group": render(chosen.group_label)}
    if chosen.group in {"denied", "unable", "rejected"} and not legal_basis.strip():
        errors["legal_basis"] = _("“%(group)s”的答复须写明法律依据（如%(basis)s）。") % {
            "group": render(chosen.group_label),
            "basis": render(chosen.basis),
        }
    if outcome == "unable_not_responsible" and not responsible_agency.strip():
        errors["responsible_agency"] = _(
            "能够确定负责公开的机关的，应告知其名称和联系方式（条例第三十六条第五项）。"
        )
    if outcome in {"granted", "already_public"} and not how_to_obtain.strip():
        errors["how_to_obtain"] = _("请写明获取信息的方式、途径或时间（条例第三十六条第一、二项）。")
    if errors:
        raise CaseError(errors)


def close_with_outcome(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    action: str,
    outcome: str,
    audit_action: str = "application.answered",
    legal_basis: str = "",
    reasons: str = "",
    how_to_obtain: str = "",
    responsible_agency: str = "",
) -> Application:
    require_act(actor, application)
    with transaction.atomic():
        application = lock(application)
        require_allowed(application, action, on)
        check_date(on, application, N_("答复日期"))
        if application.receipt_date is not None and on < application.receipt_date:
            raise CaseError(_("答复日期不能早于收到申请之日。"), code="answer_before_receipt")
        data = {
            "outcome": outcome,
            "legal_basis": legal_basis,
            "reasons": reasons,
            "how_to_obtain": how_to_obtain,
            "responsible_agency": responsible_agency,
        }
        append_event(application, EventKind.ANSWERED, on, actor, data)
        refresh(application)
        issue_letter(application, "answer", actor, on, **data)
        record_audit(actor, audit_action, application, outcome=outcome, on=on.isoformat())
    return application


def withdraw(*, actor: Actor, application: Application, on: datetime.date, note: str = "") -> Application:
    """The applicant withdrew the application (D7: counted in （六）3 其他)."""
    require_act(actor, application)
    with transaction.atomic():
        application = lock(application)
        require_allowed(application, timeline.WITHDRAW, timezone.localdate())
        check_date(on, application, N_("撤回日期"))
        if application.receipt_date is not None and on < application.receipt_date:
            raise CaseError(_("撤回日期不能早于收到申请之日。"), code="withdrawn_before_receipt")
        append_event(application, EventKind.WITHDRAWN, on, actor, {"outcome": "withdrawn"}, note)
        refresh(application)
        record_audit(actor, "application.withdrawn", application, on=on.isoformat())
    return application


def reopen(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    appeal: Appeal | None = None,
    fixed_due_date: datetime.date | None = None,
    note: str = "",
) -> Application:
    """Handle the case again because a reconsideration decision or a judgment ordered a new answer."""
    require_act(actor, application)
    if not note.strip() and appeal is None:
        raise CaseError(_("请说明重新办理的依据（复议决定书或判决书）。"), code="no_basis")
    with transaction.atomic():
        application = lock(application)
        require_allowed(application, timeline.REOPEN, timezone.localdate())
        check_date(on, application, N_("收到决定日期"))
        if application.answered_on is not None and on < application.answered_on:
            raise CaseError(
                _("收到复议决定或判决的日期不能早于原答复日期（%(day)s）。")
                % {"day": application.answered_on},
                code="before_answer",
            )
        if appeal is not None and appeal.application_id != application.pk:
            raise CaseError(_("所选的复议或诉讼不属于本申请。"), code="foreign_appeal")
        if fixed_due_date is not None and fixed_due_date < on:
            raise CaseError(_("决定确定的答复期限不能早于收到决定之日。"), code="bad_fixed_due")
        append_event(
            application,
            EventKind.REOPENED,
            on,
            actor,
            {
                "appeal_id": appeal.pk if appeal else None,
                "fixed_due_date": fixed_due_date.isoformat() if fixed_due_date else None,
            },
            note.strip(),
        )
        refresh(application)
        record_audit(actor, "application.reopened", application, appeal_id=appeal.pk if appeal else None)
    return application
