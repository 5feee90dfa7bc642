"""PDF (pdfplumber): tables (``page.find_tables()``) become table-row lines, the text outside them prose
lines, in vertical order per page. A PDF without a text layer (a scan) is refused."""

from __future__ import annotations

import io
from typing import Any

from gongkai.checker.readers.common import (
    CONTROL,
    MSG_PDF_BROKEN,
    MSG_PDF_ENCRYPTED,
    MSG_PDF_NO_TEXT,
    finish,
    join_breaks,
    row_line,
)
from gongkai.checker.source import CELL, Source, UnreadableFile


def read_pdf(data: bytes) -> Source:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    lines: list[str] = []
    n_chars = 0
    n_tables = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                n_chars += len(page.chars)
                n_tables += _pdf_page(page, lines)
    except UnreadableFile:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadableFile(MSG_PDF_ENCRYPTED) from exc
    except Exception as exc:  # pdfminer raises many kinds (PSEOF, PDFSyntaxError, KeyError …)
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise UnreadableFile(MSG_PDF_ENCRYPTED) from exc
        raise UnreadableFile(MSG_PDF_BROKEN) from exc
    if n_chars == 0 or not any(line.strip(CELL + " ") for line in lines):
        raise UnreadableFile(MSG_PDF_NO_TEXT)
    return finish(lines, "pdf", "pdf" if n_tables else None)


def _pdf_page(page: Any, lines: list[str]) -> int:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    items: list[tuple[float, int, list[str]]] = []
    prose_page = page.filter(outside) if boxes else page
    for text_line in prose_page.extract_text_lines(return_chars=False):
        items.append((float(text_line["top"]), 0, [str(text_line["text"])]))
    for table in tables:
        rows: list[str] = []
        for row in table.extract():
            cells = [join_breaks(CONTROL.sub("", c)) for c in row if c is not None]
            if cells:
                rows.append(row_line(cells))
        items.append((float(table.bbox[1]), 1, rows))
    items.sort(key=lambda item: (item[0], item[1]))
    for _, _, item_lines in items:
        lines.extend(CONTROL.sub("", line) if CELL not in line else line for line in item_lines)
    return len(tables)
