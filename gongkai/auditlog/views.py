"""The readable audit log (/audit/): the events the reader may read, filtered and paged, and their export
(CSV or .xlsx, itself audited). Thin views: reads in :mod:`.selectors`, the rows in :mod:`.presenters`,
the export's audit in :mod:`.services`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.auditlog import permissions, presenters, selectors, services
from gongkai.auditlog.forms import AuditFilterForm
from gongkai.core.pagination import CappedPaginator
from gongkai.core.responses import forbidden, serve_file

PER_PAGE = 50
#: The most events one export holds; a larger selection is refused with a request to narrow it.
MAX_EXPORT = 20_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _denied(request: HttpRequest) -> HttpResponse:
    message = _("只有信息公开工作机构负责人、管理员或政务公开办可以查看审计日志。")
    return _private(forbidden(request, message))


def _form(request: HttpRequest) -> tuple[AuditFilterForm, Any]:
    visible = selectors.events_visible_to(request.user)
    form = AuditFilterForm(
        request.GET or None,
        people=selectors.person_choices(visible),
        object_types=selectors.object_type_choices(visible),
        agencies=selectors.agency_choices(request.user),
    )
    return form, selectors.filtered(visible, form.filters())


@login_required
@require_safe
def log(request: HttpRequest) -> HttpResponse:
    if not permissions.can_read(request.user):
        return _denied(request)
    form, events = _form(request)
    page = CappedPaginator(events, PER_PAGE, cap=None).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "rows": presenters.rows(request.user, page.object_list)}
    return _private(render(request, "auditlog/log.html", context))


@login_required
@require_safe
def export(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "xlsx"):
        raise Http404
    if not permissions.can_read(request.user):
        return _denied(request)
    form, events = _form(request)
    selected = list(events[: MAX_EXPORT + 1])
    if len(selected) > MAX_EXPORT:
        message = _("所选审计事件超过 %(n)s 条，请缩小日期范围或增加筛选条件后再导出。") % {"n": MAX_EXPORT}
        return _private(forbidden(request, message))
    try:
        services.record_export(
            actor=request.user, events=selected, filters=form.filters(), file_format=file_format
        )
    except PermissionDenied:
        return _denied(request)
    rows = presenters.rows(request.user, selected)
    name = _("审计日志-%(day)s") % {"day": presenters.today_stamp()}
    filename = f"{name}.{file_format}"
    if file_format == "csv":
        csv_file = presenters.export_csv(rows)
        return _private(serve_file(csv_file, filename=filename, content_type="text/csv; charset=utf-8"))
    return _private(serve_file(presenters.export_xlsx(rows, name), filename=filename, content_type=XLSX_TYPE))
