"""Against last year's report: this year's 上年结转 and the regulations in force follow on from last
year's figures."""

from __future__ import annotations

from gongkai.checker.checks.context import Ctx, Missing, make_ctx, num, show
from gongkai.checker.codes import finding
from gongkai.checker.result import ParsedReport
from gongkai.reports import model
from gongkai.reports.findings import Finding
from gongkai.reports.model import FORMATS, SECTION3_COLUMNS


def check_cross_year(ctx: Ctx, previous: ParsedReport) -> list[Finding]:
    report = ctx.report
    if previous.kind != "annual_report":
        return []
    if report.year is None or previous.year is None or previous.year != report.year - 1:
        this = f"{report.year}年度" if report.year is not None else "年度不明的"
        prev = f"{previous.year}年度" if previous.year is not None else "年度不明的报告"
        want = f"{report.year - 1}年度" if report.year is not None else "上一年度"
        return [
            finding(
                "crossyear.year_gap",
                f"用于核对的上年度报告是{prev}，而本报告是{this}报告，应使用{want}报告；未作跨年度核对。",
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
                f"上年度（{previous.year}年度）报告使用{FORMATS['2019'].name}格式，本年度使用{FORMATS['2021'].name}"
                "格式；“对外公开总数量”不同于“现行有效件数”，不核对现行有效件数的衔接。",
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
                f"表三“{ctx.section3_label(this_row)}”“{col.label}”列为{show(now)}，但{previous.year}年度报告"
                f"“{prev_ctx.section3_label(prev_row)}”为{show(before)}，两者应相等。",
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
                    f"表二“{row_label}”的“{col_label}”为{show(now)}，但上年度（{previous.year}年度）现行有效"
                    f"{show(before)}件加本年制发{show(issued)}件减本年废止{show(abolished)}件为{show(expected)}件；"
                    "如有清理或口径调整，应在正文中说明。",
                    section="proactive",
                    table="section2",
                    row=row,
                    column="in_force",
                    expected=num(expected),
                    found=num(now),
                )
            )
    return out
