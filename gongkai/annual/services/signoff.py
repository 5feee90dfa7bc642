"""The head's sign-off of the annual report (年度报告发布, D15).

Where the agency's setting (:class:`gongkai.agencies.models.SignOffPolicy`) has the head approve the annual
report, only an approver (``agencies.permissions.REPORT_APPROVERS``: the 信息公开工作机构负责人 or the
分管领导 of the agency) acknowledges the warnings and publishes — publishing is the approval, after the head
has read the report as it will be published (the workspace's preview and exports). The head may instead
return the draft to the officers with a reason (mandatory), recorded in the report's history.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from gongkai.agencies.models import Agency, SignOffPolicy
from gongkai.agencies.permissions import REPORT_APPROVERS, has_role
from gongkai.annual.models import ReportVersion
from gongkai.annual.services.common import ReportError, clean_text, locked_draft
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit

MAX_RETURN_REASON = 2000


def needs_approval(agency: Agency) -> bool:
    return SignOffPolicy.for_agency(agency).annual_report_needs_approval


def is_approver(actor: Actor, agency: Agency) -> bool:
    user = user_of(actor)
    return user is not None and has_role(user, agency, REPORT_APPROVERS)


def require_signoff(actor: Actor, agency: Agency) -> None:
    """Refuse anyone but an approver when the agency's annual report needs the head's approval."""
    if needs_approval(agency) and not is_approver(actor, agency):
        raise PermissionDenied(
            gettext(
                "本机关设定年度报告须经负责人审批：确认警告和公开报告由信息公开工作机构负责人或分管领导办理。"
            )
        )


def return_draft(*, actor: Actor, version: ReportVersion, reason: str) -> ReportVersion:
    """The head returns the draft to the officers with ``reason``; nothing is published."""
    reason = clean_text(reason, "reason").strip()
    if not reason:
        raise ReportError({"reason": gettext("请写明退回的理由，告诉编写人员需要修改什么。")})
    if len(reason) > MAX_RETURN_REASON:
        raise ReportError({"reason": gettext("退回理由不能超过%(n)s字。") % {"n": MAX_RETURN_REASON}})
    with transaction.atomic():
        report, draft = locked_draft(actor, version)
        if not needs_approval(report.agency):
            raise ReportError(gettext("本机关的年度报告由经办人直接发布，无需审批。"))
        if not is_approver(actor, report.agency):
            raise PermissionDenied(gettext("只有本机关的信息公开工作机构负责人或分管领导可以退回年度报告。"))
        record_audit(
            actor, "annual.returned", draft, agency=report.agency, version=draft.number, reason=reason
        )
    return draft
