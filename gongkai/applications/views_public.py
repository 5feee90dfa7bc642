"""The public side: apply online (在线申请), follow an application (申请查询), compute a deadline (期限计算).

No login. An applicant proves they may see a case with its tracking code and secret; a successful
lookup (or the submission itself) *grants* that case to the browser session, and only granted cases
are shown. The secret is never put in a URL: the receipt page gets it through the session, once.
Nothing the applicant gave about themself (id number, phone, address) is shown on these pages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.applications import codes, letter_files, selectors, services
from gongkai.applications.calculator import CalculatorError, calculate
from gongkai.applications.clock import Clock, ClockError
from gongkai.applications.forms_public import (
    ApplyForm,
    DeadlineForm,
    StatusLookupForm,
    new_submission_key,
    normalize_code,
)
from gongkai.applications.models import Application, CaseEvent, EventKind, Letter
from gongkai.applications.timeline import EventRecord, Situation
from gongkai.applications.validators import identity_notes
from gongkai.applications.views_letters import REFRESH_SECONDS, letter_pending
from gongkai.core import ratelimit
from gongkai.core.formatting import date_message
from gongkai.core.i18n import render as render_text
from gongkai.core.i18n import render_error
from gongkai.core.responses import serve_file
from gongkai.statute.outcomes import OUTCOME_BY_KEY
from gongkai.workdays.calendar import CalendarNotLoaded

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: Online submissions per client address (kept low: each one is a case an office must handle).
APPLY_PER_HOUR = 5
APPLY_PER_DAY = 20
#: Failed status lookups per hour (settings ``GONGKAI_LOOKUP_FAILURES_PER_CODE``, ``…_PER_ADDRESS``): a
#: tracking code is locked after this many wrong secrets (from any address), and an address after this
#: many failures on any codes (someone scanning codes). Applicants behind one NAT share the address, so
#: its limit is much higher: one applicant's wrong secrets do not lock another's code.
LOOKUP_FAILURES_PER_CODE = 10
LOOKUP_FAILURES_PER_ADDRESS = 100
_HOUR = datetime.timedelta(hours=1)
_DAY = datetime.timedelta(days=1)

#: How long after a submission the receipt page waits (refreshing itself, the secret kept for it) for the
#: 回执's .docx; past it the page stops refreshing and the letter is offered on the status page when ready.
RECEIPT_WAIT = datetime.timedelta(minutes=5)

SESSION_GRANTED = "public_granted_cases"
SESSION_RECEIPTS = "public_receipts"
MAX_GRANTED = 20
MAX_RECEIPTS = 10


# ---------------------------------------------------------------------------------------------
# Session and rate-limit helpers
# ---------------------------------------------------------------------------------------------


def _blocked(scope: str, key: str, *, limit: int, window: datetime.timedelta) -> bool:
    """Whether ``key`` already used up ``limit`` in ``window`` (reads only; ``ratelimit.hit`` counts)."""
    return ratelimit.count(scope, key, window=window) >= limit


def _lookup_limits() -> tuple[int, int]:
    """Failed lookups an hour: per tracking code, per client address (settings, with the defaults above)."""
    per_code = getattr(settings, "GONGKAI_LOOKUP_FAILURES_PER_CODE", LOOKUP_FAILURES_PER_CODE)
    per_address = getattr(settings, "GONGKAI_LOOKUP_FAILURES_PER_ADDRESS", LOOKUP_FAILURES_PER_ADDRESS)
    return int(per_code), int(per_address)


def _may_submit(request: HttpRequest) -> bool:
    key = ratelimit.client_key(request)
    # The day's count is checked first without counting, so an attempt refused by the hourly limit
    # does not use up the day's allowance.
    if _blocked("apply-day", key, limit=APPLY_PER_DAY, window=_DAY):
        return False
    if not ratelimit.hit("apply", key, limit=APPLY_PER_HOUR, window=_HOUR):
        return False
    return ratelimit.hit("apply-day", key, limit=APPLY_PER_DAY, window=_DAY)


def _granted(request: HttpRequest) -> list[int]:
    return [int(pk) for pk in request.session.get(SESSION_GRANTED, [])]


def _grant(request: HttpRequest, application: Application) -> None:
    granted = [pk for pk in _granted(request) if pk != application.pk]
    # A new privilege in this session: give it a new key (no session fixation).
    request.session.cycle_key()
    request.session[SESSION_GRANTED] = [*granted, application.pk][-MAX_GRANTED:]


def _granted_case(request: HttpRequest, code: str) -> Application | None:
    return (
        Application.objects.select_related("agency")
        .filter(tracking_code=normalize_code(code), pk__in=_granted(request))
        .first()
    )


def _remember_receipt(
    request: HttpRequest, submission_key: str, application: Application, secret: str
) -> None:
    receipts: dict[str, dict[str, str]] = dict(request.session.get(SESSION_RECEIPTS, {}))
    receipts.pop(submission_key, None)
    receipts[submission_key] = {str(application.pk): secret}
    request.session[SESSION_RECEIPTS] = dict(list(receipts.items())[-MAX_RECEIPTS:])


def _peek_secret(request: HttpRequest, application: Application) -> str:
    """The secret of a just-submitted case, left in the session (the receipt page refreshes itself)."""
    receipts: dict[str, dict[str, str]] = dict(request.session.get(SESSION_RECEIPTS, {}))
    return next(
        (entry[str(application.pk)] for entry in receipts.values() if str(application.pk) in entry), ""
    )


def _take_secret(request: HttpRequest, application: Application) -> str:
    """The secret of a just-submitted case, removed from the session (it is shown once)."""
    receipts: dict[str, dict[str, str]] = dict(request.session.get(SESSION_RECEIPTS, {}))
    secret = ""
    for key, entry in list(receipts.items()):
        if str(application.pk) in entry:
            secret = entry[str(application.pk)]
            del receipts[key]
    request.session[SESSION_RECEIPTS] = receipts
    return secret


def _group(code: str) -> str:
    return codes.format_tracking_code(code)


# ---------------------------------------------------------------------------------------------
# Online application
# ---------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    template = "applications/public/apply.html"
    if request.method != "POST":
        return render(
            request, template, {"form": ApplyForm(initial={"submission_key": new_submission_key()})}
        )
    form = ApplyForm(request.POST)
    if not form.is_valid():
        return render(request, template, {"form": form.with_fresh_key_if_invalid()})
    data = form.cleaned_data
    key = data["submission_key"]
    repeated = Application.objects.filter(submission_key=key).exists()
    if not repeated and not _may_submit(request):
        message = _(
            "提交过于频繁：同一网络每小时最多提交 %(hour)d 件、每天最多 %(day)d 件申请。请稍后再提交，"
            "或者到受理机关当面提交。"
        ) % {"hour": APPLY_PER_HOUR, "day": APPLY_PER_DAY}
        return render(request, template, {"form": form, "limited": message}, status=429)
    assert form.chosen_agency is not None
    try:
        application, secret, _created = services.submit_online(
            agency=form.chosen_agency,
            applicant=services.Applicant.from_form(data),
            request=services.Request.from_form(data),
            submission_key=key,
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        # The key was not used (or was someone else's): the re-shown form gets a new one.
        return render(request, template, {"form": form.with_fresh_key_if_invalid(always=True)})
    _remember_receipt(request, key, application, secret)
    _grant(request, application)
    if repeated:
        messages.info(request, _("这份申请表已经提交过，以下是该次提交的回执；没有重复登记。"))
    for note in identity_notes(application.id_type, application.id_number, region=False):
        messages.info(request, note)
    return redirect("public:receipt", code=application.tracking_code)


def _add_errors(form: ApplyForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@never_cache
@require_GET
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    application = _granted_case(request, code)
    if application is None:
        return redirect("public:status")
    receipt_letter = (
        Letter.objects.filter(application=application, kind="receipt", for_applicant=True)
        .only("id", "title", "number", "rendered_at")
        .order_by("-id")
        .first()
    )
    # The 回执's .docx is made after the submission (a job): until it is, the page refreshes itself, and
    # the secret — shown once — stays in the session for the refreshes (not past RECEIPT_WAIT).
    pending = (
        receipt_letter is not None
        and not letter_files.is_ready(receipt_letter)
        and timezone.now() - application.arrived_at < RECEIPT_WAIT
    )
    secret = _peek_secret(request, application) if pending else _take_secret(request, application)
    clock = _clock(application)
    context = {
        "case": application,
        "code": _group(application.tracking_code),
        "secret": _group(secret) if secret else "",
        "receipt_date": _fmt(application.receipt_date),
        "due_date": _fmt(clock.due_date if clock else None),
        "provisional": clock is not None and clock.provisional,
        "receipt_letter": receipt_letter,
        "receipt_pending": receipt_letter is not None and not letter_files.is_ready(receipt_letter),
        "refresh_seconds": REFRESH_SECONDS if pending else None,
    }
    return render(request, "applications/public/receipt.html", context)


# ---------------------------------------------------------------------------------------------
# Status lookup
# ---------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    template = "applications/public/status_lookup.html"
    if request.method != "POST":
        return render(request, template, {"form": StatusLookupForm()})
    form = StatusLookupForm(request.POST)
    address = ratelimit.client_key(request)
    too_many = _(
        "查询失败次数过多，请一小时后再试。如果遗失了查询码或查询密码，请联系受理机关的政府信息公开工作机构。"
    )
    per_code, per_address = _lookup_limits()
    if _blocked("status-lookup", address, limit=per_address, window=_HOUR):
        return render(request, template, {"form": form, "limited": too_many}, status=429)
    if not form.is_valid():
        return render(request, template, {"form": form})
    code, secret = form.cleaned_data["code"], form.cleaned_data["secret"]
    code_key = ratelimit.keyed("tracking-code", code)
    if _blocked("status-lookup-code", code_key, limit=per_code, window=_HOUR):
        return render(request, template, {"form": form, "limited": too_many}, status=429)
    application = Application.objects.filter(tracking_code=code).first() if code else None
    if application is None:
        codes.hash_secret(secret)  # the same work as for a wrong secret: no timing difference
        matches = False
    else:
        matches = codes.check_secret(application, secret)
    if application is None or not secret or not matches:
        # Both are counted (the code's failures lock the code, the address's many codes the address).
        code_ok = ratelimit.hit("status-lookup-code", code_key, limit=per_code, window=_HOUR)
        address_ok = ratelimit.hit("status-lookup", address, limit=per_address, window=_HOUR)
        if not (code_ok and address_ok):
            return render(request, template, {"form": form, "limited": too_many}, status=429)
        form.add_error(None, _("查询码或查询密码不正确，请核对后重新输入。"))
        return render(request, template, {"form": form})
    _grant(request, application)
    return redirect("public:status_detail", code=application.tracking_code)


@require_POST
def status_exit(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_GRANTED, None)
    request.session.pop(SESSION_RECEIPTS, None)
    messages.success(request, _("已退出查询。"))
    return redirect("public:status")


@dataclass(frozen=True)
class PublicEvent:
    day: str
    label: str


@dataclass(frozen=True)
class PublicState:
    label: str
    details: tuple[str, ...] = ()


#: Steps of a case the applicant sees, in plain words. Anything else (notes, internal steps) is left out;
#: who did a step is never shown.
_PUBLIC_EVENT_LABELS: dict[str, Promise] = {
    EventKind.REGISTERED: gettext_lazy("登记申请"),
    EventKind.SUBMITTED_ONLINE: gettext_lazy("网上提交申请"),
    EventKind.RECEIPT_CONFIRMED: gettext_lazy("确认收到申请"),
    EventKind.CORRECTION_REQUESTED: gettext_lazy("告知补正"),
    EventKind.CORRECTION_RECEIVED: gettext_lazy("收到补正后的申请，答复期限重新计算"),
    EventKind.CONSULTATION_STARTED: gettext_lazy("征求意见（此期间不计入答复期限）"),
    EventKind.CONSULTATION_ENDED: gettext_lazy("征求意见结束"),
    EventKind.EXTENSION_GRANTED: gettext_lazy("延期答复"),
    EventKind.FEE_NOTICE_ISSUED: gettext_lazy("发出收费通知"),
    EventKind.FEE_PAID: gettext_lazy("缴纳信息处理费"),
    EventKind.ANSWERED: gettext_lazy("作出答复"),
    EventKind.WITHDRAWN: gettext_lazy("撤回申请"),
    EventKind.REOPENED: gettext_lazy("重新办理"),
    EventKind.LETTER_ISSUED: gettext_lazy("出具文书"),
    EventKind.DETAILS_CORRECTED: gettext_lazy("更正登记信息"),
    EventKind.OUTCOME_CORRECTED: gettext_lazy("更正答复（以新出具的答复书为准）"),
}


def fmt(day: datetime.date) -> str:
    """``2026年2月10日（星期二）`` in the reader's language."""
    return render_text(date_message(day, weekday=True))


def _fmt(day: datetime.date | None) -> str:
    return fmt(day) if day is not None else ""


def _clock(application: Application, events: list[EventRecord] | None = None) -> Clock | None:
    try:
        return selectors.clock_of(application, events=events)
    except (CalendarNotLoaded, ClockError):
        return None


def _last(events: list[CaseEvent], kind: str) -> CaseEvent | None:
    return next((e for e in reversed(events) if e.kind == kind), None)


def _state(s: Situation, events: list[CaseEvent], clock: Clock | None) -> PublicState:
    if s.closed:
        if s.outcome == "withdrawn":
            return PublicState(_("已撤回申请（%(day)s）") % {"day": _fmt(s.facts.answered_on)})
        outcome = OUTCOME_BY_KEY.get(s.outcome)
        return PublicState(
            _("已于 %(day)s 作出答复") % {"day": _fmt(s.facts.answered_on)},
            (_("答复结果：%(label)s") % {"label": render_text(outcome.label) if outcome else s.outcome},),
        )
    if s.waiting_on == "confirmation":
        return PublicState(_("申请已到达，正在确认收到"))
    if s.waiting_on == "correction":
        notice = _last(events, EventKind.CORRECTION_REQUESTED)
        data = notice.data if notice else {}
        details = []
        if data.get("items"):
            details.append(_("需要补正的事项：%(items)s") % {"items": data["items"]})
        if data.get("period_end"):
            end = datetime.date.fromisoformat(str(data["period_end"]))
            details.append(_("请在 %(day)s 前补正。") % {"day": fmt(end)})
        details.append(_("补正期间答复期限暂停计算，收到补正后重新计算。"))
        return PublicState(_("等待您补正申请"), tuple(details))
    if s.waiting_on == "payment":
        notice = _last(events, EventKind.FEE_NOTICE_ISSUED)
        data = notice.data if notice else {}
        details = []
        if data.get("amount") is not None:
            details.append(_("应缴金额：%(amount)s 元") % {"amount": data["amount"]})
        if data.get("payment_due"):
            due = datetime.date.fromisoformat(str(data["payment_due"]))
            details.append(_("缴费期限：%(day)s") % {"day": fmt(due)})
        details.append(_("缴费期间答复期限暂停计算。"))
        return PublicState(_("等待您缴纳信息处理费"), tuple(details))
    if s.waiting_on == "consultation":
        return PublicState(_("正在征求第三方或有关机关的意见"), (_("征求意见期间不计入答复期限。"),))
    if s.extended and clock is not None and clock.due_date is not None:
        return PublicState(_("已延期答复，答复期限延至 %(day)s") % {"day": fmt(clock.due_date)})
    if s.reopened:
        return PublicState(_("正在重新办理"))
    return PublicState(_("已收到申请，正在办理"))


def _public_events(events: list[CaseEvent], letters: dict[int, Letter]) -> list[PublicEvent]:
    shown = []
    for event in events:
        label = _PUBLIC_EVENT_LABELS.get(event.kind)
        if label is None:
            continue
        if event.kind == EventKind.LETTER_ISSUED:
            letter = letters.get(int(event.data.get("letter_id") or 0))
            if letter is None:  # a letter not meant for the applicant (e.g. to a third party)
                continue
            shown.append(PublicEvent(_fmt(event.occurred_on), f"{label}：{letter.title}"))
            continue
        shown.append(PublicEvent(_fmt(event.occurred_on), str(label)))
    return shown


@never_cache
@require_GET
def status_detail(request: HttpRequest, code: str) -> HttpResponse:
    application = _granted_case(request, code)
    if application is None:
        messages.info(request, _("请输入查询码和查询密码。"))
        return redirect("public:status")
    events = list(application.events.order_by("seq"))
    records = [EventRecord(e.seq, e.kind, e.occurred_on, e.data) for e in events]
    situation = selectors.situation_of(application, records)
    clock = _clock(application, records)
    letters = {
        letter.pk: letter
        for letter in Letter.objects.filter(application=application, for_applicant=True)
        .only("id", "title", "number", "issued_on", "filename", "superseded_by", "rendered_at")
        .order_by("issued_on", "id")
    }
    context: dict[str, Any] = {
        "case": application,
        "code": _group(application.tracking_code),
        "submitted_on": _fmt(timezone.localdate(application.arrived_at)),
        "receipt_date": _fmt(application.receipt_date),
        "due_date": _fmt(clock.due_date if clock else None),
        "provisional": clock is not None and clock.provisional,
        "clock": clock,
        "state": _state(situation, events, clock),
        "events": _public_events(events, letters),
        "letters": [
            {"letter": letter, "issued_on": _fmt(letter.issued_on), "ready": letter_files.is_ready(letter)}
            for letter in letters.values()
        ],
    }
    # A letter still being made: the page refreshes itself until every letter can be downloaded.
    if any(not letter_files.is_ready(letter) for letter in letters.values()):
        context["refresh_seconds"] = REFRESH_SECONDS
    return render(request, "applications/public/status_detail.html", context)


@never_cache
@require_GET
def status_letter(request: HttpRequest, code: str, letter_pk: int) -> HttpResponse:
    application = _granted_case(request, code)
    if application is None:
        raise Http404
    letter = Letter.objects.filter(pk=letter_pk, application=application, for_applicant=True).first()
    if letter is None or application.personal_data_erased_on is not None:
        raise Http404
    data = letter_files.read(letter)
    if data is None:
        return letter_pending(request, letter, back=reverse("public:status_detail", args=[code]))
    services.record_applicant_download(application=application, letter=letter)
    return serve_file(data, filename=letter.filename or f"{letter.pk}.docx", content_type=DOCX)


# ---------------------------------------------------------------------------------------------
# Deadline calculator
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def deadline(request: HttpRequest) -> HttpResponse:
    form = DeadlineForm(request.GET if "received" in request.GET else None)
    result: dict[str, Any] | None = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            computed = calculate(
                received=data["received"],
                channel=data["channel"],
                confirmed=data["confirmed"],
                correction_received=data["correction_received"],
                correction_requested=data["correction_requested"],
                pauses=form.pauses(),
                extended=data["extended"],
            )
        except CalculatorError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except CalendarNotLoaded as exc:
            form.add_error(None, render_error(exc))
        else:
            result = {
                **computed,
                "receipt_label": fmt(datetime.date.fromisoformat(computed["receipt_date"])),
                "due_label": fmt(datetime.date.fromisoformat(computed["due_date"])),
                "original_due_label": fmt(datetime.date.fromisoformat(computed["original_due_date"])),
            }
    return render(request, "applications/public/deadline.html", {"form": form, "result": result})
