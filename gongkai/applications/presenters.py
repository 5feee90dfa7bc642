"""What the officer's pages show: queue rows and their badges, the CSV export's cells, the
applicant's data masked or revealed, the case's events in words, the step forms of the case page.

Reads go through :mod:`gongkai.applications.selectors`; nothing here writes.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gongkai.applications import (
    codes,
    lettering,
    permissions,
    presenters_case_file,
    selectors,
    timeline,
)
from gongkai.applications.clock import CHANNEL_LABELS, Channel, Clock, ClockError
from gongkai.applications.forms_steps import (
    ACTION_FORMS,
    ActionForm,
    ConcludeAppealForm,
    EndConsultationForm,
    ReturnApprovalForm,
)
from gongkai.applications.models import (
    ANSWER_FIELDS,
    ApplicantType,
    Application,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Status,
)
from gongkai.applications.presenters_events import EventData, describe_answered, describe_event
from gongkai.applications.selectors import QueueCase, Thresholds
from gongkai.applications.validators import mask_email, mask_id, mask_name, mask_phone
from gongkai.core.formatting import date_message
from gongkai.core.i18n import render, render_error, render_lazy
from gongkai.core.messages import N_, Message
from gongkai.core.reversing import fast_reverse
from gongkai.letters.agency_context import letter_warnings
from gongkai.statute.fees import PAYMENT_PERIOD_WORKING_DAYS, FeeQuote
from gongkai.statute.outcomes import OUTCOME_BY_KEY
from gongkai.statute.periods import EXTENSION_WORKING_DAYS
from gongkai.workdays.calendar import CalendarNotLoaded

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


# ---------------------------------------------------------------------------------------------
# Badges
# ---------------------------------------------------------------------------------------------


def unique_badges(badges: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each badge (modifier, label) once, the first of those with the same label: the clock's state and
    what the case waits for can say the same thing ("待确认收到", "等待补正"), and one fact is one badge."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for modifier, label in badges:
        if label not in seen:
            seen.add(label)
            out.append((modifier, label))
    return out


# ---------------------------------------------------------------------------------------------
# Queue
# ---------------------------------------------------------------------------------------------


@dataclass
class Row:
    #: A case of the queue's page (:class:`selectors.QueueCase`) or of the CSV export (a model instance).
    case: Application | QueueCase
    days_left: int | None = None
    paused: bool = False
    #: (modifier, label): the row's badges.
    flags: list[tuple[str, str]] = field(default_factory=list)
    #: Why there is no due date.
    reason: str = ""

    @property
    def overdue_by(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def state_text(self) -> str:
        return "、".join(label for _modifier, label in self.flags)


def queue_row(case: Application | QueueCase, th: Thresholds) -> Row:
    row = Row(case)
    if case.status == Status.CLOSED:
        outcome = OUTCOME_BY_KEY.get(case.outcome)
        closed = _("已办结：%(outcome)s") % {"outcome": render(outcome.label)} if outcome else _("已办结")
        row.flags.append(("closed", closed))
        return row
    waiting = case.waiting_on
    if waiting:
        row.flags.append(("waiting", str(WAITING_LABELS.get(waiting, waiting))))
    if getattr(case, "pending_approval", False):
        row.flags.append(("approval", str(PENDING_APPROVAL_LABEL)))
    # A pause that began on or after the due date does not move it (D5): such a case stays overdue.
    row.paused = waiting in PAUSED and not (
        case.paused_since is not None and case.due_date is not None and case.paused_since >= case.due_date
    )
    if case.due_date is None:
        if case.clock_problem:
            row.reason = case.clock_problem
        elif waiting == "confirmation":
            row.reason = _("尚待确认收到申请，期限暂不能计算。")
        elif waiting == "correction":
            row.reason = _("等待申请人补正，收到补正后重新计算。")
        else:
            row.reason = _("期限暂不能计算。")
        return row
    if not row.paused:
        row.days_left = th.days_left(case.due_date)
        if case.due_date < th.today:
            row.flags.insert(0, ("overdue", _("已逾期")))
        elif th.soon_before is not None and case.due_date < th.soon_before:
            row.flags.insert(0, ("due-soon", _("即将到期")))
    row.flags = unique_badges(row.flags)
    return row


#: The applicant types' labels by value (a row's label without ``get_applicant_type_display``'s work).
APPLICANT_TYPE_LABELS = dict(ApplicantType.choices)
#: How long a row's description is shown (as the ``truncatechars`` filter cuts it).
DESCRIPTION_CHARS = 40


def queue_table_rows(rows: list[Row], *, show_agency: bool) -> SafeString:
    """The ``<tr>`` of each row of the queue's table.

    Made here rather than in the template: 50 rows of some fifteen template lookups each were most of the
    page's time (issue 16, docs/benchmarks.md). The same markup as ``format_html`` made it, every value
    escaped as ``escape`` does (``html.escape``), with what is the same for every row — the translated
    words and the badge — made once per page, not once per row, and the case page's URL reversed once per
    process (``core.reversing.fast_reverse``); ``tests/applications/test_queue_markup.py`` keeps it equal to
    the ``format_html`` version.
    """
    badge = (
        render_to_string("includes/provisional_badge.html")
        if any(row.case.due_date_provisional and row.case.due_date for row in rows)
        else ""
    )
    words = _RowWords.now()
    return mark_safe("".join([_table_row(row, show_agency, badge, words) for row in rows]))  # noqa: S308


#: ``django.utils.html.escape`` as a plain string (the same characters, without its lazy-string wrapper).
_escape = html.escape


@dataclass(frozen=True)
class _RowWords:
    """What every row of one page shares: the words in the request's language (escaped)."""

    unconfirmed: str
    answered_on: str
    paused: str
    overdue_by: str
    #: The applicant types' labels by value, escaped.
    types: dict[str, str]
    truncation: str
    truncate_len: int

    @classmethod
    def now(cls) -> _RowWords:
        truncation = pgettext("String to return when truncating text", "%(truncated_text)s…")
        return cls(
            unconfirmed=_escape(_("未确认")),
            answered_on=_escape(_("答复于")),
            paused=_escape(_("暂停计时")),
            overdue_by=_("逾期 %(n)s"),
            types={value: _escape(str(label)) for value, label in APPLICANT_TYPE_LABELS.items()},
            truncation=truncation,
            truncate_len=calculate_truncate_chars_length(DESCRIPTION_CHARS, truncation),
        )

    def type_label(self, value: str) -> str:
        label = self.types.get(value)
        return _escape(value) if label is None else label

    def cut(self, text: str) -> str:
        """``Truncator(text).chars(DESCRIPTION_CHARS)`` (the ``truncatechars`` filter), without its loop over
        the characters in Python when none is a combining one."""
        text = unicodedata.normalize("NFC", text)
        if any(map(unicodedata.combining, text)):
            return Truncator(text).chars(DESCRIPTION_CHARS, truncate=self.truncation)
        if len(text) <= DESCRIPTION_CHARS:
            return text
        return add_truncation_text(text[: self.truncate_len], self.truncation)


def _agency_name(case: Application | QueueCase) -> str:
    return case.agency_name if isinstance(case, QueueCase) else case.agency.name


def _table_row(row: Row, show_agency: bool, badge: str, words: _RowWords) -> str:
    case = row.case
    flags = row.flags
    if case.receipt_date:
        receipt = case.receipt_date.isoformat()
    else:
        receipt = f'<span class="cases-muted">{words.unconfirmed}</span>'
    if case.status == Status.CLOSED:
        due = f"{words.answered_on} {case.answered_on.isoformat() if case.answered_on else ''}"
    elif case.due_date:
        due = (
            f"{case.due_date.isoformat()} {badge}" if case.due_date_provisional else case.due_date.isoformat()
        )
    else:
        due = f'<span class="cases-muted">{_escape(row.reason)}</span>'
    if row.paused:
        days = words.paused
    elif row.days_left is None:
        days = ""
    elif row.days_left < 0:
        days = _escape(words.overdue_by % {"n": row.overdue_by})
    else:
        days = str(row.days_left)
    agency = (
        f'<td class="cases-queue__agency" title="{(name := _escape(_agency_name(case)))}">{name}</td>'
        if show_agency
        else ""
    )
    classes = _escape("".join([f"cases-row--{modifier} " for modifier, _label in flags]))
    spans = "".join(
        [f'<span class="case-flag case-flag--{_escape(m)}">{_escape(label)}</span> ' for m, label in flags]
    )
    return (
        f'<tr class="{classes}">\n'
        f'        <td><a href="{_escape(fast_reverse("cases:detail", case.pk))}">'
        f"{_escape(case.reference)}</a></td>\n"
        f"        <td>{_escape(case.applicant_name)}<br>"
        f'<span class="cases-muted">{words.type_label(case.applicant_type)}'
        "</span></td>\n"
        f"        <td>{_escape(words.cut(case.description))}</td>\n"
        f"        <td>{receipt}</td>\n"
        f"        <td>{due}</td>\n"
        f'        <td class="cases-num">{days}</td>\n'
        f"        <td>{spans}</td>\n"
        f"        {agency}\n"
        "      </tr>\n"
    )


def csv_cell(value: object) -> str:
    """A cell as text, defused against spreadsheet formula injection."""
    if isinstance(value, int):
        return str(value)  # numbers (e.g. -3 working days) stay numbers
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


CSV_HEADER = (
    gettext_lazy("登记编号"),
    gettext_lazy("受理机关"),
    gettext_lazy("申请人"),
    gettext_lazy("申请人类型"),
    gettext_lazy("提交方式"),
    gettext_lazy("到达日期"),
    gettext_lazy("收到申请之日"),
    gettext_lazy("答复期限"),
    gettext_lazy("剩余工作日"),
    gettext_lazy("状态"),
    gettext_lazy("期限说明"),
    gettext_lazy("答复日期"),
    gettext_lazy("所需信息"),
)


def csv_row(case: Application, th: Thresholds) -> list[str]:
    """The queue's CSV line for ``case``."""
    row = queue_row(case, th)
    return [
        csv_cell(v)
        for v in (
            case.reference,
            case.agency.name,
            case.applicant_name,
            case.get_applicant_type_display(),
            render(CHANNEL_LABELS[Channel(case.channel)]),
            timezone.localdate(case.arrived_at).isoformat(),
            case.receipt_date.isoformat() if case.receipt_date else "",
            case.due_date.isoformat() if case.due_date else "",
            "" if row.days_left is None else row.days_left,
            row.state_text or _("办理中"),
            row.reason or (_("暂停计时") if row.paused else ""),
            case.answered_on.isoformat() if case.answered_on else "",
            case.description,
        )
    ]


# ---------------------------------------------------------------------------------------------
# The case page
# ---------------------------------------------------------------------------------------------


def masked_applicant(application: Application) -> list[tuple[str, str]]:
    hidden = _("（已隐藏）")
    return [
        (_("身份证明"), f"{application.get_id_type_display()} {mask_id(application.id_number)}"),
        (_("联系人"), mask_name(application.contact_person)),
        (_("联系电话"), mask_phone(application.phone) if application.phone else ""),
        (_("电子邮箱"), mask_email(application.email)),
        (_("通信地址"), hidden if application.address else ""),
        (_("邮政编码"), hidden if application.postcode else ""),
    ]


def revealed_applicant(data: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (_("身份证明"), f"{data['id_type']} {data['id_number']}"),
        (_("联系人"), data["contact_person"]),
        (_("联系电话"), data["phone"]),
        (_("电子邮箱"), data["email"]),
        (_("通信地址"), data["address"]),
        (_("邮政编码"), data["postcode"]),
    ]


@dataclass
class Action:
    name: str
    label: str
    form: ActionForm

    @property
    def open(self) -> bool:
        """Shown unfolded: the form came back with errors."""
        return self.form.is_bound


def action_form(
    action: str, application: Application, situation: timeline.Situation, data: Any = None
) -> ActionForm:
    form_class = ACTION_FORMS[action]
    if form_class is EndConsultationForm:
        return EndConsultationForm(data, application=application, open_pauses=situation.open_pauses)
    return form_class(data, application=application)


def case_page(
    user: AbstractBaseUser | AnonymousUser,
    application: Application,
    *,
    secret: str | None = None,
    bound: ActionForm | None = None,
    bound_action: str = "",
    bound_conclude: ConcludeAppealForm | None = None,
    revealed: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the case page shows, for ``user``; ``secret`` is shown once after registration."""
    today = timezone.localdate()
    events = list(application.events.select_related("actor").order_by("seq"))
    records = [timeline.EventRecord(e.seq, e.kind, e.occurred_on, e.data) for e in events]
    situation = selectors.situation_of(application, records)
    clock: Clock | None = None
    clock_problem = ""
    try:
        clock = selectors.clock_of(application, today=today, events=records)
    except (CalendarNotLoaded, ClockError) as exc:
        clock_problem = render_error(exc)
    appeals = list(application.appeals.select_related("after_reconsideration").order_by("filed_on", "pk"))
    appeal_by_pk = {a.pk: a for a in appeals}
    may_act = permissions.can_act(user, application)
    pending = selectors.pending_approval(application)
    badges = [(str(clock.state), render(clock.state_label))] if clock else [("problem", _("期限无法计算"))]
    if situation.waiting_on in WAITING_LABELS:
        badges.append(("waiting", str(WAITING_LABELS[situation.waiting_on])))
    if pending is not None:
        badges.append(("approval", str(PENDING_APPROVAL_LABEL)))
    returned = [r for kind in ApprovalKind if (r := selectors.last_returned(application, kind)) is not None]
    actions: list[Action] = []
    conclude_forms: dict[int, ConcludeAppealForm] = {}
    if may_act:
        allowed = timeline.allowed_actions(situation, today, receipt_date=application.receipt_date)
        if pending is not None:
            # One step at a time waits for the head; the other steps of the same kind wait with it.
            allowed = tuple(
                name for name in allowed if name not in (timeline.ANSWER, timeline.GRANT_EXTENSION)
            )
        for name in allowed:
            form = bound if bound is not None and name == bound_action else None
            actions.append(
                Action(
                    name,
                    render(timeline.ACTION_LABELS[name]),
                    form or action_form(name, application, situation),
                )
            )
        for appeal in appeals:
            if not appeal.result:
                if bound_conclude is not None and bound_conclude.appeal.pk == appeal.pk:
                    conclude_forms[appeal.pk] = bound_conclude
                else:
                    conclude_forms[appeal.pk] = ConcludeAppealForm(appeal=appeal)
    letters = list(application.letters.defer("text", "layout").order_by("issued_on", "pk"))
    return {
        "case": application,
        "clock": clock,
        "clock_problem": clock_problem,
        "overdue_by": max(0, -(clock.working_days_left or 0)) if clock else 0,
        "situation": situation,
        "badges": unique_badges(badges),
        "channel_label": render(CHANNEL_LABELS[Channel(application.channel)]),
        "events": [(e, describe_event(e, appeal_by_pk, revealed=revealed is not None)) for e in events],
        # A letter whose .docx is still being made is listed with a refresh link and a retry button.
        "letters": letters,
        "appeals": [(a, conclude_forms.get(a.pk)) for a in appeals],
        "may_act": may_act,
        "may_correct_outcome": may_act
        and situation.outcome_correctable
        and permissions.may_correct_answer(user, application),
        "may_see_applicant": permissions.can_see_applicant(user, application),
        "applicant_rows": revealed_applicant(revealed) if revealed else masked_applicant(application),
        "revealed": revealed is not None,
        "actions": actions,
        # Before the letters go out: what they will lack (phone, address, the 行政复议机关).
        "letter_warnings": letter_warnings(application.agency) if actions and application.is_open else [],
        "outcome": OUTCOME_BY_KEY.get(application.outcome),
        "tracking_code": codes.format_tracking_code(application.tracking_code),
        "secret": secret,
        "pending": approval_view(pending) if pending is not None else None,
        "returned": [approval_view(r) for r in returned],
        "case_file": presenters_case_file.section(user, application),
        # 第四十四条: released information may be proposed for proactive disclosure (one click).
        "may_propose": may_act and selectors.released_information(application),
    }


CONFIRM_WARNINGS: dict[str, Any] = {
    timeline.REQUEST_CORRECTION: gettext_lazy(
        "将出具补正告知书，一次性告知申请人需要补正的事项（条例第三十条）；答复期限自收到补正后的申请之日起"
        "重新计算。告知书出具后不能撤回。"
    ),
    timeline.START_CONSULTATION: gettext_lazy(
        "将出具征求意见书，书面征求第三方或其他机关的意见（条例第三十二条、第三十四条）；征求意见的时间"
        "不计入答复期限。征求意见书出具后不能撤回。"
    ),
    timeline.LAPSE_CORRECTION: gettext_lazy(
        "申请人逾期未补正，本申请将按“视为放弃申请”办结，不再处理（条例第三十条）。办结后不能撤销。"
    ),
    timeline.LAPSE_FEE: gettext_lazy(
        "申请人逾期未缴纳信息处理费，本申请将按“视为放弃申请”办结，不再处理。办结后不能撤销。"
    ),
    timeline.WITHDRAW: gettext_lazy(
        "本申请将按“申请人撤回申请”办结。办结后不能撤销，请确认已收到申请人的撤回申请。"
    ),
    timeline.ISSUE_FEE_NOTICE: render_lazy(
        Message(
            N_(
                "发出收费通知后，答复期限暂停计算，直至申请人缴费；"
                "申请人收到通知后%(days)s个工作日内未缴费的，视为放弃申请。"
            ),
            {"days": PAYMENT_PERIOD_WORKING_DAYS},
        )
    ),
    timeline.ANSWER: gettext_lazy(
        "将出具下面的答复书（编号在出具时生成），本申请按所选答复类型办结。答复书出具后不能撤回；"
        "如有错误，只能通过“更正”出具新的答复书，原答复书留档。"
    ),
    timeline.GRANT_EXTENSION: render_lazy(
        Message(
            N_(
                "将出具延期答复告知书，答复期限延长%(days)s个工作日（条例第三十三条第二款）。"
                "每件申请只能延期一次，延期后不能撤销。"
            ),
            {"days": EXTENSION_WORKING_DAYS},
        )
    ),
}

#: What happens when the step is submitted for the head's approval instead (D15).
SUBMIT_WARNINGS: dict[str, Any] = {
    timeline.ANSWER: gettext_lazy(
        "本机关设定答复须经负责人审批：提交后由信息公开工作机构负责人审阅下面的答复书草稿，"
        "同意后才出具答复书，答复日期为审批同意之日；审批期间答复期限照常计算。"
    ),
    timeline.GRANT_EXTENSION: gettext_lazy(
        "本机关设定延期由负责人在系统中审批：提交后由信息公开工作机构负责人审批，同意后才延期并出具延期答复告知书，"
        "延期日期为审批同意之日，且须在原答复期限届满前；审批期间答复期限照常计算。"
    ),
}


def _letter_preview(application: Application, action: str, data: dict[str, Any]) -> str:
    """The letter the confirmed step will issue, as plain text (answers and extensions)."""
    on = data.get("on") or timezone.localdate()
    if action == timeline.ANSWER:
        fields = {key: data.get(key, "") for key in ANSWER_FIELDS}
        return lettering.preview(application, "answer", on, **fields)
    if action == timeline.GRANT_EXTENSION:
        clock = selectors.clock_of(application, today=on)
        return lettering.preview(
            application, "extension", on, original_due=clock.due_date, reason=data.get("reason", "")
        )
    return ""


def _safe_preview(application: Application, action: str, data: dict[str, Any]) -> str:
    """The preview, or nothing when the clock cannot give its dates (the step itself will say why)."""
    try:
        return _letter_preview(application, action, data)
    except (CalendarNotLoaded, ClockError):
        return ""


def confirmation_page(
    application: Application, action: str, form: ActionForm, quote: FeeQuote | None
) -> dict[str, Any]:
    """What the page asking to confirm a step shows: what will happen, and the letter it will issue."""
    submits = form.submits
    label = render(timeline.ACTION_LABELS[action])
    return {
        "case": application,
        "action": action,
        "label": _("提交负责人审批：%(action)s") % {"action": label} if submits else label,
        "form": form,
        "warning": (SUBMIT_WARNINGS if submits else CONFIRM_WARNINGS).get(action, ""),
        "quote": quote,
        "letter": _safe_preview(application, action, form.cleaned_data),
        "post_url": reverse("cases:act", kwargs={"pk": application.pk, "action": action}),
    }


@dataclass
class ApprovalView:
    """A submitted step as the case page and the approval page show it."""

    approval: Approval
    label: str
    lines: list[str]
    url: str


def approval_view(approval: Approval) -> ApprovalView:
    data = EventData(approval.data if isinstance(approval.data, dict) else {})
    if approval.kind == ApprovalKind.ANSWER:
        lines = describe_answered(data, {})
    else:
        lines = [_("延期理由：%(reason)s") % {"reason": data("reason")}]
    return ApprovalView(
        approval,
        approval.get_kind_display(),
        lines,
        reverse("cases:approval", kwargs={"pk": approval.application_id, "approval_pk": approval.pk}),
    )


def approval_page(
    user: AbstractBaseUser | AnonymousUser,
    application: Application,
    approval: Approval,
    *,
    return_form: ReturnApprovalForm | None = None,
) -> dict[str, Any]:
    """The head's page: the case's clock, what was submitted, the letter it will issue, the decision."""
    today = timezone.localdate()
    clock: Clock | None = None
    clock_problem = ""
    try:
        clock = selectors.clock_of(application, today=today)
    except (CalendarNotLoaded, ClockError) as exc:
        clock_problem = render_error(exc)
    may_see = permissions.can_see_applicant(user, application)
    letter = ""
    letter_problem = ""
    pending = approval.status == ApprovalStatus.PENDING
    if may_see and pending:
        kind = timeline.ANSWER if approval.kind == ApprovalKind.ANSWER else timeline.GRANT_EXTENSION
        try:
            letter = _letter_preview(application, kind, dict(approval.data))
        except (ValidationError, CalendarNotLoaded, ClockError, LookupError) as exc:
            letter_problem = exc.messages[0] if isinstance(exc, ValidationError) else render_error(exc)
    may_decide = pending and permissions.can_decide(user, approval)
    return {
        "case": application,
        "approval": approval,
        "view": approval_view(approval),
        "clock": clock,
        "clock_problem": clock_problem,
        "overdue_by": max(0, -(clock.working_days_left or 0)) if clock else 0,
        "today": today,
        "letter": letter,
        "letter_problem": letter_problem,
        "may_see_applicant": may_see,
        "may_decide": may_decide,
        "own": approval.submitted_by_id == getattr(user, "pk", None),
        "return_form": return_form or ReturnApprovalForm(),
    }


def approve_confirmation(application: Application, approval: Approval) -> dict[str, Any]:
    """The page asking the head to confirm the approval: what it will issue, on which day."""
    today = timezone.localdate()
    day = render(date_message(today))
    if approval.kind == ApprovalKind.ANSWER:
        warning = _("同意后立即以今天（%(day)s）为答复日期出具答复书，本申请办结；出具后不能撤回。") % {
            "day": day
        }
    else:
        warning = _(
            "同意后立即以今天（%(day)s）为批准日期延期%(days)s个工作日并出具延期答复告知书；延期后不能撤销。"
        ) % {"day": day, "days": EXTENSION_WORKING_DAYS}
    return {
        "case": application,
        "approval": approval,
        "view": approval_view(approval),
        "warning": warning,
        "post_url": reverse("cases:approve", kwargs={"pk": application.pk, "approval_pk": approval.pk}),
    }
