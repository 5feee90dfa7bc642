"""What the 政务公开办's roll-up pages and spreadsheets show, shaped from :mod:`gongkai.annual.rollup`'s data
and the imported reports (no queries of its own)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongkai.agencies.models import Agency
from gongkai.annual import rollup
from gongkai.annual.models import ImportedReport
from gongkai.annual.rollup.observers import Column, Observation
from gongkai.checker.presenters import (
    describe_location,
    finding_message,
    findings_from_json,
    format_label,
    kind_label,
    layout_format,
    result_from_json,
    severity_label,
)
from gongkai.checker.result import CheckResult
from gongkai.core.i18n import render as tr
from gongkai.reports.findings import SEVERITIES

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

#: A spreadsheet sheet: its title, its header and its rows.
Sheet = tuple[str, list[str], Iterable[list[Any]]]


def report_url(short_code: str, year: int) -> str:
    """The public page of an agency's report (``annual_public:report``)."""
    try:
        return reverse("annual_public:report", args=(short_code, year))
    except NoReverseMatch:  # pragma: no cover - the public pages are mounted with the app
        return f"/gk/{short_code}/reports/{year}/"


def import_url(seat: Agency, pk: int) -> str:
    return reverse("annual_supervise:import_detail", args=(seat.short_code, pk))


def link_rows(data: rollup.StatusRollup, seat: Agency, year: int) -> None:
    """Give each row the page of its report: the public page, or the imported file's."""
    for row in data.rows:
        if row.in_gongkai:
            row.url = report_url(row.short_code, year)
        elif row.imported_id is not None:
            row.url = import_url(seat, row.imported_id)


def status_rows(
    rows: Iterable[rollup.AgencyStatus], columns: Sequence[Column] = ()
) -> list[tuple[rollup.AgencyStatus, str, int, list[Observation | None]]]:
    """The status table's rows: each with its flag style, its indent and the extra columns' cells."""
    return [
        (
            row,
            STATUS_FLAGS[row.status],
            min(row.depth, MAX_INDENT),
            [row.observed.get(column.key) for column in columns],
        )
        for row in rows
    ]


def status_counts(data: rollup.StatusRollup) -> list[tuple[str, str, int, str]]:
    return [(s, label, n, STATUS_FLAGS[s]) for s, label, n in data.counts()]


def rollup_sheets(
    data: rollup.StatusRollup, rows: Iterable[rollup.AgencyStatus], absolute: Callable[[str], str]
) -> list[Sheet]:
    """The roll-up spreadsheet: the status of every agency shown, and the summary by status."""
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
        *(column.title() for column in data.columns),
    ]
    yes, no, here, elsewhere = _("是"), _("否"), _("本系统"), _("导入的文件")
    lines = [
        [
            row.name,
            row.short_code,
            row.kind_label,
            row.deadline,
            tr(row.basis),
            row.deadline_set_by.agency_name if row.deadline_set_by else "",
            tr(row.status_label),
            row.first_published_on,
            row.version,
            row.published_on,
            row.corrections if row.in_gongkai else None,
            yes if row.has_draft else no,
            here if row.in_gongkai else (elsewhere if row.imported_id else ""),
            row.errors,
            row.warnings,
            row.imported_problem,
            absolute(row.url) if row.url else "",
            *(_observed(row.observed.get(column.key)) for column in data.columns),
        ]
        for row in rows
    ]
    summary = [[tr(label), n] for _status, label, n in data.counts()]
    return [
        (_("公开情况"), header, lines),
        (_("汇总"), [_("状态"), _("机关数")], [*summary, [_("合计"), len(data.rows)]]),
    ]


def _observed(seen: Observation | None) -> str:
    if seen is None:
        return ""
    return f"{seen.label}（{seen.detail}）" if seen.detail else seen.label


@dataclass
class ImportRow:
    record: ImportedReport
    kind_label: str
    format_label: str
    top: list[str]
    problem: str
    url: str


def import_row(seat: Agency, record: ImportedReport) -> ImportRow:
    result = record.result or {}
    if not record.readable:
        return ImportRow(
            record, _("无法读取"), "", [], str(result.get("unreadable", "")), import_url(seat, record.pk)
        )
    findings = sorted(
        (f for f in findings_from_json(result.get("findings") or []) if f.severity in ("error", "warning")),
        key=lambda f: SEVERITIES.index(f.severity),
    )
    return ImportRow(
        record,
        kind_label(str(result.get("kind", ""))),
        # The format the tables use (results saved before ``table_format`` existed: ``format``).
        format_label(shown) if (shown := result.get("table_format", result.get("format"))) else "",
        [
            _("%(severity)s：%(message)s")
            % {"severity": severity_label(f.severity), "message": finding_message(f)}
            for f in findings[:TOP_FINDINGS]
        ],
        "",
        import_url(seat, record.pk),
    )


def imports_sheets(seat: Agency, records: Iterable[ImportedReport]) -> list[Sheet]:
    """The imports spreadsheet: one line per file, and one per finding of the readable ones."""
    files: list[list[Any]] = []
    findings: list[list[Any]] = []
    for record in records:
        row = import_row(seat, record)
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
                row.problem or pgettext("list separator", "；").join(row.top),
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
    return [
        (_("文件"), header, files),
        (
            _("问题"),
            [_("文件"), _("匹配的机关"), _("严重程度"), _("代码"), _("位置"), _("说明")],
            findings,
        ),
    ]


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


#: A text cell starting with one of these is read as a formula by spreadsheet programs (formula injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value: Any) -> Any:
    """Text from files and users (file names, agency names, messages) is written as text, never a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as an .xlsx file."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([_cell_text(v) for v in header])
        for row in rows:
            sheet.append([_cell_text(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
