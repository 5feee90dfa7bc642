"""A mistyped row label in any table (issue 14, "findings that help"): matched to its official row by
similarity at its place (between the rows found around it, and with the row total of table 三 as extra
evidence), its cells kept, one ``label.nonstandard`` naming the typo, no "row missing" nor "extra row" —
in table 二 (主动公开), table 三, table 四 written with a row per group, and in text without marked cells
(a PDF's text layer, squashed web text) where the label and its digits run together."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import pytest

from gongkai.checker.checks import run_checks
from gongkai.checker.parse.rows import typo_rows
from gongkai.checker.pipeline import parse_bytes, parse_here
from gongkai.checker.result import ParsedReport
from gongkai.reports.export.layout import GCell, Grid
from gongkai.reports.findings import Finding
from gongkai.reports.model import FORMATS, SECTION4_COLUMNS, FormatVersion
from gongkai.reports.tables import Tables, format_cell

from . import renderers as R
from .test_checks import valid_tables

Blocks = list[R.Block]


def _replace_in_grids(blocks: Sequence[R.Block], official: str, typo: str) -> Blocks:
    """The blocks with the table cell reading ``official`` written ``typo`` (exactly one cell)."""
    out: Blocks = []
    hits = 0
    for b in blocks:
        if b.grid is None:
            out.append(b)
            continue
        rows = []
        for row in b.grid.rows:
            new_row = []
            for cell in row:
                if cell.text == official:
                    hits += 1
                    cell = dataclasses.replace(cell, text=typo)
                new_row.append(cell)
            rows.append(new_row)
        out.append(R.Block(grid=Grid(b.grid.ncols, rows)))
    assert hits == 1, (official, hits)
    return out


def _plain_lines(grid: Grid, space: str = " ") -> list[str]:
    """A table as a PDF's text layer without rules gives it: each row one line, its cells apart
    (``space`` between the label and the first number: "" runs them together)."""
    lines = []
    for row in grid.rows:
        texts = [c.text for c in row]
        values = [c.text for c in row if c.role == "value"]
        labels = [c.text for c in row if c.role != "value"]
        lines.append(" ".join(labels) + space + " ".join(values) if values else " ".join(texts))
    return lines


def _plain_pdf(title: str, blocks: Sequence[R.Block], space: str = " ") -> bytes:
    """A PDF whose tables are lines of text with no rules (pdfplumber finds no table)."""
    flat: Blocks = []
    for b in blocks:
        if b.grid is None:
            flat.append(b)
        else:
            flat.extend(R.Block(line) for line in _plain_lines(b.grid, space))
    return R.pdf_from_blocks(title, flat)


def _plain_text(title: str, blocks: Sequence[R.Block], space: str = " ") -> bytes:
    lines = [title]
    for b in blocks:
        lines.extend(_plain_lines(b.grid, space) if b.grid is not None else [b.text])
    return ("\n".join(lines) + "\n").encode()


#: Each way a report is written, from its title and blocks: (bytes, file name).
WRITERS: dict[str, Callable[[str, Blocks], tuple[bytes, str]]] = {
    "pipes": lambda t, b: (R._text_report(t, b, R.pipes_table), "r.txt"),
    "cell_per_line": lambda t, b: (R._text_report(t, b, R.cell_per_line_table), "r.txt"),
    "tabs": lambda t, b: (R._text_report(t, b, R.tabs_table), "r.txt"),
    "html": lambda t, b: (R._html_report(t, b), "r.html"),
    "squashed": lambda t, b: (R._squashed_report(t, b), "r.txt"),
    "plain_lines": lambda t, b: (_plain_text(t, b), "r.txt"),
    "plain_lines_run_together": lambda t, b: (_plain_text(t, b, space=""), "r.txt"),
    "pdf_ruled": lambda t, b: (R.pdf_from_blocks(t, b), "r.pdf"),
    "pdf_text_layer": lambda t, b: (_plain_pdf(t, b), "r.pdf"),
    "pdf_text_layer_run_together": lambda t, b: (_plain_pdf(t, b, space=""), "r.pdf"),
}
TEXT_WRITERS = [w for w in WRITERS if not w.startswith("pdf")]
PDF_WRITERS = [w for w in WRITERS if w.startswith("pdf")]


def _parse(data: bytes, name: str) -> ParsedReport:
    return parse_bytes(data, name) if name.endswith(".pdf") else parse_here(data, name)


def _labels(found: list[Finding]) -> list[tuple[str | None, str | None, object]]:
    return [(f.table, f.row, f.found) for f in found if f.code == "label.nonstandard"]


def _others(found: list[Finding]) -> list[tuple[str, str | None, str | None]]:
    return sorted((f.code, f.table, f.row) for f in found if f.code != "label.nonstandard")


def _no_row_confusion(found: list[Finding]) -> None:
    codes = {f.code for f in found}
    assert not {"parse.row_not_found", "table.extra_row", "parse.missing_cells", "parse.extra_cells"} & codes
    assert [f for f in found if f.severity == "error"] == []


# ---------------------------------------------------------------------------------------------
# Table 二
# ---------------------------------------------------------------------------------------------


def _section2_values(version: FormatVersion) -> Tables:
    t = valid_tables(version)
    # Figures that differ from row to row, so that a row's cells taken by its neighbour show.
    for i, (block, row) in enumerate(FORMATS[version].section2_rows()):
        for j, c in enumerate(block.columns):
            if c.kind == "count":
                t.section2[row.key][c.key] = 11 + 10 * i + j
    return t


S2_TYPOS = [
    ("2021", "licensing", "行政许可", "行政许刻"),
    ("2021", "normative_documents", "行政规范性文件", "行政规范姓文件"),
    ("2021", "penalty", "行政处罚", "行政处法"),
    ("2021", "fees", "行政事业性收费", "行政事业性收废"),  # the last row of the table
    ("2019", "other_services", "其他对外管理服务事项", "其他对外管理服务事顶"),
]


@pytest.mark.parametrize("writer", [*TEXT_WRITERS, *PDF_WRITERS])
@pytest.mark.parametrize(("version", "row", "official", "typo"), S2_TYPOS)
def test_a_mistyped_table_2_label_keeps_its_cells(
    writer: str, version: FormatVersion, row: str, official: str, typo: str
) -> None:
    if writer.startswith("pdf") and row != "licensing":
        pytest.skip("one row is enough in a PDF (each PDF takes the limited child process)")
    values = _section2_values(version)
    title, blocks = R.document_blocks(values, version)
    data, name = WRITERS[writer](title, _replace_in_grids(blocks, official, typo))
    parsed = _parse(data, name)
    assert parsed.kind == "annual_report"
    # The same document with the official label: the typo changes nothing else.
    baseline = _parse(*WRITERS[writer](title, blocks))
    assert parsed.tables.section2 == baseline.tables.section2
    found = run_checks(parsed)
    assert _labels(found) == [("section2", row, typo)]
    message = next(f.message for f in found if f.code == "label.nonstandard")
    assert typo in message and official in message
    assert _others(found) == _others(run_checks(baseline))
    if writer == "squashed" and version == "2019":
        return  # digits run together without an identity: some rows read otherwise (parse.ambiguous_split)
    assert parsed.tables.section2 == values.section2
    _no_row_confusion(found)


def test_a_table_2_label_like_no_row_is_still_an_extra_row_and_the_row_missing() -> None:
    """ "行政确认" is another power, not a typo of 行政许可: the row stays missing."""
    values = _section2_values("2021")
    title, blocks = R.document_blocks(values, "2021")
    data, name = WRITERS["pipes"](title, _replace_in_grids(blocks, "行政许可", "行政确认"))
    found = run_checks(parse_here(data, name))
    assert ("parse.row_not_found", "licensing") in [(f.code, f.row) for f in found]
    assert not _labels(found)


# ---------------------------------------------------------------------------------------------
# Table 三: text without marked cells and PDFs
# ---------------------------------------------------------------------------------------------

S3_OFFICIAL = "2.其他法律行政法规禁止公开"
S3_TYPO = "2.其他法律行政止公开"


def _section3_values() -> Tables:
    t = valid_tables("2021")
    fmt = FORMATS["2021"]
    t.section3["denied_prohibited_by_law"] = [2, 0, 1, 0, 0, 0, 3]
    for j in range(7):
        t.section3["total"][j] = sum(int(t.section3[k][j] or 0) for k in fmt.section3_result_keys)
        t.section3["new_received"][j] = (
            int(t.section3["total"][j] or 0)
            + int(t.section3["carried_forward"][j] or 0)
            - int(t.section3["carried_over"][j] or 0)
        )
    return t


@pytest.mark.parametrize("writer", [*TEXT_WRITERS, *PDF_WRITERS])
def test_a_mistyped_table_3_label_keeps_its_cells_in_every_layout(writer: str) -> None:
    values = _section3_values()
    title, blocks = R.document_blocks(values, "2021")
    data, name = WRITERS[writer](title, _replace_in_grids(blocks, S3_OFFICIAL, S3_TYPO))
    parsed = _parse(data, name)
    assert parsed.tables.section3["denied_prohibited_by_law"] == [2, 0, 1, 0, 0, 0, 3]
    assert parsed.tables.section3 == values.section3
    found = run_checks(parsed)
    assert _labels(found) == [("section3", "denied_prohibited_by_law", S3_TYPO)]
    _no_row_confusion(found)


def test_a_typo_in_text_never_takes_the_cells_of_another_row() -> None:
    """Squashed text: the previous row keeps its seven digits, the mistyped row gets its own (the "2" of
    its list number is the label's, not the last digit of the row above)."""
    text = f"1.属于国家秘密0000000{S3_TYPO}20100033.危及“三安全一稳定”0000000"
    from gongkai.checker import labels as L
    from gongkai.checker.parse.rows import find_rows

    keys = ["denied_state_secret", "denied_prohibited_by_law", "denied_three_safeties"]
    anchors = find_rows(text, keys, {k: L.section3_pattern(k) for k in keys}, 0, len(text))
    assert [(a.key, a.label, a.typo) for a in anchors] == [
        ("denied_state_secret", "1.属于国家秘密", False),
        ("denied_prohibited_by_law", S3_TYPO, True),
        ("denied_three_safeties", "3.危及“三安全一稳定”", False),
    ]
    assert text[anchors[0].end : anchors[1].start] == "0000000"
    assert text[anchors[1].end : anchors[2].start] == "2010003"


def test_a_candidate_outside_the_gap_between_the_neighbours_is_never_taken() -> None:
    text = "甲 1\n乙 2\n其他法律行政止公开 3\n丙 4\n"
    b = text.index("乙")
    c = text.index("丙")
    from gongkai.checker.parse.rows import Anchor

    found = [Anchor("a", 0, 1, "甲"), Anchor("b", b, b + 1, "乙"), Anchor("c", c, c + 1, "丙")]
    # The missing row sits between a and b in the order: the typo after b is not looked at.
    keys = ["a", "x", "b", "c"]
    out = typo_rows(text, keys, found, {"x": S3_OFFICIAL}, len(text), {"x": 1})
    assert [a.key for a in out] == ["a", "b", "c"]


def test_a_sentence_about_a_row_is_not_taken_for_its_mistyped_label() -> None:
    """In unmarked text a label is followed by a digit per cell at least: "…止公开的2件" is prose."""
    from gongkai.checker.parse.rows import Anchor

    text = "甲 0 0 0 0 0 0 0\n其中属于其他法律行政止公开的2件\n乙 0 0 0 0 0 0 0\n"
    b = text.index("乙")
    found = [Anchor("a", 0, 1, "甲"), Anchor("b", b, b + 1, "乙")]
    out = typo_rows(text, ["a", "x", "b"], found, {"x": S3_OFFICIAL}, len(text), {"x": 7})
    assert [a.key for a in out] == ["a", "b"]
    text = text.replace("其中属于其他法律行政止公开的2件", "2.其他法律行政止公开 2 0 1 0 0 0 3")
    b = text.index("乙")
    found = [Anchor("a", 0, 1, "甲"), Anchor("b", b, b + 1, "乙")]
    out = typo_rows(text, ["a", "x", "b"], found, {"x": S3_OFFICIAL}, len(text), {"x": 7})
    assert [(a.key, a.label) for a in out] == [("a", "甲"), ("x", S3_TYPO), ("b", "乙")]


# ---------------------------------------------------------------------------------------------
# Table 四 written with a row per group
# ---------------------------------------------------------------------------------------------


def _section4_by_rows(values: Tables, labels: Sequence[str]) -> Grid:
    """Table 四 transposed the way some agencies write it: a header of the five results, then one row
    per group with its label."""
    header = [GCell("", role="header")] + [GCell(c.label, role="header") for c in SECTION4_COLUMNS]
    rows = [header]
    for label, cells in zip(labels, values.section4.values(), strict=True):
        rows.append([GCell(label, role="label")] + [GCell(format_cell(v)) for v in cells])
    return Grid(1 + len(SECTION4_COLUMNS), rows)


def _with_section4(values: Tables, labels: Sequence[str]) -> tuple[str, Blocks]:
    title, blocks = R.document_blocks(values, "2021")
    out: Blocks = []
    for b in blocks:
        if b.grid is not None and b.grid.ncols == 15:
            out.append(R.Block(grid=_section4_by_rows(values, labels)))
        else:
            out.append(b)
    return title, out


def _section4_values() -> Tables:
    t = valid_tables("2021")
    t.section4 = {
        "reconsideration": [1, 2, 0, 0, 3],
        "litigation_direct": [0, 1, 1, 1, 3],
        "litigation_after_reconsideration": [2, 0, 0, 1, 3],
    }
    return t


@pytest.mark.parametrize("writer", ["pipes", "html", "plain_lines", "pdf_ruled"])
def test_a_mistyped_table_4_row_label_is_one_label_finding(writer: str) -> None:
    values = _section4_values()
    title, blocks = _with_section4(values, ["行政付议", "未经复议直接起诉", "复议后起诉"])
    parsed = _parse(*WRITERS[writer](title, blocks))
    assert parsed.tables.section4 == values.section4
    found = run_checks(parsed)
    assert _labels(found) == [("section4", "reconsideration", "行政付议")]
    assert "行政复议" in next(f.message for f in found if f.code == "label.nonstandard")
    _no_row_confusion(found)


@pytest.mark.parametrize(
    "labels",
    [
        ["行政复议", "未经复议直接起诉", "复议后起诉"],
        ["行政复议", "行政诉讼·未经复议直接起诉", "行政诉讼·复议后起诉"],
    ],
)
def test_table_4_row_labels_as_the_format_writes_them_give_nothing(labels: list[str]) -> None:
    values = _section4_values()
    title, blocks = _with_section4(values, labels)
    parsed = _parse(*WRITERS["pipes"](title, blocks))
    assert parsed.tables.section4 == values.section4
    assert [f.code for f in run_checks(parsed)] == ["agency.unknown"]  # the renderer's 某某局


# ---------------------------------------------------------------------------------------------
# A label wrapped around its row's numbers (a table row a PDF gives as text; Chromium at a page break)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["1.信访举报投", "0 0 0 0 0 0 0", "诉类申请"], ["1.信访举报投诉类申请 0 0 0 0 0 0 0"]),
        (["1.信访举报投 0 0 0 0 0 0 0", "诉类申请"], ["1.信访举报投诉类申请 0 0 0 0 0 0 0"]),
        (
            ["(五)不予处理 1.信访举报投", "3 0 0 0 0 0 3", "诉类申请", "2.重复申请 0 0 0 0 0 0 0"],
            ["(五)不予处理 1.信访举报投诉类申请 3 0 0 0 0 0 3", "2.重复申请 0 0 0 0 0 0 0"],
        ),
        (
            [
                "2.申请人逾期未按收费",
                "通知要求缴纳费",
                "1 0 0 0 0 0 1",
                "用、行政机关不再",
                "处理其政府信息公开申请",
            ],
            ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 1 0 0 0 0 0 1"],
        ),
    ],
)
def test_a_label_wrapped_around_its_numbers_is_one_row_again(lines: list[str], joined: list[str]) -> None:
    from gongkai.checker.labels import rejoin_wrapped_labels

    assert rejoin_wrapped_labels(lines) == joined


@pytest.mark.parametrize(
    "lines",
    [
        # rows that are whole already, a heading after the numbers, prose, marked cells
        ["1.属于国家秘密 0 0 0 0 0 0 0", "2.其他法律行政法规禁止公开 0 0 0 0 0 0 0"],
        ["四、结转下年度继续办理 1 0 0 0 0 0 1", "四、政府信息公开行政复议、行政诉讼情况"],
        ["结果维持 结果纠正 其他结果 尚未审结 总计", "1 0 2 0 3", "五、存在的主要问题及改进情况"],
        ["全年共办理信访举报投", "12 3", "诉类申请件。"],
        ["1.信访举报投\x1f", "0 0 0 0 0 0 0", "诉类申请"],
    ],
)
def test_lines_that_are_not_a_wrapped_label_stay_as_they_are(lines: list[str]) -> None:
    from gongkai.checker.labels import rejoin_wrapped_labels

    assert rejoin_wrapped_labels(lines) == lines


def test_a_pasted_text_layer_with_a_label_wrapped_around_its_numbers_reads_the_row() -> None:
    values = _section3_values()
    values.section3["rejected_petition"] = [3, 0, 0, 0, 0, 0, 3]
    values.section3["total"] = [
        sum(int(values.section3[k][j] or 0) for k in FORMATS["2021"].section3_result_keys) for j in range(7)
    ]
    values.section3["new_received"] = [
        int(values.section3["total"][j] or 0)
        + int(values.section3["carried_forward"][j] or 0)
        - int(values.section3["carried_over"][j] or 0)
        for j in range(7)
    ]
    title, blocks = R.document_blocks(values, "2021")
    data, name = WRITERS["plain_lines"](title, blocks)
    text = data.decode()
    row = "1.信访举报投诉类申请 3 0 0 0 0 0 3"
    assert row in text
    wrapped = text.replace(row, "1.信访举报投\n3 0 0 0 0 0 3\n诉类申请")
    parsed = parse_here(wrapped.encode(), name)
    assert parsed.tables.section3 == values.section3
    assert [f for f in run_checks(parsed) if f.severity == "error"] == []


def test_the_note_of_a_label_never_takes_the_numbers_of_its_row() -> None:
    """The bracketed note of a label wrapped around its numbers stops at the line break."""
    from gongkai.checker import labels as L

    text = "(二)部分公开(区分处理的,\n5 0 0 0 0 0 5\n只计这一情形)"
    m = L.section3_pattern("partially_granted").search(text)
    assert m is not None and "5" not in m.group(0)
    whole = "(二)部分公开(区分处理的,只计这一情形,不计其他情形) 5 0 0 0 0 0 5"
    m = L.section3_pattern("partially_granted").search(whole)
    assert m is not None and m.group(0).endswith("不计其他情形)")
