"""Render a complete annual report from table values, in each layout real reports come in.

Test helper (pure Python, plus python-docx for the ``docx`` layout). Every label, caption, heading and
column header comes from ``gongkai.reports.model``; nothing is spelled here. The tables are first built
as one *grid* with the official merged cells (rowspan/colspan as in regulation.md §2.4–2.6 and the
published HTML versions) by the product's grid builder (``gongkai.reports.export.layout``), and each
layout writes that grid the way real reports show it:

* ``pipes`` — one row per line, ``cell | cell |`` (reports 016/025): a colspan writes the cell and
  empty filler cells after it (``第二十条第（一）项 | |||``, ``行政许可 | 0 | ||``), a rowspan writes the
  merged cell once, in its first row (``三、本年度办理结果 | （一）予以公开 | 0 | …``, then
  ``（三）不予公开 | 1.属于国家秘密 | …`` and ``2.其他法律行政法规禁止公开 | 0 | …``);
* ``cell_per_line`` — one cell per line ending ``" |"``, each row ended by a line of several ``"|"``
  (seed 001, report 021);
* ``tabs`` — tab-separated rows of the full grid, every covered position an empty field (seed 003);
* ``html`` — ``<table>`` with the official rowspan/colspan (report 012);
* ``docx`` — a Word document whose tables merge cells with ``cell.merge`` (gridSpan / vMerge);
* ``squashed`` — a crawler's innerText: the whole body on one line, every cell run together with no
  separator (report 004: ``规章 000行政规范性文件693665…``), with the occasional space a ``&nbsp;``
  leaves before a row's 总计.
"""

from __future__ import annotations

import html as html_lib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from gongkai.reports.export.layout import (
    GCell,
    Grid,
    section2_grid,
    section3_grid,
    section4_grid,
)
from gongkai.reports.model import FORMATS, FormatVersion, ReportFormat
from gongkai.reports.tables import Tables

# The grid builder lives in the product (gongkai.reports.export.layout); these names are re-exported
# for the tests that import them from here.
__all__ = [
    "LAYOUTS",
    "MARKED_LAYOUTS",
    "GCell",
    "Grid",
    "Layout",
    "render",
    "pdf_from_blocks",
    "render_pdf",
    "render_report",
    "section2_grid",
    "section3_grid",
    "section4_grid",
]

Layout = Literal["pipes", "cell_per_line", "tabs", "html", "docx", "squashed"]
LAYOUTS: tuple[Layout, ...] = ("pipes", "cell_per_line", "tabs", "html", "docx", "squashed")
#: Layouts that mark table cells (everything but ``squashed``).
MARKED_LAYOUTS: tuple[Layout, ...] = tuple(lay for lay in LAYOUTS if lay != "squashed")
SUFFIX: dict[Layout, str] = {
    "pipes": ".txt",
    "cell_per_line": ".txt",
    "tabs": ".txt",
    "html": ".html",
    "docx": ".docx",
    "squashed": ".txt",
}
AGENCY = "某某局"
#: The report year rendered for each format (60号 covers 2019–2020, 30号 2021 onward).
REPORT_YEAR: dict[FormatVersion, int] = {"2019": 2020, "2021": 2023}


def filename(version: FormatVersion, layout: Layout) -> str:
    return f"report-{version}-{layout}{SUFFIX[layout]}"


# ---------------------------------------------------------------------------------------------------
# Writing a grid in each text layout
# ---------------------------------------------------------------------------------------------------


def pipes_table(grid: Grid) -> list[str]:
    lines: list[str] = []
    for row in grid.rows:
        parts: list[str] = []
        for cell in row:
            if cell.role == "label" and cell.colspan > 1:
                parts.append(f"{cell.text} |")  # crawlers write a spanning row label once (report 025)
            else:
                fillers = " " + "|" * (cell.colspan - 1) if cell.colspan > 1 else ""
                parts.append(f"{cell.text} |{fillers}")  # "第二十条第（一）项 | |||" (report 016)
        lines.append(" ".join(parts))
    return lines


def cell_per_line_table(grid: Grid) -> list[str]:
    lines: list[str] = []
    for row in grid.rows:
        covered = grid.ncols - len(row)
        lines.extend(f"{cell.text} |" for cell in row)
        lines.append("|" * max(2, covered))
    return lines


def tabs_table(grid: Grid) -> list[str]:
    lines: list[str] = []
    for r, line in enumerate(grid.positions()):
        lines.append("\t".join(x[1].text if x is not None and x[0] == r else "" for x in line))
    return lines


def squashed_table(grid: Grid) -> str:
    out: list[str] = []
    data_rows = 0
    for row in grid.rows:
        values = [c for c in row if c.role == "value"]
        if len(values) > 2:
            data_rows += 1
        # A crawler's innerText keeps the &nbsp; some cells hold: one before the last value of every
        # third data row (report 004: "500000 5", "2200003 25").
        spaced = len(values) > 2 and data_rows % 3 == 0
        for cell in row:
            if spaced and cell is values[-1]:
                out.append(" ")
            out.append(cell.text)
    return "".join(out)


def html_table(grid: Grid) -> str:
    lines = ["<table>"]
    for row in grid.rows:
        tds = []
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            tds.append(f"<td{attrs}>{html_lib.escape(cell.text, quote=False)}</td>")
        lines.append("<tr>" + "".join(tds) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------------------

#: One sentence of prose per section (no digits, no table labels: they would be part of a table region).
_PROSE: dict[str, str] = {
    "overview": "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。",
    "proactive": "本机关主动公开政府信息情况如下表。",
    "applications": "本机关依法依规办理政府信息公开申请，办理情况如下表。",
    "appeals": "本机关因政府信息公开被申请复议、提起诉讼的情况如下表。",
    "problems": "主要问题是公开内容不够全面，下一步将进一步规范公开工作。",
    "other": "无其他需要报告的事项。",
}
FEE_STATEMENT = "本年度未收取信息处理费。"


@dataclass(frozen=True)
class Block:
    """A piece of the document: a paragraph of prose, or one of the tables (as a grid)."""

    text: str = ""
    grid: Grid | None = None


def document_blocks(values: Tables, version: FormatVersion) -> tuple[str, list[Block]]:
    """The title and the body of the report, in order."""
    fmt = FORMATS[version]
    year = REPORT_YEAR[version]
    title = f"{AGENCY}{year}年政府信息公开工作年度报告"
    grids: dict[str, Callable[[ReportFormat, Tables], Grid]] = {
        "proactive": section2_grid,
        "applications": section3_grid,
        "appeals": section4_grid,
    }
    blocks = [
        Block(
            f"根据《中华人民共和国政府信息公开条例》要求，编制本报告。"
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        )
    ]
    for section in fmt.sections:
        blocks.append(Block(section.heading))
        prose = _PROSE[section.key]
        if section.key == "other" and fmt.requires_fee_statement:
            prose = FEE_STATEMENT + prose
        blocks.append(Block(prose))
        make = grids.get(section.key)
        if make is not None:
            blocks.append(Block(grid=make(fmt, values)))
    return title, blocks


def _text_report(title: str, blocks: Sequence[Block], table: Callable[[Grid], list[str]]) -> bytes:
    lines = [title]
    for b in blocks:
        lines.extend(table(b.grid) if b.grid is not None else [b.text])
    return ("\n".join(lines) + "\n").encode("utf-8")


def _squashed_report(title: str, blocks: Sequence[Block]) -> bytes:
    body: list[str] = []
    for b in blocks:
        if b.grid is not None:
            body.append(squashed_table(b.grid))
        elif b.text and b.text[0] in "一二三四五六" and b.text[1:2] == "、":
            body.append(" " + b.text + " ")  # headings sit inline, a space before them
        else:
            body.append(b.text)
    return f"{title}\n{''.join(body)}\n".encode()


def _html_report(title: str, blocks: Sequence[Block]) -> bytes:
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8">',
        f"<title>{html_lib.escape(title)}</title></head>",
        '<body><div class="article-content">',
        f"<h1>{html_lib.escape(title)}</h1>",
    ]
    for b in blocks:
        parts.append(html_table(b.grid) if b.grid is not None else f"<p>{html_lib.escape(b.text)}</p>")
    parts.append("</div></body></html>")
    return "\n".join(parts).encode("utf-8")


def _docx_report(title: str, blocks: Sequence[Block]) -> bytes:
    import docx  # python-docx

    document = docx.Document()
    document.add_paragraph(title)
    for b in blocks:
        if b.grid is None:
            document.add_paragraph(b.text)
            continue
        grid = b.grid
        table = document.add_table(rows=len(grid.rows), cols=grid.ncols)
        table.style = "Table Grid"
        # ``table.cell()`` rebuilds the whole cell list on every call (seconds for table 三); take the
        # cells once: merging regions that do not overlap leaves the other cells' elements in place.
        cells = table._cells
        for r, line in enumerate(grid.positions()):
            for c, entry in enumerate(line):
                if entry is None or entry[0] != r:
                    continue
                cell = entry[1]
                target = cells[r * grid.ncols + c]
                if cell.rowspan > 1 or cell.colspan > 1:
                    corner = cells[(r + cell.rowspan - 1) * grid.ncols + c + cell.colspan - 1]
                    target = target.merge(corner)  # gridSpan / vMerge
                target.text = cell.text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_report(values: Tables, version: FormatVersion, layout: Layout) -> bytes:
    """The complete report with ``values`` in its tables, as the bytes of a file of that layout."""
    title, blocks = document_blocks(values, version)
    if layout == "pipes":
        return _text_report(title, blocks, pipes_table)
    if layout == "cell_per_line":
        return _text_report(title, blocks, cell_per_line_table)
    if layout == "tabs":
        return _text_report(title, blocks, tabs_table)
    if layout == "squashed":
        return _squashed_report(title, blocks)
    if layout == "html":
        return _html_report(title, blocks)
    if layout == "docx":
        return _docx_report(title, blocks)
    raise ValueError(layout)


def render(values: Tables, version: FormatVersion, layout: Layout) -> tuple[bytes, str]:
    """``render_report`` plus the file name (with the layout's suffix) to pass to the reader."""
    return render_report(values, version, layout), filename(version, layout)


# ---------------------------------------------------------------------------------------------------
# PDF (not one of LAYOUTS: the benchmark's extra row). Written by hand — no PDF library is a dependency:
# a Type0 font with Identity-H encoding whose CIDs are the Unicode code points, a ToUnicode CMap so that
# text extraction gives the characters back, and the table grids drawn as ruled cells (a merged cell is
# one box), the way a Word or WPS export of the official table looks to pdfplumber.
# ---------------------------------------------------------------------------------------------------

_PAGE_W, _PAGE_H = 595.0, 842.0
_LEFT, _RIGHT, _TOP, _BOTTOM = 40.0, 555.0, 800.0, 40.0
_PROSE_SIZE, _PROSE_LEADING = 10.0, 15.0
_CELL_PAD = 2.0


def _char_width(ch: str) -> int:
    """Glyph width in 1/1000 em: ASCII half width, everything else full width."""
    return 500 if " " <= ch <= "~" else 1000


def _text_width(text: str, size: float) -> float:
    return sum(_char_width(ch) for ch in text) * size / 1000


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and _text_width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line or not lines else lines


def _pdf_text(x: float, y: float, size: float, text: str) -> str:
    hexed = "".join(f"{ord(ch):04X}" for ch in text)
    return f"BT /F1 {size:g} Tf {x:.2f} {y:.2f} Td <{hexed}> Tj ET"


#: Column widths (points) of each table, by number of grid columns.
_TABLE_COLUMNS: dict[int, list[float]] = {
    4: [115.0, 133.0, 133.0, 134.0],
    6: [115.0] + [80.0] * 5,  # table 四 written with a row per group (tests/checker/test_typo_labels.py)
    10: [45.0, 60.0, 130.0] + [40.0] * 7,
    15: [515.0 / 15] * 15,
}


def _pdf_table(grid: Grid, top: float) -> tuple[list[str], float]:
    """Drawing operators of a ruled table whose top edge is at ``top``; returns them and the height."""
    widths = _TABLE_COLUMNS[grid.ncols]
    size = 8.0 if grid.ncols == 4 else 6.5
    leading = size * 1.3
    xs = [_LEFT]
    for w in widths:
        xs.append(xs[-1] + w)
    placed: list[tuple[int, int, GCell, list[str]]] = []
    heights = [0.0] * len(grid.rows)
    for r, line in enumerate(grid.positions()):
        for c, entry in enumerate(line):
            if entry is None or entry[0] != r:
                continue
            cell = entry[1]
            width = xs[c + cell.colspan] - xs[c] - 2 * _CELL_PAD
            wrapped = _wrap(cell.text, width, size)
            placed.append((r, c, cell, wrapped))
            if cell.rowspan == 1:
                heights[r] = max(heights[r], len(wrapped) * leading + 2 * _CELL_PAD)
    for r, _c, cell, wrapped in placed:  # a merged cell's text must fit the rows it spans
        need = len(wrapped) * leading + 2 * _CELL_PAD
        have = sum(heights[r : r + cell.rowspan])
        if need > have:
            heights[r + cell.rowspan - 1] += need - have
    ys = [top]
    for h in heights:
        ys.append(ys[-1] - h)
    ops = ["0.5 w"]
    for r, c, cell, wrapped in placed:
        x0, x1 = xs[c], xs[c + cell.colspan]
        y_top, y_bottom = ys[r], ys[r + cell.rowspan]
        ops.append(f"{x0:.2f} {y_bottom:.2f} {x1 - x0:.2f} {y_top - y_bottom:.2f} re S")
        for i, text in enumerate(wrapped):
            if text:
                baseline = y_top - _CELL_PAD - size - i * leading
                ops.append(_pdf_text(x0 + _CELL_PAD, baseline, size, text))
    return ops, top - ys[-1]


def _to_unicode_cmap(chars: set[str]) -> bytes:
    """A ToUnicode CMap for the characters used (as a PDF writer subsets it): CID = code point."""
    entries = [f"<{ord(ch):04X}> <{ord(ch):04X}>" for ch in sorted(chars)]
    blocks = []
    for i in range(0, len(entries), 100):
        chunk = entries[i : i + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _pdf_file(pages: list[list[str]], chars: set[str]) -> bytes:
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes) -> bytes:
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    to_unicode = add(stream(_to_unicode_cmap(chars)))
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /GongkaiSong /Flags 4 /FontBBox [0 -120 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
    )
    cid_font = add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GongkaiSong "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor %d 0 R /DW 1000 /W [32 126 500] /CIDToGIDMap /Identity >>" % descriptor
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /GongkaiSong /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid_font, to_unicode)
    )
    page_ids = []
    for ops in pages:
        content = add(stream("\n".join(ops).encode("ascii")))
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, _PAGE_W, _PAGE_H, content, font)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


def render_pdf(values: Tables, version: FormatVersion) -> bytes:
    """The report as a PDF with a text layer and ruled tables (see the comment above)."""
    return pdf_from_blocks(*document_blocks(values, version))


def pdf_from_blocks(title: str, blocks: Sequence[Block]) -> bytes:
    """A PDF of a title and blocks of prose and tables (fast, no font needed: see the comment above)."""
    pages: list[list[str]] = [[]]
    y = _TOP

    def need(height: float) -> None:
        nonlocal y
        if y - height < _BOTTOM:
            pages.append([])
            y = _TOP

    width = _RIGHT - _LEFT
    pages[-1].append(_pdf_text(_LEFT, y - _PROSE_SIZE, _PROSE_SIZE, title))
    y -= _PROSE_LEADING
    for b in blocks:
        if b.grid is None:
            for line in _wrap(b.text, width, _PROSE_SIZE):
                need(_PROSE_LEADING)
                pages[-1].append(_pdf_text(_LEFT, y - _PROSE_SIZE, _PROSE_SIZE, line))
                y -= _PROSE_LEADING
            continue
        ops, height = _pdf_table(b.grid, y - 4)
        if y - 4 - height < _BOTTOM:
            pages.append([])
            y = _TOP
            ops, height = _pdf_table(b.grid, y - 4)
        pages[-1].extend(ops)
        y -= height + 10
    chars = set(title)
    for b in blocks:
        if b.grid is None:
            chars.update(b.text)
        else:
            for row in b.grid.rows:
                for cell in row:
                    chars.update(cell.text)
    return _pdf_file(pages, chars)
