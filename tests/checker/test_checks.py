"""The checks (``gongkai.checker.checks``) on reports built directly as ParsedReport objects.

Tables are generated so that every identity of ``gongkai.reports.model`` holds; a test then breaks one
thing and asserts exactly the findings that follow from it. Prose patterns use sentences taken from
the real reports in ``tests/fixtures/reports`` (002, 004, 006) and seeds.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.checker.checks import run_checks
from gongkai.checker.codes import finding
from gongkai.checker.result import LabelSeen, ParsedReport
from gongkai.reports.findings import Finding
from gongkai.reports.model import (
    FORMATS,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMN_KEYS,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    SECTIONS,
    FormatVersion,
    Identity,
)
from gongkai.reports.tables import Cell, Tables

# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------


def valid_tables(fmt: FormatVersion, rng: random.Random | None = None) -> Tables:
    """Tables of the format in which every identity holds (fixed numbers when ``rng`` is None)."""
    r = rng or random.Random(7)

    def count(hi: int = 6) -> int:
        return 0 if r.random() < 0.4 else r.randint(1, hi)

    f = FORMATS[fmt]
    s3: dict[str, list[Cell]] = {}
    for key in f.section3_result_keys:
        s3[key] = [count() for _ in SECTION3_APPLICANT_COLUMNS]
    s3["total"] = [sum(int(s3[k][j] or 0) for k in f.section3_result_keys) for j in range(6)]
    s3["carried_forward"] = [count(3) for _ in range(6)]
    s3["carried_over"] = [
        r.randint(0, int(s3["total"][j] or 0) + int(s3["carried_forward"][j] or 0)) for j in range(6)
    ]
    s3["new_received"] = [
        int(s3["total"][j] or 0) + int(s3["carried_forward"][j] or 0) - int(s3["carried_over"][j] or 0)
        for j in range(6)
    ]
    for cells in s3.values():
        cells.append(sum(int(c or 0) for c in cells))
    s4: dict[str, list[Cell]] = {}
    for g in SECTION4_GROUP_KEYS:
        cells4: list[Cell] = [count(4) for _ in range(4)]
        s4[g] = [*cells4, sum(int(c or 0) for c in cells4)]
    s2: dict[str, dict[str, Cell]] = {}
    for block, row in f.section2_rows():
        cells2: dict[str, Cell] = {}
        for c in block.columns:
            if c.kind == "amount":
                cells2[c.key] = round(r.uniform(0, 500), 2)
            elif c.kind == "signed_count":
                cells2[c.key] = r.randint(-5, 5)
            else:
                cells2[c.key] = r.randint(0, 900)
        s2[row.key] = cells2
    return Tables(section2=s2, section3=s3, section4=s4)


SECTION_TEXT = {
    "overview": "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息。",
    "proactive": "该部分以表格形式报告。",
    "applications": "该部分以表格形式报告。",
    "appeals": "该部分以表格形式报告。",
    "problems": (
        "存在的问题：一是公开内容还不够全面；二是解读形式较为单一。改进措施：一是加强培训；二是完善制度。"
    ),
    "other": "本年度未收取依申请公开信息处理费。",
}


def make_report(
    fmt: FormatVersion = "2021",
    year: int | None = 2023,
    *,
    tables: Tables | None = None,
    sections: dict[str, str] | None = None,
    extra_text: str = "",
    **kw: object,
) -> ParsedReport:
    secs = dict(SECTION_TEXT if sections is None else sections)
    text = "\n".join(f"{s.heading}\n{secs[s.key]}" for s in SECTIONS if s.key in secs)
    if extra_text:
        secs["overview"] = secs.get("overview", "") + extra_text
        text = extra_text + "\n" + text
    fields: dict[str, object] = {
        "kind": "annual_report",
        "format": fmt,
        "year": year,
        "agency": "示范市某某局",
        "tables": tables if tables is not None else valid_tables(fmt),
        "text": text,
        "sections": secs,
        "section_order": [s.key for s in SECTIONS if s.key in secs],
        "period_start": f"{year}-01-01" if year else None,
        "period_end": f"{year}-12-31" if year else None,
        "layout": "html",
        "detected_format": fmt,
    }
    fields.update(kw)
    return ParsedReport(**fields)  # type: ignore[arg-type]


def codes(findings: list[Finding], severity: str | None = None) -> list[str]:
    return [f.code for f in findings if severity is None or f.severity == severity]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def where(findings: list[Finding], code: str | None = None) -> set[tuple[str, str | None, str | None]]:
    return {(f.code, f.row, f.column) for f in findings if code is None or f.code == code}


def set3(t: Tables, row: str, column: str, value: Cell) -> None:
    t.section3[row][SECTION3_COLUMN_KEYS.index(column)] = value


def get3(t: Tables, row: str, column: str) -> Cell:
    return t.section3[row][SECTION3_COLUMN_KEYS.index(column)]


def touching(fmt: FormatVersion, table: str, row: str, column: str) -> list[Identity]:
    return [i for i in FORMATS[fmt].identities if (table, row, column) in i.left + i.right]


# ---------------------------------------------------------------------------------------------
# Valid reports
# ---------------------------------------------------------------------------------------------


def test_valid_reports_have_no_findings() -> None:
    assert run_checks(make_report("2021", 2023)) == []
    assert run_checks(make_report("2019", 2020)) == []


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), fmt=st.sampled_from(["2019", "2021"]))
def test_random_valid_tables_have_no_errors(seed: int, fmt: FormatVersion) -> None:
    report = make_report(fmt, 2023 if fmt == "2021" else 2020, tables=valid_tables(fmt, random.Random(seed)))
    assert errors(run_checks(report)) == []


# ---------------------------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    fmt=st.sampled_from(["2019", "2021"]),
    pick=st.integers(0, 10_000),
    column=st.sampled_from(SECTION3_COLUMN_KEYS),
    delta=st.integers(-20, 20).filter(lambda d: d != 0),
)
def test_one_changed_cell_of_table_3_fires_exactly_its_identities(
    seed: int, fmt: FormatVersion, pick: int, column: str, delta: int
) -> None:
    tables = valid_tables(fmt, random.Random(seed))
    rows = FORMATS[fmt].section3_row_keys
    row = rows[pick % len(rows)]
    old = int(get3(tables, row, column) or 0)
    if old + delta < 0:
        delta = -delta  # stay a valid (non-negative) count; only the arithmetic is wrong
    set3(tables, row, column, old + delta)
    found = errors(run_checks(make_report(fmt, 2023 if fmt == "2021" else 2020, tables=tables)))
    expected = {(i.code, i.where[1], i.where[2]) for i in touching(fmt, "section3", row, column)}
    assert where(found) == expected
    for f in found:
        assert f.table == "section3" and f.section == "applications"
        assert isinstance(f.found, int)
        if f.expected is None:
            # Correcting 四 alone would need a negative count: none is suggested, the cells are named.
            assert f.code == "section3.balance" and f.found < abs(delta)
            assert "应为-" not in f.message
            continue
        assert isinstance(f.expected, int)
        assert abs(f.found - f.expected) == abs(delta)
        assert str(f.found) in f.message and str(f.expected) in f.message


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    group=st.sampled_from(SECTION4_GROUP_KEYS),
    column=st.sampled_from(SECTION4_COLUMN_KEYS),
    delta=st.integers(1, 9),
)
def test_one_changed_cell_of_table_4_fires_its_group_total(
    seed: int, group: str, column: str, delta: int
) -> None:
    tables = valid_tables("2021", random.Random(seed))
    j = SECTION4_COLUMN_KEYS.index(column)
    tables.section4[group][j] = int(tables.section4[group][j] or 0) + delta
    found = errors(run_checks(make_report(tables=tables)))
    assert where(found) == {("section4.group_total", group, "total")}
    assert found[0].section == "appeals" and found[0].table == "section4"


def test_identity_message_names_row_column_and_numbers() -> None:
    tables = valid_tables("2021")
    set3(tables, "total", "natural_person", int(get3(tables, "total", "natural_person") or 0) - 1)
    set3(tables, "total", "total", int(get3(tables, "total", "total") or 0) - 1)
    found = errors(run_checks(make_report(tables=tables)))
    results = [f for f in found if f.code == "section3.results_total" and f.column == "natural_person"]
    assert len(results) == 1
    f = results[0]
    assert f.found == f.expected - 1
    assert f.message == (
        f"表三“（七）总计”行“自然人”列为{f.found}，但（一）至（六）各项办理结果之和为{f.expected}。"
    )
    # The same (identity, where) is never reported twice, and balance shows on 四、结转下年度.
    assert len(found) == len({(f.code, f.row, f.column) for f in found})
    assert ("section3.balance", "carried_forward", "natural_person") in where(found)


def test_blank_cells_count_as_zero_and_a_wholly_blank_table_is_reported_once() -> None:
    tables = tables_006()
    zero_row = "denied_state_secret"
    tables.section3[zero_row] = [None] * 7
    found = run_checks(make_report(tables=tables))
    assert errors(found) == []
    assert where(found, "cell.blank") == {("cell.blank", zero_row, None)}
    assert all(c in found[0].message for c in ("自然人", "总计"))

    tables.section4 = {g: [None] * 5 for g in SECTION4_GROUP_KEYS}
    found = run_checks(make_report(tables=tables))
    assert [(f.code, f.table, f.row) for f in found if f.table == "section4"] == [
        ("cell.blank", "section4", None)
    ]


def test_a_blank_total_is_an_identity_error_when_the_parts_are_not_zero() -> None:
    tables = tables_006()
    tables.section3["granted"][6] = None  # report 021: 总计 of 三（一） left blank (the parts say 22)
    found = run_checks(make_report(tables=tables))
    assert [(f.code, f.row, f.column, f.expected, f.found) for f in found] == [
        ("section3.row_total", "granted", "total", 22, None),
        ("section3.results_total", "total", "total", 59, 81),
        ("cell.blank", "granted", "total", 0, None),
    ]
    assert "为空白" in found[0].message


def test_text_in_a_cell_makes_its_identities_unverifiable() -> None:
    tables = valid_tables("2019")
    tables.section2["procurement"]["items"] = "电脑(6台)空调(1台)打印机(3台)"
    tables.section3["granted"][0] = "见附件"
    found = run_checks(make_report("2019", 2020, tables=tables))
    assert sorted(where(found)) == [
        ("cell.not_number", "granted", "natural_person"),
        ("cell.not_number", "procurement", "items"),
    ]


def test_unreadable_rows_are_left_to_the_parser_finding() -> None:
    tables = valid_tables("2021")
    tables.section3["total"] = ["630020469", None, None, None, None, None, None]
    parse = finding("parse.unsplittable", "表三“（七）总计”行的数字连在一起", table="section3", row="total")
    found = run_checks(make_report(tables=tables, parse_findings=[parse]))
    assert codes(found) == ["parse.unsplittable"]
    assert found[0].section == "applications"  # filled in from the table


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def test_negative_fraction_and_fee_decimals() -> None:
    tables = valid_tables("2021")
    tables.section2["licensing"]["decisions"] = -3
    tables.section2["penalty"]["decisions"] = 12.5
    tables.section2["fees"]["amount"] = 24252.311082  # report 004
    found = run_checks(make_report(tables=tables))
    assert sorted(where(found)) == [
        ("cell.fraction", "penalty", "decisions"),
        ("cell.negative", "licensing", "decisions"),
        ("fee.decimals", "fees", "amount"),
    ]
    fee = next(f for f in found if f.code == "fee.decimals")
    assert (
        fee.severity == "warning" and fee.found == 6 and fee.expected == 4 and "24252.311082" in fee.message
    )

    tables.section2["fees"]["amount"] = 24252.3111
    assert "fee.decimals" not in codes(run_checks(make_report(tables=tables)))


def test_2019_change_column_may_be_negative() -> None:
    tables = valid_tables("2019")
    tables.section2["licensing"]["change"] = -8
    assert run_checks(make_report("2019", 2020, tables=tables)) == []


def test_regulations_blank_is_only_info() -> None:
    tables = valid_tables("2021")
    tables.section2["regulations"] = {"issued": None, "abolished": None, "in_force": None}
    tables.section2["licensing"]["decisions"] = None
    found = run_checks(make_report(tables=tables))
    assert [(f.code, f.severity, f.row) for f in found] == [
        ("cell.blank", "warning", "licensing"),
        ("cell.blank", "info", "regulations"),
    ]


# ---------------------------------------------------------------------------------------------
# Kind, format, period, structure
# ---------------------------------------------------------------------------------------------


def test_not_a_report_gives_exactly_one_finding() -> None:
    report = make_report(
        kind="not_a_report",
        agency=None,
        year=2014,
        parse_findings=[finding("parse.table_not_found", "没有找到表二", table="section2")],
    )
    found = run_checks(report)
    assert [(f.code, f.severity) for f in found] == [("kind.not_a_report", "error")]


def test_legacy_reports() -> None:
    old = make_report(kind="legacy_report", year=2018, detected_format=None, tables=Tables())
    assert [(f.code, f.severity) for f in run_checks(old)] == [("format.legacy", "info")]
    # seed 002: a 2019 report in the old style, period 2018-01-01 to 2019-12-31
    late = make_report(
        kind="legacy_report", year=2019, tables=Tables(), period_start="2018-01-01", period_end="2019-12-31"
    )
    found = run_checks(late)
    assert [(f.code, f.severity) for f in found] == [("format.legacy", "error"), ("period.mismatch", "error")]
    assert "2018年1月1日至2019年12月31日" in found[1].message
    assert found[1].expected == ["2019-01-01", "2019-12-31"]


def test_format_mismatch_both_ways() -> None:
    found = run_checks(make_report("2019", 2021, tables=valid_tables("2019")))
    assert where(found, "format.mismatch") == {("format.mismatch", None, None)}
    f = next(x for x in found if x.code == "format.mismatch")
    assert (f.expected, f.found, f.severity) == ("2021", "2019", "error") and "本年新制作数量" in f.message
    found = run_checks(make_report("2021", 2020, tables=valid_tables("2021")))
    f = next(x for x in found if x.code == "format.mismatch")
    assert (f.expected, f.found) == ("2019", "2021") and "本年制发件数" in f.message


def test_year_and_agency_unknown() -> None:
    found = run_checks(make_report(year=None, agency=None))
    assert [(f.code, f.severity) for f in found] == [
        ("format.year_unknown", "warning"),
        ("agency.unknown", "info"),
    ]


def test_period_mismatch() -> None:
    found = run_checks(make_report(year=2019, fmt="2019", period_start="2018-01-01", period_end="2019-12-31"))
    assert [(f.code, f.found) for f in found] == [("period.mismatch", ["2018-01-01", "2019-12-31"])]
    assert run_checks(make_report(period_start="2023-01-01", period_end="2023-12-31")) == []
    assert run_checks(make_report(period_start=None, period_end=None)) == []


def test_structure_findings() -> None:
    order = ["overview", "applications", "proactive", "appeals", "problems", "other", "overview"]
    found = run_checks(make_report(section_order=order))
    assert [f.code for f in found] == ["structure.section_order", "structure.section_duplicated"]
    assert found[0].found == ["overview", "applications", "proactive", "appeals", "problems", "other"]

    secs = {k: v for k, v in SECTION_TEXT.items() if k != "problems"}
    tables = valid_tables("2021")
    tables.section4 = {}
    found = run_checks(make_report(sections=secs, tables=tables))
    assert [(f.code, f.section) for f in found] == [
        ("table.missing", "appeals"),
        ("structure.section_missing", "problems"),
    ]
    # The parser already said the table is missing: no second finding.
    told = finding("parse.table_not_found", "没有找到表四", section="appeals", table="section4")
    found = run_checks(make_report(sections=secs, tables=tables, parse_findings=[told]))
    assert codes(found) == ["parse.table_not_found", "structure.section_missing"]
    # A truncated text: the sections after the cut are not reported one by one.
    cut = finding("document.truncated", "报告不完整", found="第三部分")
    head = {k: v for k, v in SECTION_TEXT.items() if k in ("overview", "proactive", "applications")}
    tables.section4 = {}
    found = run_checks(make_report(sections=head, tables=tables, parse_findings=[cut]))
    assert codes(found) == ["document.truncated"]


def test_findings_are_sorted_by_severity_then_position() -> None:
    tables = valid_tables("2021")
    tables.section4["reconsideration"][4] = 99
    tables.section2["regulations"]["issued"] = None
    tables.section3["granted"][6] = 99
    found = run_checks(make_report(tables=tables, agency=None))
    assert [(f.severity, f.code, f.row) for f in found][:2] == [
        ("error", "section3.row_total", "granted"),
        ("error", "section3.results_total", "total"),
    ]
    severities = [f.severity for f in found]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert codes(found)[-2:] == ["agency.unknown", "cell.blank"]  # whole-document info before table info


# ---------------------------------------------------------------------------------------------
# Section 六
# ---------------------------------------------------------------------------------------------


def test_section6_fee_statement() -> None:
    for sentence in (
        "2021年，无收取信息处理费情况。",
        "未收取依申请公开信息处理费。",
        "本年度共发出收费通知2件。",
    ):
        secs = {**SECTION_TEXT, "other": sentence}
        assert run_checks(make_report(sections=secs)) == [], sentence
    secs = {**SECTION_TEXT, "other": "本年度无其他需要报告的事项。"}
    found = run_checks(make_report(sections=secs))
    assert [(f.code, f.section, f.severity) for f in found] == [
        ("section6.fee_statement_missing", "other", "error")
    ]
    # 2019 format (reports on 2019-2020): no such requirement
    assert run_checks(make_report("2019", 2020, sections=secs)) == []
    # Section 六 missing: only structure.section_missing
    secs = {k: v for k, v in SECTION_TEXT.items() if k != "other"}
    assert codes(run_checks(make_report(sections=secs))) == ["structure.section_missing"]


# ---------------------------------------------------------------------------------------------
# Prose against the tables
# ---------------------------------------------------------------------------------------------

S006_DOCS = (
    "按照省政府办公厅相关工作要求设立规范性文件库,清理并集中发布现行有效行政规范性文件393件,"
    "动态更新本年度制发的规范性文件77件。"
)
S006_APPLICATIONS = (
    "2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件,涉及自然人80件、商业企业1件。"
    "办结依申请公开81件,其中:予以公开及部分公开42件,占51.85%;不予公开5件,占6.17%;无法提供31件,"
    "占38.27%;不予处理1件,占1.23%;其他处理2件,占2.47%;因政府信息公开引起的行政复议案件2件、行政诉讼案件7件。"
)
S002_CATEGORIES = (
    "(一)基本情况今年,我区政府信息公开单位共公布政府信息2599条,(其中机构职能类信息25条,政策、规范性文件类信息68条,"
    "规划计划类信息28条,行政许可类信息69条,重大建设项目信息90条,为民办实事类信息175条,民政扶贫救灾社会保障就业类信息67条,"
    "国土资源城乡建设环保能源类信息983条,科教文体卫生类信息48条,安全生产、应急管理类信息124条,"
    "其他应主动公开政府信息856条)对于主动公开的政府信息,主要通过政府门户网站发布公开。"
)


def tables_006() -> Tables:
    """Report 006's figures (as in tests/fixtures/reports/truth/006.json) on a valid 2021 table."""
    t = valid_tables("2021")
    t.section2["normative_documents"] = {"issued": 77, "abolished": 132, "in_force": 470}
    t.section2["regulations"] = {"issued": 0, "abolished": 0, "in_force": 0}
    zero = [0] * 7
    for k in FORMATS["2021"].section3_row_keys:
        t.section3[k] = list(zero)
    rows = {
        "new_received": [80, 1, 0, 0, 0, 0, 81],
        "granted": [22, 0, 0, 0, 0, 0, 22],
        "partially_granted": [19, 1, 0, 0, 0, 0, 20],
        "denied_third_party": [1, 0, 0, 0, 0, 0, 1],
        "denied_process_info": [1, 0, 0, 0, 0, 0, 1],
        "denied_enforcement_files": [1, 0, 0, 0, 0, 0, 1],
        "denied_query_matters": [2, 0, 0, 0, 0, 0, 2],
        "unable_not_held": [31, 0, 0, 0, 0, 0, 31],
        "rejected_duplicate": [1, 0, 0, 0, 0, 0, 1],
        "other_no_correction": [1, 0, 0, 0, 0, 0, 1],
        "other_other": [1, 0, 0, 0, 0, 0, 1],
        "total": [80, 1, 0, 0, 0, 0, 81],
    }
    for k, v in rows.items():
        t.section3[k] = list(v)
    t.section4 = {
        "reconsideration": [1, 1, 0, 0, 2],
        "litigation_direct": [4, 0, 0, 1, 5],
        "litigation_after_reconsideration": [1, 0, 1, 0, 2],
    }
    return t


def test_report_006_figures_are_a_valid_table() -> None:
    assert errors(run_checks(make_report(tables=tables_006()))) == []


def test_006_in_force_sentence_fires_once() -> None:
    found = run_checks(make_report(tables=tables_006(), extra_text=S006_DOCS))
    assert [(f.code, f.table, f.row, f.column, f.expected, f.found) for f in found] == [
        ("prose.table_mismatch", "section2", "normative_documents", "in_force", 470, 393)
    ]
    assert "现行有效行政规范性文件393件" in found[0].message and "470" in found[0].message
    assert found[0].section == "overview"


def test_006_application_sentences_agree_with_the_table() -> None:
    assert run_checks(make_report(tables=tables_006(), extra_text=S006_APPLICATIONS)) == []


def test_received_answered_appeals_mismatches() -> None:
    t = tables_006()
    t.section4["reconsideration"] = [1, 1, 1, 0, 3]
    found = run_checks(make_report(tables=t, extra_text=S006_APPLICATIONS))
    assert where(found) == {("prose.table_mismatch", "reconsideration", "total")}
    t = tables_006()
    t.section4["litigation_direct"] = [4, 0, 0, 0, 4]
    found = run_checks(make_report(tables=t, extra_text="因政府信息公开被申请行政复议2件、诉讼7件。"))
    assert [(f.code, f.expected, f.found) for f in found] == [("prose.table_mismatch", 6, 7)]


def test_004_sentence_received_and_answered() -> None:
    sentence = "本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。"
    t = valid_tables("2021")
    for k in FORMATS["2021"].section3_row_keys:
        t.section3[k] = [0] * 7
    t.section3["new_received"] = [64, 0, 0, 2, 0, 4, 70]
    t.section3["granted"] = [63, 0, 0, 2, 0, 4, 69]
    t.section3["total"] = [63, 0, 0, 2, 0, 4, 69]
    t.section3["carried_forward"] = [1, 0, 0, 0, 0, 0, 1]
    assert run_checks(make_report("2021", 2021, tables=t, extra_text=sentence)) == []
    found = run_checks(make_report("2021", 2021, tables=t, extra_text=sentence.replace("70件", "71件")))
    assert [(f.row, f.column, f.expected, f.found) for f in found] == [("new_received", "total", 70, 71)]
    found = run_checks(make_report("2021", 2021, tables=t, extra_text=sentence.replace("69件", "68件")))
    assert [(f.row, f.column, f.expected, f.found) for f in found] == [("total", "total", 69, 68)]


def test_received_patterns() -> None:
    t = tables_006()  # 81 new applications
    fire = [
        "2023年，本机关共收到政府信息公开申请8件。",
        "全年共收到8份政府信息公开申请。",
        "本年度共受理政府信息公开申请8件，均已按期答复。",
        "2023年度,我镇未收到政府信息公开申请。",
    ]
    for sentence in fire:
        found = run_checks(make_report(tables=t, extra_text=sentence))
        assert where(found) == {("prose.table_mismatch", "new_received", "total")}, sentence
    quiet = [
        "共收到政府信息公开申请81件。",
        "主动公开信息106条。",
        "受理各类群众诉求259起。",
        "上年共收到政府信息公开申请8件。",
        "2022年共收到政府信息公开申请8件，2023年有所增加。",
        "共收到行政复议申请8件。",
        "共收到申请10件，其中上年结转2件。",
        "2023年主动公开政府信息13561条。",
    ]
    for sentence in quiet:
        assert run_checks(make_report(tables=t, extra_text=sentence)) == [], sentence


def test_handled_13_agrees() -> None:
    t = valid_tables("2021")
    for k in FORMATS["2021"].section3_row_keys:
        t.section3[k] = [0] * 7
    for k in ("new_received", "granted", "total"):
        t.section3[k] = [13, 0, 0, 0, 0, 0, 13]
    assert run_checks(make_report(tables=t, extra_text="全年办理政府信息依申请公开13件，办结13件。")) == []


def test_granted_and_partial_only_when_about_this_years_applications() -> None:
    t = tables_006()  # granted 22, partially granted 20
    s = "本年度共收到政府信息公开申请81件，其中予以公开22件，部分公开2件。"
    found = run_checks(make_report(tables=t, extra_text=s))
    assert [(f.row, f.expected, f.found) for f in found] == [("partially_granted", 20, 2)]
    assert run_checks(make_report(tables=t, extra_text="主动公开政府信息，予以公开2件。")) == []


def test_issued_and_abolished_documents() -> None:
    t = tables_006()
    found = run_checks(
        make_report(tables=t, extra_text="2023年制发行政规范性文件70件，废止规范性文件132件。")
    )
    assert [(f.column, f.expected, f.found) for f in found] == [("issued", 77, 70)]
    # the 2019 format has no such columns
    assert run_checks(make_report("2019", 2020, extra_text="现行有效规范性文件393件。")) == []
    # another year's stock is not this year's table
    assert run_checks(make_report(tables=t, extra_text="截至2022年底现行有效行政规范性文件698件。")) == []


def test_002_category_sum() -> None:
    found = run_checks(make_report("2019", 2019, extra_text=S002_CATEGORIES))
    assert [(f.code, f.expected, f.found, f.severity) for f in found] == [
        ("prose.sum_mismatch", 2599, 2533, "error")
    ]
    assert "2599" in found[0].message and "2533" in found[0].message
    fixed = S002_CATEGORIES.replace("856条", "922条")
    assert run_checks(make_report("2019", 2019, extra_text=fixed)) == []
    # A partial list (no 其他… item, parts below the total) is not an error.
    partial = "共公开政府信息2645条，其中政策解读类信息117条，规划类信息30条。"
    assert run_checks(make_report("2019", 2019, extra_text=partial)) == []


def test_numbering() -> None:
    problems = (
        "存在的问题主要有以下几个方面：一是部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音；"
        "三是开拓创新不够有力；三是政策解读的质量有待提高。2024年，我区将采取以下措施加以改进："
        "一是加大政务公开检查力度。二是提升政务公开内容质量。三是拓宽政民互动渠道。"
    )
    found = run_checks(make_report(sections={**SECTION_TEXT, "problems": problems}))
    assert [(f.code, f.section, f.found, f.expected) for f in found] == [
        ("prose.numbering", "problems", "一是、三是、三是", "一是、二是、三是")
    ]
    quiet = (
        "坚持第一时间登记受理、第一时间转送承办单位和第一时间回复申请的“三个一”工作机制。"
        "统一是基础。一是加强领导；二是完善制度；三是强化监督。第一，明确责任；第二，加强考核。"
    )
    assert run_checks(make_report(sections={**SECTION_TEXT, "overview": quiet})) == []
    found = run_checks(make_report(sections={**SECTION_TEXT, "overview": "第一，明确责任。第三，加强考核。"}))
    assert [(f.code, f.found) for f in found] == [("prose.numbering", "第一、第三")]


def test_duplicate_clause() -> None:
    text = (
        "区领导亲自组织或参与平潭港口岸金井港区对外开放新闻发布会、聚焦新中国成立 70 周年平潭专场新闻发布会"
        "聚焦新中国成立 70 周年平潭专场新闻发布会；组织19期《问政平潭有事你说》。"
    )
    found = run_checks(make_report(sections={**SECTION_TEXT, "overview": text}))
    assert [(f.code, f.severity, f.section, f.expected) for f in found] == [
        ("prose.duplicate_clause", "warning", "overview", "聚焦新中国成立 70 周年平潭专场新闻发布会")
    ]
    same_clause_twice = "进一步加强政务公开平台建设工作，进一步加强政务公开平台建设工作。"
    assert codes(run_checks(make_report(sections={**SECTION_TEXT, "overview": same_clause_twice}))) == [
        "prose.duplicate_clause"
    ]
    squashed_header = (
        "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计000000"
    )
    assert run_checks(make_report(sections={**SECTION_TEXT, "appeals": squashed_header})) == []


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------


def test_label_fidelity() -> None:
    seen = [
        LabelSeen("section3", "partially_granted", "(二)部分公开(区分处理的,只记这一情形,不计其他情形)"),
        LabelSeen("section3", "denied_process_info", "6.属于四类过程性性信息"),
        LabelSeen("section3", "granted", "(一)予以公开"),
        LabelSeen("section3", "denied_state_secret", "(三)不予公开 1、属于国家秘密"),
        LabelSeen("section3", "denied_three_safeties", '3.危及"三安全一稳定"'),
        LabelSeen("section2", "normative_documents", "行政规范性文件"),
    ]
    found = run_checks(make_report(labels_seen=seen))
    assert [(f.code, f.severity, f.row) for f in found] == [
        ("label.nonstandard", "info", "partially_granted"),
        ("label.nonstandard", "info", "denied_process_info"),
    ]
    assert found[0].expected == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    # The parser may report a label itself; it is not reported twice.
    told = finding("label.nonstandard", "x", table="section3", row="denied_process_info")
    found = run_checks(make_report(labels_seen=seen, parse_findings=[told]))
    assert codes(found) == ["label.nonstandard", "label.nonstandard"]


# ---------------------------------------------------------------------------------------------
# Cross-year
# ---------------------------------------------------------------------------------------------


def test_carry_over() -> None:
    prev_tables = tables_006()
    prev_tables.section2["normative_documents"] = {"issued": 60, "abolished": 20, "in_force": 470 - 77 + 132}
    prev_tables.section3["carried_forward"] = [1, 0, 0, 0, 0, 0, 1]
    prev_tables.section3["new_received"] = [81, 1, 0, 0, 0, 0, 82]
    previous = make_report(year=2022, tables=prev_tables)
    found = run_checks(make_report(tables=tables_006()), previous)
    assert [(f.code, f.row, f.column, f.expected, f.found) for f in found] == [
        ("crossyear.carry_over", "carried_over", "natural_person", 1, 0),
        ("crossyear.carry_over", "carried_over", "total", 1, 0),
    ]
    assert "2022年度报告" in found[0].message


def test_in_force_continuity_report_006() -> None:
    prev_tables = tables_006()
    prev_tables.section2["normative_documents"] = {"issued": 50, "abolished": 10, "in_force": 698}
    found = run_checks(make_report(tables=tables_006()), make_report(year=2022, tables=prev_tables))
    assert [(f.code, f.severity, f.expected, f.found) for f in found] == [
        ("crossyear.in_force", "warning", 643, 470)
    ]
    assert "698" in found[0].message and "643" in found[0].message


def test_year_gap_skips_the_other_cross_year_checks() -> None:
    previous = make_report(year=2020, fmt="2019")
    previous.tables.section3["carried_forward"] = [5, 0, 0, 0, 0, 0, 5]
    found = run_checks(make_report(tables=tables_006()), previous)
    assert [(f.code, f.expected, f.found) for f in found] == [("crossyear.year_gap", 2022, 2020)]


def test_format_change_skips_in_force() -> None:
    previous = make_report("2019", 2020, tables=valid_tables("2019"))
    now = valid_tables("2021")
    previous.tables.section3["carried_forward"] = list(now.section3["carried_over"])
    previous.tables.section2["normative_documents"]["total_published"] = 1  # not comparable to 现行有效
    found = run_checks(make_report("2021", 2021, tables=now), previous)
    assert [(f.code, f.severity) for f in found] == [("crossyear.format_change", "info")]


# ---------------------------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------------------------
