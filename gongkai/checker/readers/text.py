"""Plain text (:func:`read_text`): table-looking lines become table rows according to their layout
(``pipes``, ``cell_per_line``, ``tabs``); prose stays prose (``squashed``/``plain``)."""

from __future__ import annotations

import re
from collections import Counter

from gongkai.checker.readers.common import CJKP, SQUASHED, row_line
from gongkai.checker.source import CELL, Source
from gongkai.reports.model import SECTION2_2019, SECTION2_2021
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
    lines = text.split("\n")
    kinds = [_line_kind(line) for line in lines]
    out: list[str] = []
    row_layouts: list[tuple[str, str]] = []  # (first cell, layout) of every row written
    prose: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        kind = kinds[i]
        if kind is None:
            line = lines[i].strip()
            out.append(line)
            prose.append(line)
            i += 1
            continue
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
        if kind == "tabs":
            rows, layout = _tab_rows(block), "tabs"
        elif _is_cell_per_line(block):
            rows, layout = _cell_per_line_rows(block), "cell_per_line"
        else:
            rows, layout = _pipe_rows(block), "pipes"
        for cells in rows:
            out.append(row_line(cells))
            row_layouts.append((cells[0] if cells else "", layout))
    return Source(text="\n".join(out), file_kind="text", layout=_text_layout(row_layouts, prose))


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
