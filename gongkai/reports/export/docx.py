"""The annual report as a Word document (.docx), the layout agencies submit: A4 with the margins of
GB/T 9704 (党政机关公文格式), the title in 方正小标宋简体, section headings in 黑体, the text in
仿宋_GB2312 with a first-line indent of two characters, the three official tables with their merged
header cells and full borders ("Table Grid"), and page numbers (— 1 —) in the footer.

The Chinese fonts are set through the East-Asian font attribute (``w:rFonts/@w:eastAsia``): Word picks
the font of a Chinese character from it, not from ``w:ascii``. A computer without 方正小标宋 or
仿宋_GB2312 substitutes its own Song/Fangsong face; the text and tables stay the same.
"""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gongkai.reports.document import ReportDocument
from gongkai.reports.export.layout import Block, Grid, printable, report_blocks

__all__ = ["render_docx"]

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
NOTE_SIZE = Pt(12)  # 小四
TABLE_SIZE = Pt(10.5)  # 五号
FOOTER_SIZE = Pt(14)  # 四号
LINE_SPACING = Pt(28)  # 22 lines a page (GB/T 9704)

#: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (GB/T 9704).
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH_MM = 210 - 28 - 26

#: Column widths (mm) of each table by its number of grid columns: wider label columns.
_TABLE_COLUMNS_MM: dict[int, list[float]] = {
    4: [46.0, 36.0, 37.0, 37.0],  # table 二
    10: [12.0, 16.0, 44.0] + [12.0] * 7,  # table 三
}


def _set_fonts(rpr: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the fonts of a ``w:rPr``: ``east_asia`` for Chinese, ``latin`` for digits and Latin letters."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _run(paragraph: Any, text: str, font: str, size: Pt, *, bold: bool = False) -> Any:
    run = paragraph.add_run(printable(text))
    run.font.size = size
    run.font.bold = bold
    _set_fonts(run._element.get_or_add_rPr(), font)
    return run


def _exact_spacing(paragraph: Any, line: Pt | None = LINE_SPACING) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line


def _first_line_indent(paragraph: Any, size: Pt) -> None:
    """Indent the first line by two characters (``w:firstLineChars="200"``, with the width as fallback)."""
    paragraph.paragraph_format.first_line_indent = Pt(size.pt * 2)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), "200")


def _outline_level(paragraph: Any, level: int) -> None:
    """Show the paragraph in Word's navigation pane as a heading, without the (coloured) Heading style."""
    ppr = paragraph._p.get_or_add_pPr()
    lvl = OxmlElement("w:outlineLvl")
    lvl.set(qn("w:val"), str(level))
    ppr.append(lvl)


def _setup(document: Any, doc: ReportDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    _set_fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    props = document.core_properties
    props.title = printable(doc.title)
    props.author = printable(doc.agency_name)
    props.language = "zh-CN"
    _page_number_footer(section)


def _page_number_footer(section: Any) -> None:
    """ "— 1 —" centred in the footer (a PAGE field)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", BODY_FONT, FOOTER_SIZE)
    for kind, instruction, result in (
        ("begin", None, None),
        (None, " PAGE ", None),
        ("separate", None, None),
        (None, None, "1"),
        ("end", None, None),
    ):
        run = _run(p, "", BODY_FONT, FOOTER_SIZE)
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
        elif instruction is not None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = instruction
            run._element.append(instr)
        else:
            run.text = result
    _run(p, " —", BODY_FONT, FOOTER_SIZE)


def _table(document: Any, grid: Grid) -> None:
    table = document.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths_mm = _TABLE_COLUMNS_MM.get(grid.ncols, [TEXT_WIDTH_MM / grid.ncols] * grid.ncols)
    widths = [Mm(w) for w in widths_mm]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    # ``table.cell()`` rebuilds the whole cell list on every call (seconds for table 三); take the cells
    # once: merging regions that do not overlap leaves the other cells' elements in place.
    cells = table._cells
    for i, cell in enumerate(cells):
        cell.width = widths[i % grid.ncols]
    for r, c, gcell in grid.placed():
        target = cells[r * grid.ncols + c]
        if gcell.rowspan > 1 or gcell.colspan > 1:
            corner = cells[(r + gcell.rowspan - 1) * grid.ncols + c + gcell.colspan - 1]
            target = target.merge(corner)  # w:gridSpan / w:vMerge
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = target.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if gcell.role == "label" else WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(p, None)
        p.paragraph_format.line_spacing = 1.0
        if gcell.text:
            _run(p, gcell.text, TABLE_FONT, TABLE_SIZE, bold=gcell.role == "header")
    # Keep each row on one page.
    for tr in table._tbl.tr_lst:
        trpr = tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        trpr.append(cant_split)


def _paragraph(document: Any, block: Block) -> None:
    p = document.add_paragraph()
    if block.kind == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(p, Pt(36))
        p.paragraph_format.space_after = Pt(16)
        _run(p, block.text, TITLE_FONT, TITLE_SIZE)
    elif block.kind == "meta":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(p)
        _run(p, block.text, BODY_FONT, BODY_SIZE)
    elif block.kind == "heading":
        _exact_spacing(p)
        _first_line_indent(p, BODY_SIZE)
        p.paragraph_format.keep_with_next = True
        _outline_level(p, 0)
        _run(p, block.text, HEADING_FONT, BODY_SIZE)
    elif block.kind == "note":
        _exact_spacing(p, Pt(20))
        _run(p, block.text, BODY_FONT, NOTE_SIZE)
    else:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _exact_spacing(p)
        _first_line_indent(p, BODY_SIZE)
        _run(p, block.text, BODY_FONT, BODY_SIZE)


def render_docx(doc: ReportDocument) -> bytes:
    """The report as the bytes of a .docx file."""
    document = docx.Document()
    _setup(document, doc)
    for block in report_blocks(doc):
        if block.kind == "table":
            assert block.grid is not None
            _table(document, block.grid)
        else:
            _paragraph(document, block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
