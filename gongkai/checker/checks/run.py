"""Running every check on a report: :func:`run_checks` (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from gongkai.checker.checks.cells import check_cells
from gongkai.checker.checks.context import TABLE_SECTION, TABLE_TITLE, Ctx, make_ctx, sort_findings
from gongkai.checker.checks.cross_year import check_cross_year
from gongkai.checker.checks.fees import check_fee_statement
from gongkai.checker.checks.format import check_kind_and_format, check_legacy
from gongkai.checker.checks.identities import check_identities
from gongkai.checker.checks.period import check_period, check_period_ctx
from gongkai.checker.checks.prose import check_prose_sums, check_prose_tables
from gongkai.checker.checks.structure import check_labels, check_structure
from gongkai.checker.checks.text import check_duplicates, check_numbering
from gongkai.checker.codes import finding
from gongkai.checker.result import ParsedReport
from gongkai.core.messages import N_, Message
from gongkai.reports.findings import Finding
from gongkai.reports.model import FORMATS, ReportFormat

__all__ = ["run_checks"]


def run_checks(report: ParsedReport, previous: ParsedReport | None = None) -> list[Finding]:
    """The parser's findings plus every check's, sorted by severity, then position in the document."""
    if report.kind == "not_a_report":
        return [_not_a_report(report)]
    if report.kind == "template":
        return [
            finding(
                "kind.template",
                Message(
                    N_(
                        "这是空白模板，不是年度报告：%(format)s的统计表都在，但没有填写任何数字，未作其他检查；"
                        "请填入本机关本年度的数据后再检查。"
                    ),
                    {"format": FORMATS[report.table_format or "2021"].name},
                ),
                expected="政府信息公开工作年度报告",
                found="template",
            )
        ]
    ctx = make_ctx(report)
    out: list[Finding] = [_placed(f) for f in _merge_short_rows(ctx.fmt, report.parse_findings)]
    if report.kind == "legacy_report":
        out += check_legacy(report)
        out += check_period(report)
        return sort_findings(out, ctx.fmt)
    for check in _ANNUAL_CHECKS:
        out += check(ctx)
    if previous is not None:
        out += check_cross_year(ctx, previous)
    return sort_findings(out, ctx.fmt)


def _not_a_report(report: ParsedReport) -> Finding:
    """Why the document is not an annual report, in one finding (no other check is run)."""
    if report.not_report_reason == "comparison":
        message = Message(
            N_(
                "这是%(years)s年度报告的对比材料，不是一份年度报告，未作其他检查；"
                "请分别检查每一年度的年度报告原文。"
            ),
            {"years": "、".join(str(y) for y in report.compared_years)},
        )
    elif report.not_report_reason == "tables_only":
        message = Message(
            N_(
                "文件中有年度报告的统计表，但它本身不是政府信息公开工作年度报告（没有年度报告的标题，"
                "也没有《条例》第五十条规定的各部分标题），未作其他检查；请检查年度报告原文。"
            )
        )
    else:
        message = Message(
            N_(
                "这不是政府信息公开工作年度报告，未作其他检查；年度报告应包含《条例》第五十条规定的六部分内容和统计表。"
            )
        )
    return finding(
        "kind.not_a_report",
        message,
        expected="政府信息公开工作年度报告",
        found=report.not_report_reason if report.not_report_reason != "not_report" else None,
    )


def _merge_short_rows(fmt: ReportFormat, findings: list[Finding]) -> list[Finding]:
    """Many rows of one table each a cell short is one defect (a column lost by a converter): say it once,
    naming the rows, instead of once per row. (``ParsedReport.parse_findings`` keeps one finding per row,
    so that the checks know which rows were not fully read.)"""
    groups: dict[tuple[str | None, Any, Any], list[Finding]] = {}
    for f in findings:
        if f.code == "parse.missing_cells" and f.found:
            groups.setdefault((f.table, f.expected, f.found), []).append(f)
    merged = {id(f) for group in groups.values() if len(group) >= 3 for f in group}
    out = [f for f in findings if id(f) not in merged]
    for (table, expected, found), group in groups.items():
        if len(group) < 3 or table is None:
            continue
        labels = "、".join(f"“{_label(fmt, table, f.row)}”" for f in group)
        out.append(
            finding(
                "parse.missing_cells",
                Message(
                    N_(
                        "%(table)s有 %(rows)s 行只有 %(found)s 个单元格，应有 %(expected)s 个"
                        "（可能缺了一列）：%(labels)s；缺少的单元格按空白处理。"
                    ),
                    {
                        "table": TABLE_TITLE[table],
                        "rows": len(group),
                        "found": found,
                        "expected": expected,
                        "labels": labels,
                    },
                ),
                table=table,
                expected=expected,
                found=found,
            )
        )
    return out


def _label(fmt: ReportFormat, table: str, key: str | None) -> str:
    if table == "section2" and key:
        return fmt.section2_row(key)[1].label
    if table == "section3" and key:
        return fmt.section3_row(key).label
    return key or ""


def _placed(f: Finding) -> Finding:
    """A parser finding about a table cell, with the table's section filled in when it lacks one."""
    if f.section is None and f.table in TABLE_SECTION:
        return replace(f, section=TABLE_SECTION[f.table])
    return f


#: The checks of an annual report in the official formats, in the order they run.
_ANNUAL_CHECKS: tuple[Callable[[Ctx], list[Finding]], ...] = (
    check_kind_and_format,
    check_period_ctx,
    check_structure,
    check_cells,
    check_identities,
    check_fee_statement,
    check_prose_tables,
    check_prose_sums,
    check_numbering,
    check_duplicates,
    check_labels,
)
