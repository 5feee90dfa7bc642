"""Which cells of the parsed tables came from OCR (a scanned PDF, :mod:`gongkai.checker.readers.pdf`), and
the digits OCR was unsure of: :func:`mark_ocr`, run on the parsed report.

The parser reads the rows of the tables from the text; the OCR rows (:attr:`Source.ocr_rows`, in document
order, with each cell's lowest digit confidence) are matched to the parsed rows by their numbers: a
parsed row of table 二, 三 or 四 (table 四: its 15 cells in one row) is the next OCR row whose last cells
read as the same numbers, in table order, so that rows of equal numbers (all zeros) are matched in turn.
Every cell of a matched row came from OCR; a cell with digits read below :data:`UNSURE_BELOW` gives one
``ocr.unsure_digits`` finding naming the cell and the number as read — the number is kept as read, never
replaced by a guess. A doubtful digit in a row that cannot be matched is still reported, by the row's
first cell.
"""

from __future__ import annotations

import re
from typing import Any

from gongkai.checker.codes import finding
from gongkai.checker.result import ParsedReport
from gongkai.checker.source import OcrRow, Source
from gongkai.core.messages import N_, Message
from gongkai.documents.ocr import ILLEGIBLE
from gongkai.reports.findings import Finding
from gongkai.reports.model import FORMATS, SECTION3_COLUMNS, SECTION4_COLUMNS, SECTION4_GROUPS

#: A digit read with less confidence (Tesseract's 0–100) than this is a finding to check.
UNSURE_BELOW = 80.0
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

Place = tuple[str, str, str]  # table, row key, column key


def _value(cell: str) -> float | None:
    compact = cell.replace(",", "").replace(" ", "")
    return float(compact) if _NUMBER.fullmatch(compact) else None


def _targets(report: ParsedReport) -> list[tuple[str, str, list[str], list[Any]]]:
    """The parsed rows in table order: (table, row key, column keys, values)."""
    tables = report.tables
    out: list[tuple[str, str, list[str], list[Any]]] = []
    for key, cells2 in tables.section2.items():
        out.append(("section2", key, list(cells2), list(cells2.values())))
    fmt = FORMATS[report.format or report.detected_format or "2021"]
    keys3 = list(fmt.section3_row_keys)
    for key in sorted(tables.section3, key=lambda k: keys3.index(k) if k in keys3 else len(keys3)):
        out.append(("section3", key, [c.key for c in SECTION3_COLUMNS], list(tables.section3[key])))
    if tables.section4:
        columns: list[str] = []
        values: list[Any] = []
        for group in SECTION4_GROUPS:
            cells4 = tables.section4.get(group.key) or [None] * len(SECTION4_COLUMNS)
            columns.extend(f"{group.key}/{c.key}" for c in SECTION4_COLUMNS)
            values.extend(cells4)
        out.append(("section4", "", columns, values))
    return out


def _same(read: list[str], values: list[Any]) -> bool:
    if len(read) < len(values):
        return False
    tail = read[len(read) - len(values) :]
    for cell, value in zip(tail, values, strict=True):
        number = _value(cell)
        if isinstance(value, bool) or not isinstance(value, int | float):
            if number is not None:
                return False
        elif number is None or number != float(value):
            return False
    return True


def _match(
    rows: list[OcrRow], targets: list[tuple[str, str, list[str], list[Any]]]
) -> dict[int, list[Place]]:
    """OCR row index → the places of its last cells (None-free), matched in order."""
    matched: dict[int, list[Place]] = {}
    start = 0
    for table, key, columns, values in targets:
        if not any(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            continue
        for index in range(start, len(rows)):
            if index not in matched and _same(list(rows[index].cells), values):
                places: list[Place] = []
                for column in columns:
                    if table == "section4":
                        group, col = column.split("/")
                        places.append((table, group, col))
                    else:
                        places.append((table, key, column))
                matched[index] = places
                start = index + 1
                break
    return matched


def _cell_name(report: ParsedReport, place: Place) -> Message:
    table, row, column = place
    fmt = FORMATS[report.format or report.detected_format or "2021"]
    if table == "section2":
        block, official = fmt.section2_row(row)
        col = next((c.label for c in block.columns if c.key == column), column)
        return Message(N_("表二“%(row)s”行“%(column)s”列"), {"row": official.label, "column": col})
    if table == "section3":
        col = next(c.label for c in SECTION3_COLUMNS if c.key == column)
        return Message(
            N_("表三“%(row)s”行“%(column)s”列"), {"row": fmt.section3_row(row).label, "column": col}
        )
    group = next(g.label for g in SECTION4_GROUPS if g.key == row)
    col = next(c.label for c in SECTION4_COLUMNS if c.key == column)
    return Message(N_("表四“%(row)s”的“%(column)s”列"), {"row": group, "column": col})


_SECTIONS = {"section2": "proactive", "section3": "applications", "section4": "appeals"}


def mark_ocr(source: Source, report: ParsedReport) -> None:
    """Set ``report.ocr`` and add an ``ocr.unsure_digits`` finding per doubtful number (annual reports)."""
    if not source.ocr_pages:
        return
    rows = source.ocr_rows
    matched = _match(rows, _targets(report)) if report.kind == "annual_report" else {}
    cells: list[dict[str, Any]] = []
    findings: list[Finding] = []
    for index, row in enumerate(rows):
        places = matched.get(index)
        offset = len(row.cells) - len(places) if places else 0
        for position, (text, confidence) in enumerate(zip(row.cells, row.confidence, strict=True)):
            place = places[position - offset] if places and position >= offset else None
            unsure = confidence is not None and confidence < UNSURE_BELOW
            if place is not None:
                table, key, column = place
                cells.append(
                    {
                        "table": table,
                        "row": key,
                        "column": column,
                        "confidence": None if confidence is None else round(confidence),
                        "unsure": unsure,
                    }
                )
            if not unsure or report.kind != "annual_report":
                continue
            score = round(confidence or 0)
            if place is None:
                message = Message(
                    N_(
                        "扫描件表格中以“%(row)s”开头的一行里，数字“%(text)s”是经文字识别（OCR）读出的，"
                        "识别把握不大（置信度 %(confidence)s，满分 100）；请对照原件核对这个数字。"
                    ),
                    {"row": row.cells[0] if row.cells else "", "text": text, "confidence": score},
                )
                findings.append(finding("ocr.unsure_digits", message, found=text))
                continue
            if text == ILLEGIBLE:
                message = Message(
                    N_("%(cell)s在扫描件中有字迹，但文字识别（OCR）未能读出数字；请对照原件核对这个单元格。"),
                    {"cell": _cell_name(report, place)},
                )
            else:
                message = Message(
                    N_(
                        "%(cell)s的数字“%(text)s”是扫描件经文字识别（OCR）读出的，识别把握不大"
                        "（置信度 %(confidence)s，满分 100）；请对照原件核对这个数字。"
                    ),
                    {"cell": _cell_name(report, place), "text": text, "confidence": score},
                )
            findings.append(
                finding(
                    "ocr.unsure_digits",
                    message,
                    section=_SECTIONS[place[0]],
                    table=place[0],
                    row=place[1],
                    column=place[2],
                    found=text,
                )
            )
    report.ocr = {
        "pages": list(source.ocr_pages),
        "cells": cells,
        "labels": [{"read": read, "as": taken} for read, taken in source.ocr_corrections],
    }
    report.parse_findings.extend(findings)


# -- the official wording for what OCR misread --------------------------------------------------------

#: How alike (difflib's ratio, on the text without spaces and punctuation, of about the same length) a cell
#: or a short line read by OCR must be to an official label or heading to be read as it.
SNAP_RATIO = 0.8
_SNAP_MAX_LINE = 40
_PUNCTUATION = re.compile(r"[\s\W_]+")
_CJK_PAIR = re.compile(r"[\u4e00-\u9fff].*[\u4e00-\u9fff]")


def _compact(text: str) -> str:
    return _PUNCTUATION.sub("", text)


def _vocabulary() -> dict[str, str]:
    """Compact form → official text of every label, header and heading of the two formats."""
    from gongkai.reports.model import (
        RESULT_GROUP,
        SECTION2_2019,
        SECTION2_2021,
        SECTION2_CONTENT_HEADER,
        SECTION3_HEADER_GROUPS,
        SECTION3_HEADER_NOTE,
        SECTION3_ROWS,
        SECTIONS,
    )

    words: list[str] = [SECTION2_CONTENT_HEADER, SECTION3_HEADER_NOTE, RESULT_GROUP, *SECTION3_HEADER_GROUPS]
    for blocks in (SECTION2_2019, SECTION2_2021):
        for block in blocks:
            words.extend(row.label for row in block.rows)
            words.extend(column.label for column in block.columns)
    for rows in SECTION3_ROWS.values():
        words.extend(row.label for row in rows)
        words.extend(row.group for row in rows if row.group)
    words.extend(column.label for column in (*SECTION3_COLUMNS, *SECTION4_COLUMNS))
    words.extend(group.label for group in SECTION4_GROUPS)
    words.extend(section.heading for section in SECTIONS)
    return {_compact(word): word for word in words if len(_compact(word)) >= 4}


_VOCABULARY: dict[str, str] = {}


def official_wording(text: str) -> str:
    """The official label or heading ``text`` (read by OCR) is a misreading of, else ``text``."""
    import difflib

    compact = _compact(text)
    if len(compact) < 4 or len(text) > _SNAP_MAX_LINE or not _CJK_PAIR.search(compact):
        return text
    if not _VOCABULARY:
        _VOCABULARY.update(_vocabulary())
    if compact in _VOCABULARY:  # the same words: OCR's punctuation and spaces are not the report's
        return _VOCABULARY[compact]
    best, best_ratio = text, SNAP_RATIO
    for key, official in _VOCABULARY.items():
        if abs(len(key) - len(compact)) > max(1, len(key) // 10):  # OCR misreads, it rarely drops
            continue
        ratio = difflib.SequenceMatcher(None, compact, key, autojunk=False).ratio()
        if ratio >= best_ratio:
            best, best_ratio = official, ratio
    return best
