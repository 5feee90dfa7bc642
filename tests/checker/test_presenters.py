"""The presenter lays out the official tables from ``gongkai.reports.model`` and marks cells of findings."""

from __future__ import annotations

from gongkai.checker.presenters import (
    CellView,
    TableView,
    describe_location,
    present,
    result_from_json,
    table_views,
    tables_format,
)
from gongkai.checker.result import CheckResult, ParsedReport
from gongkai.reports.findings import Finding
from gongkai.reports.model import (
    RESULT_GROUP,
    SECTION3_HEADER_GROUPS,
    SECTION3_HEADER_NOTE,
    FormatVersion,
    get_format,
)
from gongkai.reports.tables import Tables


def grid_widths(rows: list[list[CellView]]) -> list[int]:
    """The number of grid columns each row covers, counting cells that reach down from rows above."""
    carried: dict[int, int] = {}  # row index -> columns taken by rowspans from above
    widths = []
    for i, row in enumerate(rows):
        width = carried.get(i, 0) + sum(c.colspan for c in row)
        widths.append(width)
        for cell in row:
            for below in range(i + 1, i + cell.rowspan):
                carried[below] = carried.get(below, 0) + cell.colspan
    return widths


def views(
    version: FormatVersion, tables: Tables | None = None, findings: list[Finding] | None = None
) -> dict[str, TableView]:
    return {t.key: t for t in table_views(tables or Tables(), version, findings or [])}


def report(version: FormatVersion | None = "2021", **kwargs: object) -> ParsedReport:
    defaults: dict[str, object] = {
        "kind": "annual_report",
        "format": version,
        "year": 2022,
        "agency": "示范县人民政府",
        "tables": Tables(),
        "text": "",
    }
    defaults.update(kwargs)
    return ParsedReport(**defaults)  # type: ignore[arg-type]


def find_cell(table: TableView, text: str) -> CellView:
    return next(c for row in table.head + table.body for c in row if c.text == text)


def test_section3_2021_has_25_rows_and_the_result_group_spans_22() -> None:
    table = views("2021")["section3"]
    assert len(table.body) == len(get_format("2021").section3_rows) == 25
    assert find_cell(table, RESULT_GROUP).rowspan == 22
    assert find_cell(table, "（三）不予公开").rowspan == 8
    assert find_cell(table, "（四）无法提供").rowspan == 3
    assert find_cell(table, "（五）不予处理").rowspan == 5
    assert find_cell(table, "（六）其他处理").rowspan == 3
    assert find_cell(table, "（七）总计").colspan == 2
    assert find_cell(table, "四、结转下年度继续办理").colspan == 3
    assert grid_widths(table.body) == [10] * 25


def test_section3_2019_result_group_spans_20_and_other_is_one_row() -> None:
    table = views("2019")["section3"]
    assert len(table.body) == 23
    assert find_cell(table, RESULT_GROUP).rowspan == 20
    other = find_cell(table, "（六）其他处理")
    assert (other.rowspan, other.colspan) == (1, 2)
    assert grid_widths(table.body) == [10] * 23


def test_section3_header_is_the_official_three_rows() -> None:
    head = views("2021")["section3"].head
    note, applicants = head[0]
    assert (note.text, note.rowspan, note.colspan) == (SECTION3_HEADER_NOTE, 3, 3)
    assert (applicants.text, applicants.colspan) == (SECTION3_HEADER_GROUPS[0], 7)
    assert [(c.text, c.rowspan, c.colspan) for c in head[1]] == [
        ("自然人", 2, 1),
        (SECTION3_HEADER_GROUPS[1], 1, 5),
        ("总计", 2, 1),
    ]
    assert [c.text for c in head[2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert grid_widths(head) == [10, 10, 10]


def test_section4_header_and_one_row_of_15_cells() -> None:
    table = views("2021")["section4"]
    assert [(c.text, c.colspan) for c in table.head[0]] == [("行政复议", 5), ("行政诉讼", 10)]
    assert [c.text for c in table.head[1][5:]] == ["未经复议直接起诉", "复议后起诉"]
    assert all(c.rowspan == 2 for c in table.head[1][:5])
    assert len(table.head[2]) == 10
    assert grid_widths(table.head) == [15, 15, 15]
    assert len(table.body) == 1 and len(table.body[0]) == 15


def test_section2_blocks_are_captioned_and_fill_the_grid() -> None:
    for version, rows in (("2021", 4 + 4 + 6), ("2019", 5 + 5 + 8)):
        table = views(version)["section2"]  # type: ignore[arg-type]
        assert len(table.body) == rows
        assert set(grid_widths(table.body)) == {4}
        captions = [row[0].text for row in table.body if "caption" in row[0].css]
        assert captions == [b.caption for b in get_format(version).section2]  # type: ignore[arg-type]


def test_cells_show_numbers_blank_and_text_as_read() -> None:
    tables = Tables(
        section2={"fees": {"amount": 24252.311082}},
        section3={"new_received": [3, None, "见附件", 0, 0, 0, 3]},
    )
    t = views("2021", tables)
    fees = t["section2"].body[-1]
    assert fees[1].text == "24252.311082"
    row = t["section3"].body[0]
    assert [c.text for c in row[1:]] == ["3", "", "见附件", "0", "0", "0", "3"]
    assert "cell-blank" in row[2].css and "cell-text" in row[3].css
    # A row the report does not have is shown empty and marked as missing.
    assert all("cell-missing" in c.css and c.text == "" for c in t["section3"].body[1][1:])


def test_a_cell_named_by_findings_is_marked_with_the_worst_severity_and_linked() -> None:
    findings = [
        Finding("x.warn", "warning", "警告信息", table="section3", row="total", column="natural_person"),
        Finding("x.err", "error", "错误信息", table="section3", row="total", column="natural_person"),
        Finding("x.row", "info", "行标签不规范", table="section3", row="denied_state_secret"),
        Finding("x.doc", "warning", "缺少第六部分", section="other"),
    ]
    result = CheckResult("a.txt", report(), findings)
    view = present(result, prefix="r2")
    section3 = next(t for t in view.tables if t.key == "section3")
    cell = next(c for row in section3.body for c in row if c.id == "r2-section3-total-natural_person")
    assert cell.severity == "error" and "finding-error" in cell.css
    assert cell.title == "警告信息\n错误信息"
    label = find_cell(section3, "1.属于国家秘密")
    assert label.id == "r2-section3-denied_state_secret" and "finding-info" in label.css
    # Errors come first; each cell finding links to its cell, the document finding to none.
    assert [f.code for f in view.findings] == ["x.err", "x.warn", "x.doc", "x.row"]
    assert view.findings[0].anchor == view.findings[1].anchor == "r2-section3-total-natural_person"
    assert view.findings[2].anchor == ""
    assert view.findings[3].anchor == "r2-section3-denied_state_secret"
    assert [(s, n) for s, _, n in view.counts] == [("error", 1), ("warning", 2), ("info", 1)]


def test_location_names_the_section_groups_row_and_column() -> None:
    f = Finding("c", "error", "m", table="section3", row="denied_third_party", column="commercial")
    assert describe_location(f, "2021") == (
        "三、收到和处理政府信息公开申请情况 · 三、本年度办理结果 · （三）不予公开 · "
        "4.保护第三方合法权益 · 商业企业"
    )
    f4 = Finding("c", "error", "m", table="section4", row="litigation_direct", column="total")
    assert (
        describe_location(f4, "2021")
        == "四、政府信息公开行政复议、行政诉讼情况 · 行政诉讼 · 未经复议直接起诉 · 总计"
    )
    f2 = Finding("c", "error", "m", table="section2", row="fees", column="amount")
    assert describe_location(f2, "2021") == (
        "二、主动公开政府信息情况 · 第二十条第（八）项 · 行政事业性收费 · 本年收费金额（单位：万元）"
    )
    assert describe_location(Finding("c", "error", "m"), None) == "全文"


def test_not_a_report_has_no_tables() -> None:
    view = present(CheckResult("letter.txt", report(None, kind="not_a_report"), []))
    assert not view.is_report and view.tables == []


def test_tables_are_laid_out_in_the_format_their_cells_use() -> None:
    old = Tables(section3={"other": [0] * 7}, section2={"procurement": {"items": 1, "amount": 2.5}})
    assert tables_format(old) == "2019"
    assert tables_format(Tables()) is None
    view = present(CheckResult("a.txt", report("2021", tables=old), []))
    assert find_cell(next(t for t in view.tables if t.key == "section3"), RESULT_GROUP).rowspan == 20


def test_a_result_read_back_from_json_presents_the_same() -> None:
    tables = Tables(section3={"total": [1, 0, 0, 0, 0, 0, 2]}, section4={"reconsideration": [1, 0, 0, 0, 1]})
    findings = [
        Finding("section3.row_total", "error", "总计不符", table="section3", row="total", column="total")
    ]
    result = CheckResult("a.txt", report(tables=tables), findings)
    again = result_from_json(result.to_json())
    assert again.to_json() == result.to_json()
    assert present(again) == present(result)
