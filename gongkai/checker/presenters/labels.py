"""The words people read for a check: severities, kinds and formats, cell values, and where a finding
is (section, table, row and column by their official labels)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.checker.result import ParsedReport
from gongkai.core.i18n import render
from gongkai.core.messages import N_
from gongkai.reports.findings import SEVERITIES, Finding
from gongkai.reports.model import (
    FORMAT_VERSIONS,
    RESULT_GROUP,
    SECTION_BY_KEY,
    FormatVersion,
    ReportFormat,
    get_format,
)
from gongkai.reports.tables import Tables

SEVERITY_LABELS: Mapping[str, Any] = {
    "error": gettext_lazy("错误"),
    "warning": gettext_lazy("警告"),
    "info": gettext_lazy("提示"),
}
KIND_LABELS: Mapping[str, Any] = {
    "annual_report": gettext_lazy("年度报告"),
    "legacy_report": gettext_lazy("旧式年度报告（2019年以前的格式）"),
    "template": gettext_lazy("空白模板（没有数字的统计表）"),
    "not_a_report": gettext_lazy("不是政府信息公开工作年度报告"),
}
#: The first column header of every block of table 二. The model does not hold it yet (it is the same
#: in both formats); it belongs in ``gongkai.reports.model`` next to the other labels.
#: Which section of the report each table belongs to (keys of ``gongkai.reports.model.SECTIONS``).
TABLE_SECTIONS: Mapping[str, str] = {
    "section2": "proactive",
    "section3": "applications",
    "section4": "appeals",
}
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def severity_label(severity: str) -> str:
    return str(SEVERITY_LABELS.get(severity, severity))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def format_label(version: str | None) -> str:
    if version is None:
        return _("未识别")
    if version not in FORMAT_VERSIONS:
        return version
    return _("%(version)s年版（%(notice)s）") % {
        "version": version,
        "notice": get_format(cast(FormatVersion, version)).name,
    }


#: The ``expected`` of a finding that is not a value of the report but a word of the checks (they set it
#: in Chinese): shown in the reader's language.
EXPECTED_WORDS: frozenset[str] = frozenset(
    {N_("数字"), N_("整数"), N_("信息处理费收取情况"), N_("政府信息公开工作年度报告")}
)


def format_value(value: Any) -> str:
    """``expected``/``found`` of a finding, for people."""
    if value is None:
        return _("空白")
    if isinstance(value, str):
        return f"“{_(value) if value in EXPECTED_WORDS else value}”"
    if isinstance(value, list | tuple):
        return "、".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{format_value(v)}" for k, v in value.items())
    return str(value)


def layout_format(report: ParsedReport) -> FormatVersion | None:
    """The format the tables were read in: detected from the table's headers, else the parser's, else from
    its cells (a result saved before ``table_format`` existed), else the year's."""
    return report.detected_format or report.table_format or tables_format(report.tables) or report.format


def tables_format(tables: Tables) -> FormatVersion | None:
    """The format whose rows and columns the cells match best (``None`` on a tie, e.g. no cells)."""
    scores: dict[FormatVersion, int] = {}
    for version in FORMAT_VERSIONS:
        fmt = get_format(version)
        section2 = {(row.key, col.key) for block, row in fmt.section2_rows() for col in block.columns}
        scores[version] = sum(
            (row, col) in section2 for row, cells in tables.section2.items() for col in cells
        ) + sum(key in fmt.section3_row_keys for key in tables.section3)
    best = max(scores.values())
    winners = [v for v, s in scores.items() if s == best]
    return winners[0] if len(winners) == 1 else None


def describe_location(finding: Finding, version: FormatVersion | None) -> str:
    """Where a finding is, in Chinese, with the official labels: section · group · row · column."""
    section_key = finding.section or (TABLE_SECTIONS.get(finding.table) if finding.table else None)
    parts: list[str] = []
    if section_key in SECTION_BY_KEY:
        parts.append(SECTION_BY_KEY[section_key].heading)
    if finding.table and version is not None:
        parts += _table_location(get_format(version), finding.table, finding.row, finding.column)
    elif finding.table:
        parts += [p for p in (finding.row, finding.column) if p]
    return " · ".join(parts) if parts else _("全文")


def _table_location(fmt: ReportFormat, table: str, row: str | None, column: str | None) -> list[str]:
    parts: list[str] = []
    if table == "section2":
        block = next((b for b in fmt.section2 if any(r.key == row for r in b.rows)), None)
        if block is None:
            return [p for p in (row, column) if p]
        parts.append(block.caption)
        parts.append(next(r.label for r in block.rows if r.key == row))
        if column is not None:
            parts.append(next((c.label for c in block.columns if c.key == column), column))
    elif table == "section3":
        if row is not None:
            if row in fmt.section3_row_keys:
                r = fmt.section3_row(row)
                if r.group is not None:
                    parts.append(RESULT_GROUP)
                    if r.group != RESULT_GROUP:
                        parts.append(r.group)
                parts.append(r.label)
            else:
                parts.append(row)
        if column is not None:
            parts.append(next((c.label for c in fmt.section3_columns if c.key == column), column))
    elif table == "section4":
        group = next((g for g in fmt.section4_groups if g.key == row), None)
        if group is not None:
            parts.append(group.parent)
            if group.label != group.parent:
                parts.append(group.label)
        elif row is not None:
            parts.append(row)
        if column is not None:
            parts.append(next((c.label for c in fmt.section4_columns if c.key == column), column))
    return parts


def finding_message(finding: Finding) -> str:
    """A finding's sentence in the active language. A finding stored before findings carried their template
    (a saved check, a published report's stored check) has only its Chinese ``message``, shown as it is."""
    if finding.template is None:
        return finding.message
    return render(finding.text)
