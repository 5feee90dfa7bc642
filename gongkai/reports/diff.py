"""What changed between two versions of a report (a correction, 更正): the cells whose values differ and the
sections whose text differs, described in Chinese with the official labels. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.reports.document import ReportDocument
from gongkai.reports.model import SECTION3_COLUMNS, SECTION4_COLUMNS, SECTION4_GROUPS, SECTIONS, get_format
from gongkai.reports.tables import Cell, format_cell


@dataclass(frozen=True)
class CellChange:
    where: str  # e.g. 表三“（一）予以公开”·自然人
    before: Cell
    after: Cell


@dataclass(frozen=True)
class Changes:
    cells: tuple[CellChange, ...]
    sections: tuple[str, ...]  # headings of the sections whose text changed

    def __bool__(self) -> bool:
        return bool(self.cells or self.sections)


def _show(v: Cell) -> str:
    return "空" if v is None else format_cell(v)


def changes(before: ReportDocument, after: ReportDocument) -> Changes:
    fmt = get_format(after.format)
    cells: list[CellChange] = []
    for block, row in fmt.section2_rows():
        for column in block.columns:
            old = before.tables.section2.get(row.key, {}).get(column.key)
            new = after.tables.section2.get(row.key, {}).get(column.key)
            if old != new:
                cells.append(CellChange(f"表二“{row.label}”·{column.label}", old, new))
    for row in fmt.section3_rows:
        old_row = before.tables.section3.get(row.key) or [None] * len(SECTION3_COLUMNS)
        new_row = after.tables.section3.get(row.key) or [None] * len(SECTION3_COLUMNS)
        for i, column in enumerate(SECTION3_COLUMNS):
            if old_row[i] != new_row[i]:
                cells.append(CellChange(f"表三“{row.label}”·{column.label}", old_row[i], new_row[i]))
    for group in SECTION4_GROUPS:
        old_row = before.tables.section4.get(group.key) or [None] * len(SECTION4_COLUMNS)
        new_row = after.tables.section4.get(group.key) or [None] * len(SECTION4_COLUMNS)
        for i, column in enumerate(SECTION4_COLUMNS):
            if old_row[i] != new_row[i]:
                cells.append(CellChange(f"表四“{group.label}”·{column.label}", old_row[i], new_row[i]))
    sections = tuple(s.heading for s in SECTIONS if before.paragraphs(s.key) != after.paragraphs(s.key))
    if before.notes != after.notes:
        sections += ("表格注释",)
    return Changes(tuple(cells), sections)


def describe(change: CellChange) -> str:
    return f"{change.where}：{_show(change.before)} → {_show(change.after)}"
