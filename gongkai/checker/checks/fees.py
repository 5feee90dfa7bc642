"""Section 六: the statement of the 信息处理费 the 2021 format requires."""

from __future__ import annotations

import re

from gongkai.checker.checks.context import Ctx
from gongkai.checker.codes import finding
from gongkai.core.messages import N_, Message
from gongkai.reports.findings import Finding
from gongkai.reports.model import FORMATS, format_for_year

_FEE_STATEMENT = re.compile(
    r"信息处理费|处理费|收费通知|收取[^。;；]{0,12}费"
    r"|(?:未|无|没有|不)(?:发生|产生)?收费"
)


def check_fee_statement(ctx: Ctx) -> list[Finding]:
    report = ctx.report
    required_fmt = format_for_year(report.year) if report.year is not None else ctx.fmt.version
    if required_fmt is None or not FORMATS[required_fmt].requires_fee_statement:
        return []
    if "other" not in report.sections and "other" not in report.section_order:
        return []  # structure.section_missing covers it
    if _FEE_STATEMENT.search(report.sections.get("other", "")):
        return []
    return [
        finding(
            "section6.fee_statement_missing",
            Message(
                N_(
                    "第六部分“六、其他需要报告的事项”没有说明信息处理费的收取情况；应写明发出收费通知的件数和总金额、"
                    "实际收取的总金额，未收取的写明“未收取信息处理费”。"
                )
            ),
            section="other",
            expected="信息处理费收取情况",
        )
    ]
