"""Checking a draft before it is published — the checker on the exported HTML, with last year's report for
the cross-year rules, and Gongkai's own rules — and acknowledging the warnings."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.annual import documents
from gongkai.annual.models import ReportVersion
from gongkai.annual.selectors import PreviousReport, all_findings, previous_report, readiness, warning_keys
from gongkai.annual.services.common import EDITABLE_SECTIONS, ReportError, clean_text, locked_draft
from gongkai.checker.pipeline import check_bytes
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.reports import drafting
from gongkai.reports.export.html import render_html
from gongkai.reports.model import FIRST_STRUCTURED_YEAR, SECTION_BY_KEY


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
        report, draft = locked_draft(actor, version)
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


def acknowledge_warnings(*, actor: Actor, version: ReportVersion, note: str = "") -> ReportVersion:
    """Record that the current check's warnings were read and accepted (who, when, which)."""
    with transaction.atomic():
        report, draft = locked_draft(actor, version)
        state = readiness(draft)
        if not state.check_current:
            raise ReportError("请先检查报告（报告在上次检查后有改动，或尚未检查）。")
        if state.errors:
            raise ReportError("报告还有错误，改正并重新检查后才能确认警告。")
        findings = all_findings(draft)
        warnings = warning_keys(findings)
        if not warnings:
            raise ReportError("本次检查没有警告，无需确认。")
        draft.acknowledgement = {
            "fingerprint": draft.check_result["fingerprint"],
            "warnings": warnings,
            "by": user.get_username() if (user := user_of(actor)) is not None else "",
            "at": timezone.now().isoformat(),
            "note": clean_text(note, "note").strip()[:1000],
        }
        draft.save(update_fields=["acknowledgement", "updated_at"])
        record_audit(
            actor, "annual.warnings_acknowledged", draft, agency=report.agency, warnings=warnings, note=note
        )
    return draft
