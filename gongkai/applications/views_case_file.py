"""The case file (案卷) on the officer's case page: upload a file, read one, remove one (after a confirmation
page, with a reason), record a letter's delivery (送达), export the whole file as a .zip.

Thin views: the services (:mod:`gongkai.applications.services.case_file`, :mod:`.delivery`) check the
permission and the input and audit; a case the user may not see is 404 (as on the case page), a visible case
the user may not act on or whose files they may not read (a supervisor) gets the 403 page with the reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.applications import permissions, presenters_case_file
from gongkai.applications.forms_case_file import AttachmentUploadForm, DeliveryForm, RemoveAttachmentForm
from gongkai.applications.models import Application, CaseAttachment
from gongkai.applications.services import case_file, delivery
from gongkai.applications.views_officer import CASE_TEMPLATE, case_context
from gongkai.core.responses import forbidden, serve_file

CASE_FILE_ANCHOR = "#case-file"


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return forbidden(request, message, reverse("cases:queue"), _("返回案件列表"))


def _visible_case(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(permissions.cases_visible_to(request.user).select_related("agency"), pk=pk)


def _back(application: Application) -> HttpResponse:
    return redirect(reverse("cases:detail", kwargs={"pk": application.pk}) + CASE_FILE_ANCHOR)


def _case_page_with(
    request: HttpRequest,
    application: Application,
    *,
    upload: AttachmentUploadForm | None = None,
    delivery_form: DeliveryForm | None = None,
) -> HttpResponse:
    context = case_context(request, application)
    context["case_file"] = presenters_case_file.section(
        request.user, application, bound_upload=upload, bound_delivery=delivery_form
    )
    response = render(request, CASE_TEMPLATE, context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_case(request, pk)
    if not permissions.can_act(request.user, application):
        return _forbidden(request, _("您没有办理该机关政府信息公开申请的权限。"))
    form = AttachmentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            attachment = case_file.add_attachment(
                actor=request.user,
                application=application,
                kind=form.cleaned_data["kind"],
                filename=uploaded.name or "",
                data=uploaded.read(),
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已上传案卷材料“%(name)s”。") % {"name": attachment.filename})
            return _back(application)
    return _case_page_with(request, application, upload=form)


@login_required
@require_http_methods(["GET", "HEAD"])
def download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """The file as uploaded; the agency's staff only, every download audited."""
    application = _visible_case(request, pk)
    attachment = get_object_or_404(CaseAttachment.objects.filter(application=application), pk=attachment_pk)
    if application.personal_data_erased_on is not None:
        raise Http404("erased under the retention rule")
    try:
        data = case_file.read_attachment(actor=request.user, attachment=attachment)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    response = serve_file(data, filename=attachment.filename, content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A confirmation page (GET) and the removal with its reason (POST)."""
    application = _visible_case(request, pk)
    attachment = get_object_or_404(CaseAttachment.objects.filter(application=application), pk=attachment_pk)
    if not permissions.can_act(request.user, application):
        return _forbidden(request, _("您没有办理该机关政府信息公开申请的权限。"))
    if attachment.removed:
        messages.error(request, _("该材料已经移除。"))
        return _back(application)
    form = RemoveAttachmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_file.remove_attachment(
                actor=request.user, attachment=attachment, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request, _("已移除案卷材料“%(name)s”，文件仍保存备查。") % {"name": attachment.filename}
            )
            return _back(application)
    context = {
        "case": application,
        "attachment": attachment,
        "kind_label": presenters_case_file.attachment_kind_label(attachment.kind),
        "form": form,
    }
    return render(request, "applications/officer/case_file_remove.html", context)


@login_required
@require_POST
def record_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_case(request, pk)
    if not permissions.can_act(request.user, application):
        return _forbidden(request, _("您没有办理该机关政府信息公开申请的权限。"))
    form = DeliveryForm(request.POST, application=application)
    if form.is_valid():
        data = form.cleaned_data
        try:
            delivery.record_delivery(
                actor=request.user,
                letter=data["letter"],
                method=data["method"],
                delivered_on=data["delivered_on"],
                tracking_number=data["tracking_number"],
                recipient=data["recipient"],
                note=data["note"],
                proof=data["proof"],
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已登记送达：%(letter)s。") % {"letter": data["letter"].title})
            return _back(application)
    return _case_page_with(request, application, delivery_form=form)


@login_required
@require_POST
def export(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """The whole case file as a .zip; the agency's staff only, audited."""
    application = _visible_case(request, pk)
    try:
        archive = case_file.export_case_file(actor=request.user, application=application)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    filename = _("案卷-%(reference)s.zip") % {"reference": application.reference}
    response = serve_file(archive, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response
