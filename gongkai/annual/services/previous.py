"""Last year's report published elsewhere, imported for the cross-year rules; and reading any report file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from gongkai.agencies.models import Agency
from gongkai.annual.models import ImportedReport, ImportPurpose
from gongkai.annual.services.common import MAX_SECTION_CHARS, ReportError, require_write
from gongkai.checker.pipeline import UnreadableFile, check_bytes
from gongkai.checker.result import severity_counts
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.core.i18n import render_error


def read_report_file(data: bytes, filename: str, agencies: Sequence[str] = ()) -> dict[str, Any]:
    """The checker's JSON for a report file, or ``{"unreadable": message}`` (never raises on bad files);
    its ``agency`` is one of ``agencies`` when the report names exactly one of them."""
    try:
        result = check_bytes(data, filename, agencies=agencies)
    except UnreadableFile as exc:
        return {"path": filename, "unreadable": render_error(exc)}
    payload = result.to_json()
    payload["problems"] = result.report.sections.get("problems", "")[:MAX_SECTION_CHARS]
    return payload


def import_previous(*, actor: Actor, agency: Agency, year: int, filename: str, data: bytes) -> ImportedReport:
    """Import ``agency``'s report on ``year`` published elsewhere, for next year's cross-year check."""
    require_write(actor, agency)
    result = read_report_file(data, filename)
    if "unreadable" in result:
        raise ReportError({"file": gettext("无法读取该文件：%(reason)s") % {"reason": result["unreadable"]}})
    if result.get("kind") == "template":
        # The official tables are there, every cell blank: saying they were not found would mislead.
        raise ReportError(
            {
                "file": gettext(
                    "该文件是空白模板：统计表（表二、表三、表四）都在，但没有填写任何数字，不是年度报告，未导入；"
                    "请导入已填写数据并公开的年度报告。"
                )
            }
        )
    if result.get("kind") != "annual_report":
        raise ReportError(
            {"file": gettext("该文件不像是一份按统一格式编写的年度报告（未找到表二、表三、表四），未导入。")}
        )
    if result.get("year") not in (None, year):
        raise ReportError(
            {
                "file": gettext("该文件是%(found)s年度的报告，而不是%(year)s年度的报告。")
                % {"found": result["year"], "year": year}
            }
        )
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
