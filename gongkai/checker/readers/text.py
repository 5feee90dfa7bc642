"""Plain text (:func:`read_text`): table-looking lines become table rows according to their layout
(``pipes``, ``cell_per_line``, ``tabs``, ``markdown``); prose stays prose (``squashed``/``plain``).

Markdown (what PDF converters and OCR tools write, docs/checker.md "Markdown"):

* ``# 标题`` headings and ``**粗体**`` lines are prose without their marks (bold marks inside a line or a
  cell are dropped too); ``<br>`` in a cell is a space;
* a separator row (``|---|:---:|``) is never a row; the row above it is the table's header row: a header
  row without a number is written as a line of prose (so "类别", "数据1" never become cells), unless it is
  an official row label (a converter may promote the first data row to the header);
* a row of placeholder headers (``| 类别 | 数据1 | … | 总计 |``) is prose even without a separator row;
* a table of one data row right under a heading (``### 一、本年新收政府信息公开申请数量``, ``**行政复议**``)
  is that heading's row: the heading becomes the row's label cell, replacing a generic first cell
  ("数量", "数据", blank) or placed before a first cell that is a number.
"""

from __future__ import annotations

import re
from collections import Counter

from gongkai.checker import labels as L
from gongkai.checker.readers.common import CJKP, SQUASHED, row_line
from gongkai.checker.source import CELL, Source
from gongkai.reports.model import FORMATS, SECTION2_2019, SECTION2_2021, SECTIONS
from gongkai.reports.normalize import normalize_text

_SECTION3_FIRST_ROW = "本年新收政府信息公开申请数量"
_ONLY_PIPES = re.compile(r"\|+")
_NUMBERISH = re.compile(r"[-+]?\d[\d,.]*(?:%|元|万元|件|条|个|项)?|[-/—–]+|无")
_LABEL_START = re.compile(rf"(?:\(?[一二三四五六七八九十]+[)、.]|\d+[.、]|\()?[{CJKP}]")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def read_text(text: str) -> Source:
    """Read decoded plain text (any layout) into a Source (``file_kind="text"``)."""
    text = normalize_text(text)
    if CELL in text:
        text = text.replace(CELL, " ")
    # A row label wrapped around its numbers (a PDF's text layer pasted): one line again.
    lines, headings = _markdown_marks(L.rejoin_wrapped_labels(text.split("\n")))
    kinds = [_line_kind(line) for line in lines]
    out: list[str] = []
    row_layouts: list[tuple[str, str]] = []  # (first cell, layout) of every row written
    prose: list[str] = []
    heading_at: int | None = None  # index in ``out`` of a heading line not yet followed by text
    i, n = 0, len(lines)
    while i < n:
        kind = kinds[i]
        if kind is None:
            line = lines[i].strip()
            if line:
                heading_at = len(out) if i in headings else None
            out.append(line)
            prose.append(line)
            i += 1
            continue
        block, i = _block(lines, kinds, i)
        items, layout = _block_items(kind, block)
        if heading_at is not None:
            merged = _merge_heading(out[heading_at], items)
            if merged is not None:
                del out[heading_at:]
                items = merged
        heading_at = None
        for item in items:
            if isinstance(item, str):
                out.append(item)
                prose.append(item)
                continue
            out.append(row_line(item))
            row_layouts.append((item[0] if item else "", layout))
    return Source(text="\n".join(out), file_kind="text", layout=_text_layout(row_layouts, prose))


def _block(lines: list[str], kinds: list[str | None], i: int) -> tuple[list[str], int]:
    """The table lines of one kind from ``i`` on, and where the table ends."""
    kind, n = kinds[i], len(lines)
    block: list[str] = []
    while i < n:
        if kinds[i] == kind:
            block.append(lines[i])
            i += 1
            continue
        if not lines[i].strip():  # blank lines inside a table: skip if the table goes on
            j = i
            while j < n and not lines[j].strip():
                j += 1
            if j < n and kinds[j] == kind:
                i = j
                continue
        break
    return block, i


def _block_items(kind: str, block: list[str]) -> tuple[list[list[str] | str], str]:
    """The rows (and header lines written as prose) of a table block, and its layout."""
    if kind == "tabs":
        return list(_tab_rows(block)), "tabs"
    if _is_cell_per_line(block):
        return list(_cell_per_line_rows(block)), "cell_per_line"
    if any(_SEPARATOR.fullmatch(line) for line in block):
        return _markdown_items(block), "markdown"
    return _pipe_items(block), "pipes"


# -- Markdown --------------------------------------------------------------------------------------

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)[:：]?\s*$")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_EMPHASIS = re.compile(r"\*\*|__")
_SEPARATOR = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*")
#: Header cells a converter invents when it cannot read a table's real header.
_PLACEHOLDER = re.compile(
    r"类别|类型|项目|名称|序号|数据\d*|列\d+|第\d+列|(?:column|col)\s*\d+", re.IGNORECASE
)
#: A generic first cell of a one-row table under a heading ("数量"): the heading is the row's label.
_GENERIC_FIRST = re.compile(r"|数量|件数|数据|数值|数目|情况|内容|合计|小计|类别|项目|本年")


def _markdown_marks(lines: list[str]) -> tuple[list[str], set[int]]:
    """The lines without Markdown's marks, and the indexes of heading lines (``#``, a bold line)."""
    headings: set[int] = set()
    out: list[str] = []
    for i, line in enumerate(lines):
        if not line or not ("#" in line or "*" in line or "_" in line or "-" in line or "<" in line):
            out.append(line)  # the common case: no mark at all
            continue
        if "<" in line:
            line = _BREAK.sub(" ", line)
        m = _HEADING.match(line) or (_BOLD_LINE.match(line) if "|" not in line else None)
        if m:
            line = m.group(1).strip()
            headings.add(i)
        elif _RULE.fullmatch(line):
            line = ""
        if "**" in line or "__" in line:  # bold inside a line or a cell
            line = _EMPHASIS.sub("", line)
        out.append(line)
    return out, headings


_SECTION3_PATTERNS = [L.section3_pattern(row.key) for f in FORMATS.values() for row in f.section3_rows]


def _is_official_label(cell: str) -> bool:
    """A row label of table 二 or 三 (or a caption of table 二)."""
    if not cell or _is_numberish(cell):
        return False
    if _starts_table2_row(cell):
        return True
    compact = cell.replace(" ", "")
    return any(p.search(compact) for p in _SECTION3_PATTERNS)


def _is_header(cells: list[str], *, above_separator: bool) -> bool:
    """A table's header row, to be written as prose: no number in it, and either right above the
    separator row (and not an official row label) or made of placeholder names ("类别", "数据1")."""
    filled = [c for c in cells if c]
    if not filled or any(_is_numberish(c) and any(ch.isdigit() for ch in c) for c in filled):
        return False
    if above_separator:
        return not _is_official_label(filled[0])
    return len(filled) >= 2 and any(_PLACEHOLDER.fullmatch(c.replace(" ", "")) for c in filled)


def _markdown_items(block: list[str]) -> list[list[str] | str]:
    """A Markdown table (it has a separator row): rows, and its header rows as prose lines."""
    items: list[list[str] | str] = []
    stripped = [line.strip() for line in block]
    for idx, line in enumerate(stripped):
        if _SEPARATOR.fullmatch(line):
            continue
        cells = _pipe_fields(line)
        if not any(cells):
            continue
        above = idx + 1 < len(stripped) and bool(_SEPARATOR.fullmatch(stripped[idx + 1]))
        if _is_header(cells, above_separator=above):
            items.append(" ".join(c for c in cells if c))
        else:
            items.append(cells)
    return items


def _pipe_items(block: list[str]) -> list[list[str] | str]:
    """Pipe rows; a row of placeholder headers ("| 类别 | 数据1 | … |") is prose."""
    return [
        " ".join(c for c in cells if c) if _is_header(cells, above_separator=False) else cells
        for cells in _pipe_rows(block)
    ]


def _merge_heading(heading: str, items: list[list[str] | str]) -> list[list[str] | str] | None:
    """A one-row table under a heading, with the heading as the row's label (see the module docstring);
    ``None`` when the table is not such a row."""
    rows = [k for k, item in enumerate(items) if not isinstance(item, str)]
    if len(rows) != 1 or not heading or _is_numberish(heading) or len(heading) > 60:
        return None
    compact = heading.replace(" ", "")
    if any(section.heading[2:] in compact for section in SECTIONS):
        return None  # a section's heading stays a heading
    row = items[rows[0]]
    assert not isinstance(row, str)
    if not row or not any(_is_numberish(c) and c and c[0].isdigit() for c in row[1:] + row[:1]):
        return None
    first = row[0].replace(" ", "")
    if _is_numberish(row[0]) and row[0]:
        new_row = [heading, *row]
    elif _GENERIC_FIRST.fullmatch(first) and not _is_official_label(row[0]):
        new_row = [heading, *row[1:]]
    else:
        return None
    merged = list(items)
    merged[rows[0]] = new_row
    return merged


def _line_kind(line: str) -> str | None:
    if "|" in line:
        return "pipes"
    if "\t" in line:
        fields = [f for f in line.split("\t") if f.strip()]
        # one field: a table row only with a colspan filler ("第二十条第(一)项\t\t\t"), not a stray tab
        if len(fields) >= 2 or (len(fields) == 1 and line.rstrip(" ").endswith("\t\t")):
            return "tabs"
    return None


def _text_layout(row_layouts: list[tuple[str, str]], prose: list[str]) -> str:
    for first, layout in row_layouts:
        if _SECTION3_FIRST_ROW in first.replace(" ", ""):
            return layout
    if SQUASHED.search("\n".join(prose)):
        return "squashed"
    if row_layouts:
        return Counter(layout for _, layout in row_layouts).most_common(1)[0][0]
    return "plain"


def _tab_rows(block: list[str]) -> list[list[str]]:
    rows = []
    for line in block:
        cells = [f.strip() for f in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def _pipe_fields(line: str) -> list[str]:
    s = line.strip()
    if "\t" in s:
        s = s.replace("\t", " ")
    if s.endswith("|") and s.count("|") == 1:  # the common "text |" of cell_per_line
        return [s[:-1].strip()]
    fields = [f.strip() for f in s.split("|")]
    if s.startswith("|") and len(fields) > 1:
        fields.pop(0)
    if s.endswith("|") and fields:
        fields.pop()
    return fields


def _pipe_rows(block: list[str]) -> list[list[str]]:
    rows = []
    for line in block:
        cells = _pipe_fields(line)
        if any(cells):
            rows.append(cells)
    return rows


def _is_cell_per_line(block: list[str]) -> bool:
    """One cell per line ("text |"), rather than one row per line ("a | b | c |")?"""
    single = multi = 0
    for line in block:
        filled = sum(1 for f in line.split("|") if f and not f.isspace())
        if filled == 1:
            single += 1
        elif filled >= 2:
            multi += 1
    return single > 0 and multi * 4 < single


def _is_numberish(cell: str) -> bool:
    return bool(_NUMBERISH.fullmatch(cell))


def _is_label(cell: str) -> bool:
    """A row label (starts a row): begins with CJK text or a list marker, has ≥ 2 ideographs."""
    return (
        bool(cell)
        and not _is_numberish(cell)
        and bool(_LABEL_START.match(cell))
        and len(_CJK_CHAR.findall(cell[:12])) >= 2
    )


def _cell_per_line_rows(block: list[str]) -> list[list[str]]:
    """Rows of the ``cell_per_line`` layout (seed 001, reports 015, 021, 041).

    * ``text |`` is a cell; ``text | |||`` is a cell that ends its row (colspan filler);
    * a line of two or more ``|`` ends the row;
    * a bare ``|`` is an empty cell — except at the start of a row, or right before a line that starts a
      new row (a label), where it is the row separator these converters write (015: every row is preceded
      by ``|``; 021: the ``(一)予以公开`` row ends ``18 | | | | | | | |`` without ``||``);
    * a label cell right after a number cell starts a new row (021 writes the rows of table 二 with no
      separator at all: ``规章 | 0 | 0 | 0 | 行政规范性文件 | …``), and so does a caption of table 二,
      ``信息内容`` or a row label of table 二 (``… | 现行有效件数 | 规章 | 0 | …``).
    """
    rows: list[list[str]] = []
    row: list[str] = []

    def end_row() -> None:
        nonlocal row
        if any(row):
            rows.append(row)
        row = []

    lines = [line.strip() for line in block if line.strip()]
    for idx, s in enumerate(lines):
        if _ONLY_PIPES.fullmatch(s):
            if len(s) >= 2 or not row or (idx + 1 < len(lines) and _starts_row(lines[idx + 1])):
                end_row()
            else:
                row.append("")
            continue
        fields = _pipe_fields(s)
        if not fields:
            continue
        first, rest = fields[0], fields[1:]
        if (
            row
            and first
            and not _is_numberish(first)
            and (_starts_table2_row(first) or (_is_numberish(row[-1]) and _is_label(first)))
        ):
            end_row()
        row.append(first)
        if rest and not any(rest):
            end_row()  # "text | |||": colspan filler ends the row
        else:
            row.extend(rest)
    end_row()
    return rows


#: Cells that always start a row of table 二: its captions, "信息内容" and its row labels (both formats).
_TABLE2_CAPTION = re.compile(r"第二十条第\([一二三四五六七八九十]+\)项")
_TABLE2_ROW_STARTS = frozenset(
    ["信息内容"] + [row.label for block in SECTION2_2019 + SECTION2_2021 for row in block.rows]
)


def _starts_table2_row(cell: str) -> bool:
    compact = cell.replace(" ", "")
    return compact in _TABLE2_ROW_STARTS or bool(_TABLE2_CAPTION.fullmatch(compact))


def _starts_row(line: str) -> bool:
    if _ONLY_PIPES.fullmatch(line):
        return False
    fields = _pipe_fields(line)
    return bool(fields) and _is_label(fields[0])
