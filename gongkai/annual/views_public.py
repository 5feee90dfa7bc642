"""Published annual reports on the public site: /gk/<agency>/reports/<year>/ and its downloads.

Only published versions are public; the latest is shown by default, earlier ones with ``?version=N``, each
correction with its change note and the cells and sections it changed. Drafts are never public.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from gongkai.agencies.models import Agency
from gongkai.annual import documents, selectors
from gongkai.annual.models import ReportVersion, VersionStatus
from gongkai.annual.views import CONTENT_TYPES, file_response
from gongkai.core.i18n import render_error
from gongkai.reports import deadlines
from gongkai.reports.diff import changes, describe
from gongkai.reports.document import ReportDocument
from gongkai.reports.export import ExportUnavailable
from gongkai.reports.export.html import REPORT_CSS, render_html


def _published(short_code: str, year: int) -> tuple[Agency, list[ReportVersion]]:
    agency = get_object_or_404(Agency, short_code=short_code)
    versions = list(
        ReportVersion.objects.filter(report__agency=agency, report__year=year, status=VersionStatus.PUBLISHED)
        .select_related("report", "report__agency")
        .order_by("number")
    )
    if not versions:
        raise Http404(_("该机关尚未公开%(year)d年度报告。") % {"year": year})
    return agency, versions


def _chosen(request: HttpRequest, versions: list[ReportVersion]) -> ReportVersion:
    requested = request.GET.get("version", "")
    if requested:
        chosen = next((v for v in versions if str(v.number) == requested), None)  # exact text: no int()
        if chosen is None:
            raise Http404(_("没有该版本。"))
        return chosen
    return versions[-1]


@require_safe
def report(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    agency, versions = _published(short_code, year)
    shown = _chosen(request, versions)
    doc = documents.to_document(shown)
    deadline = selectors.deadline_for(agency, year)
    first_published = versions[0].published_on
    history = []
    previous_doc: ReportDocument | None = None
    for version in versions:
        version_doc = documents.to_document(version) if version.pk != shown.pk else doc
        diff = changes(previous_doc, version_doc) if previous_doc is not None else None
        history.append(
            {
                "version": version,
                "cells": [describe(c) for c in diff.cells] if diff else [],
                "sections": diff.sections if diff else (),
            }
        )
        previous_doc = version_doc
    return render(
        request,
        "annual/public/report.html",
        {
            "agency": agency,
            "year": year,
            "shown": shown,
            "is_latest": shown.pk == versions[-1].pk,
            # The exporter escapes every text it prints (tested); the fragment is our own markup.
            "body": mark_safe(render_html(doc, standalone=False)),  # noqa: S308
            "deadline": deadline,
            "deadline_basis": deadlines.deadline_basis(agency.kind),
            "timeliness": deadlines.TIMELINESS_LABELS[
                deadlines.timeliness(deadline, first_published, timezone.localdate())
            ],
            "history": history,
            "downloads": [(s, s[1:].upper()) for s in CONTENT_TYPES],
        },
    )


@require_safe
@cache_control(public=True, max_age=3600)
def report_css(request: HttpRequest) -> HttpResponse:
    """The report's style sheet (:data:`~gongkai.reports.export.html.REPORT_CSS`, which the HTML and PDF
    exports embed) for the report pages, which may not carry an inline ``<style>`` under the site's CSP."""
    return HttpResponse(REPORT_CSS, content_type="text/css; charset=utf-8")


@require_safe
def download(request: HttpRequest, short_code: str, year: int, suffix: str) -> HttpResponse:
    _agency, versions = _published(short_code, year)
    suffix = f".{suffix}"
    if suffix not in CONTENT_TYPES:
        raise Http404(_("不支持的下载格式。"))
    try:
        return file_response(request, _chosen(request, versions), suffix)
    except ExportUnavailable as exc:
        return HttpResponse(render_error(exc), status=503, content_type="text/plain; charset=utf-8")
