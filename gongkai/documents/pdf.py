"""Reading a PDF with pdfplumber — only ever inside the limited child process of
:mod:`gongkai.documents.isolated`, which runs one of :data:`READINGS` and sends back its JSON answer.

* ``pages`` (the privacy scanner): the text of each page up to ``max_pages`` pages / ``max_chars``
  characters, the pages without text but with images (scanned), and the page count.
* ``layout`` (the report checker): per page, the lines of text outside tables and the tables' rows (cells
  as pdfplumber gives them, ``None`` cells dropped), in vertical order; the characters and tables counted,
  and the pages without text but with pictures (``scanned``: a scan, for the ``ocr`` reading).
* ``ocr`` (the report checker, for ``scanned`` pages): the same answer read by OCR
  (:func:`gongkai.documents.ocr.read_scanned`).

Each page is closed (``page.close()``: pdfplumber's caches of its objects flushed) as soon as it is read,
so memory stays flat in the page count. pdfminer's log messages about fonts ("Could not get FontBBox …")
are not the reader's business: its loggers only pass errors.

An encrypted PDF answers ``{"error": "encrypted"}``; a broken one ``{"error": "broken", "password": …}``
(``password``: the library's error speaks of a password or encryption); running out of memory is raised
as :class:`MemoryError` however the library wrapped it.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable
from typing import Any

Answer = dict[str, Any]

for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def read_pages(data: bytes, *, max_pages: int, max_chars: int) -> Answer:
    import pdfplumber

    texts: list[str] = []
    scanned: list[int] = []
    length = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        total = len(pdf.pages)
        for number, page in enumerate(pdf.pages[:max_pages], start=1):
            text = page.extract_text() or ""
            if not text.strip() and page.images:
                scanned.append(number)
            page.close()
            texts.append(text)
            length += len(text) + 1
            if length > max_chars:
                break
    return {"pages": total, "texts": texts, "scanned": scanned}


def read_layout(data: bytes) -> Answer:
    import pdfplumber

    pages: list[list[Answer]] = []
    scanned: list[int] = []
    chars = tables = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                page_chars = len(page.chars)
                chars += page_chars
                if page_chars == 0 and page.images:
                    scanned.append(number)
                items, found = _layout_page(page)
            finally:
                page.close()
            tables += found
            pages.append(items)
    return {"pages": pages, "chars": chars, "tables": tables, "scanned": scanned}


def read_ocr(data: bytes, **options: Any) -> Answer:
    from gongkai.documents.ocr import read_scanned

    return read_scanned(data, **options)


def _layout_page(page: Any) -> tuple[list[Answer], int]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    items: list[tuple[float, int, Answer]] = []
    prose_page = page.filter(outside) if boxes else page
    for text_line in prose_page.extract_text_lines(return_chars=False):
        items.append((float(text_line["top"]), 0, {"line": str(text_line["text"])}))
    for table in tables:
        rows = [[str(cell) for cell in row if cell is not None] for row in table.extract()]
        items.append((float(table.bbox[1]), 1, {"rows": rows}))
    items.sort(key=lambda item: (item[0], item[1]))
    return [item for _, _, item in items], len(tables)


READINGS: dict[str, Callable[..., Answer]] = {"pages": read_pages, "layout": read_layout, "ocr": read_ocr}


def run_reading(name: str, data: bytes, options: dict[str, Any]) -> Answer:
    """:data:`READINGS` ``[name]`` with its errors turned into answers (MemoryError is raised)."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return READINGS[name](data, **options)
    except MemoryError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return {"error": "encrypted"}
    except Exception as error:  # pdfminer raises many kinds (PSEOF, PDFSyntaxError, KeyError …)
        if out_of_memory(error):  # pdfplumber wraps what pdfminer raised, MemoryError too
            raise MemoryError from error
        password = "password" in str(error).lower() or "encrypt" in type(error).__name__.lower()
        return {"error": "broken", "password": password}


def out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` is, wraps or was raised while handling a :class:`MemoryError`."""
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, MemoryError):
            return True
        seen.add(id(current))
        pending.extend([current.__cause__, current.__context__, *current.args])
    return False
