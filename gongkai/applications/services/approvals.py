"""Sign-off by the head (负责人审批, D15): the officer submits an answer or an extension, the head approves it
(which performs the step, dated the approval day) or returns it with a reason.

Where the agency's setting (:class:`gongkai.agencies.models.SignOffPolicy`) has answers approved by the head,
or extensions approved in the system, the officer's step is :func:`submit_answer` / :func:`submit_extension`
instead of ``answer`` / ``grant_extension``. The case stays open and its clock keeps running while the
approval is pending: the answer counts on the day the head approves it.

Who approves: a holder of the approver role at the case's agency (``agencies.permissions``:
the 信息公开工作机构负责人 for both), never the person who submitted (not even when they hold the role too).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import SignOffPolicy
from gongkai.agencies.permissions import has_role
from gongkai.applications import timeline
from gongkai.applications.errors import CaseError
from gongkai.applications.models import (
    ANSWER_FIELDS,
    Application,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    EventKind,
)
from gongkai.applications.permissions import approver_roles
from gongkai.applications.services.answers import check_answer, close_with_outcome
from gongkai.applications.services.common import append_event, lock, require_act, require_allowed
from gongkai.applications.services.extension import extend
from gongkai.core.actors import Actor, display_name, user_of
from gongkai.core.audit import record_audit

#: Longest reason for returning a draft.
MAX_RETURN_REASON = 2000


def _submit(actor: Actor, application: Application, kind: str, action: str, data: dict[str, str]) -> Approval:
    user = user_of(actor)
    with transaction.atomic():
        application = lock(application)
        require_allowed(application, action, timezone.localdate())
        if application.approvals.filter(status=ApprovalStatus.PENDING).exists():
            raise CaseError(
                _("本申请已有一项待负责人审批的事项，请等待审批或由负责人退回后再提交。"),
                code="already_pending",
            )
        approval = Approval.objects.create(
            application=application,
            kind=kind,
            data=data,
            submitted_by=user,
            submitted_label=display_name(user) if user is not None else "",
        )
        append_event(
            application,
            EventKind.APPROVAL_REQUESTED,
            timezone.localdate(),
            actor,
            {"approval_id": approval.pk, "kind": kind, **data},
        )
        record_audit(actor, "application.approval_requested", application, approval_id=approval.pk, kind=kind)
    return approval


def submit_answer(
    *,
    actor: Actor,
    application: Application,
    outcome: str,
    legal_basis: str = "",
    reasons: str = "",
    how_to_obtain: str = "",
    responsible_agency: str = "",
) -> Approval:
    """Submit an answer for the head's approval; nothing is issued yet (the case shows 待负责人审批)."""
    require_act(actor, application)
    if not SignOffPolicy.for_agency(application.agency).answers_need_approval:
        raise CaseError(_("本机关的答复由经办人直接办理，无需提交审批。"), code="no_approval_needed")
    check_answer(outcome, legal_basis, reasons, how_to_obtain, responsible_agency)
    data = {
        "outcome": outcome,
        "legal_basis": legal_basis.strip(),
        "reasons": reasons.strip(),
        "how_to_obtain": how_to_obtain.strip(),
        "responsible_agency": responsible_agency.strip(),
    }
    return _submit(actor, application, ApprovalKind.ANSWER, timeline.ANSWER, data)


def submit_extension(*, actor: Actor, application: Application, reason: str) -> Approval:
    """Submit an extension (第三十三条第二款) for the head's approval in the system."""
    require_act(actor, application)
    if not SignOffPolicy.for_agency(application.agency).extensions_in_system:
        raise CaseError(
            _("本机关登记负责人书面同意延期：请填写批准人和批准日期直接办理延期。"), code="no_approval_needed"
        )
    if not reason.strip():
        raise CaseError({"reason": _("请写明延期的理由。")}, code="no_reason")
    return _submit(
        actor, application, ApprovalKind.EXTENSION, timeline.GRANT_EXTENSION, {"reason": reason.strip()}
    )


def _locked_pending(actor: Actor, approval: Approval) -> tuple[Application, Approval]:
    """Lock the case, check ``actor`` may decide, return the case and the approval, still pending."""
    application = lock(approval.application)
    approval = Approval.objects.select_for_update().get(pk=approval.pk)
    approval.application = application
    user = user_of(actor)
    if user is None or not has_role(user, application.agency, approver_roles(approval.kind)):
        raise PermissionDenied(_("只有本机关的信息公开工作机构负责人可以审批。"))
    if approval.submitted_by_id == user.pk:
        raise PermissionDenied(_("不能审批自己提交的事项：须由另一位负责人审批。"))
    if approval.status != ApprovalStatus.PENDING:
        raise CaseError(
            _("该事项已经审批（%(status)s），不能再审批。") % {"status": approval.get_status_display()}
        )
    return application, approval


def approve(*, actor: Actor, approval: Approval, on: datetime.date | None = None) -> Application:
    """Approve: the answer is issued (its letter numbered and the case closed) or the period extended,
    dated ``on`` (the approval day: today by default), by the approving head, in one transaction."""
    on = on or timezone.localdate()
    with transaction.atomic():
        application, approval = _locked_pending(actor, approval)
        user = user_of(actor)
        assert user is not None  # _locked_pending refused anyone else
        append_event(
            application,
            EventKind.APPROVAL_GRANTED,
            on,
            actor,
            {"approval_id": approval.pk, "kind": approval.kind, "submitted_by": approval.submitted_label},
        )
        data = {key: str(value) for key, value in approval.data.items()}
        if approval.kind == ApprovalKind.ANSWER:
            close_with_outcome(
                actor=actor,
                application=application,
                on=on,
                action=timeline.ANSWER,
                **{key: data.get(key, "") for key in ANSWER_FIELDS},
            )
        else:
            extend(
                actor=actor,
                application=application,
                on=on,
                approver=user,
                reason=data["reason"],
                in_system=True,
            )
        approval.status = ApprovalStatus.APPROVED
        approval.decided_by = user
        approval.decided_label = display_name(user)
        approval.decided_on = on
        approval.save(update_fields=["status", "decided_by", "decided_label", "decided_on"])
        record_audit(
            actor,
            "application.approval_granted",
            application,
            approval_id=approval.pk,
            kind=approval.kind,
            on=on.isoformat(),
        )
    return application


def return_for_changes(*, actor: Actor, approval: Approval, reason: str) -> Approval:
    """Return the submitted step to the officer with ``reason`` (mandatory); nothing is issued."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError({"reason": _("请写明退回的理由，告诉经办人需要修改什么。")}, code="no_reason")
    if len(reason) > MAX_RETURN_REASON:
        raise CaseError(
            {"reason": _("退回理由不能超过%(n)s字。") % {"n": MAX_RETURN_REASON}}, code="reason_too_long"
        )
    with transaction.atomic():
        application, approval = _locked_pending(actor, approval)
        user = user_of(actor)
        assert user is not None  # _locked_pending refused anyone else
        today = timezone.localdate()
        approval.status = ApprovalStatus.RETURNED
        approval.decided_by = user
        approval.decided_label = display_name(user)
        approval.decided_on = today
        approval.return_reason = reason
        approval.save(update_fields=["status", "decided_by", "decided_label", "decided_on", "return_reason"])
        append_event(
            application,
            EventKind.APPROVAL_RETURNED,
            today,
            actor,
            {"approval_id": approval.pk, "kind": approval.kind, "submitted_by": approval.submitted_label},
            reason,
        )
        record_audit(
            actor, "application.approval_returned", application, approval_id=approval.pk, kind=approval.kind
        )
    return approval
