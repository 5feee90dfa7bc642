"""The readable audit log (/audit/): the events the reader may read, filtered and paged, and their export
(CSV streamed with a BOM for Excel, or .xlsx; itself audited). Thin views: reads in :mod:`.selectors`, the
rows in :mod:`.presenters`, the audit of exports and of an 审计管理员's reads in :mod:`.services`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.auditlog import permissions, presenters, selectors, services
from gongkai.auditlog.forms import AuditFilterForm
from gongkai.core.pagination import CappedPaginator
from gongkai.core.responses import forbidden, serve_file

R = TypeVar("R", bound=HttpResponseBase)

PER_PAGE = 50
#: The most events one .xlsx export holds; a larger selection is refused with a request to narrow it (the
#: CSV export is streamed and holds any number).
MAX_EXPORT = 20_000
CSV_CHUNK = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _private(response: R) -> R:
    response["Cache-Control"] = "private, no-store"
    return response


def _denied(request: HttpRequest) -> HttpResponse:
    return _private(forbidden(request, services.refusal()))


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
    rows = presenters.rows(request.user, page.object_list)
    services.record_read(actor=request.user, filters=form.filters(), page=page.number, shown=len(rows))
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "security_only": permissions.reads_security_events_only(request.user),
    }
    return _private(render(request, "auditlog/log.html", context))


def _csv_lines(user: Any, events: Any) -> Iterator[str]:
    """The CSV export, a chunk of events at a time (any number of events, little memory)."""
    yield "\ufeff" + presenters.csv_line(presenters.export_header())
    chunk: list[Any] = []
    for event in events.select_related("agency", "actor").iterator(chunk_size=CSV_CHUNK):
        chunk.append(event)
        if len(chunk) == CSV_CHUNK:
            yield "".join(
                presenters.csv_line(presenters.export_values(row)) for row in presenters.rows(user, chunk)
            )
            chunk = []
    if chunk:
        yield "".join(
            presenters.csv_line(presenters.export_values(row)) for row in presenters.rows(user, chunk)
        )


@login_required
@require_safe
def export(request: HttpRequest, file_format: str) -> HttpResponseBase:
    if file_format not in ("csv", "xlsx"):
        raise Http404
    if not permissions.can_read(request.user):
        return _denied(request)
    form, events = _form(request)
    name = _("审计日志-%(day)s") % {"day": presenters.today_stamp()}
    if file_format == "xlsx" and events[MAX_EXPORT : MAX_EXPORT + 1].exists():
        message = _("所选审计事件超过 %(n)s 条，请缩小日期范围或增加筛选条件后再导出。") % {"n": MAX_EXPORT}
        return _private(forbidden(request, message))
    try:
        services.record_export(
            actor=request.user,
            counts=selectors.agency_counts(events),
            filters=form.filters(),
            file_format=file_format,
        )
    except PermissionDenied:
        return _denied(request)
    filename = f"{name}.{file_format}"
    if file_format == "csv":
        lines = _csv_lines(request.user, events)
        return _private(serve_file(lines, filename=filename, content_type="text/csv; charset=utf-8"))
    rows = presenters.rows(request.user, events[:MAX_EXPORT])
    return _private(serve_file(presenters.export_xlsx(rows, name), filename=filename, content_type=XLSX_TYPE))
