"""更正: correcting what was recorded on a case, with a trail — the applicant's details, the applicant
type, the 件数, the receipt facts (channel, arrival, confirmation) and the answer's outcome.

Not to be confused with 补正 (:mod:`.correction`, the applicant completing an application, 条例第三十条).

Nothing is overwritten without a trace: each correction appends one event (``details_corrected`` or
``outcome_corrected``) holding the previous and the new values and the officer's reason, in the same
transaction as the change and its audit entry. The previous personal data (identity number, contact
person, phone, e-mail, address, postcode) is kept in the event sealed (encrypted at rest) and shown
masked on the timeline, in full only after the audited "查看申请人信息"; the audit log names the
fields that changed and never holds their personal values (docs/applications.md, "Corrections").
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications import clock as clock_module
from gongkai.applications import permissions, timeline
from gongkai.applications.amendments import (
    CORRECTABLE_FIELDS,
    PERSONAL_FIELDS,
    RECEIPT_FIELDS,
    Change,
    event_context,
)
from gongkai.applications.clock import CHANNELS_NEEDING_CONFIRMATION, Channel
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, CaseEvent, EventKind, Letter
from gongkai.applications.selectors import clock_of, event_records, receipt_facts_correctable, situation_of
from gongkai.applications.services.answers import check_answer
from gongkai.applications.services.common import append_event, issue_letter, lock, require_act
from gongkai.applications.services.intake import REGULATIONS_IN_FORCE
from gongkai.applications.services.refresh import refresh
from gongkai.applications.validators import compact_id, validate_identity
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.core.fields import seal
from gongkai.core.i18n import render_error
from gongkai.workdays.calendar import CalendarNotLoaded

#: The steps of a case that come after its receipt: a corrected receipt date may not fall after them.
_LATER_STEP_KINDS = frozenset(
    {
        EventKind.CORRECTION_REQUESTED,
        EventKind.CORRECTION_RECEIVED,
        EventKind.CONSULTATION_STARTED,
        EventKind.EXTENSION_GRANTED,
        EventKind.FEE_NOTICE_ISSUED,
        EventKind.ANSWERED,
        EventKind.WITHDRAWN,
        EventKind.REOPENED,
    }
)
_STRIPPED = frozenset({"applicant_name", "contact_person", "phone", "email", "address", "postcode"})


#: The reason's length (the forms allow as much; longer is refused, never cut).
REASON_MAX_CHARS = 2000


def _check_reason_length(reason: str) -> None:
    if len(reason.strip()) > REASON_MAX_CHARS:
        raise CaseError(
            {
                "reason": _("更正原因不能超过 %(max)s 个字（现有 %(n)s 个字），请精简。")
                % {"max": REASON_MAX_CHARS, "n": len(reason.strip())}
            }
        )


def _normalized(field: str, value: Any) -> Any:
    if field in _STRIPPED:
        return (value or "").strip()
    if field == "id_number":
        return compact_id(value or "")
    if field == "arrived_at" and isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(second=0, microsecond=0)
    return value


def details_changes(application: Application, changes: Mapping[str, Any]) -> list[Change]:
    """What would change if ``changes`` were applied to ``application`` (no writes; also the preview)."""
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise TypeError(f"not correctable: {sorted(unknown)}")
    wanted = {field: _normalized(field, value) for field, value in changes.items()}
    channel = wanted.get("channel", application.channel)
    if "channel" in wanted and Channel(channel) not in CHANNELS_NEEDING_CONFIRMATION:
        # Only ordinary post, e-mail and fax wait for a confirmation (D2): the other channels have none.
        wanted["confirmed_on"] = None
    result = []
    for field in CORRECTABLE_FIELDS:
        if field not in wanted:
            continue
        old = _normalized(field, getattr(application, field))
        if wanted[field] != old:
            result.append(Change(field, old, wanted[field]))
    return result


def _check_identity(application: Application, changed: set[str]) -> None:
    if changed & {"applicant_type", "id_type", "id_number"}:
        errors = validate_identity(application.applicant_type, application.id_type, application.id_number)
        if errors:
            raise CaseError(errors)


def _check_pieces(application: Application, changed: set[str]) -> None:
    if "pieces" in changed and application.events.filter(kind=EventKind.FEE_NOTICE_ISSUED).exists():
        raise CaseError(
            {
                "pieces": _(
                    "本案已发出收费通知，信息处理费按当时的件数计算，件数不能再更正。"
                    "如件数确有错误，请在更正原因中说明并另行处理收费事宜。"
                )
            }
        )


def _check_receipt_facts(application: Application, changed: set[str], was_received: bool) -> None:
    if not changed & set(RECEIPT_FIELDS):
        return
    if not receipt_facts_correctable(application):
        raise CaseError(
            {"channel": _("网上提交的申请由系统记录提交方式和到达时间，不能更正。")},
        )
    arrived = timezone.localdate(application.arrived_at)
    today = timezone.localdate()
    if arrived > today:
        raise CaseError({"arrived_at": _("申请到达日期不能晚于今天。")})
    if arrived < REGULATIONS_IN_FORCE:
        raise CaseError(
            {"arrived_at": _("申请到达日期不能早于条例施行之日（%(day)s）。") % {"day": REGULATIONS_IN_FORCE}}
        )
    confirmed = application.confirmed_on
    if confirmed is not None and confirmed < arrived:
        raise CaseError({"confirmed_on": _("确认收到的日期不能早于申请到达的日期。")})
    if confirmed is not None and confirmed > today:
        raise CaseError({"confirmed_on": _("确认收到的日期不能晚于今天。")})
    if was_received and Channel(application.channel) in CHANNELS_NEEDING_CONFIRMATION and confirmed is None:
        raise CaseError(
            {
                "confirmed_on": _(
                    "本案已经收到并开始计算期限：平信邮寄、电子邮件、传真提交的申请须填写与申请人确认收到之日。"
                )
            }
        )


def _check_receipt_before_steps(application: Application, records: list[timeline.EventRecord]) -> None:
    """The corrected receipt date may not fall after a step already taken on the case."""
    try:
        receipt, _rule = clock_module.receipt_date(situation_of(application, records).facts)
    except clock_module.ClockError as exc:
        raise CaseError(render_error(exc), code="inconsistent_dates") from exc
    if receipt is None:
        return
    later = [r for r in records if r.kind in _LATER_STEP_KINDS and r.occurred_on < receipt]
    if later:
        first = min(later, key=lambda r: r.occurred_on)
        raise CaseError(
            _(
                "更正后的收到申请之日（%(receipt)s）晚于本案已登记的“%(step)s”（%(day)s）。"
                "请核对提交方式、到达日期和确认收到日期。"
            )
            % {"receipt": receipt, "step": EventKind(first.kind).label, "day": first.occurred_on},
            code="receipt_after_steps",
        )


def _as_json(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _stored(field: str, value: Any) -> Any:
    """A value as the correction's event keeps it: personal data sealed (encrypted at rest)."""
    if field in PERSONAL_FIELDS:
        return seal(str(value or ""), event_context(field))
    return _as_json(value)


def _due_date(application: Application, records: list[timeline.EventRecord]) -> datetime.date | None:
    try:
        return clock_of(application, events=records).due_date
    except CalendarNotLoaded:
        return None
    except clock_module.ClockError as exc:
        raise CaseError(render_error(exc), code="inconsistent_dates") from exc


def correct_details(
    *, actor: Actor, application: Application, changes: Mapping[str, Any], reason: str
) -> CaseEvent:
    """更正 the applicant's details, the applicant type, the 件数 or the receipt facts of a case.

    ``changes`` maps field names of :data:`CORRECTABLE_FIELDS` to their corrected values; unchanged
    values are ignored. The receipt facts move the clock: the due date is recomputed and the event
    records the old and the new one. Open and closed cases alike; issued letters stay as issued.
    """
    require_act(actor, application)
    if not reason.strip():
        raise CaseError({"reason": _("请写明更正的原因（例如依据哪份材料发现登记有误）。")})
    _check_reason_length(reason)
    with transaction.atomic():
        application = lock(application)
        diff = details_changes(application, changes)
        if not diff:
            raise CaseError(_("没有需要更正的内容：填写的内容与现在登记的相同。"), code="nothing_changed")
        was_received = application.receipt_date is not None
        old_due = application.due_date
        for change in diff:
            setattr(application, change.field, change.new)
        changed = {c.field for c in diff}
        _check_identity(application, changed)
        _check_pieces(application, changed)
        _check_receipt_facts(application, changed, was_received)
        application.full_clean(validate_unique=False, validate_constraints=False)
        last = application.events.order_by("-seq").values_list("seq", flat=True).first() or 0
        today = timezone.localdate()
        data: dict[str, Any] = {
            "fields": [c.field for c in diff],
            "old": {c.field: _stored(c.field, c.old) for c in diff},
            "new": {c.field: _stored(c.field, c.new) for c in diff},
        }
        records = [
            *event_records(application),
            timeline.EventRecord(last + 1, "details_corrected", today, data),
        ]
        if changed & set(RECEIPT_FIELDS):
            _check_receipt_before_steps(application, records)
            new_due = _due_date(application, records)
            data["old_due_date"] = _as_json(old_due)
            data["new_due_date"] = _as_json(new_due)
        application.save(update_fields=[*changed, "updated_at"])
        event = append_event(application, EventKind.DETAILS_CORRECTED, today, actor, data, reason.strip())
        refresh(application)
        record_audit(
            actor,
            "application.details_corrected",
            application,
            fields=data["fields"],
            old={f: v for f, v in data["old"].items() if f not in PERSONAL_FIELDS},
            new={f: v for f, v in data["new"].items() if f not in PERSONAL_FIELDS},
            due_date={"old": data.get("old_due_date"), "new": data.get("new_due_date")},
            reason=reason.strip(),
        )
    return event


_ANSWER_KEYS = ("outcome", "legal_basis", "reasons", "how_to_obtain", "responsible_agency")


def answer_in_force(application: Application) -> dict[str, str]:
    """The outcome and wording of the answer in force (the answer or its latest 更正); empty if none."""
    s = situation_of(application)
    if not s.outcome_correctable or s.answer_seq is None:
        return {}
    event = application.events.get(seq=s.answer_seq)
    return {key: str(event.data.get(key) or "") for key in _ANSWER_KEYS}


def _letters_of_answer(application: Application, answer_seq: int | None) -> list[Letter]:
    """The 答复书 issued with the answer (or 更正) of event ``answer_seq``: the letter it supersedes."""
    issued = application.events.filter(kind=EventKind.LETTER_ISSUED, seq__gt=answer_seq or 0).order_by("seq")
    for event in issued:
        if event.data.get("kind") == "answer":
            return list(Letter.objects.filter(pk=event.data.get("letter_id"), superseded_by=None))
    return []


def _require_answer_signoff(actor: Actor, application: Application) -> None:
    """Where the agency's answers need the head's approval (D15), a corrected answer is one too: the head
    (an answer approver of the agency) makes it, not the officer alone."""
    user = user_of(actor)
    if user is None or not permissions.may_correct_answer(user, application):
        raise PermissionDenied(
            _("本机关设定答复须经负责人审批：更正答复也须由信息公开工作机构负责人作出，请报负责人更正。")
        )


def correct_outcome(
    *,
    actor: Actor,
    application: Application,
    outcome: str,
    reason: str,
    legal_basis: str = "",
    reasons: str = "",
    how_to_obtain: str = "",
    responsible_agency: str = "",
) -> Letter:
    """更正 the answer in force: a new answer that supersedes it, with a new 答复书.

    The old letter is kept and marked superseded by the new one. The answer's date is unchanged (the
    case was answered then); the annual report counts the corrected outcome when the corrected answer
    is the case's first (D7, D11, D18 in docs/decisions.md). Returns the new letter.
    """
    require_act(actor, application)
    _require_answer_signoff(actor, application)
    if not reason.strip():
        raise CaseError({"reason": _("请写明更正答复的原因。")})
    _check_reason_length(reason)
    new = {
        "outcome": outcome,
        "legal_basis": legal_basis.strip(),
        "reasons": reasons.strip(),
        "how_to_obtain": how_to_obtain.strip(),
        "responsible_agency": responsible_agency.strip(),
    }
    check_answer(
        outcome,
        legal_basis=new["legal_basis"],
        reasons=new["reasons"],
        how_to_obtain=new["how_to_obtain"],
        responsible_agency=new["responsible_agency"],
    )
    with transaction.atomic():
        application = lock(application)
        s = situation_of(application)
        if not s.outcome_correctable:
            raise CaseError(
                _(
                    "只有已作出答复的申请可以更正答复；撤回、逾期未补正或未缴费终止办理的申请没有答复可更正，"
                    "重新办理中的申请请作出新的答复。"
                ),
                code="outcome_not_correctable",
            )
        previous = answer_in_force(application)
        if previous == new:
            raise CaseError(_("没有需要更正的内容：填写的答复与现行答复相同。"), code="nothing_changed")
        today = timezone.localdate()
        data = {
            **new,
            "supersedes_seq": s.answer_seq,
            "answered_on": s.facts.answered_on,
            "previous": previous,
        }
        append_event(application, EventKind.OUTCOME_CORRECTED, today, actor, data, reason.strip())
        refresh(application)
        old_letters = _letters_of_answer(application, s.answer_seq)
        letter: Letter = issue_letter(application, "answer", actor, today, **new)
        for old in old_letters:
            old.superseded_by = letter
            old.save(update_fields=["superseded_by"])
        record_audit(
            actor,
            "application.outcome_corrected",
            application,
            old=previous.get("outcome", ""),
            new=outcome,
            supersedes_seq=s.answer_seq,
            letter=letter.number,
            superseded_letters=[old.number for old in old_letters],
            reason=reason.strip(),
        )
    return letter
