"""The prose drafts of the annual report (:mod:`gongkai.reports.drafting`). No database.

* A whole report — the drafts of 一, 五 and 六 made from the figures of random valid tables, and those
  tables — read back by the checker (``check_bytes``) gives no error or warning, in both formats; the same
  drafts written from figures one off give a ``prose.table_mismatch`` for every figure the checker reads,
  so the first property is not vacuous.
* The 信息处理费 statement of 六, the placeholders, last year's problems in 五.
* The copy warning on real sections 五 from ``tests/fixtures/reports`` (平潭综合实验区 2019, 2021, 2023).
"""

from __future__ import annotations

import dataclasses
import html
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.catalogue.taxonomy import DEFAULT_CATEGORIES
from gongkai.checker.pipeline import check_bytes
from gongkai.checker.result import CheckResult
from gongkai.reports import drafting
from gongkai.reports.document import ReportDocument
from gongkai.reports.drafting import (
    COPY_THRESHOLD,
    copied_from_previous,
    draft_other,
    draft_overview,
    draft_problems,
    find_placeholders,
    previous_problems_list,
    similarity,
)
from gongkai.reports.figures import CategoryCount, Fees, Proactive, YearFigures, figures_from_tables
from gongkai.reports.model import (
    FORMATS,
    SECTION3_COLUMN_KEYS,
    SECTION4_COLUMN_KEYS,
    FormatVersion,
)
from gongkai.reports.tables import Tables
from tests.checker import strategies
from tests.checker.renderers import html_table, section2_grid, section3_grid, section4_grid
from tests.checker.samples import report

AGENCY = "示范市甲县财政局"
YEARS: dict[FormatVersion, int] = {"2019": 2020, "2021": 2023}
GRIDS = {"proactive": section2_grid, "applications": section3_grid, "appeals": section4_grid}


# --- A report from figures and tables ------------------------------------------------------------


def build_form(tables: Tables) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Tables 三 and 四 in ``gongkai.annual.tabulate``'s form (row → column → count)."""

    def rows(table: dict[str, list[Any]], keys: tuple[str, ...]) -> dict[str, dict[str, int]]:
        assert all(isinstance(c, int) for cells in table.values() for c in cells)
        return {row: dict(zip(keys, cells, strict=True)) for row, cells in table.items()}

    return rows(tables.section3, SECTION3_COLUMN_KEYS), rows(tables.section4, SECTION4_COLUMN_KEYS)


def figures_of(
    tables: Tables, version: FormatVersion, proactive: Proactive | None = None, fees: Fees | None = None
) -> YearFigures:
    table3, table4 = build_form(tables)
    table2: Any = tables.section2 if version == "2021" else None  # counts in the rows the figures read
    return figures_from_tables(
        YEARS[version],
        table3=table3,
        table4=table4,
        table2=table2,
        proactive=proactive,
        fees=fees,
    )


def document(
    tables: Tables, version: FormatVersion, f: YearFigures, previous: str | None = None
) -> ReportDocument:
    """The report of ``f.year`` with the three drafts and ``tables``."""
    fmt = FORMATS[version]
    return ReportDocument(
        agency_name=AGENCY,
        year=f.year,
        format=version,
        sections={
            "overview": draft_overview(f, AGENCY, fmt),
            "problems": draft_problems(f.year, previous),
            "other": draft_other(f, fmt),
        },
        tables=tables,
    )


def html_report(doc: ReportDocument) -> bytes:
    fmt = FORMATS[doc.format]
    year = doc.year
    parts = [
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{doc.title}</title></head><body>',
        f"<h1>{doc.title}</h1>",
        "<p>根据《中华人民共和国政府信息公开条例》要求，编制本报告。"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>",
    ]
    for section in fmt.sections:
        parts.append(f"<h2>{section.heading}</h2>")
        parts += [f"<p>{html.escape(p)}</p>" for p in doc.paragraphs(section.key)]
        grid = GRIDS.get(section.key)
        if grid is not None:
            parts.append(html_table(grid(fmt, doc.tables)))
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


def check(doc: ReportDocument) -> CheckResult:
    return check_bytes(html_report(doc), "report.html")


def serious(result: CheckResult) -> list[str]:
    return [f"{f.code}: {f.message}" for f in result.findings if f.severity in ("error", "warning")]


# --- Random figures --------------------------------------------------------------------------------

_amounts = st.integers(0, 100_000).map(Decimal)


@st.composite
def proactive_figures(draw: st.DrawFn) -> Proactive:
    names = draw(st.lists(st.sampled_from(DEFAULT_CATEGORIES), unique=True, max_size=8))
    counts = [draw(st.integers(1, 3000)) for _ in names]
    categories = tuple(
        sorted((CategoryCount(n, c) for n, c in zip(names, counts, strict=True)), key=lambda c: -c.count)
    )
    uncategorised = draw(st.integers(0, 50))
    published = sum(counts) + uncategorised
    return Proactive(
        published=published,
        categories=categories,
        uncategorised=uncategorised,
        interpretations=draw(st.integers(0, published)),
        article20=draw(st.integers(0, published)),
    )


@st.composite
def fee_figures(draw: st.DrawFn) -> Fees:
    notices = draw(st.integers(0, 4))
    noticed = sum((draw(_amounts) for _ in range(notices)), Decimal(0))
    payments = draw(st.integers(0, 4))
    collected = sum((draw(_amounts) for _ in range(payments)), Decimal(0))
    return Fees(notices, noticed, payments, collected)


# --- The checker reads the drafts and agrees with the tables ----------------------------------------


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_drafts_from_the_tables_pass_the_checker(version: FormatVersion) -> None:
    @settings(max_examples=25, deadline=None)
    @given(strategies.tables(version), proactive_figures(), fee_figures())
    def run(tables: Tables, proactive: Proactive, fees: Fees) -> None:
        doc = document(tables, version, figures_of(tables, version, proactive, fees))
        result = check(doc)
        assert result.report.tables.section3 == tables.section3  # the report was read as written
        assert serious(result) == []

    run()


def _nonzero_figures(version: FormatVersion) -> tuple[Tables, YearFigures]:
    """Tables in which every figure the prose quotes is non-zero (all applicant columns used)."""
    fmt = FORMATS[version]
    section3: dict[str, list[Any]] = {}
    for i, key in enumerate(fmt.section3_row_keys):
        section3[key] = [1 + (i + j) % 3 for j in range(6)]
    results = fmt.section3_result_keys
    section3["total"] = [sum(section3[k][j] for k in results) for j in range(6)]
    section3["carried_over"] = [2] * 6
    section3["carried_forward"] = [3] * 6
    section3["new_received"] = [t + 3 - 2 for t in section3["total"]]
    for cells in section3.values():
        cells.append(sum(cells))
    section4: dict[str, list[Any]] = {g: [1, 2, 0, 1, 4] for g in ("reconsideration", "litigation_direct")}
    section4["litigation_after_reconsideration"] = [0, 0, 1, 1, 2]
    section2: dict[str, dict[str, Any]] = {
        row.key: {c.key: 5 for c in block.columns} for block, row in fmt.section2_rows()
    }
    tables = Tables(section2=section2, section3=section3, section4=section4)
    assert strategies.identity_failures(tables, version) == set()
    return tables, figures_of(tables, version, Proactive(published=9), Fees(1, Decimal(300), 1, Decimal(300)))


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_every_figure_of_the_overview_is_compared_with_the_tables(version: FormatVersion) -> None:
    tables, f = _nonzero_figures(version)
    assert serious(check(document(tables, version, f))) == []

    def plus_one(obj: Any, field: str) -> Any:
        return dataclasses.replace(obj, **{field: getattr(obj, field) + 1})

    wrong = {
        ("section3", "new_received", "total"): dataclasses.replace(
            f, applications=plus_one(f.applications, "received")
        ),
        ("section3", "total", "total"): dataclasses.replace(
            f, applications=plus_one(f.applications, "answered")
        ),
        ("section3", "granted", "total"): dataclasses.replace(
            f, applications=plus_one(f.applications, "granted")
        ),
        ("section3", "partially_granted", "total"): dataclasses.replace(
            f, applications=plus_one(f.applications, "partially_granted")
        ),
        ("section4", "reconsideration", "total"): dataclasses.replace(
            f, reconsideration=plus_one(f.reconsideration, "pending")
        ),
        ("section4", None, "total"): dataclasses.replace(f, litigation=plus_one(f.litigation, "upheld")),
    }
    if version == "2021":
        assert f.documents is not None
        for column, field in (
            ("issued", "normative_issued"),
            ("abolished", "normative_abolished"),
            ("in_force", "normative_in_force"),
        ):
            wrong[("section2", "normative_documents", column)] = dataclasses.replace(
                f, documents=plus_one(f.documents, field)
            )
    for (table, row, column), off in wrong.items():
        assert isinstance(off, YearFigures)
        findings = [
            x for x in check(document(tables, version, off)).findings if x.code == "prose.table_mismatch"
        ]
        assert [(x.table, x.row, x.column, x.section) for x in findings] == [(table, row, column, "overview")]
        assert findings[0].found == findings[0].expected + 1


def test_without_the_fee_statement_the_2021_report_fails_the_checker() -> None:
    """The 2021 format requires the fee statement (30号): without the draft's, the checker says so."""
    tables, f = _nonzero_figures("2021")
    doc = document(tables, "2021", f)
    without = dataclasses.replace(doc, sections={**doc.sections, "other": "无其他需要报告的事项。"})
    assert [x.code for x in check(without).findings if x.severity != "info"] == [
        "section6.fee_statement_missing"
    ]


# --- Section 六: the 信息处理费 -------------------------------------------------------------------


def _with_fees(fees: Fees, version: FormatVersion = "2021") -> YearFigures:
    tables, f = _nonzero_figures(version)
    return dataclasses.replace(f, fees=fees)


def test_fee_statement() -> None:
    fmt = FORMATS["2021"]
    text = draft_other(_with_fees(Fees(3, Decimal(1200), 2, Decimal("700.5"))), fmt)
    assert text.splitlines()[:2] == [
        "（一）信息处理费收取情况",
        "本年度共发出收费通知3件，总金额1200元，实际收取信息处理费700.5元。",
    ]
    none = draft_other(_with_fees(Fees()), fmt)
    assert none.splitlines()[1] == "本年度未发出收费通知，未收取信息处理费。"
    unpaid = draft_other(_with_fees(Fees(1, Decimal(300), 0, Decimal(0))), fmt)
    assert unpaid.splitlines()[1] == "本年度共发出收费通知1件，总金额300元，未实际收取信息处理费。"
    late = draft_other(_with_fees(Fees(0, Decimal(0), 1, Decimal(100))), fmt)
    assert late.splitlines()[1].startswith("本年度未发出收费通知，实际收取信息处理费100元")
    # The other usual items follow as placeholders, numbered on.
    assert [line for line in none.splitlines() if line.startswith("（")] == [
        "（一）信息处理费收取情况",
        "（二）上级年度政务公开工作要点落实情况",
        "（三）人大代表建议和政协提案办理结果公开情况",
        "（四）政务公开工作创新情况",
        "（五）其他事项",
    ]
    assert len(find_placeholders(none)) == 4


def test_the_2019_format_states_the_fee_only_when_there_was_one() -> None:
    fmt = FORMATS["2019"]
    assert not fmt.requires_fee_statement
    quiet = draft_other(_with_fees(Fees(), "2019"), fmt)
    assert "收费" not in quiet and quiet.splitlines()[0] == "（一）上级年度政务公开工作要点落实情况"
    charged = draft_other(_with_fees(Fees(1, Decimal(300), 1, Decimal(300)), "2019"), fmt)
    assert "本年度共发出收费通知1件，总金额300元，实际收取信息处理费300元。" in charged.splitlines()


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "0"),
        ("1200", "1200"),
        ("1200.00", "1200"),
        ("35.50", "35.5"),
        ("0.05", "0.05"),
        ("83460", "83460"),
    ],
)
def test_yuan(amount: str, text: str) -> None:
    assert drafting.yuan(Decimal(amount)) == text


# --- Section 一 -------------------------------------------------------------------------------------


def test_overview_layout_and_category_sum() -> None:
    tables, f = _nonzero_figures("2021")
    proactive = Proactive(
        published=100,
        categories=tuple(
            CategoryCount(n, c)
            for n, c in (("综合政务", 30), ("其他", 20), ("财政、金融、审计", 15), ("科技、教育", 10))
        ),
        uncategorised=25,
        interpretations=4,
        article20=60,
    )
    text = draft_overview(dataclasses.replace(f, proactive=proactive), AGENCY, FORMATS["2021"])
    lines = text.splitlines()
    assert lines[0].startswith(f"2023年，{AGENCY}认真贯彻落实《中华人民共和国政府信息公开条例》")
    assert [line for line in lines if re.fullmatch(r"（[一二三四五]）\S+", line)] == [
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
        "（五）监督保障",
    ]
    # The named categories (not the one called 其他) and the rest add up to the total exactly.
    assert (
        "本年度通过政府信息公开目录共主动公开政府信息100条，其中综合政务类信息30条，财政、金融、审计类信息15条，"
        "科技、教育类信息10条，其他信息45条。" in lines[2]
    )
    assert "发布政策解读4条。" in lines[2]
    assert len(find_placeholders(text)) == 6


def test_overview_without_applications_or_appeals() -> None:
    fmt = FORMATS["2019"]
    tables = Tables(
        section2={row.key: {c.key: 0 for c in block.columns} for block, row in fmt.section2_rows()},
        section3={k: [0] * 7 for k in fmt.section3_row_keys},
        section4={
            g: [0] * 5 for g in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
        },
    )
    f = figures_of(tables, "2019")
    text = draft_overview(f, AGENCY, FORMATS["2019"])
    assert "本年度未通过政府信息公开目录发布政府信息。" in text
    assert "本年度未收到政府信息公开申请。本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。" in text
    assert "规范性文件" not in text  # the 2019 format's table 二 is entered by hand: not quoted
    assert serious(check(document(tables, "2019", f))) == []


# --- Section 五 -------------------------------------------------------------------------------------


def section_five(prefix: str) -> str:
    """Section 五 of a real report in tests/fixtures/reports (squashed text: up to the heading of 六)."""
    text = report(prefix).read_text(encoding="utf-8")
    heading = FORMATS["2021"].sections[4].heading
    start = text.index(heading) + len(heading)
    return text[start : text.index(FORMATS["2021"].sections[5].heading, start)]


def test_last_years_problems_are_listed_for_the_officer() -> None:
    previous = section_five("006")  # 平潭 2023: "一是…；三是…；三是…" then the measures for 2024
    assert previous_problems_list(previous) == [
        "部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音。",
        "开拓创新不够有力，实验区政务公开工作特色打造、亮点挖掘还不够。",
        "政策解读的质量有待提高，形式还要更加多样、更加“接地气”。",
    ]
    text = draft_problems(2024, previous)
    lines = text.splitlines()
    assert lines[0] == "上一年度报告所列问题的整改情况："
    assert lines[1] == "（一）部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音。"
    assert lines[2].startswith("整改情况：【请填写：")
    assert lines[-2].startswith("本年度存在的主要问题：【请填写：")
    assert lines[-1].startswith("2025年改进措施：【请填写：")
    assert len(find_placeholders(text)) == 5
    assert "措施" not in "".join(lines[1:-1:2])  # the measures of 2024 are not listed as problems


@pytest.mark.parametrize(
    ("prefix", "first", "count"),
    [
        ("002", "个别部门对政府信息公开工作主动性和自觉性仍待提高，信息人员队伍能力建设仍有欠缺。", 3),
        ("004", "政策解读形式不够丰富，未能充分运用数字化、图表图解等方式通俗易懂地解读政策文件。", 1),
    ],
)
def test_problems_of_other_real_reports(prefix: str, first: str, count: int) -> None:
    problems = previous_problems_list(section_five(prefix))
    assert len(problems) == count
    assert problems[0].startswith(first)


def test_problems_without_a_previous_report() -> None:
    for previous in (None, "", "  \n"):
        text = draft_problems(2024, previous)
        assert text.splitlines()[1] == "【请填写：2023年度报告所列问题及其整改情况】"
        assert len(find_placeholders(text)) == 3


def test_problems_by_line_and_by_sentence() -> None:
    assert previous_problems_list("1.公开不及时；\n2.解读形式单一。\n下一步，我局将加强培训。") == [
        "公开不及时。",
        "解读形式单一。",
    ]
    assert previous_problems_list("信息更新不及时。栏目设置不合理。") == [
        "信息更新不及时。",
        "栏目设置不合理。",
    ]


def test_placeholders() -> None:
    text = "本年度【请填写：主要成效】，另见【请填写】。已填写的【说明】不是占位符。"
    assert find_placeholders(text) == ["【请填写：主要成效】", "【请填写】"]
    assert find_placeholders("已全部填写。") == []
    assert drafting.PLACEHOLDER.search(drafting.placeholder("任何内容"))


# --- Copied from last year ---------------------------------------------------------------------------


def test_a_lightly_edited_copy_of_last_years_section_five_is_flagged() -> None:
    last_year = section_five("006")  # 平潭 2023
    copy = (
        last_year.replace("2024年", "2025年")
        .replace("三是开拓创新", "二是开拓创新")
        .replace("部分单位", "个别单位")
        .replace("每月", "每季度")
        .replace("。", "。\n")
    )
    assert similarity(copy, last_year) >= COPY_THRESHOLD
    assert copied_from_previous(copy, last_year)
    assert copied_from_previous(last_year, last_year) and similarity(last_year, last_year) == 1.0


def test_a_rewritten_section_five_is_not_flagged() -> None:
    # The same agency's 五 of 2021 and 2023: same subject and stock phrases, different text.
    assert similarity(section_five("004"), section_five("006")) < 0.3
    assert not copied_from_previous(section_five("006"), section_five("004"))
    # This year's draft filled in: last year's problems quoted with their follow-up, new problems.
    last_year = section_five("006")
    filled = drafting.PLACEHOLDER.sub(
        lambda m: "已制定信息发布属性认定清单，每季度开展栏目巡检并通报结果，相关问题已基本整改到位",
        draft_problems(2024, last_year),
        count=3,
    )
    filled = filled.replace(
        find_placeholders(filled)[0], "依申请公开答复文书说理不够充分，政务新媒体更新频率不高"
    ).replace(find_placeholders(filled)[1], "一是开展答复文书评查；二是建立新媒体更新台账，按月通报")
    assert find_placeholders(filled) == []
    assert not copied_from_previous(filled, last_year)


def fill_template(last_year: str, *, follow_up: str, this_year: str, measures: str) -> str:
    """This year's 五 template made from ``last_year``, its placeholders replaced as an officer would."""
    text = draft_problems(2024, last_year)
    *follow_ups, problems, next_year = find_placeholders(text)
    for placeholder in follow_ups:
        text = text.replace(placeholder, follow_up, 1)
    return text.replace(problems, this_year, 1).replace(next_year, measures, 1)


def test_last_years_section_five_pasted_into_this_years_template_is_flagged() -> None:
    last_year = section_five("006")  # 平潭 2023
    pasted = fill_template(last_year, follow_up="已整改。", this_year=last_year, measures="继续加强。")
    # The template's own words and the quoted problems dilute the whole-text measure below the threshold
    # (the defect: 0.68 < 0.85) ...
    assert similarity(pasted, last_year) < COPY_THRESHOLD
    # ... but every distinctive sentence of last year's is there, and the officer's own text is last year's.
    assert copied_from_previous(pasted, last_year)
    assert drafting.containment(pasted, last_year) == 1.0
    # Pasted with the year moved on and split into lines: still a copy.
    moved = last_year.replace("2024年", "2025年").replace("。", "。\n")
    assert copied_from_previous(
        fill_template(last_year, follow_up="已整改。", this_year=moved, measures="见上。"), last_year
    )
    # Only the measures part pasted into the last placeholder: still most of last year's text.
    measures = last_year[last_year.index("2024年，我区将采取") :]
    assert copied_from_previous(
        fill_template(last_year, follow_up="已整改。", this_year="解读形式单一。", measures=measures),
        last_year,
    )


def test_a_rewritten_narrative_in_the_template_is_not_flagged() -> None:
    last_year = section_five("006")
    rewritten = fill_template(
        last_year,
        follow_up="已制定信息发布属性认定清单，每季度开展栏目巡检并通报结果，相关问题已基本整改到位。",
        # 平潭's 五 of 2021, a different year's text on the same subject with the same stock phrases.
        this_year=section_five("004"),
        measures="一是开展答复文书评查；二是建立新媒体更新台账，按月通报。",
    )
    assert not copied_from_previous(rewritten, last_year)
    assert drafting.containment(rewritten, last_year) < drafting.CONTAINMENT_THRESHOLD
    # The template alone quotes last year's problems: that is not a copy either.
    assert not copied_from_previous(drafting.PLACEHOLDER.sub("", draft_problems(2024, last_year)), last_year)
    # What the officer wrote is what is compared: the template's lead-ins and quoted problems are left out.
    own = drafting.officer_written(rewritten, last_year)
    assert "上一年度报告所列问题" not in own and "部分单位信息发布属性界定" not in own
    assert own.startswith("已制定信息发布属性认定清单")


def test_similarity_edges() -> None:
    assert similarity("", "") == 1.0 and similarity("  ，。", "") == 1.0
    assert similarity("公开", "") == 0.0
    assert similarity("公开", "公开") == 1.0
    # Whitespace, punctuation and the digits of years do not count.
    assert similarity("2023年，加强公开。", "2024年 加强公开") == 1.0
    assert not copied_from_previous("任何内容", None) and not copied_from_previous("任何内容", "")
    assert 0.0 <= similarity("政务公开", "公开政务") <= 1.0
