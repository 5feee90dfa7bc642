"""Kind, format, year and agency: a pre-2019 (legacy) report, the format the year requires, a report
that never says its year or its agency."""

from __future__ import annotations

from gongkai.checker.checks.context import Ctx
from gongkai.checker.codes import finding
from gongkai.checker.result import ParsedReport
from gongkai.core.messages import N_, Message
from gongkai.reports import model
from gongkai.reports.findings import Finding
from gongkai.reports.model import FORMATS, FormatVersion, format_for_year


def _format_example(version: FormatVersion) -> str:
    """What tells the formats apart, in the model's own words: the columns of 第二十条第（一）项, plus the
    2019 format's 第（九）项 and the 2021 format's fee column."""
    blocks = FORMATS[version].section2
    words = "".join(f"“{c.label}”" for c in blocks[0].columns)
    if version == "2019":
        return f"{words}、{blocks[-1].caption}{blocks[-1].rows[0].label}"
    return words + "".join(f"“{c.label}”" for c in blocks[-1].columns)


_FORMAT_EXAMPLES: dict[FormatVersion, str] = {v: _format_example(v) for v in FORMATS}


def check_legacy(report: ParsedReport) -> list[Finding]:
    year = report.year
    if year is not None and year >= model.FIRST_STRUCTURED_YEAR:
        required = format_for_year(year) or "2019"
        return [
            finding(
                "format.legacy",
                Message(
                    N_(
                        "%(year)s年度报告采用了2019年以前的旧式结构（概述、统计表）；%(year)s年度报告应使用"
                        "%(format)s规定的格式（六个部分和表二、表三、表四）。"
                    ),
                    {"year": year, "format": FORMATS[required].name},
                ),
                expected=required,
                found="legacy",
            )
        ]
    legacy = (
        Message(
            N_(
                "%(year)s年度报告采用2007年《条例》第三十二条的旧式结构，2019年以前的年度报告本应如此；旧式报告只核对统计期限。"
            ),
            {"year": year},
        )
        if year is not None
        else Message(
            N_(
                "本报告采用2007年《条例》第三十二条的旧式结构，2019年以前的年度报告本应如此；旧式报告只核对统计期限。"
            )
        )
    )
    return [
        finding(
            "format.legacy",
            legacy,
            severity="info",
            expected=None,
            found="legacy",
        )
    ]


def check_kind_and_format(ctx: Ctx) -> list[Finding]:
    report = ctx.report
    out: list[Finding] = []
    if report.year is None:
        out.append(
            finding(
                "format.year_unknown",
                Message(
                    N_(
                        "报告中未找到报告年度（如“2023年度政府信息公开工作年度报告”），无法判断应使用的格式、"
                        "核对统计期限；标题应写明年度。"
                    )
                ),
            )
        )
    else:
        required = format_for_year(report.year)
        detected = report.detected_format
        if required is not None and detected is not None and detected != required:
            out.append(
                finding(
                    "format.mismatch",
                    Message(
                        N_(
                            "%(year)s年度报告应使用%(required)s格式（%(required_example)s），但表格使用的是%(detected)s格式（%(detected_example)s）。"
                        ),
                        {
                            "year": report.year,
                            "required": FORMATS[required].name,
                            "required_example": _FORMAT_EXAMPLES[required],
                            "detected": FORMATS[detected].name,
                            "detected_example": _FORMAT_EXAMPLES[detected],
                        },
                    ),
                    expected=required,
                    found=detected,
                )
            )
    if not report.agency:
        out.append(
            finding(
                "agency.unknown",
                Message(
                    N_(
                        "报告中未找到编制报告的机关名称（只写“我局”“我办”等不足以确定）；标题或正文应写明机关全称。"
                    )
                ),
            )
        )
    return out
