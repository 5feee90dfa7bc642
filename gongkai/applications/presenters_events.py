"""How a case event is described on the timeline, the case file's cover and the export: one line per item of
its data, in the reader's language (a 更正's personal data masked unless revealed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.applications import (
    presenters_amend,
    presenters_case_file,
)
from gongkai.applications.clock import CHANNEL_LABELS, PAUSE_LABELS, Channel, PauseKind
from gongkai.applications.models import (
    Appeal,
    AppealKind,
    AppealResult,
    ApprovalKind,
    CaseEvent,
    EventKind,
)
from gongkai.core.i18n import render
from gongkai.statute.fees import METHOD_LABELS, FeeMethod
from gongkai.statute.outcomes import OUTCOME_BY_KEY

#: ``waiting_on`` values during which the clock stands still (D5): the stored due date is provisional.
PAUSED = ("consultation", "payment")
WAITING_LABELS = {
    "confirmation": gettext_lazy("待确认收到"),
    "correction": gettext_lazy("等待补正"),
    "consultation": gettext_lazy("征求意见"),
    "payment": gettext_lazy("待缴费"),
}

#: A case whose answer or extension waits for the head (D15); its clock keeps running.
PENDING_APPROVAL_LABEL = gettext_lazy("待负责人审批")


def _appeal_text(appeal: Appeal | None) -> str:
    if appeal is None:
        return ""
    number = f"（{appeal.case_number}）" if appeal.case_number else ""
    return f"{appeal.get_kind_display()} {appeal.body}{number}"


class EventData:
    """An event's ``data`` read as text: a missing key or ``None`` reads as ``""``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __call__(self, key: str) -> str:
        value = self.data.get(key)
        return "" if value is None else str(value)


def _describe_submitted(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    if get("channel") not in set(Channel):
        return []
    return [_("提交方式：%(channel)s") % {"channel": render(CHANNEL_LABELS[Channel(get("channel"))])}]


def _describe_correction(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    lines = [_("补正事项：%(items)s") % {"items": get("items")}]
    if get("period_end"):
        lines.append(_("补正期限：%(day)s") % {"day": get("period_end")})
    return lines


def _describe_consultation_started(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    pause = get("kind")
    label = render(PAUSE_LABELS[PauseKind(pause)]) if pause in set(PauseKind) else pause
    lines = [_("%(kind)s：%(consultee)s") % {"kind": label, "consultee": get("consultee")}]
    if get("subject"):
        lines.append(_("事项：%(subject)s") % {"subject": get("subject")})
    if get("reply_due"):
        lines.append(_("答复期限：%(day)s") % {"day": get("reply_due")})
    return lines


def _describe_consultation_ended(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    return [_("结束第 %(seq)s 项记录开始的征求意见") % {"seq": get("started_seq")}]


def _describe_extension(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    lines = [_("批准人：%(name)s") % {"name": get("approver")}]
    if get("original_due_date"):
        lines.append(_("原答复期限：%(day)s") % {"day": get("original_due_date")})
    return lines


def _describe_fee_notice(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    method = get("method")
    label = render(METHOD_LABELS[FeeMethod(method)]) if method in set(FeeMethod) else method
    unit = _("件") if method == FeeMethod.PIECES else _("页")
    lines = [
        _("%(method)s %(quantity)s %(unit)s，金额 %(amount)s 元")
        % {"method": label, "quantity": get("quantity"), "unit": unit, "amount": get("amount")}
    ]
    if get("payment_due"):
        lines.append(_("缴费期限：%(day)s") % {"day": get("payment_due")})
    return lines


def describe_answered(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    outcome = OUTCOME_BY_KEY.get(get("outcome"))
    lines = [_("答复类型：%(label)s") % {"label": render(outcome.label) if outcome else get("outcome")}]
    for key, label in (
        ("legal_basis", _("法律依据")),
        ("reasons", _("理由")),
        ("how_to_obtain", _("获取方式")),
        ("responsible_agency", _("负责公开的机关")),
    ):
        if get(key):
            lines.append(_("%(label)s：%(value)s") % {"label": label, "value": get(key)})
    return lines


def _describe_reopened(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    lines: list[str] = []
    appeal_id = get.data.get("appeal_id")
    if isinstance(appeal_id, int) and appeal_id in appeals:
        lines.append(_("依据：%(appeal)s") % {"appeal": _appeal_text(appeals[appeal_id])})
    if get("fixed_due_date"):
        lines.append(_("决定确定的答复期限：%(day)s") % {"day": get("fixed_due_date")})
    return lines


def _describe_due_date_recomputed(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    old, new = get("old_due_date") or _("未定"), get("new_due_date") or _("未定")
    if get.data.get("old_provisional") and get("old_due_date"):
        old = _("%(day)s（暂定）") % {"day": old}
    if get.data.get("new_provisional") and get("new_due_date"):
        new = _("%(day)s（暂定）") % {"day": new}
    lines = [_("答复期限由 %(old)s 改为 %(new)s") % {"old": old, "new": new}]
    if get.data.get("old_provisional") and not get.data.get("new_provisional") and get("new_due_date"):
        lines.append(_("已按国务院公布的放假安排重新计算，不再是暂定期限。"))
    if get("problem"):
        lines.append(get("problem"))
    return lines


def _describe_letter(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    return [f"{get('title')} {get('number')}".strip()]


def _describe_appeal_recorded(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    appeal_kind = get("kind")
    kind_label = str(AppealKind(appeal_kind).label) if appeal_kind in AppealKind.values else appeal_kind
    return [f"{kind_label} {get('body')}".strip()]


def _describe_appeal_concluded(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    result = get("result")
    return [str(AppealResult(result).label) if result in AppealResult.values else result]


def _describe_approval(get: EventData, appeals: dict[int, Appeal]) -> list[str]:
    kind = get("kind")
    label = str(ApprovalKind(kind).label) if kind in ApprovalKind.values else kind
    lines = [_("审批事项：%(kind)s") % {"kind": label}]
    if get("outcome"):
        lines.extend(describe_answered(get, appeals))
    if get("reason"):
        lines.append(_("延期理由：%(reason)s") % {"reason": get("reason")})
    if get("submitted_by"):
        lines.append(_("提交人：%(name)s") % {"name": get("submitted_by")})
    return lines


_EVENT_DESCRIBERS: dict[str, Callable[[EventData, dict[int, Appeal]], list[str]]] = {
    EventKind.REGISTERED: _describe_submitted,
    EventKind.SUBMITTED_ONLINE: _describe_submitted,
    EventKind.CORRECTION_REQUESTED: _describe_correction,
    EventKind.CONSULTATION_STARTED: _describe_consultation_started,
    EventKind.CONSULTATION_ENDED: _describe_consultation_ended,
    EventKind.EXTENSION_GRANTED: _describe_extension,
    EventKind.FEE_NOTICE_ISSUED: _describe_fee_notice,
    EventKind.ANSWERED: describe_answered,
    EventKind.REOPENED: _describe_reopened,
    EventKind.DUE_DATE_RECOMPUTED: _describe_due_date_recomputed,
    EventKind.LETTER_ISSUED: _describe_letter,
    EventKind.APPEAL_RECORDED: _describe_appeal_recorded,
    EventKind.APPEAL_CONCLUDED: _describe_appeal_concluded,
    EventKind.APPROVAL_REQUESTED: _describe_approval,
    EventKind.APPROVAL_GRANTED: _describe_approval,
    EventKind.APPROVAL_RETURNED: _describe_approval,
    # The case file (案卷).
    EventKind.ATTACHMENT_ADDED: lambda get, _a: presenters_case_file.describe_attachment_added(get.data),
    EventKind.ATTACHMENT_REMOVED: lambda get, _a: presenters_case_file.describe_attachment_removed(get.data),
    EventKind.DELIVERY_RECORDED: lambda get, _a: presenters_case_file.describe_delivery(get.data),
}


def describe_event(event: CaseEvent, appeals: dict[int, Appeal], *, revealed: bool = False) -> list[str]:
    """The event's data in Chinese, one line per item (a 更正's personal data masked unless ``revealed``)."""
    d: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    if event.kind == EventKind.DETAILS_CORRECTED:
        return presenters_amend.describe_details_corrected(d, revealed=revealed)
    if event.kind == EventKind.OUTCOME_CORRECTED:
        return presenters_amend.describe_outcome_corrected(d, revealed=revealed)
    describer = _EVENT_DESCRIBERS.get(event.kind)
    return describer(EventData(d), appeals) if describer is not None else []
