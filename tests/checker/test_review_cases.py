"""Adversarial review cases: realistic variants of published reports on which the checker once read a
wrong cell, reported a false error or missed a real one. Every input is built inside its test."""

from __future__ import annotations

import pytest

from gongkai.checker.checks import run_checks
from gongkai.checker.pipeline import check_bytes, parse_here
from gongkai.checker.result import CheckResult
from gongkai.reports.model import FORMATS

# One consistent 2021-format report (every identity holds).
S2 = {
    "规章": ["3", "5", "74"],
    "行政规范性文件": ["56", "9", "418"],
}
S3: dict[str, list[int]] = {
    "new_received": [60, 2, 0, 1, 0, 1, 64],
    "carried_over": [5, 0, 0, 0, 0, 0, 5],
    "granted": [30, 1, 0, 0, 0, 1, 32],
    "partially_granted": [10, 0, 0, 1, 0, 0, 11],
    "denied_third_party": [4, 0, 0, 0, 0, 0, 4],
    "unable_not_held": [15, 1, 0, 0, 0, 0, 16],
    "rejected_duplicate": [2, 0, 0, 0, 0, 0, 2],
    "other_other": [1, 0, 0, 0, 0, 0, 1],
    "total": [62, 2, 0, 1, 0, 1, 66],
    "carried_forward": [3, 0, 0, 0, 0, 0, 3],
}
S4 = [[3, 1, 0, 1, 5], [1, 0, 1, 0, 2], [0, 1, 0, 0, 1]]

_OFFICIAL_T4 = (
    """<table>
<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>
<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr><td></td><td></td><td></td><td></td><td></td>"""
    + "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>" * 2
    + """</tr>
<tr>{cells}</tr>
</table>"""
)


_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _td(values: list[int] | list[str]) -> str:
    return "".join(f"<td>{v}</td>" for v in values)


def _table3(total_first: bool = False) -> str:
    def cells(values: list[int]) -> list[int]:
        return [values[6], *values[:6]] if total_first else values

    if total_first:
        header = (
            f'<tr><td colspan="3" rowspan="3">{_NOTE}</td>'
            '<td colspan="7">申请人情况</td></tr>'
            '<tr><td rowspan="2">总计</td><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td></tr>'
            "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
        )
    else:
        header = (
            f'<tr><td colspan="3" rowspan="3">{_NOTE}</td>'
            '<td colspan="7">申请人情况</td></tr>'
            '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>'
            "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
        )
    rows = []
    for row in FORMATS["2021"].section3_rows:
        values = S3.get(row.key, [0] * 7)
        label = row.label
        rows.append(f'<tr><td colspan="3">{label}</td>{_td(cells(values))}</tr>')
    return "<table>" + header + "".join(rows) + "</table>"


def report_html(table3: str | None = None, table4: str | None = None, prose: str = "") -> str:
    t4 = table4 or _OFFICIAL_T4.format(cells=_td([v for g in S4 for v in g]))
    return f"""<html><head><title>测试县人民政府2023年政府信息公开工作年度报告</title></head><body>
<p>测试县人民政府2023年政府信息公开工作年度报告</p>
<p>本报告中所列数据统计期限为2023年1月1日至12月31日。</p>
<p>一、总体情况</p><p>2023年，测试县人民政府扎实推进政务公开工作。{prose}</p>
<p>二、主动公开政府信息情况</p>
<table>
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td>{_td(S2["规章"])}</tr>
<tr><td>行政规范性文件</td>{_td(S2["行政规范性文件"])}</tr>
<tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
<tr><td>行政许可</td><td colspan="3">120</td></tr>
<tr><td colspan="4">第二十条第（六）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
<tr><td>行政处罚</td><td colspan="3">30</td></tr>
<tr><td>行政强制</td><td colspan="3">2</td></tr>
<tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年收费金额（单位：万元）</td></tr>
<tr><td>行政事业性收费</td><td colspan="3">12.5</td></tr>
</table>
<p>三、收到和处理政府信息公开申请情况</p>
{table3 or _table3()}
<p>四、政府信息公开行政复议、行政诉讼情况</p>
{t4}
<p>五、存在的主要问题及改进情况</p><p>一是公开质量有待提高。</p>
<p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p>
</body></html>"""


def check(text: str, filename: str = "report.html") -> CheckResult:
    return check_bytes(text.encode("utf-8"), filename)


def codes(result: CheckResult) -> list[str]:
    return [f.code for f in result.findings]


def assert_tables_read(result: CheckResult) -> None:
    tables = result.report.tables
    for key, values in S3.items():
        assert tables.section3[key] == values, key
    assert [
        tables.section4[g]
        for g in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
    ] == S4


def test_baseline_report_is_clean() -> None:
    result = check(report_html())
    assert_tables_read(result)
    assert codes(result) == []


# ---------------------------------------------------------------------------------------------
# Table 四 written as one block per group (each with its own header row)
# ---------------------------------------------------------------------------------------------

_COLS4 = "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>"


def test_table4_one_header_per_group() -> None:
    """Agencies that cannot fit 15 columns stack the groups, each with its own header; the checker
    read the last group's five cells as 行政复议's."""
    t4 = (
        "<table>"
        f'<tr><td rowspan="2">行政复议</td>{_COLS4}</tr><tr>{_td(S4[0])}</tr>'
        f'<tr><td rowspan="6">行政诉讼</td><td colspan="5">未经复议直接起诉</td></tr>'
        f"<tr>{_COLS4}</tr><tr>{_td(S4[1])}</tr>"
        f'<tr><td colspan="5">复议后起诉</td></tr><tr>{_COLS4}</tr><tr>{_td(S4[2])}</tr>'
        "</table>"
    )
    result = check(report_html(table4=t4))
    assert_tables_read(result)
    assert codes(result) == []


def test_table4_header_and_data_on_one_text_line() -> None:
    """One cell per line with no row separator: the header's last cells and the data share a row."""
    cells = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    cells += ["未经复议直接起诉", "复议后起诉"] + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2
    cells += [str(v) for g in S4 for v in g]
    text = (
        "四、政府信息公开行政复议、行政诉讼情况\n"
        + "".join(f"{c} |\n" for c in cells)
        + "五、存在的主要问题及改进情况\n"
    )
    result = check(text, "report.txt")
    tables = result.report.tables
    assert [
        tables.section4[g]
        for g in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
    ] == S4


# ---------------------------------------------------------------------------------------------
# Squashed text (a crawler's innerText)
# ---------------------------------------------------------------------------------------------


def squashed(html: str) -> str:
    """The report as a crawler's innerText: every cell and line run together."""
    from gongkai.checker.readers import read_bytes
    from gongkai.checker.source import CELL

    return read_bytes(html.encode("utf-8"), "report.html").text.replace(CELL, "").replace("\n", " ")


def test_squashed_row_with_wrong_total_is_read_when_the_split_is_forced() -> None:
    """ "4000005" is seven cells of one digit each: the only split there is. The row's 总计 is wrong (the
    report's defect); the checker said the digits could not be split instead of reporting the sum."""
    text = squashed(report_html()).replace("4.保护第三方合法权益4000004", "4.保护第三方合法权益4000005")
    result = check(text, "report.txt")
    assert result.report.tables.section3["denied_third_party"] == [4, 0, 0, 0, 0, 0, 5]
    assert "parse.unsplittable" not in codes(result)
    row_totals = [f for f in result.findings if f.code == "section3.row_total"]
    assert [(f.row, f.expected, f.found) for f in row_totals] == [("denied_third_party", 4, 5)]


# ---------------------------------------------------------------------------------------------
# Table 三 with its 总计 column first
# ---------------------------------------------------------------------------------------------


def test_table3_total_column_first_is_read_by_its_header() -> None:
    """Some agencies put 总计 before 自然人. Read by position, every row's sum looked wrong (dozens of
    false errors); the header says where 总计 is, and the identities confirm it."""
    result = check(report_html(table3=_table3(total_first=True)))
    assert_tables_read(result)
    assert codes(result) == ["table.column_order"]
    (f,) = result.findings
    assert (f.severity, f.table) == ("warning", "section3")


def test_table3_official_header_with_wrong_sums_is_not_reordered() -> None:
    """A wrong 总计 in an official-order table stays an arithmetic error, never a column reorder."""
    html = report_html().replace(
        "<td>4</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>4</td>",
        "<td>4</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>5</td>",
    )
    result = check(html)
    assert result.report.tables.section3["denied_third_party"] == [4, 0, 0, 0, 0, 0, 5]
    assert "table.column_order" not in codes(result)
    assert "section3.row_total" in codes(result)


# ---------------------------------------------------------------------------------------------
# Prose against the tables
# ---------------------------------------------------------------------------------------------


def test_prose_new_applications_in_the_tables_own_words() -> None:
    """ "新收政府信息公开申请72件" (the table's own wording) while the table says 64: was missed."""
    result = check(report_html(prose="本年度共新收政府信息公开申请72件。"))
    mismatches = [f for f in result.findings if f.code == "prose.table_mismatch"]
    assert [(f.row, f.expected, f.found) for f in mismatches] == [("new_received", 64, 72)]


def test_prose_new_applications_that_agree_are_fine() -> None:
    assert codes(check(report_html(prose="本年度共新收政府信息公开申请64件，上年结转5件。"))) == []
    assert codes(check(report_html(prose="全年共新收到政府信息公开申请64件。"))) == []


# ---------------------------------------------------------------------------------------------
# Traditional characters with Taiwan phrasing (信息 → 資訊)
# ---------------------------------------------------------------------------------------------


def test_taiwan_phrasing_converter_keeps_every_row() -> None:
    """A converter with Taiwan phrasing writes 信息 as 資訊 inside four row labels of table 三; those
    rows were lost (row_not_found) and their numbers reported as unofficial rows."""
    import opencc

    html = opencc.OpenCC("s2twp").convert(report_html())
    result = check(html)
    assert_tables_read(result)
    assert codes(result) == []


# ---------------------------------------------------------------------------------------------
# Unofficial rows with a numbered label: their numbers were dropped without a word
# ---------------------------------------------------------------------------------------------

_ROW8 = '<tr><td colspan="3">（八）其中：涉及个人隐私</td>' + _td([3, 0, 0, 0, 0, 0, 3]) + "</tr>"


def test_unofficial_numbered_row_in_table3_is_reported() -> None:
    html = report_html().replace(
        '<tr><td colspan="3">四、结转下年度继续办理', _ROW8 + '<tr><td colspan="3">四、结转下年度继续办理'
    )
    result = check(html)
    assert_tables_read(result)
    assert [(f.code, f.found) for f in result.findings] == [("table.extra_row", "(八)其中:涉及个人隐私")]


def test_unofficial_numbered_row_in_table2_is_reported() -> None:
    html = report_html().replace(
        "<tr><td>行政规范性文件</td>",
        "<tr><td>（一）其他文件</td><td>5</td><td>0</td><td>7</td></tr><tr><td>行政规范性文件</td>",
    )
    result = check(html)
    assert result.report.tables.section2["regulations"] == {"issued": 3, "abolished": 5, "in_force": 74}
    assert [(f.code, f.found) for f in result.findings] == [("table.extra_row", "(一)其他文件")]


def test_2019_style_single_other_row_in_a_2021_table_is_reported() -> None:
    """(六)其他处理 as one row (2019 layout) in a 2021 report: the three rows are missing and the row's
    numbers must not vanish."""
    html = report_html()
    start = html.index('<tr><td colspan="3">1.申请人无正当理由')
    end = html.index('<tr><td colspan="3">（七）总计')
    other = '<tr><td colspan="3">（六）其他处理</td>' + _td(S3["other_other"]) + "</tr>"
    result = check(html[:start] + other + html[end:])
    assert sorted(f.code for f in result.findings) == ["parse.row_not_found"] * 3 + ["table.extra_row"]


@pytest.mark.parametrize("digits", [60, 100, 1000])
def test_a_long_run_of_digits_is_reported_unreadable_not_searched_forever(digits: int) -> None:
    """A pasted label followed by a long run of digits: the split search is bounded (split.MAX_STEPS,
    MAX_CELL_CHARS), so the row is reported unreadable instead of tying up a worker."""
    from gongkai.checker import split

    calls: list[int] = []
    original = split._split_runs

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    text = "一、本年新收政府信息公开申请数量" + ("1234567890" * 100)[:digits]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(split, "_split_runs", counting)
        # parse_here: in this process (check_bytes parses in a child, which the counting spy cannot see)
        report = parse_here(text.encode("utf-8"), "paste.txt")
    findings = run_checks(report, None)
    assert [f.row for f in findings if f.code == "parse.unsplittable"] == ["new_received"]
    assert report.tables.section3["new_received"][0] == text[-digits:]
    # Runs longer than seven cells could hold are refused before any search.
    assert (len(calls) == 0) == (digits > 7 * split.MAX_CELL_CHARS)
