"""The annual report laid out for printing: the official tables as grids with merged cells, and the whole
document as a sequence of blocks (title, headings, paragraphs, tables, notes) that every exporter writes.

Pure Python (no Django, no I/O). Every label, caption, heading and column header comes from
``gongkai.reports.model``; nothing is spelled here. The tables are built as one *grid* each with the
official merged cells (rowspan/colspan as in docs/law.md §2.4–2.6 and the published versions of
国办公开办函〔2019〕60号 and 〔2021〕30号); the HTML exporter writes a grid as ``<table>`` with
``rowspan``/``colspan``, the Word exporter merges the cells with ``cell.merge``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from gongkai.core.formatting import cn_date
from gongkai.reports.document import ReportDocument
from gongkai.reports.model import (
    FORMATS,
    RESULT_GROUP,
    SECTION2_CONTENT_HEADER,
    SECTION3_HEADER_GROUPS,
    SECTION3_HEADER_NOTE,
    ReportFormat,
)
from gongkai.reports.normalize import normalize_text
from gongkai.reports.period import stated_period
from gongkai.reports.tables import Tables, format_cell

__all__ = [
    "TABLE_GRIDS",
    "Block",
    "GCell",
    "Grid",
    "period_sentence",
    "printable",
    "report_blocks",
    "section2_grid",
    "section3_grid",
    "section4_grid",
]

# ---------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------

#: Control characters (C0 but tab and newline, DEL, C1): never printable, and not allowed in Word's XML.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without control characters (users paste them in from other programs)."""
    return _CONTROL.sub("", text)


# ---------------------------------------------------------------------------------------------------
# The grid: official tables with merged cells
# ---------------------------------------------------------------------------------------------------

CellRole = Literal["header", "label", "value"]


@dataclass(frozen=True)
class GCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    #: "header" (column headers, captions), "label" (row and group labels) or "value".
    role: CellRole = "value"


@dataclass
class Grid:
    ncols: int
    rows: list[list[GCell]]

    def positions(self) -> list[list[tuple[int, GCell] | None]]:
        """The full grid: for each row, each column holds ``(origin_row, cell)`` for the cell whose
        top-left corner is there, or ``None`` where a merged cell covers it."""
        full: list[list[tuple[int, GCell] | None | bool]] = [[False] * self.ncols for _ in self.rows]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while full[r][c] is not False:
                    c += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        full[r + dr][c + dc] = None
                full[r][c] = (r, cell)
                c += cell.colspan
        out: list[list[tuple[int, GCell] | None]] = []
        for r, line in enumerate(full):
            if any(x is False for x in line):
                raise ValueError(f"grid row {r} is not filled: {self.rows[r]}")
            out.append([x if isinstance(x, tuple) else None for x in line])
        return out

    def placed(self) -> list[tuple[int, int, GCell]]:
        """Every cell with its top-left position ``(row, column, cell)``, row by row."""
        out: list[tuple[int, int, GCell]] = []
        for r, line in enumerate(self.positions()):
            for c, entry in enumerate(line):
                if entry is not None and entry[0] == r:
                    out.append((r, c, entry[1]))
        return out


def _header(text: str, rowspan: int = 1, colspan: int = 1) -> GCell:
    return GCell(text, rowspan, colspan, "header")


def _label(text: str, rowspan: int = 1, colspan: int = 1) -> GCell:
    return GCell(text, rowspan, colspan, "label")


def section2_grid(fmt: ReportFormat, values: Tables) -> Grid:
    """Table 二: one grid of 1 + max(columns) columns split by caption rows (docs/law.md §2.4, §3.2)."""
    width = 1 + max(len(b.columns) for b in fmt.section2)
    rows: list[list[GCell]] = []
    for block in fmt.section2:
        n = len(block.columns)
        last_span = width - n  # the block's last column takes the rest of the width
        rows.append([_header(block.caption, colspan=width)])
        head = [_header(SECTION2_CONTENT_HEADER)] + [
            _header(col.label, colspan=last_span if j == n - 1 else 1) for j, col in enumerate(block.columns)
        ]
        rows.append(head)
        for row in block.rows:
            cells = values.section2.get(row.key, {})
            rows.append(
                [_label(row.label)]
                + [
                    GCell(format_cell(cells.get(col.key)), colspan=last_span if j == n - 1 else 1)
                    for j, col in enumerate(block.columns)
                ]
            )
    return Grid(width, rows)


def section3_grid(fmt: ReportFormat, values: Tables) -> Grid:
    """Table 三: 3 label columns + 7 value columns, the official 3-row header (docs/law.md §2.5)."""
    cols = fmt.section3_columns
    applicants, orgs, total = cols[0], cols[1:6], cols[6]
    rows: list[list[GCell]] = [
        [_header(SECTION3_HEADER_NOTE, rowspan=3, colspan=3), _header(SECTION3_HEADER_GROUPS[0], colspan=7)],
        [
            _header(applicants.label, rowspan=2),
            _header(SECTION3_HEADER_GROUPS[1], colspan=len(orgs)),
            _header(total.label, rowspan=2),
        ],
        [_header(c.label) for c in orgs],
    ]
    result_rows = [r for r in fmt.section3_rows if r.group is not None]
    subgroup_sizes: dict[str, int] = {}
    for r in result_rows:
        if r.group is not None and r.group != RESULT_GROUP:
            subgroup_sizes[r.group] = subgroup_sizes.get(r.group, 0) + 1
    seen_groups: set[str] = set()
    for row in fmt.section3_rows:
        cells: list[GCell] = []
        if row.group is None:
            cells.append(_label(row.label, colspan=3))
        else:
            if RESULT_GROUP not in seen_groups:
                seen_groups.add(RESULT_GROUP)
                cells.append(_label(RESULT_GROUP, rowspan=len(result_rows)))
            if row.group == RESULT_GROUP:
                cells.append(_label(row.label, colspan=2))
            else:
                if row.group not in seen_groups:
                    seen_groups.add(row.group)
                    cells.append(_label(row.group, rowspan=subgroup_sizes[row.group]))
                cells.append(_label(row.label))
        vals = values.section3.get(row.key, [None] * len(cols))
        cells.extend(GCell(format_cell(v)) for v in vals)
        rows.append(cells)
    return Grid(3 + len(cols), rows)


def section4_grid(fmt: ReportFormat, values: Tables) -> Grid:
    """Table 四: two parents (行政复议, 行政诉讼) over three groups of five columns (docs/law.md §2.6)."""
    ncols = len(fmt.section4_columns)
    parents: list[tuple[str, int]] = []
    for g in fmt.section4_groups:
        if parents and parents[-1][0] == g.parent:
            parents[-1] = (g.parent, parents[-1][1] + ncols)
        else:
            parents.append((g.parent, ncols))
    row1 = [_header(p, colspan=span) for p, span in parents]
    row2: list[GCell] = []
    row3: list[GCell] = []
    for g in fmt.section4_groups:
        if g.label == g.parent:  # 行政复议: its columns sit right under it
            row2.extend(_header(c.label, rowspan=2) for c in fmt.section4_columns)
        else:
            row2.append(_header(g.label, colspan=ncols))
            row3.extend(_header(c.label) for c in fmt.section4_columns)
    data = [
        GCell(format_cell(v)) for g in fmt.section4_groups for v in values.section4.get(g.key, [None] * ncols)
    ]
    return Grid(ncols * len(fmt.section4_groups), [row1, row2, row3, data])


#: The section whose body is a table → the grid builder of that table.
TABLE_GRIDS: dict[str, Callable[[ReportFormat, Tables], Grid]] = {
    "proactive": section2_grid,
    "applications": section3_grid,
    "appeals": section4_grid,
}


# ---------------------------------------------------------------------------------------------------
# The document as blocks
# ---------------------------------------------------------------------------------------------------

BlockKind = Literal["title", "meta", "heading", "paragraph", "table", "note"]


@dataclass(frozen=True)
class Block:
    """One piece of the printed report, in order.

    ``title``: the report's title; ``meta``: a line under it (publication date, version, correction note);
    ``heading``: a section heading (一、总体情况 …); ``paragraph``: prose; ``table``: a table as a grid;
    ``note``: a note printed under a table (注：…).
    """

    kind: BlockKind
    text: str = ""
    grid: Grid | None = None
    #: The section key the block belongs to (``None`` for the title and the lines under it).
    section: str | None = None


def period_sentence(year: int) -> str:
    """The standard statement of the statistics period (统计期限) of a report on ``year``."""
    return f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"


def _states_period(paragraphs: list[str]) -> bool:
    """Whether the prose already states a statistics period the way the checker reads one."""
    if not paragraphs:
        return False
    return stated_period(normalize_text("\n".join(paragraphs)))[0] is not None


def _meta_lines(doc: ReportDocument) -> list[str]:
    lines: list[str] = []
    if doc.published_on is not None:
        lines.append(f"发布日期：{cn_date(doc.published_on)}")
    if doc.version > 1:
        lines.append(f"版本：第{doc.version}版")
    note = [ln.strip() for ln in doc.change_note.replace("\r\n", "\n").split("\n") if ln.strip()]
    if note:
        lines.append(f"更正说明：{note[0]}")
        lines.extend(note[1:])
    return lines


def _note_lines(notes: tuple[str, ...]) -> list[str]:
    notes = tuple(n.strip() for n in notes if n.strip())
    if not notes:
        return []
    if len(notes) == 1:
        return [f"注：{notes[0]}"]
    return ["注："] + [f"{i}.{n}" for i, n in enumerate(notes, start=1)]


def report_blocks(doc: ReportDocument) -> list[Block]:
    """The whole report in print order: title, the lines under it, then the six sections of the format
    (条例 第五十条) with their headings, prose, tables and the notes under table 二 (the notes are about
    the figures of table 二 entered by hand).

    Section 一 starts with the statistics period (:func:`period_sentence`) unless the prose already states
    one.
    """
    fmt = FORMATS[doc.format]
    blocks = [Block("title", doc.title)]
    blocks.extend(Block("meta", line) for line in _meta_lines(doc))
    all_prose = [p for s in fmt.sections for p in doc.paragraphs(s.key)]
    for section in fmt.sections:
        blocks.append(Block("heading", section.heading, section=section.key))
        paragraphs = doc.paragraphs(section.key)
        if section.key == "overview" and not _states_period(all_prose):
            paragraphs = [period_sentence(doc.year), *paragraphs]
        blocks.extend(Block("paragraph", p, section=section.key) for p in paragraphs)
        make = TABLE_GRIDS.get(section.key)
        if make is not None:
            blocks.append(Block("table", grid=make(fmt, doc.tables), section=section.key))
            if section.key == "proactive":
                blocks.extend(Block("note", line, section=section.key) for line in _note_lines(doc.notes))
    return blocks
