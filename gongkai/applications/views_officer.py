"""Officer workspace (案件办理): the queue, registration, the case page and one POST view per step.

Thin views: every write is a call of :mod:`gongkai.applications.services`, which checks the
permission, the state of the case and the input; reads are in :mod:`gongkai.applications.selectors`
and what a page shows is made by :mod:`gongkai.applications.presenters`. A case the
user may not see is "not found" (404), never "forbidden", so that its existence is not revealed;
a visible case the user may not act on (a supervisor) gets a 403 page with the reason.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import Seats, request_seats
from gongkai.applications import (
    letter_files,
    permissions,
    presenters,
    queue_cache,
    selectors,
    services,
    timeline,
)
from gongkai.applications.forms_officer import QueueFilterForm, RegisterForm
from gongkai.applications.forms_steps import ACTION_FORMS, ConcludeAppealForm, ReturnApprovalForm
from gongkai.applications.models import Appeal, Application, Approval, Letter
from gongkai.applications.validators import identity_notes
from gongkai.applications.views_letters import letter_pending
from gongkai.core.i18n import render as render_text
from gongkai.core.responses import forbidden, serve_file
from gongkai.statute.outcomes import OUTCOME_BY_KEY
from gongkai.workdays.calendar import CalendarNotLoaded

PER_PAGE = 50
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CASE_TEMPLATE = "applications/officer/case.html"
APPROVAL_TEMPLATE = "applications/officer/approval.html"
_SECRET_SESSION_KEY = "gongkai.cases.secret.{pk}"


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return forbidden(request, message, reverse("cases:queue"), _("返回案件列表"))


def _visible_case(request: HttpRequest, pk: int) -> Application:
    """The case if ``request.user`` may see it; 404 otherwise (never a hint that it exists)."""
    return get_object_or_404(permissions.cases_visible_to(request.user).select_related("agency"), pk=pk)


# ---------------------------------------------------------------------------------------------
# Queue
# ---------------------------------------------------------------------------------------------


def _filtered_cases(
    request: HttpRequest, th: selectors.Thresholds, agencies: list[Agency] | None, listed: list[Agency]
) -> tuple[QuerySet[Application], QueueFilterForm, str]:
    """The user's cases (at ``agencies``, those they see: ``permissions.visible_agencies``; ``listed``, the
    same as a list) filtered by the GET parameters (``selectors.queue_filter``: not yet ordered or listed),
    the filter form, and the state chosen."""
    visible = permissions.cases_at(agencies)
    form = QueueFilterForm(request.GET or None, agencies=listed, years=selectors.receipt_years(visible))
    state = (form.value("state") or selectors.STATE_OPEN) if form.is_bound else selectors.STATE_OPEN
    filters: dict[str, Any] = {}
    if form.is_bound:
        filters = {name: form.value(name) for name in ("agency", "applicant_type", "channel", "year", "q")}
        filters = {name: value for name, value in filters.items() if value}
    return selectors.queue_filter(visible, th, state=state, **filters), form, state


@login_required
@require_http_methods(["GET", "HEAD"])
def frequent(request: HttpRequest) -> HttpResponse:
    """条例 第四十四条: the information asked for in three cases or more at the agencies the officer acts
    for, with the cases and a way to propose it for proactive disclosure."""
    if not selectors.acting_agencies(request.user).exists():
        return _forbidden(request, _("只有机关的信息员等办理人员可以查看。"))
    page = Paginator(selectors.frequent_groups(request.user), selectors.FREQUENT_PER_PAGE).get_page(
        request.GET.get("page")
    )
    groups = [
        (
            group,
            [
                (
                    case,
                    render_text(OUTCOME_BY_KEY[case.outcome].label) if case.outcome in OUTCOME_BY_KEY else "",
                )
                for case in group.cases
            ],
        )
        for group in selectors.frequent_requests_of(page.object_list)
    ]
    response = render(
        request,
        "applications/officer/frequent.html",
        {
            "groups": groups,
            "page": page,
            "minimum": selectors.FREQUENT_MINIMUM,
            "shown": selectors.FREQUENT_CASES_SHOWN,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def queue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # The user's seats are read once (also for the navigation bar): the agencies seen, registering, approving.
    seats = request_seats(request)
    # The head and body from the cache when nothing they show changed (queue_cache): the version is read
    # here, before anything they are made of — the calendar included; the key is this user's, with the
    # seats just read.
    cache_key = queue_cache.key(request, request.user, seats, today.isoformat())
    fragments = queue_cache.get(cache_key)
    if fragments is None:
        fragments = _queue_fragments(request, selectors.Thresholds.now(today), seats)
        queue_cache.put(cache_key, *fragments)
    awaiting = selectors.approvals_awaiting(request.user, seats)
    context = {
        "head": mark_safe(fragments[0]),  # noqa: S308 (drawn by our templates, escaped there)
        "body": mark_safe(fragments[1]),  # noqa: S308
        "awaiting": [presenters.approval_view(a) for a in awaiting[:100]],
    }
    return render(request, "applications/officer/queue.html", context)


def _queue_fragments(request: HttpRequest, th: selectors.Thresholds, seats: Seats) -> tuple[str, str]:
    """The queue's head and body (``queue_head.html``, ``queue_body.html``) for ``request``: drawn without
    the context processors (they are the page's, made per request) and with no CSRF token or message."""
    agencies = permissions.visible_agencies(request.user, seats)
    listed = selectors.listed_agencies(agencies)
    cases, form, state = _filtered_cases(request, th, agencies, listed)
    # Counted as the bare filter (the order only keeps the paginator from warning; a count drops it); the
    # page's cases are read by queue_page (as values), never through the paginator's slice.
    page = Paginator(cases.order_by("pk"), PER_PAGE).get_page(request.GET.get("page"))
    on_page = (
        selectors.queue_page(cases, state, page.start_index() - 1, page.end_index())
        if page.paginator.count
        else []
    )
    rows = [presenters.queue_row(case, th) for case in on_page]
    show_agency = len(listed) > 1
    values = {
        "form": form,
        "page": page,
        "rows": rows,
        "table_rows": presenters.queue_table_rows(rows, show_agency=show_agency),
        "any_provisional": any(row.case.due_date_provisional and row.case.due_date for row in rows),
        "state": state,
        "today": th.today,
        "calendar_problem": th.problem,
        "show_agency": show_agency,
        "can_register": selectors.may_register(request.user, seats),
    }
    return _draw("applications/officer/queue_head.html", request, values), _draw(
        "applications/officer/queue_body.html", request, values
    )


def _draw(name: str, request: HttpRequest, values: dict[str, Any]) -> str:
    context = Context(values, autoescape=True)
    context.request = request  # type: ignore[attr-defined]  # what {% querystring %} and {% url %} read
    return str(get_template(name).template.render(context))  # type: ignore[attr-defined]


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_http_methods(["GET", "HEAD"])
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered queue as CSV (UTF-8 with BOM for spreadsheet programs); no personal data but names,
    and the export is audited."""
    th = selectors.Thresholds.now()
    agencies = permissions.visible_agencies(request.user, request_seats(request))
    filtered, _form, state = _filtered_cases(request, th, agencies, selectors.listed_agencies(agencies))
    cases = selectors.queue_listing(filtered, state)
    # The export names the applicants: it is audited (one event per agency in it) before it is sent.
    filters = {key: value for key, value in request.GET.items() if key != "page" and value}
    services.record_case_export(actor=request.user, cases=cases, filters=filters)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([str(h) for h in presenters.CSV_HEADER])
        for case in cases.iterator(chunk_size=500):
            yield writer.writerow(presenters.csv_row(case, th))

    response = serve_file(
        lines(), filename=f"cases-{th.today:%Y%m%d}.csv", content_type="text/csv; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    agencies = selectors.acting_agencies(request.user)
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
            for note in identity_notes(application.id_type, application.id_number):
                messages.info(request, note)
            return redirect("cases:detail", pk=application.pk)
    return render(request, "applications/officer/new.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# The case page
# ---------------------------------------------------------------------------------------------


def case_context(request: HttpRequest, application: Application, **bound: Any) -> dict[str, Any]:
    """Everything the case page shows, for ``request.user`` (the secret once, after registration)."""
    secret = request.session.pop(_SECRET_SESSION_KEY.format(pk=application.pk), None)
    return presenters.case_page(request.user, application, secret=secret, **bound)


@login_required
@require_http_methods(["GET", "HEAD"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_case(request, pk)
    # The page names the applicant: the view is audited (at most once an hour per person and case).
    services.record_case_view(actor=request.user, application=application)
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
    """The letter's .docx as issued. It names the applicant and their address: the agency's staff only,
    and every download is audited."""
    application = _visible_case(request, pk)
    issued = get_object_or_404(Letter.objects.filter(application=application), pk=letter_pk)
    if application.personal_data_erased_on is not None:
        raise Http404("erased under the retention rule")
    if not letter_files.is_ready(issued) and permissions.can_see_applicant(request.user, application):
        # Not downloaded yet, so not audited: the page says so and refreshes itself.
        return letter_pending(request, issued, back=reverse("cases:detail", kwargs={"pk": application.pk}))
    try:
        services.download_letter(actor=request.user, application=application, letter=issued)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    data = letter_files.read(issued)
    assert data is not None
    filename = issued.filename or f"{application.reference}-{issued.pk}.docx"
    response = serve_file(data, filename=filename, content_type=DOCX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def render_letter_again(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    """Start the render job of a letter whose .docx is still missing (its last job failed or is stuck)."""
    application = _visible_case(request, pk)
    issued = get_object_or_404(Letter.objects.filter(application=application), pk=letter_pk)
    try:
        services.retry_letter_render(actor=request.user, application=application, letter=issued)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        messages.info(request, exc.messages[0])
    else:
        messages.success(
            request, _("已重新开始生成“%(title)s”的 Word 文件，请稍后刷新本页。") % {"title": issued.title}
        )
    return redirect("cases:detail", pk=application.pk)


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

#: The steps the head approves when the agency's setting says so (D15): submitted instead of done.
SUBMITTERS: dict[str, Runner] = {
    timeline.ANSWER: lambda r, a, d: services.submit_answer(
        actor=r.user,
        application=a,
        outcome=d["outcome"],
        legal_basis=d["legal_basis"],
        reasons=d["reasons"],
        how_to_obtain=d["how_to_obtain"],
        responsible_agency=d["responsible_agency"],
    ),
    timeline.GRANT_EXTENSION: lambda r, a, d: services.submit_extension(
        actor=r.user, application=a, reason=d["reason"]
    ),
}

#: The service's own checks of a step's input, run before its confirmation page.
PRECHECKS: dict[str, Callable[[Application, dict[str, Any], bool], None]] = {
    timeline.ANSWER: lambda a, d, submits: services.check_answer(
        d["outcome"], d["legal_basis"], d["reasons"], d["how_to_obtain"], d["responsible_agency"]
    ),
    timeline.GRANT_EXTENSION: lambda a, d, submits: (
        None if submits else services.check_extension(a, d["approver"], d["reason"])
    ),
}


#: Steps whose service checks are only known by running it: run and rolled back before the confirmation page.
DRY_RUN = frozenset({timeline.REQUEST_CORRECTION, timeline.START_CONSULTATION})


class _RolledBack(Exception):
    """Ends a dry run's transaction."""


def _dry_run(request: HttpRequest, application: Application, action: str, data: dict[str, Any]) -> None:
    """Run the step in a transaction that is rolled back (nothing is kept: no event, letter, number or audit
    row); a refusal of the service is raised as it would be when confirmed."""
    try:
        with transaction.atomic():
            RUNNERS[action](request, application, data)
            raise _RolledBack
    except _RolledBack:
        application.refresh_from_db()


def _confirmation(request: HttpRequest, application: Application, action: str, form: Any) -> HttpResponse:
    """The page asking to confirm the step; what the service would refuse is said before it, not after."""
    data = form.cleaned_data
    if action in PRECHECKS:
        PRECHECKS[action](application, data, form.submits)
    if action in DRY_RUN:
        _dry_run(request, application, action, data)
    quote = None
    if action == timeline.ISSUE_FEE_NOTICE:
        quote = services.quote_fee(application, data["method"], data["quantity"])
        if quote.amount == 0:
            raise services.CaseError(
                _("按国办函〔2020〕109号的标准，本申请不收费（未超过免费额度），无需发出收费通知。"),
                code="fee_is_zero",
            )
    return render(
        request,
        "applications/officer/confirm.html",
        presenters.confirmation_page(application, action, form, quote),
    )


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Perform one step (``timeline.ACTIONS``) through its service and go back to the case page."""
    if action not in ACTION_FORMS:
        raise Http404
    application = _visible_case(request, pk)
    if not permissions.can_act(request.user, application):
        return _forbidden(request, _("您没有办理该机关政府信息公开申请的权限。"))
    label = render_text(timeline.ACTION_LABELS[action])
    situation = selectors.situation_of(application)
    allowed = timeline.allowed_actions(situation, timezone.localdate(), receipt_date=application.receipt_date)
    if action not in allowed:
        messages.error(request, _("该申请目前不能“%(action)s”。") % {"action": label})
        return redirect("cases:detail", pk=application.pk)
    if action in SUBMITTERS and selectors.pending_approval(application) is not None:
        messages.error(request, _("本申请已有一项待负责人审批的事项，请等待审批或由负责人退回后再提交。"))
        return redirect("cases:detail", pk=application.pk)
    form = presenters.action_form(action, application, situation, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if form.needs_confirmation and not data.get("confirmed"):
                return _confirmation(request, application, action, form)
            if form.submits:
                SUBMITTERS[action](request, application, data)
            else:
                RUNNERS[action](request, application, data)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except CalendarNotLoaded as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            if form.submits:
                messages.success(request, _("已提交负责人审批：%(action)s。") % {"action": label})
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


# ---------------------------------------------------------------------------------------------
# The head's approval (D15)
# ---------------------------------------------------------------------------------------------


def _approval(request: HttpRequest, pk: int, approval_pk: int) -> tuple[Application, Approval]:
    application = _visible_case(request, pk)
    approval = get_object_or_404(Approval.objects.filter(application=application), pk=approval_pk)
    approval.application = application
    return application, approval


@login_required
@require_http_methods(["GET", "HEAD"])
def approval(request: HttpRequest, pk: int, approval_pk: int) -> HttpResponse:
    """What was submitted, the letter it will issue, and (for the head) approve or return."""
    application, submitted = _approval(request, pk, approval_pk)
    response = render(
        request, APPROVAL_TEMPLATE, presenters.approval_page(request.user, application, submitted)
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def approve(request: HttpRequest, pk: int, approval_pk: int) -> HttpResponse:
    """Approve after a confirmation page: the answer is issued or the period extended, dated today."""
    application, submitted = _approval(request, pk, approval_pk)
    if not permissions.can_decide(request.user, submitted):
        return _forbidden(
            request, _("只有本机关的信息公开工作机构负责人可以审批，且不能审批自己提交的事项。")
        )
    if not request.POST.get("confirmed"):
        return render(
            request,
            "applications/officer/approve_confirm.html",
            presenters.approve_confirmation(application, submitted),
        )
    try:
        services.approve(actor=request.user, approval=submitted)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cases:approval", pk=application.pk, approval_pk=submitted.pk)
    messages.success(request, _("已审批同意：%(kind)s。") % {"kind": submitted.get_kind_display()})
    return redirect("cases:detail", pk=application.pk)


@login_required
@require_POST
def return_approval(request: HttpRequest, pk: int, approval_pk: int) -> HttpResponse:
    """Return the submitted step to the officer with a reason (mandatory)."""
    application, submitted = _approval(request, pk, approval_pk)
    if not permissions.can_decide(request.user, submitted):
        return _forbidden(
            request, _("只有本机关的信息公开工作机构负责人可以审批，且不能审批自己提交的事项。")
        )
    form = ReturnApprovalForm(request.POST)
    if form.is_valid():
        try:
            services.return_for_changes(
                actor=request.user, approval=submitted, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已退回经办人修改，退回理由已记入办理记录。"))
            return redirect("cases:detail", pk=application.pk)
    submitted.refresh_from_db()
    context = presenters.approval_page(request.user, application, submitted, return_form=form)
    return render(request, APPROVAL_TEMPLATE, context)
