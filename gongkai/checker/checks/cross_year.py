"""Against last year's report: this year's 上年结转 and the regulations in force follow on from last
year's figures."""

from __future__ import annotations

from gongkai.checker.checks.context import Ctx, Missing, make_ctx, num, show
from gongkai.checker.codes import finding
from gongkai.checker.result import ParsedReport
from gongkai.core.messages import N_, Message
from gongkai.reports import model
from gongkai.reports.findings import Finding
from gongkai.reports.model import FORMATS, SECTION3_COLUMNS


def _year(year: int) -> Message:
    return Message(N_("%(year)s年度"), {"year": year})


def check_cross_year(ctx: Ctx, previous: ParsedReport) -> list[Finding]:
    report = ctx.report
    if previous.kind != "annual_report":
        return []
    if report.year is None or previous.year is None or previous.year != report.year - 1:
        this = _year(report.year) if report.year is not None else Message(N_("年度不明的"))
        prev = _year(previous.year) if previous.year is not None else Message(N_("年度不明的报告"))
        want = _year(report.year - 1) if report.year is not None else Message(N_("上一年度"))
        return [
            finding(
                "crossyear.year_gap",
                Message(
                    N_(
                        "用于核对的上年度报告是%(previous)s，而本报告是%(this)s报告，应使用%(wanted)s报告；未作跨年度核对。"
                    ),
                    {"previous": prev, "this": this, "wanted": want},
                ),
                expected=report.year - 1 if report.year is not None else None,
                found=previous.year,
            )
        ]
    prev_ctx = make_ctx(previous)
    out: list[Finding] = []
    format_change = prev_ctx.fmt.version == "2019" and ctx.fmt.version == "2021"
    if format_change:
        out.append(
            finding(
                "crossyear.format_change",
                Message(
                    N_(
                        "上年度（%(year)s年度）报告使用%(previous_format)s格式，本年度使用%(format)s格式；"
                        "“对外公开总数量”不同于“现行有效件数”，不核对现行有效件数的衔接。"
                    ),
                    {
                        "year": previous.year,
                        "previous_format": FORMATS["2019"].name,
                        "format": FORMATS["2021"].name,
                    },
                ),
                expected="2021",
                found="2019",
            )
        )
    this_row, prev_row = model.CARRY_OVER
    for col in SECTION3_COLUMNS:
        now = ctx.cell("section3", this_row, col.key)
        before = prev_ctx.cell("section3", prev_row, col.key)
        if not (now is None or isinstance(now, int | float)) or not (
            before is None or isinstance(before, int | float)
        ):
            continue
        if now is None and before is None:
            continue
        if abs((now or 0) - (before or 0)) < 1e-9:
            continue
        out.append(
            finding(
                "crossyear.carry_over",
                Message(
                    N_(
                        "表三“%(row)s”“%(column)s”列为%(value)s，但%(year)s年度报告“%(previous_row)s”为%(previous)s，两者应相等。"
                    ),
                    {
                        "row": ctx.section3_label(this_row),
                        "column": col.label,
                        "value": show(now),
                        "year": previous.year,
                        "previous_row": prev_ctx.section3_label(prev_row),
                        "previous": show(before),
                    },
                ),
                section="applications",
                table="section3",
                row=this_row,
                column=col.key,
                expected=num(before or 0),
                found=num(now),
            )
        )
    if not format_change and ctx.fmt.version == "2021" and prev_ctx.fmt.version == "2021":
        for row in model.IN_FORCE_ROWS:
            refs = (
                prev_ctx.cell("section2", row, "in_force"),
                ctx.cell("section2", row, "issued"),
                ctx.cell("section2", row, "abolished"),
                ctx.cell("section2", row, "in_force"),
            )
            numbers: list[int | float] = []
            for v in refs:
                if isinstance(v, Missing | str):
                    break
                numbers.append(v or 0)
            if len(numbers) < len(refs) or all(v is None for v in refs):
                continue
            before, issued, abolished, now = numbers
            expected = before + issued - abolished
            if abs(expected - now) < 1e-9:
                continue
            row_label, col_label = ctx.section2_labels(row, "in_force")
            out.append(
                finding(
                    "crossyear.in_force",
                    Message(
                        N_(
                            "表二“%(row)s”的“%(column)s”为%(value)s，但上年度（%(year)s年度）现行有效%(previous)s件"
                            "加本年制发%(issued)s件减本年废止%(abolished)s件为%(expected)s件；如有清理或口径调整，"
                            "应在正文中说明。"
                        ),
                        {
                            "row": row_label,
                            "column": col_label,
                            "value": show(now),
                            "year": previous.year,
                            "previous": show(before),
                            "issued": show(issued),
                            "abolished": show(abolished),
                            "expected": show(expected),
                        },
                    ),
                    section="proactive",
                    table="section2",
                    row=row,
                    column="in_force",
                    expected=num(expected),
                    found=num(now),
                )
            )
    return out
