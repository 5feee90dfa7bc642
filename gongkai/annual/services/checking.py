"""Checking a draft before it is published — the checker on the exported HTML, with last year's report for
the cross-year rules, and Gongkai's own rules — and acknowledging the warnings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongkai.annual import documents
from gongkai.annual.figures import year_fees
from gongkai.annual.models import ReportVersion
from gongkai.annual.selectors import PreviousReport, all_findings, previous_report, readiness, warning_keys
from gongkai.annual.services.common import EDITABLE_SECTIONS, ReportError, clean_text, locked_draft
from gongkai.annual.services.signoff import require_signoff
from gongkai.checker.pipeline import check_bytes
from gongkai.core.actors import Actor, display_name, user_of
from gongkai.core.audit import record_audit
from gongkai.core.messages import N_, Message
from gongkai.reports import drafting
from gongkai.reports.export.html import render_html
from gongkai.reports.fee_statement import FeeMismatch, fee_mismatches
from gongkai.reports.findings import params_to_json
from gongkai.reports.model import FIRST_STRUCTURED_YEAR, SECTION_BY_KEY


@dataclass(frozen=True)
class ExtraFinding:
    """A finding of Gongkai's own pre-publication rules (same shape as the checker's findings): ``message``
    is the Chinese text, ``template``/``params`` the message it was made from, rendered in the reader's
    language when shown."""

    code: str
    severity: str
    message: str
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    template: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, severity: str, message: Message, *place: str | None) -> ExtraFinding:
        """The finding ``message`` makes, at ``place`` (section, table, row, column)."""
        section, table, row, column = (*place, None, None, None, None)[:4]
        return cls(
            code,
            severity,
            str(message),
            section,
            table,
            row,
            column,
            template=message.template,
            params=message.params,
        )

    def to_json(self) -> dict[str, Any]:
        out = {**asdict(self), "expected": None, "found": None, "params": params_to_json(self.params)}
        if self.template is None:
            del out["template"], out["params"]
        return out


#: What each figure of the fee statement is (:class:`gongkai.reports.fee_statement.FeeMismatch`), and
#: what it is compared with on record (docs/decisions.md D19).
_FEE_FIGURES: dict[str, tuple[str, str]] = {
    "notices": (N_("发出收费通知的件数"), N_("本年度发出的收费通知")),
    "noticed_amount": (N_("收费通知的总金额"), N_("本年度发出的收费通知金额合计")),
    "collected_amount": (N_("实际收取的信息处理费"), N_("本年度已缴费的收费通知金额合计")),
}


def _fee_finding(mismatch: FeeMismatch) -> ExtraFinding:
    label, basis = _FEE_FIGURES[mismatch.figure]
    if mismatch.figure == "notices":
        template = N_(
            "“六、其他需要报告的事项”写明%(figure)s为%(stated)s件，本系统记录为%(recorded)s件（%(basis)s）；"
            "请核对后改正其中之一。"
        )
        stated, recorded = str(int(mismatch.stated)), str(int(mismatch.recorded))
    else:
        template = N_(
            "“六、其他需要报告的事项”写明%(figure)s为%(stated)s元，本系统记录为%(recorded)s元（%(basis)s）；"
            "请核对后改正其中之一。"
        )
        stated, recorded = drafting.yuan(mismatch.stated), drafting.yuan(mismatch.recorded)
    params = {"figure": Message(label), "stated": stated, "recorded": recorded, "basis": Message(basis)}
    return ExtraFinding.of("draft.fee_mismatch", "warning", Message(template, params), "other")


def _fee_findings(version: ReportVersion, doc: Any) -> list[ExtraFinding]:
    """Section 六's 信息处理费 figures against the year's fee notices and payments on record."""
    recorded = year_fees([version.report.agency_id], version.report.year)
    return [_fee_finding(m) for m in fee_mismatches(doc.sections.get("other", ""), recorded)]


def _own_findings(version: ReportVersion, doc: Any, previous: PreviousReport | None) -> list[ExtraFinding]:
    out: list[ExtraFinding] = []
    for cell in documents.missing_hand_cells(version, doc.tables):
        message = Message(N_("%(cell)s须手工填报（附数据来源说明），目前为空。"), {"cell": cell.message})
        out.append(
            ExtraFinding.of(
                "draft.hand_entry_missing",
                "error",
                message,
                "proactive",
                "section2",
                cell.row.key,
                cell.column.key,
            )
        )
    for key in EDITABLE_SECTIONS:
        for placeholder in drafting.find_placeholders(doc.sections.get(key, "")):
            message = Message(
                N_("“%(heading)s”中仍有待填写的内容：%(placeholder)s"),
                {"heading": SECTION_BY_KEY[key].heading, "placeholder": placeholder},
            )
            out.append(ExtraFinding.of("draft.placeholder", "error", message, key))
    if (
        previous is not None
        and previous.problems
        and drafting.copied_from_previous(doc.sections.get("problems", ""), previous.problems)
    ):
        message = Message(
            N_(
                "“五、存在的主要问题及改进情况”与%(previous)s几乎逐字相同。"
                "30号文要求如实报告本年度的问题和改进，内容雷同的报告会被通报；请据实改写。"
            ),
            {"previous": previous.message or previous.label},
        )
        out.append(ExtraFinding.of("draft.problems_copied", "warning", message, "problems"))
    out += _fee_findings(version, doc)
    if previous is None and version.report.year > FIRST_STRUCTURED_YEAR:
        message = Message(
            N_(
                "未找到%(year)s年度报告，跨年度核对（上年结转、现行有效件数）未进行；"
                "如上一年度报告不是在本系统公开的，可导入其文件。"
            ),
            {"year": version.report.year - 1},
        )
        out.append(ExtraFinding.of("draft.no_previous_report", "info", message))
    if version.report.year >= timezone.localdate().year:
        message = Message(
            N_("%(year)s年度尚未结束，表格数据还会变化；年度报告须在次年公开。"),
            {"year": version.report.year},
        )
        out.append(ExtraFinding.of("draft.year_not_over", "error", message))
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
            "previous_message": params_to_json({"label": previous.message})
            if previous and previous.message
            else None,
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


#: The longest note to an acknowledgement of warnings (longer is refused, never cut).
MAX_ACKNOWLEDGEMENT_NOTE = 1000


def acknowledge_warnings(*, actor: Actor, version: ReportVersion, note: str = "") -> ReportVersion:
    """Record that the current check's warnings were read and accepted (who, when, which)."""
    note = clean_text(note, "note").strip()
    if len(note) > MAX_ACKNOWLEDGEMENT_NOTE:
        raise ReportError(
            {
                "note": gettext("说明不能超过%(max)s字（现有%(n)s字），请精简后再确认。")
                % {"max": MAX_ACKNOWLEDGEMENT_NOTE, "n": len(note)}
            }
        )
    with transaction.atomic():
        report, draft = locked_draft(actor, version)
        require_signoff(actor, report.agency)
        state = readiness(draft)
        if not state.check_current:
            raise ReportError(gettext("请先检查报告（报告在上次检查后有改动，或尚未检查）。"))
        if state.errors:
            raise ReportError(gettext("报告还有错误，改正并重新检查后才能确认警告。"))
        findings = all_findings(draft)
        warnings = warning_keys(findings)
        if not warnings:
            raise ReportError(gettext("本次检查没有警告，无需确认。"))
        draft.acknowledgement = {
            "fingerprint": draft.check_result["fingerprint"],
            "warnings": warnings,
            "by": display_name(user_of(actor)),
            "at": timezone.now().isoformat(),
            "note": note,
        }
        draft.save(update_fields=["acknowledgement", "updated_at"])
        record_audit(
            actor, "annual.warnings_acknowledged", draft, agency=report.agency, warnings=warnings, note=note
        )
    return draft
