"""The statistics pages (/stats/): an agency's own figures, the 政务公开办's side-by-side table with a
chart and spreadsheets, and the public figures in the agency's column (/gk/<agency>/stats/).

Thin views: the reads are :mod:`gongkai.stats.selectors`, what the pages show
:mod:`gongkai.stats.presenters`. An agency or seat the user may not see is "not found" (404).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.agencies.models import Agency
from gongkai.catalogue.presenters_public import column_context
from gongkai.catalogue.selectors import column_agency
from gongkai.core.responses import forbidden, serve_file
from gongkai.stats import permissions, presenters, selectors
from gongkai.stats.figures import Figures
from gongkai.stats.forms import YearForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _year_form(request: HttpRequest, agencies: list[Agency]) -> YearForm:
    years = selectors.years_of(agencies, timezone.localdate())
    return YearForm(request.GET if "year" in request.GET else None, years=years)


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    own = list(permissions.own_agencies(request.user).order_by("name"))
    seats = list(permissions.supervisor_seats(request.user).order_by("name"))
    if not own and not seats:
        return _private(
            forbidden(
                request, _("只有机关的信息员、信息公开工作机构负责人、管理员或政务公开办可以查看办理统计。")
            )
        )
    if len(own) == 1 and not seats:
        return redirect("stats:agency", own[0].short_code)
    if len(seats) == 1 and not own:
        return redirect("stats:supervise", seats[0].short_code)
    return _private(render(request, "stats/index.html", {"own": own, "seats": seats}))


@login_required
@require_safe
def agency_page(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, short_code=short_code)
    if not permissions.can_view(request.user, agency):
        raise Http404
    form = _year_form(request, [agency])
    year = form.chosen()
    figures = selectors.agency_figures(agency, year)
    context = {
        "agency": agency,
        "form": form,
        "year": year,
        "figures": figures,
        "summary": presenters.summary(figures),
        "breakdowns": presenters.breakdowns(figures),
        "today": timezone.localdate(),
    }
    return _private(render(request, "stats/agency.html", context))


def _seat_rows(
    request: HttpRequest, short_code: str
) -> tuple[Agency, YearForm, list[tuple[Agency, Figures]]]:
    seat = get_object_or_404(Agency, short_code=short_code)
    if not permissions.can_supervise(request.user, seat):
        raise Http404
    agencies = selectors.subtree(seat)
    form = _year_form(request, agencies)
    figures = selectors.figures_by_agency(
        agencies, form.chosen(), breakdowns=False, among=selectors.subtree_query(seat)
    )
    return seat, form, [(a, figures[a.pk]) for a in agencies]


@login_required
@require_safe
def supervise(request: HttpRequest, short_code: str) -> HttpResponse:
    seat, form, rows = _seat_rows(request, short_code)
    chart = presenters.chart_bars(rows)
    table = [(agency, presenters.table_row(agency, figures)) for agency, figures in rows]
    context = {
        "seat": seat,
        "form": form,
        "year": form.chosen(),
        "headers": presenters.column_headers(),
        "rows": table,
        "table_body": presenters.table_body(table, form.chosen()),
        "chart": chart,
        "chart_svg": presenters.chart_svg(chart),
        "today": timezone.localdate(),
    }
    return _private(render(request, "stats/supervise.html", context))


@login_required
@require_safe
def supervise_xlsx(request: HttpRequest, short_code: str) -> HttpResponse:
    seat, form, rows = _seat_rows(request, short_code)
    title = _("%(seat)s%(year)s年政府信息公开申请办理统计") % {"seat": seat.name, "year": form.chosen()}
    return _private(
        serve_file(presenters.workbook(title, rows), filename=f"{title}.xlsx", content_type=XLSX_TYPE)
    )


@login_required
@require_safe
def supervise_csv(request: HttpRequest, short_code: str) -> HttpResponse:
    seat, form, rows = _seat_rows(request, short_code)
    title = _("%(seat)s%(year)s年政府信息公开申请办理统计") % {"seat": seat.name, "year": form.chosen()}
    csv_file = presenters.csv_text(rows)
    return _private(serve_file(csv_file, filename=f"{title}.csv", content_type="text/csv; charset=utf-8"))


@require_safe
def public(request: HttpRequest, short_code: str) -> HttpResponse:
    """The agency's figures for everyone: aggregates only, no case, name or number of any applicant."""
    agency = column_agency(short_code)
    form = _year_form(request, [agency])
    figures = selectors.agency_figures(agency, form.chosen())
    context = column_context(
        agency,
        "statistics",
        form=form,
        year=form.chosen(),
        figures=figures,
        summary=presenters.summary(figures),
        breakdowns=presenters.breakdowns(figures),
        today=timezone.localdate(),
    )
    return render(request, "stats/public.html", context)
