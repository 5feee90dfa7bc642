"""Render a complete annual report as the Markdown that PDF converters and OCR tools write.

Test helper (pure Python). Labels, captions, headings and column headers come from
``gongkai.reports.model`` and the grids from the product's grid builder (``gongkai.reports.export.layout``),
as in ``tests/checker/renderers.py``. The shapes (docs/checker.md, "Markdown"):

* ``grid`` — one Markdown table per official table, the full grid (a merged cell written once, the
  positions it covers as empty cells), a separator row ``| --- | … |`` under the first row;
* ``grid_no_separator`` — the same without separator rows (a tool that writes bare pipe rows);
* ``fragments`` — every row group of table 三 as a small table of its own under a heading
  (``### 一、本年新收政府信息公开申请数量``) with an invented header row (``| 类别 | 数据1 | … | 总计 |``)
  and a generic first cell (``| 数量 | 64 | … |``); the outcome groups under ``#### （三）不予公开`` …;
  each block of table 二 as a small table under its caption; table 四 as three tables, each under its
  group's name in bold (``**行政复议**``) with the five column names as header and the numbers alone in
  its row;
* ``plain_table2`` — table 二 written as plain lines (``行政许可 97``: an OCR tool that lost its ruling),
  tables 三 and 四 as ``grid``.
"""

from __future__ import annotations

from typing import Literal

from gongkai.reports.export.layout import Grid, section3_grid, section4_grid
from gongkai.reports.model import FORMATS, FormatVersion, ReportFormat
from gongkai.reports.tables import Tables, format_cell
from tests.checker.renderers import _PROSE, AGENCY, FEE_STATEMENT, REPORT_YEAR

Shape = Literal["grid", "grid_no_separator", "fragments", "plain_table2"]
SHAPES: tuple[Shape, ...] = ("grid", "grid_no_separator", "fragments", "plain_table2")
#: The header a converter invents for table 三's value columns when it cannot read the real one.
PLACEHOLDER_HEADER = "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _separator(n: int) -> str:
    return "|" + "|".join([" --- "] * n) + "|"


def grid_markdown(grid: Grid, separator: bool = True) -> list[str]:
    lines: list[str] = []
    for r, line in enumerate(grid.positions()):
        lines.append(_row([x[1].text if x is not None and x[0] == r else "" for x in line]))
        if r == 0 and separator:
            lines.append(_separator(grid.ncols))
    return lines


def _section2_grid_rows(fmt: ReportFormat, values: Tables) -> list[list[str]]:
    """Table 二 as rows: per block its caption, its header (信息内容 and the columns) and its rows."""
    out: list[list[str]] = []
    for block in fmt.section2:
        out.append([f"第二十条第（{block.item}）项"])
        out.append(["信息内容", *(c.label for c in block.columns)])
        for row in block.rows:
            out.append([row.label] + [format_cell(values.section2[row.key][c.key]) for c in block.columns])
    return out


def section2_markdown(fmt: ReportFormat, values: Tables, shape: Shape) -> list[str]:
    lines: list[str] = []
    if shape == "plain_table2":
        return [" ".join(cells) for cells in _section2_grid_rows(fmt, values)]
    if shape == "fragments":
        for block in fmt.section2:
            lines += [f"#### 第二十条第（{block.item}）项", ""]
            lines.append(_row(["信息内容", *(c.label for c in block.columns)]))
            lines.append(_separator(1 + len(block.columns)))
            for row in block.rows:
                lines.append(
                    _row([row.label] + [format_cell(values.section2[row.key][c.key]) for c in block.columns])
                )
            lines.append("")
        return lines
    width = 1 + max(len(b.columns) for b in fmt.section2)
    rows = _section2_grid_rows(fmt, values)
    for r, cells in enumerate(rows):
        lines.append(_row(cells + [""] * (width - len(cells))))
        if r == 0 and shape == "grid":
            lines.append(_separator(width))
    return lines


def section3_markdown(fmt: ReportFormat, values: Tables, shape: Shape) -> list[str]:
    if shape != "fragments":
        return grid_markdown(section3_grid(fmt, values), separator=shape != "grid_no_separator")
    lines: list[str] = []
    group: str | None = None
    for row in fmt.section3_rows:
        cells = [format_cell(v) for v in values.section3[row.key]]
        if row.group is None:
            lines += ["", f"### {row.label}", "", PLACEHOLDER_HEADER, _separator(8), _row(["数量", *cells])]
            group = None
            continue
        if row.group != group:
            heading = "###" if row.group.startswith("三、") else "####"
            if group is None or heading == "####" or not group.startswith("三、"):
                lines += ["", f"{heading} {row.group}", "", PLACEHOLDER_HEADER, _separator(8)]
            group = row.group
        lines.append(_row([row.label, *cells]))
    return lines


def section4_markdown(fmt: ReportFormat, values: Tables, shape: Shape) -> list[str]:
    if shape != "fragments":
        return grid_markdown(section4_grid(fmt, values), separator=shape != "grid_no_separator")
    lines: list[str] = []
    for g in fmt.section4_groups:
        name = g.label if g.label == g.parent else f"{g.parent}（{g.label}）"
        lines += ["", f"**{name}**", ""]
        lines.append(_row([c.label for c in fmt.section4_columns]))
        lines.append(_separator(len(fmt.section4_columns)))
        lines.append(_row([format_cell(v) for v in values.section4[g.key]]))
    return lines


def render_markdown(values: Tables, version: FormatVersion, shape: Shape) -> bytes:
    fmt = FORMATS[version]
    year = REPORT_YEAR[version]
    lines = [
        f"# {AGENCY}{year}年政府信息公开工作年度报告",
        "",
        "根据《中华人民共和国政府信息公开条例》要求，编制本报告。"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    ]
    tables = {"proactive": section2_markdown, "applications": section3_markdown, "appeals": section4_markdown}
    for section in fmt.sections:
        lines += ["", f"## {section.heading}", ""]
        prose = _PROSE[section.key]
        if section.key == "other" and fmt.requires_fee_statement:
            prose = FEE_STATEMENT + prose
        lines += [prose, ""]
        make = tables.get(section.key)
        if make is not None:
            lines += make(fmt, values, shape)
    return ("\n".join(lines) + "\n").encode("utf-8")
