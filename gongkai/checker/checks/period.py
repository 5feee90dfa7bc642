"""The statistics period (统计期限) stated in the text against the report year."""

from __future__ import annotations

from datetime import date

from gongkai.checker.checks.context import Ctx, date_message
from gongkai.checker.codes import finding
from gongkai.checker.result import ParsedReport
from gongkai.core.messages import N_, Message
from gongkai.reports.findings import Finding


def _iso_to_date(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        return None


def check_period(report: ParsedReport) -> list[Finding]:
    start, end = _iso_to_date(report.period_start), _iso_to_date(report.period_end)
    if start is None and end is None:
        return []
    year = report.year
    if year is None:
        year = end.year if end is not None else start.year if start is not None else 0
    exp_start, exp_end = date(year, 1, 1), date(year, 12, 31)
    if (start is None or start == exp_start) and (end is None or end == exp_end):
        return []
    return [
        finding(
            "period.mismatch",
            Message(
                N_(
                    "报告所列数据的统计期限为%(start)s至%(end)s，%(year)s年度报告的统计期限应为%(expected_start)s至%(expected_end)s。"
                ),
                {
                    "start": date_message(start),
                    "end": date_message(end),
                    "year": year,
                    "expected_start": date_message(exp_start),
                    "expected_end": date_message(exp_end),
                },
            ),
            expected=[exp_start.isoformat(), exp_end.isoformat()],
            found=[report.period_start, report.period_end],
        )
    ]


def check_period_ctx(ctx: Ctx) -> list[Finding]:
    return check_period(ctx.report)
