"""Tables and lines from positioned words and ruled lines: the page layout of a file that is not a PDF
with a text layer (an OFD page, :mod:`.ofd`; a scanned page read by OCR, :mod:`.ocr`).

The tables are found the way the PDF reader finds them (:mod:`.pdf`: pdfplumber's ``lines`` strategy): the
ruled lines (:class:`Rule`) are snapped and joined, their crossings give the cells, connected cells give a
table, and the cells are put in rows and columns — pdfplumber's own functions
(``merge_edges``, ``edges_to_intersections``, ``intersections_to_cells``, ``cells_to_tables``,
``Table.rows``), so a merged cell is given once, at its first position, as pdfplumber gives it. Each word
(:class:`Word`) goes to the cell that holds its centre; the words outside every table become lines of
text, in reading order. :func:`page_items` answers with the items the PDF reader's ``layout`` reading
gives (``{"line": …}`` and ``{"rows": …}`` in vertical order), plus, for OCR, the lowest confidence of the
words with digits in each cell (``"confidence"``, parallel to ``"rows"``; ``None`` for a cell without
digits or not read by OCR).

Coordinates are points, from the top left of the page (y grows downwards). No Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Answer = dict[str, Any]

#: Ruled lines closer than this (points) are snapped together / joined, and meet at a crossing.
TOLERANCE = 3.0
#: A ruled line shorter than this (points) is not a table border.
MIN_RULE = 3.0
#: A digit, or □ (what OCR gives a cell with ink but no readable digit).
_DIGIT = re.compile(r"[\d\u25a1]")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


@dataclass(frozen=True)
class Word:
    """A word (or one character, or a run of text) and its box; ``confidence`` 0–100 from OCR."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    confidence: float | None = None

    @property
    def middle(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Rule:
    """A ruled line: horizontal when it is wider than high, else vertical."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


def _edge(rule: Rule) -> dict[str, Any]:
    if rule.horizontal:
        y = (rule.top + rule.bottom) / 2
        x0, x1, top, bottom, orientation = rule.x0, rule.x1, y, y, "h"
    else:
        x = (rule.x0 + rule.x1) / 2
        x0, x1, top, bottom, orientation = x, x, rule.top, rule.bottom, "v"
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
        "object_type": "line",
    }


Box = tuple[float, float, float, float]


def find_tables(rules: list[Rule]) -> list[list[list[Box | None]]]:
    """The tables the ruled lines draw: per table its rows, per row the cells (x0, top, x1, bottom) by
    column, ``None`` where a merged cell covers the position (pdfplumber's lattice algorithm)."""
    from pdfplumber.table import (
        Table,
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
        merge_edges,
    )

    edges = [_edge(r) for r in rules if max(r.x1 - r.x0, r.bottom - r.top) >= MIN_RULE]
    if not edges:
        return []
    edges = merge_edges(edges, TOLERANCE, TOLERANCE, TOLERANCE, TOLERANCE)
    edges = edges + _closing_edges(edges)
    intersections = edges_to_intersections(edges, TOLERANCE, TOLERANCE)
    cells = intersections_to_cells(intersections)
    tables = []
    for table_cells in cells_to_tables(cells):
        if len(table_cells) < 2:
            continue
        rows = Table(None, table_cells).rows  # type: ignore[arg-type]  # rows need no page
        tables.append([[tuple(map(float, c)) if c is not None else None for c in row.cells] for row in rows])
    return tables  # type: ignore[return-value]


def _closing_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal edges that close a table cut by a page break: where two or more vertical rules end at
    the same height and no horizontal rule runs there, one is drawn between the outermost of them (a
    table continued from the previous page has no top border; one continued on the next, no bottom)."""
    horizontal = [e for e in edges if e["orientation"] == "h"]
    vertical = [e for e in edges if e["orientation"] == "v"]

    def ruled(y: float, x: float) -> bool:
        return any(
            abs(h["top"] - y) <= TOLERANCE and h["x0"] - TOLERANCE <= x <= h["x1"] + TOLERANCE
            for h in horizontal
        )

    added: list[dict[str, Any]] = []
    for end in ("top", "bottom"):
        open_ends = sorted((v[end], v["x0"]) for v in vertical if not ruled(v[end], v["x0"]))
        groups: list[list[tuple[float, float]]] = []
        for y, x in open_ends:
            if groups and abs(groups[-1][0][0] - y) <= TOLERANCE:
                groups[-1].append((y, x))
            else:
                groups.append([(y, x)])
        for group in groups:
            if len(group) < 2:
                continue
            y = group[0][0]
            xs = [x for _, x in group]
            added.append(_edge(Rule(min(xs), y, max(xs), y)))
    return added


def join_words(words: list[Word]) -> str:
    """Words on one line, left to right: nothing between two CJK characters, else a space where there is
    a gap (more than a fifth of the line's height)."""
    out = ""
    previous: Word | None = None
    for word in sorted(words, key=lambda w: w.x0):
        if previous is not None:
            gap = word.x0 - previous.x1
            height = max(word.bottom - word.top, previous.bottom - previous.top, 1.0)
            cjk_pair = bool(_CJK.match(previous.text[-1:])) and bool(_CJK.match(word.text[:1]))
            if gap > height * 0.2 and not cjk_pair:
                out += " "
        out += word.text
        previous = word
    return out


def text_lines(words: list[Word]) -> list[tuple[float, list[Word]]]:
    """Words grouped into lines (a word belongs to the line whose vertical band holds its centre), top to
    bottom: (the line's top, its words)."""
    lines: list[tuple[float, float, list[Word]]] = []  # top, bottom, words
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (word.top + word.bottom) / 2
        for index, (top, bottom, members) in enumerate(lines):
            if top <= middle <= bottom:
                members.append(word)
                lines[index] = (min(top, word.top), max(bottom, word.bottom), members)
                break
        else:
            lines.append((word.top, word.bottom, [word]))
    lines.sort(key=lambda line: line[0])
    return [(top, members) for top, _, members in lines]


def page_items(words: list[Word], rules: list[Rule]) -> tuple[list[Answer], int]:
    """The page's lines of text and tables in vertical order, and the number of tables."""
    tables = find_tables(rules)
    boxes: list[Box] = []
    for table in tables:
        flat = [c for row in table for c in row if c is not None]
        boxes.append(
            (
                min(c[0] for c in flat),
                min(c[1] for c in flat),
                max(c[2] for c in flat),
                max(c[3] for c in flat),
            )
        )
    inside: list[list[Word]] = [[] for _ in tables]
    outside: list[Word] = []
    for word in words:
        x, y = word.middle
        for index, (x0, top, x1, bottom) in enumerate(boxes):
            if x0 <= x <= x1 and top <= y <= bottom:
                inside[index].append(word)
                break
        else:
            outside.append(word)
    items: list[tuple[float, int, Answer]] = []
    for top, members in text_lines(outside):
        line = join_words(members).strip()
        if line:
            items.append((top, 0, {"line": line}))
    for table, box, members in zip(tables, boxes, inside, strict=True):
        items.append((box[1], 1, _table_item(table, members)))
    items.sort(key=lambda item: (item[0], item[1]))
    return [item for _, _, item in items], len(tables)


def _table_item(table: list[list[Box | None]], words: list[Word]) -> Answer:
    """``{"rows": [[cell text…]…], "confidence": [[lowest digit-word confidence or None…]…]}`` (merged
    positions dropped, as the PDF reader drops pdfplumber's ``None`` cells)."""
    cells = [c for row in table for c in row if c is not None]
    members: dict[Box, list[Word]] = {c: [] for c in cells}
    for word in words:
        x, y = word.middle
        for c in cells:
            if c[0] <= x <= c[2] and c[1] <= y <= c[3]:
                members[c].append(word)
                break
    rows: list[list[str]] = []
    confidence: list[list[float | None]] = []
    for row in table:
        texts: list[str] = []
        lows: list[float | None] = []
        for box in row:
            if box is None:
                continue
            in_cell = members[box]
            texts.append("\n".join(join_words(line) for _, line in text_lines(in_cell)))
            scores = [w.confidence for w in in_cell if w.confidence is not None and _DIGIT.search(w.text)]
            lows.append(min(scores) if scores else None)
        rows.append(texts)
        confidence.append(lows)
    return {"rows": rows, "confidence": confidence}
