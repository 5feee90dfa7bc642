"""The 年报 part of an agency's public "政府信息公开" column: /gk/<agency>/reports/.

Built from the annual-report module only (not from catalogue entries): one row per report year, from the
earliest report the agency published in Gongkai (at most :data:`YEARS_SHOWN` years back) to last year,
each with the report (the latest version, linking to :mod:`gongkai.annual.views_public`), the day it was
first published, the deadline (条例 第四十九条; a township's as its 政务公开办 set it), and whether it
came out on time, late, is not due yet, or is overdue (``gongkai.reports.deadlines``, asked with today's
date). The page is the catalogue's column page (its sub-navigation, breadcrumb and feeds:
:func:`gongkai.catalogue.presenters_public.column_context`); it lives here because it reads the annual
reports, which the catalogue must not import.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from gongkai.annual import selectors as annual_selectors
from gongkai.catalogue import selectors
from gongkai.catalogue.presenters_public import column_context
from gongkai.reports import deadlines

#: How many report years the page lists at most (the newest ones).
YEARS_SHOWN = 10


@require_safe
def reports(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = selectors.column_agency(short_code)
    rows = annual_selectors.public_report_years(agency, timezone.localdate(), years_shown=YEARS_SHOWN)
    context = column_context(
        agency, "reports", rows=rows, deadline_basis=deadlines.deadline_basis(agency.kind)
    )
    return render(request, "annual/public/column_reports.html", context)
