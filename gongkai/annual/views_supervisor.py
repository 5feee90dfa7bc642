"""The 政务公开办's roll-up of annual reports (/reports/supervise/): the status of every agency it
supervises, tables 三 and 四 summed, the townships' deadline, and the bulk import of reports published
elsewhere, with spreadsheet downloads.

A user reaches a seat (the agency where they sit as 政务公开办) only if ``permissions.can_supervise``: any
other seat is "not found" (404), never a hint that it exists. Thin views: the reads are
:mod:`gongkai.annual.rollup`, the writes :mod:`gongkai.annual.imports` and ``services.set_local_deadline``.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.annual import imports, permissions, rollup, services
from gongkai.annual.forms_supervisor import AssignForm, DeadlineForm, ImportForm
from gongkai.annual.models import ImportedReport, ImportPurpose
from gongkai.checker.presenters import (
    describe_location,
    finding_message,
    format_label,
    kind_label,
    layout_format,
    present,
    result_from_json,
    severity_label,
    table_views,
)
from gongkai.checker.result import CheckResult
from gongkai.reports.deadlines import deadline_basis
from gongkai.reports.findings import SEVERITIES
from gongkai.reports.model import FIRST_STRUCTURED_YEAR

FORBIDDEN_TEMPLATE = "annual/supervise/forbidden.html"
IMPORTS_PER_PAGE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The skipped files of the user's latest upload (shown on its results page), in the session.
SKIPPED_SESSION_KEY = "annual_supervise_skipped"
MAX_SKIPPED_KEPT = 1000
#: Rows of the status table are indented by their depth below the seat, up to this.
MAX_INDENT = 4
#: How many findings the list of imported files shows per file.
TOP_FINDINGS = 3

#: Status → the site's flag style (gongkai/site.css ``case-flag--*``).
STATUS_FLAGS: dict[str, str] = {
    "on_time": "on_time",
    "late": "answered_late",
    "missing": "overdue",
    "not_due": "waiting",
    "no_deadline": "waiting",
    rollup.IMPORTED: "answered",
}


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return _private(render(request, FORBIDDEN_TEMPLATE, {"message": message}, status=403))


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


def report_url(short_code: str, year: int) -> str:
    """The public page of an agency's report (``annual_public:report``)."""
    try:
        return reverse("annual_public:report", args=(short_code, year))
    except NoReverseMatch:  # pragma: no cover - the public pages are mounted with the app
        return f"/gk/{short_code}/reports/{year}/"


def _import_url(seat: Agency, pk: int) -> str:
    return reverse("annual_supervise:import_detail", args=(seat.short_code, pk))


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
    for row in data.rows:
        if row.in_gongkai:
            row.url = report_url(row.short_code, year)
        elif row.imported_id is not None:
            row.url = _import_url(seat, row.imported_id)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    return (
        data,
        status if status in rollup.STATUSES else "",
        kind if kind in AgencyKind.values else "",
    )


def _render_rollup(
    request: HttpRequest, seat: Agency, year: int, deadline_form: DeadlineForm | None = None
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
        "rows": [(row, STATUS_FLAGS[row.status], min(row.depth, MAX_INDENT)) for row in rows],
        "counts": [(s, label, n, STATUS_FLAGS[s]) for s, label, n in data.counts()],
        "total": len(data.rows),
        "status": status,
        "status_label": rollup.status_label(status) if status else "",
        "kind": kind,
        "kinds": AgencyKind.choices,
        "deadline_form": deadline_form,
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
@require_http_methods(["GET", "HEAD"])
def rollup_xlsx(request: HttpRequest, seat: str, year: int) -> HttpResponse:
    agency = _seat(request, seat)
    data, status, kind = _status_rows(request, agency, year)
    header = [
        _("机关"),
        _("简称代码"),
        _("机关类型"),
        _("公开期限"),
        _("期限依据"),
        _("期限设定单位"),
        _("状态"),
        _("首次公开日期"),
        _("最新公开版本"),
        _("最新版本公开日期"),
        _("更正次数"),
        _("有未公开的草稿"),
        _("来源"),
        _("错误数"),
        _("警告数"),
        _("说明"),
        _("链接"),
    ]
    yes, no, here, elsewhere = _("是"), _("否"), _("本系统"), _("导入的文件")
    rows = [
        [
            row.name,
            row.short_code,
            row.kind_label,
            row.deadline,
            row.basis,
            row.deadline_set_by.agency_name if row.deadline_set_by else "",
            row.status_label,
            row.first_published_on,
            row.version,
            row.published_on,
            row.corrections if row.in_gongkai else None,
            yes if row.has_draft else no,
            here if row.in_gongkai else (elsewhere if row.imported_id else ""),
            row.errors,
            row.warnings,
            row.imported_problem,
            request.build_absolute_uri(row.url) if row.url else "",
        ]
        for row in rollup.filter_rows(data.rows, status, kind)
    ]
    summary = [[label, n] for _status, label, n in data.counts()]
    filename = _("%(seat)s%(year)s年度报告公开情况.xlsx") % {"seat": agency.name, "year": year}
    return _xlsx(
        filename,
        [
            (_("公开情况"), header, rows),
            (_("汇总"), [_("状态"), _("机关数")], [*summary, [_("合计"), len(data.rows)]]),
        ],
    )


#: A text cell starting with one of these is read as a formula by spreadsheet programs (formula injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value: Any) -> Any:
    """Text from files and users (file names, agency names, messages) is written as text, never a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx(filename: str, sheets: Sequence[tuple[str, list[str], Iterable[list[Any]]]]) -> HttpResponse:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([_cell_text(v) for v in header])
        for row in rows:
            sheet.append([_cell_text(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return _private(response)


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
                report_url(item.short_code, year)
                if item.imported_id is None
                else _import_url(agency, item.imported_id),
            )
            for item in summed.included
        ],
        "missing": [
            (item, _import_url(agency, item.imported_id) if item.imported_id else "")
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
    if collected is None or not collected.candidates:
        context = {
            "seat": agency,
            "year": year,
            "form": form,
            "skipped": collected.skipped if collected else [],
        }
        return _private(render(request, "annual/supervise/import.html", context))
    chosen = form.cleaned_data["year"]
    batch = imports.import_reports(actor=request.user, seat=agency, year=chosen, files=collected.candidates)
    request.session[SKIPPED_SESSION_KEY] = {
        "batch": batch.batch,
        "files": [[s.name, s.reason] for s in collected.skipped[:MAX_SKIPPED_KEPT]],
    }
    messages.success(
        request,
        _("已导入 %(count)d 个文件，跳过 %(skipped)d 个。")
        % {"count": len(batch.imported), "skipped": len(collected.skipped)},
    )
    url = reverse("annual_supervise:imports", args=(agency.short_code, chosen))
    return redirect(f"{url}?batch={batch.batch}")


@dataclass
class ImportRow:
    record: ImportedReport
    kind_label: str
    format_label: str
    top: list[str]
    problem: str
    url: str


def _import_row(seat: Agency, record: ImportedReport) -> ImportRow:
    result = record.result or {}
    if not record.readable:
        return ImportRow(
            record, _("无法读取"), "", [], str(result.get("unreadable", "")), _import_url(seat, record.pk)
        )
    findings = sorted(
        (f for f in result.get("findings") or [] if f.get("severity") in ("error", "warning")),
        key=lambda f: SEVERITIES.index(f["severity"]),
    )
    return ImportRow(
        record,
        kind_label(str(result.get("kind", ""))),
        format_label(result.get("format")) if result.get("format") else "",
        [f"{severity_label(f['severity'])}：{f.get('message', '')}" for f in findings[:TOP_FINDINGS]],
        "",
        _import_url(seat, record.pk),
    )


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
        "rows": [_import_row(agency, r) for r in page.object_list],
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
    files: list[list[Any]] = []
    findings: list[list[Any]] = []
    for record in imports.imports_of(agency, year, batch):
        row = _import_row(agency, record)
        matched = record.agency.name if record.agency else _("未匹配")
        files.append(
            [
                record.filename,
                matched,
                record.agency_name,
                record.year,
                row.kind_label,
                row.format_label,
                record.error_count if record.readable else None,
                record.warning_count if record.readable else None,
                row.problem or "；".join(row.top),
                timezone.localtime(record.imported_at).replace(tzinfo=None),
            ]
        )
        if record.readable:
            findings.extend(_finding_rows(record, matched))
    header = [
        _("文件"),
        _("匹配的机关"),
        _("报告中的机关名称"),
        _("年度"),
        _("类型"),
        _("格式"),
        _("错误数"),
        _("警告数"),
        _("主要问题"),
        _("导入时间"),
    ]
    filename = _("%(seat)s%(year)s年度导入报告检查结果.xlsx") % {"seat": agency.name, "year": year}
    return _xlsx(
        filename,
        [
            (_("文件"), header, files),
            (
                _("问题"),
                [_("文件"), _("匹配的机关"), _("严重程度"), _("代码"), _("位置"), _("说明")],
                findings,
            ),
        ],
    )


def _finding_rows(record: ImportedReport, matched: str) -> list[list[Any]]:
    result: CheckResult = result_from_json(record.result)
    version = layout_format(result.report)
    ordered = sorted(result.findings, key=lambda f: SEVERITIES.index(f.severity))
    return [
        [
            record.filename,
            matched,
            severity_label(f.severity),
            f.code,
            describe_location(f, version),
            finding_message(f),
        ]
        for f in ordered
    ]


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
