"""The 年报 part of an agency's public "政府信息公开" column: /gk/<agency>/reports/.

It lists the reports written and published in Gongkai (the latest version of each year, linking to
:mod:`gongkai.annual.views_public`) and the annual reports published as catalogue entries. The page is
the catalogue's column page (its sub-navigation, breadcrumb and feeds:
:func:`gongkai.catalogue.presenters_public.column_context`); it lives here because it reads the
annual reports, which the catalogue must not import.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gongkai.annual.models import ReportVersion, VersionStatus
from gongkai.catalogue import selectors
from gongkai.catalogue.models import ItemKind
from gongkai.catalogue.presenters_public import column_context, paginate
from gongkai.catalogue.public_filters import published_items


@require_safe
def reports(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = selectors.column_agency(short_code)
    queryset = selectors.public_rows(published_items().filter(agency=agency, kind=ItemKind.ANNUAL_REPORT))
    # Reports written and published in Gongkai: the latest version of each year.
    generated: dict[int, ReportVersion] = {}
    for version in (
        ReportVersion.objects.filter(report__agency=agency, status=VersionStatus.PUBLISHED)
        .select_related("report")
        .order_by("report__year", "number")
    ):
        generated[version.report.year] = version
    context = column_context(
        agency,
        "reports",
        generated=sorted(generated.values(), key=lambda v: -v.report.year),
        **paginate(request, queryset, {}),
    )
    return render(request, "annual/public/column_reports.html", context)
