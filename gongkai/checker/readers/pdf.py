"""PDF (pdfplumber, in the limited child process of :mod:`gongkai.documents.isolated`): tables
(``page.find_tables()``) become table-row lines, the text outside them prose lines, in vertical order per
page. Pages without a text layer but with pictures (a scan) are read by OCR (:mod:`gongkai.documents.ocr`:
Tesseract, ``chi_sim``), their tables recovered from the ruled lines of the picture; the rows read so are
kept in :attr:`~gongkai.checker.source.Source.ocr_rows` with the confidence of their digits. A PDF with
no text even then, or that passes the child's limits, is refused; so is a scan when Tesseract or its
Chinese data is missing, when it has more than :data:`gongkai.documents.ocr.MAX_PAGES` scanned pages or
when OCR would outlast the limited child (it stops :data:`gongkai.documents.ocr.MARGIN_SECONDS` before the
child's wall-clock limit — 75 s of the default 90 — to say so)."""

from __future__ import annotations

import re
from typing import Any

from gongkai.checker.readers.common import (
    MSG_OCR_MISSING,
    MSG_OCR_NO_CHINESE,
    MSG_OCR_PAGES,
    MSG_OCR_TIMEOUT,
    MSG_PDF_BROKEN,
    MSG_PDF_ENCRYPTED,
    MSG_PDF_NO_TEXT,
    MSG_PDF_TOO_COMPLEX,
    finish,
    join_breaks,
    row_line,
)
from gongkai.checker.readers.ocr import official_wording
from gongkai.checker.source import CELL, OcrRow, Source, UnreadableFile
from gongkai.core.messages import Message
from gongkai.documents import isolated, ocr
from gongkai.documents.isolated import TooComplex, read_isolated
from gongkai.documents.text import CONTROL

#: Marks OCR leaves around a number in a cell ("”5548", "14069，"): dropped, the digits are kept as read.
_STRAY_MARKS = re.compile(r"^[\s\"'“”‘’`,.，。、:：;；|]+|[\s\"'“”‘’`,.，。、:：;；|]+$")
_PUNCTUATION = re.compile(r"[\s\W_]+")
_CJK_PAIR = re.compile(r"[\u4e00-\u9fff].*[\u4e00-\u9fff]")


def read_pdf(data: bytes) -> Source:
    answer = _reading("layout", data)
    ocr_pages: list[int] = []
    scanned = [int(n) for n in answer.get("scanned") or []]
    if scanned:
        seconds = max(1.0, isolated.seconds_left() - ocr.MARGIN_SECONDS)
        scan = _reading("ocr", data, pages=scanned, max_pages=ocr.MAX_PAGES, seconds=seconds, dpi=ocr.DPI)
        try:
            for number in scan["ocr"]:
                answer["pages"][number - 1] = scan["pages"][number - 1]
            answer["chars"] = int(answer["chars"]) + int(scan["chars"])
            answer["tables"] = int(answer["tables"]) + int(scan["tables"])
            ocr_pages = [int(n) for n in scan["ocr"]]
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise UnreadableFile(MSG_PDF_TOO_COMPLEX) from exc
    try:
        lines, ocr_rows, corrections = layout_lines(answer["pages"], set(ocr_pages))
        n_chars, n_tables = int(answer["chars"]), int(answer["tables"])
    except (KeyError, TypeError, ValueError) as exc:
        raise UnreadableFile(MSG_PDF_TOO_COMPLEX) from exc
    if n_chars == 0 or not any(line.strip(CELL + " ") for line in lines):
        raise UnreadableFile(MSG_PDF_NO_TEXT)
    source = finish(lines, "pdf", "pdf" if n_tables else None)
    source.ocr_pages = ocr_pages
    source.ocr_rows = ocr_rows
    source.ocr_corrections = corrections
    return source


def _reading(name: str, data: bytes, **options: Any) -> dict[str, Any]:
    try:
        answer = read_isolated(name, data, **options)
    except TooComplex as exc:
        raise UnreadableFile(MSG_PDF_TOO_COMPLEX) from exc
    error = answer.get("error")
    if error == "encrypted" or (error == "broken" and answer.get("password")):
        raise UnreadableFile(MSG_PDF_ENCRYPTED)
    if error == "no_tesseract":
        raise UnreadableFile(MSG_OCR_MISSING)
    if error == "no_chi_sim":
        raise UnreadableFile(MSG_OCR_NO_CHINESE)
    if error == "ocr_pages":
        values = {"pages": answer.get("pages"), "max_pages": answer.get("max_pages")}
        raise UnreadableFile(Message(MSG_OCR_PAGES, values))
    if error == "ocr_timeout":
        raise UnreadableFile(Message(MSG_OCR_TIMEOUT, {"seconds": int(answer.get("seconds") or 0)}))
    if error is not None:
        raise UnreadableFile(MSG_PDF_BROKEN)
    return answer


def layout_lines(
    pages: list[list[dict[str, Any]]], ocr_pages: set[int]
) -> tuple[list[str], list[OcrRow], list[tuple[str, str]]]:
    """The pages' items (in vertical order) as lines: prose lines, and a table's rows as row lines; the
    rows read by OCR (their items carry ``confidence``), and the labels and headings OCR misread that
    were read as the official wording (:func:`~gongkai.checker.readers.ocr.official_wording`)."""
    lines: list[str] = []
    ocr_rows: list[OcrRow] = []
    corrections: list[tuple[str, str]] = []

    def official(text: str) -> str:
        wording = official_wording(text)
        if _PUNCTUATION.sub("", wording) != _PUNCTUATION.sub("", text):
            corrections.append((text, wording))
        return wording

    for number, items in enumerate(pages, start=1):
        by_ocr = number in ocr_pages
        for item in items:
            if "rows" in item:
                confidences = item.get("confidence")
                for index, row in enumerate(item["rows"]):
                    cells = [join_breaks(CONTROL.sub("", str(c))) for c in row]
                    if by_ocr and confidences is not None:
                        cells = [
                            official(c) if _CJK_PAIR.search(c) else _STRAY_MARKS.sub("", c) for c in cells
                        ]
                        scores = tuple(None if s is None else float(s) for s in confidences[index])
                        ocr_rows.append(OcrRow(tuple(cells), scores))
                    if cells:
                        lines.append(row_line(cells))
            else:
                line = CONTROL.sub("", str(item["line"]))
                lines.append(official(line) if by_ocr else line)
    return lines, ocr_rows, corrections
