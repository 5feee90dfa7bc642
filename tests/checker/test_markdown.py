"""Markdown written by PDF converters and OCR tools (docs/checker.md, "Markdown").

* Property: every valid table (tests/checker/strategies.py), written in each Markdown shape of
  ``tests/checker/markdown_renderers.py``, reads back to exactly the same cells with no error and no
  reading finding.
* Converter-style Markdown of two real, correct reports (``tests/fixtures/markdown``, written from the
  reports in ``tests/fixtures/reports`` and their hand-read truth) reads every truth cell and finds what
  the crawled text of the same report finds — no false error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.checker.checks import run_checks
from gongkai.checker.pipeline import parse_here
from gongkai.checker.readers import read_text
from gongkai.checker.source import CELL
from gongkai.reports.model import FORMAT_VERSIONS, FORMATS, SECTION4_GROUP_KEYS, FormatVersion
from gongkai.reports.normalize import normalize_text
from gongkai.reports.tables import Tables
from tests.checker.markdown_renderers import SHAPES, Shape, render_markdown
from tests.checker.strategies import tables
from tests.checker.test_real_reports import _TRUTH_GROUPS, _section3_key
from tests.checker.test_roundtrip_properties import _describe, _differences

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MARKDOWN = FIXTURES / "markdown"
TRUTH = FIXTURES / "reports" / "truth"


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("version", FORMAT_VERSIONS)
def test_every_valid_table_in_every_markdown_shape_reads_back(version: FormatVersion, shape: Shape) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(values=tables(version))
    def check(values: Tables) -> None:
        report = parse_here(render_markdown(values, version, shape), "report.md")
        assert (report.kind, report.format) == ("annual_report", version)
        assert _differences(report.tables, values, ("section2", "section3", "section4")) == []
        findings = run_checks(report, None)
        wrong = [f for f in findings if f.severity == "error" or f.code.startswith(("parse.", "table."))]
        assert wrong == [], _describe(wrong)

    check()


def _truth(number: str) -> dict[str, object]:
    return dict(json.loads((TRUTH / f"{number}.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("name", "number", "errors"),
    [
        ("004_pingtan-2021-fragments.md", "004", []),
        # the report's own defect, found in its crawled text too (test_real_reports)
        ("006_pingtan-2023-grid.md", "006", ["prose.table_mismatch"]),
    ],
)
def test_converter_markdown_of_a_real_report_reads_every_cell(
    name: str, number: str, errors: list[str]
) -> None:
    report = parse_here((MARKDOWN / name).read_bytes(), name)
    truth = _truth(number)
    version = truth["format"]
    assert version in FORMAT_VERSIONS
    fmt = FORMATS[version]  # type: ignore[index]
    assert (report.kind, report.format, report.year, report.layout) == (
        "annual_report",
        version,
        truth["year"],
        "markdown",
    )
    assert report.agency == "平潭综合实验区"
    section2 = truth["section2"]
    assert isinstance(section2, dict)
    for label, columns in section2.items():
        block, row = next((b, rw) for b, rw in fmt.section2_rows() if rw.label == label)
        assert report.tables.section2[row.key] == {
            c.key: v for c, v in zip(block.columns, columns.values(), strict=True)
        }, label
    section3 = truth["section3"]
    assert isinstance(section3, dict)
    for label, cells in section3.items():
        assert report.tables.section3[_section3_key(version, label)] == cells, label  # type: ignore[arg-type]
    section4 = truth["section4"]
    assert isinstance(section4, dict)
    for group, cells in section4.items():
        assert report.tables.section4[SECTION4_GROUP_KEYS[_TRUTH_GROUPS[group]]] == cells, group
    findings = run_checks(report, None)
    assert sorted(f.code for f in findings if f.severity == "error") == errors
    assert not [f for f in findings if f.code.startswith(("parse.", "table.", "cell."))]


def _rows(text: str) -> list[list[str]]:
    return [line.split(CELL)[:-1] for line in read_text(text).text.split("\n") if CELL in line]


def test_separator_rows_and_placeholder_headers_are_never_cells() -> None:
    text = (
        "### 一、本年新收政府信息公开申请数量\n\n"
        "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |\n"
        "|:---|---:|:---:|---|---|---|---|---|\n"
        "| 数量 | 64 | 0 | 0 | 2 | 0 | 4 | 70 |\n"
    )
    assert _rows(text) == [["一、本年新收政府信息公开申请数量", "64", "0", "0", "2", "0", "4", "70"]]
    # Without a separator row, a header of placeholder names is still not a row.
    assert _rows(text.replace("|:---|---:|:---:|---|---|---|---|---|\n", "")) == _rows(text)


def test_a_data_row_a_converter_put_in_the_header_stays_a_row() -> None:
    text = "| 规章 | 0 | 0 | 0 |\n|---|---|---|---|\n| 行政规范性文件 | 69 | 3 | 665 |\n"
    assert _rows(text) == [["规章", "0", "0", "0"], ["行政规范性文件", "69", "3", "665"]]


@pytest.mark.parametrize("heading", ["## 四、政府信息公开行政复议、行政诉讼情况", "**第二十条第（五）项**"])
def test_a_section_heading_or_a_table_with_its_own_labels_is_not_merged(heading: str) -> None:
    text = f"{heading}\n\n| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 97 |\n"
    assert _rows(text) == [["信息内容", "本年处理决定数量"], ["行政许可", "97"]]
    assert normalize_text(heading.strip("#* ")) + "\n" in read_text(text).text


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 999), min_size=3, max_size=3))
def test_plain_line_rows_beside_pipe_rows_are_read(cells: list[int]) -> None:
    """Table 二 with some rows as plain lines and others as pipe rows, headers in pipes or in text."""
    issued, abolished, in_force = cells
    text = (
        "某某局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "| 第二十条第（一）项 | | | |\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        f"| 规章 | 0 | 0 | 0 |\n行政规范性文件 {issued} {abolished} {in_force}\n"
        "第二十条第（五）项\n| 信息内容 | 本年处理决定数量 |\n"
        f"行政许可 {issued}\n| 其他说明 | 无 |\n"
        "第二十条第（六）项\n信息内容 本年处理决定数量\n"
        f"行政处罚 {abolished}\n| 行政强制 | {in_force} |\n"
    )
    report = parse_here(text.encode(), "report.md")
    assert report.tables.section2["normative_documents"] == {
        "issued": issued,
        "abolished": abolished,
        "in_force": in_force,
    }
    assert report.tables.section2["licensing"] == {"decisions": issued}
    assert report.tables.section2["penalty"] == {"decisions": abolished}
    assert report.tables.section2["enforcement"] == {"decisions": in_force}


def test_bold_marks_and_line_breaks_in_cells_are_dropped() -> None:
    text = "| **（一）予以公开** | 27 | 0 |\n|---|---|---|\n| 本年新收<br>政府信息公开申请数量 | 64 | 0 |\n"
    assert _rows(text) == [["(一)予以公开", "27", "0"], ["本年新收 政府信息公开申请数量", "64", "0"]]
