"""The 政务公开办's roll-up of annual reports (/reports/supervise/): the status of every agency it
supervises, tables 三 and 四 summed, the townships' deadline, and the bulk import of reports published
elsewhere, with spreadsheet downloads.

A user reaches a seat (the agency where they sit as 政务公开办) only if ``permissions.can_supervise``: any
other seat is "not found" (404), never a hint that it exists. Thin views: the reads are
:mod:`gongkai.annual.rollup`, the writes :mod:`gongkai.annual.imports` and ``services.set_local_deadline``,
what the pages and spreadsheets show :mod:`gongkai.annual.presenters_supervisor`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.annual import exports, imports, limits, permissions, rollup, services
from gongkai.annual import presenters_supervisor as presenters
from gongkai.annual.forms_supervisor import AssignForm, DeadlineForm, ExportAllForm, ImportForm
from gongkai.annual.models import ImportedReport, ImportPurpose
from gongkai.checker.presenters import format_label, present, result_from_json, table_views
from gongkai.core.responses import forbidden, serve_file
from gongkai.reports.deadlines import deadline_basis
from gongkai.reports.model import FIRST_STRUCTURED_YEAR

IMPORTS_PER_PAGE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The skipped files of the user's latest upload (shown on its results page), in the session.
SKIPPED_SESSION_KEY = "annual_supervise_skipped"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return _private(forbidden(request, message))


def _today() -> datetime.date:
    return timezone.localdate()


def _years(today: datetime.date) -> list[int]:
    return list(range(today.year, FIRST_STRUCTURED_YEAR - 1, -1))


def _seat(request: HttpRequest, short_code: str) -> Agency:
    """The seat if the user sits there as 政务公开办 (or is a superuser); 404 otherwise."""
    seat = Agency.objects.filter(short_code=short_code).first()
    if seat is None or not permissions.can_supervise(request.user, seat):
        raise Http404
    return seat


def _year(year: int, today: datetime.date) -> int:
    if not FIRST_STRUCTURED_YEAR <= year <= today.year:
        raise Http404
    return year


# ---------------------------------------------------------------------------------------------
# Choosing a seat
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    seats = list(permissions.supervisor_seats(request.user).order_by("name"))
    if not seats:
        return _forbidden(request, _("只有政务公开办的工作人员可以查看年度报告汇总。"))
    year = _today().year - 1
    if len(seats) == 1:
        return redirect("annual_supervise:rollup", seats[0].short_code, year)
    return _private(render(request, "annual/supervise/index.html", {"seats": seats, "year": year}))


@login_required
@require_http_methods(["GET", "HEAD"])
def seat_home(request: HttpRequest, seat: str) -> HttpResponse:
    agency = _seat(request, seat)
    return redirect("annual_supervise:rollup", agency.short_code, _today().year - 1)


# ---------------------------------------------------------------------------------------------
# The status of every agency
# ---------------------------------------------------------------------------------------------


def _status_rows(request: HttpRequest, seat: Agency, year: int) -> tuple[rollup.StatusRollup, str, str]:
    today = _today()
    data = rollup.status_rollup(seat, _year(year, today), today)
    presenters.link_rows(data, seat, year)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    return (
        data,
        status if status in rollup.STATUSES else "",
        kind if kind in AgencyKind.values else "",
    )


def _render_rollup(
    request: HttpRequest,
    seat: Agency,
    year: int,
    deadline_form: DeadlineForm | None = None,
    export_form: ExportAllForm | None = None,
) -> HttpResponse:
    data, status, kind = _status_rows(request, seat, year)
    if deadline_form is None:
        initial = {"deadline": data.own_deadline.deadline} if data.own_deadline else {}
        deadline_form = DeadlineForm(initial=initial)
    rows = rollup.filter_rows(data.rows, status, kind)
    context = {
        "seat": seat,
        "year": year,
        "years": _years(data.today),
        "data": data,
        "rows": presenters.status_rows(rows, data.columns),
        "counts": presenters.status_counts(data),
        "total": len(data.rows),
        "status": status,
        "status_label": rollup.status_label(status) if status else "",
        "kind": kind,
        "kinds": AgencyKind.choices,
        "deadline_form": deadline_form,
        "export_form": export_form or ExportAllForm(),
        "export_job": exports.latest_export(seat, year),
        "bases": [(value, label, deadline_basis(value)) for value, label in AgencyKind.choices],
    }
    return _private(render(request, "annual/supervise/rollup.html", context))


@login_required
@require_http_methods(["GET", "HEAD"])
def rollup_page(request: HttpRequest, seat: str, year: int) -> HttpResponse:
    return _render_rollup(request, _seat(request, seat), year)


@login_required
@require_POST
def deadline(request: HttpRequest, seat: str, year: int) -> HttpResponse:
    agency = _seat(request, seat)
    _year(year, _today())
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.set_local_deadline(
                actor=request.user,
                supervisor_agency=agency,
                year=year,
                deadline=form.cleaned_data["deadline"],
            )
        except PermissionDenied:  # pragma: no cover - _seat already checked the same rule
            raise Http404 from None
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("deadline", message)
        else:
            messages.success(
                request,
                _("已设定%(year)s年度乡镇、街道年度报告的公开期限：%(date)s。")
                % {"year": year, "date": form.cleaned_data["deadline"].isoformat()},
            )
            return redirect("annual_supervise:rollup", agency.short_code, year)
    return _render_rollup(request, agency, year, deadline_form=form)


@login_required
@require_POST
def export_all(request: HttpRequest, seat: str, year: int) -> HttpResponse:
    """Start the ``annual.export_all`` job: one .zip of every subordinate agency's published report."""
    agency = _seat(request, seat)
    _year(year, _today())
    form = ExportAllForm(request.POST)
    if not form.is_valid():
        return _render_rollup(request, agency, year, export_form=form)
    try:
        job = exports.start_export(
            actor=request.user, seat=agency, year=year, formats=form.cleaned_data["formats"]
        )
    except PermissionDenied:  # pragma: no cover - _seat already checked the same rule
        raise Http404 from None
    return redirect(job)


@login_required
@require_http_methods(["GET", "HEAD"])
def rollup_xlsx(request: HttpRequest, seat: str, year: int) -> HttpResponse:
    agency = _seat(request, seat)
    data, status, kind = _status_rows(request, agency, year)
    rows = rollup.filter_rows(data.rows, status, kind)
    filename = _("%(seat)s%(year)s年度报告公开情况.xlsx") % {"seat": agency.name, "year": year}
    return _xlsx(filename, presenters.rollup_sheets(data, rows, request.build_absolute_uri))


def _xlsx(filename: str, sheets: Sequence[presenters.Sheet]) -> HttpResponse:
    return _private(serve_file(presenters.workbook(sheets), filename=filename, content_type=XLSX_TYPE))


# ---------------------------------------------------------------------------------------------
# Tables 三 and 四 summed
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def tables_page(request: HttpRequest, seat: str, year: int) -> HttpResponse:
    agency = _seat(request, seat)
    today = _today()
    summed = rollup.summed_tables(agency, _year(year, today))
    if summed is None:  # pragma: no cover - _year refuses the years without a format
        raise Http404
    views = [v for v in table_views(summed.tables, summed.format, prefix="sum") if v.key != "section2"]
    context = {
        "seat": agency,
        "year": year,
        "years": _years(today),
        "summed": summed,
        "format_label": format_label(summed.format),
        "tables": views,
        "included": [
            (
                item,
                presenters.report_url(item.short_code, year)
                if item.imported_id is None
                else presenters.import_url(agency, item.imported_id),
            )
            for item in summed.included
        ],
        "missing": [
            (item, presenters.import_url(agency, item.imported_id) if item.imported_id else "")
            for item in summed.missing
        ],
    }
    return _private(render(request, "annual/supervise/tables.html", context))


# ---------------------------------------------------------------------------------------------
# Bulk import
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_page(request: HttpRequest, seat: str, year: int) -> HttpResponse:
    agency = _seat(request, seat)
    today = _today()
    _year(year, today)
    years = _years(today)
    if request.method != "POST":
        form = ImportForm(initial={"year": year}, years=years)
        return _private(
            render(request, "annual/supervise/import.html", {"seat": agency, "year": year, "form": form})
        )
    form = ImportForm(request.POST, request.FILES, years=years)
    collected: imports.Collected | None = form.cleaned_data.get("collected") if form.is_valid() else None
    if collected is not None and not collected.candidates:
        form.add_error("reports", _("没有可以导入的报告文件（见下方跳过的文件）。"))
    refused = limits.bulk_import_refused(request) if collected is not None and collected.candidates else None
    if refused is not None:
        form.add_error(None, refused)
    if collected is None or not collected.candidates or refused is not None:
        context = {
            "seat": agency,
            "year": year,
            "form": form,
            "skipped": collected.skipped if collected else [],
        }
        status = 429 if refused is not None else 200
        return _private(render(request, "annual/supervise/import.html", context, status=status))
    chosen = form.cleaned_data["year"]
    job = imports.start_import(
        actor=request.user,
        seat=agency,
        year=chosen,
        uploads=form.cleaned_data["reports"],
        collected=collected,
    )
    request.session[SKIPPED_SESSION_KEY] = {
        "batch": job.params["batch"],
        "files": [[s.name, s.reason] for s in collected.skipped[: imports.MAX_SKIPPED_KEPT]],
    }
    messages.success(
        request,
        _("已收到 %(count)d 个报告文件（跳过 %(skipped)d 个），正在逐一读取和检查；完成后可查看导入结果。")
        % {"count": len(collected.candidates), "skipped": len(collected.skipped)},
    )
    return redirect(job)


def _batch(request: HttpRequest) -> str:
    batch = request.GET.get("batch", "")
    return batch if len(batch) == 32 and all(c in "0123456789abcdef" for c in batch) else ""


@login_required
@require_http_methods(["GET", "HEAD"])
def imports_page(request: HttpRequest, seat: str, year: int) -> HttpResponse:
    agency = _seat(request, seat)
    today = _today()
    _year(year, today)
    batch = _batch(request)
    records = imports.imports_of(agency, year, batch)
    page = Paginator(records, IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    skipped: list[list[str]] = []
    kept = request.session.get(SKIPPED_SESSION_KEY) or {}
    if batch and kept.get("batch") == batch:
        skipped = kept.get("files") or []
    context = {
        "seat": agency,
        "year": year,
        "years": _years(today),
        "batch": batch,
        "page": page,
        "rows": [presenters.import_row(agency, r) for r in page.object_list],
        "skipped": skipped,
        "other_years": sum(1 for r in page.object_list if r.year != year) if batch else 0,
    }
    return _private(render(request, "annual/supervise/imports.html", context))


@login_required
@require_http_methods(["GET", "HEAD"])
def imports_xlsx(request: HttpRequest, seat: str, year: int) -> HttpResponse:
    agency = _seat(request, seat)
    _year(year, _today())
    batch = _batch(request)
    records = imports.imports_of(agency, year, batch)
    filename = _("%(seat)s%(year)s年度导入报告检查结果.xlsx") % {"seat": agency.name, "year": year}
    return _xlsx(filename, presenters.imports_sheets(agency, records))


def _visible_import(seat: Agency, pk: int) -> ImportedReport:
    record = rollup.visible_imports(seat).select_related("agency").filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _render_detail(
    request: HttpRequest, seat: Agency, record: ImportedReport, form: AssignForm | None = None
) -> HttpResponse:
    can_assign = record.purpose == ImportPurpose.SUPERVISION and record.imported_for_id == seat.pk
    if can_assign and form is None:
        form = AssignForm(seat=seat, initial={"agency": record.agency_id})
    context = {
        "seat": seat,
        "record": record,
        "report": present(result_from_json(record.result), prefix="r1") if record.readable else None,
        "unreadable": "" if record.readable else record.result.get("unreadable", ""),
        "form": form if can_assign else None,
        "year": record.year,
    }
    return _private(render(request, "annual/supervise/import_detail.html", context))


@login_required
@require_http_methods(["GET", "HEAD"])
def import_detail(request: HttpRequest, seat: str, pk: int) -> HttpResponse:
    agency = _seat(request, seat)
    return _render_detail(request, agency, _visible_import(agency, pk))


@login_required
@require_POST
def import_assign(request: HttpRequest, seat: str, pk: int) -> HttpResponse:
    agency = _seat(request, seat)
    record = _visible_import(agency, pk)
    form = AssignForm(request.POST, seat=agency)
    if form.is_valid():
        try:
            imports.assign_agency(
                actor=request.user, seat=agency, imported=record, agency=form.cleaned_data["agency"]
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("agency", message)
        else:
            messages.success(
                request,
                _("已将“%(file)s”归入%(agency)s。")
                % {"file": record.filename, "agency": form.cleaned_data["agency"].name},
            )
            return redirect("annual_supervise:import_detail", agency.short_code, record.pk)
    return _render_detail(request, agency, record, form)
