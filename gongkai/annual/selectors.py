"""Reads of annual reports: the published versions, last year's report for the cross-year rules, the stored
check's findings, whether a draft may be published, an agency's deadline; and what the officer's pages list.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from gongkai.agencies.models import Agency
from gongkai.annual import documents, permissions, tabulate
from gongkai.annual.models import (
    HandEntry,
    ImportedReport,
    ImportPurpose,
    LocalDeadline,
    Report,
    ReportVersion,
    VersionStatus,
)
from gongkai.checker.pipeline import parse_bytes
from gongkai.checker.presenters import result_from_json
from gongkai.checker.result import ParsedReport
from gongkai.core.i18n import render
from gongkai.core.messages import N_, Message
from gongkai.core.models import AuditEvent
from gongkai.reports import deadlines
from gongkai.reports.deadlines import LOCALLY_SET_KINDS, agency_deadline
from gongkai.reports.export.html import render_html


def latest_published(report: Report) -> ReportVersion | None:
    return report.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


@dataclass(frozen=True)
class PreviousReport:
    parsed: ParsedReport
    #: Which report it is ("gongkai:<version pk>" or "import:<pk>"): a check is stale when this changes.
    key: str
    label: str  # in Chinese (stored with the check)
    problems: str  # last year's section 五, for the draft and the copy warning
    #: ``label`` as a message, to show in the reader's language.
    message: Message | None = None


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


def _label(source: ReportVersion | ImportedReport, year: int) -> Message:
    if isinstance(source, ReportVersion):
        return Message(
            N_("本系统公开的%(year)s年度报告（第%(number)s版）"), {"year": year - 1, "number": source.number}
        )
    return Message(
        N_("导入的%(year)s年度报告（%(filename)s）"), {"year": year - 1, "filename": source.filename}
    )


def previous_label(agency: Agency, year: int) -> str:
    """Which report the cross-year rules will use, for the page ("" when none) — without reading it; in the
    reader's language."""
    source = _previous_source(agency, year)
    return render(_label(source, year)) if source is not None else ""


def previous_report(agency: Agency, year: int) -> PreviousReport | None:
    """Last year's report, read for the cross-year rules (the Gongkai one as it is published)."""
    source = _previous_source(agency, year)
    if source is None:
        return None
    label = _label(source, year)
    if isinstance(source, ReportVersion):
        doc = documents.to_document(source)
        parsed = parse_bytes(render_html(doc).encode(), "previous.html")
        return PreviousReport(
            parsed, f"gongkai:{source.pk}", str(label), doc.sections.get("problems", ""), label
        )
    parsed = result_from_json(source.result).report
    return PreviousReport(
        parsed, f"import:{source.pk}", str(label), str(source.result.get("problems") or ""), label
    )


def all_findings(version: ReportVersion) -> list[dict[str, Any]]:
    """The checker's findings and Gongkai's own, from the stored check."""
    check = version.check_result or {}
    return list((check.get("result") or {}).get("findings") or []) + list(check.get("extra") or [])


def warning_keys(findings: list[dict[str, Any]]) -> list[str]:
    return sorted(
        f"{f['code']}|{f.get('table')}|{f.get('row')}|{f.get('column')}|{f['message']}"
        for f in findings
        if f["severity"] == "warning"
    )


@dataclass(frozen=True)
class Readiness:
    """Whether a draft may be published now, and if not, why (in the reader's language)."""

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
    warnings = warning_keys(findings)
    ack = version.acknowledgement or {}
    acknowledged = not warnings or (
        ack.get("fingerprint") == check.get("fingerprint") and ack.get("warnings") == warnings
    )
    reasons: list[str] = []
    if not check:
        reasons.append(gettext("尚未检查：公开前须先检查报告。"))
    elif not current:
        reasons.append(gettext("报告或用于跨年度核对的上一年度报告在上次检查后有变化，请重新检查。"))
    if errors:
        reasons.append(gettext("检查发现%(count)s个错误，须先改正。") % {"count": errors})
    if current and not acknowledged:
        reasons.append(gettext("有%(count)s个警告尚未确认。") % {"count": len(warnings)})
    if version.number > 1 and not version.change_note.strip():
        reasons.append(gettext("更正版本须填写更正说明（改了什么、为什么改）。"))
    return Readiness(current, errors, len(warnings), acknowledged, tuple(reasons))


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


# ---------------------------------------------------------------------------------------------
# The officer's pages
# ---------------------------------------------------------------------------------------------

#: The agencies the officer's index lists at most.
MAX_INDEX_AGENCIES = 500


def readable_agencies(user: permissions.User) -> list[Agency]:
    """The agencies whose reports ``user`` may read, by name (the officer's index)."""
    ids = permissions.readable_agency_ids(user)
    return list(Agency.objects.filter(pk__in=ids).order_by("name")[:MAX_INDEX_AGENCIES])


def versions_by_agency(agencies: Sequence[Agency]) -> dict[int, dict[int, list[ReportVersion]]]:
    """Every version of the agencies' reports: agency pk → year → versions in order."""
    versions = (
        ReportVersion.objects.filter(report__agency_id__in=[a.pk for a in agencies])
        .select_related("report")
        .order_by("report__agency_id", "-report__year", "number")
    )
    by_agency: dict[int, dict[int, list[ReportVersion]]] = {}
    for version in versions:
        by_agency.setdefault(version.report.agency_id, {}).setdefault(version.report.year, []).append(version)
    return by_agency


def report_of(agency: Agency, year: int) -> Report | None:
    return Report.objects.filter(agency=agency, year=year).first()


def cell_records(agency: Agency, year: int, table: str, row: str, column: str) -> tuple[QuerySet[Any], str]:
    """The records counted in one computed cell, in order, and their kind ("cases", "appeals", "items").

    Raises ``KeyError`` or ``ValueError`` for a cell not computed from records."""
    if table == "section3":
        return tabulate.table3_cases([agency.pk], year, row, column).order_by("receipt_date", "id"), "cases"
    if table == "section4":
        appeals = tabulate.table4_appeals([agency.pk], year, row, column).select_related("application")
        return appeals.order_by("filed_on", "id"), "appeals"
    if table == "section2":
        return tabulate.table2_items([agency.pk], year, row, column).order_by("written_on", "id"), "items"
    raise KeyError(table)


def versions_of(report: Report) -> list[ReportVersion]:
    """The report's versions, first to latest."""
    return list(report.versions.order_by("number"))


def hand_entries_of(version: ReportVersion) -> dict[tuple[str, str], HandEntry]:
    """The version's hand entries by (row, column)."""
    return {(e.row, e.column): e for e in version.hand_entries.all()}


#: The report's sign-off history (D15), from the audit log: who acknowledged, returned, published.
SIGNOFF_ACTIONS = ("annual.warnings_acknowledged", "annual.returned", "annual.published")


def signoff_history(version: ReportVersion) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(
            object_type=ReportVersion._meta.label_lower, object_id=str(version.pk), action__in=SIGNOFF_ACTIONS
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# The public column's 年报 page
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicReportYear:
    """One report year on the public 年报 page: the report (its latest published version), when it was
    first published, the deadline and the timeliness (``deadlines.timeliness``: an ``N_`` label)."""

    year: int
    version: ReportVersion | None
    first_published_on: datetime.date | None
    deadline: datetime.date | None
    timeliness: str
    label: str


def public_report_years(agency: Agency, today: datetime.date, *, years_shown: int) -> list[PublicReportYear]:
    """The agency's report years, newest first: last year (whose report is due this year) back to the
    earliest report published in Gongkai, at most ``years_shown`` of them (条例 第四十九条)."""
    versions = list(
        ReportVersion.objects.filter(report__agency=agency, status=VersionStatus.PUBLISHED)
        .select_related("report")
        .order_by("report__year", "number")
    )
    latest: dict[int, ReportVersion] = {}
    first: dict[int, datetime.date] = {}
    for version in versions:
        year = version.report.year
        latest[year] = version
        if version.published_on is not None and year not in first:
            first[year] = version.published_on
    newest = max([today.year - 1, *latest])
    oldest = max(min([today.year - 1, *latest]), newest - years_shown + 1)
    rows = []
    for year in range(newest, oldest - 1, -1):
        deadline = deadline_for(agency, year)
        status = deadlines.timeliness(deadline, first.get(year), today)
        rows.append(
            PublicReportYear(
                year, latest.get(year), first.get(year), deadline, status, deadlines.TIMELINESS_LABELS[status]
            )
        )
    return rows
