"""Every write to annual reports, each in one transaction with its audit event.

The life of a report (agency × year):

1. :func:`open_draft` — version 1 with the tables computed from the records and prose drafts quoting the
   year's figures (the format the year requires: 2019 format for 2019–2020, 2021 format since);
2. :func:`refresh_tables`, :func:`save_sections`, :func:`set_hand_entry` / :func:`remove_hand_entry`;
3. :func:`check_draft` — the checker on the exported HTML (exactly what will be published), with last year's
   report (published in Gongkai, or imported from a file with :func:`import_previous`) for the cross-year
   rules, plus Gongkai's own rules (blank hand-entered cells, placeholders left in the prose, section 五
   copied from last year, a year not yet over);
4. :func:`acknowledge_warnings` — warnings must be acknowledged (recorded) before publishing;
5. :func:`publish` — refused while the check is missing, stale (the report changed since) or has errors;
6. :func:`start_correction` — a published version is immutable; a correction is a new version whose
   change note is printed at its top and whose differences are shown on the public page.

Every service locks the report's row first (``select_for_update``), so two people acting at once on one
report are serialised by the database, whatever the number of processes.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.annual import documents, permissions
from gongkai.annual.figures import year_figures
from gongkai.annual.models import (
    HandEntry,
    ImportedReport,
    ImportPurpose,
    LocalDeadline,
    Report,
    ReportVersion,
    VersionStatus,
)
from gongkai.checker.pipeline import UnreadableFile, check_bytes, parse_bytes
from gongkai.checker.presenters import result_from_json
from gongkai.checker.result import ParsedReport, severity_counts
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.reports import drafting
from gongkai.reports.deadlines import LOCALLY_SET_KINDS, agency_deadline
from gongkai.reports.document import PROSE_SECTIONS
from gongkai.reports.export.html import render_html
from gongkai.reports.model import (
    FIRST_STRUCTURED_YEAR,
    SECTION_BY_KEY,
    FormatVersion,
    format_for_year,
    get_format,
)

#: Longest text accepted for one section (a long real section 一 is ~6,000 characters).
MAX_SECTION_CHARS = 30_000
#: Sections whose text the officer edits: 一, 五, 六, and the short introductions of 二, 三, 四.
EDITABLE_SECTIONS: tuple[str, ...] = ("overview", "proactive", "applications", "appeals", "problems", "other")


class ReportError(ValidationError):
    """A step the report's state or the input does not allow; the message says why, in Chinese."""


def _text(value: str | None, field: str) -> str:
    """Typed text, refused when it holds a NUL (PostgreSQL cannot store it; no keyboard types it)."""
    value = value or ""
    if "\x00" in value:
        raise ReportError({field: "文字中含有无法保存的控制字符（NUL），请删除后重新输入或粘贴纯文本。"})
    return value


# ---------------------------------------------------------------------------------------------
# Reading helpers
# ---------------------------------------------------------------------------------------------


def _require_write(actor: Actor, agency: Agency) -> None:
    if actor is None or not permissions.can_write(actor, agency):
        raise PermissionDenied("您不是该机关年度报告的编写人员。")


def _lock(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("agency").get(pk=report.pk)


def _draft_of(report: Report) -> ReportVersion:
    draft = report.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        raise ReportError("该报告没有可编辑的草稿；已公开的报告不能修改，如需更正请新建更正版本。")
    return draft


def _locked_draft(actor: Actor, version: ReportVersion) -> tuple[Report, ReportVersion]:
    """Lock the report, check the actor may write it, return its current draft (which must be ``version``)."""
    report = _lock(version.report)
    _require_write(actor, report.agency)
    draft = _draft_of(report)
    if draft.pk != version.pk:
        raise ReportError("该版本已公开，不能修改；请在当前草稿上操作。")
    draft.report = report
    return report, draft


def latest_published(report: Report) -> ReportVersion | None:
    return report.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


def _format(year: int) -> FormatVersion:
    version = format_for_year(year)
    if version is None:
        raise ReportError(
            f"{year}年度报告适用2007年条例的旧格式，本系统从{FIRST_STRUCTURED_YEAR}年度起按统一格式生成报告。"
        )
    return version


# ---------------------------------------------------------------------------------------------
# Previous year's report (cross-year rules)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviousReport:
    parsed: ParsedReport
    #: Which report it is ("gongkai:<version pk>" or "import:<pk>"): a check is stale when this changes.
    key: str
    label: str
    problems: str  # last year's section 五, for the draft and the copy warning


def _previous_source(agency: Agency, year: int) -> ReportVersion | ImportedReport | None:
    """Last year's report: the latest version published in Gongkai, else the latest readable report the
    agency imported for the purpose (a supervisor's bulk import is never taken for it: it may be misfiled)."""
    last = Report.objects.filter(agency=agency, year=year - 1).first()
    published = latest_published(last) if last else None
    if published is not None:
        return published
    return (
        ImportedReport.objects.filter(
            agency=agency, year=year - 1, purpose=ImportPurpose.PREVIOUS, result__kind="annual_report"
        )
        .order_by("-imported_at", "-id")
        .first()
    )


def previous_key(agency: Agency, year: int) -> str:
    source = _previous_source(agency, year)
    if source is None:
        return ""
    return f"gongkai:{source.pk}" if isinstance(source, ReportVersion) else f"import:{source.pk}"


def _label(source: ReportVersion | ImportedReport, year: int) -> str:
    if isinstance(source, ReportVersion):
        return f"本系统公开的{year - 1}年度报告（第{source.number}版）"
    return f"导入的{year - 1}年度报告（{source.filename}）"


def previous_label(agency: Agency, year: int) -> str:
    """Which report the cross-year rules will use, for the page ("" when none) — without reading it."""
    source = _previous_source(agency, year)
    return _label(source, year) if source is not None else ""


def previous_report(agency: Agency, year: int) -> PreviousReport | None:
    """Last year's report, read for the cross-year rules (the Gongkai one as it is published)."""
    source = _previous_source(agency, year)
    if source is None:
        return None
    label = _label(source, year)
    if isinstance(source, ReportVersion):
        doc = documents.to_document(source)
        parsed = parse_bytes(render_html(doc).encode(), "previous.html")
        return PreviousReport(parsed, f"gongkai:{source.pk}", label, doc.sections.get("problems", ""))
    parsed = result_from_json(source.result).report
    return PreviousReport(parsed, f"import:{source.pk}", label, str(source.result.get("problems") or ""))


# ---------------------------------------------------------------------------------------------
# Drafting
# ---------------------------------------------------------------------------------------------


def _drafts(agency: Agency, year: int, version: FormatVersion) -> dict[str, str]:
    figures = year_figures([agency.pk], year)
    previous = previous_report(agency, year)
    intro = "该部分以表格形式报告。"
    return {
        "overview": drafting.draft_overview(figures, agency.name, get_format(version)),
        "proactive": intro,
        "applications": intro,
        "appeals": intro,
        "problems": drafting.draft_problems(year, previous.problems if previous else None),
        "other": drafting.draft_other(figures, get_format(version)),
    }


def open_draft(*, actor: Actor, agency: Agency, year: int) -> ReportVersion:
    """The report's current draft, making the report and version 1 (tables and prose drafts) if needed.

    Refused when the report is published (a correction is :func:`start_correction`)."""
    _require_write(actor, agency)
    version = _format(year)
    today = timezone.localdate()
    if year > today.year:
        raise ReportError(f"{year}年度尚未开始，不能编写该年度的报告。")
    with transaction.atomic():
        report, _created = Report.objects.get_or_create(agency=agency, year=year)
        report = _lock(report)
        draft = report.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is not None:
            return draft
        if report.versions.exists():
            raise ReportError("该年度报告已公开；如需更正，请新建更正版本。")
        draft = ReportVersion(
            report=report,
            number=1,
            format=version,
            computed=documents.computed_tables([agency.pk], year, version),
            computed_at=timezone.now(),
            sections=_drafts(agency, year, version),
            created_by=user_of(actor),
        )
        draft.save()
        record_audit(actor, "annual.draft_opened", draft, agency=agency, year=year, format=version)
    return draft


def refresh_tables(*, actor: Actor, version: ReportVersion) -> ReportVersion:
    """Recompute tables 二 (2021), 三 and 四 from the records as they are now."""
    with transaction.atomic():
        report, draft = _locked_draft(actor, version)
        before = draft.computed
        draft.computed = documents.computed_tables(
            [report.agency_id], report.year, cast(FormatVersion, draft.format)
        )
        draft.computed_at = timezone.now()
        draft.save(update_fields=["computed", "computed_at", "updated_at"])
        record_audit(
            actor, "annual.tables_refreshed", draft, agency=report.agency, changed=before != draft.computed
        )
    return draft


def save_sections(*, actor: Actor, version: ReportVersion, sections: dict[str, str]) -> ReportVersion:
    """Replace the text of the given sections (the others are kept)."""
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for key, text in sections.items():
        if key not in EDITABLE_SECTIONS:
            raise ReportError(f"未知的报告部分：{key}")
        text = _text(text, key).replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > MAX_SECTION_CHARS:
            errors[key] = (
                f"“{SECTION_BY_KEY[key].heading}”共{len(text)}字，超过{MAX_SECTION_CHARS}字的上限，请精简。"
            )
        if key in PROSE_SECTIONS and not text:
            errors[key] = f"“{SECTION_BY_KEY[key].heading}”不能为空。"
        clean[key] = text
    if errors:
        raise ReportError(errors)
    with transaction.atomic():
        report, draft = _locked_draft(actor, version)
        changed = sorted(k for k, v in clean.items() if (draft.sections or {}).get(k, "") != v)
        draft.sections = {**(draft.sections or {}), **clean}
        draft.save(update_fields=["sections", "updated_at"])
        record_audit(actor, "annual.sections_saved", draft, agency=report.agency, changed=changed)
    return draft


def set_hand_entry(
    *, actor: Actor, version: ReportVersion, row: str, column: str, value: str, note: str
) -> HandEntry:
    """Enter one table-二 figure by hand, with where it comes from (required)."""
    try:
        cell = documents.hand_cell(cast(FormatVersion, version.format), row, column)
        figure = documents.parse_figure(cell, value)
    except documents.BadFigure as exc:
        raise ReportError({"value": str(exc)}) from None
    note = _text(note, "note").strip()
    if not note:
        raise ReportError(
            {"note": f"请说明{cell.label}的数据来源（例如“据财务系统统计”“行政许可在省政务服务平台办理”）。"}
        )
    if len(note) > 500:
        raise ReportError({"note": "说明不能超过500字。"})
    with transaction.atomic():
        report, draft = _locked_draft(actor, version)
        entry, created = HandEntry.objects.update_or_create(
            version=draft,
            row=row,
            column=column,
            defaults={
                "value": figure,
                "note": note,
                "entered_by": user_of(actor),
            },
        )
        record_audit(
            actor,
            "annual.hand_entry_set",
            draft,
            agency=report.agency,
            row=row,
            column=column,
            value=str(figure),
            note=note,
            created=created,
        )
    return entry


def fill_blank_hand_entries(*, actor: Actor, version: ReportVersion, note: str) -> int:
    """Enter 0, with one note, in every required hand-entered cell still blank (e.g. the 2019 table 二 of
    an agency that makes no 规章 and charges no fees). Returns how many cells were filled."""
    note = _text(note, "note").strip()
    if not note:
        raise ReportError({"note": "请说明这些单元格为0的依据（例如“本机关本年度未发生上述事项”）。"})
    if len(note) > 500:
        raise ReportError({"note": "说明不能超过500字。"})
    with transaction.atomic():
        report, draft = _locked_draft(actor, version)
        tables = documents.assembled_tables(draft)
        blank = documents.missing_hand_cells(draft, tables)
        HandEntry.objects.bulk_create(
            HandEntry(
                version=draft,
                row=cell.row.key,
                column=cell.column.key,
                value=0,
                note=note,
                entered_by=user_of(actor),
            )
            for cell in blank
        )
        record_audit(
            actor,
            "annual.hand_entries_zero_filled",
            draft,
            agency=report.agency,
            cells=[f"{c.row.key}/{c.column.key}" for c in blank],
            note=note,
        )
    return len(blank)


def remove_hand_entry(*, actor: Actor, version: ReportVersion, row: str, column: str) -> None:
    try:
        documents.hand_cell(cast(FormatVersion, version.format), row, column)
    except documents.BadFigure as exc:
        raise ReportError(str(exc)) from None
    with transaction.atomic():
        report, draft = _locked_draft(actor, version)
        deleted, _ = HandEntry.objects.filter(version=draft, row=row, column=column).delete()
        if not deleted:
            raise ReportError("该单元格没有手工填报的数据。")
        record_audit(actor, "annual.hand_entry_removed", draft, agency=report.agency, row=row, column=column)


# ---------------------------------------------------------------------------------------------
# Checking, acknowledging, publishing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtraFinding:
    """A finding of Gongkai's own pre-publication rules (same shape as the checker's findings)."""

    code: str
    severity: str
    message: str
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "expected": None, "found": None}


def _own_findings(version: ReportVersion, doc: Any, previous: PreviousReport | None) -> list[ExtraFinding]:
    out: list[ExtraFinding] = []
    for cell in documents.missing_hand_cells(version, doc.tables):
        out.append(
            ExtraFinding(
                "draft.hand_entry_missing",
                "error",
                f"{cell.label}须手工填报（附数据来源说明），目前为空。",
                "proactive",
                "section2",
                cell.row.key,
                cell.column.key,
            )
        )
    for key in EDITABLE_SECTIONS:
        for placeholder in drafting.find_placeholders(doc.sections.get(key, "")):
            out.append(
                ExtraFinding(
                    "draft.placeholder",
                    "error",
                    f"“{SECTION_BY_KEY[key].heading}”中仍有待填写的内容：{placeholder}",
                    key,
                )
            )
    if (
        previous is not None
        and previous.problems
        and drafting.copied_from_previous(doc.sections.get("problems", ""), previous.problems)
    ):
        out.append(
            ExtraFinding(
                "draft.problems_copied",
                "warning",
                f"“五、存在的主要问题及改进情况”与{previous.label}几乎逐字相同。"
                "30号文要求如实报告本年度的问题和改进，内容雷同的报告会被通报；请据实改写。",
                "problems",
            )
        )
    if previous is None and version.report.year > FIRST_STRUCTURED_YEAR:
        out.append(
            ExtraFinding(
                "draft.no_previous_report",
                "info",
                f"未找到{version.report.year - 1}年度报告，跨年度核对（上年结转、现行有效件数）未进行；"
                "如上一年度报告不是在本系统公开的，可导入其文件。",
            )
        )
    if version.report.year >= timezone.localdate().year:
        out.append(
            ExtraFinding(
                "draft.year_not_over",
                "error",
                f"{version.report.year}年度尚未结束，表格数据还会变化；年度报告须在次年公开。",
            )
        )
    return out


def check_draft(*, actor: Actor, version: ReportVersion) -> ReportVersion:
    """Run the checker on the draft as it will be published, and Gongkai's own rules; store the result."""
    with transaction.atomic():
        report, draft = _locked_draft(actor, version)
        doc = documents.to_document(draft)
        previous = previous_report(report.agency, report.year)
        filename = f"{report.agency.short_code}-{report.year}.html"
        result = check_bytes(
            render_html(doc).encode(), filename, previous=previous.parsed if previous else None
        )
        extra = _own_findings(draft, doc, previous)
        draft.check_result = {
            "fingerprint": documents.fingerprint(doc),
            "checked_at": timezone.now().isoformat(),
            "previous": previous.label if previous else "",
            "previous_key": previous.key if previous else "",
            "result": result.to_json(),
            "extra": [f.to_json() for f in extra],
        }
        draft.save(update_fields=["check_result", "updated_at"])
        findings = all_findings(draft)
        record_audit(
            actor,
            "annual.checked",
            draft,
            agency=report.agency,
            errors=sum(1 for f in findings if f["severity"] == "error"),
            warnings=sum(1 for f in findings if f["severity"] == "warning"),
        )
    return draft


def all_findings(version: ReportVersion) -> list[dict[str, Any]]:
    """The checker's findings and Gongkai's own, from the stored check."""
    check = version.check_result or {}
    return list((check.get("result") or {}).get("findings") or []) + list(check.get("extra") or [])


def _warning_keys(findings: list[dict[str, Any]]) -> list[str]:
    return sorted(
        f"{f['code']}|{f.get('table')}|{f.get('row')}|{f.get('column')}|{f['message']}"
        for f in findings
        if f["severity"] == "warning"
    )


@dataclass(frozen=True)
class Readiness:
    """Whether a draft may be published now, and if not, why (in Chinese)."""

    check_current: bool
    errors: int
    warnings: int
    acknowledged: bool
    reasons: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.reasons


def readiness(version: ReportVersion) -> Readiness:
    doc = documents.to_document(version)
    check = version.check_result or {}
    report = version.report
    current = (
        bool(check)
        and check.get("fingerprint") == documents.fingerprint(doc)
        # Last year's report used by the cross-year rules is part of what was checked.
        and check.get("previous_key", "") == previous_key(report.agency, report.year)
    )
    findings = all_findings(version) if current else []
    errors = sum(1 for f in findings if f["severity"] == "error")
    warnings = _warning_keys(findings)
    ack = version.acknowledgement or {}
    acknowledged = not warnings or (
        ack.get("fingerprint") == check.get("fingerprint") and ack.get("warnings") == warnings
    )
    reasons: list[str] = []
    if not check:
        reasons.append("尚未检查：公开前须先检查报告。")
    elif not current:
        reasons.append("报告或用于跨年度核对的上一年度报告在上次检查后有变化，请重新检查。")
    if errors:
        reasons.append(f"检查发现{errors}个错误，须先改正。")
    if current and not acknowledged:
        reasons.append(f"有{len(warnings)}个警告尚未确认。")
    if version.number > 1 and not version.change_note.strip():
        reasons.append("更正版本须填写更正说明（改了什么、为什么改）。")
    return Readiness(current, errors, len(warnings), acknowledged, tuple(reasons))


def acknowledge_warnings(*, actor: Actor, version: ReportVersion, note: str = "") -> ReportVersion:
    """Record that the current check's warnings were read and accepted (who, when, which)."""
    with transaction.atomic():
        report, draft = _locked_draft(actor, version)
        state = readiness(draft)
        if not state.check_current:
            raise ReportError("请先检查报告（报告在上次检查后有改动，或尚未检查）。")
        if state.errors:
            raise ReportError("报告还有错误，改正并重新检查后才能确认警告。")
        findings = all_findings(draft)
        warnings = _warning_keys(findings)
        if not warnings:
            raise ReportError("本次检查没有警告，无需确认。")
        draft.acknowledgement = {
            "fingerprint": draft.check_result["fingerprint"],
            "warnings": warnings,
            "by": user.get_username() if (user := user_of(actor)) is not None else "",
            "at": timezone.now().isoformat(),
            "note": _text(note, "note").strip()[:1000],
        }
        draft.save(update_fields=["acknowledgement", "updated_at"])
        record_audit(
            actor, "annual.warnings_acknowledged", draft, agency=report.agency, warnings=warnings, note=note
        )
    return draft


def set_change_note(*, actor: Actor, version: ReportVersion, change_note: str) -> ReportVersion:
    change_note = _text(change_note, "change_note").strip()
    if len(change_note) > 2000:
        raise ReportError({"change_note": "更正说明不能超过2000字。"})
    with transaction.atomic():
        report, draft = _locked_draft(actor, version)
        if draft.number == 1:
            raise ReportError("首次公开的报告没有更正说明。")
        draft.change_note = change_note
        draft.save(update_fields=["change_note", "updated_at"])
        record_audit(actor, "annual.change_note_set", draft, agency=report.agency)
    return draft


def publish(*, actor: Actor, version: ReportVersion, on: datetime.date | None = None) -> ReportVersion:
    """Publish the draft in the agency's 政府信息公开年报 column, dated ``on`` (today by default)."""
    with transaction.atomic():
        report, draft = _locked_draft(actor, version)
        state = readiness(draft)
        if not state.ready:
            raise ReportError(list(state.reasons))
        today = timezone.localdate()
        on = on or today
        if on > today:
            raise ReportError("公开日期不能晚于今天。")
        if on.year <= report.year:
            raise ReportError(f"{report.year}年度报告须在该年度结束后公开。")
        previous = latest_published(report)
        if previous is not None and previous.published_on and on < previous.published_on:
            raise ReportError("更正版本的公开日期不能早于上一版本。")
        draft.status = VersionStatus.PUBLISHED
        draft.published_on = on
        draft.published_at = timezone.now()
        draft.published_by = user_of(actor)
        # Write the row directly: ``save`` refuses any change to a version once stored as published.
        draft.agency_name = report.agency.name
        ReportVersion.objects.filter(pk=draft.pk, status=VersionStatus.DRAFT).update(
            status=draft.status,
            agency_name=draft.agency_name,
            published_on=on,
            published_at=draft.published_at,
            published_by=draft.published_by,
            updated_at=timezone.now(),
        )
        record_audit(
            actor,
            "annual.published",
            draft,
            agency=report.agency,
            year=report.year,
            version=draft.number,
            published_on=on.isoformat(),
        )
    return draft


def start_correction(*, actor: Actor, report: Report) -> ReportVersion:
    """A new draft version copying the latest published one (text, tables, hand entries)."""
    with transaction.atomic():
        report = _lock(report)
        _require_write(actor, report.agency)
        if report.versions.filter(status=VersionStatus.DRAFT).exists():
            raise ReportError("该报告已有未公开的草稿，请在草稿上修改。")
        source = latest_published(report)
        if source is None:
            raise ReportError("该报告尚未公开，直接修改草稿即可。")
        draft = ReportVersion.objects.create(
            report=report,
            number=source.number + 1,
            format=source.format,
            sections=dict(source.sections),
            computed=source.computed,
            computed_at=source.computed_at,
            created_by=user_of(actor),
        )
        HandEntry.objects.bulk_create(
            HandEntry(
                version=draft, row=e.row, column=e.column, value=e.value, note=e.note, entered_by=e.entered_by
            )
            for e in source.hand_entries.all()
        )
        record_audit(actor, "annual.correction_started", draft, agency=report.agency, version=draft.number)
    return draft


def discard_correction(*, actor: Actor, version: ReportVersion) -> None:
    """Drop an unpublished correction draft (the published version stays as it is)."""
    with transaction.atomic():
        report, draft = _locked_draft(actor, version)
        if draft.number == 1:
            raise ReportError("首个版本的草稿不能删除；不需要时可以不公开。")
        record_audit(actor, "annual.correction_discarded", draft, agency=report.agency, version=draft.number)
        draft.hand_entries.all().delete()
        ReportVersion.objects.filter(pk=draft.pk, status=VersionStatus.DRAFT).delete()


# ---------------------------------------------------------------------------------------------
# Imports and local deadlines
# ---------------------------------------------------------------------------------------------


def read_report_file(data: bytes, filename: str) -> dict[str, Any]:
    """The checker's JSON for a report file, or ``{"unreadable": message}`` (never raises on bad files)."""
    try:
        result = check_bytes(data, filename)
    except UnreadableFile as exc:
        return {"path": filename, "unreadable": str(exc)}
    payload = result.to_json()
    payload["problems"] = result.report.sections.get("problems", "")[:MAX_SECTION_CHARS]
    return payload


def import_previous(*, actor: Actor, agency: Agency, year: int, filename: str, data: bytes) -> ImportedReport:
    """Import ``agency``'s report on ``year`` published elsewhere, for next year's cross-year check."""
    _require_write(actor, agency)
    result = read_report_file(data, filename)
    if "unreadable" in result:
        raise ReportError({"file": f"无法读取该文件：{result['unreadable']}"})
    if result.get("kind") != "annual_report":
        raise ReportError(
            {"file": "该文件不像是一份按统一格式编写的年度报告（未找到表二、表三、表四），未导入。"}
        )
    if result.get("year") not in (None, year):
        raise ReportError({"file": f"该文件是{result['year']}年度的报告，而不是{year}年度的报告。"})
    with transaction.atomic():
        imported = ImportedReport.objects.create(
            agency=agency,
            imported_for=agency,
            purpose=ImportPurpose.PREVIOUS,
            year=year,
            filename=filename[:255],
            agency_name=str(result.get("agency") or "")[:200],
            result=result,
            imported_by=user_of(actor),
            error_count=severity_counts(result)["error"],
            warning_count=severity_counts(result)["warning"],
        )
        record_audit(actor, "annual.previous_imported", imported, agency=agency, year=year, filename=filename)
    return imported


def set_local_deadline(
    *, actor: Actor, supervisor_agency: Agency, year: int, deadline: datetime.date
) -> LocalDeadline:
    """The deadline for the townships below ``supervisor_agency`` (第四十九条 is silent on them)."""
    if actor is None or not permissions.can_supervise(actor, supervisor_agency):
        raise PermissionDenied("只有政务公开办可以设定乡镇、街道的年度报告期限。")
    if not (datetime.date(year + 1, 1, 1) <= deadline <= datetime.date(year + 1, 12, 31)):
        raise ReportError({"deadline": f"{year}年度报告的期限应在{year + 1}年内。"})
    with transaction.atomic():
        local, _created = LocalDeadline.objects.update_or_create(
            supervisor_agency=supervisor_agency,
            year=year,
            defaults={"deadline": deadline, "set_by": user_of(actor)},
        )
        record_audit(
            actor,
            "annual.local_deadline_set",
            local,
            agency=supervisor_agency,
            year=year,
            deadline=deadline.isoformat(),
        )
    return local


def deadline_for(agency: Agency, year: int) -> datetime.date | None:
    """The agency's deadline for its report on ``year`` (``deadlines.agency_deadline``)."""
    ancestors = agency.ancestor_ids()
    local = (
        dict(
            LocalDeadline.objects.filter(year=year, supervisor_agency_id__in=ancestors).values_list(
                "supervisor_agency_id", "deadline"
            )
        )
        if agency.kind in LOCALLY_SET_KINDS
        else {}
    )
    return agency_deadline(agency.kind, year, ancestors, local)[0]
