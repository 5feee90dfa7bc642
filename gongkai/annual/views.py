"""The officer's annual-report workspace (/reports/): open a draft, edit, enter figures by hand, check,
acknowledge warnings, publish, correct, export; and the records behind every computed cell.

Thin views: every write is a service of :mod:`gongkai.annual.services`, the reads are
:mod:`gongkai.annual.selectors`, what a page shows :mod:`gongkai.annual.presenters`; a refused step comes
back as a message on the page it was asked from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from gongkai.agencies.models import Agency
from gongkai.annual import documents, limits, permissions, presenters, selectors, services
from gongkai.annual.forms import OpenForm, PreviousForm
from gongkai.annual.models import Report, ReportVersion, VersionStatus
from gongkai.checker.presenters import findings_from_json, present, result_from_json, table_views
from gongkai.core.i18n import render_error
from gongkai.core.responses import serve_file
from gongkai.reports import deadlines
from gongkai.reports.diff import describe
from gongkai.reports.export import FORMATS_BY_SUFFIX, ExportUnavailable, export
from gongkai.reports.findings import Finding
from gongkai.reports.model import FIRST_STRUCTURED_YEAR, SECTION_BY_KEY, FormatVersion

#: The export formats offered, by suffix, with their Content-Type.
CONTENT_TYPES = {suffix: f.content_type for suffix, f in FORMATS_BY_SUFFIX.items()}


def _agency(short_code: str) -> Agency:
    return get_object_or_404(Agency, short_code=short_code)


def _readable(request: HttpRequest, agency: Agency, year: int | None = None) -> None:
    if not permissions.can_read(request.user, agency):
        raise Http404(_("没有找到该机关的年度报告。"))
    if year is not None and not FIRST_STRUCTURED_YEAR <= year <= timezone.localdate().year:
        raise Http404(_("没有该年度的报告。"))


def _error_messages(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("您没有权限进行此操作。"))
        return
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    agencies = selectors.readable_agencies(request.user)
    rows = presenters.index_rows(agencies, selectors.versions_by_agency(agencies))
    form = OpenForm(user=request.user)
    can_open = permissions.writable_agencies(request.user).exists()
    return render(
        request,
        "annual/index.html",
        {
            "rows": rows,
            "form": form,
            "can_open": can_open,
            "seats": permissions.supervisor_seats(request.user),
        },
    )


@login_required
@require_POST
def open_report(request: HttpRequest) -> HttpResponse:
    form = OpenForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("annual:index")
    agency, year = form.cleaned_data["agency"], form.cleaned_data["year"]
    try:
        services.open_draft(actor=request.user, agency=agency, year=year)
    except (ValidationError, PermissionDenied) as exc:
        _error_messages(request, exc)
        if Report.objects.filter(agency=agency, year=year).exists():
            return redirect(presenters.workspace_url(agency, year))
        return redirect("annual:index")
    return redirect(presenters.workspace_url(agency, year))


# ---------------------------------------------------------------------------------------------
# The workspace
# ---------------------------------------------------------------------------------------------


def _findings(version: ReportVersion) -> list[Finding]:
    return findings_from_json(selectors.all_findings(version))


@login_required
@require_safe
def workspace(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    agency = _agency(short_code)
    _readable(request, agency, year)
    can_write = permissions.can_write(request.user, agency)
    report = selectors.report_of(agency, year)
    deadline = selectors.deadline_for(agency, year)
    context: dict[str, Any] = {
        "agency": agency,
        "year": year,
        "report": report,
        "can_write": can_write,
        "deadline": deadline,
        "deadline_basis": deadlines.deadline_basis(agency.kind),
    }
    if report is None:
        return render(request, "annual/workspace_empty.html", context)
    versions = selectors.versions_of(report)
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    published = [v for v in versions if v.status == VersionStatus.PUBLISHED]
    shown = presenters.shown_version(versions, request.GET.get("version"))
    doc = documents.to_document(shown)
    entries = selectors.hand_entries_of(shown)
    editable = can_write and shown.status == VersionStatus.DRAFT
    fmt = cast(FormatVersion, shown.format)
    check = shown.check_result or {}
    findings = _findings(shown) if check else []
    checked_view = None
    if check.get("result"):
        stored = result_from_json(check["result"])
        stored.findings = findings
        checked_view = present(stored, prefix="chk")
    last_published = published[-1] if published else None
    diff = presenters.version_diff(versions, shown, doc)
    context.update(
        {
            "versions": versions,
            "draft": draft,
            "shown": shown,
            "doc": doc,
            "editable": editable,
            "tables": table_views(
                doc.tables,
                fmt,
                findings,
                prefix="t",
                link=presenters.cell_link(agency, year, shown, set(entries)),
            ),
            "hand_rows": presenters.hand_rows(shown, entries),
            "missing_hand": len(documents.missing_hand_cells(shown, doc.tables)),
            "sections": [
                (SECTION_BY_KEY[key], doc.sections.get(key, "")) for key in services.EDITABLE_SECTIONS
            ],
            "checked": checked_view,
            "check": check,
            "checked_at": presenters.when(check.get("checked_at")),
            "acknowledged_at": presenters.when((shown.acknowledgement or {}).get("at")),
            "readiness": selectors.readiness(shown) if shown.status == VersionStatus.DRAFT else None,
            "acknowledgement": shown.acknowledgement,
            "last_published": last_published,
            "timeliness": deadlines.TIMELINESS_LABELS[
                deadlines.timeliness(
                    deadline, published[0].published_on if published else None, timezone.localdate()
                )
            ],
            "diff": diff,
            "describe": describe,
            "diff_lines": [describe(c) for c in diff.cells] if diff else [],
            "previous_label": selectors.previous_label(agency, year),
            "hand_notes": documents.note_messages(shown, entries.values()),
            "checked_previous": presenters.checked_previous(check),
            "exports": [".docx", ".pdf", ".html", ".json"],
            "needs_approval": services.needs_approval(agency),
            "is_approver": services.is_approver(request.user, agency),
            # Acknowledging and publishing: anyone who writes, or only the head where it approves (D15).
            "may_sign": not services.needs_approval(agency) or services.is_approver(request.user, agency),
            "signoff_history": presenters.signoff_rows(selectors.signoff_history(shown)),
        }
    )
    return render(request, "annual/workspace.html", context)


def _acting(
    request: HttpRequest, short_code: str, year: int, action: Callable[[ReportVersion], str | None]
) -> HttpResponse:
    agency = _agency(short_code)
    _readable(request, agency, year)
    report = get_object_or_404(Report, agency=agency, year=year)
    draft = report.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        messages.error(request, _("该报告没有可编辑的草稿；已公开的报告不能修改，如需更正请新建更正版本。"))
        return redirect(presenters.workspace_url(agency, year))
    try:
        done = action(draft)
    except (ValidationError, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        if done:
            messages.success(request, done)
    return redirect(presenters.workspace_url(agency, year))


@login_required
@require_POST
def refresh(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    def act(draft: ReportVersion) -> str:
        services.refresh_tables(actor=request.user, version=draft)
        return _("已根据最新记录重新生成表二、表三、表四。")

    return _acting(request, short_code, year, act)


@login_required
@require_POST
def save_sections(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    def act(draft: ReportVersion) -> str:
        sections = {key: request.POST[key] for key in services.EDITABLE_SECTIONS if key in request.POST}
        services.save_sections(actor=request.user, version=draft, sections=sections)
        return _("正文已保存。")

    return _acting(request, short_code, year, act)


@login_required
@require_POST
def hand_entry(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    row, column = request.POST.get("row", ""), request.POST.get("column", "")

    def act(draft: ReportVersion) -> str:
        if request.POST.get("fill_zero"):
            filled = services.fill_blank_hand_entries(
                actor=request.user, version=draft, note=request.POST.get("note", "")
            )
            return _("已将%(n)d个空白单元格填为0。") % {"n": filled}
        if request.POST.get("remove"):
            services.remove_hand_entry(actor=request.user, version=draft, row=row, column=column)
            return _("已删除手工填报的数据。")
        services.set_hand_entry(
            actor=request.user,
            version=draft,
            row=row,
            column=column,
            value=request.POST.get("value", ""),
            note=request.POST.get("note", ""),
        )
        return _("已保存手工填报的数据。")

    return _acting(request, short_code, year, act)


@login_required
@require_POST
def check(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    def act(draft: ReportVersion) -> str:
        checked = services.check_draft(actor=request.user, version=draft)
        state = selectors.readiness(checked)
        return _("检查完成：%(errors)d个错误，%(warnings)d个警告。") % {
            "errors": state.errors,
            "warnings": state.warnings,
        }

    return _acting(request, short_code, year, act)


@login_required
@require_POST
def acknowledge(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    def act(draft: ReportVersion) -> str:
        if not request.POST.get("confirm"):
            raise ValidationError(_("请勾选“我已阅读全部警告”后再确认。"))
        services.acknowledge_warnings(actor=request.user, version=draft, note=request.POST.get("note", ""))
        return _("已确认全部警告，确认记录已保存。")

    return _acting(request, short_code, year, act)


@login_required
@require_POST
def change_note(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    def act(draft: ReportVersion) -> str:
        services.set_change_note(
            actor=request.user, version=draft, change_note=request.POST.get("change_note", "")
        )
        return _("更正说明已保存。")

    return _acting(request, short_code, year, act)


@login_required
@require_POST
def publish(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    """Publish after a confirmation page saying what will happen (date, column, deadline); irreversible."""
    if request.POST.get("confirm") and not request.POST.get("confirmed"):
        agency = _agency(short_code)
        _readable(request, agency, year)
        report = get_object_or_404(Report, agency=agency, year=year)
        draft = report.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is not None and permissions.can_write(request.user, agency):
            context = presenters.publish_confirmation(draft, selectors.deadline_for(agency, year))
            return render(request, "annual/publish_confirm.html", context)

    def act(draft: ReportVersion) -> str:
        if not request.POST.get("confirm"):
            raise ValidationError(_("请勾选“我已核对报告全文，确认公开”。公开后不能修改，只能发布更正版本。"))
        services.publish(actor=request.user, version=draft)
        return _("报告已公开，已在本机关“政府信息公开年报”栏目发布。")

    return _acting(request, short_code, year, act)


@login_required
@require_POST
def return_draft(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    """The head returns the draft to the officers with a reason (D15)."""

    def act(draft: ReportVersion) -> str:
        services.return_draft(actor=request.user, version=draft, reason=request.POST.get("reason", ""))
        return _("已退回编写人员修改，退回理由已记入报告的审批记录。")

    return _acting(request, short_code, year, act)


@login_required
@require_POST
def discard(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    def act(draft: ReportVersion) -> str:
        if not request.POST.get("confirm"):
            raise ValidationError(_("请勾选确认后再删除更正草稿。"))
        services.discard_correction(actor=request.user, version=draft)
        return _("已删除未公开的更正草稿。")

    return _acting(request, short_code, year, act)


@login_required
@require_POST
def correct(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    agency = _agency(short_code)
    _readable(request, agency, year)
    report = get_object_or_404(Report, agency=agency, year=year)
    try:
        services.start_correction(actor=request.user, report=report)
    except (ValidationError, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("已新建更正版本草稿：修改后须重新检查，填写更正说明后公开。"))
    return redirect(presenters.workspace_url(agency, year))


@login_required
@require_POST
def import_previous(request: HttpRequest, short_code: str, year: int) -> HttpResponse:
    agency = _agency(short_code)
    _readable(request, agency, year)
    form = PreviousForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(presenters.workspace_url(agency, year))
    upload = form.cleaned_data["file"]
    refused = limits.previous_import_refused(request)
    if refused is not None:
        messages.error(request, refused)
        return redirect(presenters.workspace_url(agency, year))
    try:
        imported = services.import_previous(
            actor=request.user, agency=agency, year=year - 1, filename=upload.name, data=upload.read()
        )
    except (ValidationError, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _(
                "已导入%(year)d年度报告“%(name)s”（%(errors)d个错误，%(warnings)d个警告），重新检查时用于跨年度核对。"
            )
            % {
                "year": year - 1,
                "name": imported.filename,
                "errors": imported.error_count,
                "warnings": imported.warning_count,
            },
        )
    return redirect(presenters.workspace_url(agency, year))


# ---------------------------------------------------------------------------------------------
# Exports and the records behind a cell
# ---------------------------------------------------------------------------------------------


def file_response(request: HttpRequest, version: ReportVersion, suffix: str) -> HttpResponse:
    doc = documents.to_document(version)
    findings = _findings(version) if version.check_result else []
    data = export(doc, suffix, findings=findings)
    status = "" if version.status == VersionStatus.PUBLISHED else "-draft"
    name = f"{version.report.agency.short_code}-{version.report.year}-v{version.number}{status}{suffix}"
    return serve_file(data, filename=name, content_type=CONTENT_TYPES[suffix])


@login_required
@require_safe
def export_file(request: HttpRequest, short_code: str, year: int, suffix: str) -> HttpResponse:
    agency = _agency(short_code)
    _readable(request, agency, year)
    report = get_object_or_404(Report, agency=agency, year=year)
    suffix = f".{suffix}"
    if suffix not in CONTENT_TYPES:
        raise Http404(_("不支持的导出格式。"))
    versions = report.versions.order_by("number")
    requested = request.GET.get("version", "")
    version = (
        versions.filter(number=int(requested)).first()
        if requested.isascii() and requested.isdigit() and len(requested) < 6
        else versions.filter(status=VersionStatus.DRAFT).first() or versions.last()
    )
    if version is None:
        raise Http404(_("没有该版本。"))
    try:
        return file_response(request, version, suffix)
    except ExportUnavailable as exc:
        messages.error(request, render_error(exc))
        return redirect(presenters.workspace_url(agency, year))


CELL_PAGE_SIZE = 50


@login_required
@require_safe
def cell(request: HttpRequest, short_code: str, year: int, table: str, row: str, column: str) -> HttpResponse:
    agency = _agency(short_code)
    _readable(request, agency, year)
    try:
        records, kind = selectors.cell_records(agency, year, table, row, column)
    except (KeyError, ValueError):
        raise Http404(_("该单元格不是由记录生成的。")) from None
    page = Paginator(records, CELL_PAGE_SIZE).get_page(request.GET.get("page"))
    label = presenters.cell_label(year, table, row, column)
    return render(
        request,
        "annual/cell.html",
        {
            "agency": agency,
            "year": year,
            "kind": kind,
            "page": page,
            "label": label,
            "workspace_url": presenters.workspace_url(agency, year),
        },
    )
