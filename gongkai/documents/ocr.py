"""Reading a scanned PDF (pages that are pictures, no text layer) by OCR: Tesseract with its Simplified
Chinese data (``chi_sim``, Debian ``tesseract-ocr-chi-sim``) through pytesseract — only ever inside the
limited child process of :mod:`gongkai.documents.isolated` (the ``ocr`` reading of :mod:`.pdf`).

Each page is rasterised by pypdfium2 (pdfplumber's own renderer) at :data:`DPI` in grey. The table
borders are found in the picture — runs of dark pixels at least :data:`MIN_RULE_INCHES` long, row by row
and (on the transposed picture) column by column — and painted out before Tesseract reads the page, so
that they are not read as ``|`` or ``1``; Tesseract's words (``image_to_data``: text, box, confidence)
and the borders then go to :func:`gongkai.documents.layout.page_items`, which recovers the tables as the
PDF reader does. The answer is the ``layout`` reading's (``pages``, ``chars``, ``tables``) plus ``ocr``:
the numbers of the pages read by OCR, and ``cpu_seconds`` (this process's and Tesseract's); a table item
carries each cell's lowest digit confidence (0–100).

Limits: at most :data:`MAX_PAGES` scanned pages (more answers ``{"error": "ocr_pages", …}``), and all the
OCR done within ``seconds`` (the checker gives what the child has left but :data:`MARGIN_SECONDS`; else
``{"error": "ocr_timeout"}``); Tesseract missing answers
``{"error": "no_tesseract"}``, its Chinese data missing ``{"error": "no_chi_sim"}``. No Django.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from typing import Any

from gongkai.documents.layout import Rule, Word, page_items

Answer = dict[str, Any]

#: Resolution pages are rasterised at for OCR.
DPI = 300
#: Scanned pages read at most.
MAX_PAGES = 12
#: Wall-clock seconds for all the OCR of one file when the caller gives none.
SECONDS = 75.0
#: The checker stops OCR this many seconds before the limited child's wall-clock limit (90 s by default:
#: 75 s of OCR), so that it can say why rather than be killed.
MARGIN_SECONDS = 15.0
#: A table border is a run of dark pixels at least this long (longer than any stroke of a character).
MIN_RULE_INCHES = 0.25
#: Grey level below which a pixel is dark.
DARK = 140
#: Grey level below which a pixel is ink (a faint or blurred digit too).
INK = 200
LANGUAGE = "chi_sim"
#: Tesseract: one process thread (the machine's cores belong to the other readings), page segmentation
#: "sparse text" (the cells of a table are not one block), and spaces kept between CJK words.
CONFIG = "--psm 11 -c preserve_interword_spaces=1"


class OcrUnavailable(Exception):
    """Tesseract or its Chinese data is not installed; ``reason``: ``no_tesseract`` or ``no_chi_sim``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def available() -> str:
    """ "" when OCR can run here, else ``no_tesseract`` or ``no_chi_sim``."""
    if shutil.which("tesseract") is None:
        return "no_tesseract"
    import pytesseract  # type: ignore[import-untyped]

    try:
        languages = pytesseract.get_languages(config="")
    except Exception:  # a broken install
        return "no_tesseract"
    return "" if LANGUAGE in languages else "no_chi_sim"


def find_rules(image: Any, dpi: int) -> list[tuple[int, int, int, int]]:
    """The dark runs (table borders) of a grey picture, in pixels: (x0, top, x1, bottom)."""
    from PIL import Image

    width, height = image.size
    binary = image.point(lambda v: 0 if v < DARK else 255).convert("L")
    minimum = max(8, int(MIN_RULE_INCHES * dpi))
    run = re.compile(rb"\x00{%d,}" % minimum)
    rules: list[tuple[int, int, int, int]] = []
    data = binary.tobytes()
    for y in range(height):
        for m in run.finditer(data, y * width, (y + 1) * width):
            rules.append((m.start() - y * width, y, m.end() - y * width, y + 1))
    transposed = binary.transpose(Image.Transpose.TRANSPOSE)  # width and height swapped
    data = transposed.tobytes()
    for x in range(width):
        for m in run.finditer(data, x * height, (x + 1) * height):
            rules.append((x, m.start() - x * height, x + 1, m.end() - x * height))
    return rules


def _tesseract(image: Any, config: str, deadline: float, lang: str = LANGUAGE) -> dict[str, list[Any]]:
    import pytesseract

    remaining = deadline - time.monotonic()
    if remaining <= 1:
        raise TimeoutError
    try:
        return pytesseract.image_to_data(  # type: ignore[no-any-return]
            image, lang=lang, config=config, output_type=pytesseract.Output.DICT, timeout=remaining
        )
    except RuntimeError as error:  # pytesseract's timeout
        raise TimeoutError from error


def _words(data: dict[str, list[Any]], scale: float, dx: float = 0, dy: float = 0) -> list[Word]:
    words: list[Word] = []
    for text, conf, left, top, width, height in zip(
        data["text"], data["conf"], data["left"], data["top"], data["width"], data["height"], strict=True
    ):
        text = str(text).strip()
        confidence = float(conf)
        if not text or confidence < 0:
            continue
        x0, y0 = (left + dx) * scale, (top + dy) * scale
        words.append(Word(x0, y0, x0 + width * scale, y0 + height * scale, text, confidence))
    return words


def read_page_image(image: Any, dpi: int, deadline: float) -> tuple[list[Word], list[Rule]]:
    """The words (with confidence) and ruled lines of one page picture, in points.

    Two passes: the whole page (borders painted out) in Chinese, then the cells of the tables that hold
    no Chinese words (numbers, blanks) again, with Tesseract limited to digits
    (:func:`_read_number_cells`): the Chinese model reads a lone "1" as "工" or "I".
    """
    from PIL import ImageDraw

    scale = 72.0 / dpi
    runs = find_rules(image, dpi)
    cleaned = image.copy()
    draw = ImageDraw.Draw(cleaned)
    for x0, top, x1, bottom in runs:
        draw.rectangle((x0 - 1, top - 1, x1, bottom), fill=255)
    words = _words(_tesseract(cleaned, CONFIG, deadline), scale)
    rules = [Rule(x0 * scale, top * scale, x1 * scale, bottom * scale) for x0, top, x1, bottom in runs]
    return _read_number_cells(cleaned, words, rules, dpi, deadline), rules


#: Two or more Chinese characters: a cell of text (a label or a header), not a number.
_CHINESE_TEXT = re.compile(r"[\u4e00-\u9fff].*[\u4e00-\u9fff]", re.DOTALL)
#: Tesseract limited to digits: one line of a column of cells.
DIGITS_CONFIG = "--psm 6 -c tessedit_char_whitelist=0123456789"
#: What a cell with ink but no digit OCR could read holds (□, the printers' mark of an illegible character).
ILLEGIBLE = "\u25a1"
#: Tesseract limited to digits on one cell by itself (one word), for at most this many cells a page.
SINGLE_CONFIG = "--psm 8 -c tessedit_char_whitelist=0123456789"
MAX_SINGLE_CELLS = 12
#: Blank space between two cells in the picture of the number cells (pixels).
_GAP = 24


Box = tuple[float, float, float, float]


def _cell_words(words: list[Word], rules: list[Rule]) -> dict[Box, list[Word]]:
    """The words of each cell of the page's tables (by their centre)."""
    from gongkai.documents.layout import find_tables

    boxes = [c for table in find_tables(rules) for row in table for c in row if c is not None]
    members: dict[Box, list[Word]] = {c: [] for c in boxes}
    for word in words:
        x, y = word.middle
        for c in boxes:
            if c[0] <= x <= c[2] and c[1] <= y <= c[3]:
                members[c].append(word)
                break
    return members


def _number_crops(cleaned: Any, members: dict[Box, list[Word]], dpi: int) -> list[tuple[Box, Any]]:
    """The cells without Chinese text, each with the picture of its ink (None: no ink, a blank cell)."""
    scale = 72.0 / dpi
    inset = 3
    crops: list[tuple[Box, Any]] = []
    for c, in_cell in members.items():
        if _CHINESE_TEXT.search("".join(w.text for w in in_cell)):
            continue
        box = (
            int(c[0] / scale) + inset,
            int(c[1] / scale) + inset,
            int(c[2] / scale) - inset,
            int(c[3] / scale) - inset,
        )
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        crop = cleaned.crop(box)
        ink = crop.point(lambda v: 255 if v < INK else 0).getbbox()
        crops.append((c, None if ink is None else crop.crop(ink)))
    return crops


def _read_stacked(inked: list[tuple[Box, Any]], deadline: float) -> dict[Box, list[Word]]:
    """The digits Tesseract reads in each cell picture, the pictures stacked one a line in one picture
    (one call); a cell it reads nothing in is read again by itself (a lone narrow "1" is often dropped)."""
    from PIL import Image

    read: dict[Box, list[Word]] = {c: [] for c, _ in inked}
    if not inked:
        return read
    width = max(crop.width for _, crop in inked) + 2 * _GAP
    height = sum(crop.height + _GAP for _, crop in inked) + _GAP
    sheet = Image.new("L", (width, height), 255)
    slots: list[tuple[float, float, Box]] = []
    y = _GAP
    for c, crop in inked:
        sheet.paste(crop, (_GAP, y))
        slots.append((y - _GAP / 2, y + crop.height + _GAP / 2, c))
        y += crop.height + _GAP
    for word in _words(_tesseract(sheet, DIGITS_CONFIG, deadline, lang="eng"), 1.0):
        middle = (word.top + word.bottom) / 2
        for top, bottom, c in slots:
            if top <= middle < bottom:
                read[c].append(word)
                break
    for c, crop in [(c, crop) for c, crop in inked if not read[c]][:MAX_SINGLE_CELLS]:
        padded = Image.new("L", (crop.width + 2 * _GAP, crop.height + 2 * _GAP), 255)
        padded.paste(crop, (_GAP, _GAP))
        read[c] = _words(_tesseract(padded, SINGLE_CONFIG, deadline, lang="eng"), 1.0)
    return read


def _read_number_cells(
    cleaned: Any, words: list[Word], rules: list[Rule], dpi: int, deadline: float
) -> list[Word]:
    """``words`` with the words of every table cell that holds no Chinese text replaced by what
    Tesseract reads there limited to digits (one word per cell, its confidence the lowest of the cell's).

    A cell without ink is blank; a cell with ink but no digit read keeps what the first pass read, or
    holds :data:`ILLEGIBLE` with confidence 0 (a doubt the checker reports, never a guess).
    """
    members = _cell_words(words, rules)
    crops = _number_crops(cleaned, members, dpi)
    if not crops:
        return words
    inked = [(c, crop) for c, crop in crops if crop is not None]
    read = _read_stacked(inked, deadline)
    blank = {c for c, crop in crops if crop is None}
    replaced = {id(w) for c, _ in crops for w in members[c]}
    out = [w for w in words if id(w) not in replaced]
    for c, _ in crops:
        found = sorted(read.get(c, []), key=lambda w: w.x0)
        if c in blank:
            continue
        if not found:
            out.extend(members[c] or [Word(c[0] + 1, c[1] + 1, c[2] - 1, c[3] - 1, ILLEGIBLE, 0.0)])
            continue
        text = "".join(w.text for w in found)
        confidence = min(w.confidence for w in found if w.confidence is not None)
        out.append(Word(c[0] + 1, c[1] + 1, c[2] - 1, c[3] - 1, text, confidence))
    return out


def read_scanned(
    data: bytes,
    *,
    pages: list[int] | None = None,
    max_pages: int = MAX_PAGES,
    seconds: float = SECONDS,
    dpi: int = DPI,
) -> Answer:
    """The ``layout`` answer of the PDF in ``data``, its ``pages`` (1-based; all when None) read by OCR
    (the other pages are given as empty)."""
    import pypdfium2  # type: ignore[import-untyped]

    missing = available()
    if missing:
        return {"error": missing}
    os.environ["OMP_THREAD_LIMIT"] = "1"
    deadline = time.monotonic() + seconds
    cpu_start = _cpu_seconds()
    document = pypdfium2.PdfDocument(data)
    try:
        total = len(document)
        wanted = list(range(1, total + 1)) if pages is None else [p for p in pages if 1 <= p <= total]
        if len(wanted) > max_pages:
            return {"error": "ocr_pages", "pages": len(wanted), "max_pages": max_pages}
        answer_pages: list[list[Answer]] = [[] for _ in range(total)]
        chars = tables = 0
        for number in wanted:
            page = document[number - 1]
            try:
                image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            finally:
                page.close()
            try:
                words, rules = read_page_image(image, dpi, deadline)
            except TimeoutError:
                return {"error": "ocr_timeout", "seconds": seconds}
            items, found = page_items(words, rules)
            answer_pages[number - 1] = items
            chars += sum(len(w.text) for w in words)
            tables += found
    finally:
        document.close()
    spent = _cpu_seconds() - cpu_start
    return {"pages": answer_pages, "chars": chars, "tables": tables, "ocr": wanted, "cpu_seconds": spent}


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (Tesseract)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
