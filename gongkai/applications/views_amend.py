"""更正 in the officer workspace: correcting a case's recorded details or its answer, in three steps —
the form (filled in with what is recorded now), a page listing each change old → new with the reason,
and the confirmed correction through :mod:`gongkai.applications.services.amend`.

Only the agency's acting staff (信息员, 信息公开工作机构负责人) reach these pages; others who see the case
get 403 with the reason, everyone else 404. Opening the details form shows the applicant's personal
data, so it is audited as a view of it (``application.applicant_viewed``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongkai.applications import permissions, presenters_amend, selectors, services
from gongkai.applications.forms_amend import DetailsCorrectionForm, OutcomeCorrectionForm
from gongkai.applications.models import Application
from gongkai.applications.views_officer import _forbidden, _visible_case

FORM_TEMPLATE = "applications/officer/correct.html"
CONFIRM_TEMPLATE = "applications/officer/correct_confirm.html"


def _acting_case(request: HttpRequest, pk: int) -> Application | HttpResponse:
    application = _visible_case(request, pk)
    if not permissions.can_act(request.user, application):
        return _forbidden(
            request, _("只有本机关的信息员或信息公开工作机构负责人可以更正申请的登记信息和答复。")
        )
    return application


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def correct_details(request: HttpRequest, pk: int) -> HttpResponse:
    application = _acting_case(request, pk)
    if isinstance(application, HttpResponse):
        return application
    receipt_correctable = selectors.receipt_facts_correctable(application)
    context: dict[str, Any] = {
        "case": application,
        "title": _("更正登记信息"),
        "receipt_correctable": receipt_correctable,
        "kind": "details",
    }
    if request.method != "POST":
        try:
            services.reveal_applicant(actor=request.user, application=application)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        form = DetailsCorrectionForm(application=application, receipt_correctable=receipt_correctable)
        return _page(request, FORM_TEMPLATE, {**context, "form": form})
    form = DetailsCorrectionForm(
        request.POST, application=application, receipt_correctable=receipt_correctable
    )
    if form.is_valid():
        try:
            if not form.cleaned_data["confirmed"]:
                changes = services.details_changes(application, form.changes())
                if not changes:
                    raise services.CaseError(
                        _("没有需要更正的内容：填写的内容与现在登记的相同。"), code="nothing_changed"
                    )
                rows = presenters_amend.details_rows(changes)
                moves_clock = any(c.field in {"channel", "arrived_at", "confirmed_on"} for c in changes)
                return _page(
                    request,
                    CONFIRM_TEMPLATE,
                    {**context, "form": form, "rows": rows, "moves_clock": moves_clock},
                )
            services.correct_details(
                actor=request.user,
                application=application,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已更正登记信息，更正记录已写入办理记录。"))
            return redirect("cases:detail", pk=application.pk)
    return _page(request, FORM_TEMPLATE, {**context, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def correct_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    application = _acting_case(request, pk)
    if isinstance(application, HttpResponse):
        return application
    previous = services.answer_in_force(application)
    context: dict[str, Any] = {"case": application, "title": _("更正答复"), "kind": "outcome"}
    if not previous:
        messages.error(
            request,
            _("本申请没有可以更正的答复：只有已作出答复的申请可以更正答复。"),
        )
        return redirect("cases:detail", pk=application.pk)
    if request.method != "POST":
        form = OutcomeCorrectionForm(application=application, initial=previous)
        return _page(request, FORM_TEMPLATE, {**context, "form": form})
    form = OutcomeCorrectionForm(request.POST, application=application)
    if form.is_valid():
        data = form.cleaned_data
        new = {key: (data[key] or "").strip() for key in previous}
        try:
            if not data["confirmed"]:
                rows = presenters_amend.outcome_rows(previous, new)
                if not rows:
                    raise services.CaseError(
                        _("没有需要更正的内容：填写的答复与现行答复相同。"), code="nothing_changed"
                    )
                return _page(request, CONFIRM_TEMPLATE, {**context, "form": form, "rows": rows})
            services.correct_outcome(
                actor=request.user, application=application, reason=data["reason"], **new
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已更正答复并出具新的答复书；原答复书保留并标注为已被更正。"))
            return redirect("cases:detail", pk=application.pk)
    return _page(request, FORM_TEMPLATE, {**context, "form": form})
