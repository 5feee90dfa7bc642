"""Officer workspace (案件办理): the queue, registration, the case page and one POST view per step.

Thin views: every write is a call of :mod:`gongkai.applications.services`, which checks the
permission, the state of the case and the input; the views only choose what to show. A case the
user may not see is "not found" (404), never "forbidden", so that its existence is not revealed;
a visible case the user may not act on (a supervisor) gets a 403 page with the reason.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, Max, Min, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.agencies.models import Agency
from gongkai.applications import codes, permissions, selectors, services, timeline
from gongkai.applications.clock import (
    CHANNEL_LABELS,
    PAUSE_LABELS,
    Channel,
    Clock,
    ClockError,
    PauseKind,
    due_soon_before,
)
from gongkai.applications.forms_officer import (
    ACTION_FORMS,
    STATE_CLOSED,
    STATE_DUE_SOON,
    STATE_OPEN,
    STATE_OVERDUE,
    STATE_WAITING,
    ActionForm,
    ConcludeAppealForm,
    EndConsultationForm,
    QueueFilterForm,
    RegisterForm,
)
from gongkai.applications.models import (
    Appeal,
    AppealKind,
    AppealResult,
    Application,
    CaseEvent,
    EventKind,
    Letter,
    Status,
)
from gongkai.applications.validators import mask_id, mask_phone
from gongkai.statute.fees import METHOD_LABELS, FeeMethod, FeeQuote
from gongkai.statute.outcomes import OUTCOME_BY_KEY
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.store import current_calendar

PER_PAGE = 50
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CASE_TEMPLATE = "applications/officer/case.html"
#: ``waiting_on`` values during which the clock stands still (D5): the stored due date is provisional.
PAUSED = ("consultation", "payment")
#: ``waiting_on`` values where the next move is the applicant's.
WAITING_ON_APPLICANT = ("confirmation", "correction", "payment")
WAITING_LABELS = {
    "confirmation": gettext_lazy("待确认收到"),
    "correction": gettext_lazy("等待补正"),
    "consultation": gettext_lazy("征求意见"),
    "payment": gettext_lazy("待缴费"),
}
_SECRET_SESSION_KEY = "gongkai.cases.secret.{pk}"

User = AbstractBaseUser | AnonymousUser


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "applications/officer/forbidden.html", {"message": message}, status=403)


def _visible_case(request: HttpRequest, pk: int) -> Application:
    """The case if ``request.user`` may see it; 404 otherwise (never a hint that it exists)."""
    return get_object_or_404(permissions.cases_visible_to(request.user).select_related("agency"), pk=pk)


def acting_agencies(user: User) -> QuerySet[Agency]:
    """Agencies where ``user`` may register and act on applications."""
    if user.is_authenticated and user.is_active and getattr(user, "is_superuser", False):
        return Agency.objects.all()
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    return Agency.objects.filter(
        memberships__user_id=user.pk, memberships__role__in=permissions.ACTING_ROLES
    ).distinct()


def visible_agencies(user: User) -> QuerySet[Agency]:
    """Agencies whose cases ``user`` sees (as staff or as supervisor)."""
    if user.is_authenticated and user.is_active and getattr(user, "is_superuser", False):
        return Agency.objects.all()
    return Agency.objects.filter(
        Q(pk__in=permissions.staff_agencies(user).values("pk"))
        | Q(pk__in=permissions.supervised_agencies(user).values("pk"))
    )


# ---------------------------------------------------------------------------------------------
# Queue
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The dates that decide "due soon" and "overdue" today (D6), computed once per request."""

    today: datetime.date
    calendar: WorkCalendar
    #: Due dates before this day have at most 5 working days left; ``None`` if the calendar lacks it.
    soon_before: datetime.date | None
    problem: str = ""

    @classmethod
    def now(cls, today: datetime.date | None = None) -> Thresholds:
        today = today or timezone.localdate()
        calendar = current_calendar()
        try:
            soon_before = due_soon_before(calendar, today)
        except CalendarNotLoaded as exc:
            return cls(today, calendar, None, str(exc))
        return cls(today, calendar, soon_before)

    def days_left(self, due: datetime.date) -> int | None:
        """Working days from today to ``due`` (negative when overdue), as in the clock."""
        try:
            if self.today <= due:
                return self.calendar.working_days_between(self.today, due)
            # Overdue by at least one, as in the clock (a rest day right after the due date).
            return -max(1, self.calendar.working_days_between(due, self.today))
        except CalendarNotLoaded:
            return None


@dataclass
class Row:
    case: Application
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


def _row(case: Application, th: Thresholds) -> Row:
    row = Row(case)
    if case.status == Status.CLOSED:
        outcome = OUTCOME_BY_KEY.get(case.outcome)
        row.flags.append(("closed", _("已办结") + (f"：{outcome.label}" if outcome else "")))
        return row
    waiting = case.waiting_on
    if waiting:
        row.flags.append(("waiting", str(WAITING_LABELS.get(waiting, waiting))))
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
    return row


def _filtered_cases(
    request: HttpRequest, th: Thresholds
) -> tuple[QuerySet[Application], QueueFilterForm, str]:
    """The user's cases filtered by the GET parameters, the filter form, and the state chosen."""
    user = request.user
    visible = permissions.cases_visible_to(user)
    # The range of receipt years from two indexed aggregates, not a DISTINCT over every case.
    bounds = visible.aggregate(first=Min("receipt_date"), last=Max("receipt_date"))
    years = list(range(bounds["last"].year, bounds["first"].year - 1, -1)) if bounds["first"] else []
    form = QueueFilterForm(request.GET or None, agencies=visible_agencies(user), years=years)
    cases = visible
    state = (form.value("state") or STATE_OPEN) if form.is_bound else STATE_OPEN
    if state == STATE_OPEN:
        cases = cases.filter(status=Status.OPEN)
    elif state == STATE_DUE_SOON:
        if th.soon_before is None:
            cases = cases.none()
        else:
            cases = cases.filter(
                status=Status.OPEN, waiting_on="", due_date__gte=th.today, due_date__lt=th.soon_before
            )
    elif state == STATE_OVERDUE:
        cases = cases.filter(
            Q(waiting_on="") | Q(paused_since__gte=F("due_date")), status=Status.OPEN, due_date__lt=th.today
        )
    elif state == STATE_WAITING:
        cases = cases.filter(status=Status.OPEN, waiting_on__in=WAITING_ON_APPLICANT)
    elif state == STATE_CLOSED:
        cases = cases.filter(status=Status.CLOSED)
    if form.is_bound:
        if agency := form.value("agency"):
            cases = cases.filter(agency=agency)
        if applicant_type := form.value("applicant_type"):
            cases = cases.filter(applicant_type=applicant_type)
        if channel := form.value("channel"):
            cases = cases.filter(channel=channel)
        if year := form.value("year"):
            cases = cases.filter(receipt_date__year=year)
        if q := (form.value("q") or "").strip():
            search = Q(reference__icontains=q) | Q(applicant_name__icontains=q) | Q(description__icontains=q)
            code = codes.normalize_tracking_code(q)
            if code:
                search |= Q(tracking_code=code)
            cases = cases.filter(search)
    if state == STATE_CLOSED:
        cases = cases.order_by("-answered_on", "-pk")
    else:
        # Open cases first (when closed ones are shown too), then by due date; undated ones last.
        closed_last = Case(When(status=Status.OPEN, then=Value(0)), default=Value(1))
        cases = cases.order_by(
            closed_last, F("due_date").asc(nulls_last=True), F("receipt_date").asc(nulls_last=True), "pk"
        )
    cases = cases.select_related("agency").only(
        "id",
        "reference",
        "applicant_name",
        "applicant_type",
        "description",
        "channel",
        "arrived_at",
        "receipt_date",
        "due_date",
        "clock_problem",
        "waiting_on",
        "paused_since",
        "status",
        "outcome",
        "answered_on",
        "agency__id",
        "agency__name",
    )
    return cases, form, state


@login_required
@require_http_methods(["GET", "HEAD"])
def queue(request: HttpRequest) -> HttpResponse:
    th = Thresholds.now()
    cases, form, state = _filtered_cases(request, th)
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    rows = [_row(case, th) for case in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "state": state,
        "today": th.today,
        "calendar_problem": th.problem,
        "show_agency": visible_agencies(request.user).count() > 1,
        "can_register": acting_agencies(request.user).exists(),
    }
    return render(request, "applications/officer/queue.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value: object) -> str:
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


@login_required
@require_http_methods(["GET", "HEAD"])
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered queue as CSV (UTF-8 with BOM for spreadsheet programs); no personal data but names."""
    th = Thresholds.now()
    cases, _form, _state = _filtered_cases(request, th)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([str(h) for h in CSV_HEADER])
        for case in cases.iterator(chunk_size=500):
            row = _row(case, th)
            yield writer.writerow(
                [
                    _csv_cell(v)
                    for v in (
                        case.reference,
                        case.agency.name,
                        case.applicant_name,
                        case.get_applicant_type_display(),
                        CHANNEL_LABELS[Channel(case.channel)],
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
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"cases-{th.today:%Y%m%d}.csv") or ""
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    agencies = acting_agencies(request.user)
    if not agencies.exists():
        return _forbidden(request, _("只有机关的信息员或信息公开工作机构负责人可以登记政府信息公开申请。"))
    form = RegisterForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application, secret = services.register(
                actor=request.user,
                agency=data["agency"],
                applicant=services.Applicant.from_form(data),
                request=services.Request.from_form(data),
                channel=data["channel"],
                arrived_at=form.arrived_at(),
                confirmed_on=data["confirmed_on"],
                pieces=data["pieces"],
                note=data["note"],
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            # Shown once on the case page, then forgotten (the session entry is popped there).
            request.session[_SECRET_SESSION_KEY.format(pk=application.pk)] = secret
            messages.success(
                request, _("已登记申请，登记编号 %(reference)s。") % {"reference": application.reference}
            )
            return redirect("cases:detail", pk=application.pk)
    return render(request, "applications/officer/new.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# The case page
# ---------------------------------------------------------------------------------------------


def _mask_email(value: str) -> str:
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else ("***" if value else "")


def _mask_name(value: str) -> str:
    return value[:1] + "*" * (len(value) - 1) if value else ""


def masked_applicant(application: Application) -> list[tuple[str, str]]:
    hidden = _("（已隐藏）")
    return [
        (_("身份证明"), f"{application.get_id_type_display()} {mask_id(application.id_number)}"),
        (_("联系人"), _mask_name(application.contact_person)),
        (_("联系电话"), mask_phone(application.phone) if application.phone else ""),
        (_("电子邮箱"), _mask_email(application.email)),
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


def _appeal_text(appeal: Appeal | None) -> str:
    if appeal is None:
        return ""
    number = f"（{appeal.case_number}）" if appeal.case_number else ""
    return f"{appeal.get_kind_display()} {appeal.body}{number}"


def describe_event(event: CaseEvent, appeals: dict[int, Appeal]) -> list[str]:
    """The event's data in Chinese, one line per item."""
    d: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    kind = event.kind

    def get(key: str) -> str:
        value = d.get(key)
        return "" if value is None else str(value)

    lines: list[str] = []
    if kind in (EventKind.REGISTERED, EventKind.SUBMITTED_ONLINE) and get("channel") in set(Channel):
        lines.append(_("提交方式：%(channel)s") % {"channel": CHANNEL_LABELS[Channel(get("channel"))]})
    elif kind == EventKind.CORRECTION_REQUESTED:
        lines.append(_("补正事项：%(items)s") % {"items": get("items")})
        if get("period_end"):
            lines.append(_("补正期限：%(day)s") % {"day": get("period_end")})
    elif kind == EventKind.CONSULTATION_STARTED:
        pause = get("kind")
        label = PAUSE_LABELS[PauseKind(pause)] if pause in set(PauseKind) else pause
        lines.append(_("%(kind)s：%(consultee)s") % {"kind": label, "consultee": get("consultee")})
        if get("subject"):
            lines.append(_("事项：%(subject)s") % {"subject": get("subject")})
        if get("reply_due"):
            lines.append(_("答复期限：%(day)s") % {"day": get("reply_due")})
    elif kind == EventKind.CONSULTATION_ENDED:
        lines.append(_("结束第 %(seq)s 项记录开始的征求意见") % {"seq": get("started_seq")})
    elif kind == EventKind.EXTENSION_GRANTED:
        lines.append(_("批准人：%(name)s") % {"name": get("approver")})
        if get("original_due_date"):
            lines.append(_("原答复期限：%(day)s") % {"day": get("original_due_date")})
    elif kind == EventKind.FEE_NOTICE_ISSUED:
        method = get("method")
        label = METHOD_LABELS[FeeMethod(method)] if method in set(FeeMethod) else method
        unit = _("件") if method == FeeMethod.PIECES else _("页")
        lines.append(
            _("%(method)s %(quantity)s %(unit)s，金额 %(amount)s 元")
            % {"method": label, "quantity": get("quantity"), "unit": unit, "amount": get("amount")}
        )
        if get("payment_due"):
            lines.append(_("缴费期限：%(day)s") % {"day": get("payment_due")})
    elif kind == EventKind.ANSWERED:
        outcome = OUTCOME_BY_KEY.get(get("outcome"))
        lines.append(_("答复类型：%(label)s") % {"label": outcome.label if outcome else get("outcome")})
        for key, label in (
            ("legal_basis", _("法律依据")),
            ("reasons", _("理由")),
            ("how_to_obtain", _("获取方式")),
            ("responsible_agency", _("负责公开的机关")),
        ):
            if get(key):
                lines.append(f"{label}：{get(key)}")
    elif kind == EventKind.REOPENED:
        appeal_id = d.get("appeal_id")
        if isinstance(appeal_id, int) and appeal_id in appeals:
            lines.append(_("依据：%(appeal)s") % {"appeal": _appeal_text(appeals[appeal_id])})
        if get("fixed_due_date"):
            lines.append(_("决定确定的答复期限：%(day)s") % {"day": get("fixed_due_date")})
    elif kind == EventKind.DUE_DATE_RECOMPUTED:
        lines.append(
            _("答复期限由 %(old)s 改为 %(new)s")
            % {"old": get("old_due_date") or _("未定"), "new": get("new_due_date") or _("未定")}
        )
        if get("problem"):
            lines.append(get("problem"))
    elif kind == EventKind.LETTER_ISSUED:
        lines.append(f"{get('title')} {get('number')}".strip())
    elif kind == EventKind.APPEAL_RECORDED:
        appeal_kind = get("kind")
        kind_label = str(AppealKind(appeal_kind).label) if appeal_kind in AppealKind.values else appeal_kind
        lines.append(f"{kind_label} {get('body')}".strip())
    elif kind == EventKind.APPEAL_CONCLUDED:
        result = get("result")
        lines.append(str(AppealResult(result).label) if result in AppealResult.values else result)
    return lines


@dataclass
class Action:
    name: str
    label: str
    form: ActionForm

    @property
    def open(self) -> bool:
        """Shown unfolded: the form came back with errors."""
        return self.form.is_bound


def _action_form(
    action: str, application: Application, situation: timeline.Situation, data: Any = None
) -> ActionForm:
    form_class = ACTION_FORMS[action]
    if form_class is EndConsultationForm:
        return EndConsultationForm(data, application=application, open_pauses=situation.open_pauses)
    return form_class(data, application=application)


def case_context(
    request: HttpRequest,
    application: Application,
    *,
    bound: ActionForm | None = None,
    bound_action: str = "",
    bound_conclude: ConcludeAppealForm | None = None,
    revealed: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the case page shows, for ``request.user``."""
    user = request.user
    today = timezone.localdate()
    events = list(application.events.order_by("seq"))
    records = [timeline.EventRecord(e.seq, e.kind, e.occurred_on, e.data) for e in events]
    situation = selectors.situation_of(application, records)
    clock: Clock | None = None
    clock_problem = ""
    try:
        clock = selectors.clock_of(application, today=today, events=records)
    except (CalendarNotLoaded, ClockError) as exc:
        clock_problem = str(exc)
    appeals = list(application.appeals.select_related("after_reconsideration").order_by("filed_on", "pk"))
    appeal_by_pk = {a.pk: a for a in appeals}
    may_act = permissions.can_act(user, application)
    actions: list[Action] = []
    conclude_forms: dict[int, ConcludeAppealForm] = {}
    if may_act:
        allowed = timeline.allowed_actions(situation, today, receipt_date=application.receipt_date)
        for name in allowed:
            form = bound if bound is not None and name == bound_action else None
            actions.append(
                Action(name, timeline.ACTION_LABELS[name], form or _action_form(name, application, situation))
            )
        for appeal in appeals:
            if not appeal.result:
                if bound_conclude is not None and bound_conclude.appeal.pk == appeal.pk:
                    conclude_forms[appeal.pk] = bound_conclude
                else:
                    conclude_forms[appeal.pk] = ConcludeAppealForm(appeal=appeal)
    secret = request.session.pop(_SECRET_SESSION_KEY.format(pk=application.pk), None)
    return {
        "case": application,
        "clock": clock,
        "clock_problem": clock_problem,
        "overdue_by": max(0, -(clock.working_days_left or 0)) if clock else 0,
        "situation": situation,
        "waiting_label": str(WAITING_LABELS.get(situation.waiting_on, "")),
        "channel_label": CHANNEL_LABELS[Channel(application.channel)],
        "events": [(e, describe_event(e, appeal_by_pk)) for e in events],
        "letters": list(application.letters.defer("docx", "text").order_by("issued_on", "pk")),
        "appeals": [(a, conclude_forms.get(a.pk)) for a in appeals],
        "may_act": may_act,
        "may_see_applicant": permissions.can_see_applicant(user, application),
        "applicant_rows": revealed_applicant(revealed) if revealed else masked_applicant(application),
        "revealed": revealed is not None,
        "actions": actions,
        "outcome": OUTCOME_BY_KEY.get(application.outcome),
        "tracking_code": codes.format_tracking_code(application.tracking_code),
        "secret": secret,
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_case(request, pk)
    response = render(request, CASE_TEMPLATE, case_context(request, application))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def applicant(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the applicant's personal data (audited by the service); the agency's staff only."""
    application = _visible_case(request, pk)
    try:
        revealed = services.reveal_applicant(actor=request.user, application=application)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    response = render(request, CASE_TEMPLATE, case_context(request, application, revealed=revealed))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def letter(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    """The letter's .docx as issued. It names the applicant and their address: the agency's staff only."""
    application = _visible_case(request, pk)
    issued = get_object_or_404(Letter.objects.filter(application=application), pk=letter_pk)
    if not permissions.can_see_applicant(request.user, application):
        return _forbidden(request, _("文书含有申请人的个人信息，只有本机关的工作人员可以下载。"))
    response = HttpResponse(bytes(issued.docx), content_type=DOCX_CONTENT_TYPE)
    filename = issued.filename or f"{application.reference}-{issued.pk}.docx"
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------

Runner = Callable[[HttpRequest, Application, dict[str, Any]], object]

RUNNERS: dict[str, Runner] = {
    timeline.CONFIRM_RECEIPT: lambda r, a, d: services.confirm_receipt(
        actor=r.user, application=a, confirmed_on=d["on"]
    ),
    timeline.REQUEST_CORRECTION: lambda r, a, d: services.request_correction(
        actor=r.user, application=a, on=d["on"], items=d["items"], period_end=d["period_end"]
    ),
    timeline.RECORD_CORRECTION: lambda r, a, d: services.record_correction(
        actor=r.user, application=a, on=d["on"], note=d["note"]
    ),
    timeline.LAPSE_CORRECTION: lambda r, a, d: services.lapse_correction(
        actor=r.user, application=a, on=d["on"]
    ),
    timeline.START_CONSULTATION: lambda r, a, d: services.start_consultation(
        actor=r.user,
        application=a,
        on=d["on"],
        kind=d["kind"],
        consultee=d["consultee"],
        subject=d["subject"],
    ),
    timeline.END_CONSULTATION: lambda r, a, d: services.end_consultation(
        actor=r.user, application=a, started_seq=d["started_seq"], on=d["on"], opinion=d["opinion"]
    ),
    timeline.GRANT_EXTENSION: lambda r, a, d: services.grant_extension(
        actor=r.user, application=a, on=d["on"], approver=d["approver"], reason=d["reason"]
    ),
    timeline.ISSUE_FEE_NOTICE: lambda r, a, d: services.issue_fee_notice(
        actor=r.user, application=a, on=d["on"], method=d["method"], quantity=d["quantity"]
    ),
    timeline.RECORD_PAYMENT: lambda r, a, d: services.record_payment(actor=r.user, application=a, on=d["on"]),
    timeline.LAPSE_FEE: lambda r, a, d: services.lapse_fee(actor=r.user, application=a, on=d["on"]),
    timeline.ANSWER: lambda r, a, d: services.answer(
        actor=r.user,
        application=a,
        on=d["on"],
        outcome=d["outcome"],
        legal_basis=d["legal_basis"],
        reasons=d["reasons"],
        how_to_obtain=d["how_to_obtain"],
        responsible_agency=d["responsible_agency"],
    ),
    timeline.WITHDRAW: lambda r, a, d: services.withdraw(
        actor=r.user, application=a, on=d["on"], note=d["note"]
    ),
    timeline.REOPEN: lambda r, a, d: services.reopen(
        actor=r.user,
        application=a,
        on=d["on"],
        appeal=d["appeal"],
        fixed_due_date=d["fixed_due_date"],
        note=d["note"],
    ),
    timeline.RECORD_APPEAL: lambda r, a, d: services.record_appeal(
        actor=r.user,
        application=a,
        kind=d["kind"],
        filed_on=d["filed_on"],
        body=d["body"],
        case_number=d["case_number"],
        after_reconsideration=d["after_reconsideration"],
        note=d["note"],
    ),
}

CONFIRM_WARNINGS: dict[str, Any] = {
    timeline.LAPSE_CORRECTION: gettext_lazy(
        "申请人逾期未补正，本申请将按“视为放弃申请”办结，不再处理（条例第三十条）。办结后不能撤销。"
    ),
    timeline.LAPSE_FEE: gettext_lazy(
        "申请人逾期未缴纳信息处理费，本申请将按“视为放弃申请”办结，不再处理。办结后不能撤销。"
    ),
    timeline.WITHDRAW: gettext_lazy(
        "本申请将按“申请人撤回申请”办结。办结后不能撤销，请确认已收到申请人的撤回申请。"
    ),
    timeline.ISSUE_FEE_NOTICE: gettext_lazy(
        "发出收费通知后，答复期限暂停计算，直至申请人缴费；"
        "申请人收到通知后20个工作日内未缴费的，视为放弃申请。"
    ),
}


def _confirmation_page(
    request: HttpRequest, application: Application, action: str, form: ActionForm, quote: FeeQuote | None
) -> HttpResponse:
    context = {
        "case": application,
        "action": action,
        "label": timeline.ACTION_LABELS[action],
        "form": form,
        "warning": CONFIRM_WARNINGS.get(action, ""),
        "quote": quote,
        "post_url": reverse("cases:act", kwargs={"pk": application.pk, "action": action}),
    }
    return render(request, "applications/officer/confirm.html", context)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Perform one step (``timeline.ACTIONS``) through its service and go back to the case page."""
    if action not in ACTION_FORMS:
        raise Http404
    application = _visible_case(request, pk)
    if not permissions.can_act(request.user, application):
        return _forbidden(request, _("您没有办理该机关政府信息公开申请的权限。"))
    label = timeline.ACTION_LABELS[action]
    situation = selectors.situation_of(application)
    allowed = timeline.allowed_actions(situation, timezone.localdate(), receipt_date=application.receipt_date)
    if action not in allowed:
        messages.error(request, _("该申请目前不能“%(action)s”。") % {"action": label})
        return redirect("cases:detail", pk=application.pk)
    form = _action_form(action, application, situation, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if form.needs_confirmation and not data.get("confirmed"):
                quote = None
                if action == timeline.ISSUE_FEE_NOTICE:
                    quote = services.quote_fee(application, data["method"], data["quantity"])
                    if quote.amount == 0:
                        raise services.CaseError(
                            _(
                                "按国办函〔2020〕109号的标准，本申请不收费（未超过免费额度），无需发出收费通知。"
                            ),
                            code="fee_is_zero",
                        )
                return _confirmation_page(request, application, action, form, quote)
            RUNNERS[action](request, application, data)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except CalendarNotLoaded as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已办理：%(action)s。") % {"action": label})
            return redirect("cases:detail", pk=application.pk)
    application.refresh_from_db()
    context = case_context(request, application, bound=form, bound_action=action)
    return render(request, CASE_TEMPLATE, context)


@login_required
@require_POST
def conclude_appeal(request: HttpRequest, pk: int, appeal_pk: int) -> HttpResponse:
    application = _visible_case(request, pk)
    appeal = get_object_or_404(Appeal.objects.filter(application=application), pk=appeal_pk)
    if not permissions.can_act(request.user, application):
        return _forbidden(request, _("您没有办理该机关政府信息公开申请的权限。"))
    if appeal.result:
        messages.error(request, _("该复议或诉讼已经审结。"))
        return redirect("cases:detail", pk=application.pk)
    form = ConcludeAppealForm(request.POST, appeal=appeal)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.conclude_appeal(
                actor=request.user,
                appeal=appeal,
                result=data["result"],
                concluded_on=data["concluded_on"],
                note=data["note"],
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已登记复议或诉讼的审结结果。"))
            return redirect("cases:detail", pk=application.pk)
    return render(request, CASE_TEMPLATE, case_context(request, application, bound_conclude=form))
