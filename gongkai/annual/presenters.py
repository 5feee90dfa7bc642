"""What the officer's annual-report pages show, shaped from the selectors' data (no queries of its own)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gongkai.agencies.models import Agency
from gongkai.annual import documents
from gongkai.annual.models import HandEntry, ReportVersion, VersionStatus
from gongkai.checker.presenters import describe_location
from gongkai.core.actors import display_name
from gongkai.core.i18n import render as render_message
from gongkai.core.messages import Message
from gongkai.core.models import AuditEvent
from gongkai.reports import deadlines
from gongkai.reports.diff import Changes, changes
from gongkai.reports.document import ReportDocument
from gongkai.reports.findings import Finding, params_from_json
from gongkai.reports.model import FormatVersion, format_for_year


def workspace_url(agency: Agency, year: int) -> str:
    return reverse("annual:workspace", args=[agency.short_code, year])


def index_rows(
    agencies: Sequence[Agency], by_agency: Mapping[int, Mapping[int, list[ReportVersion]]]
) -> list[dict[str, Any]]:
    """One row per agency: its years (latest first), each with its latest published version and its draft."""
    rows = []
    for agency in agencies:
        years = []
        for year, vs in sorted(by_agency.get(agency.pk, {}).items(), reverse=True):
            published = [v for v in vs if v.status == VersionStatus.PUBLISHED]
            years.append(
                {
                    "year": year,
                    "published": published[-1] if published else None,
                    "draft": next((v for v in vs if v.status == VersionStatus.DRAFT), None),
                    "url": workspace_url(agency, year),
                }
            )
        rows.append({"agency": agency, "years": years})
    return rows


def shown_version(versions: Sequence[ReportVersion], requested: str | None) -> ReportVersion:
    """The version the workspace shows: the one asked for (``?version=``), else the draft, else the latest
    published one."""
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    published = [v for v in versions if v.status == VersionStatus.PUBLISHED]
    shown = draft or published[-1]
    if requested and requested.isascii() and requested.isdigit():
        shown = next((v for v in versions if v.number == int(requested)), shown)
    return shown


def hand_rows(shown: ReportVersion, entries: Mapping[tuple[str, str], HandEntry]) -> list[dict[str, Any]]:
    """The hand-entered cells of table 二, each with its entry (if any) and the figure computed beside it."""
    rows = []
    for cell in documents.hand_cells(cast(FormatVersion, shown.format)):
        entry = entries.get((cell.row.key, cell.column.key))
        computed = (shown.computed.get("section2") or {}).get(cell.row.key, {}).get(cell.column.key)
        rows.append({"cell": cell, "entry": entry, "computed": computed})
    return rows


def version_diff(
    versions: Sequence[ReportVersion], shown: ReportVersion, doc: ReportDocument
) -> Changes | None:
    """What the shown version changed from the one before it (``None`` for version 1)."""
    if shown.number > 1:
        before = next((v for v in versions if v.number == shown.number - 1), None)
        if before is not None:
            return changes(documents.to_document(before), doc)
    return None


def cell_link(
    agency: Agency, year: int, version: ReportVersion, hand: set[tuple[str, str]]
) -> Callable[..., str]:
    """The link from a table cell to the records behind it ("" for a cell not computed from records)."""
    fmt = cast(FormatVersion, version.format)

    def link(key: tuple[str, str, str | None]) -> str:
        table, row, column = key
        if column is None:
            return ""
        if table == "section2" and (fmt != "2021" or (row, column) in hand or row == "fees"):
            return ""
        return reverse("annual:cell", args=[agency.short_code, year, table, row, column])

    return link


def when(value: object) -> datetime.datetime | None:
    """A stored ISO timestamp as a datetime (shown in the site's time zone by the template)."""
    try:
        return datetime.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def cell_label(year: int, table: str, row: str, column: str) -> str:
    """Where a cell is, in words ("表三 …"), for the page of the records behind it."""
    finding = Finding(code="", severity="info", message="", table=table, row=row, column=column)
    return describe_location(finding, format_for_year(year))


def checked_previous(check: Mapping[str, Any]) -> str:
    """Last year's report a stored check used for the cross-year rules, in the reader's language (a check
    stored before it kept the message shows its Chinese label)."""
    label = params_from_json(check.get("previous_message")).get("label")
    if isinstance(label, Message):
        return render_message(label)
    return str(check.get("previous") or "")


#: The report's sign-off steps as its history shows them (D15).
SIGNOFF_LABELS = {
    "annual.warnings_acknowledged": gettext_lazy("确认警告"),
    "annual.returned": gettext_lazy("负责人退回修改"),
    "annual.published": gettext_lazy("公开"),
}


def signoff_rows(events: Iterable[AuditEvent]) -> list[tuple[str, str, Any, str]]:
    """(step, who, when, reason) for each sign-off step of a version."""
    return [
        (
            str(SIGNOFF_LABELS.get(e.action, e.action)),
            display_name(e.actor) if e.actor is not None else e.actor_label,
            e.created_at,
            str((e.details or {}).get("reason", "")),
        )
        for e in events
    ]


def publish_confirmation(draft: ReportVersion, deadline: datetime.date | None) -> dict[str, Any]:
    """What the page confirming publication shows: the version, today's date as the publication date, the
    column it appears in, the deadline and whether publishing today meets it."""
    report = draft.report
    agency = report.agency
    today = timezone.localdate()
    return {
        "agency": agency,
        "year": report.year,
        "draft": draft,
        "today": today,
        "deadline": deadline,
        "timeliness": deadlines.TIMELINESS_LABELS[deadlines.timeliness(deadline, today, today)],
        "column_url": reverse("annual_public:column_reports", args=[agency.short_code]),
        "workspace_url": workspace_url(agency, report.year),
    }
