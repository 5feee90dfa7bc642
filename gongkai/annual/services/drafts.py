"""Drafting: the report's first version (tables from the records, prose drafts quoting the year's figures),
its tables computed again from the records, its text edited."""

from __future__ import annotations

from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongkai.agencies.models import Agency
from gongkai.annual import documents
from gongkai.annual.figures import year_figures
from gongkai.annual.models import Report, ReportVersion, VersionStatus
from gongkai.annual.selectors import previous_report
from gongkai.annual.services.common import (
    EDITABLE_SECTIONS,
    MAX_SECTION_CHARS,
    ReportError,
    clean_text,
    format_of,
    lock,
    locked_draft,
    require_write,
)
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.reports import drafting
from gongkai.reports.document import PROSE_SECTIONS
from gongkai.reports.model import SECTION_BY_KEY, FormatVersion, get_format


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
    require_write(actor, agency)
    version = format_of(year)
    today = timezone.localdate()
    if year > today.year:
        raise ReportError(gettext("%(year)s年度尚未开始，不能编写该年度的报告。") % {"year": year})
    with transaction.atomic():
        report, _created = Report.objects.get_or_create(agency=agency, year=year)
        report = lock(report)
        draft = report.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is not None:
            return draft
        if report.versions.exists():
            raise ReportError(gettext("该年度报告已公开；如需更正，请新建更正版本。"))
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
        report, draft = locked_draft(actor, version)
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
            raise ReportError(gettext("未知的报告部分：%(key)s") % {"key": key})
        text = clean_text(text, key).replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > MAX_SECTION_CHARS:
            errors[key] = gettext("“%(heading)s”共%(count)s字，超过%(max)s字的上限，请精简。") % {
                "heading": SECTION_BY_KEY[key].heading,
                "count": len(text),
                "max": MAX_SECTION_CHARS,
            }
        if key in PROSE_SECTIONS and not text:
            errors[key] = gettext("“%(heading)s”不能为空。") % {"heading": SECTION_BY_KEY[key].heading}
        clean[key] = text
    if errors:
        raise ReportError(errors)
    with transaction.atomic():
        report, draft = locked_draft(actor, version)
        changed = sorted(k for k, v in clean.items() if (draft.sections or {}).get(k, "") != v)
        draft.sections = {**(draft.sections or {}), **clean}
        draft.save(update_fields=["sections", "updated_at"])
        record_audit(actor, "annual.sections_saved", draft, agency=report.agency, changed=changed)
    return draft
